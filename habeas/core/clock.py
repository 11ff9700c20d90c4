"""The periodic clock: a few jobs, each run every so many seconds, in one process.

Jobs are named in ``settings.CLOCK_JOBS`` as ``(name, seconds, "dotted.path")``
so that core imports nothing from the apps above it. Each job runs in its own
``try``: a job that fails is logged (on ``habeas.clock``) and the others go on;
it runs again at its next time. Jobs must be safe to run from several clocks
at once (a second ``habeas serve`` on another machine starts another clock).
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string

logger = logging.getLogger("habeas.clock")

# Longest sleep between looks at the jobs and at the stop signal.
TICK_SECONDS = 0.5


@dataclass(frozen=True)
class Job:
    """A callable the clock runs every ``every`` seconds."""

    name: str
    every: float
    run: Callable[[], Any]


def jobs_from_settings() -> list[Job]:
    """The jobs ``settings.CLOCK_JOBS`` names, imported."""
    return [
        Job(name, float(every), import_string(path))
        for name, every, path in getattr(settings, "CLOCK_JOBS", ())
    ]


def _tidy_connections(*, close: bool) -> None:
    """Close connections that are broken or too old (all of them with ``close``), as
    Django does between requests. A connection inside a transaction someone else
    opened (a test's) is left alone."""
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            continue
        if close:
            conn.close()
        else:
            conn.close_if_unusable_or_obsolete()


def run_job(job: Job) -> bool:
    """Run one job with sound database connections; log a failure. True if it succeeded."""
    _tidy_connections(close=False)
    try:
        job.run()
    except Exception:
        # Whatever the job left open (a broken transaction, a lost server) is closed,
        # so the next job starts clean.
        logger.exception("The clock's job %s failed; it runs again at its next time.", job.name)
        _tidy_connections(close=True)
        return False
    _tidy_connections(close=False)
    return True


def run_once(jobs: Iterable[Job]) -> dict[str, bool]:
    """Run every job once, in order; which succeeded."""
    return {job.name: run_job(job) for job in jobs}


class Clock:
    """Runs each job when it is due until stopped (SIGTERM or SIGINT, or ``stop()``)."""

    def __init__(
        self,
        jobs: list[Job],
        *,
        pause: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.jobs = jobs
        self.pause = pause
        self.now = now
        self.stopping = False

    def stop(self, *args: object) -> None:
        self.stopping = True

    def run(self) -> None:
        """Run until stopped: every job at once, then each again every ``every`` seconds."""
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        due = dict.fromkeys((job.name for job in self.jobs), self.now())
        try:
            while not self.stopping:
                for job in self.jobs:
                    if self.stopping:
                        break
                    if self.now() >= due[job.name]:
                        run_job(job)
                        # From when it ended: a slow job never queues up behind itself.
                        due[job.name] = self.now() + job.every
                if self.stopping:
                    break
                wait = min(due.values(), default=self.now() + TICK_SECONDS) - self.now()
                self.pause(min(max(wait, 0.0), TICK_SECONDS))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

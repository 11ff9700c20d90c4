"""The periodic clock runs every job on time, survives a failing one, and stops when told."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from habeas.core.clock import Clock, Job, jobs_from_settings
from tests.core.test_resilience import FakeClock, Supervised, _web

ROOT = Path(__file__).resolve().parents[2]

CALLS: list[str] = []


def first_job() -> None:
    CALLS.append("first")


def failing_job() -> None:
    CALLS.append("failing")
    raise RuntimeError("the job broke")


def last_job() -> None:
    CALLS.append("last")


TEST_JOBS = [
    ("first", 2, "tests.core.test_clock.first_job"),
    ("failing", 2, "tests.core.test_clock.failing_job"),
    ("last", 10, "tests.core.test_clock.last_job"),
]


@pytest.fixture(autouse=True)
def _calls() -> None:
    CALLS.clear()


def test_every_configured_job_names_a_callable() -> None:
    """Each job in the settings imports, so a typo fails here, not at 3 a.m."""
    jobs = jobs_from_settings()
    assert {job.name for job in jobs} >= {"letters-tally-fold", "letters-tally-reconcile"}
    assert all(callable(job.run) and job.every > 0 for job in jobs)


def test_once_runs_every_job_and_a_failure_does_not_stop_the_others(
    settings: Any, caplog: Any
) -> None:
    """`clock --once` runs each job once; a failing job is logged, the next still runs,
    and the command then says which failed."""
    settings.CLOCK_JOBS = TEST_JOBS
    with (
        caplog.at_level(logging.ERROR, logger="habeas.clock"),
        pytest.raises(CommandError, match="failing"),
    ):
        call_command("clock", once=True)
    assert CALLS == ["first", "failing", "last"]
    assert "failing" in caplog.text
    assert "the job broke" in caplog.text


def test_once_succeeds_quietly_when_every_job_does(settings: Any) -> None:
    """With no failure, `clock --once` just runs the jobs and returns."""
    settings.CLOCK_JOBS = [TEST_JOBS[0], TEST_JOBS[2]]
    call_command("clock", once=True)
    assert CALLS == ["first", "last"]


def test_the_clock_runs_each_job_at_its_interval_and_goes_on_after_failures() -> None:
    """Jobs run at once, then every ``every`` seconds; a failing job runs again on time."""
    time = FakeClock()
    jobs = [
        Job(name, every, {"f": first_job, "x": failing_job, "l": last_job}[name])
        for name, every in (("f", 2.0), ("x", 2.0), ("l", 10.0))
    ]
    clock = Clock(jobs, pause=time.pause, now=time)

    def pause(seconds: float) -> None:
        time.pause(seconds)
        if time.now >= 11:
            clock.stop()

    clock.pause = pause
    clock.run()
    assert CALLS.count("first") == 6  # at 0, 2, 4, 6, 8, 10
    assert CALLS.count("failing") == 6
    assert CALLS.count("last") == 2  # at 0 and 10
    assert max(time.waits) <= 0.5


def test_the_clock_stops_on_sigterm_and_restores_the_handler() -> None:
    """SIGTERM ends the loop after the job that was running; the old handler comes back."""
    before = signal.getsignal(signal.SIGTERM)

    def terminate() -> None:
        CALLS.append("terminate")
        os.kill(os.getpid(), signal.SIGTERM)

    time = FakeClock()
    Clock([Job("t", 1.0, terminate), Job("l", 1.0, last_job)], pause=time.pause, now=time).run()
    assert CALLS == ["terminate"]
    assert signal.getsignal(signal.SIGTERM) is before


def test_serve_restarts_a_stopped_clock_and_keeps_the_site_up() -> None:
    """The clock, like the task worker, is started again after 1, 2 s while the site serves."""
    time = FakeClock()
    crashing = [sys.executable, "-c", "raise SystemExit(3)"]
    command = Supervised([], time, stop_after=3)
    web = _web()
    try:
        command.supervise(web, None, clock_command=crashing, pause=command.pause, clock=time)
    finally:
        if web.poll() is None:
            web.kill()
    assert len(command.started) == 3
    assert web.returncode == -15
    err = command.stderr._out.getvalue()  # type: ignore[attr-defined]
    assert err.count("The clock stopped (exit status 3)") == 2
    assert "starting it again in 2 s" in err


def test_clock_process_outlives_failing_jobs_and_stops_on_term(tmp_path: Path) -> None:
    """`habeas clock` on a database without its tables logs each failure, keeps running,
    and exits cleanly on SIGTERM."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "habeas.settings",
        "HABEAS_DEBUG": "1",
        "HABEAS_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "habeas.cli", "clock"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    seen: list[str] = []
    try:
        for line in process.stderr:  # bounded by the test's own timeout
            seen.append(line)
            if sum("letters-tally-fold failed" in x for x in seen) >= 2:
                break
        assert process.poll() is None, "".join(seen)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    assert "letters-tally-reconcile failed" in "".join(seen)

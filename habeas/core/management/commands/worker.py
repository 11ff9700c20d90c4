"""`habeas worker`: django-tasks-db's worker, which outlives a locked or unreachable database.

``db_worker`` skips a locked database only while it claims a task; a
locked database when it records a result, or a database that cannot be
reached at all, ends the process with a traceback. This worker logs the
error, closes its connections, waits (1 s, then twice as long each time,
up to 30 s) and goes on; the wait starts again from 1 s once the worker
has run for a minute without an error. Stops on SIGTERM or SIGINT as
``db_worker`` does, also while waiting.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, connections
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger("django_tasks_db")

# Seconds to wait after the first, second, ... database error in a row.
BACKOFF = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
# Seconds of work without an error after which the wait starts again from the first.
SETTLED = 60.0


class ResilientWorker(Worker):
    """A task worker that waits and tries again when the database fails."""

    def __init__(
        self,
        *,
        pause: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.pause = pause
        self.clock = clock
        self.retries = 0

    def run(self) -> None:
        failures = 0
        while self.running:
            started = self.clock()
            try:
                super().run()
            except DatabaseError as error:
                if self.clock() - started >= SETTLED:
                    failures = 0
                delay = BACKOFF[min(failures, len(BACKOFF) - 1)]
                failures += 1
                self.retries += 1
                logger.warning(
                    "The database failed (%s: %s); trying again in %g s.",
                    type(error).__name__,
                    str(error).strip().splitlines()[0] if str(error).strip() else "",
                    delay,
                )
                self._close_connections()
                self.pause(delay)
            else:
                return

    @staticmethod
    def _close_connections() -> None:
        for connection in connections.all(initialized_only=True):
            try:
                connection.close()
            except DatabaseError:
                # A broken connection may fail to close; the next query
                # opens a new one all the same.
                connection.connection = None


class Command(DBWorkerCommand):
    help = (
        "Run background tasks from the database queue; a locked or unreachable "
        "database makes the worker wait and try again, not stop."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        worker.configure_signals()
        worker.run()

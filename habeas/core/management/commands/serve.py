"""`habeas serve`: the web server, the task worker and the clock, as `make run` starts them."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

CREDENTIALS_FILE = "demo-credentials.txt"

# Seconds before starting a stopped task worker again: the first, second, ...
# stop in a row; the count starts again once a worker has run RESTART_SETTLED.
RESTART_DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 60.0)
RESTART_SETTLED = 60.0
POLL_SECONDS = 0.2

# How gunicorn runs, here and in the benchmarks' floor.
GUNICORN_OPTIONS = [
    "--access-logfile",
    "-",
    # No client address, no query string, no user agent: the log must not
    # become a list of who read what.
    "--access-logformat",
    '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
    "--graceful-timeout",
    "10",
    # No control socket in the user's home: nothing is written outside the
    # project's own folders.
    "--no-control-socket",
    # Keep the collector's full walks off what a worker holds for life.
    "--config",
    "python:habeas.core.gunicorn_config",
]


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on host:port (checked by binding)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in {errno.EADDRINUSE, errno.EACCES}:
                return True
            raise
    return False


@dataclass
class _Helper:
    """A process ``serve`` runs beside the web server and starts again if it stops."""

    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    failures: int = 0
    restart_at: float | None = None


class Command(BaseCommand):
    help = "Serve Habeas with gunicorn; run the task worker and the periodic clock beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the task worker."
        )
        parser.add_argument(
            "--no-clock", action="store_true", help="Do not start the periodic clock."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"PORT must be between 1 and 65535, not {port}.")
        if port_in_use(host, port):
            raise CommandError(
                f"Port {port} on {host} is already in use — is Habeas or another server "
                f"already running there? Stop it, or choose another port: make run PORT={port + 1}"
            )
        self.settle_imports()
        web = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "habeas.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(options["workers"]),
                *GUNICORN_OPTIONS,
            ]
        )
        self.banner(host, port)
        self.supervise(
            web,
            None if options["no_worker"] else self.worker_command(),
            clock_command=None if options["no_clock"] else self.clock_command(),
        )

    def settle_imports(self) -> None:
        """Undo or finish imports a dead process left (habeas import-recover).

        Their records are not public either way; this removes or completes
        them. A database that cannot be reached now does not stop the
        site from starting: /healthz says so, and the next import settles them.
        """
        try:
            call_command("import-recover", stdout=self.stdout, stderr=self.stderr)
        except DatabaseError as error:
            self.stderr.write(f"Could not settle unfinished imports ({type(error).__name__}).")

    def worker_command(self) -> list[str]:
        habeas = str(Path(sys.executable).with_name("habeas"))
        if getattr(settings, "REDIS_URL", ""):
            return [habeas, "rqworker", "--job-class", "django_tasks_rq.Job", "default"]
        return [habeas, "worker", "--queue-name", "*", "--no-reload", "--verbosity", "1"]

    def clock_command(self) -> list[str]:
        return [str(Path(sys.executable).with_name("habeas")), "clock"]

    def banner(self, host: str, port: int) -> None:
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nHabeas is running at {url}"))
        self.stdout.write(f"Urdu pages: {url}ur/")
        credentials = Path(settings.VAR_DIR) / CREDENTIALS_FILE
        if credentials.exists():
            # Where the password is, never the password: this output is
            # often a log that others can read.
            self.stdout.write(
                f"Sign in at {url}accounts/login/ as the demo coordinator; "
                f"the username and password are in {credentials}"
            )
        self.stdout.write("Press Ctrl-C to stop.\n")

    def start(self, command: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(command)  # noqa: S603

    def supervise(
        self,
        web: subprocess.Popen[bytes],
        worker_command: list[str] | None,
        *,
        clock_command: list[str] | None = None,
        pause: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Run until the web server exits or a signal arrives, then stop everything.

        A task worker or clock that stops is started again after a wait that
        doubles each time in a row (RESTART_DELAYS), while the site goes on
        serving: mail and counts wait, pages do not. Only the web server's own
        exit ends ``serve``, with an error unless a signal asked for it.
        """
        self.stopping = False

        def stop(signum: int, frame: object) -> None:
            self.stopping = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        helpers = [
            _Helper(name, command)
            for name, command in (("task worker", worker_command), ("clock", clock_command))
            if command
        ]
        for helper in helpers:
            helper.process, helper.started = self.start(helper.command), clock()
        try:
            while not self.stopping and web.poll() is None:
                for helper in helpers:
                    self.look_after(helper, clock)
                pause(POLL_SECONDS)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            children = [h.process for h in helpers if h.process is not None] + [web]
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        if web.returncode not in (0, -signal.SIGTERM) and not self.stopping:
            raise CommandError("The web server stopped unexpectedly; see the log above.")

    def look_after(self, helper: _Helper, clock: Callable[[], float]) -> None:
        """Start ``helper`` again, after its back-off, if it has stopped."""
        process = helper.process
        if process is not None and process.poll() is not None:
            if clock() - helper.started >= RESTART_SETTLED:
                helper.failures = 0
            delay = RESTART_DELAYS[min(helper.failures, len(RESTART_DELAYS) - 1)]
            helper.failures += 1
            self.stderr.write(
                f"The {helper.name} stopped (exit status {process.returncode}); "
                f"starting it again in {delay:g} s. The site goes on serving."
            )
            helper.process, helper.restart_at = None, clock() + delay
        if helper.restart_at is not None and clock() >= helper.restart_at:
            helper.process, helper.restart_at = self.start(helper.command), None
            helper.started = clock()

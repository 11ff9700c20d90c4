"""`habeas serve`: the web server and the task worker, as `make run` starts them."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

CREDENTIALS_FILE = "demo-credentials.txt"

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


class Command(BaseCommand):
    help = "Serve Habeas with gunicorn and run the background-task worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the task worker."
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
        children: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"]:
            children.append(subprocess.Popen(self.worker_command()))  # noqa: S603
        children.append(
            subprocess.Popen(  # noqa: S603
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
        )
        self.banner(host, port)
        self.supervise(children)

    def worker_command(self) -> list[str]:
        habeas = str(Path(sys.executable).with_name("habeas"))
        if getattr(settings, "REDIS_URL", ""):
            return [habeas, "rqworker", "--job-class", "django_tasks_rq.Job", "default"]
        return [habeas, "db_worker", "--queue-name", "*", "--no-reload", "--verbosity", "1"]

    def banner(self, host: str, port: int) -> None:
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nHabeas is running at {url}"))
        self.stdout.write(f"Urdu pages: {url}ur/")
        credentials = Path(settings.VAR_DIR) / CREDENTIALS_FILE
        if credentials.exists():
            self.stdout.write(f"Sign in at {url}accounts/login/ as the demo coordinator:")
            self.stdout.write(credentials.read_text(encoding="utf-8").strip())
        self.stdout.write("Press Ctrl-C to stop.\n")

    def supervise(self, children: list[subprocess.Popen[bytes]]) -> None:
        """Wait until a child exits or a signal arrives, then stop them all."""
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [child for child in children if child.returncode not in (0, -signal.SIGTERM)]
        if failed and not stopping:
            raise CommandError("A Habeas process stopped unexpectedly; see the log above.")

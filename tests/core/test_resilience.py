"""A failing database or task worker never takes the web server down."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult

from habeas.core.management.commands import serve, worker
from habeas.core.management.commands.worker import ResilientWorker

ROOT = Path(__file__).resolve().parents[2]


class FakeClock:
    """Time that passes only when the code under test waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def pause(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


class Supervised(serve.Command):
    """serve's supervisor, counting the task workers it starts and stopping after a few."""

    def __init__(self, worker_command: list[str], clock: FakeClock, stop_after: int) -> None:
        super().__init__(stdout=io.StringIO(), stderr=io.StringIO())
        self.worker_command_ = worker_command
        self.started: list[subprocess.Popen[bytes]] = []
        self.clock = clock
        self.stop_after = stop_after

    def start(self, command: list[str]) -> subprocess.Popen[bytes]:
        child = super().start(command)
        self.started.append(child)
        return child

    def pause(self, seconds: float) -> None:
        # Each worker is waited for, so that the supervisor sees it stop.
        if self.started and self.started[-1].poll() is None:
            self.started[-1].wait(timeout=30)
        self.clock.pause(seconds)
        if len(self.started) >= self.stop_after:
            self.stopping = True


def _web() -> subprocess.Popen[bytes]:
    """A stand-in web server: runs until it is told to stop."""
    return subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()"])


def test_serve_restarts_a_crashed_worker_with_back_off_and_keeps_the_site_up() -> None:
    """A task worker that stops is started again, after 1, 2 and 4 s; the web server runs on."""
    clock = FakeClock()
    crashing = [sys.executable, "-c", "raise SystemExit(3)"]
    command = Supervised(crashing, clock, stop_after=4)
    web = _web()
    try:
        command.supervise(web, crashing, pause=command.pause, clock=clock)
    finally:
        if web.poll() is None:
            web.kill()
    assert len(command.started) == 4
    assert all(child.returncode == 3 for child in command.started[:3])
    # The web server was never stopped by the workers' crashes: only at the end.
    assert web.returncode == -15
    err = command.stderr._out.getvalue()  # type: ignore[attr-defined]
    assert err.count("The task worker stopped (exit status 3)") == 3
    assert "starting it again in 1 s" in err
    assert "starting it again in 2 s" in err
    assert "starting it again in 4 s" in err


def test_serve_stops_with_an_error_only_when_the_web_server_dies() -> None:
    """The web server's own crash still ends serve with a clear error."""
    clock = FakeClock()
    command = Supervised([], clock, stop_after=99)
    web = subprocess.Popen([sys.executable, "-c", "raise SystemExit(4)"])
    web.wait(timeout=30)
    with pytest.raises(CommandError, match="web server stopped unexpectedly"):
        command.supervise(web, None, pause=command.pause, clock=clock)


def test_serve_names_where_the_demo_password_is_and_never_prints_it(
    tmp_path: Path, settings: Any
) -> None:
    """The start banner (often a log file) points to the credentials file, not its content."""
    settings.VAR_DIR = tmp_path
    password = "correct-horse-battery-staple-1729"
    (tmp_path / serve.CREDENTIALS_FILE).write_text(
        f"username: demo-coordinator\npassword: {password}\n", encoding="utf-8"
    )
    out = io.StringIO()
    command = serve.Command(stdout=out)
    command.banner("127.0.0.1", 8000)
    shown = out.getvalue()
    assert password not in shown
    assert str(tmp_path / serve.CREDENTIALS_FILE) in shown


def _worker(clock: FakeClock) -> ResilientWorker:
    return ResilientWorker(
        pause=clock.pause,
        clock=clock,
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


@pytest.mark.django_db(transaction=True)
def test_worker_waits_and_retries_while_the_database_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A locked, then unreachable, database makes the worker wait 1 s, then 2 s; then it works."""
    failures = [
        OperationalError("database is locked"),
        OperationalError("connection refused"),
    ]
    real = DBTaskResult.objects.ready

    def ready() -> Any:
        if failures:
            raise failures.pop(0)
        return real()

    monkeypatch.setattr(DBTaskResult.objects, "ready", ready)
    clock = FakeClock()
    ran = _worker(clock)
    ran.run()  # batch mode: returns once the queue is empty
    assert clock.waits == [1.0, 2.0]
    assert ran.retries == 2


@pytest.mark.django_db(transaction=True)
def test_worker_back_off_starts_again_after_a_quiet_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Waits double while errors come in a row, and go back to 1 s after a minute of work."""
    clock = FakeClock()
    calls = [0]
    real = DBTaskResult.objects.ready

    def ready() -> Any:
        calls[0] += 1
        if calls[0] == 4:
            clock.now += worker.SETTLED  # a minute of work before this error
        if calls[0] <= 4:
            raise OperationalError("database is locked")
        return real()

    monkeypatch.setattr(DBTaskResult.objects, "ready", ready)
    _worker(clock).run()
    assert clock.waits == [1.0, 2.0, 4.0, 1.0]


def test_worker_process_survives_an_unreachable_database(tmp_path: Path) -> None:
    """`habeas worker` against a database nobody answers for keeps retrying, and stops on TERM."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "habeas.settings",
        "HABEAS_DEBUG": "1",
        "HABEAS_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://habeas@127.0.0.1:1/nothing",  # nothing listens on port 1
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "habeas.cli", "worker", "--queue-name", "*", "--no-reload"],
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
            if sum("trying again in" in x for x in seen) >= 2:
                break
        assert process.poll() is None, "".join(seen)
    finally:
        process.terminate()
        process.wait(timeout=30)
    output = "".join(seen)
    assert "trying again in 1 s" in output
    assert "trying again in 2 s" in output
    assert "Traceback" not in output

"""`habeas serve` explains a busy port instead of printing a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    """`make run`'s environment: debug settings, state under tmp_path."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "habeas.settings",
        "HABEAS_DEBUG": "1",
        "HABEAS_VAR_DIR": str(tmp_path),
    }


def test_port_in_use_gives_a_clear_message(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "habeas.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=_env(tmp_path),
        )
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"PORT={port + 1}" in result.stderr
    assert "Traceback" not in result.stderr


def test_port_out_of_range_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "habeas.cli", "serve", "--port", "70000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=_env(tmp_path),
    )
    assert result.returncode == 1
    assert "between 1 and 65535" in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_runs_gunicorn_and_the_worker_then_stops_cleanly(tmp_path: Path) -> None:
    """As `make run` starts it: the site answers, the worker runs, SIGTERM stops both."""
    import signal
    import urllib.request

    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "habeas.settings",
        "HABEAS_SECRET_KEY": "s" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "HABEAS_HTTPS": "0",
        "HABEAS_DEBUG": "0",
        "HABEAS_VAR_DIR": str(tmp_path),
        "WEB_CONCURRENCY": "1",
    }
    habeas = [sys.executable, "-m", "habeas.cli"]
    subprocess.run([*habeas, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run(
        [*habeas, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    port = _free_port()
    server = subprocess.Popen(
        [*habeas, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout or []), daemon=True)
    reader.start()
    try:
        body = ""
        for _ in range(300):  # bounded: at most about 30 seconds
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    body = r.read().decode()
                    break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)  # polling for start-up, not timing anything
        assert '"status": "ok"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert "No campaign yet" in response.read().decode()
        for _ in range(300):  # the task worker starts beside gunicorn, at its own pace
            if any("Starting worker" in line for line in lines) or server.poll() is not None:
                break
            time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        reader.join(timeout=10)
    output = "".join(lines)
    assert server.returncode == 0, output
    assert f"Habeas is running at http://127.0.0.1:{port}/" in output
    assert "Starting worker" in output
    access_lines = [line for line in output.splitlines() if '"GET /healthz"' in line]
    assert access_lines, output
    assert all("127.0.0.1" not in line for line in access_lines), "client address logged"


def test_workers_freeze_what_they_keep_for_life() -> None:
    """The gunicorn hooks move long-lived objects out of the collector's full walks."""
    import gc
    from types import SimpleNamespace

    from habeas.core import gunicorn_config

    worker = SimpleNamespace()
    gc.unfreeze()
    try:
        gunicorn_config.post_worker_init(worker)
        after_init = gc.get_freeze_count()
        assert after_init > 0
        # What requests leave behind for life: lists, which the collector tracks.
        kept: list[list[int]] = [[] for _ in range(1000)]
        gc.collect()  # the new objects reach the oldest generation, unfrozen
        for _ in range(gunicorn_config.SETTLED_AFTER - 1):
            gunicorn_config.post_request(worker, None, {}, None)
        # Nothing is frozen again before the worker settles (a frozen object
        # may still be freed meanwhile, so the count can only fall).
        assert gc.get_freeze_count() <= after_init
        gunicorn_config.post_request(worker, None, {}, None)
        assert gc.get_freeze_count() > after_init + 500
        assert kept
    finally:
        gc.unfreeze()

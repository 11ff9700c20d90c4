"""`habeas serve` explains a busy port instead of printing a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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
            env={**os.environ, "HABEAS_DEBUG": "1", "HABEAS_VAR_DIR": str(tmp_path)},
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
        env={**os.environ, "HABEAS_DEBUG": "1", "HABEAS_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 1
    assert "between 1 and 65535" in result.stderr

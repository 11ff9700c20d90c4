"""Gunicorn's error log names no client: its "ip=" messages lose the address."""

from __future__ import annotations

import socket
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn.app.base import Application
from gunicorn.config import Config
from gunicorn.http.errors import InvalidRequestLine
from gunicorn.http.parser import RequestParser
from gunicorn.workers.base import Worker

from habeas.core.gunicorn_config import redact_addresses

CONFIG = "python:habeas.core.gunicorn_config"


class _ConfiguredApp(Application):
    """Gunicorn's own application object, loading only Habeas's config module."""

    def __init__(self, errorlog: Path) -> None:
        self.errorlog = errorlog
        super().__init__()

    def load_config(self) -> None:
        self.load_config_from_module_name_or_filename(CONFIG)
        self.cfg.set("errorlog", str(self.errorlog))

    def load(self) -> Any:  # pragma: no cover - never served
        raise NotImplementedError


def _malformed_request_error(client_address: tuple[str, int]) -> InvalidRequestLine:
    """The exception gunicorn's own parser raises for a garbage request line."""
    with pytest.raises(InvalidRequestLine) as raised:
        next(iter(RequestParser(Config(), iter([b"GARBAGE\r\n\r\n"]), client_address)))
    return raised.value


@pytest.mark.parametrize("client", ["203.0.113.9", "2001:db8::42", "::ffff:198.51.100.7"])
def test_an_invalid_request_is_logged_without_the_client_address(
    tmp_path: Path, client: str
) -> None:
    """gunicorn's "Invalid request from ip=..." warning reaches the log as ip=[address]."""
    errorlog = tmp_path / "error.log"
    app = _ConfiguredApp(errorlog)
    logger = app.cfg.logger_class(app.cfg)
    error = _malformed_request_error((client, 40_000))
    worker = SimpleNamespace(log=logger, cfg=app.cfg)
    ours, theirs = socket.socketpair()
    with ours, theirs:
        Worker.handle_error(worker, None, ours, (client, 40_000), error)
        assert theirs.recv(1024).startswith(b"HTTP/1.1 400 Bad Request")
    for handler in logger.error_log.handlers:
        handler.flush()
    written = errorlog.read_text()
    assert "Invalid request from ip=[address]: Invalid HTTP request line" in written
    assert client not in written
    assert "198.51.100.7" not in written  # nor the IPv4 inside a mapped address


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Invalid request from ip=203.0.113.9: x", "Invalid request from ip=[address]: x"),
        ("peer [2001:db8::7]:443 left", "peer [[address]]:443 left"),
        ("Listening at: http://127.0.0.1:8000 (12)", "Listening at: http://127.0.0.1:8000 (12)"),
        ("Booting worker with pid: 1234 at 12:30:45", "Booting worker with pid: 1234 at 12:30:45"),
    ],
)
def test_only_client_addresses_are_redacted(text: str, expected: str) -> None:
    """Loopback, pids and times stay; every other address goes."""
    assert redact_addresses(text) == expected

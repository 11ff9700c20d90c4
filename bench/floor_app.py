"""The floor: the smallest WSGI application gunicorn can serve.

Served with the same gunicorn options as Habeas, it measures what the server,
the loopback network and the load generator cost on their own, so a page's
figures can be read against what this machine can do at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

BODY = b"ok\n"
HEADERS = [
    ("Content-Type", "text/plain; charset=utf-8"),
    ("Content-Length", str(len(BODY))),
]


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answer every request, whatever its method or path, with 200 and ``ok``."""
    start_response("200 OK", HEADERS)
    return [BODY]

"""Gunicorn hooks for Habeas's web workers (``--config python:habeas.core.gunicorn_config``).

Python's cyclic garbage collector walks every tracked object in its oldest
generation now and then; in a Django worker that is the whole framework,
the templates and the caches, and each such walk stalls a request by tens
of milliseconds. Moving what a worker keeps for its lifetime out of the
collector's sight (``gc.freeze``) leaves it only the objects requests make.
A worker freezes once it has loaded the application, and again after its
first requests, when templates are compiled and lazy imports done.

Gunicorn's own error log names clients ("Invalid request from ip=..."); the
access log format leaves addresses out, and ``logger_class`` below takes
them out of the error log too.
"""

from __future__ import annotations

import gc
import ipaddress
import logging
import re
from typing import Any

from gunicorn.glogging import Logger

# Candidate addresses: dotted quads, and runs of hex digits and colons.
_CANDIDATE = re.compile(
    r"(?<![\w.:])(\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*[0-9A-Fa-f.])"
)
REDACTED = "[address]"


def redact_addresses(text: str) -> str:
    """The text with every client IP address (v4 or v6) replaced by ``[address]``.

    Loopback and unspecified addresses (the server's own, a local proxy's)
    identify no one and are kept, so "Listening at" stays readable.
    """

    def replace(match: re.Match[str]) -> str:
        candidate = match.group(0)
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            return candidate
        if address.is_loopback or address.is_unspecified:
            return candidate
        return REDACTED

    return _CANDIDATE.sub(replace, text)


class AddressFilter(logging.Filter):
    """Rewrite a record's message without client addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_addresses(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class AddressFreeLogger(Logger):  # type: ignore[misc]
    """Gunicorn's logger, its error log filtered of client addresses."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if not any(isinstance(f, AddressFilter) for f in self.error_log.filters):
            self.error_log.addFilter(AddressFilter())


logger_class = AddressFreeLogger

# Requests after which a worker's long-lived objects are settled.
SETTLED_AFTER = 100


def post_worker_init(worker: Any) -> None:
    worker.habeas_served = 0
    gc.freeze()


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    worker.habeas_served = getattr(worker, "habeas_served", 0) + 1
    if worker.habeas_served == SETTLED_AFTER:
        gc.collect()
        gc.freeze()

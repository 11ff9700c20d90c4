"""Gunicorn hooks for Habeas's web workers (``--config python:habeas.core.gunicorn_config``).

Python's cyclic garbage collector walks every tracked object in its oldest
generation now and then; in a Django worker that is the whole framework,
the templates and the caches, and each such walk stalls a request by tens
of milliseconds. Moving what a worker keeps for its lifetime out of the
collector's sight (``gc.freeze``) leaves it only the objects requests make.
A worker freezes once it has loaded the application, and again after its
first requests, when templates are compiled and lazy imports done.
"""

from __future__ import annotations

import gc
from typing import Any

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

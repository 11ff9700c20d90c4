"""Throughput and latency of the home page and the health check, as `make run` serves them.

The home page renders the demo campaign in full (several queries and a
template); ``/healthz`` is one ``SELECT 1`` behind the whole middleware stack.
Both are read against the floor: a trivial WSGI app under the same gunicorn.
"""

from __future__ import annotations

from typing import Any

from bench.harness import BenchError, Context, get_status, log, now

# Text the home page shows only when the demo campaign is loaded and featured.
DEMO_MARKER = b"Free the political prisoners in Pakistan"

TARGETS = [("home", "/"), ("healthz", "/healthz")]


def check_home(base_url: str) -> None:
    """Raise BenchError unless ``/`` answers 200 with the demo campaign on it."""
    port = int(base_url.rsplit(":", 1)[1])
    status, body = get_status(port, "/", timeout=10)
    if status != 200 or DEMO_MARKER not in body:
        raise BenchError(f"the home page answered {status} without the demo campaign")


def run(ctx: Context) -> list[dict[str, Any]]:
    """One result per target: its figures and the floor's, at the run's concurrency."""
    settings = ctx.settings
    floor = ctx.floor(workers=settings.workers, concurrency=settings.concurrency)
    results: list[dict[str, Any]] = []
    with ctx.habeas() as base_url:
        check_home(base_url)
        for name, path in TARGETS:
            log(f"http.{name}: GET {path}, concurrency {settings.concurrency}")
            figures = ctx.load(f"{base_url}{path}")
            results.append(
                {
                    "name": f"http.{name}",
                    "parameters": {
                        "path": path,
                        "concurrency": settings.concurrency,
                        "workers": settings.workers,
                        "warmup_s": settings.warmup,
                        "duration_s": settings.duration,
                    },
                    "figures": figures,
                    "floor": floor,
                    "measured_at": now(),
                }
            )
    return results

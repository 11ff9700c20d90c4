"""The united-front page of a large campaign: 50 member organisations, 200 demands.

The target, from the issue: the page of a campaign with 50 organisations and
200 demands renders in under 150 ms at p99. bench/seed_united_front.py seeds
such a campaign (10,000 current positions, 50 Markdown statements) into the
Habeas the harness sets up, in its own process, before the server starts.
The page is then checked for the seeded data and loaded twice: at
concurrency 1 (one render at a time, what the target is about) and at the
run's concurrency (8 by default), each against the floor at that concurrency.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

from bench.harness import (
    REPO_ROOT,
    SETUP_TIMEOUT_S,
    BenchError,
    Context,
    get_status,
    log,
    now,
)
from bench.seed_united_front import (
    COMMON_EVERY,
    DEMANDS,
    ORGANISATIONS,
    SLUG,
    demand_text,
    organisation_name,
)

PATH = f"/campaigns/{SLUG}/"
TARGET_P99_MS = 150.0


def seed(env: dict[str, str]) -> dict[str, Any]:
    """Run the seeding script with Habeas's environment; its figures and wall-clock time."""
    argv = [sys.executable, "-m", "bench.seed_united_front"]
    started = time.perf_counter()
    try:
        result = subprocess.run(
            argv,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=SETUP_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"seeding took over {SETUP_TIMEOUT_S:.0f} s") from None
    wall_s = time.perf_counter() - started
    if result.returncode != 0:
        stderr = "\n".join(result.stderr.strip().splitlines()[-20:])
        raise BenchError(f"seeding failed ({result.returncode}):\n{stderr}")
    try:
        seeded: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchError(f"seeding printed no JSON: {result.stdout!r}") from None
    seeded["wall_s"] = round(wall_s, 3)
    return seeded


def check_page(base_url: str) -> int:
    """The page's size in bytes; BenchError unless it answers 200 with the seeded campaign.

    A broken or empty page must not yield a fast figure: the page must show
    the last member by name, the common-demands heading with a common demand,
    an own slogan, and one matrix row per demand.
    """
    port = int(base_url.rsplit(":", 1)[1])
    status, body = get_status(port, PATH, timeout=30)
    if status != 200:
        raise BenchError(f"{PATH} answered {status}, not 200")
    page = body.decode("utf-8", errors="replace")
    markers = {
        "the last member's name": organisation_name(ORGANISATIONS),
        "the common-demands heading": '<h2 id="demands-heading">Common demands</h2>',
        "a common demand": demand_text(0),
        "an own slogan": demand_text(COMMON_EVERY // 2),
        "the last demand": demand_text(DEMANDS - 1),
    }
    missing = [what for what, text in markers.items() if text not in page]
    if missing:
        raise BenchError(f"{PATH} lacks {', '.join(missing)}")
    rows = page.count('<tr id="demand-')
    if rows != DEMANDS:
        raise BenchError(f"{PATH} shows {rows} demand rows, not {DEMANDS}")
    return len(body)


def run(ctx: Context) -> list[dict[str, Any]]:
    """One result per concurrency (1, then the run's): the page's figures and the floor's."""
    settings = ctx.settings
    levels = sorted({1, settings.concurrency})
    floors = {c: ctx.floor(workers=settings.workers, concurrency=c) for c in levels}
    seeded: dict[str, Any] = {}

    def prepare(env: dict[str, str]) -> None:
        log(f"united_front: seeding {ORGANISATIONS} organisations and {DEMANDS} demands")
        seeded.update(seed(env))
        log(
            f"united_front: seeded {seeded['positions']} positions in {seeded['seed_s']} s "
            f"({seeded['wall_s']} s with the process)"
        )

    results: list[dict[str, Any]] = []
    with ctx.habeas(prepare=prepare) as base_url:
        response_bytes = check_page(base_url)
        for concurrency in levels:
            name = f"united_front.page.c{concurrency}"
            log(f"{name}: GET {PATH}, concurrency {concurrency}")
            figures = ctx.load(f"{base_url}{PATH}", concurrency=concurrency)
            p99 = figures.get("p99_ms")
            met = isinstance(p99, int | float) and p99 < TARGET_P99_MS and not figures["errors"]
            verdict = "met" if met else "NOT met"
            log(f"{name}: p99 {p99} ms; target p99 < {TARGET_P99_MS:.0f} ms {verdict}")
            figures.update(
                {
                    "response_bytes": response_bytes,
                    "target_p99_ms": TARGET_P99_MS,
                    "target_met": met,
                    "seed_s": seeded["seed_s"],
                    "seed_wall_s": seeded["wall_s"],
                }
            )
            results.append(
                {
                    "name": name,
                    "parameters": {
                        "path": PATH,
                        "organisations": seeded["organisations"],
                        "demands": seeded["demands"],
                        "positions": seeded["positions"],
                        "statements": seeded["statements"],
                        "target_p99_ms": TARGET_P99_MS,
                        "concurrency": concurrency,
                        "workers": settings.workers,
                        "warmup_s": settings.warmup,
                        "duration_s": settings.duration,
                    },
                    "figures": figures,
                    "floor": floors[concurrency],
                    "measured_at": now(),
                }
            )
    return results

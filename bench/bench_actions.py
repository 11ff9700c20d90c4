"""The public pages of solidarity actions, rendered afresh and kept.

Issue 15's benchmark. The issue sets no speed target: these figures say what
the new public pages cost, against a static file from the same server in the
same run. bench/seed_actions.py adds to the demo campaign 500 past actions in
200 cities and a planned action, and gives the first common demand Urdu words.

What is measured, with the server up (two workers, `habeas serve`):

1. *Uncached renders* of the past actions' list, the world map (200 cities
   drawn), the planned action's page, an A4 English placard and an A3 Urdu
   placard (PDFs laid out by WeasyPrint): a round clears the page cache as
   ``habeas cache clear`` does, fetches the static file (site.css, the
   floor) and then each page once, one request at a time on a fresh
   connection; the first WARM_ROUNDS rounds are dropped. p50/p99 by nearest
   rank, each set beside the static file's in the same rounds.
2. *Kept*: the action page loaded at the run's concurrency right after the
   static file, for the share of the static file's throughput it reaches
   (issue 14 asked public pages for at least half).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from bench.bench_public_pages import (
    HEADERS,
    Clearer,
    clearer,
    fetch,
    latency_figures,
    ratio,
    static_path,
)
from bench.harness import REPO_ROOT, SETUP_TIMEOUT_S, BenchError, Context, log, now

ROUNDS = 30
QUICK_ROUNDS = 5
WARM_ROUNDS = 3


def _seed(env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.seed_actions"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"seeding the actions failed: {result.stderr.strip()[-2000:]}")
    seeded: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return seeded


def _rounds(
    port: int, paths: dict[str, str], static: str, clear: Clearer, rounds: int
) -> dict[str, list[float]]:
    """Uncached render times (ms) of each path and of the static file, ``rounds`` rounds."""
    times: dict[str, list[float]] = {name: [] for name in [*paths, "static_file"]}
    etags: dict[str, str] = {}
    for number in range(WARM_ROUNDS + rounds):
        clear.clear()
        fetched = fetch(port, static)
        if fetched.status != 200:
            raise BenchError(f"{static} answered {fetched.status}")
        if number >= WARM_ROUNDS:
            times["static_file"].append(fetched.seconds * 1000)
        for name, path in paths.items():
            fetched = fetch(port, path)
            etag = fetched.headers.get("etag", "")
            if fetched.status != 200:
                raise BenchError(f"{path} answered {fetched.status}")
            if not etag or etag == etags.get(name):
                raise BenchError(f"{path} kept its ETag across a round: not a new render")
            etags[name] = etag
            if number >= WARM_ROUNDS:
                times[name].append(fetched.seconds * 1000)
    return times


def run(ctx: Context) -> list[dict[str, Any]]:
    """Uncached renders of the actions' public pages and placards; the kept action page."""
    settings = ctx.settings
    rounds = QUICK_ROUNDS if settings.quick else ROUNDS
    seeded: dict[str, Any] = {}
    environment: dict[str, str] = {}

    def prepare(env: dict[str, str]) -> None:
        environment.update(env)
        seeded.update(_seed(env))

    results: list[dict[str, Any]] = []
    with ctx.habeas(prepare) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        paths: dict[str, str] = seeded["paths"]
        static, _size = static_path(port)
        parameters = {
            "actions": seeded["actions"],
            "cities": seeded["cities"],
            "workers": settings.workers,
            "rounds": rounds,
        }
        log_path = ctx.workdir / "actions-clearer.log"
        with clearer(environment, log_path, "clear") as clear:
            log(f"actions: {WARM_ROUNDS + rounds} uncached rounds of {len(paths)} pages")
            times = _rounds(port, paths, static, clear, rounds)
        floor = latency_figures(times.pop("static_file"))
        for name, samples in times.items():
            figures = latency_figures(samples)
            figures["p50_to_floor_p50"] = round(figures["p50_ms"] / floor["p50_ms"], 1)
            log(f"actions.{name}.uncached: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms")
            results.append(
                {
                    "name": f"actions.{name}.uncached",
                    "parameters": {"path": paths[name], **parameters},
                    "figures": figures,
                    "floor": {"path": static, **floor},
                    "measured_at": now(),
                }
            )
        concurrency = settings.concurrency
        page = paths["action_page"]
        log(f"actions.action_page.kept: GET {static}, then GET {page} at {concurrency}")
        static_load = ctx.load(f"{base_url}{static}", concurrency=concurrency, headers=HEADERS)
        fetch(port, page)  # render and keep it before the load
        figures = ctx.load(f"{base_url}{page}", concurrency=concurrency, headers=HEADERS)
        figures["ratio_to_floor"] = ratio(figures, static_load)
        results.append(
            {
                "name": f"actions.action_page.kept.c{concurrency}",
                "parameters": {"path": page, "concurrency": concurrency, **parameters},
                "figures": figures,
                "floor": {"path": static, **static_load},
                "measured_at": now(),
            }
        )
    return results

"""The public fund page and its ledger download, on a ledger of 1,000,000 journal lines.

Issue 16's benchmark. Its target: the public fund page under 300 ms (taken
here as the p99 of an uncached render). The download has no time target;
it must stream in flat memory.

What happens, in subprocesses with the served app's environment
(bench/seed_fund.py), before the server starts:

1. Seeding: the demo fund gets 500,000 two-line entries over six years
   (``--quick``: 50,000): contributions in five currencies, about 3,000
   paid payments with two approvals each, 500 reversals, 2,000 promised
   pledges, and the Balance and MonthTotal rows the posting service would
   keep, checked against the lines. PostgreSQL is then vacuumed and
   analysed, as autovacuum would be a few minutes later.
2. The ledger CSV written as the view streams it, three ways: plain (wall
   time and the peak RSS of that process alone, ``ru_maxrss`` from
   ``os.wait4``, against a process that loaded the same code and exported
   nothing), under tracemalloc (the peak of what Python allocated), and the
   query alone with no CSV made (the database's share of the time). The
   file must hold one row per line and no private name.

With the server up (``habeas serve``, two workers):

3. *Uncached renders* of the fund page in English and Urdu and of the page
   of named donors from before entry #2,000 (the far end of the list): a
   round clears the page cache as ``habeas cache clear`` does, fetches the
   static file (site.css, the floor) and then each page once, one request
   at a time on a fresh connection; the first WARM_ROUNDS rounds are
   dropped. p50/p99 by nearest rank, beside the static file's in the same
   rounds.
4. *Kept*: the fund page loaded at the run's concurrency right after the
   static file, for the share of the static file's throughput it reaches.
5. *The download over HTTP*: CSV_ROUNDS rounds of the whole CSV through
   gunicorn, each after a cache clear and a fetch of the static file, timed
   to the last byte.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
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
from bench.bench_register import Measured, measure, result
from bench.harness import BenchError, Context, log, now
from bench.seed_fund import CAMPAIGN_SLUG, HIDDEN_DONOR, HIDDEN_PAYEE

LINES = 1_000_000
QUICK_LINES = 100_000
ROUNDS = 30
QUICK_ROUNDS = 5
WARM_ROUNDS = 3
CSV_ROUNDS = 5
QUICK_CSV_ROUNDS = 2
PAGE_SIZE = 25  # habeas.fund.queries.public.PAGE_SIZE: payments per page
# Named donors from before this entry: the far end of the list, which a page
# numbered by offset would reach only by skipping every newer donor.
DEEP_DONORS_BEFORE = 2000
TARGET_PAGE_P99_MS = 300.0
TARGET_SOURCE = "issue 16: the public fund page under 300 ms on 1,000,000 journal lines"


def step(name: str, *args: str, env: dict[str, str], log_path: Path) -> tuple[Measured, Any]:
    """Run one bench/seed_fund.py step; its measurement and the JSON it printed."""
    measured = measure(
        [sys.executable, "-m", "bench.seed_fund", name, *args], env=env, log_path=log_path
    )
    try:
        printed = json.loads(measured.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchError(f"seed_fund {name} printed no JSON: {measured.stdout!r}") from None
    return measured, printed


def check_file(path: Path) -> None:
    """BenchError if the CSV names a donor or payee who did not agree to be named."""
    hidden = (HIDDEN_DONOR.encode(), HIDDEN_PAYEE.encode())
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            data = tail + chunk
            if any(name in data for name in hidden):
                raise BenchError(f"{path.name} holds a private name")
            tail = data[-64:]


def export_figures(env: dict[str, str], lines: int) -> dict[str, Any]:
    """The CSV written three ways (plain, traced, query alone); their figures."""
    var_dir = Path(env["HABEAS_VAR_DIR"])
    log_path = var_dir / "bench.log"
    output = var_dir / "ledger.csv"
    baseline = step("baseline", env=env, log_path=log_path)[0]
    plain, printed = step("csv", str(output), env=env, log_path=log_path)
    if printed["rows"] != lines + 1:
        raise BenchError(f"the ledger CSV has {printed['rows']} rows, not {lines + 1}")
    check_file(output)
    output.unlink()
    traced, traced_printed = step("traced", str(output), env=env, log_path=log_path)
    output.unlink()
    query, query_printed = step("lines", env=env, log_path=log_path)
    if query_printed["rows"] != lines:
        raise BenchError(f"the ledger query read {query_printed['rows']} lines, not {lines}")
    return {
        "wall_s": plain.wall_s,
        "export_s": printed["seconds"],
        "lines_per_second": round(lines / printed["seconds"], 1),
        "output_mib": round(printed["bytes"] / 2**20, 1),
        "peak_rss_mib": plain.peak_rss_mib,
        "baseline_rss_mib": baseline.peak_rss_mib,
        "rss_growth_mib": round(plain.peak_rss_mib - baseline.peak_rss_mib, 1),
        "tracemalloc_peak_mib": traced_printed["tracemalloc_peak_mib"],
        "traced_export_s": traced_printed["seconds"],
        "traced_peak_rss_mib": traced.peak_rss_mib,
        "query_alone_s": query_printed["seconds"],
        "query_alone_peak_rss_mib": query.peak_rss_mib,
    }


def check_page(text: str, seeded: dict[str, Any]) -> None:
    """BenchError unless the page shows the seeded fund, paged, and no private name."""
    pages = -(-seeded["payments"] // PAGE_SIZE)
    for marker in ("Raised", "left out of the total", f"of {pages} ("):
        if marker not in text:
            raise BenchError(f"the fund page lacks {marker!r}")
    for name in (HIDDEN_DONOR, HIDDEN_PAYEE):
        if name in text:
            raise BenchError(f"the fund page shows {name!r}")


def uncached_rounds(
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


def download_rounds(
    port: int, path: str, static: str, clear: Clearer, rounds: int, lines: int
) -> tuple[list[float], list[float], int]:
    """The whole CSV over HTTP ``rounds`` times (ms each), the static file's times
    beside it, and the download's size in bytes."""
    times: list[float] = []
    floor: list[float] = []
    size = 0
    for _round in range(rounds):
        clear.clear()
        floor.append(fetch(port, static).seconds * 1000)
        fetched = fetch(port, path, timeout=600)
        if fetched.status != 200:
            raise BenchError(f"{path} answered {fetched.status}")
        rows = fetched.body.count(b"\r\n")
        if rows != lines + 1:
            raise BenchError(f"{path} sent {rows} rows, not {lines + 1} (cut short?)")
        times.append(fetched.seconds * 1000)
        size = len(fetched.body)
    return times, floor, size


def run(ctx: Context) -> list[dict[str, Any]]:
    """Seed, export, then the page uncached and kept, and the download over HTTP."""
    settings = ctx.settings
    if ctx.database not in ("sqlite", "postgresql"):
        raise BenchError("the fund benchmark runs on SQLite or PostgreSQL only")
    lines = QUICK_LINES if settings.quick else LINES
    rounds = QUICK_ROUNDS if settings.quick else ROUNDS
    csv_rounds = QUICK_CSV_ROUNDS if settings.quick else CSV_ROUNDS
    seeded: dict[str, Any] = {}
    exported: dict[str, Any] = {}
    environment: dict[str, str] = {}

    def prepare(env: dict[str, str]) -> None:
        environment.update(env)
        log_path = Path(env["HABEAS_VAR_DIR"]) / "bench.log"
        log(f"fund: seeding {lines:,} journal lines")
        measured, printed = step("seed", str(lines), env=env, log_path=log_path)
        if printed["lines"] != lines:
            raise BenchError(f"the seed wrote {printed['lines']} lines, not {lines}")
        seeded.update(printed, wall_s=measured.wall_s)
        log(f"fund: seeded in {measured.wall_s} s ({printed})")
        exported.update(export_figures(env, lines))
        log(f"fund: CSV export {exported}")

    slug = CAMPAIGN_SLUG
    results: list[dict[str, Any]] = []
    with ctx.habeas(prepare) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        static, _size = static_path(port)
        paths = {
            "page": f"/fund/{slug}/",
            "page_ur": f"/ur/fund/{slug}/",
            "donors_deep": f"/fund/{slug}/?donors={DEEP_DONORS_BEFORE}",
        }
        first = fetch(port, paths["page"])
        if first.status != 200:
            raise BenchError(f"{paths['page']} answered {first.status}")
        check_page(first.text(), seeded)
        parameters = {
            "lines": lines,
            "entries": seeded["entries"],
            "payments": seeded["payments"],
            "named_contributions": seeded["named_contributions"],
            "workers": settings.workers,
        }
        log_path = ctx.workdir / "fund-clearer.log"
        with clearer(environment, log_path, "clear") as clear:
            log(f"fund: {WARM_ROUNDS + rounds} uncached rounds of {len(paths)} pages")
            times = uncached_rounds(port, paths, static, clear, rounds)
            floor = latency_figures(times.pop("static_file"))
            for name, samples in times.items():
                figures = latency_figures(samples)
                figures["p50_to_floor_p50"] = round(figures["p50_ms"] / floor["p50_ms"], 1)
                if name == "page":
                    figures["target_p99_ms_under"] = TARGET_PAGE_P99_MS
                    figures["target_met"] = figures["p99_ms"] < TARGET_PAGE_P99_MS
                    figures["target_source"] = TARGET_SOURCE
                log(
                    f"fund.{name}.uncached: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms"
                )
                results.append(
                    {
                        "name": f"fund.{name}.uncached",
                        "parameters": {"path": paths[name], "rounds": rounds, **parameters},
                        "figures": figures,
                        "floor": {"path": static, **floor},
                        "measured_at": now(),
                    }
                )
            csv_path = f"/fund/{slug}/ledger.csv"
            log(f"fund.csv.http: {csv_rounds} downloads of {csv_path}")
            download, download_floor, size = download_rounds(
                port, csv_path, static, clear, csv_rounds, lines
            )
            figures = latency_figures(download)
            figures["bytes"] = size
            figures["lines_per_second_p50"] = round(lines / (figures["p50_ms"] / 1000), 1)
            log(f"fund.csv.http: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms")
            results.append(
                {
                    "name": "fund.csv.http",
                    "parameters": {"path": csv_path, "rounds": csv_rounds, **parameters},
                    "figures": figures,
                    "floor": {"path": static, **latency_figures(download_floor)},
                    "measured_at": now(),
                }
            )
        concurrency = settings.concurrency
        page = paths["page"]
        log(f"fund.page.kept: GET {static}, then GET {page} at {concurrency}")
        static_load = ctx.load(f"{base_url}{static}", concurrency=concurrency, headers=HEADERS)
        fetch(port, page)  # render and keep it before the load
        figures = ctx.load(f"{base_url}{page}", concurrency=concurrency, headers=HEADERS)
        figures["ratio_to_floor"] = ratio(figures, static_load)
        results.append(
            {
                "name": f"fund.page.kept.c{concurrency}",
                "parameters": {"path": page, "concurrency": concurrency, **parameters},
                "figures": figures,
                "floor": {"path": static, **static_load},
                "measured_at": now(),
            }
        )
    results.append(
        result(
            "fund.csv.export",
            {"lines": lines, "entries": seeded["entries"]},
            exported,
        )
    )
    results.append(
        result(
            "fund.seed",
            {"lines": lines, "entries": seeded["entries"], "years": seeded["years"]},
            {
                key: seeded[key]
                for key in (
                    "wall_s",
                    "insert_s",
                    "seeded_s",
                    "analysed_s",
                    "checked_s",
                    "payments",
                    "approvals",
                    "reversals",
                    "named_contributions",
                    "pledges",
                    "month_totals",
                )
            },
        )
    )
    return results

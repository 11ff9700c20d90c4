"""An open letter with 1,000,000 confirmed, counted signatures: the delivery pack and
the public pages.

What happens, all in subprocesses with the served app's environment
(bench/seed_letters.py):

1. Seeding: a letter with 1,000,000 signatures (``--quick``: 20,000), all
   confirmed and counted, two in three named, with the tally's
   SignatureCount rows, written by one INSERT ... SELECT over a series
   generated in the database; and a small letter of 10,000 (quick: 2,500)
   as the size reference for memory.
2. The delivery pack's CSV of each letter, written as the view streams it:
   wall time and the peak RSS of the process that made it (``ru_maxrss``
   from ``os.wait4``, that process alone), against the peak of a process
   that loaded the same code and made nothing. Flat memory: the peak at a
   million within ``TARGET_CSV_RSS_GROWTH`` of the peak at the small size.
   Every named signatory must be in the file.
3. The delivery pack's PDF of each letter: it lists at most
   ``habeas.letters.pack.PDF_SIGNATORIES`` signatories (WeasyPrint lays a
   whole document out in memory), so its time and memory must not grow
   with the signatures either.
4. With the server up: the letter page ``/letters/<slug>/`` and
   ``/letters/<slug>/count.json`` under load (p50/p99). HOOK: those views
   belong to another part of issue 13; a path that answers 404 (not built
   yet) is skipped with a logged line and no result, and is measured as
   soon as it answers 200.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.bench_register import Measured, measure, result
from bench.harness import BenchError, Context, get_status, log, now

SIGNATURES = 1_000_000
SMALL = 10_000
QUICK_SIGNATURES = 20_000
QUICK_SMALL = 2_500
LETTER = "bench-million"
SMALL_LETTER = "bench-small"
ENDORSEMENTS = 4  # bench/seed_letters.py ENDORSEMENTS
TARGET_CSV_RSS_GROWTH = 1.2
TARGET_PDF_RSS_GROWTH = 1.2

# HOOK: the public letter page and the count JSON (another part of issue 13).
PUBLIC_PATHS = [("page", "/letters/{slug}/"), ("count_json", "/letters/{slug}/count.json")]


def step(name: str, *args: str, env: dict[str, str], log_path: Path) -> tuple[Measured, Any]:
    """Run one bench/seed_letters.py step; its measurement and the JSON it printed."""
    measured = measure(
        [sys.executable, "-m", "bench.seed_letters", name, *args], env=env, log_path=log_path
    )
    try:
        printed = json.loads(measured.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchError(f"seed_letters {name} printed no JSON: {measured.stdout!r}") from None
    return measured, printed


def pack_figures(env: dict[str, str], slug: str, named: int) -> dict[str, Any]:
    """Both files of one letter's pack, each checked; their times and peak RSS."""
    var_dir = Path(env["HABEAS_VAR_DIR"])
    log_path = var_dir / "bench.log"
    out: dict[str, Any] = {}
    output = var_dir / f"{slug}.csv"
    measured, printed = step("csv", slug, str(output), env=env, log_path=log_path)
    expected = 1 + ENDORSEMENTS + named
    if printed["lines"] != expected:
        raise BenchError(f"{slug}: the CSV has {printed['lines']} lines, not {expected}")
    output.unlink()
    out["csv"] = {
        "wall_s": measured.wall_s,
        "rows_per_second": round(named / measured.wall_s, 1),
        "peak_rss_mib": measured.peak_rss_mib,
        "output_mib": round(printed["characters"] / 2**20, 1),
        "named_signatories": named,
    }
    output = var_dir / f"{slug}.pdf"
    measured, printed = step("pdf", slug, str(output), env=env, log_path=log_path)
    if not output.read_bytes().startswith(b"%PDF-"):
        raise BenchError(f"{slug}: the pack's PDF is not a PDF")
    output.unlink()
    out["pdf"] = {
        "wall_s": measured.wall_s,
        "layout_s": printed["layout_s"],
        "peak_rss_mib": measured.peak_rss_mib,
        "pages": printed["pages"],
        "bytes": printed["bytes"],
        "signatories_listed": min(named, printed["signatories_listed_at_most"]),
    }
    return out


def run(ctx: Context) -> list[dict[str, Any]]:
    """Seed, measure the pack at two sizes, then the public pages if they exist."""
    settings = ctx.settings
    if ctx.database not in ("sqlite", "postgresql"):
        raise BenchError("the letters benchmark runs on SQLite or PostgreSQL only")
    signatures = QUICK_SIGNATURES if settings.quick else SIGNATURES
    small = QUICK_SMALL if settings.quick else SMALL
    figures: dict[str, Any] = {}

    def prepare(env: dict[str, str]) -> None:
        log_path = Path(env["HABEAS_VAR_DIR"]) / "bench.log"
        for slug, n in ((SMALL_LETTER, small), (LETTER, signatures)):
            log(f"letters_million: seeding {n:,} signatures on {slug}")
            measured, seeded = step("seed", slug, str(n), env=env, log_path=log_path)
            if seeded["counted"] != n:
                raise BenchError(f"{slug}: {seeded['counted']} counted, not {n}")
            figures[slug] = {"seed": {**seeded, "wall_s": measured.wall_s}}
            log(f"letters_million: seeded in {measured.wall_s} s ({seeded})")
        figures["baseline_rss_mib"] = step("baseline", env=env, log_path=log_path)[0].peak_rss_mib
        for slug in (SMALL_LETTER, LETTER):
            named = figures[slug]["seed"]["named"]
            figures[slug].update(pack_figures(env, slug, named))
            log(
                f"letters_million: {slug}: CSV {figures[slug]['csv']['wall_s']} s, peak "
                f"{figures[slug]['csv']['peak_rss_mib']} MiB; PDF "
                f"{figures[slug]['pdf']['wall_s']} s, peak {figures[slug]['pdf']['peak_rss_mib']}"
                f" MiB (baseline {figures['baseline_rss_mib']} MiB)"
            )

    results: list[dict[str, Any]] = []
    with ctx.habeas(prepare=prepare) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        for name, template in PUBLIC_PATHS:
            path = template.format(slug=LETTER)
            status, _body = get_status(port, path, timeout=60)
            if status == 404:
                log(f"letters_million.{name}: {path} answers 404 (not built yet): skipped")
                continue
            if status != 200:
                raise BenchError(f"{path} answered {status}, not 200")
            log(f"letters_million.{name}: GET {path}, concurrency {settings.concurrency}")
            results.append(
                {
                    "name": f"letters_million.{name}",
                    "parameters": {
                        "path": path.replace(LETTER, "<slug>"),
                        "signatures": signatures,
                        "concurrency": settings.concurrency,
                        "workers": settings.workers,
                        "warmup_s": settings.warmup,
                        "duration_s": settings.duration,
                    },
                    "figures": ctx.load(f"{base_url}{path}"),
                    "measured_at": now(),
                }
            )

    large, little = figures[LETTER], figures[SMALL_LETTER]
    results.append(
        result(
            "letters_million.seed",
            {"signatures": signatures, "named": large["seed"]["named"]},
            {
                "wall_s": large["seed"]["wall_s"],
                "insert_s": large["seed"]["insert_s"],
                "with_counts_s": large["seed"]["with_counts_s"],
                "analysed_s": large["seed"]["analysed_s"],
                "rows_per_second": round(signatures / large["seed"]["insert_s"], 1),
            },
        )
    )
    for fmt, target in (("csv", TARGET_CSV_RSS_GROWTH), ("pdf", TARGET_PDF_RSS_GROWTH)):
        big, small_figures = large[fmt], little[fmt]
        growth = round(big["peak_rss_mib"] / small_figures["peak_rss_mib"], 3)
        met = growth <= target
        log(
            f"letters_million.pack.{fmt}: {big['wall_s']} s, peak {big['peak_rss_mib']} MiB "
            f"at {signatures:,} signatures against {small_figures['peak_rss_mib']} MiB at "
            f"{small:,}; flat memory {'met' if met else 'NOT met'}"
        )
        results.append(
            result(
                f"letters_million.pack.{fmt}",
                {"signatures": signatures, "named": large["seed"]["named"], "format": fmt},
                {
                    **big,
                    "baseline_rss_mib": figures["baseline_rss_mib"],
                    "small_signatures": small,
                    "small_wall_s": small_figures["wall_s"],
                    "small_peak_rss_mib": small_figures["peak_rss_mib"],
                    "peak_rss_growth": growth,
                    "target_peak_rss_growth_at_most": target,
                    "target_met": met,
                },
            )
        )
    return results

"""The register at scale: 100,000 persons, about 150,000 detentions and 500,000 events.

Targets, from the issue: search p99 under 50 ms, list and person pages p99
under 100 ms on one core (concurrency 1), import with publishing at
2,000 rows per second or more on PostgreSQL (issue 12: every foreign key
kept, one writer, no thread), export in flat memory.

What happens, all in subprocesses with the served app's environment:

1. A small register of 10,000 persons, in its own Habeas (its own
   HABEAS_VAR_DIR, or its own PostgreSQL database ``NAME_small``): import
   with publishing, re-import of the same file (updates, no duplicates),
   the case histories as below, both exports (time and peak memory), and
   an import of 10,000 further rows without publishing. This is the size
   reference for the exports' memory and for how the other steps scale.
2. The large register, in the Habeas the harness serves: ``habeas
   import-cases`` of 100,000 generated rows with ``--publish-as`` (the wall
   time includes verification and publishing of every record), then the
   same file again (100,000 updates, no new person);
   bench/seed_register.py then adds 50,000 further detentions and 500,000
   case events with bulk inserts and re-publishes every person it touched
   with ``publish_many`` in batches of 1,000. On PostgreSQL the database is
   then vacuumed and analysed, as autovacuum would be a few minutes later:
   republishing leaves about two dead row versions per record, and until
   they are gone counting the register reads them all, so figures taken
   before would measure autovacuum's timing. Both exports (time, peak RSS).
3. With the server up: the first list page, a faceted page, two person
   pages (a typical one and the one with most events), and a one-word and a
   two-word search, both as the names are spelt and in spellings found only
   through the names' spelling keys (Mohammed for Muhammad), each checked
   for the expected content and then loaded at concurrency 1 and at the
   run's concurrency, beside the floor.

Peak memory is the ``ru_maxrss`` the kernel reports for the command's own
process (``os.wait4``), against the peak of ``habeas export-register
--help``: Django set up, nothing exported.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlsplit, urlunsplit

from bench.harness import (
    BIN_DIR,
    REPO_ROOT,
    BenchError,
    Context,
    get_status,
    log,
    now,
    postgres_database,
    run_command,
)
from bench.seed_register import COLUMNS, IMPORTER, PUBLISHER, csv_rows

PERSONS = 100_000
SMALL = 10_000
QUICK_PERSONS = 5_000
QUICK_SMALL = 2_500  # above the export's chunk of 2,000 records
# Per generated person, the case histories add half a detention and five events.
EXTRA_DETENTIONS_PER_PERSON = 0.5
EVENTS_PER_PERSON = 5
STEP_TIMEOUT_S = 1800.0
PAGE_SIZE = 50  # habeas.cases.views.register

TARGET_SEARCH_P99_MS = 50.0
TARGET_PAGE_P99_MS = 100.0
TARGET_IMPORT_ROWS_PER_S = 2000.0
# Flat memory: the export's peak RSS at the large size within this factor
# of its peak at the small one.
TARGET_EXPORT_RSS_GROWTH = 1.2

REGION = "Gilgit"
ONE_WORD = "Khan"
TWO_WORDS = "Fatima Khan"
# Spellings the generated names do not use, found through their spelling
# keys: each word of the search with the name it must find instead.
VARIANT_ONE_WORD = "Mohammed"
VARIANT_TWO_WORDS = "Salar Husain"
VARIANTS = {"Mohammed": "Muhammad", "Salar": "Salaar", "Husain": "Hussain"}
SEARCHES = {
    "search.one_word": ONE_WORD,
    "search.two_words": TWO_WORDS,
    "search.variant_one_word": VARIANT_ONE_WORD,
    "search.variant_two_words": VARIANT_TWO_WORDS,
}

HABEAS = str(BIN_DIR / "habeas")
ROW = re.compile(r'<tr><td><a href="/register/([^/"]+)/" lang="en" dir="ltr">([^<]*)</a>')


@dataclass(frozen=True)
class Measured:
    """One command's wall-clock time, its own peak RSS, and what it printed."""

    wall_s: float
    peak_rss_mib: float
    stdout: str


def measure(
    argv: list[str], *, env: dict[str, str], log_path: Path, timeout: float = STEP_TIMEOUT_S
) -> Measured:
    """Run a command to completion; BenchError with the log's tail if it fails.

    The peak RSS is that of the command's process alone, read from the
    kernel when it is reaped (``os.wait4``), so earlier commands do not
    count.
    """
    with tempfile.TemporaryFile() as out, log_path.open("ab") as log_file:
        log_file.write(f"$ {' '.join(argv)}\n".encode())
        log_file.flush()
        started = time.perf_counter()
        process = subprocess.Popen(
            argv,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=log_file,
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall_s = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        stdout = out.read().decode("utf-8", errors="replace")
    with log_path.open("ab") as log_file:
        log_file.write(stdout.encode())
    if process.returncode != 0:
        tail = "\n".join(log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-20:])
        limit = " (killed at the time limit)" if wall_s >= timeout else ""
        raise BenchError(
            f"{' '.join(argv)} failed with status {process.returncode}{limit}; "
            f"the log ends:\n{tail}"
        )
    # Linux reports ru_maxrss in KiB.
    return Measured(
        wall_s=round(wall_s, 3), peak_rss_mib=round(usage.ru_maxrss / 1024, 1), stdout=stdout
    )


def seed_step(step: str, *args: str, env: dict[str, str], log_path: Path) -> dict[str, Any]:
    """Run one bench/seed_register.py step; its JSON with the step's wall time."""
    measured = measure(
        [sys.executable, "-m", "bench.seed_register", step, *args], env=env, log_path=log_path
    )
    try:
        result: dict[str, Any] = json.loads(measured.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchError(f"seed_register {step} printed no JSON: {measured.stdout!r}") from None
    result["wall_s"] = measured.wall_s
    return result


def write_csv(path: Path, start: int, stop: int) -> int:
    """Write rows ``start`` to ``stop`` of the generated import file; its size in bytes."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for n, row in enumerate(csv_rows(stop)):
            if n >= start:
                writer.writerow(row)
    return path.stat().st_size


def import_file(
    path: Path, *, publish: bool, env: dict[str, str], log_path: Path
) -> tuple[Measured, tuple[int, int]]:
    """``habeas import-cases`` of one file, timed; with the (new, updated) counts it printed."""
    argv = [HABEAS, "import-cases", str(path), "--as", IMPORTER, "--no-progress"]
    if publish:
        argv += ["--publish-as", PUBLISHER]
    measured = measure(argv, env=env, log_path=log_path)
    found = re.search(r"(\d+) new, (\d+) updated", measured.stdout)
    if not found:
        raise BenchError(f"import-cases printed no counts: {measured.stdout!r}")
    return measured, (int(found[1]), int(found[2]))


def count_json_persons(path: Path, organisations: int) -> int:
    """Persons in a JSON export, counted as it streams by (the file can be large)."""
    marker = b'{"id": "'
    total, tail = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            data = tail + chunk
            total += data.count(marker)
            tail = data[-(len(marker) - 1) :]
            # A marker split across chunks is counted once, in the joined data;
            # one wholly inside the tail would be counted twice, and cannot be.
    return total - organisations


def export_register(
    fmt: str, *, records: int, organisations: int, env: dict[str, str], log_path: Path
) -> dict[str, Any]:
    """Time one export to a file and check it holds every public record; its figures."""
    output = Path(env["HABEAS_VAR_DIR"]) / f"export-{records}.{fmt}"
    measured = measure(
        [HABEAS, "export-register", "--format", fmt, "--output", str(output)],
        env=env,
        log_path=log_path,
    )
    if fmt == "csv":
        with output.open(encoding="utf-8", newline="") as handle:
            exported = sum(1 for _row in csv.reader(handle)) - 1
    else:
        exported = count_json_persons(output, organisations)
    if exported != records:
        raise BenchError(f"the {fmt} export holds {exported} persons, not {records}")
    size = output.stat().st_size
    output.unlink()
    return {
        "wall_s": measured.wall_s,
        "records_per_second": round(records / measured.wall_s, 1),
        "peak_rss_mib": measured.peak_rss_mib,
        "output_mib": round(size / 2**20, 1),
    }


def baseline_rss(env: dict[str, str], log_path: Path) -> float:
    """Peak RSS of the export command's process with Django set up and nothing exported."""
    return measure([HABEAS, "export-register", "--help"], env=env, log_path=log_path).peak_rss_mib


def small_database_url(url: str) -> str:
    """The PostgreSQL URL of the small register's database: the run's, with ``_small``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_small"))


@contextlib.contextmanager
def small_habeas(ctx: Context) -> Iterator[dict[str, str]]:
    """A second Habeas, set up as the harness sets one up but not served; its environment."""
    with tempfile.TemporaryDirectory(prefix="habeas-bench-small-") as var:
        env = ctx.habeas_env(Path(var))
        with contextlib.ExitStack() as stack:
            if ctx.database == "postgresql":
                env["DATABASE_URL"] = small_database_url(ctx.database_url)
                created = stack.enter_context(postgres_database(env["DATABASE_URL"]))
                if not created:
                    raise BenchError(
                        f"{env['DATABASE_URL']} exists already; the small register needs a "
                        "fresh database: drop it"
                    )
            elif ctx.database != "sqlite":
                raise BenchError("the register benchmark runs on SQLite or PostgreSQL only")
            log_path = Path(var) / "bench.log"
            for step in (
                ["migrate", "--noinput", "--verbosity", "0"],
                ["createcachetable"],
                ["demo"],
            ):
                run_command([HABEAS, *step], env=env, log_path=log_path)
            yield env


def no_earlier_import(users: dict[str, Any], where: str) -> None:
    """BenchError if the database already holds the generated register."""
    if users.get("imported_persons"):
        raise BenchError(
            f"{where} already holds {users['imported_persons']} generated persons; "
            "the import must start from a register without them: use a fresh database"
        )


def build(
    env: dict[str, str], persons: int, *, label: str, reimport: bool, words: list[str]
) -> dict[str, Any]:
    """Import, complete and export a register of ``persons`` generated persons; its figures.

    The import publishes; ``reimport`` imports the same file again. The case
    histories then add half a detention and five events per person, and every
    person touched is published again. Both exports are checked for every
    public record.
    """
    var_dir = Path(env["HABEAS_VAR_DIR"])
    log_path = var_dir / "bench.log"
    out: dict[str, Any] = {"persons": persons}
    no_earlier_import(seed_step("users", env=env, log_path=log_path), label)
    path = var_dir / "register.csv"
    out["file_mib"] = round(write_csv(path, 0, persons) / 2**20, 1)
    log(f"register: {label}: importing {persons:,} rows with publishing")
    measured, counts = import_file(path, publish=True, env=env, log_path=log_path)
    if counts != (persons, 0):
        raise BenchError(f"the import created/updated {counts}, not ({persons}, 0)")
    out["import"] = measured
    log(f"register: {label}: imported in {measured.wall_s} s")
    if reimport:
        measured, counts = import_file(path, publish=True, env=env, log_path=log_path)
        if counts != (0, persons):
            raise BenchError(f"the re-import created/updated {counts}, not (0, {persons})")
        out["reimport"] = measured
        log(f"register: {label}: re-imported the same file in {measured.wall_s} s")
    touched = var_dir / "touched.json"
    history = seed_step(
        "history",
        str(touched),
        str(int(persons * EXTRA_DETENTIONS_PER_PERSON)),
        str(persons * EVENTS_PER_PERSON),
        env=env,
        log_path=log_path,
    )
    out["history"] = history
    log(
        f"register: {label}: {history['events']:,} events and {history['extra_detentions']:,} "
        f"detentions added in {history['wall_s']} s; republishing "
        f"{history['touched_persons']:,} persons"
    )
    out["republish"] = seed_step("republish", str(touched), env=env, log_path=log_path)
    log(f"register: {label}: republished in {out['republish']['wall_s']} s")
    out["vacuum"] = seed_step("vacuum", env=env, log_path=log_path)
    if out["vacuum"]["vacuumed"]:
        log(f"register: {label}: vacuumed and analysed in {out['vacuum']['wall_s']} s")
    info = seed_step("info", *words, env=env, log_path=log_path)
    if info["imported_persons"] != persons or info["imported_public"] != persons:
        raise BenchError(
            f"{label}: {info['imported_persons']} generated persons, {info['imported_public']} "
            f"of them public, not {persons} and {persons}"
        )
    out["info"] = info
    out["baseline_rss_mib"] = baseline_rss(env, log_path)
    for fmt in ("csv", "json"):
        out[f"export_{fmt}"] = export = export_register(
            fmt,
            records=info["public_records"],
            organisations=info["organisations"],
            env=env,
            log_path=log_path,
        )
        log(
            f"register: {label}: {fmt} export in {export['wall_s']} s, "
            f"peak RSS {export['peak_rss_mib']} MiB"
        )
    return out


def measure_small(ctx: Context, small: int) -> dict[str, Any]:
    """The small register's figures, and an import of as many rows again without publishing."""
    with small_habeas(ctx) as env:
        out = build(env, small, label="small register", reimport=True, words=[])
        more = Path(env["HABEAS_VAR_DIR"]) / "register-more.csv"
        write_csv(more, small, 2 * small)
        log(f"register: small register: importing {small:,} further rows without publishing")
        measured, counts = import_file(
            more, publish=False, env=env, log_path=Path(env["HABEAS_VAR_DIR"]) / "bench.log"
        )
        if counts != (small, 0):
            raise BenchError(f"the unpublished import created/updated {counts}")
        out["import_unpublished"] = measured
    return out


def check_page(base_url: str, path: str) -> str:
    """The page's HTML; BenchError unless it answers 200."""
    port = int(base_url.rsplit(":", 1)[1])
    status, body = get_status(port, path, timeout=60)
    if status != 200:
        raise BenchError(f"{path} answered {status}, not 200")
    return body.decode("utf-8", errors="replace")


def listed(page: str, path: str, *, total: int) -> list[str]:
    """The names a register page lists; BenchError unless it shows 50 and all pages."""
    names = [unescape(name) for _slug, name in ROW.findall(page)]
    expected = min(PAGE_SIZE, total)
    if len(names) != expected:
        raise BenchError(f"{path} lists {len(names)} persons, not {expected}")
    pages = math.ceil(total / PAGE_SIZE)
    if pages > 1 and not re.search(rf"Page 1 of {pages:,}|Page 1 of {pages}\b", page):
        raise BenchError(f"{path} does not say 'Page 1 of {pages}' for {total} records")
    return names


def check_pages(base_url: str, info: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """The paths to load, each checked for its expected content, with their sizes."""
    paths: dict[str, tuple[str, int]] = {}
    records = info["public_records"]

    path = "/register/"
    page = check_page(base_url, path)
    listed(page, path, total=records)
    paths["list"] = (path, len(page.encode()))

    path = f"/register/?region={quote_plus(REGION)}&sort=-arrested"
    page = check_page(base_url, path)
    total = info["region_records"].get(REGION, 0)
    rows = page.split("<tbody>", 1)[-1].split("</tbody>", 1)[0].count(f">{REGION}</td>")
    listed(page, path, total=total)
    if rows != min(PAGE_SIZE, total):
        raise BenchError(f"{path}: {rows} rows show the region {REGION}, not {PAGE_SIZE}")
    paths["list.faceted"] = (path, len(page.encode()))

    for name, key in (("person", "person_typical"), ("person.heaviest", "person_heaviest")):
        person = info[key]
        path = f"/register/{person['slug']}/"
        page = check_page(base_url, path)
        sections = page.count('<section class="detention">')
        if person["name"] not in unescape(page) or sections != person["n_detentions"]:
            raise BenchError(
                f"{path} shows {sections} detentions, not {person['n_detentions']}, "
                f"or lacks the name {person['name']!r}"
            )
        timeline = page.count("<li>")
        if timeline < person["n_events"] + person["n_detentions"]:
            raise BenchError(f"{path} shows {timeline} list items for {person['n_events']} events")
        paths[name] = (path, len(page.encode()))

    for name, words in SEARCHES.items():
        path = f"/register/?q={quote_plus(words)}"
        page = check_page(base_url, path)
        matches = info["search_matches"][words]
        if not matches:
            raise BenchError(f"the register's own search finds nothing for {words!r}")
        names = listed(page, path, total=matches)
        wrong = [
            n
            for n in names
            if not all(VARIANTS.get(w, w).casefold() in n.casefold() for w in words.split())
        ]
        if wrong:
            raise BenchError(f"{path} lists {wrong[:3]}, which do not match {words!r}")
        paths[name] = (path, len(page.encode()))
    return paths


def result(name: str, parameters: dict[str, Any], figures: dict[str, Any]) -> dict[str, Any]:
    """A result without a load, so without a floor."""
    return {
        "name": name,
        "parameters": parameters,
        "figures": figures,
        "floor": {},
        "measured_at": now(),
    }


def import_figures(measured: Measured, rows: int) -> dict[str, Any]:
    """An import's figures, with the target."""
    rate = round(rows / measured.wall_s, 1)
    return {
        "wall_s": measured.wall_s,
        "rows_per_second": rate,
        "peak_rss_mib": measured.peak_rss_mib,
        "target_rows_per_second": TARGET_IMPORT_ROWS_PER_S,
        "target_met": rate >= TARGET_IMPORT_ROWS_PER_S,
    }


def sizes(built: dict[str, Any]) -> dict[str, Any]:
    """What a register held when measured: the parameters of its results."""
    info = built["info"]
    return {
        "persons": info["persons"],
        "detentions": info["detentions"],
        "events": info["events"],
        "status_changes": info["status_changes"],
        "charges": info["charges"],
    }


def export_results(large: dict[str, Any], small: dict[str, Any]) -> list[dict[str, Any]]:
    """Both exports at both sizes; flat memory judged by the peaks at the two sizes."""
    results = []
    for fmt in ("csv", "json"):
        big, little = large[f"export_{fmt}"], small[f"export_{fmt}"]
        growth = round(big["peak_rss_mib"] / little["peak_rss_mib"], 3)
        met = growth <= TARGET_EXPORT_RSS_GROWTH
        log(
            f"register.export.{fmt}: {big['wall_s']} s, peak {big['peak_rss_mib']} MiB at "
            f"{large['info']['public_records']:,} records against {little['peak_rss_mib']} "
            f"MiB at {small['info']['public_records']:,}; flat memory "
            f"{'met' if met else 'NOT met'}"
        )
        results.append(
            result(
                f"register.export.{fmt}",
                {**sizes(large), "records": large["info"]["public_records"], "format": fmt},
                {
                    **big,
                    "baseline_rss_mib": large["baseline_rss_mib"],
                    "small_records": small["info"]["public_records"],
                    "small_peak_rss_mib": little["peak_rss_mib"],
                    "peak_rss_growth": growth,
                    "target_peak_rss_growth_at_most": TARGET_EXPORT_RSS_GROWTH,
                    "target_met": met,
                },
            )
        )
        results.append(
            result(
                f"register.export.{fmt}.small",
                {**sizes(small), "records": small["info"]["public_records"], "format": fmt},
                {**little, "baseline_rss_mib": small["baseline_rss_mib"]},
            )
        )
    return results


def offline_results(large: dict[str, Any], small: dict[str, Any]) -> list[dict[str, Any]]:
    """The results without a load: imports, re-import, republishing, exports."""
    results = [
        result(
            "register.import",
            {"rows": large["persons"], "publish": True, "file_mib": large["file_mib"]},
            import_figures(large["import"], large["persons"]),
        ),
        result(
            "register.import.small",
            {"rows": small["persons"], "publish": True, "file_mib": small["file_mib"]},
            import_figures(small["import"], small["persons"]),
        ),
        result(
            "register.import.small_unpublished",
            {"rows": small["persons"], "publish": False, "existing_persons": small["persons"]},
            import_figures(small["import_unpublished"], small["persons"]),
        ),
        result(
            "register.reimport",
            {"rows": large["persons"], "publish": True, "updates": large["persons"]},
            {
                **import_figures(large["reimport"], large["persons"]),
                "generated_persons_after": large["info"]["imported_persons"],
            },
        ),
        result(
            "register.reimport.small",
            {"rows": small["persons"], "publish": True, "updates": small["persons"]},
            {
                **import_figures(small["reimport"], small["persons"]),
                "generated_persons_after": small["info"]["imported_persons"],
            },
        ),
    ]
    for name, built in (("register.republish", large), ("register.republish.small", small)):
        history, republish = built["history"], built["republish"]
        results.append(
            result(
                name,
                {
                    "republished": history["touched_persons"],
                    "batch": 1000,
                    "extra_detentions": history["extra_detentions"],
                    "events": history["events"],
                    **sizes(built),
                },
                {
                    "wall_s": republish["wall_s"],
                    "publish_s": republish["step_s"],
                    "persons_per_second": round(
                        history["touched_persons"] / republish["step_s"], 1
                    ),
                    "seed_history_s": history["step_s"],
                    "seed_history_wall_s": history["wall_s"],
                    "extra_status_changes": history["extra_status_changes"],
                    "extra_charges": history["extra_charges"],
                    **(
                        {"vacuum_analyze_s": built["vacuum"]["wall_s"]}
                        if built["vacuum"]["vacuumed"]
                        else {}
                    ),
                },
            )
        )
    return results + export_results(large, small)


def run(ctx: Context) -> list[dict[str, Any]]:
    """Import, export and page figures of a large register, on the run's database."""
    settings = ctx.settings
    persons = QUICK_PERSONS if settings.quick else PERSONS
    small = QUICK_SMALL if settings.quick else SMALL
    levels = sorted({1, settings.concurrency})
    floors = {c: ctx.floor(workers=settings.workers, concurrency=c) for c in levels}

    log(f"register: the small register ({small:,} persons), in its own Habeas")
    small_figures = measure_small(ctx, small)
    large: dict[str, Any] = {}
    environment: dict[str, str] = {}

    def prepare(env: dict[str, str]) -> None:
        environment.update(env)
        large.update(
            build(env, persons, label="register", reimport=True, words=list(SEARCHES.values()))
        )

    results: list[dict[str, Any]] = []
    with ctx.habeas(prepare=prepare) as base_url:
        info = large["info"]
        paths = check_pages(base_url, info)
        for name, (path, size) in paths.items():
            is_search = name.startswith("search")
            target = TARGET_SEARCH_P99_MS if is_search else TARGET_PAGE_P99_MS
            parameters: dict[str, Any] = {
                "path": path,
                "persons": info["persons"],
                "detentions": info["detentions"],
                "events": info["events"],
                "vacuumed": large["vacuum"]["vacuumed"],
            }
            if is_search:
                parameters["matches"] = info["search_matches"][SEARCHES[name]]
            if name.startswith("person"):
                key = "person_typical" if name == "person" else "person_heaviest"
                parameters["person_detentions"] = info[key]["n_detentions"]
                parameters["person_events"] = info[key]["n_events"]
            for concurrency in levels:
                label = f"register.{name}.c{concurrency}"
                log(f"{label}: GET {path}, concurrency {concurrency}")
                figures = ctx.load(f"{base_url}{path}", concurrency=concurrency)
                figures["response_bytes"] = size
                extra: dict[str, Any] = {}
                if concurrency == 1:
                    p99 = figures.get("p99_ms")
                    met = isinstance(p99, int | float) and p99 < target and not figures["errors"]
                    verdict = "met" if met else "NOT met"
                    log(f"{label}: p99 {p99} ms; target < {target:.0f} ms {verdict}")
                    figures.update({"target_p99_ms": target, "target_met": met})
                    extra["target_p99_ms"] = target
                results.append(
                    {
                        "name": label,
                        "parameters": {
                            **parameters,
                            **extra,
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
        results += uncached_searches(
            base_url,
            paths,
            environment,
            quick=settings.quick,
        )
    return results + offline_results(large, small_figures)


def uncached_searches(
    base_url: str, paths: dict[str, tuple[str, int]], env: dict[str, str], *, quick: bool
) -> list[dict[str, Any]]:
    """Each search rendered afresh, one request at a time: the page cache emptied before
    every round as the public-pages benchmark empties it, WARM_ROUNDS discarded."""
    # That benchmark reads this one's constants: imported here, not at the top.
    from bench.bench_public_pages import (
        CLEARED_BY,
        COLD_ROUNDS,
        QUICK_COLD_ROUNDS,
        WARM_ROUNDS,
        Page,
        clearer,
        cold_renders,
        latency_figures,
    )

    rounds = QUICK_COLD_ROUNDS if quick else COLD_ROUNDS
    port = int(base_url.rsplit(":", 1)[1])
    searches = [
        Page(name, paths[name][0], lambda _page: None, TARGET_SEARCH_P99_MS, "issue 17")
        for name in SEARCHES
    ]
    mode = "publish" if env.get("REDIS_URL") else "clear"
    log(f"register: {WARM_ROUNDS} + {rounds} rounds of uncached searches")
    with clearer(env, Path(env["HABEAS_VAR_DIR"]) / "bench.log", mode) as clear:
        times = cold_renders(port, searches, clear, rounds)
    results = []
    for page in searches:
        figures = latency_figures(times[page.name])
        met = figures["p99_ms"] < TARGET_SEARCH_P99_MS
        figures.update({"target_p99_ms": TARGET_SEARCH_P99_MS, "target_met": met})
        log(
            f"register.{page.name}.uncached: p50 {figures['p50_ms']} ms, p99 "
            f"{figures['p99_ms']} ms; target < {TARGET_SEARCH_P99_MS:.0f} ms "
            f"{'met' if met else 'NOT met'}"
        )
        results.append(
            result(
                f"register.{page.name}.uncached",
                {
                    "path": page.path,
                    "concurrency": 1,
                    "rounds": rounds,
                    "discarded_rounds": WARM_ROUNDS,
                    "cleared_by": CLEARED_BY[mode],
                },
                figures,
            )
        )
    return results

"""Public pages from the page cache, against a static file from the same server.

Issue 14's benchmark. The pages a visitor reads on the day a campaign goes
viral: the home page, the demo campaign's page, the register list, a
person page, the register's statistics and the united-front page of a
campaign with 50 organisations and 200 demands. The register holds 100,000
generated persons with their case histories, built as bench/bench_register.py
builds it (the import with publishing, half a detention and five events more
per person, republished; PostgreSQL vacuumed), and the 50 x 200 campaign is
bench/seed_united_front.py's; both are seeded before the server starts.
Every request says ``Accept-Encoding: gzip``, as browsers do, so pages and
the static file are both sent compressed.

The floor is a static file served by the same Habeas in the same run: the
site's own stylesheet (habeas/site.css), which WhiteNoise answers (precompressed) before the
page cache or any view is reached, loaded exactly as the pages are. For
reference, bench/floor_app.py (a bare WSGI app under the same gunicorn
options) is loaded too, and is the floor of the static file's own results.

What is measured, in this order, with the server up:

1. Each page is fetched and checked for its content (the seeded names,
   rows and counts), for a gzipped body, an ETag and no Set-Cookie. That
   request renders it and stores it: every later request is *warm*.
2. At 8 and then 64 connections, for each page in turn: the static file,
   then the page, each with the run's warm-up and measured duration. Each
   page's throughput is set against the static file's measured just before
   it (its floor); the target is at least half of it. The load
   generator reports its own CPU use (``client_cpu_fraction``, 1.0 is one
   core) and the machine's, so that a client at its limit shows.
3. *Uncached renders*: a round clears the page cache as ``habeas cache
   clear`` does (bench/pagecache_clear.py, one process for every round),
   then fetches each page once, one request at a time on a fresh
   connection, and times it. Each round starts with the next page, so the
   first request after a clear (which also makes the generation tokens)
   falls on every page alike. Every page's ETag must differ from the one
   of the round before, which proves a new key and so a render. The first
   WARM_ROUNDS rounds are discarded (both workers have then compiled every
   page's templates); COLD_ROUNDS are recorded, and p99 is by nearest rank.
   With REDIS_URL set, a round replaces the generations as a publication
   does (``public_changed``) instead, as it did when ``clear`` on Redis
   still emptied the whole database (the default cache's register facets
   with it); the runs recorded were made that way.

Targets of the first render's p99, from the issues that set them: register
list and person page under 100 ms on one core (issue 4, the register), the
50 x 200 united-front page under 150 ms (issue 5, the united front). The
home, campaign and statistics pages have no render target of their own:
their figures are reported without a verdict.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import IO, Any

from bench.bench_http import DEMO_MARKER
from bench.bench_register import (
    EVENTS_PER_PERSON,
    EXTRA_DETENTIONS_PER_PERSON,
    import_file,
    listed,
    no_earlier_import,
    seed_step,
    write_csv,
)
from bench.bench_united_front import PATH as UNITED_FRONT_PATH
from bench.bench_united_front import seed as seed_united_front
from bench.harness import HOST, REPO_ROOT, BenchError, Context, log, now
from bench.loadgen import percentile
from bench.seed_register import CAMPAIGN_SLUG
from bench.seed_united_front import DEMANDS, ORGANISATIONS, demand_text, organisation_name

PERSONS = 100_000
QUICK_PERSONS = 5_000
LEVELS = (8, 64)
COLD_ROUNDS = 100
QUICK_COLD_ROUNDS = 10
WARM_ROUNDS = 5
ACCEPT_ENCODING = "gzip"
HEADERS = [f"Accept-Encoding: {ACCEPT_ENCODING}"]
TARGET_RATIO = 0.5
# Issue 4 (register): list and person pages p99 under 100 ms on one core.
TARGET_REGISTER_P99_MS = 100.0
# Issue 5 (united front): the 50 x 200 page under 150 ms at p99.
TARGET_UNITED_FRONT_P99_MS = 150.0
# The site's own stylesheet, as the manifest storage names it (with its hash).
CLEARED_BY = {
    "clear": "habeas.core.pagecache.clear (as habeas cache clear)",
    "publish": "habeas.core.pagecache.public_changed (as a publication)",
}
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/habeas/site\.[^"]*css)"')


@dataclass(frozen=True)
class Fetched:
    """One response as a browser asking for gzip would get it."""

    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    def text(self) -> str:
        """The body, decompressed if it was sent gzipped, as text."""
        body = self.body
        if self.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return body.decode("utf-8", errors="replace")


def fetch(port: int, path: str, *, timeout: float = 60.0) -> Fetched:
    """One GET with ``Accept-Encoding: gzip`` on a fresh connection, timed to its last byte."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request(
            "GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING, "Connection": "close"}
        )
        response = connection.getresponse()
        body = response.read()
        seconds = time.perf_counter() - started
        headers: dict[str, str] = {}
        for name, value in response.getheaders():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
    finally:
        connection.close()
    return Fetched(status=response.status, headers=headers, body=body, seconds=seconds)


@dataclass(frozen=True)
class Page:
    """A page to load: its result name, path, content check and render target."""

    name: str
    path: str
    check: Callable[[str], None]
    target_p99_ms: float | None
    target_source: str


def contains(*markers: str) -> Callable[[str], None]:
    """A check that the page holds every marker."""

    def check(page: str) -> None:
        missing = [marker for marker in markers if marker not in page]
        if missing:
            raise BenchError(f"the page lacks {missing!r}")

    return check


def pages(info: dict[str, Any]) -> list[Page]:
    """The six pages, each with what its content must show for this data."""
    person = info["person_typical"]
    records = info["public_records"]

    def check_register(page: str) -> None:
        listed(page, "/register/", total=records)

    def check_person(page: str) -> None:
        sections = page.count('<section class="detention">')
        if person["name"] not in unescape(page) or sections != person["n_detentions"]:
            raise BenchError(
                f"the person page shows {sections} detentions, not {person['n_detentions']}, "
                f"or lacks the name {person['name']!r}"
            )

    def check_united_front(page: str) -> None:
        contains(organisation_name(ORGANISATIONS), demand_text(DEMANDS - 1))(page)
        rows = page.count('<tr id="demand-')
        if rows != DEMANDS:
            raise BenchError(f"the united-front page shows {rows} demand rows, not {DEMANDS}")

    register_target = "issue 4: list and person pages p99 < 100 ms on one core"
    return [
        Page("home", "/", contains(DEMO_MARKER.decode()), None, ""),
        Page(
            "campaign",
            f"/campaigns/{CAMPAIGN_SLUG}/",
            contains(DEMO_MARKER.decode()),
            None,
            "",
        ),
        Page("register", "/register/", check_register, TARGET_REGISTER_P99_MS, register_target),
        Page(
            "person",
            f"/register/{person['slug']}/",
            check_person,
            TARGET_REGISTER_P99_MS,
            register_target,
        ),
        Page(
            "statistics",
            "/register/statistics/",
            contains("<svg", "Detained on each day"),
            None,
            "",
        ),
        Page(
            "united_front",
            UNITED_FRONT_PATH,
            check_united_front,
            TARGET_UNITED_FRONT_P99_MS,
            "issue 5: the 50 x 200 united-front page p99 < 150 ms",
        ),
    ]


def probe(port: int, page: Page) -> Fetched:
    """Fetch a page as a visitor; BenchError unless it is whole, gzipped, cacheable, cookieless."""
    fetched = fetch(port, page.path)
    where = f"{page.name} ({page.path})"
    if fetched.status != 200:
        raise BenchError(f"{where} answered {fetched.status}, not 200")
    if fetched.headers.get("content-encoding") != "gzip":
        raise BenchError(f"{where} was not sent gzipped to a client asking for gzip")
    if "set-cookie" in fetched.headers:
        raise BenchError(f"{where} set a cookie for a visitor: it cannot be cached")
    if "etag" not in fetched.headers or "public" not in fetched.headers.get("cache-control", ""):
        raise BenchError(f"{where} has no ETag or is not Cache-Control: public")
    try:
        page.check(fetched.text())
    except BenchError as error:
        raise BenchError(f"{where}: {error}") from None
    return fetched


def static_path(port: int) -> tuple[str, int]:
    """The site's stylesheet as the home page links it, and its gzipped size.

    BenchError unless WhiteNoise sends it gzipped, as it does for the pages.
    """
    home = fetch(port, "/")
    found = STYLESHEET.search(home.text())
    if not found:
        raise BenchError("the home page does not link /static/habeas/site.css")
    path = found[1]
    fetched = fetch(port, path)
    if fetched.status != 200 or fetched.headers.get("content-encoding") != "gzip":
        raise BenchError(f"{path} answered {fetched.status}, not 200 gzipped")
    return path, len(fetched.body)


def seed(env: dict[str, str], persons: int) -> dict[str, Any]:
    """The register of ``persons`` and the 50 x 200 campaign, in Habeas's database; their info."""
    log_path = Path(env["HABEAS_VAR_DIR"]) / "bench.log"
    out: dict[str, Any] = {}
    log(f"public_pages: seeding {ORGANISATIONS} organisations and {DEMANDS} demands")
    out["united_front"] = seed_united_front(env)
    no_earlier_import(seed_step("users", env=env, log_path=log_path), "the database")
    path = Path(env["HABEAS_VAR_DIR"]) / "register.csv"
    write_csv(path, 0, persons)
    log(f"public_pages: importing {persons:,} persons with publishing")
    measured, counts = import_file(path, publish=True, env=env, log_path=log_path)
    if counts != (persons, 0):
        raise BenchError(f"the import created/updated {counts}, not ({persons}, 0)")
    log(f"public_pages: imported in {measured.wall_s} s; adding case histories")
    touched = Path(env["HABEAS_VAR_DIR"]) / "touched.json"
    seed_step(
        "history",
        str(touched),
        str(int(persons * EXTRA_DETENTIONS_PER_PERSON)),
        str(persons * EVENTS_PER_PERSON),
        env=env,
        log_path=log_path,
    )
    seed_step("republish", str(touched), env=env, log_path=log_path)
    seed_step("vacuum", env=env, log_path=log_path)
    out["info"] = info = seed_step("info", env=env, log_path=log_path)
    if info["imported_public"] != persons or not info["person_typical"]:
        raise BenchError(f"{info['imported_public']} generated persons are public, not {persons}")
    log(
        f"public_pages: {info['public_records']:,} public records, {info['events']:,} events, "
        f"{info['detentions']:,} detentions"
    )
    return out


class Clearer:
    """bench/pagecache_clear.py, running beside the server with Habeas's environment."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def _line(self) -> str:
        stdout: IO[str] | None = self.process.stdout
        line = stdout.readline() if stdout else ""
        if not line:
            raise BenchError(f"the cache clearer exited ({self.process.wait(timeout=10)})")
        return line

    def clear(self) -> None:
        """Make every stored page stale; returns once it is."""
        stdin: IO[str] | None = self.process.stdin
        if stdin is None:
            raise BenchError("the cache clearer has no input")
        stdin.write("next\n")
        stdin.flush()
        if not self._line().startswith("done "):
            raise BenchError("the cache clearer did not clear")


@contextlib.contextmanager
def clearer(env: dict[str, str], log_path: Path, mode: str) -> Iterator[Clearer]:
    """A running cache clearer (``clear`` or ``publish``), stopped when the block ends."""
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.pagecache_clear", mode],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
        )
    try:
        running = Clearer(process)
        if running._line().strip() != "ready":
            raise BenchError("the cache clearer did not start")
        yield running
    finally:
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cold_renders(port: int, all_pages: list[Page], clear: Clearer, rounds: int) -> dict[str, Any]:
    """Each page's uncached render times in milliseconds: ``rounds`` recorded rounds."""
    times: dict[str, list[float]] = {page.name: [] for page in all_pages}
    etags: dict[str, str] = {}
    total = WARM_ROUNDS + rounds
    for round_number in range(total):
        clear.clear()
        start = round_number % len(all_pages)
        for page in all_pages[start:] + all_pages[:start]:
            fetched = fetch(port, page.path)
            etag = fetched.headers.get("etag", "")
            if fetched.status != 200 or fetched.headers.get("content-encoding") != "gzip":
                raise BenchError(f"{page.path} answered {fetched.status} after a clear")
            if not etag or etag == etags.get(page.name):
                raise BenchError(f"{page.path} kept its ETag across a round: not a new render")
            etags[page.name] = etag
            if round_number >= WARM_ROUNDS:
                times[page.name].append(fetched.seconds * 1000)
        if (round_number + 1) % 20 == 0:
            log(f"public_pages: {round_number + 1} of {total} uncached rounds")
    return times


def latency_figures(samples: list[float]) -> dict[str, Any]:
    """Nearest-rank percentiles of samples in milliseconds."""
    ordered = sorted(samples)
    return {
        "samples": len(ordered),
        "p50_ms": round(percentile(ordered, 50), 3),
        "p90_ms": round(percentile(ordered, 90), 3),
        "p99_ms": round(percentile(ordered, 99), 3),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(sum(ordered) / len(ordered), 3),
        "min_ms": round(ordered[0], 3),
    }


def ratio(figures: dict[str, Any], floor: dict[str, Any]) -> float | None:
    """Successful requests per second as a share of the floor's; None if either is missing."""
    rps, floor_rps = figures.get("requests_per_second"), floor.get("requests_per_second")
    if not isinstance(rps, int | float) or not isinstance(floor_rps, int | float) or not floor_rps:
        return None
    return round(rps / floor_rps, 3)


def warm_loads(
    ctx: Context,
    base_url: str,
    *,
    concurrency: int,
    static: tuple[str, int],
    all_pages: list[tuple[Page, int]],
    parameters: dict[str, Any],
) -> list[dict[str, Any]]:
    """Each page loaded right after the static file, in pairs, at one concurrency.

    Pairing keeps each page's floor within a minute of it: on a shared
    machine the floor alone moved by a third over the length of one level.
    The static file's own result is its first load, against the bare app.
    """
    port = int(base_url.rsplit(":", 1)[1])
    path, static_bytes = static
    bare = ctx.floor(workers=ctx.settings.workers, concurrency=concurrency)
    results: list[dict[str, Any]] = []
    floors: list[dict[str, Any]] = []
    for page, size in all_pages:
        name = f"public_pages.{page.name}.c{concurrency}"
        log(f"{name}: GET {path}, then GET {page.path}")
        floor = ctx.load(f"{base_url}{path}", concurrency=concurrency, headers=HEADERS)
        floors.append(floor)
        before = fetch(port, page.path).headers.get("etag")
        figures = ctx.load(f"{base_url}{page.path}", concurrency=concurrency, headers=HEADERS)
        after = fetch(port, page.path).headers.get("etag")
        share = ratio(figures, floor)
        met = share is not None and share >= TARGET_RATIO and not figures["errors"]
        log(
            f"{name}: {figures['requests_per_second']} req/s, p99 {figures['p99_ms']} ms; "
            f"static file {floor['requests_per_second']} req/s; ratio {share}, "
            f"target >= {TARGET_RATIO} {'met' if met else 'NOT met'}"
        )
        figures.update(
            {
                "gzipped_bytes": size,
                "ratio_to_floor": share,
                "target_ratio_to_floor": TARGET_RATIO,
                "target_met": met,
                # The same ETag before and after: one stored page served the whole load.
                "same_etag_throughout": before == after,
            }
        )
        results.append(
            {
                "name": name,
                "parameters": {"path": page.path, "concurrency": concurrency, **parameters},
                "figures": figures,
                "floor": floor,
                "measured_at": now(),
            }
        )
    rates = [floor["requests_per_second"] for floor in floors]
    results.append(
        {
            "name": f"public_pages.static_file.c{concurrency}",
            "parameters": {"path": path, "concurrency": concurrency, **parameters},
            "figures": {
                **floors[0],
                "gzipped_bytes": static_bytes,
                "ratio_to_floor": ratio(floors[0], bare),
                # Every load of the static file at this level, in order: the drift.
                "paired_requests_per_second": rates,
            },
            "floor": bare,
            "measured_at": now(),
        }
    )
    return results


def run(ctx: Context) -> list[dict[str, Any]]:
    """Warm throughput at 8 and 64 connections against the static file, then uncached renders."""
    settings = ctx.settings
    persons = QUICK_PERSONS if settings.quick else PERSONS
    rounds = QUICK_COLD_ROUNDS if settings.quick else COLD_ROUNDS
    seeded: dict[str, Any] = {}
    environment: dict[str, str] = {}

    def prepare(env: dict[str, str]) -> None:
        environment.update(env)
        seeded.update(seed(env, persons))

    results: list[dict[str, Any]] = []
    with ctx.habeas(prepare=prepare) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        info = seeded["info"]
        all_pages = pages(info)
        sizes = {page.name: len(probe(port, page).body) for page in all_pages}
        static, static_bytes = static_path(port)
        log(f"public_pages: floor is {static} ({static_bytes:,} bytes gzipped)")
        common = {
            "workers": settings.workers,
            "accept_encoding": ACCEPT_ENCODING,
            "persons": info["public_records"],
            "united_front": f"{ORGANISATIONS} x {DEMANDS}",
            "page_cache": "redis" if environment.get("REDIS_URL") else "database",
        }
        loading = {**common, "warmup_s": settings.warmup, "duration_s": settings.duration}
        for concurrency in LEVELS:
            results += warm_loads(
                ctx,
                base_url,
                concurrency=concurrency,
                static=(static, static_bytes),
                all_pages=[(page, sizes[page.name]) for page in all_pages],
                parameters=loading,
            )
        log(
            f"public_pages: {WARM_ROUNDS} + {rounds} rounds of uncached renders, "
            "one request at a time"
        )
        log_path = Path(environment["HABEAS_VAR_DIR"]) / "bench.log"
        mode = "publish" if environment.get("REDIS_URL") else "clear"
        with clearer(environment, log_path, mode) as clear:
            times = cold_renders(port, all_pages, clear, rounds)
        for page in all_pages:
            figures = latency_figures(times[page.name])
            if page.target_p99_ms is not None:
                met = figures["p99_ms"] < page.target_p99_ms
                figures.update({"target_p99_ms": page.target_p99_ms, "target_met": met})
                verdict = f"target < {page.target_p99_ms:.0f} ms {'met' if met else 'NOT met'}"
            else:
                verdict = "no target"
            log(
                f"public_pages.{page.name}.uncached: p50 {figures['p50_ms']} ms, "
                f"p99 {figures['p99_ms']} ms over {figures['samples']} renders; {verdict}"
            )
            results.append(
                {
                    "name": f"public_pages.{page.name}.uncached",
                    "parameters": {
                        "path": page.path,
                        "concurrency": 1,
                        "rounds": rounds,
                        "discarded_rounds": WARM_ROUNDS,
                        "cleared_by": CLEARED_BY[mode],
                        "target": page.target_source or "none set",
                        **common,
                    },
                    "figures": figures,
                    "floor": {},
                    "measured_at": now(),
                }
            )
    return results

"""A flood of signers on an open letter, then every signature confirmed and audited.

Habeas is served as `make run` serves it (bench.harness), behind one trusted
proxy (``HABEAS_TRUSTED_PROXY_COUNT=1``) so that each simulated signer can
come from its own client address in ``X-Forwarded-For`` and the benchmark
measures real signers rather than the per-address rate limiter. Steps:

1. Seed (bench/letters_flood_django.py): a campaign, a union, two OPEN
   letters (the flood's and the one-address run's), and the insert floor's
   table.
2. The floor: a bare Django view that inserts one row per POST
   (bench/floor_insert*.py), under the same gunicorn, settings and database,
   loaded by the same client with the same bodies.
3. The flood: at least 200 simulated signers (bench/letters_flood_load.py)
   POST the sign form for at least 60 s, with the ``started`` value copied
   from the letter page fetched 3.5 s before; about one submission in ten is
   an earlier signer in another spelling, and some pairs are sent at the same
   moment. Meanwhile two separate clients (bench/loadgen.py, one connection
   each) read the letter page and its count JSON.
4. A short run from one client address, on the second letter: the limiter
   must store those signatures as suspect, with the same answer.
5. Every pending signature of the flood's letter is confirmed through its
   token (POST /letters/confirm/<token>/), the counts are folded (``habeas
   clock --once``), and the audit holds the rows against the answers: one row
   per signer answered 303, none lost, none doubled, no stray row, and the
   count JSON equal to the counted rows and the distinct confirmed addresses.

``--concurrency`` and ``--duration`` raise the signers and the flood's
length above 200 and 60 s; ``--quick`` runs 20 signers for the quick
duration, to check the benchmark itself.
"""

from __future__ import annotations

import html.parser
import json
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.harness import (
    BIN_DIR,
    HOST,
    REPO_ROOT,
    SETUP_TIMEOUT_S,
    BenchError,
    Context,
    free_port,
    get_status,
    log,
    now,
    serving,
)
from habeas.core.management.commands.serve import GUNICORN_OPTIONS

SIGNERS = 200
DURATION_S = 60.0
QUICK_SIGNERS = 20
ONE_ADDRESS_SIGNERS = 20
ONE_ADDRESS_DURATION_S = 10.0
CONFIRMERS = 32
# The server treats a form sent sooner than 3 s after its ``started`` as suspect.
FILL_IN_WAIT_S = 3.5
TARGET_RATIO = 0.5


class FormParser(html.parser.HTMLParser):
    """The sign form's action and hidden ``started`` value on a letter page."""

    def __init__(self) -> None:
        super().__init__()
        self.actions: list[str] = []
        self.started: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        action = (values.get("action") or "").split("#", 1)[0]
        if tag == "form" and action.endswith("/sign/"):
            self.actions.append(action)
        if tag == "input" and values.get("name") == "started":
            self.started = values.get("value") or ""


def sign_form(port: int, slug: str) -> tuple[str, str]:
    """The sign form's action and ``started`` value; BenchError unless the page has them."""
    status, body = get_status(port, f"/letters/{slug}/", timeout=30)
    if status != 200:
        raise BenchError(f"/letters/{slug}/ answered {status}, not 200")
    parser = FormParser()
    parser.feed(body.decode("utf-8", errors="replace"))
    if not parser.actions or not parser.started:
        raise BenchError(f"/letters/{slug}/ has no sign form with a started value")
    return parser.actions[0], parser.started


def python(argv: list[str], *, env: dict[str, str], timeout: float) -> dict[str, Any]:
    """Run ``python -m ...`` to the end; the JSON object on its last line of stdout."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", *argv],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"{' '.join(argv[:2])} took over {timeout:.0f} s") from None
    if result.returncode != 0:
        stderr = "\n".join(result.stderr.strip().splitlines()[-20:])
        raise BenchError(f"{' '.join(argv[:2])} failed ({result.returncode}):\n{stderr}")
    try:
        parsed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchError(f"{' '.join(argv[:2])} printed no JSON: {result.stdout!r}") from None
    return parsed


def start(argv: list[str]) -> subprocess.Popen[str]:
    """Start ``python -m ...`` in the background, its stdout and stderr captured."""
    return subprocess.Popen(
        [sys.executable, "-m", *argv],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], what: str, timeout: float) -> dict[str, Any]:
    """Wait for a background client; its JSON figures, or BenchError."""
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise BenchError(f"{what} did not finish within {timeout:.0f} s") from None
    if process.returncode != 0:
        raise BenchError(f"{what} failed ({process.returncode}): {stderr.strip()[-2000:]}")
    try:
        figures: dict[str, Any] = json.loads(stdout)
    except json.JSONDecodeError:
        raise BenchError(f"{what} printed no JSON: {stdout[-500:]!r}") from None
    return figures


def flood_argv(mode: str, url: str, records: Path, **options: Any) -> list[str]:
    """The command line of bench/letters_flood_load.py."""
    argv = ["bench.letters_flood_load", mode, "--url", url, "--records", str(records)]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            argv.append(flag)
        elif value is not None and value is not False:
            argv += [flag, str(value)]
    return argv


def reader_argv(url: str, seconds: float) -> list[str]:
    """bench/loadgen.py as one reader for ``seconds``, nothing discarded."""
    return [
        "bench.loadgen",
        "--url",
        url,
        "--concurrency",
        "1",
        "--warmup",
        "0",
        "--duration",
        str(seconds),
        "--timeout",
        "30",
    ]


def count_json_total(port: int, slug: str, expected: int) -> tuple[int | None, int]:
    """The count JSON's ``total`` and the reads it took to equal ``expected`` (at most 20).

    The published count may lag the fold by a few seconds (a cached answer).
    """
    total: int | None = None
    for attempt in range(1, 21):
        status, body = get_status(port, f"/letters/{slug}/count.json", timeout=30)
        if status != 200:
            raise BenchError(f"/letters/{slug}/count.json answered {status}")
        total = json.loads(body)["total"]
        if total == expected:
            return total, attempt
        time.sleep(1)  # bounded: at most 20 reads
    return total, 20


def measure_floor(
    ctx: Context, env: dict[str, str], work: Path, *, signers: int, warmup: float, duration: float
) -> dict[str, Any]:
    """The insert floor under the flood's load, served as Habeas is."""
    port = free_port()
    argv = [
        str(BIN_DIR / "gunicorn"),
        "habeas.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(ctx.settings.workers),
        *GUNICORN_OPTIONS,
    ]
    floor_env = env | {"DJANGO_SETTINGS_MODULE": "bench.floor_insert"}
    log(f"letters_flood: floor (one insert per POST), {signers} clients, {duration:g} s")
    with serving(
        argv, port=port, env=floor_env, log_path=work / "floor.log", ready_path="/healthz"
    ) as base_url:
        process = start(
            flood_argv(
                "floor",
                f"{base_url}/floor/",
                work / "floor.jsonl",
                concurrency=signers,
                warmup=warmup,
                duration=duration,
                identity_offset=9_000_000,
            )
        )
        figures = finish(process, "the floor's load", warmup + duration + 120)
    figures["floor"] = "bare Django view inserting one row, Habeas's settings"
    return figures


def run(ctx: Context) -> list[dict[str, Any]]:
    """The flood's figures beside the insert floor, the readers', the confirmation's, the audit."""
    settings = ctx.settings
    quick = settings.quick
    signers = (
        max(QUICK_SIGNERS, settings.concurrency) if quick else max(SIGNERS, settings.concurrency)
    )
    duration = settings.duration if quick else max(DURATION_S, settings.duration)
    warmup = settings.warmup
    one_duration = min(settings.duration, ONE_ADDRESS_DURATION_S)
    tag = f"{int(time.time())}-{secrets.token_hex(2)}"
    work = ctx.workdir / f"letters-flood-{tag}"
    work.mkdir()
    held: dict[str, Any] = {}

    def prepare(env: dict[str, str]) -> None:
        log(f"letters_flood: seeding letters {tag}")
        held["env"] = dict(env)
        held["slugs"] = python(
            ["bench.letters_flood_django", "seed", "--tag", tag], env=env, timeout=SETUP_TIMEOUT_S
        )["slugs"]

    with ctx.habeas(prepare=prepare, extra_env={"HABEAS_TRUSTED_PROXY_COUNT": "1"}) as base_url:
        env, slug, one_slug = held["env"], held["slugs"]["flood"], held["slugs"]["one_address"]
        port = int(base_url.rsplit(":", 1)[1])
        floor = measure_floor(ctx, env, work, signers=signers, warmup=warmup, duration=duration)

        action, started = sign_form(port, slug)
        time.sleep(FILL_IN_WAIT_S)  # as a person filling in the form would
        log(f"letters_flood: {signers} signers POST {action} for {warmup:g} + {duration:g} s")
        readers = {
            name: start(reader_argv(f"{base_url}{path}", warmup + duration))
            for name, path in (
                ("page_under_flood", f"/letters/{slug}/"),
                ("count_json_under_flood", f"/letters/{slug}/count.json"),
            )
        }
        flood = finish(
            start(
                flood_argv(
                    "sign",
                    f"{base_url}{action}",
                    work / "sign.jsonl",
                    started=started,
                    concurrency=signers,
                    warmup=warmup,
                    duration=duration,
                )
            ),
            "the flood",
            warmup + duration + 120,
        )
        read = {name: finish(p, name, warmup + duration + 90) for name, p in readers.items()}

        one_action, one_started = sign_form(port, one_slug)
        time.sleep(FILL_IN_WAIT_S)
        log(
            f"letters_flood: {ONE_ADDRESS_SIGNERS} signers from one address for {one_duration:g} s"
        )
        one = finish(
            start(
                flood_argv(
                    "sign",
                    f"{base_url}{one_action}",
                    work / "one.jsonl",
                    started=one_started,
                    concurrency=ONE_ADDRESS_SIGNERS,
                    duration=one_duration,
                    identity_offset=8_000_000,
                    one_address=True,
                )
            ),
            "the one-address run",
            one_duration + 120,
        )

        token_file = work / "tokens.txt"
        tokens = python(
            ["bench.letters_flood_django", "tokens", "--slug", slug, "--out", str(token_file)],
            env=env,
            timeout=SETUP_TIMEOUT_S,
        )["tokens"]
        log(f"letters_flood: confirming {tokens} signatures, {CONFIRMERS} at a time")
        confirm = finish(
            start(
                flood_argv(
                    "confirm",
                    f"{base_url}/letters/confirm/",
                    work / "confirm.jsonl",
                    tokens=token_file,
                    concurrency=CONFIRMERS,
                )
            ),
            "the confirmation",
            SETUP_TIMEOUT_S,
        )
        folded = python(["bench.letters_flood_django", "fold"], env=env, timeout=SETUP_TIMEOUT_S)
        pre = python(
            [
                "bench.letters_flood_django",
                "audit",
                "--slug",
                slug,
                "--records",
                str(work / "sign.jsonl"),
            ],
            env=env,
            timeout=SETUP_TIMEOUT_S,
        )
        total, reads = count_json_total(port, slug, pre["counted_rows"])
        audit_argv = [
            "bench.letters_flood_django",
            "audit",
            "--slug",
            slug,
            "--records",
            str(work / "sign.jsonl"),
        ]
        if total is not None:
            audit_argv += ["--count-json", str(total)]
        audit = python(audit_argv, env=env, timeout=SETUP_TIMEOUT_S)
        audit.update(folded)
        audit["count_json_reads"] = reads
        one_audit = python(
            [
                "bench.letters_flood_django",
                "audit",
                "--slug",
                one_slug,
                "--records",
                str(work / "one.jsonl"),
            ],
            env=env,
            timeout=SETUP_TIMEOUT_S,
        )
    return results(
        ctx,
        signers=signers,
        duration=duration,
        floor=floor,
        flood=flood,
        read=read,
        confirm=confirm,
        audit=audit,
        one=one,
        one_audit=one_audit,
        one_duration=one_duration,
    )


def results(
    ctx: Context,
    *,
    signers: int,
    duration: float,
    floor: dict[str, Any],
    flood: dict[str, Any],
    read: dict[str, dict[str, Any]],
    confirm: dict[str, Any],
    audit: dict[str, Any],
    one: dict[str, Any],
    one_audit: dict[str, Any],
    one_duration: float,
) -> list[dict[str, Any]]:
    """The result entries, with the targets judged and logged."""
    settings = ctx.settings
    common = {"workers": settings.workers, "warmup_s": settings.warmup, "duration_s": duration}
    floor_rps = floor.get("requests_per_second") or 0
    ratio = round(flood["requests_per_second"] / floor_rps, 3) if floor_rps else None
    server_errors = (
        flood["server_errors_5xx"]
        + floor["server_errors_5xx"]
        + confirm["server_errors_5xx"]
        + one["server_errors_5xx"]
    )
    targets = {
        "ratio_to_floor": ratio,
        "ratio_met": ratio is not None and ratio >= TARGET_RATIO,
        "no_lost_or_doubled": bool(audit["one_row_per_answered_signer"]),
        "count_exact": bool(audit["count_equals_distinct_confirmed"]),
        "no_5xx": server_errors == 0,
        "readers_answered": all(r["errors"] == 0 and r["ok"] > 0 for r in read.values()),
    }
    for what, met in targets.items():
        if what != "ratio_to_floor":
            log(f"letters_flood: {what}: {'met' if met else 'NOT met'}")
    log(
        f"letters_flood: {flood['requests_per_second']} signatures/s against the floor's "
        f"{floor_rps} (ratio {ratio}); p50 {flood['p50_ms']} ms, p99 {flood['p99_ms']} ms"
    )
    for name, figures in read.items():
        log(f"letters_flood: {name}: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms")
    log(f"letters_flood: audit {json.dumps(audit, sort_keys=True)}")
    log(f"letters_flood: one address {json.dumps(one_audit, sort_keys=True)}")
    measured_at = now()
    entries: list[dict[str, Any]] = [
        {
            "name": "letters_flood.sign",
            "parameters": {
                "path": "/letters/<slug>/sign/",
                "concurrency": signers,
                "clients": "one address per signer (X-Forwarded-For, 1 trusted proxy)",
                **common,
            },
            "figures": flood | {"audit": audit, "targets": targets},
            "floor": floor,
            "measured_at": measured_at,
        }
    ]
    for name, path in (
        ("page_under_flood", "/letters/<slug>/"),
        ("count_json_under_flood", "/letters/<slug>/count.json"),
    ):
        entries.append(
            {
                "name": f"letters_flood.{name}",
                "parameters": {
                    "path": path,
                    "concurrency": 1,
                    "beside": f"{signers} signers",
                    **common,
                },
                "figures": read[name],
                "floor": {"none": "read beside the flood"},
                "measured_at": measured_at,
            }
        )
    entries.append(
        {
            "name": "letters_flood.confirm",
            "parameters": {
                "path": "/letters/confirm/<token>/",
                "concurrency": CONFIRMERS,
                "workers": settings.workers,
            },
            "figures": confirm,
            "floor": {"none": "every pending signature once"},
            "measured_at": measured_at,
        }
    )
    entries.append(
        {
            "name": "letters_flood.one_address",
            "parameters": {
                "path": "/letters/<slug>/sign/",
                "clients": ONE_ADDRESS_SIGNERS,
                "duration_s": one_duration,
                "workers": settings.workers,
            },
            "figures": {
                "submissions": one["all_requests"],
                "answered_303": one["statuses"].get("303", 0),
                "server_errors_5xx": one["server_errors_5xx"],
                "rows": one_audit["rows"],
                "suspect_rows": sum(one_audit["suspect_rows"].values()),
                "not_suspect_rows": one_audit["rows"] - sum(one_audit["suspect_rows"].values()),
                "lost": one_audit["lost"],
                "doubled": one_audit["doubled"],
            },
            "floor": {"none": "the limiter's behaviour, not a speed"},
            "measured_at": measured_at,
        }
    )
    return entries

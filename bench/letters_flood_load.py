"""The letters flood's load generator: many simulated signers POSTing the sign form.

Run as its own process, standard library only (like bench/loadgen.py, whose
connection and response reading it reuses), so the client never shares an
interpreter with the server it measures::

    python -m bench.letters_flood_load sign --url http://127.0.0.1:8000/letters/x/sign/ \\
        --started TOKEN --concurrency 200 --warmup 2 --duration 60 --records out.jsonl

Three modes:

``sign``
    Each of ``--concurrency`` simulated signers sends one submission at a
    time, back to back, on its own connection, until the deadline. The
    submissions come from one deterministic plan (:class:`Plan`): mostly new
    signers, each from its own client address (``X-Forwarded-For``, read by
    a server that trusts one proxy); about one in ten repeats an earlier
    signer's address in another spelling that folds to the same one (upper
    case, a ``+tag``, dots or googlemail.com at gmail.com), and every 25th
    new signer is sent twice in a row, so two signers send the same address
    at the same moment. ``--one-address`` sends every submission from one
    client address instead, to show the rate limiter. Success is 303.
``floor``
    The same submissions POSTed to the floor's bare insert view; success 200.
``confirm``
    POSTs ``/letters/confirm/<token>/`` for every token in ``--tokens`` (one
    a line); success 303.

Every request, its answer and its latency go to ``--records`` (JSON lines) for
the audit; the figures are printed to stdout as one JSON object. Only
loopback targets are accepted. This module must not import Django.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.loadgen import (
    USER_AGENT,
    Client,
    ProtocolError,
    Target,
    TargetError,
    parse_target,
    percentile,
    positive_float,
)

RANDOM_SEED = 20_261_130
DUPLICATE_SHARE = 0.10  # of submissions: an earlier signer again, spelt otherwise
CONCURRENT_EVERY = 25  # every N-th new signer is sent twice in a row
GMAIL_EVERY = 5  # every N-th signer has a gmail.com address (dots and aliases fold)
DOMAINS = 400  # other signers spread over this many domains
COUNTRIES = ["GB", "PK", "DE", "FR", "US", "IN", "NL", "SE", "CA", "NO"]
CITIES = ["London", "Lahore", "Berlin", "Toronto", "New York", "Gilgit", "", ""]
ONE_ADDRESS = "192.0.2.77"
# What a successful answer is in each mode (confirm: its page, or a redirect to one).
SUCCESS = {"sign": {303}, "floor": {200}, "confirm": {200, 303}}


def signer_address(identity: int) -> str:
    """The client address of signer ``identity``: one per signer, 10.0.0.0/8."""
    number = identity + 1
    return f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"


def signer_email(identity: int) -> str:
    """The address signer ``identity`` first signs with, in canonical form."""
    if identity % GMAIL_EVERY == 0:
        return f"signer{identity}@gmail.com"
    return f"signer.{identity}@list{identity % DOMAINS}.example.net"


def spelling(identity: int, rng: random.Random) -> str:
    """Another spelling of signer ``identity``'s address that folds to the same one."""
    local, _at, domain = signer_email(identity).partition("@")
    choices = ["upper", "tag", "domain-case"]
    if domain == "gmail.com":
        choices += ["dots", "googlemail"]
    choice = rng.choice(choices)
    if choice == "upper":
        return f"{local}@{domain}".upper()
    if choice == "tag":
        return f"{local}+letter{rng.randrange(1000)}@{domain}"
    if choice == "domain-case":
        return f"{local.capitalize()}@{domain.upper()}"
    if choice == "dots":
        dotted = ".".join(local)  # s.i.g.n.e.r.1.2
        return f"{dotted}@gmail.com"
    return f"{local}@googlemail.com"


@dataclass(frozen=True)
class Submission:
    """One form submission of the plan: who (``identity``) and how it is spelt."""

    index: int
    identity: int
    email: str
    client: str
    repeat: bool

    def fields(self, started: str) -> dict[str, str]:
        """The sign form's fields, as a browser with the page's form would send them."""
        identity = self.identity
        fields = {
            "name": f"Signer {identity}",
            "email": self.email,
            "country": COUNTRIES[identity % len(COUNTRIES)],
            "city": CITIES[identity % len(CITIES)],
            "affiliation": "Bench union branch" if identity % 3 == 0 else "",
            "website": "",
            "started": started,
        }
        if identity % 2 == 0:
            fields["show_name"] = "on"
        if identity % 4 == 1:
            fields["send_updates"] = "on"
        return fields


@dataclass
class Plan:
    """The deterministic stream of submissions every simulated signer draws from.

    One asyncio loop draws from it, so ``next`` needs no lock.
    ``identity_offset`` keeps two plans in one database apart.
    """

    identity_offset: int = 0
    one_address: bool = False
    rng: random.Random = field(default_factory=lambda: random.Random(RANDOM_SEED))
    issued: int = 0
    identities: int = 0
    pending_twin: Submission | None = None

    def next(self) -> Submission:
        """The next submission: a new signer, an earlier one again, or a concurrent twin."""
        index = self.issued
        self.issued += 1
        if self.pending_twin is not None:
            twin, self.pending_twin = self.pending_twin, None
            return Submission(
                index=index,
                identity=twin.identity,
                email=spelling(twin.identity, self.rng),
                client=twin.client,
                repeat=True,
            )
        if self.identities and self.rng.random() < DUPLICATE_SHARE:
            identity = self.identity_offset + self.rng.randrange(self.identities)
            return Submission(
                index=index,
                identity=identity,
                email=spelling(identity, self.rng),
                client=self.client(identity),
                repeat=True,
            )
        identity = self.identity_offset + self.identities
        self.identities += 1
        submission = Submission(
            index=index,
            identity=identity,
            email=signer_email(identity),
            client=self.client(identity),
            repeat=False,
        )
        if self.identities % CONCURRENT_EVERY == 0:
            self.pending_twin = submission
        return submission

    def client(self, identity: int) -> str:
        """The client address a signer sends from."""
        return ONE_ADDRESS if self.one_address else signer_address(identity)


def post_bytes(target: Target, path: str, body: bytes, client: str) -> bytes:
    """A form POST as a browser on this site sends it: Origin set, behind one proxy."""
    host = f"{target.host}:{target.port}"
    return (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        f"User-Agent: {USER_AGENT}\r\n"
        "Accept: text/html\r\n"
        f"Origin: http://{host}\r\n"
        f"X-Forwarded-For: {client}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n"
        "\r\n"
    ).encode("ascii") + body


@dataclass
class Run:
    """What one mode run sends and what it learnt."""

    mode: str
    target: Target
    started_token: str
    plan: Plan
    tokens: list[str]
    timeout: float
    records: list[dict[str, Any]] = field(default_factory=list)
    next_token: int = 0

    def request(self) -> tuple[bytes, dict[str, Any]] | None:
        """The next request and what the audit must know of it; None when none is left."""
        if self.mode == "confirm":
            if self.next_token >= len(self.tokens):
                return None
            index, self.next_token = self.next_token, self.next_token + 1
            path = f"/letters/confirm/{self.tokens[index]}/"
            client = signer_address(5_000_000 + index)
            return post_bytes(self.target, path, b"", client), {"index": index}
        submission = self.plan.next()
        body = urlencode(submission.fields(self.started_token)).encode("ascii")
        record = {
            "index": submission.index,
            "identity": submission.identity,
            "email": submission.email,
            "repeat": submission.repeat,
        }
        return post_bytes(self.target, self.target.path, body, submission.client), record


async def signer(run: Run, deadline: float, measured_from: float) -> None:
    """One simulated signer: send, wait for the answer, send the next, until the deadline."""
    loop = asyncio.get_running_loop()
    client = Client(run.target)
    try:
        while loop.time() < deadline:
            built = run.request()
            if built is None:
                return
            client.request, record = built
            sent = loop.time()
            try:
                response = await asyncio.wait_for(client.fetch(), timeout=run.timeout)
                record["status"] = response.status
            except TimeoutError:
                record["status"] = None
                record["error"] = "timeout"
                await client.close()
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as error:
                record["status"] = None
                record["error"] = type(error).__name__
                await client.close()
            except ProtocolError as error:
                record["status"] = None
                record["error"] = f"protocol: {error}"
                await client.close()
            answered = loop.time()
            record["sent_s"] = round(sent - measured_from, 4)
            record["latency_ms"] = round((answered - sent) * 1000, 3)
            record["measured"] = sent >= measured_from
            run.records.append(record)
    finally:
        await client.close()


def summarise(records: list[dict[str, Any]], success: set[int], elapsed: float) -> dict[str, Any]:
    """The measured phase's figures, named as bench/loadgen.py names them.

    ``requests_per_second`` counts successful answers only; latencies are of
    successful answers, in milliseconds.
    """
    measured = [record for record in records if record["measured"]]
    statuses = Counter(str(record["status"]) for record in measured)
    ok = [record for record in measured if record["status"] in success]
    latencies = sorted(record["latency_ms"] for record in ok)
    errors = Counter(record["error"] for record in measured if record.get("error"))
    server_errors = sum(
        1 for record in records if isinstance(record["status"], int) and record["status"] >= 500
    )

    def at(percent: float) -> float | None:
        return percentile(latencies, percent) if latencies else None

    return {
        "requests": len(measured),
        "ok": len(ok),
        "errors": len(measured) - len(ok),
        "statuses": dict(sorted(statuses.items())),
        "error_kinds": dict(sorted(errors.items())),
        "server_errors_5xx": server_errors,
        "duration_s": round(elapsed, 3),
        "requests_per_second": round(len(ok) / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": at(50),
        "p90_ms": at(90),
        "p99_ms": at(99),
        "max_ms": latencies[-1] if latencies else None,
        "warmup_requests": len(records) - len(measured),
        "all_requests": len(records),
    }


async def flood(run: Run, concurrency: int, warmup: float, duration: float) -> dict[str, Any]:
    """Run every signer through the warm-up and the measured phase; the figures."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    measured_from = start + warmup
    deadline = measured_from + duration
    await asyncio.gather(*(signer(run, deadline, measured_from) for _ in range(concurrency)))
    # The measured phase lasts until its last request was answered.
    ended = max(
        (record["sent_s"] + record["latency_ms"] / 1000 for record in run.records),
        default=0.0,
    )
    elapsed = ended if run.mode == "confirm" else max(ended, duration)
    figures = summarise(run.records, SUCCESS[run.mode], elapsed)
    figures.update({"concurrency": concurrency, "warmup_s": warmup, "mode": run.mode})
    if run.mode != "confirm":
        figures["signers_planned"] = run.plan.identities
        figures["repeats_planned"] = sum(1 for record in run.records if record["repeat"])
    return figures


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line, validated; exits with status 2 on a bad value."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.letters_flood_load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("mode", choices=sorted(SUCCESS))
    parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT/path to POST to")
    parser.add_argument("--started", default="", help="the form's hidden started value")
    parser.add_argument("--tokens", type=Path, help="confirm: a file of tokens, one a line")
    parser.add_argument("--records", type=Path, required=True, help="JSON lines written here")
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--duration", type=positive_float, default=60.0)
    parser.add_argument("--warmup", type=float, default=0.0)
    parser.add_argument("--timeout", type=positive_float, default=60.0)
    parser.add_argument("--identity-offset", type=int, default=0)
    parser.add_argument("--one-address", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 2048:
        parser.error("--concurrency must be between 1 and 2048")
    if not 0 <= args.warmup <= 600 or args.duration > 3600:
        parser.error("--warmup must be in [0, 600] and --duration at most 3600")
    if args.mode == "confirm" and args.tokens is None:
        parser.error("confirm needs --tokens")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run one mode, write the records, print the figures; 0 on success, 2 on a bad target."""
    args = parse_args(argv)
    try:
        target = parse_target(args.url)
    except TargetError as error:
        print(f"letters_flood_load: {error}", file=sys.stderr)
        return 2
    tokens = args.tokens.read_text(encoding="ascii").split() if args.tokens else []
    run = Run(
        mode=args.mode,
        target=target,
        started_token=args.started,
        plan=Plan(identity_offset=args.identity_offset, one_address=args.one_address),
        tokens=tokens,
        timeout=args.timeout,
    )
    # The confirm mode ends when its tokens do; the deadline only bounds it.
    duration = 3600.0 if args.mode == "confirm" else args.duration
    started = time.perf_counter()
    figures = asyncio.run(flood(run, args.concurrency, args.warmup, duration))
    figures["wall_s"] = round(time.perf_counter() - started, 3)
    # What this client itself took from the shared CPUs, and how busy they were.
    figures["client_cpu_s"] = round(time.process_time(), 3)
    figures["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
    with args.records.open("w", encoding="utf-8") as out:
        for record in run.records:
            out.write(json.dumps(record, sort_keys=True) + "\n")
    json.dump(figures, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

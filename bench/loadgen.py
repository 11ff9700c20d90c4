"""A closed-loop HTTP/1.1 load generator, standard library only.

Run as its own process, so the client never shares an interpreter with the
server it measures::

    python -m bench.loadgen --url http://127.0.0.1:8000/ --concurrency 8 \\
        --warmup 2 --duration 10 [--header "Accept-Encoding: gzip"]

Each of ``--concurrency`` clients sends one GET at a time on its own
connection, reusing it while the server keeps it alive and reconnecting when
the server closes it. After the warm-up (whose responses are discarded) the
measured phase runs until ``--duration`` seconds have passed or
``--requests`` responses have been counted, whichever comes first. One JSON
object of figures is printed to stdout, with the CPU time this process used
in the measured phase (``client_cpu_fraction``: 1.0 is one core, the most a
single event loop can use, so a figure near it means the client, not the
server, set the pace) and how busy the whole machine was meanwhile.

Only loopback addresses are accepted as targets. This module must not import
Django, nor anything from Habeas.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import math
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

MAX_HEADER_BYTES = 65_536
MAX_HEADERS = 100
READ_CHUNK = 65_536
USER_AGENT = "habeas-bench-loadgen/1"
# Headers the tool writes itself: framing and the target are not the caller's to change.
OWN_HEADERS = frozenset({"host", "connection", "content-length", "transfer-encoding"})
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


class TargetError(ValueError):
    """The URL is not one this tool may load."""


class ProtocolError(Exception):
    """The server's bytes are not a well-formed HTTP/1.x response."""


@dataclass(frozen=True)
class Target:
    """Where to connect and what to ask for."""

    url: str
    host: str
    port: int
    path: str
    headers: tuple[tuple[str, str], ...] = ()

    def request_bytes(self) -> bytes:
        """The exact GET request sent, with a Host header naming the target.

        ``headers`` come after the tool's own, in the order given.
        """
        host = f"[{self.host}]" if ":" in self.host else self.host
        extra = "".join(f"{name}: {value}\r\n" for name, value in self.headers)
        return (
            f"GET {self.path} HTTP/1.1\r\n"
            f"Host: {host}:{self.port}\r\n"
            f"User-Agent: {USER_AGENT}\r\n"
            "Accept: */*\r\n"
            f"{extra}"
            "Connection: keep-alive\r\n"
            "\r\n"
        ).encode("ascii")


def parse_header(text: str) -> tuple[str, str]:
    """``Name: value`` as a pair; TargetError if malformed or one the tool writes itself.

    Only printable ASCII is accepted, so no header can smuggle a line break
    into the request.
    """
    name, colon, value = text.partition(":")
    value = value.strip()
    if not colon or not HEADER_NAME.fullmatch(name):
        raise TargetError(f"not a header of the form 'Name: value': {text!r}")
    if not all(" " <= char <= "~" for char in value):
        raise TargetError(f"header value must be printable ASCII: {text!r}")
    if name.lower() in OWN_HEADERS:
        raise TargetError(f"the {name} header is the load generator's own")
    return name, value


def parse_target(url: str) -> Target:
    """Split an ``http://`` URL; raise TargetError unless its host is a loopback IP.

    Host names are refused too, even ``localhost``: resolving them could lead
    anywhere, and a load test must never leave this machine.
    """
    parts = urlsplit(url)
    if parts.scheme != "http":
        raise TargetError(f"only http:// URLs can be loaded, not {url!r}")
    host = parts.hostname or ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise TargetError(
            f"refusing target host {host!r}: only loopback addresses such as 127.0.0.1 "
            "may be loaded"
        ) from None
    if not address.is_loopback:
        raise TargetError(
            f"refusing target host {host!r}: it is not a loopback address; only "
            "127.0.0.1 (or another loopback address) may be loaded"
        )
    try:
        port = parts.port or 80
    except ValueError as error:
        raise TargetError(f"bad port in {url!r}: {error}") from None
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(url=url, host=host, port=port, path=path)


@dataclass(frozen=True)
class Response:
    """What was learnt from one response: its status, body size and reusability."""

    status: int
    body_bytes: int
    keep_alive: bool


async def read_headers(reader: asyncio.StreamReader) -> dict[str, str]:
    """Read header lines up to the blank line; names lower-cased, repeats comma-joined.

    Raises ProtocolError on a malformed line or on more than MAX_HEADERS lines
    or MAX_HEADER_BYTES bytes, so a broken server cannot make it read forever.
    """
    headers: dict[str, str] = {}
    total = 0
    for _ in range(MAX_HEADERS + 1):
        line = await reader.readuntil(b"\r\n")
        total += len(line)
        if total > MAX_HEADER_BYTES:
            raise ProtocolError("header section too large")
        if line == b"\r\n":
            return headers
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon or not name or name != name.strip():
            raise ProtocolError(f"malformed header line {line[:80]!r}")
        key = name.lower()
        text = value.strip()
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    raise ProtocolError("too many header lines")


async def discard(reader: asyncio.StreamReader, count: int) -> None:
    """Read and drop exactly ``count`` bytes; IncompleteReadError if the peer closes first."""
    remaining = count
    while remaining > 0:
        chunk = await reader.readexactly(min(remaining, READ_CHUNK))
        remaining -= len(chunk)


async def read_chunked(reader: asyncio.StreamReader) -> int:
    """Read a chunked body and its trailers; return the decoded body size."""
    total = 0
    while True:
        line = await reader.readuntil(b"\r\n")
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ProtocolError(f"bad chunk size {line[:40]!r}") from None
        if size < 0:
            raise ProtocolError("negative chunk size")
        if size == 0:
            await read_headers(reader)  # trailers, if any, end with a blank line
            return total
        await discard(reader, size)
        if await reader.readexactly(2) != b"\r\n":
            raise ProtocolError("chunk not followed by CRLF")
        total += size


async def read_until_eof(reader: asyncio.StreamReader) -> int:
    """Read a close-delimited body; return its size."""
    total = 0
    while chunk := await reader.read(READ_CHUNK):
        total += len(chunk)
    return total


def content_length(headers: dict[str, str]) -> int | None:
    """The Content-Length, or None when absent; ProtocolError when conflicting or invalid."""
    raw = headers.get("content-length")
    if raw is None:
        return None
    values = {value.strip() for value in raw.split(",")}
    if len(values) != 1:
        raise ProtocolError(f"conflicting Content-Length {raw!r}")
    value = values.pop()
    if not value.isdigit():
        raise ProtocolError(f"invalid Content-Length {raw!r}")
    return int(value)


async def read_response(reader: asyncio.StreamReader) -> Response:
    """Read one complete response to a GET, interim 1xx responses skipped.

    The body is framed as RFC 9112 says: none for 204 and 304, chunked when
    the last transfer coding is chunked, else Content-Length, else up to the
    end of the connection (which then cannot be reused).
    """
    while True:
        line = await reader.readuntil(b"\r\n")
        parts = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
        if len(parts) < 2 or parts[0] not in {"HTTP/1.1", "HTTP/1.0"}:
            raise ProtocolError(f"bad status line {line[:80]!r}")
        version = parts[0]
        if not (len(parts[1]) == 3 and parts[1].isdigit()):
            raise ProtocolError(f"bad status code in {line[:80]!r}")
        status = int(parts[1])
        headers = await read_headers(reader)
        if status == 101:
            raise ProtocolError("unexpected protocol switch")
        if status >= 200:
            break
    tokens = {token.strip().lower() for token in headers.get("connection", "").split(",")}
    # HTTP/1.1 keeps the connection unless told to close; 1.0 closes unless told to keep.
    keep_alive = "close" not in tokens if version == "HTTP/1.1" else "keep-alive" in tokens
    codings = [c.strip().lower() for c in headers.get("transfer-encoding", "").split(",")]
    if status in {204, 304}:
        size = 0
    elif codings[-1] == "chunked":
        size = await read_chunked(reader)
    elif any(codings):
        # Any other final coding is delimited by closing the connection.
        size = await read_until_eof(reader)
        keep_alive = False
    elif (length := content_length(headers)) is not None:
        await discard(reader, length)
        size = length
    else:
        size = await read_until_eof(reader)
        keep_alive = False
    return Response(status=status, body_bytes=size, keep_alive=keep_alive)


class Client:
    """One connection's worth of sequential requests to a Target."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.request = target.request_bytes()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.connections = 0
        self.used = False

    async def fetch(self) -> Response:
        """Send one GET and read its whole response.

        A kept-alive connection that the server closed while idle is retried
        once on a fresh connection, as browsers do; any other failure raises.
        """
        reused = self.writer is not None and self.used
        try:
            return await self._fetch_once()
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            nothing_read = not isinstance(error, asyncio.IncompleteReadError) or not error.partial
            if not (reused and nothing_read):
                raise
            await self.close()
            return await self._fetch_once()

    async def _fetch_once(self) -> Response:
        """One request on the open connection, or a new one; closed after unless kept alive."""
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                self.target.host, self.target.port, limit=MAX_HEADER_BYTES
            )
            self.connections += 1
            self.used = False
        self.writer.write(self.request)
        await self.writer.drain()
        response = await read_response(self.reader)
        self.used = True
        if not response.keep_alive:
            await self.close()
        return response

    async def close(self) -> None:
        """Close the connection, if open; never raises."""
        writer, self.reader, self.writer = self.writer, None, None
        if writer is None:
            return
        writer.close()
        with contextlib.suppress(OSError, TimeoutError):
            await asyncio.wait_for(writer.wait_closed(), timeout=1)


@dataclass
class Tally:
    """Counts and latencies of one phase."""

    requests: int = 0
    ok: int = 0
    errors: int = 0
    non_2xx: int = 0
    body_bytes: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    def record(self, response: Response, seconds: float) -> None:
        """Count a response: a 200 is a success timed in ``latencies``; anything else an error."""
        self.requests += 1
        if response.status == 200:
            self.ok += 1
            self.body_bytes += response.body_bytes
            self.latencies.append(seconds)
            return
        self.errors += 1
        if not 200 <= response.status < 300:
            self.non_2xx += 1
        self.error_kinds[f"status {response.status}"] += 1

    def fail(self, kind: str) -> None:
        """Count a request that got no complete response."""
        self.requests += 1
        self.errors += 1
        self.error_kinds[kind] += 1


@dataclass
class Limits:
    """What stops a phase: a deadline, an optional request budget, an error ceiling."""

    deadline: float
    budget: int | None
    max_errors: int
    timeout: float


async def drive(client: Client, tally: Tally, limits: Limits) -> None:
    """Send requests back to back until the deadline, budget or error ceiling is reached.

    Every request is bounded by ``limits.timeout``, so the loop ends at most
    one timeout after the deadline.
    """
    loop = asyncio.get_running_loop()
    while loop.time() < limits.deadline and tally.errors < limits.max_errors:
        if limits.budget is not None:
            if limits.budget <= 0:
                return
            limits.budget -= 1
        started = time.perf_counter()
        try:
            response = await asyncio.wait_for(client.fetch(), timeout=limits.timeout)
        except TimeoutError:
            tally.fail("timeout")
            await client.close()
            continue
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as error:
            tally.fail(type(error).__name__)
            await client.close()
            continue
        except ProtocolError as error:
            tally.fail(f"protocol: {error}")
            await client.close()
            continue
        tally.record(response, time.perf_counter() - started)


def percentile(sorted_values: list[float], percent: float) -> float:
    """The nearest-rank percentile of a non-empty ascending list."""
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def cpu_jiffies() -> tuple[int, int] | None:
    """The machine's (busy, total) CPU time so far from /proc/stat; None where unreadable."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = handle.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    # user nice system idle iowait irq softirq steal; guest time is inside user.
    values = [int(value) for value in fields[1:9]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass(frozen=True)
class Usage:
    """CPU use over a measured phase: this process's, and the machine's."""

    client_cpu_s: float
    machine_busy: float | None

    @classmethod
    def between(cls, cpu_before: float, jiffies_before: tuple[int, int] | None) -> Usage:
        """The use since ``cpu_before`` (``time.process_time``) and ``jiffies_before``."""
        client = time.process_time() - cpu_before
        after = cpu_jiffies()
        busy = None
        if jiffies_before is not None and after is not None and after[1] > jiffies_before[1]:
            busy = (after[0] - jiffies_before[0]) / (after[1] - jiffies_before[1])
        return cls(client_cpu_s=client, machine_busy=busy)


def summarise(tally: Tally, elapsed: float, usage: Usage | None = None) -> dict[str, object]:
    """The figures of a measured phase; latencies in milliseconds, None when nothing succeeded.

    ``requests_per_second`` counts successful (200) responses only.
    ``client_cpu_fraction`` is this process's CPU time over the phase's wall
    time (1.0 is one core); ``machine_cpu_busy_fraction`` is the share of all
    the machine's CPUs that were busy, with anything, meanwhile.
    """
    latencies = sorted(tally.latencies)

    def ms(value: float | None) -> float | None:
        """Seconds as milliseconds to the microsecond; None stays None."""
        return None if value is None else round(value * 1000, 3)

    return {
        "requests": tally.requests,
        "ok": tally.ok,
        "errors": tally.errors,
        "non_2xx": tally.non_2xx,
        "error_kinds": dict(sorted(tally.error_kinds.items())),
        "duration_s": round(elapsed, 3),
        "requests_per_second": round(tally.ok / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": ms(percentile(latencies, 50)) if latencies else None,
        "p90_ms": ms(percentile(latencies, 90)) if latencies else None,
        "p99_ms": ms(percentile(latencies, 99)) if latencies else None,
        "max_ms": ms(latencies[-1]) if latencies else None,
        "mean_ms": ms(sum(latencies) / len(latencies)) if latencies else None,
        "mean_response_bytes": round(tally.body_bytes / tally.ok) if tally.ok else None,
        "client_cpu_s": round(usage.client_cpu_s, 3) if usage else None,
        "client_cpu_fraction": (
            round(usage.client_cpu_s / elapsed, 3) if usage and elapsed > 0 else None
        ),
        "machine_cpu_busy_fraction": (
            round(usage.machine_busy, 3) if usage and usage.machine_busy is not None else None
        ),
    }


async def run_phase(
    clients: list[Client], seconds: float, budget: int | None, args: argparse.Namespace
) -> tuple[Tally, float, Usage]:
    """Drive every client for one phase; return its tally, wall-clock length and CPU use."""
    loop = asyncio.get_running_loop()
    tally = Tally()
    limits = Limits(
        deadline=loop.time() + seconds,
        budget=budget,
        max_errors=args.max_errors,
        timeout=args.timeout,
    )
    jiffies = cpu_jiffies()
    cpu = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(drive(client, tally, limits) for client in clients))
    elapsed = time.perf_counter() - started
    return tally, elapsed, Usage.between(cpu, jiffies)


async def load(target: Target, args: argparse.Namespace) -> dict[str, object]:
    """Warm up, measure, close every connection; return the measured figures."""
    clients = [Client(target) for _ in range(args.concurrency)]
    try:
        warmup_tally = None
        if args.warmup > 0:
            warmup_tally, _, _ = await run_phase(clients, args.warmup, None, args)
        tally, elapsed, usage = await run_phase(clients, args.duration, args.requests, args)
    finally:
        await asyncio.gather(*(client.close() for client in clients))
    figures = summarise(tally, elapsed, usage)
    figures.update(
        {
            "url": target.url,
            "request_headers": [f"{name}: {value}" for name, value in target.headers],
            "concurrency": args.concurrency,
            "warmup_s": args.warmup,
            "warmup_requests": warmup_tally.requests if warmup_tally else 0,
            "warmup_errors": warmup_tally.errors if warmup_tally else 0,
            "connections": sum(client.connections for client in clients),
            "stopped_by_errors": tally.errors >= args.max_errors,
        }
    )
    return figures


def positive_float(text: str) -> float:
    """argparse type: a finite number greater than zero."""
    value = float(text)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text!r}")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line, validated; exits with status 2 on a bad value."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.loadgen", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT/path")
    parser.add_argument("--concurrency", type=int, default=8, help="connections (default 8)")
    parser.add_argument(
        "--duration", type=positive_float, default=10.0, help="measured seconds (default 10)"
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="discarded seconds first (default 2)"
    )
    parser.add_argument(
        "--requests", type=int, default=None, help="stop the measured phase after N requests"
    )
    parser.add_argument(
        "--timeout", type=positive_float, default=10.0, help="per-request limit in seconds"
    )
    parser.add_argument(
        "--max-errors", type=int, default=1000, help="stop a phase after this many errors"
    )
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="add a request header, e.g. 'Accept-Encoding: gzip' (repeatable)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 1024:
        parser.error("--concurrency must be between 1 and 1024")
    if not (math.isfinite(args.warmup) and 0 <= args.warmup <= 600):
        parser.error("--warmup must be between 0 and 600 seconds")
    if args.duration > 3600:
        parser.error("--duration must be at most 3600 seconds")
    if args.requests is not None and args.requests < 1:
        parser.error("--requests must be at least 1")
    if args.max_errors < 1:
        parser.error("--max-errors must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run one load test and print its figures as JSON; 0 on success, 1 or 2 on failure."""
    args = parse_args(argv)
    try:
        target = parse_target(args.url)
        target = replace(target, headers=tuple(parse_header(text) for text in args.header))
    except TargetError as error:
        print(f"loadgen: {error}", file=sys.stderr)
        return 2
    # Each phase ends within one request timeout of its deadline; the margin
    # covers connection teardown, so this bound is never the normal way out.
    limit = args.warmup + args.duration + 2 * args.timeout + 10
    try:
        figures = asyncio.run(asyncio.wait_for(load(target, args), timeout=limit))
    except TimeoutError:
        print(f"loadgen: gave up after {limit:.0f} s", file=sys.stderr)
        return 1
    json.dump(figures, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

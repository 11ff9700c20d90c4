"""`make bench`: run every benchmark and record the figures beside their floor.

    python -m bench.run [--only NAME] [--quick] [--list]
        [--concurrency C] [--duration S] [--warmup W] [--workers N] [--output STEM]

A benchmark is a module ``bench/bench_NAME.py`` with a function
``run(ctx: bench.harness.Context) -> list[dict]``. Each dict it returns has a
``name`` (``NAME`` or ``NAME.something``), ``parameters`` and ``figures``,
and normally ``floor`` (ask ``ctx.floor(...)``; when it is missing, the floor
for the parameters' ``workers`` and ``concurrency`` is filled in). Adding a
benchmark is adding one such file.

Results go to ``bench/results/STEM.json`` and ``STEM.md``; STEM is
``latest``, or ``quick`` for ``--quick`` so that a smoke run never replaces
the figures worth committing. Both files hold one entry per (result name,
database vendor): a run replaces only the entries of the benchmarks it ran on
the database it ran on, so a PostgreSQL run keeps the SQLite figures and
vice versa.

DATABASE_URL, when set, is passed to Habeas. A PostgreSQL database it names
that does not exist is created for the run and dropped afterwards; one that
exists is used as it is (the demo loader only adds what is missing), so point
it at a database kept for benchmarking.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import json
import os
import pkgutil
import platform
import signal
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from bench.harness import (
    REPO_ROOT,
    BenchError,
    Context,
    Settings,
    database_vendor,
    log,
    now,
    postgres_database,
)

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
PREFIX = "bench_"

FULL = {"concurrency": 8, "duration": 10.0, "warmup": 2.0}
QUICK = {"concurrency": 8, "duration": 2.0, "warmup": 1.0}


def available() -> list[str]:
    """The names of the benchmark modules in bench/, sorted, without the prefix."""
    return sorted(
        info.name.removeprefix(PREFIX)
        for info in pkgutil.iter_modules([str(BENCH_DIR)])
        if info.name.startswith(PREFIX)
    )


def load_benchmark(name: str) -> Callable[[Context], list[dict[str, Any]]]:
    """Import ``bench.bench_NAME`` and return its ``run``; BenchError if it has none."""
    module: ModuleType = importlib.import_module(f"bench.{PREFIX}{name}")
    run = getattr(module, "run", None)
    if not callable(run):
        raise BenchError(f"bench/{PREFIX}{name}.py defines no run(ctx) function")
    return run  # type: ignore[no-any-return]


def read_text(path: str) -> str:
    """A file's text, or an empty string when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def machine(database: str) -> dict[str, Any]:
    """What the figures were measured on: CPU, CPUs usable, memory, Python, database."""
    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in read_text("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    memory_mib = None
    for line in read_text("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            memory_mib = int(line.split()[1]) // 1024
    return {
        "cpu_model": cpu_model,
        "nproc": len(os.sched_getaffinity(0)),
        "memory_total_mib": memory_mib,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
        "database": database,
    }


def software() -> dict[str, str]:
    """Versions of the server-side packages, read without importing them."""
    versions = {}
    for package in ("Django", "gunicorn", "psycopg"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[package.lower()] = importlib.metadata.version(package)
    return versions


def commit() -> str | None:
    """The checked-out commit, ``-dirty`` when tracked files outside bench/results changed."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}-dirty" if status else head


def benchmark_of(name: str) -> str:
    """The benchmark module a result name belongs to: ``http`` for ``http.home``."""
    return name.split(".", 1)[0]


def complete(
    module: str, result: dict[str, Any], ctx: Context, meta: dict[str, Any]
) -> dict[str, Any]:
    """A result with its floor and metadata; BenchError if it lacks what the files need."""
    name = result.get("name")
    if not isinstance(name, str) or benchmark_of(name) != module:
        raise BenchError(f"bench_{module}: result name {name!r} must be {module!r}[.something]")
    for key in ("parameters", "figures"):
        if not isinstance(result.get(key), dict):
            raise BenchError(f"{name}: {key!r} must be a dict")
    parameters = result["parameters"]
    floor = result.get("floor")
    if floor is None:
        floor = ctx.floor(
            workers=int(parameters.get("workers", ctx.settings.workers)),
            concurrency=int(parameters.get("concurrency", ctx.settings.concurrency)),
        )
    return {
        "name": name,
        "parameters": parameters,
        "figures": result["figures"],
        "floor": floor,
        "measured_at": result.get("measured_at") or now(),
        **meta,
    }


def merge(
    existing: list[dict[str, Any]], new: list[dict[str, Any]], ran: set[str], database: str
) -> list[dict[str, Any]]:
    """Existing results minus those of the benchmarks run on this database, plus the new ones.

    Sorted by (name, database), so the files change only where figures did.
    """

    def replaced(entry: dict[str, Any]) -> bool:
        same_database = entry.get("machine", {}).get("database") == database
        return same_database and benchmark_of(str(entry.get("name"))) in ran

    kept = [entry for entry in existing if not replaced(entry)]
    return sorted(
        kept + new,
        key=lambda entry: (str(entry.get("name")), str(entry.get("machine", {}).get("database"))),
    )


def read_results(path: Path) -> list[dict[str, Any]]:
    """The results list stored at ``path``; empty if absent, and BenchError if unreadable."""
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise BenchError(f"cannot read {path}: {error}; move it aside and run again") from None
    if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
        raise BenchError(f"{path} is not a list of results; move it aside and run again")
    return data


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step, so a crash never leaves half a file."""
    # *.tmp under bench/results is ignored by git.
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def number(value: Any, digits: int) -> str:
    """A figure for the table; a dash when missing."""
    if not isinstance(value, int | float):
        return "-"
    return f"{value:,.{digits}f}"


def parameters_text(parameters: dict[str, Any]) -> str:
    """Parameters as ``key=value`` pairs for a table cell, path first."""
    items = sorted(parameters.items(), key=lambda item: (item[0] != "path", item[0]))
    return ", ".join(f"{key}={value}" for key, value in items).replace("|", "\\|")


def machine_line(info: dict[str, Any]) -> str:
    """One line naming a machine, without its database."""
    memory = info.get("memory_total_mib")
    memory_text = f"{memory / 1024:.1f} GiB RAM" if isinstance(memory, int) else "RAM unknown"
    return (
        f"{info.get('cpu_model', 'unknown CPU')}, {info.get('nproc', '?')} CPUs (nproc), "
        f"{memory_text}, {info.get('system', '')}, Python {info.get('python', '?')}"
    )


def markdown(results: list[dict[str, Any]]) -> str:
    """The results as a Markdown table, with the machines they were measured on."""
    lines = ["# Habeas benchmarks", ""]
    machines = sorted({machine_line(entry.get("machine", {})) for entry in results})
    for line in machines:
        lines.append(f"Machine: {line}")
    lines += [
        "",
        "Generated by `make bench` (bench/run.py) from the JSON file beside this one. "
        "Latencies in milliseconds; req/s counts successful responses only (200; 303 for "
        "the sign form). The floor is a trivial WSGI app under the same gunicorn, loaded "
        "the same way, in the same run (for letters_flood.sign, a bare Django view "
        "inserting one row; for the public_pages pages, the site's stylesheet served "
        "by the same Habeas, every request asking for gzip).",
        "",
        "| Benchmark | Database | Parameters | req/s | p50 | p99 | Errors "
        "| Floor req/s | Floor p50 | Floor p99 | req/s ÷ floor | Measured (UTC) |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    loaded = [entry for entry in results if "requests_per_second" in entry.get("figures", {})]
    unloaded = [entry for entry in results if entry not in loaded]
    for entry in loaded:
        figures = entry.get("figures", {})
        floor = entry.get("floor", {})
        rps, floor_rps = figures.get("requests_per_second"), floor.get("requests_per_second")
        ratio = (
            f"{rps / floor_rps:.3f}"
            if isinstance(rps, int | float) and isinstance(floor_rps, int | float) and floor_rps
            else "-"
        )
        cells = [
            str(entry.get("name")),
            str(entry.get("machine", {}).get("database")),
            parameters_text(entry.get("parameters", {})),
            number(rps, 1),
            number(figures.get("p50_ms"), 2),
            number(figures.get("p99_ms"), 2),
            number(figures.get("errors"), 0),
            number(floor_rps, 1),
            number(floor.get("p50_ms"), 2),
            number(floor.get("p99_ms"), 2),
            ratio,
            str(entry.get("measured_at", "")).replace("+00:00", "Z"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if unloaded:
        # Results that time a command rather than load a page (imports,
        # exports): their figures as they are, times in seconds, memory in MiB.
        lines += [
            "",
            "Results without an HTTP load, figures as measured (times in seconds, memory in MiB):",
            "",
            "| Benchmark | Database | Parameters | Figures | Measured (UTC) |",
            "|---|---|---|---|---|",
        ]
        for entry in unloaded:
            cells = [
                str(entry.get("name")),
                str(entry.get("machine", {}).get("database")),
                parameters_text(entry.get("parameters", {})),
                parameters_text(entry.get("figures", {})),
                str(entry.get("measured_at", "")).replace("+00:00", "Z"),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_results(stem: str, new: list[dict[str, Any]], ran: set[str], database: str) -> Path:
    """Merge ``new`` into STEM.json and rewrite STEM.md from it; the JSON file's path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    json_path = RESULTS_DIR / f"{stem}.json"
    merged = merge(read_results(json_path), new, ran, database)
    write_atomically(json_path, json.dumps(merged, indent=2, sort_keys=True) + "\n")
    write_atomically(RESULTS_DIR / f"{stem}.md", markdown(merged))
    return json_path


@contextlib.contextmanager
def database_for_run(url: str) -> Iterator[None]:
    """Create a missing PostgreSQL database for the run (dropped after); else nothing."""
    if urlsplit(url).scheme in {"postgres", "postgresql"}:
        with postgres_database(url):
            yield
    else:
        yield


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line; exits with status 2 on a bad value."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description="Run the Habeas benchmarks."
    )
    parser.add_argument("--only", metavar="NAME", help="run one benchmark, e.g. http")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--concurrency", type=int, help="connections per load (default 8)")
    parser.add_argument("--duration", type=float, help="measured seconds per load")
    parser.add_argument("--warmup", type=float, help="discarded seconds before each load")
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default WEB_CONCURRENCY, else 2)"
    )
    parser.add_argument(
        "--output", metavar="STEM", help="results file stem (default latest; quick if --quick)"
    )
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.workers is None:
        args.workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
    if not 1 <= args.concurrency <= 1024:
        parser.error("--concurrency must be between 1 and 1024")
    if not 0 < args.duration <= 3600 or not 0 <= args.warmup <= 600:
        parser.error("--duration must be in (0, 3600] and --warmup in [0, 600]")
    if not 1 <= args.workers <= 64:
        parser.error("--workers must be between 1 and 64")
    if args.output is None:
        args.output = "quick" if args.quick else "latest"
    if not args.output.replace("-", "").replace("_", "").isalnum():
        parser.error("--output must be a plain file stem, e.g. latest")
    return args


def stop_on_signal(signum: int, frame: object) -> None:
    """Turn a termination signal into SystemExit, so cleanup code runs."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks and write the results; 0 when every one succeeded."""
    args = parse_args(argv)
    # Unwind on SIGTERM as on Ctrl-C, so the servers started are stopped too.
    signal.signal(signal.SIGTERM, stop_on_signal)
    names = available()
    if args.list:
        print("\n".join(names))
        return 0
    if args.only:
        wanted = args.only.removeprefix(PREFIX).removesuffix(".py")
        if wanted not in names:
            log(f"no benchmark {args.only!r}; there are: {', '.join(names)}")
            return 2
        names = [wanted]
    settings = Settings(
        concurrency=args.concurrency,
        duration=args.duration,
        warmup=args.warmup,
        workers=args.workers,
        quick=args.quick,
    )
    database_url = os.environ.get("DATABASE_URL", "")
    database = database_vendor(database_url)
    meta = {
        "machine": machine(database),
        "software": software(),
        "commit": commit(),
        # A shared machine's other work skews figures; this shows how busy it was.
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
    }
    results: list[dict[str, Any]] = []
    ran: set[str] = set()
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="habeas-bench-run-") as workdir:
        ctx = Context(settings=settings, database_url=database_url, workdir=Path(workdir))
        try:
            with database_for_run(database_url):
                for name in names:
                    log(f"running {name} on {database}")
                    try:
                        produced = load_benchmark(name)(ctx)
                        completed = [complete(name, result, ctx, meta) for result in produced]
                    except Exception as error:  # one broken benchmark must not lose the others
                        failed.append(name)
                        log(f"{name} failed: {error}")
                        if not isinstance(error, BenchError):
                            traceback.print_exc()
                        continue
                    results.extend(completed)
                    ran.add(name)
        except BenchError as error:
            log(str(error))
            return 1
    if results:
        path = write_results(args.output, results, ran, database)
        log(f"wrote {path} and {path.with_suffix('.md')}")
        print(markdown(results), end="")
    for result in results:
        if result["figures"].get("errors") or result["floor"].get("errors"):
            log(f"{result['name']}: errors during the load; its figures are suspect")
    if failed:
        log(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What benchmarks share: settings, servers, the load generator, the floor.

A benchmark module receives a :class:`Context` and uses it to start servers
(:meth:`Context.habeas` for Habeas as ``make run`` serves it) and to load them
(:meth:`Context.load`). Nothing here imports Django: Habeas runs only in the
subprocesses this module starts.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

# The floor is served with the gunicorn options `habeas serve` passes, so the
# two differ only in the application. Importing the command module loads no
# settings and starts nothing.
from habeas.core.management.commands.serve import GUNICORN_OPTIONS

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent
HOST = "127.0.0.1"
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0
SETUP_TIMEOUT_S = 600.0


class BenchError(RuntimeError):
    """A benchmark could not be set up or measured; the message says why."""


def now() -> str:
    """The current UTC time in ISO 8601, to the second."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def log(message: str) -> None:
    """Print a progress line to stderr, at once."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Settings:
    """The knobs every benchmark shares, fixed for one run."""

    concurrency: int
    duration: float
    warmup: float
    workers: int
    quick: bool


def database_vendor(url: str) -> str:
    """Django's vendor name for a DATABASE_URL; an empty URL is Habeas's SQLite default."""
    if not url:
        return "sqlite"
    scheme = urlsplit(url).scheme.split("+", 1)[0].lower()
    vendors = {
        "sqlite": "sqlite",
        "postgres": "postgresql",
        "postgresql": "postgresql",
        "pgsql": "postgresql",
        "postgis": "postgresql",
        "mysql": "mysql",
        "oracle": "oracle",
    }
    return vendors.get(scheme, scheme or "unknown")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, or an empty string if it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def get_status(port: int, path: str, timeout: float = 2.0) -> tuple[int, bytes]:
    """One GET to 127.0.0.1:port; the status and body. Raises OSError if unreachable."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server and everything in its process group; returns once the leader has exited.

    SIGTERM first, so gunicorn shuts down as in production; SIGKILL to the
    whole group if the leader outlives STOP_TIMEOUT_S, and to any member left
    behind afterwards.
    """
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        log(f"process group {process.pid} ignored SIGTERM; killing it")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_S)
    # A worker that outlived its master would hold the port and skew the
    # next measurement.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def serving(
    argv: list[str], *, port: int, env: dict[str, str], log_path: Path, ready_path: str
) -> Iterator[str]:
    """Run a server in its own process group until the block ends; yield its base URL.

    Ready means ``GET ready_path`` answered 200 within READY_TIMEOUT_S; if it
    does not, or the server exits first, BenchError carries the log's tail.
    The server is stopped however the block ends.
    """
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            argv,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise BenchError(
                    f"{argv[0]} exited with status {process.returncode} before answering; "
                    f"its log ends:\n{tail(log_path)}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                if get_status(port, ready_path)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise BenchError(
                    f"{HOST}:{port}{ready_path} did not answer 200 within "
                    f"{READY_TIMEOUT_S:.0f} s; the log ends:\n{tail(log_path)}"
                )
            time.sleep(0.1)  # bounded polling: the deadline above ends it
        yield f"http://{HOST}:{port}"
    finally:
        stop(process)


def run_command(argv: list[str], *, env: dict[str, str], log_path: Path) -> None:
    """Run a setup command to completion; BenchError with the log's tail if it fails."""
    with log_path.open("ab") as log_file:
        log_file.write(f"$ {' '.join(argv)}\n".encode())
        log_file.flush()
        try:
            result = subprocess.run(
                argv,
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                timeout=SETUP_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BenchError(f"{' '.join(argv)} took over {SETUP_TIMEOUT_S:.0f} s") from None
    if result.returncode != 0:
        raise BenchError(
            f"{' '.join(argv)} failed with status {result.returncode}; "
            f"the log ends:\n{tail(log_path)}"
        )


@dataclass
class Context:
    """One run's settings and the services benchmarks draw on."""

    settings: Settings
    database_url: str
    workdir: Path
    floors: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)

    @property
    def database(self) -> str:
        """The database vendor Habeas runs on in this run, e.g. ``sqlite``."""
        return database_vendor(self.database_url)

    def load(
        self, url: str, *, concurrency: int | None = None, headers: Sequence[str] = ()
    ) -> dict[str, Any]:
        """Load ``url`` with ``python -m bench.loadgen`` in a separate process; its figures.

        ``headers`` (``"Name: value"``) are sent with every request.
        Raises BenchError if the load generator fails or prints no figures.
        """
        settings = self.settings
        argv = [
            sys.executable,
            "-m",
            "bench.loadgen",
            "--url",
            url,
            "--concurrency",
            str(concurrency or settings.concurrency),
            "--duration",
            str(settings.duration),
            "--warmup",
            str(settings.warmup),
        ]
        for header in headers:
            argv += ["--header", header]
        # The load generator bounds itself; this only guards against a hang.
        limit = settings.warmup + settings.duration + 60
        try:
            result = subprocess.run(
                argv,
                cwd=REPO_ROOT,
                capture_output=True,
                text=True,
                timeout=limit,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BenchError(f"the load generator did not finish within {limit:.0f} s") from None
        if result.returncode != 0:
            raise BenchError(
                f"the load generator failed ({result.returncode}): {result.stderr.strip()}"
            )
        try:
            figures: dict[str, Any] = json.loads(result.stdout)
        except json.JSONDecodeError:
            raise BenchError(f"the load generator printed no JSON: {result.stdout!r}") from None
        # The URL carries this run's random port; the parameters say what was loaded.
        figures.pop("url", None)
        return figures

    def floor(self, *, workers: int, concurrency: int) -> dict[str, Any]:
        """The floor's figures for this worker count and concurrency, measured once per run.

        The floor is bench/floor_app.py under gunicorn with the options
        `habeas serve` uses, loaded exactly as the pages are.
        """
        key = (workers, concurrency)
        if key not in self.floors:
            log(f"floor: gunicorn, {workers} workers, concurrency {concurrency}")
            port = free_port()
            argv = [
                str(BIN_DIR / "gunicorn"),
                "bench.floor_app:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                *GUNICORN_OPTIONS,
            ]
            with serving(
                argv,
                port=port,
                env=dict(os.environ),
                log_path=self.workdir / f"floor-{port}.log",
                ready_path="/",
            ) as base_url:
                self.floors[key] = self.load(f"{base_url}/", concurrency=concurrency)
        return self.floors[key]

    def habeas_env(self, var_dir: Path) -> dict[str, str]:
        """The environment `make run` gives Habeas, with state kept under ``var_dir``.

        Production settings (HABEAS_DEBUG unset), plain HTTP on loopback, a
        fresh random secret key, and the worker count of this run.
        """
        env = dict(os.environ)
        for name in ("HABEAS_DEBUG", "HABEAS_MEDIA_ROOT", "HOST", "PORT"):
            env.pop(name, None)
        env.update(
            {
                "HABEAS_VAR_DIR": str(var_dir),
                "HABEAS_SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "HABEAS_HTTPS": "0",
                "WEB_CONCURRENCY": str(self.settings.workers),
            }
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        else:
            env.pop("DATABASE_URL", None)
        return env

    @contextlib.contextmanager
    def habeas(
        self,
        prepare: Callable[[dict[str, str]], None] | None = None,
        *,
        extra_env: dict[str, str] | None = None,
    ) -> Iterator[str]:
        """Habeas with the demo campaign, served as `make run` serves it; yield its base URL.

        A temporary HABEAS_VAR_DIR holds the SQLite file (unless DATABASE_URL
        names another database), static files and logs; it is removed when
        the block ends. The steps are those of scripts/run-local, then
        ``habeas serve --no-worker`` on a free port. ``prepare``, if given, is
        called with Habeas's environment after those steps and before the
        server starts: a benchmark seeds its own data there, in a subprocess
        it starts with that environment. ``extra_env`` is added to that
        environment (settings a benchmark needs, such as trusted proxies).
        """
        habeas = str(BIN_DIR / "habeas")
        with tempfile.TemporaryDirectory(prefix="habeas-bench-") as var:
            var_dir = Path(var)
            env = self.habeas_env(var_dir) | (extra_env or {})
            log_path = var_dir / "bench.log"
            log(f"habeas: setting up in {var_dir} ({self.database})")
            for step in (
                ["migrate", "--noinput", "--verbosity", "0"],
                ["createcachetable"],
                ["collectstatic", "--noinput", "--verbosity", "0"],
                ["demo"],
            ):
                run_command([habeas, *step], env=env, log_path=log_path)
            if prepare is not None:
                prepare(env)
            port = free_port()
            argv = [habeas, "serve", "--host", HOST, "--port", str(port), "--no-worker"]
            with serving(
                argv, port=port, env=env, log_path=log_path, ready_path="/healthz"
            ) as base_url:
                yield base_url


@contextlib.contextmanager
def postgres_database(url: str) -> Iterator[bool]:
    """Make sure the PostgreSQL database ``url`` names exists; yield whether it was created.

    A database this creates is dropped when the block ends; one that already
    existed is left as it was (the demo loader only adds what is missing).
    """
    import psycopg
    from psycopg import sql

    name = unquote(urlsplit(url).path.lstrip("/"))
    if not name:
        raise BenchError(f"DATABASE_URL names no database: {url!r}")
    try:
        with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                log(f"creating PostgreSQL database {name!r}")
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise BenchError(f"cannot prepare PostgreSQL database {name!r}: {error}") from None
    try:
        yield not exists
    finally:
        if not exists:
            log(f"dropping PostgreSQL database {name!r}")
            with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )

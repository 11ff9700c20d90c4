"""Every console step the README documents runs on a `make run` install as written.

`make run` (scripts/run-local) keeps its generated secret key under the install's
var directory; `habeas` at the console reads it there when HABEAS_SECRET_KEY is
unset, so the README's `habeas grant_site_admin USERNAME` and the other steps
need no variable exported. Production, which sets the key, is unchanged: without
a key and without the file, settings still refuse to start.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from habeas.cli import use_local_secret_key

ROOT = Path(__file__).resolve().parents[2]
HABEAS = str(Path(sys.executable).parent / "habeas")


def _console_env(var_dir: Path) -> dict[str, str]:
    """A shell on the install: nothing exported but where its state lives."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HABEAS_", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"))
        and k != "DJANGO_SETTINGS_MODULE"
    }
    env["HABEAS_VAR_DIR"] = str(var_dir)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def install(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make run`'s own script, run until it serves, then stopped: its var directory."""
    var_dir = tmp_path_factory.mktemp("make-run-var")
    port = _free_port()
    env = {**_console_env(var_dir), "PORT": str(port), "WEB_CONCURRENCY": "1"}
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "run-local")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        served = False
        for _ in range(1800):  # bounded: migrate, demo and start-up, at most about 3 minutes
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    served = True
                    break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)  # polling for start-up, not timing anything
        assert served, "make run did not start"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    return var_dir


def _habeas(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [HABEAS, *args],
        cwd=ROOT,
        env=_console_env(var_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "configuration error" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_make_run_keeps_its_secret_key_owner_only(install: Path) -> None:
    key_file = install / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 50


def test_grant_site_admin_runs_as_the_readme_writes_it(install: Path) -> None:
    """`habeas grant_site_admin USERNAME`, with no variable exported."""
    result = _habeas(install, "grant_site_admin", "coordinator")
    assert result.returncode == 0, result.stderr
    assert "is a site admin" in result.stdout
    missing = _habeas(install, "grant_site_admin", "nobody")
    assert missing.returncode != 0
    assert "No user is called 'nobody'" in missing.stderr


def test_the_demo_and_the_cache_steps_run_as_written(install: Path) -> None:
    """`habeas demo` (run again: nothing changed), `habeas cache clear`, `habeas
    createcachetable` (silent: `habeas migrate` made the tables), `habeas check`."""
    demo = _habeas(install, "demo")
    assert demo.returncode == 0, demo.stderr
    assert "Demo campaign already loaded; nothing changed." in demo.stdout
    assert "password" not in demo.stdout
    cache = _habeas(install, "cache", "clear")
    assert cache.returncode == 0, cache.stderr
    tables = _habeas(install, "createcachetable")
    assert (tables.returncode, tables.stdout, tables.stderr) == (0, "", "")
    check = _habeas(install, "check")
    assert check.returncode == 0, check.stderr


def test_import_and_export_run_as_written(install: Path) -> None:
    """`habeas import-cases FILE.csv --as DOCUMENTER --publish-as SECOND_DOCUMENTER`,
    `habeas export-register --format csv|json [--output FILE]`, `habeas import-recover`."""
    setup = (
        "from habeas.accounts.models import User\n"
        "from habeas.coalition.models import Campaign, Role\n"
        "from habeas.coalition.services import grant_create_at_console\n"
        "c = Campaign.objects.get(slug='free-political-prisoners-pakistan')\n"
        "for name in ('doc_a', 'doc_b'):\n"
        "    u, _ = User.objects.get_or_create(username=name)\n"
        "    grant_create_at_console(user=u, role=Role.DOCUMENTER, campaign=c)\n"
    )
    assert _habeas(install, "shell", "-c", setup).returncode == 0
    csv = install / "cases.csv"
    csv.write_text(
        "external_id,name,source_title,campaign\n"
        "console-1,Console Person,A report,free-political-prisoners-pakistan\n",
        encoding="utf-8",
    )
    imported = _habeas(install, "import-cases", str(csv), "--as", "doc_a", "--publish-as", "doc_b")
    assert imported.returncode == 0, imported.stderr
    exported = _habeas(install, "export-register", "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    assert "Console Person" in exported.stdout
    assert "Ehsan Ali" in exported.stdout
    out = install / "register.json"
    as_json = _habeas(install, "export-register", "--format", "json", "--output", str(out))
    assert as_json.returncode == 0, as_json.stderr
    assert "Console Person" in json.dumps(json.loads(out.read_text(encoding="utf-8")))
    recover = _habeas(install, "import-recover")
    assert recover.returncode == 0, recover.stderr


def test_the_clock_runs_once_as_written(install: Path) -> None:
    """`habeas clock --once` runs each periodic job once."""
    result = _habeas(install, "clock", "--once")
    assert result.returncode == 0, result.stderr


def test_a_given_secret_key_wins_over_the_kept_one(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("k" * 50)
    (tmp_path / "secret_key").chmod(0o600)
    environ = {"HABEAS_VAR_DIR": str(tmp_path), "HABEAS_SECRET_KEY": "given" * 10}
    assert not use_local_secret_key(environ)
    assert environ["HABEAS_SECRET_KEY"] == "given" * 10
    assert "ALLOWED_HOSTS" not in environ
    environ = {"HABEAS_VAR_DIR": str(tmp_path), "ALLOWED_HOSTS": "habeas.example.org"}
    assert use_local_secret_key(environ)
    assert environ == {
        "HABEAS_VAR_DIR": str(tmp_path),
        "HABEAS_SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "habeas.example.org",
    }
    environ = {"HABEAS_VAR_DIR": str(tmp_path)}
    assert use_local_secret_key(environ)
    assert environ["ALLOWED_HOSTS"] == "127.0.0.1,localhost,[::1]"


def test_without_a_key_or_its_file_production_still_refuses(tmp_path: Path) -> None:
    """No HABEAS_SECRET_KEY and no kept key (production as the README sets it up, had it
    forgotten the key): the one-line refusal, as before."""
    result = subprocess.run(
        [HABEAS, "check"],
        cwd=ROOT,
        env={**_console_env(tmp_path), "ALLOWED_HOSTS": "habeas.example.org"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "HABEAS_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    ("content", "mode"), [("k" * 50, 0o644), ("k" * 50, 0o640), ("\n", 0o600)]
)
def test_a_kept_key_others_can_read_or_an_empty_one_is_not_used(
    tmp_path: Path, content: str, mode: int
) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_text(content)
    key_file.chmod(mode)
    result = subprocess.run(
        [HABEAS, "check"],
        cwd=ROOT,
        env=_console_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "HABEAS_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
    if mode & 0o077:
        assert "is not used: others may read it" in result.stderr

"""An import is public whole or not at all, and never holds the database for long."""

from __future__ import annotations

import csv
import http.cookiejar
import io
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.test import Client, TestCase

from habeas.cases import importer, queries, search
from habeas.cases.models import DetentionSpan, ImportRun, ImportStaged, Person, PublicRecord
from habeas.coalition.models import Role
from tests.factories import PASSWORD, CampaignFactory, OrganisationFactory, UserFactory, grant

ROOT = Path(__file__).resolve().parents[2]
HEADER = [
    "external_id",
    "name",
    "campaign",
    "affiliation",
    "home_region",
    "arrested_on",
    "charges",
    "status",
    "source_title",
]
NEW_NAME = "Imprisoned Unionist"
KEPT = "Kept Name"
RENAMED = "Renamed Prisoner"


@dataclass
class Setting:
    campaign: Any
    organisation: Any
    users: dict[str, Any]


def _setting() -> Setting:
    campaign = CampaignFactory(slug="free-them")
    organisation = OrganisationFactory(slug="union", name="Workers Union")
    users = {name: UserFactory(username=name) for name in ("doc1", "doc2", "reader")}
    grant(users["doc1"], Role.DOCUMENTER, campaign=campaign)
    grant(users["doc2"], Role.DOCUMENTER, campaign=campaign)
    return Setting(campaign, organisation, users)


def _rows(count: int, *, start: int = 0) -> Iterator[list[str]]:
    """``count`` new persons, each in the campaign, half affiliated and charged."""
    for n in range(start, start + count):
        yield [
            f"n{n:06d}",
            f"{NEW_NAME} {n:06d}",
            "free-them",
            "union" if n % 2 else "",
            "Gilgit" if n % 3 else "Hunza",
            f"20{15 + n % 10}-0{1 + n % 9}",
            "PPC|124A|sedition" if n % 2 else "",
            "DETAINED",
            f"Report {n % 50}",
        ]


def _csv(path: Path, count: int, *, rename_kept: bool = True) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        if rename_kept:
            writer.writerow(
                ["k1", RENAMED, "free-them", "union", "Skardu", "2020", "", "ON_BAIL", "R"]
            )
        writer.writerows(_rows(count))
    return path


def _kept_person(tmp_path: Path) -> None:
    """A published person the import will rename (external id k1)."""
    path = tmp_path / "kept.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerow(["k1", KEPT, "free-them", "", "Skardu", "2020", "", "DETAINED", "R"])
    _import(path)


def _import_argv(path: Path) -> list[str]:
    """The command line of an import of ``path`` in its own process."""
    return [
        sys.executable,
        *("-m", "habeas.cli", "import-cases", str(path)),
        *("--as", "doc1", "--publish-as", "doc2"),
    ]


def _import(path: Path) -> str:
    out = io.StringIO()
    # The import's commits run their on-commit callbacks (the test's transaction never
    # commits): its flip renews the kept public pages, as in a real run.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command(
            "import-cases",
            str(path),
            "--as",
            "doc1",
            "--publish-as",
            "doc2",
            "--no-progress",
            stdout=out,
            stderr=io.StringIO(),
        )
    return out.getvalue()


def _public_view() -> dict[str, Any]:
    """What the public sees of the register: list, search, export, statistics, facets."""
    client = Client()
    register = client.get("/register/").content.decode()
    searched = client.get("/register/", {"q": "Unionist"}).content.decode()
    exported = client.get("/register/export.csv")
    export_text = b"".join(exported.streaming_content).decode()  # type: ignore[attr-defined]
    json_export = client.get("/register/export.json")
    json_text = b"".join(json_export.streaming_content).decode()  # type: ignore[attr-defined]
    statistics = client.get("/register/statistics/").content.decode()
    campaign = client.get("/campaigns/free-them/persons/").content.decode()
    stats = queries.register_statistics()
    facets = queries._count_facets()
    return {
        "pages": register + searched + statistics + campaign + export_text + json_text,
        "export_lines": len(export_text.strip().splitlines()),
        "total": stats.total.total,
        # Every public span is either counted today or on no day at all (the
        # kept person's arrest is known only to the year).
        "spans": stats.held_today.total + stats.not_placed,
        "by_organisation": stats.by_organisation,
        "facets": facets,
        "records": PublicRecord.objects.count(),
    }


def _assert_nothing_of_the_import_is_public() -> None:
    seen = _public_view()
    assert NEW_NAME not in seen["pages"]
    assert RENAMED not in seen["pages"]
    assert KEPT in seen["pages"]
    assert seen["export_lines"] == 2  # the header and the kept person
    assert seen["total"] == 1
    assert seen["records"] == 1
    assert seen["spans"] == 1
    assert seen["by_organisation"] == []
    assert [n for _slug, _name, n in seen["facets"]["campaign"]] == [1]  # the kept person
    assert seen["facets"]["organisation"] == []
    assert sum(n for _s, _l, n in seen["facets"]["status"]) == 1


@pytest.mark.django_db
def test_nothing_of_a_running_import_is_public_until_its_flip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written batches are hidden from every public read until one transaction shows them all."""
    _setting()
    _kept_person(tmp_path)
    monkeypatch.setattr(importer, "BATCH", 3)
    real_flip = importer._flip
    looked: list[bool] = []

    def flip(run: ImportRun) -> None:
        # Every batch is in: persons and their public records exist, marked.
        assert Person.objects.filter(import_run=run).count() == 10
        assert PublicRecord.all_objects.filter(import_run=run).count() == 10
        assert DetentionSpan.all_objects.filter(import_run=run).count() == 10
        assert ImportStaged.objects.filter(run=run).count() == 1
        _assert_nothing_of_the_import_is_public()
        looked.append(True)
        real_flip(run)

    monkeypatch.setattr(importer, "_flip", flip)
    _import(_csv(tmp_path / "file.csv", 10))
    assert looked == [True]
    seen = _public_view()
    assert seen["records"] == 11
    assert RENAMED in seen["pages"]
    assert KEPT not in seen["pages"]
    assert ImportRun.objects.get(rows=11).state == ImportRun.State.DONE
    assert not ImportStaged.objects.exists()


@pytest.mark.django_db
def test_others_may_add_persons_between_an_imports_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A documenter's new person between two batches keeps its key; the import goes on."""
    from habeas.cases import services
    from habeas.core.models import Source

    setting = _setting()
    monkeypatch.setattr(importer, "BATCH", 3)
    source = Source.objects.create(title="Court record")
    added: list[Person] = []

    def between() -> None:
        added.append(
            services.person_save(
                by=setting.users["doc2"],
                source=source,
                campaign=setting.campaign,
                name=f"Added By Hand {len(added)}",
            )
        )

    monkeypatch.setattr(importer, "pause_for_others", between)
    _import(_csv(tmp_path / "file.csv", 7, rename_kept=False))
    assert len(added) == 3
    for person in added:
        person.refresh_from_db()
        assert person.name.startswith("Added By Hand")
        assert person.import_run is None
    assert PublicRecord.objects.count() == 7
    assert Person.objects.count() == 10


@pytest.mark.django_db
def test_an_import_that_fails_before_its_flip_is_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error after some batches deletes what they wrote; nothing was ever public."""
    _setting()
    _kept_person(tmp_path)
    before = set(Person.objects.values_list("pk", flat=True))
    monkeypatch.setattr(importer, "BATCH", 3)

    def broken(run: ImportRun) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(importer, "_flip", broken)
    with pytest.raises(RuntimeError, match="the disk is full"):
        _import(_csv(tmp_path / "file.csv", 10))
    assert set(Person.objects.values_list("pk", flat=True)) == before
    assert PublicRecord.all_objects.count() == 1
    assert DetentionSpan.all_objects.count() == 1
    assert not ImportStaged.objects.exists()
    run = ImportRun.objects.get(rows=11)
    assert run.state == ImportRun.State.FAILED
    assert run.finished_at is not None
    _assert_nothing_of_the_import_is_public()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}")  # noqa: S608
            assert cursor.fetchone()[0] == 1


def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    probe = subprocess.Popen([sys.executable, "-c", ""])
    probe.wait(timeout=30)
    return probe.pid


@pytest.mark.django_db
def test_an_import_cut_after_its_flip_is_finished_by_recovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed while applying its changes is rolled forward by `habeas import-recover`."""
    _setting()
    _kept_person(tmp_path)
    monkeypatch.setattr(importer, "BATCH", 3)

    def killed(*args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(importer, "_finish", killed)
    with pytest.raises(KeyboardInterrupt):
        _import(_csv(tmp_path / "file.csv", 10))
    run = ImportRun.objects.get(rows=11)
    assert run.state == ImportRun.State.COMMITTING
    seen = _public_view()
    assert seen["records"] == 11  # the new persons, together
    assert KEPT in seen["pages"]  # the change to an existing one waits
    monkeypatch.undo()
    # A run of this very process is alive: recovery leaves it alone.
    out = io.StringIO()
    call_command("import-recover", stdout=out)
    assert out.getvalue() == "No import to settle.\n"
    ImportRun.objects.filter(pk=run.pk).update(pid=_dead_pid())
    out = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("import-recover", stdout=out)
    assert f"Import {run.pk} " in out.getvalue()
    assert "finished" in out.getvalue()
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE
    seen = _public_view()
    assert RENAMED in seen["pages"]
    assert KEPT not in seen["pages"]
    assert not ImportStaged.objects.exists()


@pytest.mark.django_db
def test_a_silent_run_of_another_machine_is_taken_for_dead(tmp_path: Path) -> None:
    """A RUNNING run whose process is elsewhere is undone once it has been silent for long."""
    import datetime

    from django.utils import timezone

    setting = _setting()
    run = ImportRun.objects.create(by=setting.users["doc1"], host="elsewhere", pid=1)
    assert importer.recover() == []
    ImportRun.objects.filter(pk=run.pk).update(
        beat_at=timezone.now() - datetime.timedelta(seconds=importer.RUN_STALE_SECONDS + 1)
    )
    assert [r.pk for r in importer.recover()] == [run.pk]
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED


def _subprocess_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a Habeas process on this test's own database."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings['NAME']}"
    else:
        user = quote(settings["USER"] or "", safe="")
        password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
        url = (
            f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "habeas.settings",
        "DATABASE_URL": url,
        "HABEAS_DEBUG": "1",
        "HABEAS_VAR_DIR": str(tmp_path),
        "HABEAS_SECRET_KEY": "s" * 50,
    }


class Lock:
    """This test holding the database against writers, from its own connection."""

    def __init__(self) -> None:
        settings = connection.settings_dict
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.sqlite = sqlite3.connect(settings["NAME"], timeout=60, isolation_level=None)
            self.sqlite.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            self.pg = psycopg.connect(
                host=settings["HOST"] or "127.0.0.1",
                port=settings["PORT"] or 5432,
                user=settings["USER"],
                password=settings["PASSWORD"] or None,
                dbname=settings["NAME"],
            )
            self.pg.execute("LOCK TABLE cases_person IN EXCLUSIVE MODE")

    def release(self) -> None:
        if self.vendor == "sqlite":
            self.sqlite.execute("ROLLBACK")
            self.sqlite.close()
        else:
            self.pg.rollback()
            self.pg.close()


def _read_until(stream: Any, pattern: bytes) -> bytes:
    """Read ``stream`` until ``pattern`` shows (the import's progress line)."""
    seen = b""
    while pattern not in seen:
        chunk = stream.read1(4096)
        if not chunk:
            break
        seen += chunk
    return seen


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_mid_way_leaves_nothing_public_and_recovery_cleans_up(
    tmp_path: Path,
) -> None:
    """`kill -9` of an import after some batches: nothing public; recovery deletes it."""
    _setting()
    _kept_person(tmp_path)
    path = _csv(tmp_path / "file.csv", 6000)
    importing = subprocess.Popen(
        _import_argv(path),
        cwd=ROOT,
        env=_subprocess_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert importing.stderr is not None
    lock: Lock | None = None
    try:
        progress = _read_until(importing.stderr, b"1,000/6,001")
        assert b"1,000/6,001" in progress, progress
        # The first batch is in; hold the database so the import cannot reach its flip.
        lock = Lock()
        importing.kill()
        importing.wait(timeout=60)
    finally:
        if importing.poll() is None:
            importing.kill()
            importing.wait(timeout=60)
        if lock is not None:
            lock.release()
    assert importing.returncode == -9
    run = ImportRun.objects.get(rows=6001)
    assert run.state == ImportRun.State.RUNNING
    written = Person.objects.filter(import_run=run).count()
    assert written >= 1000  # batches were written, and are hidden
    _assert_nothing_of_the_import_is_public()
    out = io.StringIO()
    call_command("import-recover", stdout=out)
    assert f"Import {run.pk} " in out.getvalue()
    assert "undone" in out.getvalue()
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED
    assert not Person.objects.filter(import_run=run).exists()
    assert Person.objects.count() == 1
    assert PublicRecord.all_objects.count() == 1
    assert not ImportStaged.objects.exists()
    _assert_nothing_of_the_import_is_public()
    # The same file imported again is public whole.
    assert "6001 rows imported and published: 6000 new, 1 updated." in _import(path)
    assert PublicRecord.objects.count() == 6001


# --- SQLite's write lock under a large import ------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Answer:
    path: str
    status: int
    seconds: float
    at: float


def _visit(opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None) -> Any:
    try:
        return opener.open(url, data=data, timeout=60)
    except urllib.error.HTTPError as error:
        return error


def _sign_in_and_read(base: str, answers: list[Answer], clock: Callable[[], float]) -> None:
    """One visitor: sign in, then read the register, search it and read its statistics.

    The size of the home and campaign pages is tests/core/test_bounded_pages.py's.
    """
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def timed(path: str, data: bytes | None = None) -> str:
        started = clock()
        with _visit(opener, base + path, data) as response:
            body: str = response.read().decode()
            answers.append(Answer(path, response.status, clock() - started, started))
        return body

    page = timed("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": "reader", "password": PASSWORD}
    ).encode()
    signed_in = timed("/accounts/login/", form)
    assert "sessionid" in {cookie.name for cookie in jar}, signed_in[:500]
    timed("/register/")
    timed("/register/?q=000123")  # one record, once public
    timed("/register/statistics/")


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite only: this is about SQLite's single write lock; PostgreSQL readers "
    "and writers of other rows never wait for an import.",
)
@pytest.mark.alone
@pytest.mark.django_db(transaction=True)
def test_a_200000_row_import_never_stops_others_signing_in_and_reading(
    tmp_path: Path,
) -> None:
    """While 200,000 rows are imported into SQLite, visitors sign in and read: no 5xx, no wait.

    A real gunicorn serves the same SQLite file as the import, a separate
    process. Every request is answered; signing in, which writes and so
    waits for SQLite's lock, within 5 s (each transaction of the import
    holds the lock for one batch; before, sign-in failed with 500 after
    20 s). Reads never wait for the lock in WAL mode; they are bounded at
    10 s because the first pages after the flip count 200,000 newly public
    records (facets, statistics), which takes about 5 s on a loaded
    two-core machine: a cost of the register's size, not of the lock.
    Runs only on SQLite (skipped on PostgreSQL, where readers and other
    writers never wait for an import's rows).
    """
    assert connection.vendor == "sqlite"
    reader = _setting().users["reader"]
    # A hash the server's own settings read (the suite's settings use MD5).
    reader.password = PBKDF2PasswordHasher().encode(PASSWORD, "readersalt", iterations=1000)
    reader.save(update_fields=["password"])
    rows = 200_000
    path = _csv(tmp_path / "large.csv", rows, rename_kept=False)
    env = _subprocess_env(tmp_path)
    port = _free_port()
    # gunicorn's log goes to a file: an unread pipe fills up after 64 KB of
    # sign-in log lines and then blocks the worker that writes the next one.
    web_log = (tmp_path / "gunicorn.log").open("wb")
    web = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "habeas.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=web_log,
    )
    base = f"http://127.0.0.1:{port}"
    importing: subprocess.Popen[bytes] | None = None
    answers: list[Answer] = []
    try:
        for _ in range(600):  # bounded: gunicorn starts in a few seconds
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                assert web.poll() is None, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.1)  # polling for start-up, not timing anything
        importing = subprocess.Popen(
            _import_argv(path),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert importing.stderr is not None
        # Visitors start once the import is writing.
        _read_until(importing.stderr, b"1,000/")
        while importing.poll() is None:
            _sign_in_and_read(base, answers, time.monotonic)
        out, err = importing.communicate(timeout=60)
    finally:
        if importing is not None and importing.poll() is None:
            importing.kill()
            importing.wait(timeout=60)
        web.terminate()
        web.wait(timeout=60)
        web_log.close()
    assert importing.returncode == 0, err.decode()[-2000:]
    assert f"{rows} rows imported and published: {rows} new".encode() in out
    assert len(answers) >= 50, "the visitors hardly overlapped the import"
    assert [a for a in answers if a.status >= 500] == []
    assert {a.status for a in answers} <= {200, 302}
    if os.environ.get("HABEAS_TEST_TIMINGS"):
        Path(os.environ["HABEAS_TEST_TIMINGS"]).write_text(
            "\n".join(f"{a.at:.2f} {a.seconds:.3f} {a.status} {a.path}" for a in answers)
            + "\n"
            + err.decode(errors="replace")
        )
    signing_in = [a for a in answers if a.path == "/accounts/login/"]
    assert max(a.seconds for a in signing_in) < 5, sorted(signing_in, key=lambda a: -a.seconds)[:5]
    assert max(a.seconds for a in answers) < 10, sorted(answers, key=lambda a: -a.seconds)[:5]
    assert PublicRecord.objects.count() == rows


@pytest.mark.django_db
def test_serve_settles_a_dead_import_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`habeas serve` undoes, as it starts, an import whose process died before its flip."""
    from habeas.core.management.commands import serve

    _setting()
    monkeypatch.setattr(importer, "BATCH", 3)

    def died(run: ImportRun) -> None:
        ImportRun.objects.filter(pk=run.pk).update(pid=_dead_pid())
        raise SystemExit(137)

    monkeypatch.setattr(importer, "_flip", died)
    monkeypatch.setattr(importer, "_undo", lambda run: None)  # killed: nothing runs after
    with pytest.raises(SystemExit):
        _import(_csv(tmp_path / "file.csv", 7, rename_kept=False))
    monkeypatch.undo()
    run = ImportRun.objects.get(rows=7)
    assert Person.objects.filter(import_run=run).count() == 7
    out = io.StringIO()
    serve.Command(stdout=out, stderr=io.StringIO()).settle_imports()
    assert f"Import {run.pk} " in out.getvalue()
    assert not Person.objects.filter(import_run=run).exists()
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED

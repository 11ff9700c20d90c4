"""Settings come from the environment; production refuses to start half-configured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from habeas.core.email_url import parse_email_url

ROOT = Path(__file__).resolve().parents[2]


def _django_setup(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Start Django in a fresh process with exactly these settings variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HABEAS_", "ALLOWED_HOSTS"))}
    clean.update({"HABEAS_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "habeas.settings"})
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "habeas.cli", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = _django_setup({"ALLOWED_HOSTS": "habeas.example.org"}, tmp_path)
    assert result.returncode != 0
    assert "HABEAS_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_allowed_hosts_refuses_to_start(tmp_path: Path) -> None:
    result = _django_setup({"HABEAS_SECRET_KEY": "k" * 50}, tmp_path)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_with_both_starts(tmp_path: Path) -> None:
    result = _django_setup(
        {"HABEAS_SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "habeas.example.org"}, tmp_path
    )
    assert result.returncode == 0, result.stderr


IMPORT_SETTINGS = """
import importlib, json, os, sys
import pytest  # loaded, as under a test run: the settings must not notice
from django.core.exceptions import ImproperlyConfigured
try:
    settings = importlib.import_module(sys.argv[1])
except ImproperlyConfigured as error:
    print(json.dumps({"refused": str(error)}))
else:
    print(json.dumps({
        "hashers": settings.PASSWORD_HASHERS,
        "secret_key": settings.SECRET_KEY,
        "https": settings.HTTPS,
        "environ_key": os.environ.get("HABEAS_SECRET_KEY"),
        "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    }))
"""


def _import_settings(module: str, env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    """Import a settings module in a fresh process that has pytest loaded; what it saw."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HABEAS_", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"))
    }
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_SETTINGS, module],
        cwd=ROOT,
        env={**clean, "HABEAS_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(result.stdout))


def test_production_settings_refuse_a_test_run_without_a_secret_key(tmp_path: Path) -> None:
    """pytest being imported gives production settings no fixed key to fall back on."""
    seen = _import_settings("habeas.settings", {"ALLOWED_HOSTS": "habeas.example.org"}, tmp_path)
    assert "HABEAS_SECRET_KEY is not set" in seen["refused"]


def test_production_settings_refuse_a_test_run_without_allowed_hosts(tmp_path: Path) -> None:
    seen = _import_settings("habeas.settings", {"HABEAS_SECRET_KEY": "k" * 50}, tmp_path)
    assert "ALLOWED_HOSTS is not set" in seen["refused"]


def test_production_settings_hash_with_argon2_under_a_test_run(tmp_path: Path) -> None:
    """The fast test hasher lives in settings_test only; production hashes with Argon2."""
    seen = _import_settings(
        "habeas.settings",
        {"HABEAS_SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "habeas.example.org"},
        tmp_path,
    )
    assert seen["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.MD5PasswordHasher" not in seen["hashers"]
    assert seen["secret_key"] == "k" * 50
    assert seen["https"] is True


def test_debug_settings_still_have_a_key_of_their_own(tmp_path: Path) -> None:
    """`make run`, `make check` and mypy start with HABEAS_DEBUG=1 and no key."""
    seen = _import_settings("habeas.settings", {"HABEAS_DEBUG": "1"}, tmp_path)
    assert seen["secret_key"].startswith("insecure-key-for-debug-only-")
    assert seen["https"] is False


@pytest.mark.parametrize("database_url", ["", "postgres://habeas@db.example.org/habeas"])
def test_workers_keep_their_database_connection_between_requests(
    tmp_path: Path, database_url: str
) -> None:
    """On SQLite as on PostgreSQL: a new SQLite connection costs milliseconds a request."""
    env = {"HABEAS_DEBUG": "1", "DATABASE_URL": database_url}
    assert _import_settings("habeas.settings", env, tmp_path)["conn_max_age"] == 60
    env["HABEAS_CONN_MAX_AGE"] = "0"
    assert _import_settings("habeas.settings", env, tmp_path)["conn_max_age"] == 0


def test_test_settings_leave_the_environment_as_they_found_it(tmp_path: Path) -> None:
    """settings_test lends production a key for its import only; subprocesses see none."""
    seen = _import_settings("habeas.settings_test", {}, tmp_path)
    assert seen["hashers"] == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert seen["secret_key"].startswith("insecure-key-for-tests-only-")
    assert seen["environ_key"] is None
    assert seen["https"] is False


def test_the_suite_runs_on_the_test_settings(settings: Any) -> None:
    from django.conf import settings as configured

    assert os.environ["DJANGO_SETTINGS_MODULE"] == "habeas.settings_test"
    assert configured.SETTINGS_MODULE == "habeas.settings_test"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_every_email_setting_is_named_in_the_settings_module() -> None:
    """No EMAIL_* setting arrives through globals(); each is written out by name."""
    from habeas.core.email_url import EmailSettings

    source = (ROOT / "habeas" / "settings.py").read_text()
    assert "globals()" not in source
    for name in EmailSettings.__annotations__:
        assert f"\n{name} = " in source, name


def test_a_misspelt_boolean_is_an_error(tmp_path: Path) -> None:
    result = _django_setup({"HABEAS_DEBUG": "maybe"}, tmp_path)
    assert result.returncode != 0
    assert "HABEAS_DEBUG must be one of" in result.stderr


@pytest.mark.parametrize("value", ["one", "-1", "11"])
def test_a_bad_trusted_proxy_count_is_an_error(tmp_path: Path, value: str) -> None:
    result = _django_setup({"HABEAS_DEBUG": "1", "HABEAS_TRUSTED_PROXY_COUNT": value}, tmp_path)
    assert result.returncode != 0
    assert "HABEAS_TRUSTED_PROXY_COUNT must be" in result.stderr


def test_behind_a_proxy_without_a_trusted_count_the_deploy_check_warns(settings: Any) -> None:
    """Behind a proxy that nobody counted, every client would share one address."""
    from habeas.core.checks import trusted_proxies_counted

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.HABEAS_TRUSTED_PROXY_COUNT = 0
    assert [w.id for w in trusted_proxies_counted()] == ["habeas.W001"]
    settings.HABEAS_TRUSTED_PROXY_COUNT = 1
    assert trusted_proxies_counted() == []


def test_check_deploy_is_clean_with_production_settings() -> None:
    """`manage.py check --deploy` reports nothing, warnings included."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "check-deploy")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "DJANGO_SETTINGS_MODULE": "habeas.settings",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


WRITER = """
import sys, django
django.setup()
from django.db import transaction
from habeas.core.models import Source
for i in range(40):
    with transaction.atomic():
        count = Source.objects.count()
        Source.objects.create(title=f"writer {sys.argv[1]} row {i} after {count}")
print("done")
"""


def test_concurrent_sqlite_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    """Four processes writing one SQLite file at once all finish: WAL, IMMEDIATE, busy timeout."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "HABEAS_DEBUG": "1",
        "HABEAS_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "habeas.settings",
    }
    subprocess.run(
        [sys.executable, "-m", "habeas.cli", "migrate", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(n)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    results = [writer.communicate(timeout=300) for writer in writers]
    for writer, (out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err
        assert out.strip() == "done"
    import sqlite3

    with sqlite3.connect(tmp_path / "habeas.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM core_source").fetchone()[0] == 160


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://user:p%40ss@mail.example.org:587?tls=1",
            {
                "EMAIL_HOST": "mail.example.org",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "user",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        ("smtps://mail.example.org", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
        (
            "file:///srv/outbox",
            {
                "EMAIL_FILE_PATH": "/srv/outbox",
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            },
        ),
        ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
    ],
)
def test_email_url(url: str, expected: dict[str, object]) -> None:
    config: dict[str, object] = dict(parse_email_url(url))
    for key, value in expected.items():
        assert config[key] == value


@pytest.mark.parametrize("url", ["smtpx://host", "mailto:someone@example.org", "file://"])
def test_bad_email_url_is_refused(url: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_email_url(url)


def test_mail_goes_to_files_under_var_outbox_by_default(tmp_path: Path) -> None:
    """Without EMAIL_URL (as under `make run`) a local user reads mail from var/outbox/."""
    script = (
        "import django; django.setup()\n"
        "from django.core.mail import send_mail\n"
        "send_mail('Hello', 'Body text', None, ['someone@example.org'])\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"EMAIL_URL", "DATABASE_URL"}},
        "HABEAS_DEBUG": "1",
        "HABEAS_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "habeas.settings",
    }
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=120)
    [mail] = list((tmp_path / "outbox").iterdir())
    assert "Subject: Hello" in mail.read_text()


def test_an_archived_source_keeps_its_sha256(db: None, settings: Any, tmp_path: Path) -> None:
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from habeas.coalition.models import Role
    from habeas.core.models import Source
    from habeas.core.services import source_archive
    from tests.factories import UserFactory, grant

    settings.MEDIA_ROOT = tmp_path
    content = b"The court's order of 12 May 2025."
    source = Source.objects.create(title="Order", publisher="High Court")
    site_admin = UserFactory()
    grant(site_admin, Role.SITE_ADMIN)
    source_archive(by=site_admin, source=source, upload=SimpleUploadedFile("order.txt", content))
    source.refresh_from_db()
    assert source.sha256 == hashlib.sha256(content).hexdigest()
    assert Path(source.archived_file.path).read_bytes() == content


@pytest.mark.parametrize("role", [None, "ORG_ADMIN", "COORDINATOR", "DOCUMENTER"])
def test_only_a_site_admin_archives_a_source(
    db: None, settings: Any, tmp_path: Path, role: str | None
) -> None:
    """Archiving replaces the copy readers check a citation against: the service
    refuses anyone but a site admin, and the source keeps no file."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.core.files.uploadedfile import SimpleUploadedFile

    from habeas.coalition.models import Role
    from habeas.core.models import Source
    from habeas.core.services import source_archive
    from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant

    settings.MEDIA_ROOT = tmp_path
    source = Source.objects.create(title="Order", publisher="High Court")
    user: Any = AnonymousUser()
    if role is not None:
        user = UserFactory()
        if role == Role.ORG_ADMIN:
            grant(user, role, organisation=OrganisationFactory())
        else:
            grant(user, role, campaign=CampaignFactory())
    with pytest.raises(PermissionDenied):
        source_archive(by=user, source=source, upload=SimpleUploadedFile("x.txt", b"forged"))
    source.refresh_from_db()
    assert (source.archived_file.name, source.sha256) == ("", "")
    assert list(tmp_path.iterdir()) == []

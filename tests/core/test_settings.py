"""Settings come from the environment; production refuses to start half-configured."""

from __future__ import annotations

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
    config = parse_email_url(url)
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

    from habeas.core.models import Source
    from habeas.core.services import source_archive

    settings.MEDIA_ROOT = tmp_path
    content = b"The court's order of 12 May 2025."
    source = Source.objects.create(title="Order", publisher="High Court")
    source_archive(source=source, upload=SimpleUploadedFile("order.txt", content))
    source.refresh_from_db()
    assert source.sha256 == hashlib.sha256(content).hexdigest()
    assert Path(source.archived_file.path).read_bytes() == content

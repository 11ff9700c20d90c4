"""The log names views, users and tasks by id: no traceback for a refusal, no address, no token."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from habeas.accounts.tasks import send_password_reset
from habeas.core.tasks import send_email
from tests.conftest import Mailbox
from tests.factories import UserFactory, sign_in

CLIENT_ADDRESS = "203.0.113.77"


def _formatted(caplog: pytest.LogCaptureFixture) -> str:
    """Habeas's captured records as the console handler prints them, tracebacks included.

    The test's own SMTP server (aiosmtpd, logging as "mail.log") stands for
    the mail server outside, whose log is not Habeas's.
    """
    formatter = logging.Formatter("{levelname} {name}: {message}", style="{")
    return "\n".join(formatter.format(r) for r in caplog.records if r.name != "mail.log")


@pytest.mark.django_db
def test_a_refused_page_is_one_line_naming_the_view_and_the_user(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """A PermissionDenied in a view logs one warning, without a traceback, address or e-mail."""
    user = UserFactory()
    sign_in(client, user)
    caplog.set_level(logging.INFO)
    response = client.get(reverse("coalition:organisation_create"), REMOTE_ADDR=CLIENT_ADDRESS)
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert record.getMessage() == (
        f"Forbidden (Permission denied): view coalition:organisation_create, user {user.pk}"
    )
    assert not hasattr(record, "request")
    output = _formatted(caplog)
    assert "Traceback" not in output
    assert CLIENT_ADDRESS not in output
    assert user.email not in output


@pytest.mark.django_db
def test_a_refused_token_address_does_not_log_the_token(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """A spent or unknown invitation link is logged by its URL name, not its token."""
    token = "SeCrEtToKeN-4f9a2c7e1b"
    sign_in(client, UserFactory())
    caplog.set_level(logging.INFO)
    response = client.get(
        reverse("coalition:invitation_accept", args=[token]), REMOTE_ADDR=CLIENT_ADDRESS
    )
    assert response.status_code == 410
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage().startswith("Gone: view coalition:invitation_accept, user ")
    output = _formatted(caplog)
    assert token not in output
    assert CLIENT_ADDRESS not in output


@pytest.mark.django_db
def test_an_unknown_address_is_logged_without_its_path(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = client.get("/no-such-page/some-token-like-thing/")
    assert response.status_code == 404
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Not Found: an unknown address, anonymous"


@pytest.mark.django_db
def test_a_refused_form_names_the_csrf_reason_in_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A form posted without its CSRF token is one line on the CSRF logger, reason kept."""
    client = Client(enforce_csrf_checks=True)
    caplog.set_level(logging.INFO)
    response = client.post(reverse("accounts:login"), {"username": "someone@example.org"})
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.security.csrf"]
    assert record.getMessage() == (
        "Forbidden (CSRF cookie not set.): view accounts:login, anonymous"
    )
    assert record.exc_info is None
    assert "someone@example.org" not in _formatted(caplog)


@pytest.mark.django_db(transaction=True)
def test_a_task_logs_start_and_finish_by_name_and_ids(
    smtp_server: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    user = UserFactory()
    caplog.set_level(logging.INFO)
    send_password_reset.enqueue(
        user_id=user.pk, domain="habeas.example.org", use_https=True, language="en"
    )
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    assert len(smtp_server.messages) == 1
    lines = [r.getMessage() for r in caplog.records if r.name == "habeas.tasks"]
    name = "habeas.accounts.tasks.send_password_reset"
    assert [line.split(" id ")[0] for line in lines] == [
        f"Task started: {name}",
        f"Task finished: {name}",
    ]
    assert all(line.endswith(f" user_id={user.pk}") for line in lines)
    output = _formatted(caplog)
    assert user.email not in output
    assert "habeas.example.org" not in output


@pytest.mark.django_db(transaction=True)
def test_a_failed_task_logs_its_exception_class_not_its_message(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A mail server's refusal can quote the address; the log names the error's class only."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    caplog.set_level(logging.INFO)
    send_email.enqueue(to=["prisoner.family@example.org"], subject="s", body="b")
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=1
    )
    [failed] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failed.name == "habeas.tasks"
    assert failed.getMessage().startswith("Task failed: habeas.core.tasks.send_email id ")
    assert failed.getMessage().endswith(" (builtins.ConnectionRefusedError)")
    output = _formatted(caplog)
    assert "Traceback" not in output
    assert "prisoner.family@example.org" not in output


@pytest.mark.django_db(transaction=True)
def test_an_rq_job_is_described_by_its_task_name_alone(
    smtp_server: Mailbox, redis_queue: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """RQ's worker logs each job's description; it names the task, not its recipients."""
    import django_rq

    caplog.set_level(logging.INFO)
    send_email.enqueue(to=["rq-log@example.org"], subject="Via Redis", body="Queued in RQ.")
    worker = django_rq.get_worker(
        "default", job_class="django_tasks_rq.Job", worker_class="rq.worker.SimpleWorker"
    )
    worker.work(burst=True)
    assert [m["Subject"] for m in smtp_server.messages] == ["Via Redis"]
    output = _formatted(caplog)
    assert "habeas.core.tasks.send_email" in output
    assert "rq-log@example.org" not in output

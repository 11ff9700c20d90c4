"""Background tasks run through a real queue and a real worker; mail reaches a real SMTP server."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks.exceptions import TaskResultDoesNotExist

from habeas.core.tasks import send_email
from tests.conftest import Mailbox


@pytest.mark.django_db(transaction=True)
def test_database_queue_and_one_shot_worker_deliver_mail(smtp_server: Mailbox) -> None:
    """A task enqueued on commit waits in the database until the worker runs it."""
    with transaction.atomic():
        transaction.on_commit(
            lambda: send_email.enqueue(
                to=["organiser@example.org"], subject="Hearing moved", body="Now on Monday."
            )
        )
    assert smtp_server.messages == []  # queued, not run inline

    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["Subject"] == "Hearing moved"
    assert message["To"] == "organiser@example.org"
    assert message.get_payload(decode=True).decode().strip() == "Now on Monday."  # type: ignore[union-attr]

    from django_tasks_db.models import DBTaskResult

    assert not DBTaskResult.objects.exists()  # a finished task leaves nothing behind


@pytest.mark.django_db(transaction=True)
def test_failed_task_is_recorded_not_lost(settings: Any) -> None:
    """A task whose mail server refuses is marked failed, keeping its class but not the mail."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    send_email.enqueue(to=["x@example.org"], subject="s", body="b")
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    from django_tasks_db.models import DBTaskResult

    result = DBTaskResult.objects.get()
    assert result.status == "FAILED"
    assert "ConnectionRefusedError" in result.exception_class_path
    assert result.args_kwargs == {"args": [], "kwargs": {}}
    assert result.traceback == ""


@pytest.mark.django_db(transaction=True)
def test_redis_queue_and_worker_deliver_mail(smtp_server: Mailbox, redis_queue: Any) -> None:
    """With REDIS_URL set, tasks go through RQ and an RQ worker runs them."""
    import django_rq

    result = send_email.enqueue(to=["rq@example.org"], subject="Via Redis", body="Queued in RQ.")
    assert redis_queue.llen("rq:queue:default") == 1
    assert smtp_server.messages == []

    worker = django_rq.get_worker(
        "default", job_class="django_tasks_rq.Job", worker_class="rq.worker.SimpleWorker"
    )
    worker.work(burst=True)

    assert [m["Subject"] for m in smtp_server.messages] == ["Via Redis"]
    # RQ deleted the finished job with its arguments, and stored no result.
    with pytest.raises(TaskResultDoesNotExist):
        result.refresh()
    assert redis_queue.keys(f"*{result.id}*") == []

"""Background work shared by every app, and what the queue may keep of it.

A task's arguments are stored until a worker runs it (a database row, or a
Redis job). Tasks that send a link carrying a secret (an invitation, a
password reset) therefore take ids and build the mail, token and all, in the
worker. Once a task has run, nothing of it is kept: a successful row is
deleted, a failed one keeps only its id arguments and the exception's class
(the worker's log has the traceback). On Redis, jobs are created with a
result lifetime of zero (``habeas.core.rq.ResultlessQueue``), so RQ deletes
them as soon as they succeed.

The log names each task's start, finish or failure by the task's name, its
id and its id arguments; a failure by its exception's class, never its
message (a mail server's refusal quotes the address it refused).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import EmailMessage
from django.dispatch import receiver
from django_tasks import TaskResult, TaskResultStatus, signals, task
from django_tasks.signals import task_finished, task_started
from django_tasks_db.backend import DatabaseBackend

logger = logging.getLogger("habeas.tasks")

# django-tasks logs each task too, and a failure with its traceback, whose
# message may quote an address; the receivers below take their place.
signals.task_started.disconnect(signals.log_task_started)
signals.task_finished.disconnect(signals.log_task_finished)

# How long RQ keeps a failed job (ids only) for an operator to look at.
FAILED_JOB_LIFETIME = 7 * 24 * 60 * 60


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail through the configured EMAIL_URL.

    For mail that carries no secret: its arguments wait in the queue until
    the worker runs. Mail with a token is built in the worker from ids.
    Runs in the task worker, so a slow or failing mail server never holds
    up a page. Returns the number of messages sent (0 or 1).
    """
    return EmailMessage(subject=subject, body=body, to=to).send()


def ids_only(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments that are ids (integers), the only ones a failed task keeps."""
    return {
        name: value
        for name, value in kwargs.items()
        if isinstance(value, int) and not isinstance(value, bool)
    }


@receiver(task_finished, dispatch_uid="habeas.core.tasks.forget_finished_task")
def forget_finished_task(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """Delete a database task once it has succeeded; strip a failed one down to ids."""
    # db_worker sends the backend itself on success and its class on failure.
    backend_class = sender if isinstance(sender, type) else type(sender)
    if not issubclass(backend_class, DatabaseBackend):
        return
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(pk=task_result.id)
    if task_result.status == TaskResultStatus.SUCCESSFUL:
        rows.delete()
    else:
        rows.update(
            args_kwargs={"args": [], "kwargs": ids_only(dict(task_result.kwargs))},
            return_value=None,
            traceback="",
        )


def _described(task_result: TaskResult[Any]) -> str:
    """A task by name, id and id arguments: "habeas.x.send id 3f2a user_id=4"."""
    ids = "".join(f" {name}={value}" for name, value in ids_only(dict(task_result.kwargs)).items())
    return f"{task_result.task.module_path} id {task_result.id}{ids}"


@receiver(task_started, dispatch_uid="habeas.core.tasks.log_task_started")
def log_task_started(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """Log that a worker started a task."""
    logger.info("Task started: %s", _described(task_result))


@receiver(task_finished, dispatch_uid="habeas.core.tasks.log_task_finished")
def log_task_finished(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """Log a task's end: finished, or failed with its exception's class and no message."""
    if task_result.status == TaskResultStatus.SUCCESSFUL:
        logger.info("Task finished: %s", _described(task_result))
        return
    error = task_result.errors[-1].exception_class_path if task_result.errors else "unknown"
    logger.error("Task failed: %s (%s)", _described(task_result), error)

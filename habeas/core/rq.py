"""The RQ queue Habeas uses when REDIS_URL is set (``RQ["QUEUE_CLASS"]``)."""

from __future__ import annotations

from typing import Any

from django_rq.queues import DjangoRQ

from habeas.core.tasks import FAILED_JOB_LIFETIME


class ResultlessQueue(DjangoRQ):
    """A queue whose jobs RQ deletes, with their arguments, as soon as they succeed.

    django-tasks-rq creates jobs without a result lifetime, so RQ would keep
    each finished job and its arguments for 500 seconds, and a failed one for
    a year. A result lifetime of zero makes RQ store no result and delete the
    job; a failed job (its arguments are ids) is kept a week. A job is
    described by its task's name alone: RQ's default description is the
    call with its arguments, which its worker writes to the log (an
    e-mail's recipients).
    """

    def create_job(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("description") is None:
            kwargs["description"] = func if isinstance(func, str) else func.__qualname__
        if kwargs.get("result_ttl") is None:
            kwargs["result_ttl"] = 0
        if kwargs.get("failure_ttl") is None:
            kwargs["failure_ttl"] = FAILED_JOB_LIFETIME
        return super().create_job(func, *args, **kwargs)

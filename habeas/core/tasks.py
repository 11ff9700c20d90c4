"""Background work shared by every app."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail through the configured EMAIL_URL.

    Runs in the task worker, so a slow or failing mail server never holds
    up a page. Returns the number of messages sent (0 or 1).
    """
    return EmailMessage(subject=subject, body=body, to=to).send()

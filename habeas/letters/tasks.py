"""Mail to signers, built and sent in the task worker.

The signatures are the outbox: a pending signature whose ``mail_due_at``
has passed is owed its confirmation mail. The clock's ``mail_sweep`` queues
one ``deliver_confirmations`` task when mail is due and none is queued
already; the task claims due mail in batches (a lease, so two workers
never send the same mail), sends each batch over one SMTP connection and
records each mail as sent or failed. A failed mail becomes due again after
1, 5 and 30 minutes, then is given up. The queue holds no address and no
link: the task reads the rows and makes the tokens.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from habeas.letters import tokens
from habeas.letters.models import Signature
from habeas.letters.services import signing

logger = logging.getLogger("habeas.letters")

# While this key is in the cache a delivery task is queued or running; it
# expires on its own if a worker dies holding it.
SWEEP_KEY = "habeas:letters:mail-delivery-queued"
SWEEP_KEY_LIFETIME = 120
BATCH = 200


def mail_sweep() -> bool:
    """The clock's job: queue one delivery task if mail is due and none is queued.

    Returns whether a task was queued.
    """
    if not signing.signature_mail_due():
        return False
    if not cache.add(SWEEP_KEY, 1, timeout=SWEEP_KEY_LIFETIME):
        return False
    deliver_confirmations.enqueue()
    return True


def _message(signature: Signature) -> EmailMessage:
    """The confirmation mail for ``signature``, in the signer's language."""
    letter = signature.letter
    with translation.override(signature.language):
        titles = dict(letter.texts.values_list("language", "title"))
        context = {
            "name": signature.name,
            "title": titles.get(signature.language) or titles.get("en", ""),
            "confirm_url": settings.SITE_URL
            + reverse("letters:confirm", kwargs={"token": tokens.confirm_token(signature)}),
            "manage_url": settings.SITE_URL
            + reverse("letters:manage", kwargs={"token": tokens.manage_token(signature)}),
        }
        subject = _("Confirm your signature")
        body = render_to_string("letters/confirm_email.txt", context)
    return EmailMessage(subject=subject, body=body, to=[signature.email])


@task()
def deliver_confirmations() -> int:
    """Send every confirmation mail that is due, in batches; return how many were sent.

    Each mail is claimed before it is sent and marked sent as soon as the
    server took it, so a mail is never sent twice by two runs; a refusal or
    an unreachable server makes it due again later (see the module).
    """
    sent = 0
    try:
        while batch := signing.signature_mail_claim(limit=BATCH):
            sent += _send(batch)
            if len(batch) < BATCH:
                break
    finally:
        cache.delete(SWEEP_KEY)
    return sent


def _send(batch: list[Signature]) -> int:
    sent = 0
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning(
            "Mail server unreachable (%s): %d mails wait", type(error).__name__, len(batch)
        )
        for signature in batch:
            signing.signature_mail_failed(signature=signature)
        return 0
    try:
        for signature in batch:
            message = _message(signature)
            message.connection = connection
            try:
                sent += message.send()
            except (smtplib.SMTPException, OSError) as error:
                logger.warning("Mail refused (%s)", type(error).__name__)
                signing.signature_mail_failed(signature=signature)
                continue
            signing.signature_mail_sent(signature=signature)
    finally:
        connection.close()
    return sent

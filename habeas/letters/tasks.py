"""Mail to signers, built and sent in the task worker."""

from __future__ import annotations

import smtplib

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from habeas.letters import tokens
from habeas.letters.services import signing


@task()
def send_signature_confirmation(*, signature_id: int, site_url: str) -> int:
    """Mail a signature's confirmation link, in the signer's language.

    The queue holds the signature's id and the site's address, nothing
    else: the tokens are made here. The mail is claimed before it is sent
    (signing.signature_mail_claim), so two runs of this task never both
    send it; on a refusal or an unreachable server the task is queued again
    after a growing delay, a few times, then given up. Returns the number
    of messages sent (0 when nothing was due).
    """
    signature = signing.signature_mail_claim(signature_id=signature_id)
    if signature is None:
        return 0
    letter = signature.letter
    with translation.override(signature.language):
        title = letter.texts.filter(language=signature.language).values_list("title", flat=True)
        context = {
            "name": signature.name,
            "title": title.first() or letter.texts.values_list("title", flat=True).first(),
            "confirm_url": site_url
            + reverse("letters:confirm", kwargs={"token": tokens.confirm_token(signature)}),
            "manage_url": site_url
            + reverse("letters:manage", kwargs={"token": tokens.manage_token(signature)}),
        }
        subject = _("Confirm your signature")
        body = render_to_string("letters/confirm_email.txt", context)
    try:
        sent = EmailMessage(subject=subject, body=body, to=[signature.email]).send()
    except (smtplib.SMTPException, OSError):
        retry_at = signing.signature_mail_failed(signature=signature)
        if retry_at is not None:
            send_signature_confirmation.using(run_after=retry_at).enqueue(
                signature_id=signature_id, site_url=site_url
            )
        return 0
    signing.signature_mail_sent(signature=signature)
    return sent

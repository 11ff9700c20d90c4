"""Mail to people who RSVPed: the acknowledgement and the reminder the day before.

Tasks take ids only: the worker reads the rows and makes the one-click
cancel link itself, so the queue never holds an address or a token. Each
mail is in the RSVP's language and gives the action's time in the place's
own time zone. A cancelled RSVP, or one whose address is gone, gets nothing.
"""

from __future__ import annotations

import logging
import smtplib
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from habeas.actions.models import Action, Rsvp
from habeas.actions.services import rsvps as services
from habeas.actions.tokens import rsvp_token

logger = logging.getLogger("habeas.actions")

StrOrPromise = str | Promise


def action_page_path(action: Action) -> str:
    """The path of ``action``'s public page in the active language."""
    return reverse("actions:detail", kwargs={"action_id": action.pk})


def action_title(action: Action, language: str) -> str:
    """The action's title in ``language`` where it has one, else its English title."""
    if language == "ur" and action.title_ur:
        return action.title_ur
    return action.title


def local_time(action: Action) -> str:
    """When ``action`` starts, in its place's time zone and the active language's format."""
    if action.starts_at is None:
        return _("date not known")
    try:
        zone = ZoneInfo(action.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = action.starts_at.astimezone(zone)
    when = formats.date_format(local, "DATETIME_FORMAT")
    return f"{when} ({action.time_zone or 'UTC'})"


def _message(rsvp: Rsvp, template: str, subject: StrOrPromise) -> EmailMessage:
    """The mail ``template`` for ``rsvp``, subject and all in the RSVP's language."""
    action = rsvp.action
    with translation.override(rsvp.language):
        page = action_page_path(action)
        place = ", ".join(part for part in (action.venue, action.address, action.city) if part)
        context = {
            "name": rsvp.name,
            "title": action_title(action, rsvp.language),
            "when": local_time(action),
            "place": place,
            "action_url": settings.SITE_URL + page,
            "cancel_url": settings.SITE_URL
            + reverse("actions:rsvp_manage", kwargs={"token": rsvp_token(rsvp)}),
        }
        body = render_to_string(template, context)
        text = str(subject) % {"title": context["title"]}
    return EmailMessage(subject=text, body=body, to=[rsvp.email])


# Translators: the subject of the mail that answers an RSVP.
ACKNOWLEDGEMENT_SUBJECT = gettext_lazy("You are counted for %(title)s")
# Translators: the subject of the reminder sent the day before an action.
REMINDER_SUBJECT = gettext_lazy("Tomorrow: %(title)s")


def _acknowledgement(rsvp: Rsvp) -> EmailMessage:
    return _message(rsvp, "actions/rsvp_acknowledgement_email.txt", ACKNOWLEDGEMENT_SUBJECT)


def _reminder(rsvp: Rsvp) -> EmailMessage:
    return _message(rsvp, "actions/rsvp_reminder_email.txt", REMINDER_SUBJECT)


def _mailable(ids: list[int]) -> list[Rsvp]:
    return list(
        Rsvp.objects.select_related("action")
        .filter(pk__in=ids, cancelled_at__isnull=True)
        .exclude(email="")
        .order_by("pk")
    )


@task()
def send_rsvp_acknowledgement(*, rsvp_id: int) -> int:
    """Send the acknowledgement of RSVP ``rsvp_id``, with its cancel link; return 0 or 1."""
    rsvps = _mailable([rsvp_id])
    if not rsvps:
        return 0
    return _acknowledgement(rsvps[0]).send()


@task()
def send_rsvp_reminders(*, rsvp_ids: list[int]) -> int:
    """Send the reminders claimed by ``rsvps_remind_due`` over one SMTP
    connection; return how many the server took.

    A reminder the server refused, or all of them if it could not be
    reached, is made owed again for the next clock run.
    """
    rsvps = _mailable(rsvp_ids)
    if not rsvps:
        return 0
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning(
            "Mail server unreachable (%s): %d reminders wait", type(error).__name__, len(rsvps)
        )
        services.rsvp_reminder_failed(rsvp_ids=[rsvp.pk for rsvp in rsvps])
        return 0
    sent = 0
    failed: list[int] = []
    try:
        for rsvp in rsvps:
            message = _reminder(rsvp)
            message.connection = connection
            try:
                sent += message.send()
            except (smtplib.SMTPException, OSError) as error:
                logger.warning("Reminder refused (%s)", type(error).__name__)
                failed.append(rsvp.pk)
    finally:
        connection.close()
    if failed:
        services.rsvp_reminder_failed(rsvp_ids=failed)
    return sent

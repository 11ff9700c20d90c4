"""Mail announcing a change of an action (cancelled, new time, new place) to those coming.

The queue holds only the change's id: the worker reads the RSVPs, makes each
one's link and sends every mail over one SMTP connection. A change is claimed
(``announced_at`` set) in a short transaction before anything is sent, so two
runs never announce it twice and no lock is held while the mail server talks.
If the mail server cannot be reached, the claim is given back and the task
fails, to be run again.
"""

from __future__ import annotations

import logging
import smtplib
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from habeas.actions.models import Action, ActionChange, Rsvp
from habeas.actions.tokens import rsvp_token
from habeas.core.countries import country_name

logger = logging.getLogger("habeas.actions")


def rsvp_page_path(rsvp: Rsvp) -> str:
    """The path of the page where ``rsvp`` is seen and cancelled, in its language."""
    with translation.override(rsvp.language):
        return reverse("actions:rsvp_manage", kwargs={"token": rsvp_token(rsvp)})


def _claim(change_id: int) -> tuple[ActionChange, list[Rsvp]] | None:
    """Mark the change announced and read whom to tell; None if it is gone or announced."""
    with transaction.atomic():
        change = (
            ActionChange.objects.select_for_update(of=("self",))
            .select_related("action")
            .filter(pk=change_id, announced_at__isnull=True)
            .first()
        )
        if change is None:
            return None
        change.announced_at = timezone.now()
        change.save(update_fields=["announced_at"])
        rsvps = list(
            Rsvp.objects.filter(action=change.action, cancelled_at__isnull=True)
            .exclude(email="")
            .order_by("pk")
        )
    return change, rsvps


def _local_time(action: Action) -> str:
    """When the action starts (and ends), in the place's time zone, in the active language."""
    if action.starts_at is None:
        return _("The date is not known yet.")
    zone = zoneinfo.ZoneInfo(action.time_zone or "UTC")
    starts = formats.date_format(action.starts_at.astimezone(zone), "DATETIME_FORMAT")
    if action.ends_at is None:
        when = starts
    else:
        ends = formats.date_format(action.ends_at.astimezone(zone), "DATETIME_FORMAT")
        when = _("%(start)s to %(end)s") % {"start": starts, "end": ends}
    return _("%(when)s (local time, %(zone)s)") % {"when": when, "zone": action.time_zone}


def _place(action: Action) -> str:
    parts = [action.venue, action.address, action.city]
    if action.country:
        parts.append(country_name(action.country))
    return ", ".join(part for part in parts if part)


def _message(change: ActionChange, rsvp: Rsvp) -> EmailMessage:
    """The announcement to ``rsvp``, in the RSVP's language."""
    action = change.action
    with translation.override(rsvp.language):
        title = (action.title_ur if rsvp.language == "ur" else "") or action.title
        if change.kind == ActionChange.Kind.CANCELLED:
            subject = _("Cancelled: %(title)s") % {"title": title}
        else:
            subject = _("Changed: %(title)s") % {"title": title}
        body = render_to_string(
            "actions/change_email.txt",
            {
                "change": change,
                "title": title,
                "cancelled": change.kind == ActionChange.Kind.CANCELLED,
                "time_changed": change.kind
                in {ActionChange.Kind.TIME, ActionChange.Kind.TIME_AND_PLACE},
                "place_changed": change.kind
                in {ActionChange.Kind.PLACE, ActionChange.Kind.TIME_AND_PLACE},
                "when": _local_time(action),
                "place": _place(action),
                "rsvp_url": settings.SITE_URL + rsvp_page_path(rsvp),
            },
        )
    return EmailMessage(subject=subject, body=body, to=[rsvp.email])


@task()
def announce_change(*, change_id: int) -> int:
    """Mail the change ``change_id`` to every live RSVP with an address; return how many
    were sent. Sends nothing for a change already announced (safe to run twice).

    Raises the mail server's error, giving the claim back, when no connection
    can be opened; a single refused address is logged and skipped.
    """
    claimed = _claim(change_id)
    if claimed is None:
        return 0
    change, rsvps = claimed
    if not rsvps:
        return 0
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError):
        ActionChange.objects.filter(pk=change.pk, announced_at=change.announced_at).update(
            announced_at=None
        )
        raise
    sent = 0
    try:
        for rsvp in rsvps:
            message = _message(change, rsvp)
            message.connection = connection
            try:
                sent += message.send()
            except (smtplib.SMTPException, OSError) as error:
                logger.warning("Announcement refused (%s)", type(error).__name__)
    finally:
        connection.close()
    return sent

"""RSVPs: "I will come", without an account; counted at once, cancelled with one click.

A supporter has no account, so these services check no user's permission:
the action must be public (its campaign not a draft) and still to come, and
cancelling is bound by the token in the link the page and every mail carry
(habeas.actions.tokens). Nobody may read who said they would come: no page,
export or admin lists RSVPs; only ``Action.rsvp_count`` is public. Names and
addresses are blanked when an RSVP is cancelled and, for everyone, 14 days
after the action (``rsvps_erase_due``); the count stays.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.actions.models import Action, Rsvp
from habeas.coalition.models import Campaign
from habeas.core.disposable import is_disposable
from habeas.core.pagecache import public_counts_changed
from habeas.core.ratelimit import Limit, hit
from habeas.core.text import refuse_bidi_controls

logger = logging.getLogger("habeas.actions")

NAME_LIMIT = 100
# Names and addresses of an action's RSVPs are kept this long after it ends.
KEEP_AFTER_ACTION = timedelta(days=14)
# Reminders go to those who RSVPed to actions starting within this time.
REMIND_BEFORE = timedelta(hours=24)
# Reminders one task sends over one SMTP connection.
REMINDER_BATCH = 200
# One network (a phone operator's, a university's) may hold many people.
RSVP_LIMITS = (Limit(10, 60), Limit(100, 86_400))

_ERASED = {"name": "", "email": ""}


def rsvp_refusal(action: Action, now: datetime | None = None) -> str | None:
    """Why ``action`` takes no RSVP at ``now`` (a sentence for its page), or None if it does."""
    now = now or timezone.now()
    if action.campaign.status == Campaign.Status.DRAFT:
        return _("This action is not public.")
    if action.status == Action.Status.CANCELLED:
        return _("This action was cancelled.")
    if action.starts_at is None:
        return _("The date of this action is not known, so it takes no RSVPs.")
    if action.status == Action.Status.HAPPENED or action.starts_at <= now:
        return _("This action has already taken place.")
    return None


def _open_for_rsvps(now: datetime) -> Q:
    """The actions ``rsvp_refusal`` lets through, as a filter the database applies."""
    return Q(status=Action.Status.PLANNED, starts_at__gt=now) & ~Q(
        campaign__status=Campaign.Status.DRAFT
    )


def rsvp_submit(
    *,
    action: Action,
    name: str,
    email: str,
    language: str,
    ip_hash: str = "",
    honeypot: str = "",
) -> Rsvp:
    """Count one more person coming to ``action``; return the new RSVP.

    ``name`` (at most NAME_LIMIT characters) and ``email`` are optional; an
    address gets an acknowledgement mail carrying the one-click cancel link,
    a reminder the day before and news of changes. ``ip_hash`` is the client
    address's pseudonym, counted against RSVP_LIMITS.

    Raises ValidationError, storing nothing, if the action takes no RSVPs
    (``rsvp_refusal``: cancelled, happened, started, undated, of a draft
    campaign; checked again by the counting statement itself, so a
    cancellation committed meanwhile wins), if the name or address is bad,
    the address at a disposable-mail domain, the honeypot filled or the
    client over its rate. Schedules the acknowledgement mail on commit.
    """
    name = name.strip()
    email = email.strip()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    refusal = rsvp_refusal(action)
    if refusal is not None:
        raise ValidationError(refusal, code="closed")
    if honeypot.strip():
        raise ValidationError(_("This RSVP could not be taken."), code="honeypot")
    errors: dict[str, list[str]] = {}
    if len(name) > NAME_LIMIT:
        errors.setdefault("name", []).append(
            _("Write a name of at most %(limit)d characters.") % {"limit": NAME_LIMIT}
        )
    try:
        refuse_bidi_controls(name)
    except ValidationError as error:
        errors.setdefault("name", []).extend(error.messages)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
        else:
            if is_disposable(email.rpartition("@")[2]):
                errors.setdefault("email", []).append(
                    _("Use an address that lasts until the action, or leave it empty.")
                )
    if errors:
        raise ValidationError(errors)
    if ip_hash and hit("actions.rsvp", ip_hash, RSVP_LIMITS):
        raise ValidationError(
            _("Too many RSVPs came from your network just now. Try again later."),
            code="rate",
        )
    now = timezone.now()
    with transaction.atomic():
        counted = Action.objects.filter(_open_for_rsvps(now), pk=action.pk).update(
            rsvp_count=F("rsvp_count") + 1
        )
        if not counted:
            action.refresh_from_db()
            raise ValidationError(
                rsvp_refusal(action, now) or _("This action takes no RSVPs."), code="closed"
            )
        rsvp = Rsvp.objects.create(
            action=action, name=name, email=email, language=language, created_at=now
        )
        public_counts_changed()
        if email:
            from habeas.actions.tasks.rsvps import send_rsvp_acknowledgement

            rsvp_id = rsvp.pk
            transaction.on_commit(lambda: send_rsvp_acknowledgement.enqueue(rsvp_id=rsvp_id))
    logger.info("RSVP counted for action %d", action.pk)
    return rsvp


def rsvp_cancel(*, rsvp: Rsvp) -> bool:
    """Cancel ``rsvp`` (the caller has checked its token): it counts no more,
    and its name and address are deleted at once.

    Idempotent: cancelling again changes nothing and the count goes down
    once. Returns whether this call cancelled it.
    """
    with transaction.atomic():
        cancelled = Rsvp.objects.filter(pk=rsvp.pk, cancelled_at__isnull=True).update(
            cancelled_at=timezone.now(), **_ERASED
        )
        if cancelled:
            Action.objects.filter(pk=rsvp.action_id, rsvp_count__gt=0).update(
                rsvp_count=F("rsvp_count") - 1
            )
            public_counts_changed()
    logger.info("RSVP cancelled: %s", "1" if cancelled else "0")
    return bool(cancelled)


def rsvp_reminders_claim(*, now: datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` RSVPs owed a reminder now; return their ids.

    Owed: not cancelled, with an address, not reminded, of a PLANNED action
    starting within REMIND_BEFORE and not started. Claimed rows are marked
    reminded; rows another clock holds are skipped (PostgreSQL's SKIP
    LOCKED; SQLite runs one writer at a time), so no RSVP is claimed twice.
    """
    with transaction.atomic():
        ids = list(
            Rsvp.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                cancelled_at__isnull=True,
                reminded_at__isnull=True,
                action__status=Action.Status.PLANNED,
                action__starts_at__gt=now,
                action__starts_at__lte=now + REMIND_BEFORE,
            )
            .exclude(email="")
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        Rsvp.objects.filter(pk__in=ids).update(reminded_at=now)
    return ids


def rsvp_reminder_failed(*, rsvp_ids: list[int]) -> None:
    """Make these reminders owed again (the mail server did not take them):
    the next clock run tries again, while the action is still to come."""
    Rsvp.objects.filter(pk__in=rsvp_ids).update(reminded_at=None)


def rsvps_remind_due() -> int:
    """The clock's job (every minute): queue the reminders owed now.

    Queues one task (ids only) for each REMINDER_BATCH claimed RSVPs, once
    the claim is committed; one task in any ordinary minute. Safe with two
    clocks: each claims different rows. If the queue refuses the task, the
    claim is undone and the error raised (the clock logs it). Returns how
    many were queued.
    """
    from habeas.actions.tasks.rsvps import send_rsvp_reminders

    now = timezone.now()
    queued = 0
    while ids := rsvp_reminders_claim(now=now, limit=REMINDER_BATCH):
        try:
            send_rsvp_reminders.enqueue(rsvp_ids=ids)
        except Exception:
            # The queue is down: the claim is undone, for the next minute's run.
            rsvp_reminder_failed(rsvp_ids=ids)
            raise
        queued += len(ids)
        if len(ids) < REMINDER_BATCH:
            break
    return queued


def _erase_due(now: datetime) -> QuerySet[Action]:
    """Actions whose RSVPs' names and addresses are due for deletion at ``now``."""
    before = now - KEEP_AFTER_ACTION
    return Action.objects.filter(
        Q(ends_at__lt=before)
        | Q(ends_at__isnull=True, starts_at__lt=before)
        | Q(status=Action.Status.CANCELLED, cancelled_at__lt=before)
    )


def rsvps_erase_due() -> int:
    """The clock's daily job: blank the name and address of every RSVP to an
    action that ended (its end, or its start if it has no end) or was
    cancelled more than KEEP_AFTER_ACTION ago, and mark those actions
    ``rsvps_erased_at``. Counts are kept. Safe to run again and from two
    clocks: it only blanks. Returns how many RSVPs were blanked.
    """
    now = timezone.now()
    due = _erase_due(now)
    with transaction.atomic():
        blanked = (
            Rsvp.objects.filter(action__in=due.values("pk"))
            .exclude(name="", email="")
            .update(**_ERASED)
        )
        marked = due.filter(rsvps_erased_at__isnull=True).update(rsvps_erased_at=now)
    logger.info("RSVP data erased: %d RSVPs of %d actions", blanked, marked)
    return blanked

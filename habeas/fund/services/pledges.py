"""Pledges: a supporter's promise to pay, made without an account, confirmed by e-mail.

A pledger has no account, so submitting, confirming and cancelling check no
user's permission: the campaign must be active, and confirming or
cancelling is bound by the token in the mailed link (habeas.fund.tokens).
A pledge posts nothing to the ledger; only a treasurer marking it received
does, as a contribution. The address is kept only to confirm, remind once
and let the pledger cancel: it is erased once the pledge is received,
cancelled or lapses, and no page, export or admin shows it. Unconfirmed
pledges are deleted after ``confirm_within()``.

The durations are settings: ``FUND_PLEDGE_CONFIRM_WITHIN`` (7 days),
``FUND_PLEDGE_REMIND_AFTER`` (14 days after confirmation) and
``FUND_PLEDGE_EXPIRE_AFTER`` (90 days after confirmation).
"""

from __future__ import annotations

import datetime
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import Campaign, Organisation
from habeas.coalition.services._checks import clean_text
from habeas.core.disposable import is_disposable
from habeas.core.pagecache import public_counts_changed
from habeas.core.ratelimit import Check, Limit, hits
from habeas.core.text import refuse_bidi_controls
from habeas.fund import tokens
from habeas.fund.models import Account, Contribution, Fund, FundEvent, Pledge
from habeas.fund.money import format_money, parse_amount
from habeas.fund.services._common import record, require_treasurer
from habeas.fund.services.contributions import DONOR_NAME_LIMIT, post_contribution
from habeas.fund.services.ledger import lock_fund

logger = logging.getLogger("habeas.fund")

NAME_LIMIT = DONOR_NAME_LIMIT
EMAIL_LIMIT = 254
DEFAULT_REMIND_AFTER = timedelta(days=14)
DEFAULT_EXPIRE_AFTER = timedelta(days=90)
# Reminders one task sends over one SMTP connection.
REMINDER_BATCH = 200
# One network (a phone operator's, a university's) may hold many people.
PLEDGE_LIMITS = (Limit(10, 60), Limit(100, 86_400))
# No address is sent more than a few confirmation mails a day, whoever asks.
ADDRESS_LIMITS = (Limit(5, 86_400),)

_REFERENCE = re.compile(r"\s*P\s*-?\s*(\d{1,12})\s*", re.IGNORECASE)
_ERASED = {"email": "", "name": "", "name_public": False}


def _duration(name: str, default: timedelta) -> timedelta:
    value = getattr(settings, name, default)
    return value if isinstance(value, timedelta) else default


def remind_after() -> timedelta:
    """How long after confirmation an unpaid pledge is reminded (``FUND_PLEDGE_REMIND_AFTER``)."""
    return _duration("FUND_PLEDGE_REMIND_AFTER", DEFAULT_REMIND_AFTER)


def expire_after() -> timedelta:
    """How long after confirmation an unpaid pledge lapses (``FUND_PLEDGE_EXPIRE_AFTER``)."""
    return _duration("FUND_PLEDGE_EXPIRE_AFTER", DEFAULT_EXPIRE_AFTER)


def pledge_reference(pledge: Pledge) -> str:
    """The short reference a pledger quotes with their transfer, such as "P-42"."""
    return f"P-{pledge.pk}"


def reference_id(text: str) -> int | None:
    """The pledge id a reference such as "P-42" (or "p42") names, or None."""
    found = _REFERENCE.fullmatch(text or "")
    return int(found.group(1)) if found else None


def pledge_refusal(fund: Fund) -> str | None:
    """Why ``fund`` takes no pledges (a sentence for its page), or None if it does:
    only the funds of active campaigns do."""
    status = fund.campaign.status
    if status == Campaign.Status.DRAFT:
        return _("This campaign is not public.")
    if status != Campaign.Status.ACTIVE:
        return _("This campaign has closed and takes no more pledges.")
    return None


def _link_invalid() -> ValidationError:
    return ValidationError(
        _("This link does not work: it has expired, has been used, or was copied incompletely."),
        code="link",
    )


def _add(errors: dict[str, list[str]], error: ValidationError, field: str) -> None:
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    else:
        errors.setdefault(field, []).extend(error.messages)


def pledge_submit(
    *,
    fund: Fund,
    amount: str,
    currency: str,
    name: str,
    email: str,
    name_public: bool,
    language: str,
    client_key: str = "",
    honeypot: str = "",
) -> Pledge:
    """Record a pledge of ``amount`` of ``currency`` to ``fund``, waiting for its
    address to be confirmed; return it (PENDING).

    ``name`` is optional (an anonymous pledge); ``name_public`` asks for the
    name to be shown publicly once the money is received, and needs a name.
    ``client_key`` is the client address's pseudonym, counted against
    PLEDGE_LIMITS; the address itself is counted against ADDRESS_LIMITS.

    Raises ValidationError, storing nothing, if the fund's campaign is not
    active (code "closed"), the honeypot is filled, the amount is not a
    positive amount of a currency the fund keeps with at most its decimal
    places, the name is too long or holds direction controls, a public name
    is asked for without a name, the address is missing, bad or at a
    disposable-mail domain, or the client or address is over its rate.
    Schedules, once committed, the task that mails the confirmation link in
    ``language`` (its payload is the pledge's id; the task makes the token).
    """
    name = name.strip()
    email = email.strip()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    refusal = pledge_refusal(fund)
    if refusal is not None:
        raise ValidationError(refusal, code="closed")
    if honeypot.strip():
        raise ValidationError(_("This pledge could not be taken."), code="honeypot")
    errors: dict[str, list[str]] = {}
    amount_minor = 0
    try:
        amount_minor = parse_amount(amount, currency)
    except ValidationError as error:
        _add(errors, error, "amount")
    try:
        name = refuse_bidi_controls(
            clean_text(name, field="name", limit=NAME_LIMIT, required=False), field="name"
        )
    except ValidationError as error:
        _add(errors, error, "name")
    if name_public and not name:
        errors.setdefault("name_public", []).append(
            _("There is no name to show: give your name, or leave the box unticked.")
        )
    if not email:
        errors.setdefault("email", []).append(
            _("Give your e-mail address: the link to confirm your pledge is sent to it.")
        )
    elif len(email) > EMAIL_LIMIT:
        errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
        else:
            if is_disposable(email.rpartition("@")[2]):
                errors.setdefault("email", []).append(
                    _("Use an address that lasts: the reminder and the cancel link go to it.")
                )
    if errors:
        raise ValidationError(errors)
    checks = [Check("fund.pledge.address", email.casefold(), ADDRESS_LIMITS)]
    if client_key:
        checks.append(Check("fund.pledge", client_key, PLEDGE_LIMITS))
    if any(hits(checks)):
        raise ValidationError(
            _("Too many pledges came from your network or for this address. Try again later."),
            code="rate",
        )
    with transaction.atomic():
        # The campaign may have closed since the page was read.
        if not Campaign.objects.filter(
            pk=fund.campaign_id, status=Campaign.Status.ACTIVE
        ).exists():
            raise ValidationError(
                _("This campaign has closed and takes no more pledges."), code="closed"
            )
        pledge = Pledge.objects.create(
            fund=fund,
            amount_minor=amount_minor,
            currency=currency,
            name=name,
            name_public=name_public,
            email=email,
            language=language,
        )
        from habeas.fund.tasks.pledges import send_pledge_confirmation

        pledge_id = pledge.pk
        transaction.on_commit(
            lambda: send_pledge_confirmation.enqueue(pledge_id=pledge_id), robust=True
        )
    logger.info("Pledge %d made to fund %d", pledge.pk, fund.pk)
    return pledge


def pledge_confirm(*, token: str) -> Pledge:
    """Confirm the pending pledge that ``token`` (the mailed link) names; return it.

    The link works once and only while the pledge waits for confirmation
    (``confirm_within()``). The pledge is then a promise, shown to the
    fund's treasurers, reminded once and lapsing if unpaid. Raises
    ValidationError (code "link") for a forged, altered, expired or used
    token, and (code "closed") if the campaign no longer takes pledges.
    """
    found = tokens.pledge_for_confirm_token(token)
    if found is None:
        raise _link_invalid()
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().filter(pk=found.pk).first()
        if pledge is None or pledge.status != Pledge.Status.PENDING:
            raise _link_invalid()
        refusal = pledge_refusal(found.fund)
        if refusal is not None:
            raise ValidationError(refusal, code="closed")
        pledge.status = Pledge.Status.CONFIRMED
        pledge.confirmed_at = timezone.now()
        pledge.save(update_fields=["status", "confirmed_at"])
        public_counts_changed()
    pledge.fund = found.fund
    logger.info("Pledge %d confirmed", pledge.pk)
    return pledge


def pledge_cancel(*, token: str) -> Pledge:
    """Cancel the confirmed pledge that ``token`` (its manage link) names; return it.

    The pledge is CANCELLED and its address and name are erased at once, so
    the link stops working. Raises ValidationError (code "link") for a
    forged or altered token, or a pledge already received, cancelled,
    lapsed or deleted.
    """
    found = tokens.pledge_for_manage_token(token)
    if found is None:
        raise _link_invalid()
    now = timezone.now()
    with transaction.atomic():
        cancelled = Pledge.objects.filter(pk=found.pk, status=Pledge.Status.CONFIRMED).update(
            status=Pledge.Status.CANCELLED, closed_at=now, **_ERASED
        )
        if not cancelled:
            raise _link_invalid()
        public_counts_changed()
    found.refresh_from_db()
    logger.info("Pledge %d cancelled", found.pk)
    return found


@transaction.atomic
def pledge_receive(
    *,
    pledge: Pledge,
    by: User,
    organisation: Organisation,
    account: Account,
    received_on: datetime.date,
    amount: str = "",
) -> Contribution:
    """Mark a confirmed pledge received into ``account`` and post it as a contribution.

    ``amount`` (text, in the pledge's currency) is what arrived; empty means
    the amount pledged. The contribution names the pledger publicly only if
    they asked to be named. The pledge becomes RECEIVED, linked to the
    contribution, and its address is erased; the fund's record notes it.

    Raises PermissionDenied unless ``by`` is treasurer for ``organisation`` in
    the pledge's fund, or for an account of another fund (post_contribution's
    check); ValidationError
    for a pledge that is not CONFIRMED, an account that is not a bank or
    cash account of the pledge's currency, an amount that is not a positive
    amount of that currency, or a future date. Posting locks the fund.
    """
    fund = pledge.fund
    require_treasurer(by, fund, organisation)
    fund = lock_fund(fund)
    locked = Pledge.objects.select_for_update().filter(pk=pledge.pk, fund=fund).first()
    if locked is None:
        raise PermissionDenied
    if locked.status != Pledge.Status.CONFIRMED:
        raise ValidationError(
            _("Only a confirmed pledge can be marked received; this one is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    if account.kind not in {Account.Kind.BANK, Account.Kind.CASH}:
        raise ValidationError({"account": _("Choose the bank or cash account it arrived in.")})
    if account.currency != locked.currency:
        raise ValidationError(
            {
                "account": _("%(account)s holds %(currency)s only; this pledge is in %(pledged)s.")
                % {
                    "account": account.name,
                    "currency": account.currency,
                    "pledged": locked.currency,
                }
            }
        )
    amount_minor = parse_amount(amount, locked.currency) if amount.strip() else locked.amount_minor
    method = (
        Contribution.Method.CASH
        if account.kind == Account.Kind.CASH
        else Contribution.Method.BANK_TRANSFER
    )
    contribution = post_contribution(
        fund=fund,
        by=by,
        organisation=organisation,
        amount_minor=amount_minor,
        currency=locked.currency,
        account=account,
        method=method,
        donor_name=locked.name,
        donor_organisation=None,
        name_public=locked.name_public and bool(locked.name),
        received_on=received_on,
    )
    locked.contribution = contribution
    locked.status = Pledge.Status.RECEIVED
    locked.closed_at = timezone.now()
    locked.email = ""
    locked.save(update_fields=["contribution", "status", "closed_at", "email"])
    record(
        fund,
        FundEvent.Kind.PLEDGE_RECEIVED,
        _("Pledge %(reference)s of %(pledged)s received: %(amount)s posted as entry #%(number)d.")
        % {
            "reference": pledge_reference(locked),
            "pledged": format_money(locked.amount_minor, locked.currency),
            "amount": format_money(amount_minor, locked.currency),
            "number": contribution.entry.number,
        },
        by=by,
        organisation=organisation,
        entry=contribution.entry,
    )
    pledge.status = locked.status
    pledge.email = ""
    pledge.contribution = contribution
    return contribution


# --- The clock's jobs ------------------------------------------------------------------


def pledge_reminders_claim(*, now: datetime.datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` pledges owed their reminder at ``now``; return their ids.

    Owed: CONFIRMED at least ``remind_after()`` ago, with an address, never
    reminded. Claimed rows are marked reminded; rows another clock holds are
    skipped (PostgreSQL's SKIP LOCKED; SQLite runs one writer at a time), so
    no pledge is claimed twice and no pledge is reminded twice.
    """
    with transaction.atomic():
        ids = list(
            Pledge.objects.select_for_update(skip_locked=True)
            .filter(
                status=Pledge.Status.CONFIRMED,
                reminded_at__isnull=True,
                confirmed_at__lte=now - remind_after(),
            )
            .exclude(email="")
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        Pledge.objects.filter(pk__in=ids).update(reminded_at=now)
    return ids


def pledge_reminder_failed(*, pledge_ids: list[int]) -> None:
    """Make these reminders owed again (the mail server did not take them): the next
    clock run tries again, while the pledge is still open."""
    Pledge.objects.filter(pk__in=pledge_ids, status=Pledge.Status.CONFIRMED).update(
        reminded_at=None
    )


def pledges_remind_due() -> int:
    """The clock's job: queue the reminders owed now (how to pay, and a link to cancel).

    Queues one task (ids only) for each REMINDER_BATCH claimed pledges. Safe
    with two clocks and run after run: each pledge is claimed once. If the
    queue refuses the task, the claim is undone and the error raised (the
    clock logs it). Returns how many were queued.
    """
    from habeas.fund.tasks.pledges import send_pledge_reminders

    now = timezone.now()
    queued = 0
    while ids := pledge_reminders_claim(now=now, limit=REMINDER_BATCH):
        try:
            send_pledge_reminders.enqueue(pledge_ids=ids)
        except Exception:
            # The queue is down: the claim is undone, for the next run.
            pledge_reminder_failed(pledge_ids=ids)
            raise
        queued += len(ids)
        if len(ids) < REMINDER_BATCH:
            break
    return queued


def pledges_expire_due() -> dict[str, int]:
    """The clock's daily job: delete pledges never confirmed within ``confirm_within()``,
    and let confirmed pledges not received ``expire_after()`` after confirmation
    lapse (EXPIRED, address and name erased).

    Received and cancelled pledges are left as they are. Safe to run again
    and from two clocks: it only deletes and blanks what is due. Returns the
    counts, {"deleted": n, "expired": m}.
    """
    now = timezone.now()
    with transaction.atomic():
        deleted, _by_model = Pledge.objects.filter(
            status=Pledge.Status.PENDING, created_at__lt=now - tokens.confirm_within()
        ).delete()
        expired = Pledge.objects.filter(
            status=Pledge.Status.CONFIRMED, confirmed_at__lt=now - expire_after()
        ).update(status=Pledge.Status.EXPIRED, closed_at=now, **_ERASED)
        if expired:
            public_counts_changed()
    logger.info("Pledges: %d unconfirmed deleted, %d lapsed", deleted, expired)
    return {"deleted": deleted, "expired": expired}

"""Signatures: submitted without an account, confirmed by e-mail, withdrawn or erased.

A supporter has no account, so these services check no permission: the
letter must be open, and confirming, withdrawing or erasing is bound by the
token in the link mailed to the address (habeas.letters.tokens). None of
them touches a shared counter: each marks the rows whose standing changed
(``tally_due``) and the periodic tally folds them into the counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.core.pagecache import public_counts_changed
from habeas.letters import abuse
from habeas.letters.addresses import address_domain, address_key
from habeas.letters.models import SIGNER_DATA_ERASED, Letter, Signature

logger = logging.getLogger("habeas.letters")

# A signer may ask for the confirmation mail again by signing again; no more
# than this many mails go to one address for one signature.
MAX_CONFIRMATION_MAILS = 3


@dataclass(frozen=True)
class SignatureFacts:
    """What a signer wrote, already validated by the form."""

    name: str
    email: str
    country: str
    city: str = ""
    affiliation: str = ""
    show_name: bool = False
    send_updates: bool = False
    language: str = "en"


def letter_is_open(letter: Letter, now: datetime) -> bool:
    """Whether ``letter`` takes signatures at ``now``."""
    return (
        letter.status == Letter.Status.OPEN
        and (letter.opens_at is None or letter.opens_at <= now)
        and (letter.closes_at is None or now < letter.closes_at)
    )


def signature_submit(
    *,
    letter: Letter,
    facts: SignatureFacts,
    ip_hash: str,
    honeypot: str = "",
    started_at: datetime | None,
) -> tuple[Signature, bool]:
    """Record a signature, waiting for its e-mail to be confirmed.

    One signature per address per letter: the database's unique constraint
    on the address's keyed hash settles two submissions at once, and the
    second gets the first's row. Returns (signature, created). A suspect
    submission (abuse.assess) is stored, never counted and never mailed. A
    pending, unsuspected signature signed again has its confirmation mailed
    again, up to MAX_CONFIRMATION_MAILS. The caller answers every outcome
    alike, so nobody learns whether an address had signed.

    Raises ValidationError if the letter is not open for signing. The row
    is its own outbox: ``mail_due_at`` makes the confirmation mail due, and
    the clock's mail sweep queues its delivery (habeas.letters.tasks), so a
    submission writes one row and nothing else.
    """
    now = timezone.now()
    if not letter_is_open(letter, now):
        raise ValidationError(_("This letter is not open for signing."))
    domain = address_domain(facts.email)
    suspect = abuse.assess(
        ip_hash=ip_hash,
        email_domain=domain,
        honeypot=honeypot,
        started_at=started_at,
        now=now,
    )
    signature = Signature(
        letter=letter,
        name=facts.name,
        email=facts.email,
        email_key=address_key(facts.email),
        email_domain=domain,
        country=facts.country,
        city=facts.city,
        affiliation=facts.affiliation,
        show_name=facts.show_name,
        send_updates=facts.send_updates,
        language=facts.language,
        suspect=suspect,
        ip_hash=ip_hash,
        created_at=now,
        mail_due_at=None if suspect else now,
    )
    try:
        with transaction.atomic():
            signature.save(force_insert=True)
    except IntegrityError:
        return _signed_again(letter=letter, email_key=signature.email_key, now=now), False
    return signature, True


def _signed_again(*, letter: Letter, email_key: str | None, now: datetime) -> Signature:
    with transaction.atomic():
        existing = Signature.objects.select_for_update().get(letter=letter, email_key=email_key)
        if (
            existing.status == Signature.Status.PENDING
            and not existing.suspect
            and existing.mail_due_at is None
            and existing.mail_attempts < MAX_CONFIRMATION_MAILS
        ):
            existing.mail_due_at = now
            existing.save(update_fields=["mail_due_at"])
        return existing


def signature_confirm(*, signature: Signature) -> Signature:
    """Confirm a pending signature (the caller has checked its token).

    The signature counts from the next tally on, unless it is suspect or in
    an invalidated batch. The address itself is deleted now unless the
    signer asked for updates: its keyed hash still keeps the signature
    unique and lets the mailed link withdraw or erase it. A signature no
    longer pending is returned as it is.
    """
    with transaction.atomic():
        locked = Signature.objects.select_for_update().get(pk=signature.pk)
        if locked.status != Signature.Status.PENDING:
            return locked
        locked.status = Signature.Status.CONFIRMED
        locked.confirmed_at = timezone.now()
        locked.mail_due_at = None
        locked.tally_due = True
        if not locked.send_updates:
            locked.email = ""
        locked.save(update_fields=["status", "confirmed_at", "mail_due_at", "tally_due", "email"])
        # The name joins the public signatories now; the tally's fold moves the counts.
        public_counts_changed()
        return locked


def signature_withdraw(*, signature: Signature) -> None:
    """Withdraw one signature (the caller has checked its manage token).

    Its personal data goes at once; the row waits, with no name or address,
    until the tally has taken it out of the counts, and is then deleted.
    """
    with transaction.atomic():
        updated = (
            Signature.objects.filter(pk=signature.pk)
            .exclude(status__in=[Signature.Status.WITHDRAWN, Signature.Status.ERASED])
            .update(
                status=Signature.Status.WITHDRAWN,
                withdrawn_at=timezone.now(),
                tally_due=True,
                **SIGNER_DATA_ERASED,
            )
        )
        if updated:
            # The name leaves the public signatories now, the counts at the next fold.
            public_counts_changed()
    logger.info("Signature withdrawn: %s", "1" if updated else "0")


def signer_erase(*, signature: Signature) -> int:
    """Erase every signature made with this signature's address, on every letter.

    The caller has checked the manage token. Personal data goes at once;
    the rows are deleted once the tally has taken them out of the counts.
    Returns how many signatures were erased.
    """
    if not signature.email_key:
        return 0
    with transaction.atomic():
        erased = (
            Signature.objects.filter(email_key=signature.email_key)
            .exclude(status=Signature.Status.ERASED)
            .update(
                status=Signature.Status.ERASED,
                withdrawn_at=timezone.now(),
                tally_due=True,
                **SIGNER_DATA_ERASED,
            )
        )
        if erased:
            public_counts_changed()
    logger.info("Signer erased: %d signatures", erased)
    return erased


# --- The confirmation mail ---------------------------------------------------------

MAIL_LEASE = timedelta(minutes=10)
MAIL_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))


def signature_mail_claim(*, limit: int) -> list[Signature]:
    """Claim up to ``limit`` due confirmation mails, each for one attempt to send it.

    Returns the signatures, their mail now leased for MAIL_LEASE (no other
    worker sends them meanwhile), oldest due first. Mail stops being due
    once sent, once its signature is confirmed, withdrawn or erased, or
    after its last retry.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            Signature.objects.select_for_update(skip_locked=True)
            .select_related("letter")
            .filter(
                status=Signature.Status.PENDING,
                mail_due_at__isnull=False,
                mail_due_at__lte=now,
            )
            .exclude(email="")
            .order_by("mail_due_at", "pk")[:limit]
        )
        for signature in claimed:
            signature.mail_due_at = now + MAIL_LEASE
            signature.mail_attempts += 1
        Signature.objects.bulk_update(claimed, ["mail_due_at", "mail_attempts"])
        return claimed


def signature_mail_due() -> bool:
    """Whether any confirmation mail is due now."""
    return Signature.objects.filter(
        status=Signature.Status.PENDING, mail_due_at__lte=timezone.now()
    ).exists()


def signature_mail_sent(*, signature: Signature) -> None:
    """Record that the mail server took the confirmation mail: it is due no more."""
    Signature.objects.filter(pk=signature.pk).update(mail_due_at=None)


def signature_mail_failed(*, signature: Signature) -> datetime | None:
    """Record a failed attempt; return when to try again, or None to give up."""
    failures = signature.mail_attempts
    if failures > len(MAIL_RETRY_DELAYS):
        Signature.objects.filter(pk=signature.pk).update(mail_due_at=None)
        return None
    retry_at = timezone.now() + MAIL_RETRY_DELAYS[failures - 1]
    Signature.objects.filter(pk=signature.pk).update(mail_due_at=retry_at)
    return retry_at

"""Moderation of signatures: invalidating a batch, with a dry run first, and undoing it.

A batch is every signature of one letter that matches all the criteria
given (a time window of signing, a client-address pseudonym, an e-mail
domain) and is not in another standing batch. Each decision is kept on
record with who made it, when and why, and so is its undoing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.core.pagecache import public_counts_changed
from habeas.letters.models import Letter, Signature, SignatureInvalidation

PERM = "letters.moderate_signatures"
REASON_LIMIT = 2000
# Pseudonyms are shaped as IPv6 addresses in fd00::/8 (habeas.core.privacy) or hex digests.
_IP_HASH = re.compile(r"[0-9a-f:]{3,64}")
_DOMAIN = re.compile(r"[^\s@/]{1,253}")


@dataclass(frozen=True)
class Criteria:
    """Which signatures of a letter a batch takes, cleaned (see ``criteria_clean``)."""

    from_at: datetime | None
    until_at: datetime | None
    ip_hash: str
    email_domain: str

    def q(self) -> Q:
        condition = Q()
        if self.from_at is not None:
            condition &= Q(created_at__gte=self.from_at)
        if self.until_at is not None:
            condition &= Q(created_at__lt=self.until_at)
        if self.ip_hash:
            condition &= Q(ip_hash=self.ip_hash)
        if self.email_domain:
            condition &= Q(email_domain=self.email_domain)
        return condition


def _require(by: User, letter: Letter) -> None:
    if not by.has_perm(PERM, letter):
        raise PermissionDenied


def criteria_clean(
    *,
    from_at: datetime | None,
    until_at: datetime | None,
    ip_hash: str,
    email_domain: str,
) -> Criteria:
    """The criteria, normalised; ValidationError (by field) when malformed or none is given."""
    ip_hash = ip_hash.strip().lower()
    email_domain = email_domain.strip().lower().rstrip(".")
    errors: dict[str, list[str]] = {}
    if ip_hash and not (_IP_HASH.fullmatch(ip_hash) and re.search(r"[0-9a-f]", ip_hash)):
        errors["ip_hash"] = [
            _("This is not an address hash; copy one from the report on this page.")
        ]
    if email_domain and not _DOMAIN.fullmatch(email_domain):
        errors["email_domain"] = [
            _("Give the domain alone, as in example.org, without the part before the @.")
        ]
    if from_at is not None and until_at is not None and until_at <= from_at:
        errors["until_at"] = [_("The end of the time window must come after its start.")]
    if errors:
        raise ValidationError(errors)
    if from_at is None and until_at is None and not ip_hash and not email_domain:
        raise ValidationError(
            _("Give at least one of: a time window, an address hash, an e-mail domain.")
        )
    return Criteria(from_at, until_at, ip_hash, email_domain)


def _matching(letter: Letter, criteria: Criteria) -> QuerySet[Signature]:
    return Signature.objects.filter(criteria.q(), letter=letter, invalidation__isnull=True)


def invalidation_preview(
    *,
    by: User,
    letter: Letter,
    from_at: datetime | None,
    until_at: datetime | None,
    ip_hash: str,
    email_domain: str,
) -> int:
    """How many signatures that count now would stop counting: a dry run, writing nothing.

    Raises PermissionDenied unless ``by`` moderates the letter's signatures,
    ValidationError for criteria ``criteria_clean`` refuses.
    """
    _require(by, letter)
    criteria = criteria_clean(
        from_at=from_at, until_at=until_at, ip_hash=ip_hash, email_domain=email_domain
    )
    return (
        _matching(letter, criteria)
        .filter(status=Signature.Status.CONFIRMED, suspect=Signature.Suspect.NONE)
        .count()
    )


@transaction.atomic
def signatures_invalidate(
    *,
    by: User,
    letter: Letter,
    from_at: datetime | None,
    until_at: datetime | None,
    ip_hash: str,
    email_domain: str,
    reason: str,
) -> SignatureInvalidation:
    """Take every matching signature not in a standing batch out of the counts, on record.

    Pending and suspect signatures that match join the batch too, so a
    flood's late confirmations do not count either. Each marked signature
    gets ``tally_due`` so the tally takes it out of the published counts;
    ``matched`` records how many were marked.

    Raises PermissionDenied unless ``by`` moderates the letter's signatures,
    ValidationError for malformed or missing criteria or no reason.
    """
    _require(by, letter)
    criteria = criteria_clean(
        from_at=from_at, until_at=until_at, ip_hash=ip_hash, email_domain=email_domain
    )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why these signatures do not count.")})
    if len(reason) > REASON_LIMIT:
        raise ValidationError(
            {"reason": _("At most %(limit)d characters, please.") % {"limit": REASON_LIMIT}}
        )
    invalidation = SignatureInvalidation.objects.create(
        letter=letter,
        reason=reason,
        from_at=criteria.from_at,
        until_at=criteria.until_at,
        ip_hash=criteria.ip_hash,
        email_domain=criteria.email_domain,
        created_by=by,
    )
    # One UPDATE: a row another batch took meanwhile no longer matches the filter.
    invalidation.matched = _matching(letter, criteria).update(
        invalidation=invalidation, tally_due=True
    )
    invalidation.save(update_fields=["matched"])
    # Their names leave the public signatories now, the counts at the next fold.
    public_counts_changed()
    return invalidation


@transaction.atomic
def invalidation_undo(*, by: User, invalidation: SignatureInvalidation) -> SignatureInvalidation:
    """Let the batch's signatures count again (each as its own state says); kept on record.

    Raises PermissionDenied unless ``by`` moderates the letter's signatures,
    ValidationError when the batch was already undone.
    """
    _require(by, invalidation.letter)
    invalidation = SignatureInvalidation.objects.select_for_update().get(pk=invalidation.pk)
    if invalidation.undone_at is not None:
        raise ValidationError(_("This batch was already undone."))
    Signature.objects.filter(invalidation=invalidation).update(invalidation=None, tally_due=True)
    public_counts_changed()
    invalidation.undone_at = timezone.now()
    invalidation.undone_by = by
    invalidation.save(update_fields=["undone_at", "undone_by"])
    return invalidation

"""Least data for signers: jobs that expire, forget and anonymise on a schedule.

* Unconfirmed signatures are deleted after ``UNCONFIRMED_FOR`` (they never counted).
* Address pseudonyms are blanked after ``ADDRESSES_FOR``.
* ``ANONYMISE_AFTER`` after a letter closes, its signatures lose every
  personal field; status, country, the dates and ``counted`` stay, so the
  published counts do not move.

Each job works in batches of ``BATCH`` rows, each batch its own short
transaction, so none holds a lock the site would wait on; a job stopped
halfway finishes on its next run. These are the clock's jobs, not a
user's: they check no permission. ``daily_privacy`` runs all three.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from habeas.core.pagecache import public_counts_changed
from habeas.letters.models import SIGNER_DATA_ERASED, Letter, Signature

logger = logging.getLogger(__name__)

UNCONFIRMED_FOR = timedelta(days=7)
ADDRESSES_FOR = timedelta(days=30)
ANONYMISE_AFTER = timedelta(days=183)
BATCH = 1000

# What anonymising leaves of a signature: nothing that names or reaches the signer.
ANONYMOUS = SIGNER_DATA_ERASED


def _in_batches(rows: QuerySet[Signature], change: dict[str, object] | None) -> int:
    """Update (or, with ``change`` None, delete) ``rows`` BATCH at a time; how many.

    Walks the rows once in key order, so it ends even if a change left a
    row matching. Each batch re-applies the filter of ``rows``, so a row
    that stopped matching meanwhile (a signature confirmed a moment ago)
    is left alone.
    """
    done = 0
    after = 0
    while True:
        with transaction.atomic():
            ids = list(
                rows.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                return done
            batch = rows.filter(pk__in=ids)
            if change is None:
                done += batch.delete()[1].get(Signature._meta.label, 0)
            else:
                done += batch.update(**change)
        if len(ids) < BATCH:
            return done
        after = ids[-1]


def unconfirmed_expire(now: datetime | None = None) -> int:
    """Delete signatures still unconfirmed ``UNCONFIRMED_FOR`` after signing; how many."""
    now = now or timezone.now()
    rows = Signature.objects.filter(
        status=Signature.Status.PENDING, counted=False, created_at__lt=now - UNCONFIRMED_FOR
    )
    return _in_batches(rows, None)


def addresses_forget(now: datetime | None = None) -> int:
    """Blank the address pseudonym of signatures older than ``ADDRESSES_FOR``; how many."""
    now = now or timezone.now()
    rows = Signature.objects.filter(created_at__lt=now - ADDRESSES_FOR).exclude(ip_hash="")
    return _in_batches(rows, {"ip_hash": ""})


@dataclass(frozen=True)
class Anonymised:
    letters: int
    signatures: int


def _long_closed(now: datetime) -> QuerySet[Letter]:
    cutoff = now - ANONYMISE_AFTER
    return Letter.objects.filter(
        Q(status=Letter.Status.CLOSED, closed_at__lt=cutoff)
        | Q(status__in=[Letter.Status.OPEN, Letter.Status.CLOSED], closes_at__lt=cutoff),
        anonymised_at__isnull=True,
    )


def letters_anonymise(now: datetime | None = None) -> Anonymised:
    """Anonymise the signatures of letters closed more than ``ANONYMISE_AFTER`` ago.

    A letter counts as closed from ``closed_at`` (closed by hand) or from
    ``closes_at`` (its announced end), whichever came first. Marks each
    letter ``anonymised_at`` once all its signatures are done.
    """
    now = now or timezone.now()
    letters = signatures = 0
    for letter in _long_closed(now).order_by("pk"):
        personal = (
            Q(email_key__isnull=False)
            | ~Q(name="")
            | ~Q(email="")
            | ~Q(email_domain="")
            | ~Q(city="")
            | ~Q(affiliation="")
            | ~Q(ip_hash="")
            | Q(show_name=True)
        )
        signatures += _in_batches(
            Signature.objects.filter(personal, letter=letter), dict(ANONYMOUS)
        )
        Letter.objects.filter(pk=letter.pk).update(anonymised_at=now)
        # The letter's signatories leave its public pages; its counts stay.
        public_counts_changed()
        letters += 1
    return Anonymised(letters=letters, signatures=signatures)


@dataclass(frozen=True)
class PrivacyRun:
    expired: int
    forgotten: int
    anonymised: Anonymised


def daily_privacy(now: datetime | None = None) -> PrivacyRun:
    """Run the three jobs, and log what they did. For the clock, daily."""
    now = now or timezone.now()
    run = PrivacyRun(
        expired=unconfirmed_expire(now),
        forgotten=addresses_forget(now),
        anonymised=letters_anonymise(now),
    )
    logger.info(
        "Privacy: %d unconfirmed signatures deleted, %d address hashes forgotten, "
        "%d letters (%d signatures) anonymised.",
        run.expired,
        run.forgotten,
        run.anonymised.letters,
        run.anonymised.signatures,
    )
    return run

"""The published counts: folded from the signatures by a periodic job, never by a request.

A service that changes whether a signature counts only marks the row
(``tally_due``). ``tally_fold`` takes a bounded batch of marked rows, works
out how each changes the counts (``counted`` says whether the counts hold it
now), and applies one update per (letter, country, day) in the same
transaction that clears the marks. So the counts are exact as soon as a
fold has run, and no request ever waits on a shared counter row.

The invariant: for every (letter, country, UTC day of confirmation),
``SignatureCount.signatures`` equals the number of rows with
``counted=True``. ``tally_reconcile`` checks it against the rows and repairs
any difference, logging it.

These run from the clock (``habeas clock``), not on anyone's behalf, so
they take no acting user.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate

from habeas.core.pagecache import public_counts_changed
from habeas.letters.models import Letter, Signature, SignatureCount

logger = logging.getLogger("habeas.letters.tally")

# The condition of ``Signature.counts``, for queries.
COUNTS = Q(status=Signature.Status.CONFIRMED, suspect="", invalidation__isnull=True)

# Rows one fold takes; small enough that the write lock it holds (SQLite)
# or the rows it locks (PostgreSQL) are released within a fraction of a second.
FOLD_LIMIT = 1000
# Batches one clock tick folds at most, each in its own transaction.
FOLD_BATCHES = 20

# PostgreSQL advisory-lock namespace of the tally: folds take a letter's lock
# shared, the reconciliation exclusive, so that it compares rows and counts
# that no fold is half-way through changing.
_LOCK_NAMESPACE = 13_13


def _day(confirmed_at: datetime.datetime | None, created_at: datetime.datetime) -> datetime.date:
    """The UTC day a signature is counted on: when it was confirmed."""
    return (confirmed_at or created_at).astimezone(datetime.UTC).date()


def _lock_letters(letter_ids: list[int], *, shared: bool) -> None:
    """Take the tally's advisory lock on each letter (PostgreSQL; SQLite has one writer)."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        for letter_id in sorted(letter_ids):
            cursor.execute(
                f"SELECT {function}(%s, %s)",
                [_LOCK_NAMESPACE, letter_id & 0x7FFFFFFF],
            )


def _add(letter_id: int, country: str, day: datetime.date, delta: int) -> None:
    """Add ``delta`` to one count row, creating it if it is the first."""
    row = SignatureCount.objects.filter(letter_id=letter_id, country=country, day=day)
    if row.update(signatures=F("signatures") + delta):
        return
    try:
        with transaction.atomic():
            SignatureCount.objects.create(
                letter_id=letter_id, country=country, day=day, signatures=delta
            )
    except IntegrityError:
        # Another fold created it since; it has committed, so the row is there now.
        row.update(signatures=F("signatures") + delta)


@transaction.atomic
def tally_fold(*, limit: int = FOLD_LIMIT) -> int:
    """Fold up to ``limit`` signatures marked ``tally_due`` into the counts.

    Each marked row adds one to its (letter, country, day) if it counts now
    and was not counted, takes one away if it was counted and no longer
    counts; ``counted`` is set to match and the mark cleared, in the same
    transaction. Withdrawn and erased rows (already without a name or an
    address) that the counts no longer include are deleted.
    Safe to run from several processes at once: on PostgreSQL each fold
    locks its batch and skips rows another fold holds; on SQLite one writer
    runs at a time. Returns how many rows were folded.
    """
    rows = list(
        Signature.objects.filter(tally_due=True)
        .order_by("pk")
        .select_for_update(skip_locked=True)
        .annotate(counts_now=ExpressionWrapper(COUNTS, output_field=BooleanField()))
        .values_list(
            "pk", "letter_id", "country", "confirmed_at", "created_at", "counted", "counts_now"
        )[:limit]
    )
    deltas: dict[tuple[int, str, datetime.date], int] = defaultdict(int)
    now_counted: list[int] = []
    now_uncounted: list[int] = []
    for pk, letter_id, country, confirmed_at, created_at, counted, counts in rows:
        key = (letter_id, country, _day(confirmed_at, created_at))
        if counts and not counted:
            deltas[key] += 1
        elif counted and not counts:
            deltas[key] -= 1
        (now_counted if counts else now_uncounted).append(pk)
    _lock_letters(sorted({key[0] for key in deltas}), shared=True)
    # One order for every fold, so two folds never wait on each other in a circle.
    for (letter_id, country, day), delta in sorted(deltas.items()):
        if delta:
            _add(letter_id, country, day, delta)
    Signature.objects.filter(pk__in=now_counted).update(counted=True, tally_due=False)
    Signature.objects.filter(pk__in=now_uncounted).update(counted=False, tally_due=False)
    Signature.objects.filter(
        pk__in=now_uncounted, status__in=[Signature.Status.WITHDRAWN, Signature.Status.ERASED]
    ).delete()
    if any(deltas.values()):
        public_counts_changed()
    return len(rows)


def tally_fold_due(*, limit: int = FOLD_LIMIT, batches: int = FOLD_BATCHES) -> int:
    """Fold marked signatures in batches of ``limit``, each its own transaction, until
    none are left or ``batches`` have run (the clock calls this). Returns how many."""
    folded = 0
    for _batch in range(batches):
        done = tally_fold(limit=limit)
        folded += done
        if done < limit:
            break
    return folded


@dataclass(frozen=True)
class Difference:
    """A count that did not match its rows: what it said, and what the rows say."""

    letter_id: int
    country: str
    day: datetime.date
    recorded: int
    actual: int


@transaction.atomic
def _reconcile_letter(letter_id: int) -> list[Difference]:
    _lock_letters([letter_id], shared=False)
    actual = {
        (row["country"], row["day"]): row["n"]
        for row in Signature.objects.filter(letter_id=letter_id, counted=True)
        .annotate(day=TruncDate(Coalesce("confirmed_at", "created_at"), tzinfo=datetime.UTC))
        .values("country", "day")
        .annotate(n=Count("pk"))
        .order_by()
    }
    recorded = {
        (row["country"], row["day"]): row["n"]
        for row in SignatureCount.objects.filter(letter_id=letter_id)
        .values("country", "day")
        .annotate(n=Sum("signatures"))
        .order_by()
    }
    differences = []
    for country, day in sorted(actual.keys() | recorded.keys()):
        was, rows = recorded.get((country, day), 0), actual.get((country, day), 0)
        if was != rows:
            differences.append(Difference(letter_id, country, day, was, rows))
    if differences:
        public_counts_changed()
    for difference in differences:
        SignatureCount.objects.update_or_create(
            letter_id=letter_id,
            country=difference.country,
            day=difference.day,
            defaults={"signatures": difference.actual},
        )
    return differences


def tally_reconcile() -> list[Difference]:
    """Check every letter's counts against its counted rows and repair any difference.

    Each letter is checked in its own transaction, holding the letter's tally
    lock so no fold changes rows or counts half-way through. A difference
    means something other than the fold changed a count or a ``counted``
    flag; each one is set right and logged at WARNING on
    ``habeas.letters.tally`` (letter, country code, day and the two numbers:
    nothing about anyone who signed). Returns the differences found.
    """
    differences: list[Difference] = []
    letter_ids = list(Letter.objects.order_by("pk").values_list("pk", flat=True))
    for letter_id in letter_ids:
        found = _reconcile_letter(letter_id)
        for difference in found:
            logger.warning(
                "The count of letter %s for %s on %s was %s; its signatures say %s. Repaired.",
                difference.letter_id,
                difference.country or "-",
                difference.day.isoformat(),
                difference.recorded,
                difference.actual,
            )
        differences.extend(found)
    return differences

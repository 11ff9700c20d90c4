"""The published counts: exact after one fold, never doubled, repaired by the reconciliation."""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from habeas.letters.models import Letter, Signature, SignatureCount, SignatureInvalidation
from habeas.letters.services.tally import tally_fold, tally_fold_due, tally_reconcile
from tests.factories import UserFactory
from tests.letters.public_data import change, make_letter, sign

pytestmark = pytest.mark.django_db


def _total(letter: Letter) -> int:
    return sum(SignatureCount.objects.filter(letter=letter).values_list("signatures", flat=True))


def _counted(letter: Letter) -> int:
    return Signature.objects.filter(letter=letter, counted=True).count()


def test_a_confirmed_signature_counts_after_one_fold() -> None:
    """A confirmed signature is in the count once the fold has run, not before."""
    letter = make_letter()
    signature = sign(letter)
    assert _total(letter) == 0
    assert tally_fold() == 1
    assert _total(letter) == 1
    signature.refresh_from_db()
    assert signature.counted
    assert not signature.tally_due


def test_a_pending_signature_does_not_count() -> None:
    """An unconfirmed signature is not counted, even if it is marked for the tally."""
    letter = make_letter()
    change(sign(letter, status=Signature.Status.PENDING), tally_due=True)
    tally_fold()
    assert _total(letter) == 0


def test_folding_twice_changes_nothing() -> None:
    """A second fold with nothing marked leaves the counts as they are."""
    letter = make_letter()
    sign(letter)
    sign(letter)
    tally_fold()
    assert tally_fold() == 0
    assert _total(letter) == 2


def test_withdrawal_takes_the_signature_out_of_the_count() -> None:
    """A withdrawn signature leaves the count after one fold, and its row goes with it."""
    letter = make_letter()
    keep, leave = sign(letter), sign(letter)
    tally_fold()
    change(leave, status=Signature.Status.WITHDRAWN, withdrawn_at=timezone.now())
    tally_fold()
    assert _total(letter) == 1
    assert not Signature.objects.filter(pk=leave.pk).exists()
    assert Signature.objects.filter(pk=keep.pk, counted=True).exists()


def test_erasure_takes_the_signature_out_and_then_deletes_the_row() -> None:
    """An erased signature leaves the count, and its row is deleted in the same fold."""
    letter = make_letter()
    erased = sign(letter)
    sign(letter)
    tally_fold()
    change(erased, status=Signature.Status.ERASED, name="", email="", email_key=None)
    tally_fold()
    assert _total(letter) == 1
    assert not Signature.objects.filter(pk=erased.pk).exists()


def test_an_erased_row_never_counted_is_deleted() -> None:
    """An erased signature that was never counted is deleted without touching the count."""
    letter = make_letter()
    erased = sign(letter, status=Signature.Status.PENDING)
    change(erased, status=Signature.Status.ERASED)
    tally_fold()
    assert _total(letter) == 0
    assert not Signature.objects.filter(pk=erased.pk).exists()


def test_a_suspect_signature_does_not_count_and_counts_once_cleared() -> None:
    """A suspect signature is not counted; once no longer suspect, it is."""
    letter = make_letter()
    suspect = sign(letter, suspect=Signature.Suspect.IP_RATE)
    tally_fold()
    assert _total(letter) == 0
    change(suspect, suspect="")
    tally_fold()
    assert _total(letter) == 1


def test_a_counted_signature_found_suspect_leaves_the_count() -> None:
    """A counted signature later marked suspect leaves the count after one fold."""
    letter = make_letter()
    signature = sign(letter)
    tally_fold()
    change(signature, suspect=Signature.Suspect.DOMAIN_RATE)
    tally_fold()
    assert _total(letter) == 0


def test_invalidation_and_its_undo_change_the_count() -> None:
    """An invalidated batch leaves the count after one fold; undoing it brings it back."""
    letter = make_letter()
    batch = [sign(letter) for _ in range(3)]
    sign(letter)
    tally_fold()
    invalidation = SignatureInvalidation.objects.create(
        letter=letter, reason="A flood", created_by=UserFactory(), matched=3
    )
    for signature in batch:
        change(signature, invalidation=invalidation)
    tally_fold()
    assert _total(letter) == 1
    for signature in batch:
        change(signature, invalidation=None)
    tally_fold()
    assert _total(letter) == 4


def test_counts_are_kept_by_country_and_utc_day_of_confirmation() -> None:
    """Each signature counts on the UTC day it was confirmed, under its country."""
    letter = make_letter()
    karachi = datetime.timezone(datetime.timedelta(hours=5))
    # 02:00 in Karachi on 1 June is 21:00 UTC on 31 May.
    sign(letter, country="PK", confirmed_at=datetime.datetime(2025, 6, 1, 2, tzinfo=karachi))
    sign(letter, country="PK", confirmed_at=datetime.datetime(2025, 5, 31, 9, tzinfo=datetime.UTC))
    sign(letter, country="GB", confirmed_at=datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC))
    tally_fold()
    rows = set(SignatureCount.objects.values_list("country", "day", "signatures"))
    assert rows == {
        ("PK", datetime.date(2025, 5, 31), 2),
        ("GB", datetime.date(2025, 6, 1), 1),
    }


def test_a_fold_takes_a_bounded_batch() -> None:
    """One fold takes at most ``limit`` rows; the clock's job folds batch after batch."""
    letter = make_letter()
    for _ in range(5):
        sign(letter)
    assert tally_fold(limit=2) == 2
    assert _total(letter) == 2
    assert tally_fold_due(limit=2) == 3
    assert _total(letter) == 5
    assert Signature.objects.filter(tally_due=True).count() == 0


def test_signatures_of_several_letters_fold_into_their_own_counts() -> None:
    """One batch spanning letters adds each signature to its own letter's count."""
    first, second = make_letter(), make_letter()
    sign(first)
    sign(second)
    sign(second)
    tally_fold()
    assert (_total(first), _total(second)) == (1, 2)


def test_reconciliation_finds_nothing_when_the_counts_are_right(caplog: Any) -> None:
    """Right counts give no difference and no warning."""
    letter = make_letter()
    sign(letter)
    tally_fold()
    with caplog.at_level(logging.WARNING, logger="habeas.letters.tally"):
        assert tally_reconcile() == []
    assert caplog.records == []


def test_reconciliation_repairs_a_tampered_count_and_logs_it(caplog: Any) -> None:
    """A count changed by hand, a count deleted and a count invented are all set back to
    what the rows say, and each is logged at WARNING without anyone's name or address."""
    letter = make_letter()
    day = datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC)
    for _ in range(3):
        sign(letter, country="PK", confirmed_at=day, name="Secret Name")
    sign(letter, country="GB", confirmed_at=day, email="hidden@example.org")
    tally_fold()
    SignatureCount.objects.filter(country="PK").update(signatures=99)
    SignatureCount.objects.filter(country="GB").delete()
    SignatureCount.objects.create(letter=letter, country="DE", day=day.date(), signatures=5)
    with caplog.at_level(logging.WARNING, logger="habeas.letters.tally"):
        differences = tally_reconcile()
    assert {(d.country, d.recorded, d.actual) for d in differences} == {
        ("PK", 99, 3),
        ("GB", 0, 1),
        ("DE", 5, 0),
    }
    assert _total(letter) == 4
    assert tally_reconcile() == []
    warnings = [r for r in caplog.records if r.name == "habeas.letters.tally"]
    assert len(warnings) == 3
    assert all(r.levelno == logging.WARNING for r in warnings)
    logged = " ".join(r.getMessage() for r in warnings)
    assert "Secret" not in logged
    assert "hidden" not in logged
    assert "example.org" not in logged


def test_reconciliation_repairs_a_counted_flag_without_its_count() -> None:
    """A row marked counted that no count holds is added to the counts."""
    letter = make_letter()
    signature = sign(letter)
    Signature.objects.filter(pk=signature.pk).update(counted=True, tally_due=False)
    assert len(tally_reconcile()) == 1
    assert _total(letter) == 1


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in its own thread with its own connection, released together."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(n: int) -> None:
        try:
            start.wait()
            results[n] = calls[n]()
        except Exception as error:  # reported in the test's thread
            results[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results


@pytest.mark.django_db(transaction=True)
def test_two_folds_at_once_never_count_a_signature_twice() -> None:
    """Two folds running together fold each signature once: on PostgreSQL each skips the
    rows the other has locked; on SQLite they take turns. The count is exact."""
    letter = make_letter()
    for n in range(120):
        sign(letter, country=["PK", "GB"][n % 2])
    folded = _at_once(
        lambda: sum(tally_fold(limit=30) for _ in range(4)),
        lambda: sum(tally_fold(limit=30) for _ in range(4)),
    )
    assert sum(folded) == 120
    assert _total(letter) == 120 == _counted(letter)
    assert SignatureCount.objects.filter(letter=letter).count() == 2
    assert tally_reconcile() == []


@pytest.mark.django_db(transaction=True)
def test_a_fold_and_a_reconciliation_at_once_find_no_false_difference() -> None:
    """The reconciliation never sees a fold half-done, so it repairs nothing that is right."""
    letter = make_letter()
    for _ in range(60):
        sign(letter)
    _folded, differences = _at_once(lambda: tally_fold_due(limit=10), tally_reconcile)
    assert differences == []
    assert _total(letter) == 60 == _counted(letter)


def test_the_clock_run_once_folds_and_reconciles() -> None:
    """`habeas clock --once` (as tests and the benchmark use it) brings the counts up to date."""
    letter = make_letter()
    sign(letter)
    sign(letter)
    call_command("clock", once=True)
    assert _total(letter) == 2
    assert not Signature.objects.filter(tally_due=True).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer: a second fold cannot start while the first is open, "
    "so two folds can never create one count row at once there.",
)
def test_two_folds_creating_the_same_count_row_at_once_add_up() -> None:
    """When two folds both find no count row for a day and both insert it, the second
    waits for the first, sees the clash and adds to the row instead: nothing is lost."""
    letter = make_letter()
    sign(letter)
    sign(letter)
    first_open, first_may_commit = threading.Event(), threading.Event()

    def first() -> int:
        with transaction.atomic():
            folded = tally_fold(limit=1)
            first_open.set()
            assert first_may_commit.wait(timeout=60)
        return folded

    def second() -> int:
        assert first_open.wait(timeout=60)
        return tally_fold(limit=1)

    def release_once_second_waits() -> None:
        assert first_open.wait(timeout=60)
        for _ in range(600):  # until the second fold waits on the first's new row
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                if cursor.fetchone()[0]:
                    break
            threading.Event().wait(0.05)
        first_may_commit.set()

    folded = _at_once(first, second, release_once_second_waits)
    assert folded[:2] == [1, 1]
    assert _total(letter) == 2 == _counted(letter)
    assert SignatureCount.objects.filter(letter=letter).count() == 1

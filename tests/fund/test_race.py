"""Treasurers acting at the same moment: one payment where there is money for one,
one payment entry per request, one reversal per entry, and no gap in entry numbers.

Each call runs in its own thread with its own database connection, released
together by a barrier, on SQLite (writers queue on the busy timeout: IMMEDIATE
transactions) and PostgreSQL (the fund's row lock and the balance check). The
tests assert the outcome, never the timing, and repeat each race a few times.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from habeas.fund.models import Account, Balance, Disbursement, Entry
from habeas.fund.services.contributions import contribution_record
from habeas.fund.services.disbursements import disbursement_approve, disbursement_request
from habeas.fund.services.ledger import entry_reverse
from habeas.fund.services.setup import account_add
from tests.fund.conftest import Books
from tests.fund.test_properties import assert_books_hold

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4


def at_once(*steps: Callable[[], Any]) -> list[Any]:
    """Run each step in its own thread, released together; each one's result or the
    exception it raised, in order."""
    start = threading.Barrier(len(steps))
    outcomes: list[Any] = [None] * len(steps)

    def run(n: int) -> None:
        try:
            start.wait()
            outcomes[n] = steps[n]()
        except Exception as error:  # judged by the test, in its own thread
            outcomes[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(steps))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def split(outcomes: list[Any]) -> tuple[list[Any], list[Exception]]:
    """(results, refusals); any error other than ValidationError fails the test."""
    for outcome in outcomes:
        if isinstance(outcome, Exception) and not isinstance(outcome, ValidationError):
            raise outcome
    done = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    return done, [outcome for outcome in outcomes if isinstance(outcome, Exception)]


def new_bank(books: Books, n: int, holding: str) -> Account:
    """A fresh GBP bank account holding ``holding``."""
    bank = account_add(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        kind=Account.Kind.BANK,
        name=f"Bank {n}",
        currency="GBP",
    )
    give(books, holding, bank)
    return bank


def give(books: Books, amount: str, account: Account) -> Entry:
    return contribution_record(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        amount=amount,
        currency="GBP",
        account=account,
        method="BANK_TRANSFER",
        received_on=books.today,
    ).entry


def ask(books: Books, amount: str, account: Account, category: str = "legal-fees") -> Disbursement:
    return disbursement_request(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        amount=amount,
        currency="GBP",
        account=account,
        category=books.account(category),
        purpose="Lawyer's fee",
    )


def approving(disbursement: Disbursement, by: Any, organisation: Any) -> Callable[[], Any]:
    """An approval as a page makes it: from the request as loaded before the race began,
    its own copy, not an object another thread changes."""
    loaded = Disbursement.objects.get(pk=disbursement.pk)
    return partial(disbursement_approve, disbursement=loaded, by=by, organisation=organisation)


def reversing(entry: Entry, by: Any, organisation: Any) -> Callable[[], Any]:
    loaded = Entry.objects.get(pk=entry.pk)
    return partial(entry_reverse, entry=loaded, by=by, organisation=organisation, reason="Bounced")


def held(account: Account) -> int:
    return Balance.objects.get(account=account, currency="GBP").balance_minor


def test_two_approvals_that_would_each_overdraw_race_and_exactly_one_pays(books: Books) -> None:
    """The bank holds 100; A asks for 70 twice (for lawyers and for bail); B and C
    approve one each at the same moment: exactly one is paid, the other approval is
    refused with a clear message and leaves its request waiting with A's approval
    alone; the bank holds 30. (Different spending accounts, so that nothing but the
    fund's lock and the bank's balance puts one payment after the other.)"""
    for n in range(ROUNDS):
        bank = new_bank(books, n, "100")
        first, second = ask(books, "70", bank), ask(books, "70", bank, "bail")
        paid, refused = split(
            at_once(approving(first, books.tb, books.b), approving(second, books.tc, books.c))
        )
        assert len(paid) == 1
        assert len(refused) == 1
        assert "below zero" in str(refused[0])
        statuses = sorted(
            Disbursement.objects.filter(pk__in=[first.pk, second.pk]).values_list(
                "status", flat=True
            )
        )
        assert statuses == [Disbursement.Status.PAID, Disbursement.Status.REQUESTED]
        waiting = Disbursement.objects.get(
            pk__in=[first.pk, second.pk], status=Disbursement.Status.REQUESTED
        )
        assert list(waiting.approvals.values_list("organisation", flat=True)) == [books.a.pk]
        assert held(bank) == 3000
        assert not Balance.objects.filter(balance_minor__lt=0).exists()
    assert_books_hold(books.fund)


def test_two_approvals_of_one_request_racing_pay_it_once(books: Books) -> None:
    """With two organisations needed, B and C approve A's request at the same moment:
    one approval pays it, the other is told it is paid; there is one payment entry."""
    bank = new_bank(books, 0, "1000")
    for _n in range(ROUNDS):
        request = ask(books, "70", bank)
        paid, refused = split(
            at_once(approving(request, books.tb, books.b), approving(request, books.tc, books.c))
        )
        assert len(paid) == 1
        assert len(refused) == 1
        assert "no longer waiting" in str(refused[0])
        request.refresh_from_db()
        assert request.status == Disbursement.Status.PAID
        assert request.approvals.count() == 2
    assert Entry.objects.filter(kind=Entry.Kind.DISBURSEMENT).count() == ROUNDS
    assert held(bank) == 100000 - ROUNDS * 7000
    assert_books_hold(books.fund)


def test_two_reversals_of_one_entry_racing_reverse_it_once(books: Books) -> None:
    """B and C reverse the same contribution at the same moment: one reversal is
    posted, the other is told it is reversed already."""
    for _n in range(ROUNDS):
        entry = give(books, "25", books.bank)
        reversed_, refused = split(
            at_once(reversing(entry, books.tb, books.b), reversing(entry, books.tc, books.c))
        )
        assert len(reversed_) == 1
        assert len(refused) == 1
        assert "already been reversed" in str(refused[0])
        assert Entry.objects.filter(reverses=entry).count() == 1
    assert held(books.bank) == 0
    assert_books_hold(books.fund)


def test_contributions_racing_take_unique_numbers_without_gaps(books: Books) -> None:
    """Four treasurers record contributions at the same moment, again and again, in
    four currencies (so that no balance row they share puts one after the other):
    every one is posted, and entry numbers run 1..n, each once."""
    promised = books.account("pledges-receivable")
    gifts = [
        (books.ta, books.a, "GBP", books.bank),
        (books.ta2, books.a, "USD", promised),
        (books.tb, books.b, "PKR", promised),
        (books.tc, books.c, "EUR", promised),
    ]

    def record(by: Any, organisation: Any, currency: str, account: Account) -> Callable[[], Any]:
        return partial(
            contribution_record,
            fund=books.fund,
            by=by,
            organisation=organisation,
            amount="10",
            currency=currency,
            account=account,
            method="CASH",
            received_on=books.today,
        )

    for _n in range(ROUNDS):
        done, refused = split(at_once(*(record(*gift) for gift in gifts)))
        assert len(done) == len(gifts)
        assert refused == []
    numbers = sorted(Entry.objects.filter(fund=books.fund).values_list("number", flat=True))
    assert numbers == list(range(1, ROUNDS * len(gifts) + 1))
    assert held(books.bank) == ROUNDS * 1000
    assert_books_hold(books.fund)

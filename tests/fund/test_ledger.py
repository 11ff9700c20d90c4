"""The ledger's core promises, through the services: balanced entries, balances kept,
payments paid only on several organisations' word."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from habeas.fund.models import Balance, Disbursement, Entry, Line
from habeas.fund.services.contributions import contribution_record
from habeas.fund.services.disbursements import disbursement_approve, disbursement_request
from habeas.fund.services.ledger import Leg, entry_reverse, lock_fund, post_entry, transfer_post
from tests.fund.conftest import Books


def give(books: Books, amount: str = "100.00", *, by: Any = None, account: Any = None) -> Any:
    return contribution_record(
        fund=books.fund,
        by=by or books.ta,
        organisation=books.a,
        amount=amount,
        currency="GBP",
        account=account or books.bank,
        method="BANK_TRANSFER",
        received_on=books.today,
    )


def balance(account: Any, currency: str = "GBP") -> int:
    row = Balance.objects.filter(account=account, currency=currency).first()
    return row.balance_minor if row else 0


def request(books: Books, amount: str = "60.00") -> Disbursement:
    return disbursement_request(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        amount=amount,
        currency="GBP",
        account=books.bank,
        category=books.legal,
        purpose="Lawyer's fee for the bail hearing",
    )


def test_a_contribution_posts_a_balanced_entry(books: Books) -> None:
    """A contribution debits the bank and credits contributions, in exact minor units."""
    contribution = give(books, "100.05")
    lines = {line.account.code: line.amount_minor for line in contribution.entry.lines.all()}
    assert lines == {"bank-gbp": 10005, "contributions": -10005}
    assert balance(books.bank) == 10005
    assert balance(books.account("contributions")) == 10005


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("1.005", "decimal places"),
        ("ten", "amount such as"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_posted(
    books: Books, amount: str, message: str
) -> None:
    """A zero, negative, over-precise or non-numeric amount is refused; no entry is posted."""
    with pytest.raises(ValidationError, match=message):
        give(books, amount)
    assert not Entry.objects.exists()


def test_an_unknown_currency_is_refused(books: Books) -> None:
    with pytest.raises(ValidationError, match="not a currency"):
        contribution_record(
            fund=books.fund,
            by=books.ta,
            organisation=books.a,
            amount="5",
            currency="XYZ",
            account=books.bank,
            method="CASH",
            received_on=books.today,
        )
    assert not Entry.objects.exists()


def test_an_unbalanced_entry_is_refused(books: Books) -> None:
    """Debits and credits must be equal in each currency."""
    with pytest.raises(ValidationError, match="does not balance in GBP"):
        transfer_post(
            fund=books.fund,
            by=books.ta,
            organisation=books.a,
            booked_on=books.today,
            description="Cash paid in",
            lines=[(books.bank, "GBP", "10", ""), (books.cash, "GBP", "", "9")],
        )
    lock_fund(books.fund)
    with pytest.raises(ValidationError, match="does not balance"):
        post_entry(
            fund=books.fund,
            kind=Entry.Kind.TRANSFER,
            booked_on=books.today,
            description="x",
            legs=[Leg(books.bank, "GBP", 100), Leg(books.cash, "GBP", -99)],
            by=books.ta,
            organisation=books.a,
        )
    assert not Entry.objects.exists()


def test_a_posted_entry_is_never_edited(books: Books) -> None:
    entry = give(books).entry
    entry.description = "Something else"
    with pytest.raises(ValidationError, match="never changed"):
        entry.save()
    line = entry.lines.first()
    assert line is not None
    line.amount_minor = 1
    with pytest.raises(ValidationError, match="never changed"):
        line.save()
    with pytest.raises(ValidationError, match="never deleted"):
        entry.delete()


def test_a_payment_needs_a_second_organisation(books: Books) -> None:
    """The request counts for A; a treasurer of B approving pays it."""
    give(books)
    disbursement = request(books)
    assert disbursement.status == Disbursement.Status.REQUESTED
    with pytest.raises(ValidationError, match="You asked for this payment"):
        disbursement_approve(disbursement=disbursement, by=books.ta, organisation=books.a)
    with pytest.raises(ValidationError, match="already approved"):
        disbursement_approve(disbursement=disbursement, by=books.ta2, organisation=books.a)
    with pytest.raises(PermissionDenied):
        disbursement_approve(disbursement=disbursement, by=books.tb, organisation=books.c)
    assert balance(books.bank) == 10000
    disbursement_approve(disbursement=disbursement, by=books.tb, organisation=books.b)
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.PAID
    assert balance(books.bank) == 4000
    assert balance(books.legal) == 6000


def test_a_payment_that_would_overdraw_is_refused_and_nothing_is_recorded(books: Books) -> None:
    give(books, "50")
    disbursement = request(books, "60")
    with pytest.raises(ValidationError, match="below zero"):
        disbursement_approve(disbursement=disbursement, by=books.tb, organisation=books.b)
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.REQUESTED
    assert disbursement.approvals.count() == 1
    assert balance(books.bank) == 5000


def test_a_reversal_restores_every_balance(books: Books) -> None:
    entry = give(books, "70").entry
    reversal = entry_reverse(entry=entry, by=books.tb, organisation=books.b, reason="Bounced")
    assert reversal.reverses == entry
    assert balance(books.bank) == 0
    assert balance(books.account("contributions")) == 0
    assert sum(Line.objects.values_list("amount_minor", flat=True)) == 0
    with pytest.raises(ValidationError, match="already been reversed"):
        entry_reverse(entry=entry, by=books.tb, organisation=books.b, reason="Again")


def test_money_spent_cannot_be_unreceived(books: Books) -> None:
    entry = give(books, "100").entry
    disbursement = request(books, "60")
    disbursement_approve(disbursement=disbursement, by=books.tb, organisation=books.b)
    with pytest.raises(ValidationError, match="below zero"):
        entry_reverse(entry=entry, by=books.tb, organisation=books.b, reason="Bounced")


def test_editors_coordinators_and_other_campaigns_treasurers_touch_no_money(books: Books) -> None:
    for user in (books.editor, books.coordinator, books.site_admin, books.nobody, books.tx):
        with pytest.raises(PermissionDenied):
            give(books, by=user)
    assert not Entry.objects.exists()


def test_the_ledgers_words_do_not_follow_the_posters_language(books: Books) -> None:
    """A treasurer reading the site in Urdu posts the same public words as one reading
    it in English: the ledger is stored once, in the site's language."""
    from django.utils import translation

    with translation.override("ur"):
        entry = give(books, "10").entry
        reversal = entry_reverse(entry=entry, by=books.tb, organisation=books.b, reason="Twice")
    assert entry.description == "Contribution (donor not named)"
    assert reversal.description == f"Reversal of entry #{entry.number}"

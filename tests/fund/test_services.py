"""Bad input to the fund's services: a clear message, and nothing written.

Every test here takes a snapshot of everything the fund's services write
(``written``) and checks it is unchanged after the refusal, so a check that
fails late, after a first row was written, is caught as well as a missing one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from habeas.coalition.models import Role, RoleGrant
from habeas.fund.models import (
    Account,
    Approval,
    Balance,
    Contribution,
    Disbursement,
    Entry,
    ExchangeRate,
    Fund,
    FundEvent,
    Line,
    MonthTotal,
)
from habeas.fund.money import parse_amount
from habeas.fund.services.contributions import contribution_record
from habeas.fund.services.disbursements import (
    RECEIPT_MAX_BYTES,
    disbursement_approve,
    disbursement_decline,
    disbursement_request,
    disbursement_withdraw,
    receipt_open,
)
from habeas.fund.services.ledger import (
    MAX_LINES,
    Leg,
    entry_reverse,
    lock_fund,
    post_entry,
    transfer_post,
)
from habeas.fund.services.setup import (
    account_add,
    fund_open,
    fund_settings_change,
    rate_record,
)
from tests.factories import UserFactory, grant, member
from tests.fund.conftest import Books

# --- Helpers -----------------------------------------------------------------


def written() -> tuple[Any, ...]:
    """Everything the fund's services write, for "nothing was written"."""
    return (
        sorted(Balance.objects.values_list("account_id", "currency", "balance_minor")),
        sorted(
            MonthTotal.objects.values_list("month", "currency", "income_minor", "spending_minor")
        ),
        list(Entry.objects.order_by("pk").values_list("pk", "number", "kind", "description")),
        Line.objects.count(),
        Contribution.objects.count(),
        sorted(Disbursement.objects.values_list("pk", "status", "entry_id", "close_reason")),
        sorted(Approval.objects.values_list("disbursement_id", "organisation_id")),
        sorted(Account.objects.values_list("pk", "code", "name", "currency")),
        ExchangeRate.objects.count(),
        sorted(Fund.objects.values_list("pk", "goal_minor", "approvals_required", "how_to_pay")),
        FundEvent.objects.count(),
    )


def refused(
    step: Callable[[], Any],
    message: str | None = None,
    error: type[Exception] = ValidationError,
) -> Exception:
    """``step`` is refused with ``error`` (whose text holds ``message``) and writes nothing."""
    before = written()
    with pytest.raises(error) as raised:
        step()
    if message is not None:
        assert message in " ".join(_messages(raised.value)), _messages(raised.value)
    assert written() == before, "a refused step wrote something"
    return raised.value


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(message) for message in error.messages]
    return [str(error)]


def give(
    books: Books,
    amount: str = "100",
    *,
    by: Any = None,
    organisation: Any = None,
    currency: str = "GBP",
    account: Account | None = None,
    **extra: Any,
) -> Contribution:
    fields: dict[str, Any] = {
        "fund": books.fund,
        "by": by or books.ta,
        "organisation": organisation or books.a,
        "amount": amount,
        "currency": currency,
        "account": account or books.bank,
        "method": Contribution.Method.BANK_TRANSFER,
        "received_on": books.today,
    }
    return contribution_record(**(fields | extra))


def ask(
    books: Books,
    amount: str = "60",
    *,
    by: Any = None,
    organisation: Any = None,
    currency: str = "GBP",
    account: Account | None = None,
    category: Account | None = None,
    **extra: Any,
) -> Disbursement:
    fields: dict[str, Any] = {
        "fund": books.fund,
        "by": by or books.ta,
        "organisation": organisation or books.a,
        "amount": amount,
        "currency": currency,
        "account": account or books.bank,
        "category": category or books.legal,
        "purpose": "Lawyer's fee for the bail hearing",
    }
    return disbursement_request(**(fields | extra))


def move(
    books: Books,
    lines: list[tuple[Account, str, str, str]],
    *,
    by: Any = None,
    organisation: Any = None,
    booked_on: datetime.date | None = None,
    description: str = "Cash paid into the bank",
) -> Entry:
    return transfer_post(
        fund=books.fund,
        by=by or books.ta,
        organisation=organisation or books.a,
        booked_on=booked_on or books.today,
        description=description,
        lines=lines,
    )


def approve(disbursement: Disbursement, by: Any, organisation: Any) -> Disbursement:
    return disbursement_approve(disbursement=disbursement, by=by, organisation=organisation)


def bank_in(books: Books, currency: str) -> Account:
    return account_add(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        kind=Account.Kind.BANK,
        name=f"Bank in {currency}",
        currency=currency,
    )


@pytest.fixture
def tbc(books: Books) -> Any:
    """One person who is treasurer of both B and C."""
    user = UserFactory(username="tbc")
    grant(user, Role.TREASURER, organisation=books.b, campaign=books.campaign)
    grant(user, Role.TREASURER, organisation=books.c, campaign=books.campaign)
    return user


@pytest.fixture
def receipts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Receipts are kept in a temporary private folder."""
    field = Disbursement._meta.get_field("receipt")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=str(tmp_path)))
    return tmp_path


# --- Entries that do not balance ------------------------------------------------


def test_an_unbalanced_entry_is_refused_by_post_entry(books: Books) -> None:
    """Debits and credits must be equal in each currency: the message names it."""
    lock_fund(books.fund)
    usd = bank_in(books, "USD")

    def post(legs: list[Leg]) -> Callable[[], Entry]:
        return lambda: post_entry(
            fund=books.fund,
            kind=Entry.Kind.TRANSFER,
            booked_on=books.today,
            description="Paid in",
            legs=legs,
            by=books.ta,
            organisation=books.a,
        )

    refused(
        post([Leg(books.bank, "GBP", 100), Leg(books.cash, "GBP", -99)]),
        "does not balance in GBP",
    )
    # Balanced in total, not in each currency.
    refused(
        post([Leg(books.bank, "GBP", 100), Leg(usd, "USD", -100)]),
        "does not balance in GBP, USD",
    )


def test_post_entry_refuses_lines_it_cannot_post(books: Books) -> None:
    """One line, too many lines, a zero line, an unknown currency, another fund's
    account, a currency the account does not hold, no description, and money
    taken below zero: each refused with its own message."""
    lock_fund(books.fund)
    other_bank = books.account("bank-gbp", books.other_fund)

    def post(legs: list[Leg], description: str = "Paid in") -> Callable[[], Entry]:
        return lambda: post_entry(
            fund=books.fund,
            kind=Entry.Kind.TRANSFER,
            booked_on=books.today,
            description=description,
            legs=legs,
            by=books.ta,
            organisation=books.a,
        )

    refused(post([Leg(books.bank, "GBP", 100)]), "at least two lines")
    many = [Leg(books.bank, "GBP", 1), Leg(books.cash, "GBP", -1)] * (MAX_LINES // 2 + 1)
    refused(post(many), f"at most {MAX_LINES} lines")
    refused(post([Leg(books.bank, "GBP", 0), Leg(books.cash, "GBP", 0)]), "cannot be zero")
    promised = books.account("pledges-receivable")
    refused(post([Leg(promised, "XYZ", 1), Leg(promised, "XYZ", -1)]), "not a currency")
    refused(post([Leg(other_bank, "GBP", 1), Leg(books.cash, "GBP", -1)]), "this fund's")
    refused(post([Leg(books.bank, "USD", 1), Leg(promised, "USD", -1)]), "holds GBP only")
    refused(post([Leg(books.bank, "GBP", 1), Leg(books.cash, "GBP", -1)], "  "), "Say what")
    refused(post([Leg(books.bank, "GBP", 1), Leg(books.cash, "GBP", -1)], "x" * 301), "At most")
    refused(post([Leg(books.bank, "GBP", 1), Leg(books.cash, "GBP", -1)]), "below zero")


def test_an_unbalanced_transfer_is_refused(books: Books) -> None:
    give(books, "100")
    refused(
        lambda: move(books, [(books.cash, "GBP", "10", ""), (books.bank, "GBP", "", "9.99")]),
        "does not balance in GBP",
    )


def test_a_transfer_line_needs_a_debit_or_a_credit_not_both(books: Books) -> None:
    give(books, "100")
    refused(
        lambda: move(books, [(books.cash, "GBP", "10", "10"), (books.bank, "GBP", "", "10")]),
        "not both",
    )
    refused(
        lambda: move(books, [(books.cash, "GBP", " ", ""), (books.bank, "GBP", "", "10")]),
        "not both",
    )


@pytest.mark.parametrize("code", ["contributions", "legal-fees"])
def test_a_transfer_touching_income_or_spending_is_refused(books: Books, code: str) -> None:
    """Money leaves only as an approved payment, and arrives only as a contribution:
    a transfer may not touch income or spending accounts."""
    give(books, "100")
    other = books.account(code)
    refused(
        lambda: move(books, [(other, "GBP", "10", ""), (books.bank, "GBP", "", "10")]),
        "request a payment",
    )
    refused(
        lambda: move(books, [(books.bank, "GBP", "10", ""), (other, "GBP", "", "10")]),
        "request a payment",
    )


def test_a_transfer_may_not_overdraw_use_another_fund_or_book_the_future(books: Books) -> None:
    give(books, "100")
    refused(
        lambda: move(
            books, [(books.cash, "GBP", "100.01", ""), (books.bank, "GBP", "", "100.01")]
        ),
        "below zero",
    )
    other_cash = books.account("cash-gbp", books.other_fund)
    refused(
        lambda: move(books, [(other_cash, "GBP", "10", ""), (books.bank, "GBP", "", "10")]),
        error=PermissionDenied,
    )
    refused(
        lambda: move(
            books,
            [(books.cash, "GBP", "10", ""), (books.bank, "GBP", "", "10")],
            booked_on=books.today + datetime.timedelta(days=2),
        ),
        "cannot be in the future",
    )
    refused(
        lambda: move(books, [(books.cash, "XYZ", "10", ""), (books.bank, "XYZ", "", "10")]),
        "not a currency",
    )
    refused(
        lambda: move(books, [(books.cash, "GBP", "0", ""), (books.bank, "GBP", "", "0")]),
        "more than zero",
    )


# --- Amounts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("0", "GBP", "more than zero"),
        ("0.00", "GBP", "more than zero"),
        ("-5", "GBP", "more than zero"),
        ("-0.01", "USD", "more than zero"),
        ("1.005", "GBP", "GBP has 2 decimal places"),
        ("0.001", "PKR", "PKR has 2 decimal places"),
        ("100.5", "JPY", "JPY has no decimal places"),
        ("1.50", "JPY", "JPY has no decimal places"),
        ("1000000000000", "GBP", "too large"),
        ("999,999,999,999.99", "GBP", None),
        ("ten", "GBP", "amount such as"),
        ("", "GBP", "amount such as"),
        ("NaN", "GBP", "amount such as"),
        ("Infinity", "GBP", "amount such as"),
        ("1e3", "GBP", "amount such as"),
        ("12,50", "EUR", "commas only between thousands"),
        ("1,0000", "GBP", "commas only between thousands"),
        (",100", "GBP", "commas only between thousands"),
    ],
)
def test_a_bad_amount_is_refused_and_nothing_is_posted(
    books: Books, amount: str, currency: str, message: str | None
) -> None:
    """A zero, negative, over-precise, too large, non-numeric or misgrouped amount is
    refused with its reason; nothing is posted. ("12,50" is twelve and a half to
    many Europeans, not one thousand two hundred and fifty.)"""
    if message is None:
        assert parse_amount(amount, currency) == 99999999999999
        return
    account = books.account("pledges-receivable")
    refused(lambda: give(books, amount, currency=currency, account=account), message)


@pytest.mark.parametrize(
    "value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("sNaN")]
)
def test_a_decimal_that_is_not_a_number_is_refused(value: Decimal) -> None:
    """Amounts given as Decimals (as forms give them) are checked as text is."""
    with pytest.raises(ValidationError, match="amount such as"):
        parse_amount(value, "GBP")


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("1,250.50", "GBP", 125050),
        ("1,250", "USD", 125000),
        ("1 250.50", "EUR", 125050),
        ("12,345,678", "PKR", 1234567800),
        ("1,000", "JPY", 1000),
        ("100.0", "JPY", 100),
        (" 25.5 ", "GBP", 2550),
        ("0.01", "CAD", 1),
    ],
)
def test_amounts_with_thousands_separators_are_read_exactly(
    books: Books, amount: str, currency: str, minor: int
) -> None:
    """Commas between groups of three and spaces are read as grouping, exactly."""
    contribution = give(
        books, amount, currency=currency, account=books.account("pledges-receivable")
    )
    assert contribution.amount_minor == minor
    assert {line.amount_minor for line in contribution.entry.lines.all()} == {minor, -minor}


def test_an_unknown_currency_is_refused_everywhere(books: Books) -> None:
    promised = books.account("pledges-receivable")
    refused(lambda: give(books, "5", currency="XYZ", account=promised), "not a currency")
    refused(lambda: give(books, "5", currency="gbp", account=promised), "not a currency")
    refused(lambda: ask(books, "5", currency="XYZ"), "not a currency")
    refused(
        lambda: account_add(
            fund=books.fund,
            by=books.ta,
            organisation=books.a,
            kind=Account.Kind.BANK,
            name="Bank",
            currency="XYZ",
        ),
        "not a currency",
    )
    refused(
        lambda: rate_record(
            fund=books.fund,
            by=books.ta,
            organisation=books.a,
            currency="XYZ",
            rate="1",
            source="Bank",
            as_of=books.today,
        ),
        "not a currency",
    )


# --- Contributions -------------------------------------------------------------


def test_a_contribution_dated_in_the_future_is_refused(books: Books) -> None:
    """More than a day ahead is the future anywhere on Earth; before 2000 is a typo."""
    refused(
        lambda: give(books, received_on=books.today + datetime.timedelta(days=2)),
        "cannot be in the future",
    )
    refused(lambda: give(books, received_on=datetime.date(1999, 12, 31)), "too long ago")


def test_a_contribution_goes_to_money_held_in_its_currency(books: Books) -> None:
    refused(lambda: give(books, account=books.account("contributions")), "bank, cash or promised")
    refused(lambda: give(books, account=books.legal), "bank, cash or promised")
    refused(lambda: give(books, currency="USD"), "holds GBP only")
    refused(
        lambda: give(books, account=books.account("bank-gbp", books.other_fund)),
        error=PermissionDenied,
    )
    refused(lambda: give(books, method="CHEQUE"), "how it was paid")


def test_a_donor_is_named_publicly_only_with_a_name(books: Books) -> None:
    refused(lambda: give(books, name_public=True), "no name to show")
    refused(lambda: give(books, donor_name="x" * 201), "At most 200")


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u202a", "\u2066", "\u2069"])
def test_bidi_controls_in_names_are_refused(books: Books, control: str) -> None:
    """A donor's, payee's or served person's name, a payment's purpose and an account's
    name may not hold direction controls that make them display as other text."""
    give(books, "100")
    name = f"Amina{control}gnp.exe"
    refused(lambda: give(books, donor_name=name, name_public=True), "direction controls")
    refused(lambda: ask(books, purpose=name), "direction controls")
    refused(lambda: ask(books, payee=name, payee_public=True), "direction controls")
    refused(lambda: ask(books, serves=name, serves_public=True), "direction controls")
    refused(
        lambda: account_add(
            fund=books.fund,
            by=books.ta,
            organisation=books.a,
            kind=Account.Kind.EXPENSE,
            name=f"Printing{control}",
            currency="",
        ),
        "direction controls",
    )


# --- Payment requests ----------------------------------------------------------


def test_a_payment_from_an_account_of_another_currency_is_refused(books: Books) -> None:
    bank_in(books, "USD")
    refused(lambda: ask(books, currency="USD"), "holds GBP only")
    refused(lambda: ask(books, currency="JPY"), "holds GBP only")


def test_a_payment_is_made_from_a_bank_or_cash_account_of_this_fund(books: Books) -> None:
    refused(lambda: ask(books, account=books.account("pledges-receivable")), "bank or cash")
    refused(lambda: ask(books, account=books.account("contributions")), "bank or cash")
    refused(
        lambda: ask(books, account=books.account("bank-gbp", books.other_fund)),
        error=PermissionDenied,
    )
    refused(
        lambda: ask(books, category=books.account("legal-fees", books.other_fund)),
        error=PermissionDenied,
    )


@pytest.mark.parametrize("code", ["bank-gbp", "cash-gbp", "contributions", "pledges-receivable"])
def test_a_category_that_is_not_spending_is_refused(books: Books, code: str) -> None:
    refused(lambda: ask(books, category=books.account(code)), "what kind of spending")


def test_a_request_needs_a_purpose_and_names_only_to_show(books: Books) -> None:
    refused(lambda: ask(books, purpose="   "), "required")
    refused(lambda: ask(books, purpose="x" * 501), "At most 500")
    refused(lambda: ask(books, payee_public=True), "no name to show")
    refused(lambda: ask(books, serves_public=True), "no name to show")
    refused(lambda: ask(books, amount="0"), "more than zero")
    refused(lambda: ask(books, amount="10.001"), "decimal places")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bill.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"),
        ("bill.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64),
        ("bill.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ],
)
def test_a_pdf_jpeg_or_png_receipt_is_kept_privately(
    books: Books, receipts: Path, name: str, data: bytes
) -> None:
    """Known by its bytes, kept under a random name, opened only by the treasurers."""
    disbursement = ask(books, receipt=SimpleUploadedFile(name, data))
    assert disbursement.receipt_type in {"application/pdf", "image/jpeg", "image/png"}
    assert name not in (disbursement.receipt.name or "")
    with receipt_open(disbursement=disbursement, by=books.tb) as opened:
        assert opened.read() == data
    refused(
        lambda: receipt_open(disbursement=disbursement, by=books.editor), None, PermissionDenied
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bill.html", b"<!doctype html><script>alert(1)</script>", "PDF, JPEG or PNG"),
        ("bill.pdf", b"<html><body>not a pdf</body></html>", "PDF, JPEG or PNG"),
        ("bill.pdf", b"", "PDF, JPEG or PNG"),
        ("bill.gif", b"GIF89a" + b"\x00" * 32, "PDF, JPEG or PNG"),
        ("bill.pdf", b"%PDF-1.7\n" + b"0" * RECEIPT_MAX_BYTES, "at most 10 MB"),
    ],
)
def test_a_receipt_that_is_not_a_small_pdf_jpeg_or_png_is_refused(
    books: Books, receipts: Path, name: str, data: bytes, message: str
) -> None:
    refused(lambda: ask(books, receipt=SimpleUploadedFile(name, data)), message)
    assert list(receipts.rglob("*.*")) == []


def test_a_request_without_a_receipt_has_none_to_open(books: Books) -> None:
    disbursement = ask(books)
    refused(lambda: receipt_open(disbursement=disbursement, by=books.tb), "no receipt")


# --- Approvals -----------------------------------------------------------------


def test_approving_ones_own_request_alone_is_refused(books: Books) -> None:
    """The requester cannot approve their own request, for any organisation."""
    give(books, "100")
    disbursement = ask(books)
    refused(lambda: approve(disbursement, books.ta, books.a), "You asked for this payment")


def test_the_requesters_organisation_counts_once(books: Books) -> None:
    """A second treasurer of the requesting organisation cannot add a second approval."""
    give(books, "100")
    disbursement = ask(books)
    refused(lambda: approve(disbursement, books.ta2, books.a), "Workers' Party has already")


def test_an_organisation_approves_once(books: Books) -> None:
    give(books, "100")
    fund_settings_change(
        fund=books.fund,
        by=books.coordinator,
        goal="",
        approvals_required=3,
        how_to_pay="",
        how_to_pay_ur="",
    )
    disbursement = ask(books)
    approve(disbursement, books.tb, books.b)
    b2 = UserFactory(username="tb2")
    grant(b2, Role.TREASURER, organisation=books.b, campaign=books.campaign)
    refused(lambda: approve(disbursement, b2, books.b), "Teachers' Union has already")
    approve(disbursement, books.tc, books.c)
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.PAID


def test_a_treasurer_of_two_organisations_approves_once(books: Books, tbc: Any) -> None:
    """One person holding two organisations' books is still one person: with three
    organisations needed, their second approval is refused."""
    give(books, "100")
    fund_settings_change(
        fund=books.fund,
        by=books.coordinator,
        goal="",
        approvals_required=3,
        how_to_pay="",
        how_to_pay_ur="",
    )
    disbursement = ask(books)
    approve(disbursement, tbc, books.b)
    refused(lambda: approve(disbursement, tbc, books.c), "You have already approved")
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.REQUESTED


def test_a_treasurer_of_two_organisations_cannot_request_and_approve(
    books: Books, tbc: Any
) -> None:
    give(books, "100")
    disbursement = ask(books, by=tbc, organisation=books.b)
    refused(lambda: approve(disbursement, tbc, books.c), "You asked for this payment")


def test_a_treasurer_acts_only_for_their_own_organisation(books: Books) -> None:
    """A treasurer of A cannot approve, decline, record or reverse as B."""
    entry = give(books, "100").entry
    disbursement = ask(books, by=books.tb, organisation=books.b)
    refused(lambda: approve(disbursement, books.ta, books.c), error=PermissionDenied)
    refused(
        lambda: disbursement_decline(
            disbursement=disbursement, by=books.ta, organisation=books.c, reason="No"
        ),
        error=PermissionDenied,
    )
    refused(lambda: give(books, by=books.ta, organisation=books.b), error=PermissionDenied)
    refused(lambda: ask(books, by=books.ta, organisation=books.b), error=PermissionDenied)
    refused(
        lambda: entry_reverse(entry=entry, by=books.ta, organisation=books.b, reason="x"),
        error=PermissionDenied,
    )


def test_a_treasurer_of_another_campaign_touches_nothing(books: Books) -> None:
    entry = give(books, "100").entry
    disbursement = ask(books)
    for organisation in (books.outsider, books.b):
        refused(partial(approve, disbursement, books.tx, organisation), None, PermissionDenied)
        refused(
            partial(give, books, by=books.tx, organisation=organisation), None, PermissionDenied
        )
        refused(
            partial(
                entry_reverse, entry=entry, by=books.tx, organisation=organisation, reason="x"
            ),
            None,
            PermissionDenied,
        )


def test_an_organisation_that_left_the_campaign_keeps_no_books(books: Books, tbc: Any) -> None:
    """Once C has left the campaign, its treasurers act for it no more, even one who
    still keeps B's books."""
    give(books, "100")
    disbursement = ask(books)
    membership = books.c.memberships.get(campaign=books.campaign)
    membership.status = "LEFT"
    membership.save(update_fields=["status"])
    refused(lambda: approve(disbursement, books.tc, books.c), error=PermissionDenied)
    refused(lambda: approve(disbursement, tbc, books.c), error=PermissionDenied)
    approve(disbursement, tbc, books.b)


def test_a_revoked_treasurer_keeps_no_books(books: Books, tbc: Any) -> None:
    """A revoked grant ends the role for that organisation alone."""
    give(books, "100")
    disbursement = ask(books)
    RoleGrant.objects.filter(user=tbc, organisation=books.c).update(revoked_at=timezone.now())
    refused(lambda: approve(disbursement, tbc, books.c), error=PermissionDenied)
    approve(disbursement, tbc, books.b)


def test_a_treasurer_in_another_campaign_is_not_one_here(books: Books) -> None:
    """C also belongs to the other campaign; keeping C's books there, and B's here,
    does not make one C's treasurer here."""
    member(books.other_campaign, books.c)
    both = UserFactory(username="both")
    grant(both, Role.TREASURER, organisation=books.b, campaign=books.campaign)
    grant(both, Role.TREASURER, organisation=books.c, campaign=books.other_campaign)
    give(books, "100")
    disbursement = ask(books)
    refused(lambda: approve(disbursement, both, books.c), error=PermissionDenied)
    refused(lambda: give(books, by=both, organisation=books.c), error=PermissionDenied)
    approve(disbursement, both, books.b)


# --- Who may touch the money at all ---------------------------------------------


def _services(books: Books) -> dict[str, Callable[[Any, Any], Any]]:
    """Every money service, as a call by ``user`` for ``organisation``."""
    entry = give(books, "100").entry
    disbursement = ask(books)
    return {
        "contribution_record": lambda user, org: give(books, by=user, organisation=org),
        "transfer_post": lambda user, org: move(
            books,
            [(books.cash, "GBP", "1", ""), (books.bank, "GBP", "", "1")],
            by=user,
            organisation=org,
        ),
        "entry_reverse": lambda user, org: entry_reverse(
            entry=entry, by=user, organisation=org, reason="x"
        ),
        "disbursement_request": lambda user, org: ask(books, by=user, organisation=org),
        "disbursement_approve": lambda user, org: approve(disbursement, user, org),
        "disbursement_decline": lambda user, org: disbursement_decline(
            disbursement=disbursement, by=user, organisation=org, reason="No"
        ),
        "disbursement_withdraw": lambda user, org: disbursement_withdraw(
            disbursement=disbursement, by=user, organisation=org
        ),
        "account_add": lambda user, org: account_add(
            fund=books.fund,
            by=user,
            organisation=org,
            kind=Account.Kind.EXPENSE,
            name="Printing",
            currency="",
        ),
        "rate_record": lambda user, org: rate_record(
            fund=books.fund,
            by=user,
            organisation=org,
            currency="PKR",
            rate="0.0028",
            source="State Bank",
            as_of=books.today,
        ),
        "receipt_open": lambda user, org: receipt_open(disbursement=disbursement, by=user),
    }


SERVICES = [
    "contribution_record",
    "transfer_post",
    "entry_reverse",
    "disbursement_request",
    "disbursement_approve",
    "disbursement_decline",
    "disbursement_withdraw",
    "account_add",
    "rate_record",
    "receipt_open",
]


@pytest.mark.parametrize("who", ["editor", "coordinator", "site_admin", "nobody", "tx"])
@pytest.mark.parametrize("service", SERVICES)
def test_no_one_but_a_treasurer_touches_the_money(books: Books, service: str, who: str) -> None:
    """Editors, coordinators, site admins, people with no role and treasurers of
    another campaign are refused by every money service, whatever organisation
    they claim to act for, and nothing is written."""
    call = _services(books)[service]
    user = getattr(books, who)
    for organisation in (books.a, books.b, books.outsider):
        refused(partial(call, user, organisation), None, PermissionDenied)


@pytest.mark.parametrize("who", ["ta", "tb", "editor", "site_admin", "nobody", "tx"])
def test_only_a_coordinator_changes_the_funds_settings(books: Books, who: str) -> None:
    refused(
        lambda: fund_settings_change(
            fund=books.fund,
            by=getattr(books, who),
            goal="5000",
            approvals_required=2,
            how_to_pay="Pay to account 1234",
            how_to_pay_ur="",
        ),
        error=PermissionDenied,
    )


@pytest.mark.parametrize("who", ["ta", "editor", "site_admin", "nobody", "tx"])
def test_only_a_coordinator_opens_a_fund(books: Books, who: str) -> None:
    from tests.factories import CampaignFactory

    campaign = CampaignFactory(slug="third")
    refused(
        lambda: fund_open(campaign=campaign, by=getattr(books, who), reporting_currency="GBP"),
        error=PermissionDenied,
    )


def test_a_fund_is_opened_once(books: Books) -> None:
    refused(
        lambda: fund_open(campaign=books.campaign, by=books.coordinator, reporting_currency="GBP"),
        "already has a fund",
    )


# --- Posted entries are never changed ------------------------------------------------


def test_a_posted_entry_or_line_is_never_saved_again_or_deleted(books: Books) -> None:
    entry = give(books).entry
    line = entry.lines.first()
    assert line is not None
    before = written()
    entry.description = "Something else"
    with pytest.raises(ValidationError, match="never changed"):
        entry.save()
    with pytest.raises(ValidationError, match="never deleted"):
        entry.delete()
    line.amount_minor = 1
    with pytest.raises(ValidationError, match="never changed"):
        line.save()
    with pytest.raises(ValidationError, match="never deleted"):
        line.delete()
    assert written() == before


def test_a_posted_entry_or_line_is_never_changed_in_bulk(books: Books) -> None:
    """``QuerySet.update`` and ``QuerySet.delete`` skip ``save`` and ``delete``: the
    ledger's query sets refuse them too."""
    entry = give(books).entry
    before = written()
    with pytest.raises(ValidationError, match="never changed"):
        Entry.objects.filter(pk=entry.pk).update(description="Something else")
    with pytest.raises(ValidationError, match="never changed"):
        Line.objects.filter(entry=entry).update(amount_minor=1)
    with pytest.raises(ValidationError, match="never deleted"):
        Line.objects.filter(entry=entry).delete()
    with pytest.raises(ValidationError, match="never deleted"):
        Entry.objects.filter(pk=entry.pk).delete()
    lines = list(entry.lines.all())
    with pytest.raises(ValidationError, match="never changed"), transaction.atomic():
        Line.objects.bulk_update(lines, ["amount_minor"])
    with pytest.raises(ValidationError, match="never deleted"):
        entry.lines.all().delete()
    assert written() == before


# --- Reversals -----------------------------------------------------------------


def test_a_reversal_is_never_reversed(books: Books) -> None:
    entry = give(books).entry
    reversal = entry_reverse(entry=entry, by=books.tb, organisation=books.b, reason="Bounced")
    refused(
        lambda: entry_reverse(entry=reversal, by=books.tc, organisation=books.c, reason="Undo"),
        "A reversal is not reversed",
    )
    refused(
        lambda: entry_reverse(entry=entry, by=books.tc, organisation=books.c, reason="Again"),
        "already been reversed",
    )


def test_a_reversal_needs_a_reason(books: Books) -> None:
    entry = give(books).entry
    refused(
        lambda: entry_reverse(entry=entry, by=books.tb, organisation=books.b, reason="  "),
        "Say why",
    )
    refused(
        lambda: entry_reverse(entry=entry, by=books.tb, organisation=books.b, reason="x" * 501),
        "At most 500",
    )


def test_money_spent_cannot_be_unreceived(books: Books) -> None:
    entry = give(books, "100").entry
    approve(ask(books, "60"), books.tb, books.b)
    refused(
        lambda: entry_reverse(entry=entry, by=books.tb, organisation=books.b, reason="Bounced"),
        "below zero",
    )


# --- Declines and withdrawals --------------------------------------------------------


def test_another_organisation_declines_with_a_reason(books: Books) -> None:
    disbursement = ask(books)
    refused(
        lambda: disbursement_decline(
            disbursement=disbursement, by=books.tb, organisation=books.b, reason="  "
        ),
        "required",
    )
    for by in (books.ta, books.ta2):
        refused(
            partial(
                disbursement_decline,
                disbursement=disbursement,
                by=by,
                organisation=books.a,
                reason="No",
            ),
            "withdraw it instead",
        )
    disbursement_decline(
        disbursement=disbursement, by=books.tb, organisation=books.b, reason="Too much"
    )
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.DECLINED
    assert disbursement.close_reason == "Too much"


def test_only_the_requesting_organisation_withdraws(books: Books) -> None:
    """Any treasurer of the requesting organisation may withdraw; no one else."""
    disbursement = ask(books)
    refused(
        lambda: disbursement_withdraw(
            disbursement=disbursement, by=books.tb, organisation=books.b
        ),
        error=PermissionDenied,
    )
    disbursement_withdraw(disbursement=disbursement, by=books.ta2, organisation=books.a)
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.WITHDRAWN


def _closed(books: Books, how: str) -> Disbursement:
    disbursement = ask(books, "10")
    if how == "declined":
        disbursement_decline(
            disbursement=disbursement, by=books.tb, organisation=books.b, reason="No"
        )
    elif how == "withdrawn":
        disbursement_withdraw(disbursement=disbursement, by=books.ta, organisation=books.a)
    else:
        approve(disbursement, books.tb, books.b)
    disbursement.refresh_from_db()
    return disbursement


@pytest.mark.parametrize("how", ["declined", "withdrawn", "paid"])
def test_a_closed_request_is_never_paid_declined_or_withdrawn(books: Books, how: str) -> None:
    give(books, "100")
    disbursement = _closed(books, how)
    assert disbursement.status == how.upper()
    message = f"no longer waiting: it is {how}"
    refused(lambda: approve(disbursement, books.tc, books.c), message)
    refused(
        lambda: disbursement_decline(
            disbursement=disbursement, by=books.tc, organisation=books.c, reason="No"
        ),
        message,
    )
    refused(
        lambda: disbursement_withdraw(
            disbursement=disbursement, by=books.ta, organisation=books.a
        ),
        message,
    )


def test_a_stale_request_object_cannot_pay_twice(books: Books) -> None:
    """The status is read under lock, not from the object the caller holds."""
    give(books, "100")
    disbursement = ask(books, "10")
    stale = Disbursement.objects.get(pk=disbursement.pk)
    approve(disbursement, books.tb, books.b)
    assert stale.status == Disbursement.Status.REQUESTED
    refused(lambda: approve(stale, books.tc, books.c), "no longer waiting: it is paid")


# --- Settings, accounts and rates --------------------------------------------------


@pytest.mark.parametrize("required", [-1, 0, 1, 21])
def test_fewer_than_two_approving_organisations_is_refused(books: Books, required: int) -> None:
    refused(
        lambda: fund_settings_change(
            fund=books.fund,
            by=books.coordinator,
            goal="",
            approvals_required=required,
            how_to_pay="",
            how_to_pay_ur="",
        ),
        "At least 2 organisations",
    )


@pytest.mark.parametrize(
    ("goal", "how_to_pay", "message"),
    [
        ("0", "", "more than zero"),
        ("-100", "", "more than zero"),
        ("10.001", "", "decimal places"),
        ("", "x" * 3001, "At most 3000"),
    ],
)
def test_a_bad_goal_or_payment_details_are_refused(
    books: Books, goal: str, how_to_pay: str, message: str
) -> None:
    refused(
        lambda: fund_settings_change(
            fund=books.fund,
            by=books.coordinator,
            goal=goal,
            approvals_required=2,
            how_to_pay=how_to_pay,
            how_to_pay_ur="",
        ),
        message,
    )


def _rate(books: Books, rate: str, currency: str = "PKR", **extra: Any) -> ExchangeRate:
    fields: dict[str, Any] = {
        "fund": books.fund,
        "by": books.ta,
        "organisation": books.a,
        "currency": currency,
        "rate": rate,
        "source": "State Bank of Pakistan",
        "as_of": books.today,
    }
    return rate_record(**(fields | extra))


@pytest.mark.parametrize(
    "rate", ["0", "-0.0028", "abc", "", "NaN", "Infinity", "0.000000001", "100000000000"]
)
def test_a_bad_rate_is_refused(books: Books, rate: str) -> None:
    refused(lambda: _rate(books, rate), "rate" if rate != "0.000000001" else "8 decimal")


def test_a_rate_needs_a_source_a_past_date_and_another_currency(books: Books) -> None:
    refused(lambda: _rate(books, "1", currency="GBP"), "reporting currency needs no rate")
    refused(lambda: _rate(books, "0.0028", source="  "), "required")
    refused(
        lambda: _rate(books, "0.0028", as_of=books.today + datetime.timedelta(days=2)),
        "cannot be in the future",
    )
    assert _rate(books, "0.0028").rate > 0


def test_an_account_name_is_used_once_per_currency(books: Books) -> None:
    bank_in(books, "USD")
    refused(lambda: bank_in(books, "USD"), "already has an account of that name")
    refused(
        lambda: account_add(
            fund=books.fund,
            by=books.tb,
            organisation=books.b,
            kind=Account.Kind.CASH,
            name="bank in usd",
            currency="USD",
        ),
        "already has an account of that name",
    )
    refused(
        lambda: account_add(
            fund=books.fund,
            by=books.ta,
            organisation=books.a,
            kind=Account.Kind.EXPENSE,
            name="legal fees",
            currency="",
        ),
        "already has an account of that name",
    )
    bank_in(books, "PKR")


def test_a_chart_has_at_most_a_hundred_accounts(books: Books) -> None:
    for n in range(100 - books.fund.accounts.count()):
        Account.objects.create(
            fund=books.fund, code=f"spare-{n}", kind=Account.Kind.EXPENSE, name=f"Spare {n}"
        )
    refused(
        lambda: account_add(
            fund=books.fund,
            by=books.ta,
            organisation=books.a,
            kind=Account.Kind.EXPENSE,
            name="One more",
            currency="",
        ),
        "as many accounts as it may have",
    )


@pytest.mark.parametrize(
    ("kind", "name", "currency", "message"),
    [
        (Account.Kind.INCOME, "Grants", "", "bank account, a cash account or a spending"),
        (Account.Kind.RECEIVABLE, "Promised", "", "bank account, a cash account or a spending"),
        (Account.Kind.BANK, "Bank", "", "holds one currency"),
        (Account.Kind.CASH, "Float", "", "holds one currency"),
        (Account.Kind.BANK, "  ", "USD", "required"),
        (Account.Kind.BANK, "x" * 101, "USD", "At most 100"),
    ],
)
def test_a_bad_account_is_refused(
    books: Books, kind: str, name: str, currency: str, message: str
) -> None:
    refused(
        lambda: account_add(
            fund=books.fund,
            by=books.ta,
            organisation=books.a,
            kind=kind,
            name=name,
            currency=currency,
        ),
        message,
    )


def test_a_person_who_posted_entries_can_still_be_erased(books: Books) -> None:
    """Erasing a treasurer's account only forgets who posted an entry (the database
    sets it to null, below the refusals of the ledger's query sets)."""
    entry = give(books).entry
    books.ta.delete()
    entry.refresh_from_db()
    assert entry.posted_by is None
    assert entry.lines.count() == 2

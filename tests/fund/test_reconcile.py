"""Bank statements: read strictly, matched one to one, and forgotten.

Good files in each accepted form match as expected; every strange one is
refused with a message naming the line, and nothing is recorded."""

from __future__ import annotations

import datetime
import hashlib
import html
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from habeas.fund.models import FundEvent, Reconciliation
from habeas.fund.reconcile import (
    MAX_BYTES,
    MAX_LINES,
    LedgerLine,
    StatementLine,
    match_lines,
    parse_statement,
)
from habeas.fund.services.contributions import contribution_record
from habeas.fund.services.disbursements import disbursement_approve, disbursement_request
from habeas.fund.services.reconcile import statement_reconcile
from tests.factories import sign_in
from tests.fund.conftest import Books

D = datetime.date


def parsed(text: str | bytes, currency: str = "GBP") -> list[tuple[D, int, str]]:
    data = text.encode() if isinstance(text, str) else text
    return [
        (line.booked_on, line.amount_minor, line.description)
        for line in parse_statement(data, currency).lines
    ]


# --- Accepted forms -----------------------------------------------------------------------


def test_one_signed_amount_column_with_iso_dates() -> None:
    assert parsed(
        "Date,Description,Amount\n2025-06-01,Gift from a union,100.00\n2025-06-03,Lawyer,-60\n"
    ) == [(D(2025, 6, 1), 10000, "Gift from a union"), (D(2025, 6, 3), -6000, "Lawyer")]


def test_paid_in_and_paid_out_columns_with_day_first_dates_a_bom_and_crlf() -> None:
    """The form UK banks give: a byte-order mark, CRLF, quoted amounts with thousands
    separators, a balance column (ignored) and blank lines (skipped)."""
    data = (
        "\ufeffDate,Details,Paid in,Paid out,Balance\r\n"
        '01/06/2025,Transfer from Amina,"1,250.50",,"1,250.50"\r\n'
        "\r\n"
        "3/6/2025,Court fee,,60.00,1190.50\r\n"
    ).encode()
    assert parsed(data) == [
        (D(2025, 6, 1), 125050, "Transfer from Amina"),
        (D(2025, 6, 3), -6000, "Court fee"),
    ]


def test_header_names_are_read_in_any_case_and_descriptions_joined() -> None:
    assert parsed(
        "TRANSACTION DATE, Money In ,MONEY OUT,Reference,Memo,Currency\n"
        "2025-06-01,5,,REF1,gift,GBP\n2025-06-02,, 7 ,REF2,,\n"
    ) == [(D(2025, 6, 1), 500, "REF1 · gift"), (D(2025, 6, 2), -700, "REF2")]


def test_a_currency_without_decimals_is_read_whole() -> None:
    assert parsed('date,amount\n2025-06-01,"1,000"\n', "JPY") == [(D(2025, 6, 1), 1000, "")]


# --- Strange forms --------------------------------------------------------------------------

GOOD_HEADER = "Date,Description,Amount\n"
STRANGE = [
    (b"", "The file is empty"),
    (b"   \n\n", "The file is empty"),
    (b"2025-06-01,Gift,100.00\n", "Line 1: the first line must name the columns"),
    (
        b"Date,Amount,Foo\n2025-06-01,1,x\n",
        "Line 1: the column “<bdi>Foo</bdi>” is not one Habeas reads",
    ),
    (b"Date,,Amount\n2025-06-01,,1\n", "Line 1: a column has no name"),
    (b"Description,Amount\nGift,1\n", "Line 1: there is no date column"),
    (b"Date,Description\n2025-06-01,Gift\n", "Line 1: there is no amount column"),
    (b"Date,Paid in\n2025-06-01,5\n", "Line 1: there is no amount column"),
    (b"Date,Amount,Credit,Debit\n2025-06-01,1,,\n", "not both"),
    (b"Date,Booking date,Amount\n2025-06-01,2025-06-01,1\n", "two columns mean the same (date)"),
    (
        GOOD_HEADER.encode() + b"2025-13-01,Gift,1\n",
        "Line 2: “<bdi>2025-13-01</bdi>” is not a real date.",
    ),
    (
        GOOD_HEADER.encode() + b"31/02/2025,Gift,1\n",
        "Line 2: “<bdi>31/02/2025</bdi>” is not a real date.",
    ),
    (
        GOOD_HEADER.encode() + b"June 1 2025,Gift,1\n",
        "Line 2: “<bdi>June 1 2025</bdi>” is not a date",
    ),
    (
        GOOD_HEADER.encode() + b"2025-06-01,Gift,1\n02/06/2025,Gift,1\n",
        "Line 3: this date is written DD/MM/YYYY but earlier ones YYYY-MM-DD",
    ),
    (
        GOOD_HEADER.encode() + b"06/25/2025,Gift,1\n",
        "Line 2: “<bdi>06/25/2025</bdi>” seems to put the month",
    ),
    (
        GOOD_HEADER.encode() + b"2025-06-01,Gift,12.345\n",
        "has more decimal places than <bdi>GBP</bdi> has",
    ),
    (GOOD_HEADER.encode() + b"2025-06-01,Gift,abc\n", "Line 2: “<bdi>abc</bdi>” is not an amount"),
    (
        GOOD_HEADER.encode() + b'2025-06-01,Gift,"1,25.00"\n',
        "“<bdi>1,25.00</bdi>” is not an amount",
    ),
    (
        GOOD_HEADER.encode() + b"2025-06-01,Gift,\xc2\xa3100\n",
        "“<bdi>£100</bdi>” is not an amount",
    ),
    (GOOD_HEADER.encode() + b"2025-06-01,Gift,0.00\n", "Line 2: the amount is zero."),
    (GOOD_HEADER.encode() + b"2025-06-01,Gift,1e3\n", "“<bdi>1e3</bdi>” is not an amount"),
    (GOOD_HEADER.encode() + b"2025-06-01,Gift,1\n2025-06-02,2\n", "Line 3: this line has 2"),
    (b"Date,Paid in,Paid out\n2025-06-01,-5,\n", "written without a sign"),
    (b"Date,Paid in,Paid out\n2025-06-01,5,5\n", "Line 2: give an amount in either paid in"),
    (b"Date,Paid in,Paid out\n2025-06-01,,\n", "not both or neither"),
    (b"Date,Amount,Currency\n2025-06-01,5,USD\n", "this line is in USD but the account holds GBP"),
    (GOOD_HEADER.encode(), "Line 1: the statement has a header but no transactions."),
    (b"%PDF-1.4\x00\x00\x01binary", "This is not a text file"),
    (GOOD_HEADER.encode() + b"2025-06-01,Caf\xe9,1\n", "Line 2: this is not UTF-8 text"),
    (GOOD_HEADER.encode() + b"2025-06-01,Gift\x07,1\n", "Line 2: the file holds control"),
    (b"Date;Amount\n2025-06-01;1\n", "Line 1: the columns are separated by semicolons"),
    (GOOD_HEADER.encode() + b'2025-06-01,"Gift,1\n', "is not valid CSV"),
    (GOOD_HEADER.encode() + b"2025-06-01,Gift,1" + b" " * MAX_BYTES, "larger than 1 MB"),
    (
        GOOD_HEADER.encode() + b"2025-06-01,Gift,1\n" * (MAX_LINES + 1),
        f"Line {MAX_LINES + 2}: a statement may have at most {MAX_LINES} lines",
    ),
]


@pytest.mark.parametrize(("data", "message"), STRANGE, ids=range(len(STRANGE)))
def test_a_strange_statement_is_refused_with_a_message(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_statement(data, "GBP")
    assert message in refused.value.messages[0]


def test_a_currency_without_decimals_refuses_decimals() -> None:
    with pytest.raises(ValidationError, match="more decimal places than <bdi>JPY</bdi> has"):
        parse_statement(b"date,amount\n2025-06-01,5.5\n", "JPY")


# --- Matching -------------------------------------------------------------------------------


def s_line(number: int, day: int, amount: int) -> StatementLine:
    return StatementLine(number, D(2025, 6, day), amount, f"line {number}")


def l_line(pk: int, day: int, amount: int) -> LedgerLine:
    return LedgerLine(pk, pk, D(2025, 6, day), amount, f"entry {pk}")


def matched(
    statement: list[StatementLine], ledger: list[LedgerLine], days: tuple[int, int]
) -> Any:
    result = match_lines(
        statement, ledger, period_from=D(2025, 6, days[0]), period_to=D(2025, 6, days[1])
    )
    return (
        [(s.number, line.pk) for s, line in result.matched],
        [s.number for s in result.statement_only],
        [line.pk for line in result.ledger_only],
    )


def test_the_nearest_date_is_matched_first() -> None:
    statement = [s_line(2, 10, 100)]
    ledger = [l_line(1, 7, 100), l_line(2, 11, 100), l_line(3, 10, -100)]
    assert matched(statement, ledger, (1, 30)) == ([(2, 2)], [], [1, 3])


def test_matching_needs_the_same_amount_and_direction_within_three_days() -> None:
    statement = [s_line(2, 10, 100), s_line(3, 10, -60), s_line(4, 20, 5)]
    ledger = [l_line(1, 13, 100), l_line(2, 10, 60), l_line(3, 16, 5)]
    assert matched(statement, ledger, (1, 30)) == ([(2, 1)], [3, 4], [2, 3])


def test_matching_is_one_to_one() -> None:
    statement = [s_line(2, 10, 100), s_line(3, 10, 100)]
    ledger = [l_line(1, 10, 100)]
    assert matched(statement, ledger, (1, 30)) == ([(2, 1)], [3], [])
    statement = [s_line(2, 10, 100)]
    ledger = [l_line(1, 10, 100), l_line(2, 10, 100)]
    assert matched(statement, ledger, (1, 30)) == ([(2, 1)], [], [2])


def test_ledger_lines_outside_the_period_may_match_but_are_not_listed_as_missing() -> None:
    statement = [s_line(2, 10, 100)]
    ledger = [l_line(1, 8, 100), l_line(2, 7, 5), l_line(3, 12, 5)]
    assert matched(statement, ledger, (10, 10)) == ([(2, 1)], [], [])


def test_the_service_checks_the_treasurer_and_the_account(books: Books) -> None:
    """Refused, and nothing recorded: someone who keeps no books, a treasurer acting for
    another organisation, another fund's account, an account that is not a bank's."""
    data = b"Date,Amount\n2025-06-01,5\n"
    for user, organisation in (
        (books.editor, books.a),
        (books.tx, books.outsider),
        (books.ta, books.b),
    ):
        with pytest.raises(PermissionDenied):
            statement_reconcile(
                fund=books.fund, by=user, organisation=organisation, account=books.bank, data=data
            )
    with pytest.raises(PermissionDenied):
        statement_reconcile(
            fund=books.fund,
            by=books.ta,
            organisation=books.a,
            account=books.account("bank-gbp", books.other_fund),
            data=data,
        )
    with pytest.raises(ValidationError, match="checked against a bank account"):
        statement_reconcile(
            fund=books.fund, by=books.ta, organisation=books.a, account=books.cash, data=data
        )
    assert not Reconciliation.objects.exists()


def test_a_ledger_line_just_before_the_statement_still_matches(books: Books) -> None:
    """Money booked two days before the statement's first line is a candidate for it."""
    contribution_record(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        amount="40.00",
        currency="GBP",
        account=books.bank,
        method="CASH",
        received_on=books.today - datetime.timedelta(days=2),
    )
    result = statement_reconcile(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        account=books.bank,
        data=f"Date,Amount\n{books.today.isoformat()},40.00\n".encode(),
    )
    assert (result.reconciliation.matched, result.reconciliation.unmatched_ledger) == (1, 0)


# --- Through the page -------------------------------------------------------------------------


def books_with_money(books: Books) -> None:
    contribution_record(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        amount="100.00",
        currency="GBP",
        account=books.bank,
        method="BANK_TRANSFER",
        donor_name="Amina",
        received_on=books.today,
    )
    disbursement = disbursement_request(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        amount="60.00",
        currency="GBP",
        account=books.bank,
        category=books.legal,
        purpose="Court fee",
    )
    disbursement_approve(disbursement=disbursement, by=books.tb, organisation=books.b)
    contribution_record(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        amount="5.00",
        currency="GBP",
        account=books.bank,
        method="CASH",
        received_on=books.today - datetime.timedelta(days=1),
    )


def post_statement(client: Client, books: Books, data: bytes, account: Any = None) -> Any:
    return client.post(
        reverse("fund:reconcile", kwargs={"slug": "free-them"}),
        {
            "organisation": books.a.pk,
            "account": (account or books.bank).pk,
            "statement": SimpleUploadedFile("statement.csv", data, content_type="text/csv"),
        },
    )


def test_a_statement_is_matched_and_only_its_digest_and_counts_are_kept(books: Books) -> None:
    """The contribution and the payment match (one two days off); the bank's fee is not
    in the ledger; the £5 in the ledger is not on the statement. The record keeps the
    counts and the file's digest, never its lines or the names in them."""
    books_with_money(books)
    day = books.today
    data = (
        "Date,Description,Paid in,Paid out\n"
        f"{(day - datetime.timedelta(days=2)).strftime('%d/%m/%Y')},Amina Secret-Name,100.00,\n"
        f"{day.strftime('%d/%m/%Y')},Advocate,,60.00\n"
        f"{day.strftime('%d/%m/%Y')},Bank charge,,1.50\n"
    ).encode()
    response = post_statement(sign_in(Client(), books.ta), books, data)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Statement checked: 2 of 3 lines matched." in page
    missing = page.split("Statement lines not in the ledger")[1].split("Ledger lines in")[0]
    assert "Bank charge" in missing
    assert "GBP 1.50" in missing
    extra = page.split("Ledger lines in the period not on the statement")[1].split("Matched")[0]
    assert "GBP 5.00" in extra
    done = Reconciliation.objects.get()
    assert (
        done.statement_lines,
        done.matched,
        done.unmatched_statement,
        done.unmatched_ledger,
    ) == (
        3,
        2,
        1,
        1,
    )
    assert done.statement_sha256 == hashlib.sha256(data).hexdigest()
    assert (done.period_from, done.period_to) == (day - datetime.timedelta(days=2), day)
    event = FundEvent.objects.get(kind=FundEvent.Kind.RECONCILED)
    assert event.organisation == books.a
    assert "Secret-Name" not in event.summary
    assert "Bank charge" not in event.summary
    listing = sign_in(Client(), books.tb).get(
        reverse("fund:reconcile", kwargs={"slug": "free-them"})
    )
    assert "2 / 3" in listing.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (
            b"Date,Amount,Who\n2025-06-01,5,x\n",
            "Line 1: the column “<bdi>Who</bdi>” is not one Habeas reads",
        ),
        (b"Date,Amount\n2025-06-01,5\n01/06/2025,5\n", "Line 3: this date is written"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a text file"),
    ],
)
def test_a_strange_statement_is_refused_through_the_page_and_nothing_recorded(
    books: Books, data: bytes, message: str
) -> None:
    books_with_money(books)
    response = post_statement(sign_in(Client(), books.ta), books, data)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert "&lt;bdi" not in response.content.decode()  # the isolation is markup, not text
    assert not Reconciliation.objects.exists()
    assert not FundEvent.objects.filter(kind=FundEvent.Kind.RECONCILED).exists()


def test_only_bank_accounts_of_the_fund_are_reconciled(books: Books) -> None:
    data = b"Date,Amount\n2025-06-01,5\n"
    ta = sign_in(Client(), books.ta)
    for account in (books.cash, books.account("bank-gbp", books.other_fund)):
        response = post_statement(ta, books, data, account)
        assert response.status_code == 400
        assert "Choose one of the fund&#x27;s bank accounts." in response.content.decode()
    for user in (books.tx, books.editor, books.coordinator):
        assert post_statement(sign_in(Client(), user), books, data).status_code == 403
    assert not Reconciliation.objects.exists()

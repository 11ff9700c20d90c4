"""Bank statements: read strictly, matched one to one, and forgotten.

Good files in each accepted form match as expected; every strange one is
refused with a message naming the line, and nothing is recorded."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from habeas.fund.reconcile import (
    MAX_BYTES,
    MAX_LINES,
    LedgerLine,
    StatementLine,
    match_lines,
    parse_statement,
)

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
    (b"Date,Amount,Foo\n2025-06-01,1,x\n", "Line 1: the column “Foo” is not one Habeas reads"),
    (b"Date,,Amount\n2025-06-01,,1\n", "Line 1: a column has no name"),
    (b"Description,Amount\nGift,1\n", "Line 1: there is no date column"),
    (b"Date,Description\n2025-06-01,Gift\n", "Line 1: there is no amount column"),
    (b"Date,Paid in\n2025-06-01,5\n", "Line 1: there is no amount column"),
    (b"Date,Amount,Credit,Debit\n2025-06-01,1,,\n", "not both"),
    (b"Date,Booking date,Amount\n2025-06-01,2025-06-01,1\n", "two columns mean the same (date)"),
    (GOOD_HEADER.encode() + b"2025-13-01,Gift,1\n", "Line 2: “2025-13-01” is not a real date."),
    (GOOD_HEADER.encode() + b"31/02/2025,Gift,1\n", "Line 2: “31/02/2025” is not a real date."),
    (GOOD_HEADER.encode() + b"June 1 2025,Gift,1\n", "Line 2: “June 1 2025” is not a date"),
    (
        GOOD_HEADER.encode() + b"2025-06-01,Gift,1\n02/06/2025,Gift,1\n",
        "Line 3: this date is written DD/MM/YYYY but earlier ones YYYY-MM-DD",
    ),
    (GOOD_HEADER.encode() + b"06/25/2025,Gift,1\n", "Line 2: “06/25/2025” seems to put the month"),
    (GOOD_HEADER.encode() + b"2025-06-01,Gift,12.345\n", "has more decimal places than GBP has"),
    (GOOD_HEADER.encode() + b"2025-06-01,Gift,abc\n", "Line 2: “abc” is not an amount"),
    (GOOD_HEADER.encode() + b'2025-06-01,Gift,"1,25.00"\n', "“1,25.00” is not an amount"),
    (GOOD_HEADER.encode() + b"2025-06-01,Gift,\xc2\xa3100\n", "“£100” is not an amount"),
    (GOOD_HEADER.encode() + b"2025-06-01,Gift,0.00\n", "Line 2: the amount is zero."),
    (GOOD_HEADER.encode() + b"2025-06-01,Gift,1e3\n", "“1e3” is not an amount"),
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
    with pytest.raises(ValidationError, match="more decimal places than JPY has"):
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
    ledger = [l_line(1, 13, 100), l_line(2, 10, 60), l_line(3, 15, 5)]
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

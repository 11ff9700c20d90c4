"""Reading a bank statement CSV strictly, and matching its lines to the ledger's.

A statement is read whole before anything is written, and refused with a
message naming the line for anything it does not understand: no header row,
an unknown or doubled column, a date or amount that is not plainly one, dates
in two formats, more decimal places than the account's currency has, a file
that is not UTF-8 text, or one past the size or line limits. Nothing is
guessed: a wrong guess would match money that did not move.

Accepted: a header row naming a date column and either one signed amount
column or separate paid-in and paid-out columns (common names, any case),
optionally descriptions, a balance and a type (ignored) and a currency
(checked); dates all ``YYYY-MM-DD`` or all ``DD/MM/YYYY``; amounts such as
``1250.50`` or ``1,250.50``. Matching pairs each statement line with at most
one ledger line of the same amount and direction within ``WINDOW_DAYS``
days, the nearest dates first.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.core.text import format_isolated
from habeas.fund.money import AMOUNT_LIMIT, CURRENCIES

MAX_BYTES = 1024 * 1024
MAX_LINES = 5000
WINDOW_DAYS = 3
DESCRIPTION_LIMIT = 200

# Header names, folded (case, spaces), and the role of their column.
DATE, AMOUNT, CREDIT, DEBIT, DESCRIPTION, CURRENCY, IGNORED = (
    "date",
    "amount",
    "credit",
    "debit",
    "description",
    "currency",
    "ignored",
)
HEADERS: dict[str, str] = {
    "date": DATE,
    "transaction date": DATE,
    "posting date": DATE,
    "booking date": DATE,
    "amount": AMOUNT,
    "credit": CREDIT,
    "paid in": CREDIT,
    "money in": CREDIT,
    "debit": DEBIT,
    "paid out": DEBIT,
    "money out": DEBIT,
    "description": DESCRIPTION,
    "details": DESCRIPTION,
    "reference": DESCRIPTION,
    "narrative": DESCRIPTION,
    "memo": DESCRIPTION,
    "currency": CURRENCY,
    "balance": IGNORED,
    "type": IGNORED,
    "transaction type": IGNORED,
}
# Roles a statement has at most once, and how a message names them.
SINGLE = (DATE, AMOUNT, CREDIT, DEBIT, CURRENCY)
ROLE_NAMES = {
    DATE: gettext_lazy("date"),
    AMOUNT: gettext_lazy("amount"),
    CREDIT: gettext_lazy("paid in"),
    DEBIT: gettext_lazy("paid out"),
    CURRENCY: gettext_lazy("currency"),
}

ISO = "YYYY-MM-DD"
DAY_FIRST = "DD/MM/YYYY"
ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
DAY_FIRST_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
AMOUNT_RE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
UNSIGNED_RE = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
# Control characters other than tab, newline and carriage return.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class StatementLine:
    """One line of a statement: money in positive, money out negative, in minor units."""

    number: int
    booked_on: datetime.date
    amount_minor: int
    description: str


@dataclass(frozen=True)
class Statement:
    """A statement's lines (never none) and the form its dates were written in."""

    lines: list[StatementLine]
    date_format: str

    @property
    def period_from(self) -> datetime.date:
        return min(line.booked_on for line in self.lines)

    @property
    def period_to(self) -> datetime.date:
        return max(line.booked_on for line in self.lines)


@dataclass(frozen=True)
class LedgerLine:
    """A line of the ledger on the account being reconciled (debits, money in, positive)."""

    pk: int
    entry_number: int
    booked_on: datetime.date
    amount_minor: int
    description: str
    reversed: bool = False
    reversal: bool = False


@dataclass
class Matching:
    """Statement lines paired with ledger lines, and what is left of each."""

    matched: list[tuple[StatementLine, LedgerLine]] = field(default_factory=list)
    statement_only: list[StatementLine] = field(default_factory=list)
    ledger_only: list[LedgerLine] = field(default_factory=list)


def _refuse(number: int, message: str) -> ValidationError:
    """A refusal naming the line; a value the message quotes from the file is
    already isolated in it (``format_isolated``), and stays HTML."""
    line = conditional_escape(_("Line %(number)d: %(message)s")) % {
        "number": number,
        "message": conditional_escape(message),
    }
    return ValidationError(mark_safe(line))  # noqa: S308 - both parts escaped above


def _text(data: bytes) -> str:
    if not data or not data.strip():
        raise ValidationError(_("The file is empty: upload the statement as your bank gives it."))
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB: split the statement into shorter periods.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if b"\x00" in data:
        raise ValidationError(
            _("This is not a text file: upload the statement as CSV (comma-separated) text.")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        number = data[: error.start].count(b"\n") + 1
        raise _refuse(
            number,
            _("this is not UTF-8 text. Save the statement as CSV in UTF-8 and upload it again."),
        ) from None
    return text


def _fold(name: str) -> str:
    return " ".join(name.strip().casefold().split())


def _columns(header: list[str], number: int) -> dict[str, list[int]]:
    roles: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(header):
        folded = _fold(name)
        if not folded:
            raise _refuse(
                number, _("a column has no name: the first line must name every column.")
            )
        role = HEADERS.get(folded)
        if role is None:
            raise _refuse(
                number,
                format_isolated(
                    _(
                        "the column “%(name)s” is not one Habeas reads. Name the columns "
                        "date, amount (or paid in and paid out), and optionally description."
                    ),
                    name=name.strip()[:40],
                ),
            )
        roles[role].append(index)
    for role in SINGLE:
        if len(roles.get(role, [])) > 1:
            raise _refuse(
                number,
                _("two columns mean the same (%(role)s): keep one of them.")
                % {"role": ROLE_NAMES[role]},
            )
    if DATE not in roles:
        raise _refuse(
            number,
            _(
                "there is no date column. The first line must name the columns: "
                "date, amount (or paid in and paid out), description."
            ),
        )
    separate = CREDIT in roles or DEBIT in roles
    if AMOUNT in roles and separate:
        raise _refuse(
            number,
            _("give either one amount column or separate paid in and paid out columns, not both."),
        )
    if not (AMOUNT in roles or (CREDIT in roles and DEBIT in roles)):
        raise _refuse(
            number,
            _("there is no amount column: name one amount column, or paid in and paid out."),
        )
    return roles


def _date(value: str, number: int, date_format: str | None) -> tuple[datetime.date, str]:
    value = value.strip()
    iso = ISO_RE.match(value)
    day_first = DAY_FIRST_RE.match(value)
    if iso:
        found = ISO
        year, month, day = (int(part) for part in iso.groups())
    elif day_first:
        found = DAY_FIRST
        day, month, year = (int(part) for part in day_first.groups())
        if month > 12 and day <= 12:
            raise _refuse(
                number,
                format_isolated(
                    _(
                        "“%(value)s” seems to put the month first. Habeas reads DD/MM/YYYY or "
                        "YYYY-MM-DD dates only."
                    ),
                    value=value,
                ),
            )
    else:
        raise _refuse(
            number,
            format_isolated(
                _("“%(value)s” is not a date in the form YYYY-MM-DD or DD/MM/YYYY."),
                value=value[:40],
            ),
        )
    if date_format is not None and found != date_format:
        raise _refuse(
            number,
            _(
                "this date is written %(found)s but earlier ones %(first)s: "
                "a statement uses one form of date."
            )
            % {"found": found, "first": date_format},
        )
    try:
        return datetime.date(year, month, day), found
    except ValueError:
        raise _refuse(
            number, format_isolated(_("“%(value)s” is not a real date."), value=value)
        ) from None


def _minor(value: str, number: int, currency: str, *, signed: bool) -> int:
    text = value.strip()
    if not (AMOUNT_RE if signed else UNSIGNED_RE).match(text):
        if signed:
            message = _("“%(value)s” is not an amount such as -25.50 or 1,250.00.")
        else:
            message = _(
                "“%(value)s” is not an amount such as 25.50 or 1,250.00 "
                "(paid in and paid out are written without a sign)."
            )
        raise _refuse(number, format_isolated(message, value=text[:40]))
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise _refuse(
            number, format_isolated(_("“%(value)s” is not an amount."), value=text)
        ) from None
    digits = CURRENCIES[currency]
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > digits:
        raise _refuse(
            number,
            format_isolated(
                _("“%(value)s” has more decimal places than %(currency)s has (%(digits)d)."),
                value=text,
                currency=currency,
                digits=digits,
            ),
        )
    if abs(amount) >= AMOUNT_LIMIT:
        raise _refuse(number, format_isolated(_("“%(value)s” is too large."), value=text))
    return int(amount.scaleb(digits))


def parse_statement(data: bytes, currency: str) -> Statement:
    """The lines of a bank statement CSV of an account in ``currency``.

    Raises ValidationError, naming the line, for anything not read exactly:
    see the module's docstring for what is accepted.
    """
    text = _text(data)
    control = CONTROL_RE.search(text)
    if control is not None:
        raise _refuse(
            text[: control.start()].count("\n") + 1,
            _("the file holds control characters: it is not a plain CSV statement."),
        )
    if "," not in text.split("\n", 1)[0] and ";" in text.split("\n", 1)[0]:
        raise _refuse(1, _("the columns are separated by semicolons; Habeas reads commas only."))
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_number = 0
    roles: dict[str, list[int]] = {}
    lines: list[StatementLine] = []
    date_format: str | None = None
    try:
        for row in rows:
            number = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header, header_number = row, number
                if any(_looks_like_data(cell) for cell in row):
                    raise _refuse(
                        number,
                        _(
                            "the first line must name the columns (date, amount, description), "
                            "not hold a transaction."
                        ),
                    )
                roles = _columns(header, number)
                continue
            if len(lines) >= MAX_LINES:
                raise _refuse(
                    number,
                    _(
                        "a statement may have at most %(limit)d lines: "
                        "split it into shorter periods."
                    )
                    % {"limit": MAX_LINES},
                )
            if len(row) != len(header):
                raise _refuse(
                    number,
                    _("this line has %(found)d columns but the first line names %(expected)d.")
                    % {"found": len(row), "expected": len(header)},
                )
            line, date_format = _line(row, number, roles, currency, date_format)
            lines.append(line)
    except csv.Error as error:
        raise _refuse(
            rows.line_num, _("the line is not valid CSV (%(error)s).") % {"error": error}
        ) from None
    if header is None:
        raise ValidationError(_("The file is empty: upload the statement as your bank gives it."))
    if not lines:
        raise _refuse(header_number, _("the statement has a header but no transactions."))
    return Statement(lines=lines, date_format=date_format or ISO)


def _looks_like_data(cell: str) -> bool:
    cell = cell.strip()
    return bool(ISO_RE.match(cell) or DAY_FIRST_RE.match(cell) or AMOUNT_RE.match(cell))


def _line(
    row: list[str],
    number: int,
    roles: dict[str, list[int]],
    currency: str,
    date_format: str | None,
) -> tuple[StatementLine, str]:
    booked_on, found = _date(row[roles[DATE][0]], number, date_format)
    if CURRENCY in roles:
        given = row[roles[CURRENCY][0]].strip().upper()
        if given and given != currency:
            raise _refuse(
                number,
                _("this line is in %(given)s but the account holds %(currency)s.")
                % {"given": given[:10], "currency": currency},
            )
    if AMOUNT in roles:
        amount = _minor(row[roles[AMOUNT][0]], number, currency, signed=True)
    else:
        paid_in = row[roles[CREDIT][0]].strip()
        paid_out = row[roles[DEBIT][0]].strip()
        if bool(paid_in) == bool(paid_out):
            raise _refuse(
                number,
                _("give an amount in either paid in or paid out, not both or neither."),
            )
        if paid_in:
            amount = _minor(paid_in, number, currency, signed=False)
        else:
            amount = -_minor(paid_out, number, currency, signed=False)
    if amount == 0:
        raise _refuse(number, _("the amount is zero."))
    description = " · ".join(
        row[index].strip() for index in roles.get(DESCRIPTION, []) if row[index].strip()
    )
    line = StatementLine(
        number=number,
        booked_on=booked_on,
        amount_minor=amount,
        description=description[:DESCRIPTION_LIMIT],
    )
    return line, found


def match_lines(
    statement: Sequence[StatementLine],
    ledger: Sequence[LedgerLine],
    *,
    period_from: datetime.date,
    period_to: datetime.date,
) -> Matching:
    """Pair statement lines with ledger lines one to one: the same amount and direction,
    dates at most WINDOW_DAYS apart, the nearest dates first (then the earliest lines).

    Ledger lines left unpaired are reported only if booked within the statement's
    period; those just outside it were candidates only.
    """
    by_amount: dict[int, list[LedgerLine]] = defaultdict(list)
    for line in ledger:
        by_amount[line.amount_minor].append(line)
    window = datetime.timedelta(days=WINDOW_DAYS)
    pairs: list[tuple[int, int, datetime.date, int, int, int]] = []
    for s_index, s_line in enumerate(statement):
        for l_index, l_line in enumerate(by_amount.get(s_line.amount_minor, [])):
            gap = abs(l_line.booked_on - s_line.booked_on)
            if gap <= window:
                pairs.append(
                    (gap.days, s_index, l_line.booked_on, l_line.pk, l_index, s_line.amount_minor)
                )
    pairs.sort()
    used_statement: set[int] = set()
    used_ledger: set[int] = set()
    paired: dict[int, LedgerLine] = {}
    for _gap, s_index, _booked_on, l_pk, l_index, amount in pairs:
        if s_index in used_statement or l_pk in used_ledger:
            continue
        used_statement.add(s_index)
        used_ledger.add(l_pk)
        paired[s_index] = by_amount[amount][l_index]
    result = Matching()
    for s_index, s_line in enumerate(statement):
        if s_index in paired:
            result.matched.append((s_line, paired[s_index]))
        else:
            result.statement_only.append(s_line)
    result.ledger_only = [
        line
        for line in ledger
        if line.pk not in used_ledger and period_from <= line.booked_on <= period_to
    ]
    return result

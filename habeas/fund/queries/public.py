"""Reads for the public fund page and the public ledger download.

Everything here is what the public may see of a fund, and nothing more: the
balances and the month totals the posting service keeps (never a sum over
lines), the latest recorded exchange rates, paid payments with the payee and
the person served only where they agreed to be named, donors only where they
agreed, and promised pledges as counts and sums without names. Private
fields are replaced in the database query itself (``CASE WHEN ... THEN ...
ELSE ''``), so a page cannot show what it is never given.

The page costs the same number of queries however long the ledger grows;
its two lists are paged. The download streams the ledger line by line.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import QueryDict
from django.utils import timezone

from habeas.coalition.models import Campaign
from habeas.core.lists import Paged, paged
from habeas.core.text import spreadsheet_safe
from habeas.fund.models import (
    Account,
    Approval,
    Balance,
    Contribution,
    Disbursement,
    Entry,
    ExchangeRate,
    Fund,
    Line,
    MonthTotal,
    Pledge,
)
from habeas.fund.money import convert, format_money, to_decimal

# Rows of one page of payments, and of named donors.
PAGE_SIZE = 25
PAYMENTS_PARAM = "payments"
DONORS_PARAM = "donors"
# The chart and its table show at most this many months, up to the current one.
CHART_MONTHS = 36
# Lines fetched from the database at a time, and written per chunk of the download.
CSV_CHUNK = 2000
CSV_FLUSH_ROWS = 500
CSV_COLUMNS = [
    "entry",
    "date",
    "kind",
    "description",
    "account",
    "account_kind",
    "currency",
    "debit",
    "credit",
    "reverses_entry",
]


# --- Amounts -------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    """An amount of one currency in minor units; shown as ``format_money`` shows it,
    in the reader's language."""

    minor: int
    currency: str

    def __str__(self) -> str:
        return format_money(self.minor, self.currency)

    @property
    def decimal(self) -> Decimal:
        return to_decimal(self.minor, self.currency)


def _amounts(totals: dict[str, int]) -> list[Amount]:
    """The non-zero totals, by currency code."""
    return [Amount(minor, code) for code, minor in sorted(totals.items()) if minor]


# --- The fund of a campaign ----------------------------------------------------------


def campaign_fund(campaign: Campaign) -> Fund | None:
    """The fund of ``campaign`` (one query), or None if it has none. The caller has
    already found the campaign public; the fund's page is as public as its campaign."""
    return Fund.objects.filter(campaign=campaign).first()


# --- Balances, rates and what was raised --------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    """One account of the fund's chart and what it holds: a bank or cash account its
    balance in its currency (zero included), a spending category what was spent
    from it in each currency."""

    name: str
    name_ur: str
    kind: str
    amounts: list[Amount]


@dataclass(frozen=True)
class Rate:
    """The latest rate recorded for ``currency``: ``rate`` units of the reporting
    currency per unit, from ``source``, as of ``as_of``."""

    currency: str
    rate: Decimal
    source: str
    as_of: datetime.date

    @property
    def text(self) -> str:
        """The rate without trailing zeros: 0.0036, not 0.00360000."""
        return f"{self.rate.normalize():f}"


@dataclass(frozen=True)
class RaisedRow:
    """Money raised in one currency, and what it counts for in the reporting currency
    (None when no rate is recorded: it is left out of the total)."""

    amount: Amount
    rate: Rate | None
    counted: Amount | None


@dataclass(frozen=True)
class Promised:
    """Pledges promised and not yet received, in one currency: how many, how much."""

    count: int
    amount: Amount


@dataclass(frozen=True)
class MonthFigures:
    """Income and spending of one month, in the reporting currency."""

    month: datetime.date
    income: Amount
    spending: Amount


@dataclass(frozen=True)
class Summary:
    """The fund's figures for its public page (six queries, however long the ledger).

    ``held`` is bank and cash money per currency, ``accounts`` each of those
    accounts' balances, ``categories`` the spending categories and what each
    spent, ``promised_money`` the promised-money (receivable) accounts per
    currency, ``spent`` the spending accounts together per currency.
    ``raised`` lists contributions per currency with the rate that converts
    each; ``total`` is their sum in the reporting currency, leaving out the
    currencies in ``left_out`` (no rate recorded). ``pledges`` are confirmed
    pledges not yet received, per currency. ``months`` is the chart's series,
    ``chart_left_out`` the currencies it could not convert.
    """

    fund: Fund
    has_entries: bool
    held: list[Amount]
    accounts: list[AccountRow]
    categories: list[AccountRow]
    promised_money: list[Amount]
    spent: list[Amount]
    raised: list[RaisedRow]
    total: Amount
    left_out: list[Amount]
    rates: list[Rate]
    goal: Amount | None
    pledges: list[Promised]
    months: list[MonthFigures]
    chart_left_out: list[str] = field(default_factory=list)
    chart_from: datetime.date | None = None

    @property
    def reporting_currency(self) -> str:
        return self.fund.reporting_currency

    @property
    def progress(self) -> int | None:
        """The share of the goal raised, in whole percent (at most 100); None without a goal."""
        if self.goal is None:
            return None
        return min(100, self.total.minor * 100 // self.goal.minor) if self.total.minor > 0 else 0

    @property
    def progress_value(self) -> int:
        """What the progress bar shows: the total raised, within 0 and the goal."""
        if self.goal is None:
            return 0
        return max(0, min(self.total.minor, self.goal.minor))


def latest_rates(fund: Fund) -> dict[str, Rate]:
    """The latest recorded rate of each currency of ``fund`` (latest date, then the
    last recorded), by currency code: one query, whatever the number of rates."""
    rows = (
        ExchangeRate.objects.filter(fund=fund)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("currency")],
                order_by=[F("as_of").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .values_list("currency", "rate", "source", "as_of")
    )
    return {
        currency: Rate(currency=currency, rate=rate, source=source, as_of=as_of)
        for currency, rate, source, as_of in rows
    }


def _month_add(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _chart_months(
    fund: Fund, rates: dict[str, Rate]
) -> tuple[list[MonthFigures], list[str], set[str], datetime.date]:
    """The last CHART_MONTHS months' income and spending in the reporting currency,
    from the first month with any, every month in between shown; the
    currencies left out for want of a rate, those converted, and the first
    month the chart could show."""
    reporting = fund.reporting_currency
    current = timezone.localdate().replace(day=1)
    start = _month_add(current, 1 - CHART_MONTHS)
    rows = MonthTotal.objects.filter(fund=fund, month__gte=start).values_list(
        "month", "currency", "income_minor", "spending_minor"
    )
    income: dict[datetime.date, int] = defaultdict(int)
    spending: dict[datetime.date, int] = defaultdict(int)
    left_out: set[str] = set()
    converted: set[str] = set()
    seen: set[datetime.date] = set()
    for month, currency, income_minor, spending_minor in rows:
        if not (income_minor or spending_minor):
            continue
        seen.add(month)
        if currency == reporting:
            income[month] += income_minor
            spending[month] += spending_minor
        elif currency in rates:
            rate = rates[currency].rate
            income[month] += convert(income_minor, currency, rate, reporting)
            spending[month] += convert(spending_minor, currency, rate, reporting)
            converted.add(currency)
        else:
            left_out.add(currency)
    if not seen:
        return [], sorted(left_out), converted, start
    first, last = min(seen), max(max(seen), current)
    months = []
    month = first
    while month <= last:
        months.append(
            MonthFigures(
                month=month,
                income=Amount(income[month], reporting),
                spending=Amount(spending[month], reporting),
            )
        )
        month = _month_add(month, 1)
    return months, sorted(left_out), converted, start


def fund_summary(fund: Fund) -> Summary:
    """The fund's public figures: balances read from ``Balance`` rows, what was raised
    converted at the latest rates, the goal, promised pledges (counts and sums,
    no names) and the chart's months read from ``MonthTotal``. Six queries."""
    reporting = fund.reporting_currency
    chart = Account.objects.filter(fund=fund).order_by("kind", "name", "pk")
    by_account: dict[int, dict[str, int]] = defaultdict(dict)
    has_entries = False
    for account_id, currency, minor in Balance.objects.filter(account__fund=fund).values_list(
        "account_id", "currency", "balance_minor"
    ):
        has_entries = True
        by_account[account_id][currency] = minor
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    accounts = []
    categories = []
    for account in chart:
        held_here = by_account[account.pk]
        for currency, minor in held_here.items():
            totals[account.kind][currency] += minor
        row = AccountRow(
            name=account.name,
            name_ur=account.name_ur,
            kind=account.kind,
            amounts=_amounts(held_here),
        )
        if account.kind in (Account.Kind.BANK, Account.Kind.CASH):
            if not row.amounts:
                row.amounts.append(Amount(0, account.currency))
            accounts.append(row)
        elif account.kind == Account.Kind.EXPENSE:
            categories.append(row)
    held: dict[str, int] = defaultdict(int)
    for kind in (Account.Kind.BANK, Account.Kind.CASH):
        for currency, minor in totals[kind].items():
            held[currency] += minor
    promised_money = totals[Account.Kind.RECEIVABLE]
    spent = totals[Account.Kind.EXPENSE]
    raised = totals[Account.Kind.INCOME]
    rates = latest_rates(fund)
    rows = []
    total = 0
    left_out = []
    used: list[Rate] = []
    for amount in _amounts(raised):
        if amount.currency == reporting:
            rows.append(RaisedRow(amount=amount, rate=None, counted=amount))
            total += amount.minor
        elif amount.currency in rates:
            rate = rates[amount.currency]
            counted = Amount(
                convert(amount.minor, amount.currency, rate.rate, reporting), reporting
            )
            rows.append(RaisedRow(amount=amount, rate=rate, counted=counted))
            used.append(rate)
            total += counted.minor
        else:
            rows.append(RaisedRow(amount=amount, rate=None, counted=None))
            left_out.append(amount)
    pledges = [
        Promised(count=row["count"], amount=Amount(row["total"], row["currency"]))
        for row in Pledge.objects.filter(fund=fund, status=Pledge.Status.CONFIRMED)
        .values("currency")
        .annotate(count=Count("pk"), total=Sum("amount_minor"))
        .order_by("currency")
    ]
    months, chart_left_out, chart_converted, chart_from = _chart_months(fund, rates)
    listed = {rate.currency for rate in used} | chart_converted
    return Summary(
        fund=fund,
        has_entries=has_entries,
        held=_amounts(held),
        accounts=accounts,
        categories=categories,
        promised_money=_amounts(promised_money),
        spent=_amounts(spent),
        raised=rows,
        total=Amount(total, reporting),
        left_out=left_out,
        rates=[rates[currency] for currency in sorted(listed)],
        goal=Amount(fund.goal_minor, reporting) if fund.goal_minor else None,
        pledges=pledges,
        months=months,
        chart_left_out=chart_left_out,
        chart_from=chart_from,
    )


# --- Payments made and donors named ---------------------------------------------------


@dataclass(frozen=True)
class PublicPayment:
    """A paid payment as the public sees it: the payee and the person it serves are
    empty unless they agreed to be named; ``reversed_by`` is the number of the
    entry that undid it, if one did."""

    entry_number: int
    paid_on: datetime.date
    purpose: str
    category: str
    category_ur: str
    amount: Amount
    approved_by: list[str]
    payee: str
    serves: str
    reversed_by: int | None


@dataclass(frozen=True)
class NamedDonor:
    """A contribution whose donor agreed to be named."""

    name: str
    organisation: str
    amount: Amount
    given_on: datetime.date


def _shown_if(name: str, agreed: str) -> Case:
    """The column ``name`` where the row's ``agreed`` is true, else an empty text:
    the private value never leaves the database."""
    return Case(When(**{agreed: True}, then=F(name)), default=Value(""), output_field=CharField())


def _reversal_of(entry: str) -> Any:
    return Entry.objects.filter(reverses_id=OuterRef(entry))


def _newest_first(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Newest posting first, by the row's own indexed ``entry_id``: within a fund entry
    ids rise with entry numbers (both are taken under the fund's lock), and
    ordering by a joined column would sort every row of a long ledger."""
    return queryset.order_by("-entry_id")


def payments_paid(fund: Fund, query: QueryDict) -> Paged:
    """One page (``?payments=N``, PAGE_SIZE rows) of the fund's paid payments, newest
    first, as PublicPayment rows: date, purpose, category, amount, the names of
    the organisations that approved it, the payee and the person it serves only
    where each agreed, and the entry that reversed it. Four queries: the count
    and the page's ids read the payments alone, then the page's details and
    approvals are read by id, so a late page joins no more rows than the first."""
    paid = Disbursement.objects.filter(fund=fund, status=Disbursement.Status.PAID)
    result = paged(
        _newest_first(paid).values_list("pk", flat=True), query, PAYMENTS_PARAM, PAGE_SIZE
    )
    ids = list(result.page.object_list)
    details: dict[int, Any] = {}
    approvals: dict[int, list[str]] = defaultdict(list)
    if ids:
        details = {
            row["pk"]: row
            for row in Disbursement.objects.filter(pk__in=ids).values(
                "pk",
                "entry__number",
                "entry__booked_on",
                "purpose",
                "category__name",
                "category__name_ur",
                "amount_minor",
                "currency",
                payee_shown=_shown_if("payee", "payee_public"),
                serves_shown=_shown_if("serves", "serves_public"),
                reversed_by=Subquery(_reversal_of("entry_id").values("number")[:1]),
            )
        }
        for disbursement_id, name in (
            Approval.objects.filter(disbursement_id__in=ids)
            .order_by("approved_at", "pk")
            .values_list("disbursement_id", "organisation__name")
        ):
            approvals[disbursement_id].append(name)
    result.page.object_list = [
        PublicPayment(
            entry_number=row["entry__number"],
            paid_on=row["entry__booked_on"],
            purpose=row["purpose"],
            category=row["category__name"],
            category_ur=row["category__name_ur"],
            amount=Amount(row["amount_minor"], row["currency"]),
            approved_by=approvals[row["pk"]],
            payee=row["payee_shown"],
            serves=row["serves_shown"],
            reversed_by=row["reversed_by"],
        )
        for row in (details[pk] for pk in ids)
    ]
    return result


@dataclass(frozen=True)
class DonorsPage:
    """Named donors, newest first, from the newest or from before an entry; with the
    links to the next older page and back to the newest (empty when there is none)."""

    rows: list[NamedDonor]
    older_link: str
    newest_link: str

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __iter__(self) -> Iterator[NamedDonor]:
        return iter(self.rows)


def _entry_number(value: str | None) -> int | None:
    if value is None or not value.isdigit() or len(value) > 10:
        return None
    return int(value) or None


def donors_named(fund: Fund, query: QueryDict) -> DonorsPage:
    """PAGE_SIZE contributions whose donor agreed to be named, newest first, as
    NamedDonor rows, from entries before number ``?donors=N`` (or the newest); a
    contribution later reversed is left out. Two queries, as fast for the last
    page as for the first: it starts where the page before ended, rather than
    counting its way there."""
    before = _entry_number(query.get(DONORS_PARAM))
    named = Contribution.objects.filter(fund=fund, name_public=True).filter(
        ~Exists(_reversal_of("entry_id"))
    )
    if before is not None:
        # Entries from number ``before`` on; past the last, every entry.
        first_left_out = Entry.objects.filter(fund=fund, number__gte=before).order_by("number")
        named = named.filter(
            entry_id__lt=Coalesce(
                Subquery(first_left_out.values("pk")[:1]),
                Value(2**62),
                output_field=BigIntegerField(),
            )
        )
    rows = list(
        _newest_first(named).values(
            "entry_id", "donor_name", "donor_organisation__name", "amount_minor", "currency"
        )[: PAGE_SIZE + 1]
    )
    shown = rows[:PAGE_SIZE]
    # The entries' numbers and dates, by id: joined in the query above, the
    # database would walk the entries from the newest down to the page.
    entries: dict[int, tuple[int, datetime.date]] = {}
    if shown:
        entries = {
            pk: (number, booked_on)
            for pk, number, booked_on in Entry.objects.filter(
                pk__in=[row["entry_id"] for row in shown]
            ).values_list("pk", "number", "booked_on")
        }
    older_link = newest_link = ""
    if len(rows) > PAGE_SIZE:
        older = query.copy()
        older[DONORS_PARAM] = str(entries[shown[-1]["entry_id"]][0])
        older_link = "?" + older.urlencode()
    if before is not None:
        newest = query.copy()
        newest.pop(DONORS_PARAM, None)
        newest_link = "?" + newest.urlencode()
    return DonorsPage(
        rows=[
            NamedDonor(
                name=row["donor_name"],
                organisation=row["donor_organisation__name"] or "",
                amount=Amount(row["amount_minor"], row["currency"]),
                given_on=entries[row["entry_id"]][1],
            )
            for row in shown
        ],
        older_link=older_link,
        newest_link=newest_link,
    )


# --- The public ledger download --------------------------------------------------------


def _ledger_lines(fund: Fund) -> Iterable[tuple[Any, ...]]:
    return (
        Line.objects.filter(entry__fund=fund)
        .order_by("entry__number", "pk")
        .values_list(
            "entry__number",
            "entry__booked_on",
            "entry__kind",
            "entry__description",
            "account__name",
            "account__kind",
            "currency",
            "amount_minor",
            "entry__reverses__number",
        )
        .iterator(chunk_size=CSV_CHUNK)
    )


def ledger_csv(fund: Fund) -> Iterator[str]:
    """The fund's whole ledger as CSV text, a chunk of rows at a time, in flat memory.

    One row per line, in posting order: the entry's number, date, kind and
    public description, the account and its kind, the currency, the debit or
    the credit as an exact decimal, and the number of the entry it reverses.
    Nothing private is read: entry descriptions are written by the services
    for the public (a donor is named in one only if they agreed; a payment's
    describes its purpose, never its payee). No cell runs as a formula in a
    spreadsheet. The query runs when the first chunk is asked for.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    # An entry's cells are made once for its lines, an account's once for the file.
    entry_cells: tuple[Any, ...] = ()
    entry_number = None
    account_cells: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    for n, (
        number,
        booked_on,
        kind,
        description,
        account,
        account_kind,
        currency,
        amount,
        reverses,
    ) in enumerate(_ledger_lines(fund), 1):
        if number != entry_number:
            entry_number = number
            entry_cells = (
                number,
                booked_on.isoformat(),
                spreadsheet_safe(kind),
                spreadsheet_safe(description),
            )
        key = (account, account_kind, currency)
        cells = account_cells.get(key)
        if cells is None:
            cells = account_cells[key] = tuple(spreadsheet_safe(cell) for cell in key)
        value = to_decimal(abs(amount), currency)
        writer.writerow(
            (
                *entry_cells,
                *cells,
                value if amount > 0 else "",
                value if amount < 0 else "",
                reverses or "",
            )
        )
        if n % CSV_FLUSH_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()

"""Data and measured steps for the fund benchmark (bench_fund).

Each step runs in its own process with the environment Habeas is served
with (the same HABEAS_VAR_DIR or DATABASE_URL), after `habeas demo`, so the
benchmark can read its peak RSS from the kernel alone::

    python -m bench.seed_fund seed LINES       the demo fund with LINES journal lines
    python -m bench.seed_fund baseline         Django and the fund's queries loaded, nothing read
    python -m bench.seed_fund csv OUTPUT       the public ledger CSV, as the view streams it
    python -m bench.seed_fund traced OUTPUT    the same under tracemalloc: the Python heap's peak
    python -m bench.seed_fund lines            the CSV's query alone, every row read, no CSV made

``seed`` gives the demo campaign's fund LINES / 2 two-line entries over
SEED_YEARS years up to this month, booked in date order: contributions in
five currencies (one donor in ten named publicly), a paid payment every
166th entry (about 3,000, each approved by two organisations, most payees
private), and a reversal of an earlier contribution every 1,000th. Rows go
in with ``habeas.core.bulk.insert_rows`` (COPY on PostgreSQL) with ids
chosen here, and the ``Balance`` and ``MonthTotal`` rows are computed from
the same amounts as the posting service would keep them, then checked
against the lines by SQL. Rates are recorded for three of the currencies
(PKR has none, so the page lists it as left out), and 2,000 confirmed
pledges are added. Each step prints one JSON object on its last line.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from collections import defaultdict
from typing import Any

CAMPAIGN_SLUG = "free-political-prisoners-pakistan"
SEED_YEARS = 6
CURRENCIES = ("GBP", "USD", "EUR", "PKR", "CAD")
RATES = {"USD": "0.79", "EUR": "0.85", "CAD": "0.58"}
PAYMENT_EVERY = 166
REVERSAL_EVERY = 1000
NAMED_EVERY = 10
PLEDGES = 2000
BATCH = 50_000
# A name that must never reach the public: every anonymous donor carries it.
HIDDEN_DONOR = "Private Donor"
HIDDEN_PAYEE = "Private Payee"


def _kind(i: int) -> str:
    if i % REVERSAL_EVERY == REVERSAL_EVERY - 1:
        return "REVERSAL"
    if i % PAYMENT_EVERY == PAYMENT_EVERY - 1:
        return "DISBURSEMENT"
    return "CONTRIBUTION"


def _amount(i: int, currency: str) -> int:
    if currency == "PKR":
        return 100_000 + (i * 7919) % 2_000_000
    return 500 + (i * 7919) % 20_000


def _next_id(model: Any) -> int:
    from django.db.models import Max

    return int(model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _reset_sequences(models_: list[Any]) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def seed(lines: int) -> dict[str, Any]:
    """Give the demo fund ``lines`` journal lines; what was written and how long it took."""
    from django.db import connection, transaction
    from django.db.models import Sum
    from django.utils import timezone

    from habeas.coalition.models import Campaign
    from habeas.core.bulk import analyse, insert_rows
    from habeas.core.pagecache import public_changed
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

    started = time.perf_counter()
    entries = lines // 2
    campaign = Campaign.objects.get(slug=CAMPAIGN_SLUG)
    fund = Fund.objects.get(campaign=campaign)
    if fund.entries.exists():
        raise SystemExit("the demo fund already has entries: seed a fresh database")
    organisations = list(campaign.memberships.values_list("organisation", flat=True)[:3])
    now = timezone.now()
    today = timezone.localdate()
    first_day = datetime.date(today.year - SEED_YEARS, today.month, 1)
    span = (today - first_day).days
    with transaction.atomic():
        bank = {}
        for currency in CURRENCIES:
            bank[currency], _created = Account.objects.get_or_create(
                fund=fund,
                code=f"bank-{currency.lower()}",
                defaults={
                    "kind": Account.Kind.BANK,
                    "name": f"Bank ({currency})",
                    "name_ur": f"بینک ({currency})",
                    "currency": currency,
                },
            )
        income = fund.accounts.get(code="contributions")
        categories = list(fund.accounts.filter(kind=Account.Kind.EXPENSE).order_by("pk"))
        kinds = {account.pk: account.kind for account in fund.accounts.all()}
        debit_normal = {pk for pk, kind in kinds.items() if kind != Account.Kind.INCOME}
        entry_id = _next_id(Entry)
        disbursement_id = _next_id(Disbursement)
        balances: dict[tuple[int, str], int] = defaultdict(int)
        months: dict[tuple[datetime.date, str], list[int]] = defaultdict(lambda: [0, 0])
        # Contributions still to be reversed: entry index -> (id, currency, amount).
        contributions: dict[int, tuple[int, str, int]] = {}
        counts: dict[str, int] = defaultdict(int)
        insert_s = 0.0
        for first in range(0, entries, BATCH):
            entry_rows: list[tuple[Any, ...]] = []
            line_rows: list[tuple[Any, ...]] = []
            contribution_rows: list[tuple[Any, ...]] = []
            disbursement_rows: list[tuple[Any, ...]] = []
            approval_rows: list[tuple[Any, ...]] = []
            for i in range(first, min(first + BATCH, entries)):
                this_id = entry_id + i
                number = i + 1
                booked_on = first_day + datetime.timedelta(days=i * span // entries)
                month = booked_on.replace(day=1)
                kind = _kind(i)
                reverses = None
                if kind == "CONTRIBUTION":
                    currency = CURRENCIES[i % len(CURRENCIES)]
                    amount = _amount(i, currency)
                    named = i % NAMED_EVERY == 0
                    description = (
                        f"Contribution from Supporter {number}"
                        if named
                        else "Contribution (donor not named)"
                    )
                    legs = [(bank[currency].pk, amount), (income.pk, -amount)]
                    contribution_rows.append(
                        (
                            fund.pk,
                            this_id,
                            "BANK_TRANSFER",
                            f"Supporter {number}" if named else f"{HIDDEN_DONOR} {number}",
                            named,
                            amount,
                            currency,
                        )
                    )
                    contributions[i] = (this_id, currency, amount)
                elif kind == "DISBURSEMENT":
                    currency = "PKR" if i % 3 == 0 else "GBP"
                    amount = 30_000 + (i * 104_729) % 50_000
                    if currency == "PKR":
                        amount *= 100
                    category = categories[i % len(categories)]
                    purpose = f"{category.name} for hearing {number}"
                    description = f"Payment: {purpose}"
                    legs = [(category.pk, amount), (bank[currency].pk, -amount)]
                    payee_public = i % 5 == 0
                    disbursement_rows.append(
                        (
                            disbursement_id,
                            fund.pk,
                            organisations[0],
                            now,
                            amount,
                            currency,
                            bank[currency].pk,
                            category.pk,
                            purpose,
                            "",
                            False,
                            f"Law chambers {number}"
                            if payee_public
                            else f"{HIDDEN_PAYEE} {number}",
                            payee_public,
                            "",
                            "",
                            "PAID",
                            this_id,
                            now,
                            "",
                        )
                    )
                    for organisation in organisations[:2]:
                        approval_rows.append((disbursement_id, organisation, now))
                    disbursement_id += 1
                else:
                    undone = i - REVERSAL_EVERY // 2
                    while undone not in contributions:
                        undone -= 1
                    undone_id, currency, amount = contributions.pop(undone)
                    description = f"Reversal of entry #{undone + 1}"
                    legs = [(bank[currency].pk, -amount), (income.pk, amount)]
                    reverses = undone_id
                counts[kind] += 1
                entry_rows.append(
                    (
                        this_id,
                        fund.pk,
                        number,
                        kind,
                        booked_on,
                        description,
                        now,
                        reverses,
                        "Entered twice" if reverses else "",
                    )
                )
                for account_id, amount_minor in legs:
                    line_rows.append((this_id, account_id, currency, amount_minor))
                    sign = 1 if account_id in debit_normal else -1
                    balances[(account_id, currency)] += sign * amount_minor
                    if kinds[account_id] == Account.Kind.INCOME:
                        months[(month, currency)][0] -= amount_minor
                    elif kinds[account_id] == Account.Kind.EXPENSE:
                        months[(month, currency)][1] += amount_minor
            # Contributions older than any reversal still to come are not needed again.
            for old in [k for k in contributions if k < first - REVERSAL_EVERY]:
                del contributions[old]
            batch_started = time.perf_counter()
            insert_rows(
                Entry,
                [
                    "id",
                    "fund",
                    "number",
                    "kind",
                    "booked_on",
                    "description",
                    "posted_at",
                    "reverses",
                    "reason",
                ],
                entry_rows,
            )
            insert_rows(Line, ["entry", "account", "currency", "amount_minor"], line_rows)
            insert_rows(
                Contribution,
                [
                    "fund",
                    "entry",
                    "method",
                    "donor_name",
                    "name_public",
                    "amount_minor",
                    "currency",
                ],
                contribution_rows,
            )
            insert_rows(
                Disbursement,
                [
                    "id",
                    "fund",
                    "organisation",
                    "requested_at",
                    "amount_minor",
                    "currency",
                    "account",
                    "category",
                    "purpose",
                    "serves",
                    "serves_public",
                    "payee",
                    "payee_public",
                    "receipt",
                    "receipt_type",
                    "status",
                    "entry",
                    "closed_at",
                    "close_reason",
                ],
                disbursement_rows,
            )
            insert_rows(Approval, ["disbursement", "organisation", "approved_at"], approval_rows)
            insert_s += time.perf_counter() - batch_started
        if any(value < 0 for value in balances.values()):
            raise SystemExit("the seeded ledger would overdraw an account")
        Balance.objects.bulk_create(
            Balance(account_id=account_id, currency=currency, balance_minor=value)
            for (account_id, currency), value in sorted(balances.items())
        )
        MonthTotal.objects.bulk_create(
            MonthTotal(
                fund=fund,
                month=month,
                currency=currency,
                income_minor=values[0],
                spending_minor=values[1],
            )
            for (month, currency), values in sorted(months.items())
        )
        for currency, rate in RATES.items():
            ExchangeRate.objects.create(
                fund=fund,
                currency=currency,
                rate=rate,
                source="Bank of England (benchmark)",
                as_of=today - datetime.timedelta(days=1),
            )
        Pledge.objects.bulk_create(
            Pledge(
                fund=fund,
                amount_minor=_amount(n, CURRENCIES[n % len(CURRENCIES)]),
                currency=CURRENCIES[n % len(CURRENCIES)],
                name=f"Pledger {n}",
                email=f"pledger-{n}@example.org",
                language="en",
                status=Pledge.Status.CONFIRMED,
                confirmed_at=now,
            )
            for n in range(PLEDGES)
        )
        _reset_sequences([Entry, Disbursement])
        analyse([Entry, Line, Contribution, Disbursement, Approval, Balance, MonthTotal])
    seeded_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # What autovacuum does a few minutes after such a bulk insert.
        with connection.cursor() as cursor:
            for model in (Entry, Line, Contribution, Disbursement, Approval):
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    analysed_s = time.perf_counter() - started
    # The kept rows agree with the lines, as the posting service keeps them.
    summed = {
        (row["account_id"], row["currency"]): row["total"]
        for row in Line.objects.filter(entry__fund=fund)
        .values("account_id", "currency")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    }
    for (account_id, currency), value in balances.items():
        sign = 1 if account_id in debit_normal else -1
        if summed.get((account_id, currency), 0) * sign != value:
            raise SystemExit(
                f"Balance of account {account_id} {currency} disagrees with its lines"
            )
    public_changed()
    paid = counts["DISBURSEMENT"]
    named_count = Contribution.objects.filter(fund=fund, name_public=True).count()
    return {
        "entries": entries,
        "lines": Line.objects.filter(entry__fund=fund).count(),
        "contributions": counts["CONTRIBUTION"],
        "payments": paid,
        "approvals": 2 * paid,
        "reversals": counts["REVERSAL"],
        "named_contributions": named_count,
        "pledges": PLEDGES,
        "month_totals": len(months),
        "years": SEED_YEARS,
        "currencies": len(CURRENCIES),
        "insert_s": round(insert_s, 3),
        "seeded_s": round(seeded_s, 3),
        "analysed_s": round(analysed_s, 3),
        "checked_s": round(time.perf_counter() - started, 3),
        "slug": CAMPAIGN_SLUG,
    }


def _fund() -> Any:
    from habeas.fund.models import Fund

    return Fund.objects.select_related("campaign").get(campaign__slug=CAMPAIGN_SLUG)


def baseline() -> dict[str, Any]:
    """Load what the CSV steps load and read the fund, export nothing: the floor of
    their peak RSS."""
    from habeas.fund.queries import public  # noqa: F401 — the export's code, loaded

    _fund()
    return {"loaded": True}


def write_csv(output: str) -> dict[str, Any]:
    """Write the public ledger CSV as the view streams it; its size, rows and time."""
    from habeas.fund.queries.public import ledger_csv

    fund = _fund()
    rows = size = 0
    started = time.perf_counter()
    with open(output, "w", encoding="utf-8", newline="") as handle:
        for chunk in ledger_csv(fund):
            handle.write(chunk)
            rows += chunk.count("\r\n")
            size += len(chunk.encode())
    return {"rows": rows, "bytes": size, "seconds": round(time.perf_counter() - started, 3)}


def traced_csv(output: str) -> dict[str, Any]:
    """``write_csv`` under tracemalloc: the peak of memory Python allocated meanwhile."""
    import tracemalloc

    _fund()
    tracemalloc.start()
    figures = write_csv(output)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {**figures, "tracemalloc_peak_mib": round(peak / 2**20, 2)}


def read_lines() -> dict[str, Any]:
    """The CSV's query alone: every row fetched as the export fetches it, none written."""
    from habeas.fund.queries.public import _ledger_lines

    fund = _fund()
    started = time.perf_counter()
    rows = sum(1 for _row in _ledger_lines(fund))
    return {"rows": rows, "seconds": round(time.perf_counter() - started, 3)}


def main(argv: list[str]) -> int:
    """Run one step; print its JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
    import django

    django.setup()
    step, args = (argv[0], argv[1:]) if argv else ("", [])
    if step == "seed" and len(args) == 1:
        result = seed(int(args[0]))
    elif step == "baseline" and not args:
        result = baseline()
    elif step == "csv" and len(args) == 1:
        result = write_csv(args[0])
    elif step == "traced" and len(args) == 1:
        result = traced_csv(args[0])
    elif step == "lines" and not args:
        result = read_lines()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The ledger's promises under random sequences of what treasurers (and others) do.

A Hypothesis state machine drives the fund's services with contributions in
several currencies, transfers, pledges received, payment requests, approvals,
declines, withdrawals and reversals, by treasurers acting for their own
organisations and by people who may not. After every step the books must
hold (``assert_books_hold``); a step the services refuse must change
nothing, and a step they accept must be one the rules allow.

Each example runs inside a savepoint rolled back at its end, so every example
starts from the same empty books on SQLite and PostgreSQL alike.

Pledges: there is no pledge service yet (``habeas/fund/services/pledges.py``),
so a pledge "promised, then received" is a contribution to the
pledges-receivable account followed by a transfer from it to the bank.

``HABEAS_FUND_EXAMPLES`` and ``HABEAS_FUND_STEPS`` run longer searches locally.
"""

from __future__ import annotations

import datetime
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from habeas.coalition.models import Role
from habeas.fund.models import (
    Account,
    Approval,
    Balance,
    Contribution,
    Disbursement,
    Entry,
    Fund,
    FundEvent,
    Line,
    MonthTotal,
)
from habeas.fund.money import CURRENCIES, to_decimal
from habeas.fund.services.contributions import contribution_record
from habeas.fund.services.disbursements import (
    disbursement_approve,
    disbursement_decline,
    disbursement_request,
    disbursement_withdraw,
)
from habeas.fund.services.ledger import entry_reverse, transfer_post
from habeas.fund.services.setup import account_add, fund_settings_change
from tests.factories import UserFactory, grant
from tests.fund.conftest import Books

EXAMPLES = int(os.environ.get("HABEAS_FUND_EXAMPLES", "25"))
STEPS = int(os.environ.get("HABEAS_FUND_STEPS", "30"))
QUICK = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# --- The books every example starts from ------------------------------------

# Who acts, for which organisation. "tbc" is treasurer of both B and C.
TREASURERS = [("ta", "a"), ("ta2", "a"), ("tb", "b"), ("tc", "c"), ("tbc", "b"), ("tbc", "c")]
IMPOSTORS = [
    ("ta", "b"),
    ("tb", "c"),
    ("tbc", "a"),
    ("tx", "outsider"),
    ("tx", "a"),
    ("editor", "a"),
    ("coordinator", "a"),
    ("site_admin", "a"),
    ("nobody", "a"),
]
VALID = frozenset(TREASURERS)

# Account keys and the currency each holds ("" for any).
CURRENCY_OF = {
    "bank-gbp": "GBP",
    "cash-gbp": "GBP",
    "promised": "",
    "bank-usd": "USD",
    "bank-pkr": "PKR",
    "cash-jpy": "JPY",
    "contributions": "",
    "legal": "",
    "bail": "",
}
HOLDING = ["bank-gbp", "cash-gbp", "promised", "bank-usd", "bank-pkr", "cash-jpy"]
PAYING = ["bank-gbp", "cash-gbp", "bank-usd", "bank-pkr", "cash-jpy"]
BANKS = ["bank-gbp", "bank-usd", "bank-pkr"]
SPENDING = ["legal", "bail"]
KEPT = ["GBP", "USD", "PKR", "JPY", "EUR"]
UNKNOWN = "XYZ"


@dataclass
class World:
    books: Books
    people: dict[str, Any]
    organisations: dict[str, Any]
    accounts: dict[str, Account]

    @property
    def fund(self) -> Fund:
        return self.books.fund


@pytest.fixture
def world(books: Books) -> World:
    """The books of ``tests.fund.conftest``, a treasurer of B and C, and bank and cash
    accounts in dollars, rupees and yen added through ``account_add``."""
    tbc = UserFactory(username="tbc")
    grant(tbc, Role.TREASURER, organisation=books.b, campaign=books.campaign)
    grant(tbc, Role.TREASURER, organisation=books.c, campaign=books.campaign)
    names = ["ta", "ta2", "tb", "tc", "tx", "editor", "coordinator", "site_admin", "nobody"]
    people = {name: getattr(books, name) for name in names} | {"tbc": tbc}
    organisations = {"a": books.a, "b": books.b, "c": books.c, "outsider": books.outsider}

    def add(kind: str, name: str, currency: str) -> Account:
        return account_add(
            fund=books.fund,
            by=books.ta,
            organisation=books.a,
            kind=kind,
            name=name,
            currency=currency,
        )

    accounts = {
        "bank-gbp": books.bank,
        "cash-gbp": books.cash,
        "promised": books.account("pledges-receivable"),
        "bank-usd": add(Account.Kind.BANK, "Bank in dollars", "USD"),
        "bank-pkr": add(Account.Kind.BANK, "Bank in rupees", "PKR"),
        "cash-jpy": add(Account.Kind.CASH, "Yen float", "JPY"),
        "contributions": books.account("contributions"),
        "legal": books.legal,
        "bail": books.account("bail"),
    }
    return World(books=books, people=people, organisations=organisations, accounts=accounts)


def now_and_then(good: Any, bad: Any, *, one_in: int) -> Any:
    """``bad`` about one time in ``one_in``, ``good`` otherwise. (Hypothesis favours the
    ends of a range, so the bad draw is not at either end.)"""
    return st.integers(0, one_in - 1).flatmap(lambda n: bad if n == 1 else good)


ACTORS = now_and_then(st.sampled_from(TREASURERS), st.sampled_from(IMPOSTORS), one_in=5)


@st.composite
def amounts(draw: Any, currency: str, top: int = 30_000) -> tuple[int | None, str]:
    """(minor units, text) of a good amount of ``currency``, sometimes grouped with
    commas; now and then (None, text) of a bad one."""
    digits = CURRENCIES.get(currency, 2)
    minor = draw(
        now_and_then(
            st.integers(1, top if digits else top // 100), st.sampled_from([-1, 0]), one_in=12
        )
    )
    if minor <= 0:
        return None, draw(st.sampled_from(["0", "-5", "ten", "1.001" if digits else "1.5"]))
    value = to_decimal(minor, currency)
    return minor, f"{value:,f}" if draw(st.booleans()) else str(value)


@st.composite
def currencies_for(draw: Any, key: str) -> str:
    """Mostly the account's own currency; sometimes another, or one no fund keeps."""
    own = CURRENCY_OF[key] or draw(st.sampled_from(KEPT))
    currency: str = draw(now_and_then(st.just(own), st.sampled_from([*KEPT, UNKNOWN]), one_in=6))
    return currency


@st.composite
def movements(
    draw: Any, keys: list[str], wrong: list[str], top: int = 30_000
) -> tuple[str, str, int | None, str]:
    """(account key, currency, minor units or None, text), the key now and then one
    of the ``wrong`` accounts."""
    key = draw(now_and_then(st.sampled_from(keys), st.sampled_from(wrong), one_in=8))
    currency = draw(currencies_for(key))
    minor, text = draw(amounts(currency, top))
    return key, currency, minor, text


# Days from today: mostly the past 14 months, now and then the future.
DAYS = now_and_then(st.integers(-420, 0), st.integers(2, 40), one_in=15)
REASONS = now_and_then(
    st.sampled_from(["Bounced", "Entered twice"]), st.sampled_from(["", "   "]), one_in=8
)


# --- What must always hold -----------------------------------------------------


def balances(fund: Fund) -> dict[tuple[int, str], int]:
    """Every non-zero balance of the fund, by (account id, currency)."""
    return {
        (account, currency): amount
        for account, currency, amount in Balance.objects.filter(account__fund=fund).values_list(
            "account_id", "currency", "balance_minor"
        )
        if amount
    }


def effect(entry: Entry) -> dict[tuple[int, str], int]:
    """How much ``entry`` moved each balance, on each account's normal side."""
    moved: dict[tuple[int, str], int] = defaultdict(int)
    for line in entry.lines.select_related("account"):
        sign = 1 if line.account.debit_normal else -1
        moved[(line.account_id, line.currency)] += sign * line.amount_minor
    return moved


def minus(
    before: dict[tuple[int, str], int], moved: dict[tuple[int, str], int]
) -> dict[tuple[int, str], int]:
    after = dict(before)
    for key, amount in moved.items():
        after[key] = after.get(key, 0) - amount
    return {key: amount for key, amount in after.items() if amount}


def assert_books_hold(fund: Fund) -> None:
    """Every promise of the ledger, read back from the database.

    Every entry has two or more lines that sum to zero in each currency;
    entry numbers run 1..n; every Balance is the sum of its account's lines
    (debit-normal accounts +, income -) and none is below zero; MonthTotal is
    the lines by month of booking (income = -lines on INCOME, spending = lines
    on EXPENSE); a reversal mirrors its entry; a contribution is the entry it
    posted; a paid request has exactly one payment entry that moves its
    amount, and at least ``approvals_required`` distinct approving
    organisations, no person approving twice; an unpaid one has no entry.
    """
    fund = Fund.objects.get(pk=fund.pk)
    lines = list(
        Line.objects.filter(entry__fund=fund).values_list(
            "entry_id",
            "account_id",
            "account__kind",
            "currency",
            "amount_minor",
            "entry__booked_on",
        )
    )
    by_entry: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    sums: dict[tuple[int, str], int] = defaultdict(int)
    held: dict[tuple[int, str], int] = defaultdict(int)
    month: dict[tuple[datetime.date, str], list[int]] = defaultdict(lambda: [0, 0])
    for entry_id, account_id, kind, currency, amount, booked_on in lines:
        assert amount != 0
        by_entry[entry_id].append((account_id, currency, amount))
        sums[(entry_id, currency)] += amount
        held[(account_id, currency)] += amount if kind in Account.DEBIT_NORMAL else -amount
        if kind == Account.Kind.INCOME:
            month[(booked_on.replace(day=1), currency)][0] -= amount
        elif kind == Account.Kind.EXPENSE:
            month[(booked_on.replace(day=1), currency)][1] += amount
    assert {key: total for key, total in sums.items() if total} == {}, "an entry does not balance"

    entries = {
        pk: (number, kind, reverses)
        for pk, number, kind, reverses in Entry.objects.filter(fund=fund).values_list(
            "pk", "number", "kind", "reverses_id"
        )
    }
    assert sorted(number for number, _k, _r in entries.values()) == list(
        range(1, len(entries) + 1)
    ), "entry numbers have a gap or a repeat"
    assert all(len(by_entry[pk]) >= 2 for pk in entries), "an entry has fewer than two lines"

    kept = {
        (account, currency): amount
        for account, currency, amount in Balance.objects.filter(account__fund=fund).values_list(
            "account_id", "currency", "balance_minor"
        )
    }
    assert all(amount >= 0 for amount in kept.values()), "a balance is below zero"
    for key in set(kept) | set(held):
        assert kept.get(key, 0) == held.get(key, 0), f"balance {key} is not its lines' sum"

    totals = {
        (row_month, currency): [income, spending]
        for row_month, currency, income, spending in MonthTotal.objects.filter(
            fund=fund
        ).values_list("month", "currency", "income_minor", "spending_minor")
    }
    for when in set(totals) | set(month):
        assert totals.get(when, [0, 0]) == month.get(when, [0, 0]), f"month total {when} is wrong"

    for pk, (_number, kind, reverses) in entries.items():
        if kind == Entry.Kind.REVERSAL:
            assert reverses is not None
            assert entries[reverses][1] != Entry.Kind.REVERSAL, "a reversal was reversed"
            mirrored = Counter((a, c, -m) for a, c, m in by_entry[reverses])
            assert Counter(by_entry[pk]) == mirrored, "a reversal does not mirror its entry"
        else:
            assert reverses is None

    for contribution in Contribution.objects.filter(fund=fund):
        assert entries[contribution.entry_id][1] == Entry.Kind.CONTRIBUTION
        assert sorted(m for _a, c, m in by_entry[contribution.entry_id]) == [
            -contribution.amount_minor,
            contribution.amount_minor,
        ]
        assert {c for _a, c, _m in by_entry[contribution.entry_id]} == {contribution.currency}

    approvals: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for disbursement_id, organisation_id, user_id in Approval.objects.filter(
        disbursement__fund=fund
    ).values_list("disbursement_id", "organisation_id", "approved_by_id"):
        approvals[disbursement_id].append((organisation_id, user_id))
    paid_entries = []
    for request in Disbursement.objects.filter(fund=fund):
        given = approvals[request.pk]
        people = [user for _o, user in given]
        assert len(set(people)) == len(people), "a person approved a payment twice"
        assert len({o for o, _u in given}) == len(given), "an organisation approved twice"
        assert (request.organisation_id, request.requested_by_id) in given
        if request.status == Disbursement.Status.PAID:
            assert request.entry_id is not None
            paid_entries.append(request.entry_id)
            assert entries[request.entry_id][1] == Entry.Kind.DISBURSEMENT
            assert Counter(by_entry[request.entry_id]) == Counter(
                [
                    (request.category_id, request.currency, request.amount_minor),
                    (request.account_id, request.currency, -request.amount_minor),
                ]
            )
            assert len(given) >= fund.approvals_required, "paid without enough organisations"
        else:
            assert request.entry_id is None
    payments = [pk for pk, (_n, kind, _r) in entries.items() if kind == Entry.Kind.DISBURSEMENT]
    assert sorted(paid_entries) == sorted(payments), "a payment entry without its request"


def snapshot(fund: Fund) -> tuple[Any, ...]:
    """What a refused step must leave as it found it."""
    return (
        sorted(
            Balance.objects.filter(account__fund=fund).values_list(
                "account_id", "currency", "balance_minor"
            )
        ),
        sorted(
            MonthTotal.objects.filter(fund=fund).values_list(
                "month", "currency", "income_minor", "spending_minor"
            )
        ),
        Entry.objects.filter(fund=fund).count(),
        Line.objects.filter(entry__fund=fund).count(),
        Approval.objects.filter(disbursement__fund=fund).count(),
        Contribution.objects.filter(fund=fund).count(),
        sorted(Disbursement.objects.filter(fund=fund).values_list("pk", "status")),
        FundEvent.objects.filter(fund=fund).count(),
    )


@contextmanager
def rolled_back() -> Iterator[None]:
    """A savepoint undone at the end, whatever happened inside."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


# --- The state machine -------------------------------------------------------


class Ledger(RuleBasedStateMachine):
    """Random treasurers' work on one fund, each step checked against the rules."""

    world: World  # set by the test that runs it

    def __init__(self) -> None:
        super().__init__()
        self._savepoint = rolled_back()
        self._savepoint.__enter__()
        self.fund = self.world.fund
        self.today = timezone.localdate()
        self.required = self.fund.approvals_required
        # What later steps may act on: every entry posted, every request made.
        self.entries: list[int] = []
        self.requests: list[int] = []

    def teardown(self) -> None:
        self._savepoint.__exit__(None, None, None)

    # -- helpers

    def who(self, actor: tuple[str, str]) -> tuple[Any, Any]:
        return self.world.people[actor[0]], self.world.organisations[actor[1]]

    def account(self, key: str) -> Account:
        return self.world.accounts[key]

    def day(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def held(self, key: str, currency: str) -> int:
        row = Balance.objects.filter(account=self.account(key), currency=currency).first()
        return row.balance_minor if row else 0

    def attempt(self, what: str, allowed: bool, step: Callable[[], Any]) -> Any:
        """Run ``step``; if the rules forbid it, it must be refused and change nothing;
        if they allow it, it must be done. Returns its result, or None if refused."""
        before = snapshot(self.fund)
        refusal: Exception | None = None
        try:
            result = step()
        except (ValidationError, PermissionDenied) as error:
            refusal = error
        event(f"{what}: {'refused' if refusal else 'done'}")
        if refusal is not None:
            note(f"refused: {refusal!r}")
            assert not allowed, f"a step the rules allow was refused: {refusal!r}"
            assert snapshot(self.fund) == before, "a refused step changed the books"
            return None
        assert allowed, "a step the rules forbid was done"
        return result

    def fits(self, key: str, currency: str) -> bool:
        own = CURRENCY_OF[key]
        return currency in CURRENCIES and (own in ("", currency))

    # -- rules

    @initialize(required=st.sampled_from([2, 3]))
    def set_approvals_required(self, required: int) -> None:
        fund_settings_change(
            fund=self.fund,
            by=self.world.people["coordinator"],
            goal="",
            approvals_required=required,
            how_to_pay="",
            how_to_pay_ur="",
        )
        self.required = required

    @rule(
        actor=ACTORS,
        money=movements(HOLDING, ["contributions", "legal"]),
        offset=DAYS,
        donor=now_and_then(
            st.sampled_from([("", False), ("Amina", True), ("Amina", False)]),
            st.just(("", True)),
            one_in=15,
        ),
    )
    def contribute(
        self,
        actor: tuple[str, str],
        money: tuple[str, str, int | None, str],
        offset: int,
        donor: tuple[str, bool],
    ) -> None:
        key, currency, minor, text = money
        by, organisation = self.who(actor)
        allowed = (
            actor in VALID
            and key in HOLDING
            and self.fits(key, currency)
            and minor is not None
            and offset <= 1
            and (bool(donor[0]) or not donor[1])
        )
        contribution = self.attempt(
            "contribution",
            allowed,
            lambda: contribution_record(
                fund=self.fund,
                by=by,
                organisation=organisation,
                amount=text,
                currency=currency,
                account=self.account(key),
                method=Contribution.Method.BANK_TRANSFER,
                donor_name=donor[0],
                name_public=donor[1],
                received_on=self.day(offset),
            ),
        )
        if contribution is not None:
            assert contribution.amount_minor == minor
            self.entries.append(contribution.entry.pk)

    @rule(
        actor=ACTORS,
        money=movements(HOLDING, ["contributions", "legal"]),
        offset=DAYS,
        short=now_and_then(st.just(0), st.just(1), one_in=10),
        data=st.data(),
    )
    def transfer(
        self,
        actor: tuple[str, str],
        money: tuple[str, str, int | None, str],
        offset: int,
        short: int,
        data: Any,
    ) -> None:
        """Move money from one account to another, mostly one that takes the currency;
        ``short`` credits one minor unit more than it debits, which never balances."""
        source, currency, minor, text = money
        takers = [key for key in HOLDING if CURRENCY_OF[key] in ("", currency)]
        to = data.draw(
            now_and_then(
                st.sampled_from(takers or HOLDING),
                st.sampled_from([*HOLDING, "contributions", "legal"]),
                one_in=8,
            ),
            label="to",
        )
        by, organisation = self.who(actor)
        allowed = (
            actor in VALID
            and source in HOLDING
            and to in HOLDING
            and self.fits(source, currency)
            and self.fits(to, currency)
            and minor is not None
            and not short
            and offset <= 1
            and (source == to or self.held(source, currency) >= minor)
        )
        credit = text
        if short and minor is not None and currency in CURRENCIES:
            credit = str(to_decimal(minor + 1, currency))
        entry = self.attempt(
            "transfer",
            allowed,
            lambda: transfer_post(
                fund=self.fund,
                by=by,
                organisation=organisation,
                booked_on=self.day(offset),
                description="Paid into the bank",
                lines=[
                    (self.account(to), currency, text, ""),
                    (self.account(source), currency, "", credit),
                ],
            ),
        )
        if entry is not None:
            self.entries.append(entry.pk)

    @rule(
        actor=st.sampled_from(TREASURERS),
        bank=st.sampled_from(BANKS),
        minor=st.integers(1, 30_000),
        offset=st.integers(-420, 0),
    )
    def pledge_received(self, actor: tuple[str, str], bank: str, minor: int, offset: int) -> None:
        """A pledge promised, then paid into the bank: both steps are done."""
        by, organisation = self.who(actor)
        currency = CURRENCY_OF[bank]
        text = str(to_decimal(minor, currency))
        promised = contribution_record(
            fund=self.fund,
            by=by,
            organisation=organisation,
            amount=text,
            currency=currency,
            account=self.account("promised"),
            method=Contribution.Method.BANK_TRANSFER,
            donor_name="A pledger",
            received_on=self.day(offset),
        )
        received = transfer_post(
            fund=self.fund,
            by=by,
            organisation=organisation,
            booked_on=self.day(offset),
            description="Pledge received",
            lines=[
                (self.account(bank), currency, text, ""),
                (self.account("promised"), currency, "", text),
            ],
        )
        self.entries += [promised.entry.pk, received.pk]

    @rule(
        actor=ACTORS,
        money=movements(PAYING, ["promised", "contributions"], top=5_000),
        category=now_and_then(st.sampled_from(SPENDING), st.just("bank-gbp"), one_in=10),
        purpose=now_and_then(
            st.sampled_from(["Lawyer's fee", "Bail"]),
            st.sampled_from(["", "Fee \u202eexe.pdf"]),
            one_in=8,
        ),
    )
    def request(
        self,
        actor: tuple[str, str],
        money: tuple[str, str, int | None, str],
        category: str,
        purpose: str,
    ) -> None:
        key, currency, minor, text = money
        by, organisation = self.who(actor)
        allowed = (
            actor in VALID
            and key in PAYING
            and self.fits(key, currency)
            and category in SPENDING
            and minor is not None
            and bool(purpose)
            and "\u202e" not in purpose
        )
        disbursement = self.attempt(
            "request",
            allowed,
            lambda: disbursement_request(
                fund=self.fund,
                by=by,
                organisation=organisation,
                amount=text,
                currency=currency,
                account=self.account(key),
                category=self.account(category),
                purpose=purpose,
            ),
        )
        if disbursement is not None:
            self.requests.append(disbursement.pk)

    @precondition(lambda self: self.requests)
    @rule(data=st.data(), actor=ACTORS)
    def approve(self, data: Any, actor: tuple[str, str]) -> None:
        self.approval(data.draw(st.sampled_from(self.requests), label="request"), actor)

    @rule(
        requester=st.sampled_from(TREASURERS),
        key=st.sampled_from(PAYING),
        category=st.sampled_from(SPENDING),
        gift=st.integers(0, 30_000),
        share=st.integers(1, 120),
        approvers=st.permutations([*TREASURERS, ("ta", "b"), ("tx", "a"), ("editor", "a")]),
    )
    def pay(
        self,
        requester: tuple[str, str],
        key: str,
        category: str,
        gift: int,
        share: int,
        approvers: list[tuple[str, str]],
    ) -> None:
        """Money in and out: a gift of ``gift`` minor units into an account, a request
        for ``share`` per cent of what it then holds (sometimes too much), and everyone
        trying to approve it, in a random order, until it is paid."""
        currency = CURRENCY_OF[key]
        by, organisation = self.who(requester)
        gift //= 10 ** (2 - CURRENCIES[currency])
        if gift:
            self.entries.append(
                contribution_record(
                    fund=self.fund,
                    by=by,
                    organisation=organisation,
                    amount=str(to_decimal(gift, currency)),
                    currency=currency,
                    account=self.account(key),
                    method=Contribution.Method.BANK_TRANSFER,
                    received_on=self.today,
                ).entry.pk
            )
        minor = max(1, self.held(key, currency) * share // 100)
        disbursement = self.attempt(
            "request",
            True,
            lambda: disbursement_request(
                fund=self.fund,
                by=by,
                organisation=organisation,
                amount=str(to_decimal(minor, currency)),
                currency=currency,
                account=self.account(key),
                category=self.account(category),
                purpose="Travel to the hearing",
            ),
        )
        self.requests.append(disbursement.pk)
        for actor in approvers:
            if self.approval(disbursement.pk, actor) is not None:
                break

    def approval(self, request: int, actor: tuple[str, str]) -> int | None:
        """``actor`` approves ``request``: the payment's entry if it is paid."""
        by, organisation = self.who(actor)
        disbursement = Disbursement.objects.get(pk=request)
        given = list(disbursement.approvals.values_list("organisation_id", "approved_by_id"))
        allowed = (
            actor in VALID
            and disbursement.status == Disbursement.Status.REQUESTED
            and by.pk != disbursement.requested_by_id
            and by.pk not in {user for _o, user in given}
            and organisation.pk not in {o for o, _u in given}
        )
        pays = allowed and len(given) + 1 >= self.required
        if pays:
            held = Balance.objects.filter(
                account=disbursement.account, currency=disbursement.currency
            ).first()
            allowed = held is not None and held.balance_minor >= disbursement.amount_minor
        done = self.attempt(
            "approval",
            allowed,
            lambda: disbursement_approve(
                disbursement=disbursement, by=by, organisation=organisation
            ),
        )
        if done is None:
            return None
        disbursement.refresh_from_db()
        if not pays:
            assert disbursement.status == Disbursement.Status.REQUESTED
            return None
        assert disbursement.status == Disbursement.Status.PAID
        event("approval: paid")
        assert disbursement.entry_id is not None
        self.entries.append(disbursement.entry_id)
        return disbursement.entry_id

    @precondition(lambda self: self.requests)
    @rule(data=st.data(), actor=ACTORS, reason=REASONS)
    def decline(self, data: Any, actor: tuple[str, str], reason: str) -> None:
        by, organisation = self.who(actor)
        request = data.draw(st.sampled_from(self.requests), label="request")
        disbursement = Disbursement.objects.get(pk=request)
        allowed = (
            actor in VALID
            and disbursement.status == Disbursement.Status.REQUESTED
            and organisation.pk != disbursement.organisation_id
            and bool(reason.strip())
        )
        self.attempt(
            "decline",
            allowed,
            lambda: disbursement_decline(
                disbursement=disbursement, by=by, organisation=organisation, reason=reason
            ),
        )

    @precondition(lambda self: self.requests)
    @rule(data=st.data(), actor=ACTORS)
    def withdraw(self, data: Any, actor: tuple[str, str]) -> None:
        by, organisation = self.who(actor)
        request = data.draw(st.sampled_from(self.requests), label="request")
        disbursement = Disbursement.objects.get(pk=request)
        allowed = (
            actor in VALID
            and disbursement.status == Disbursement.Status.REQUESTED
            and organisation.pk == disbursement.organisation_id
        )
        self.attempt(
            "withdrawal",
            allowed,
            lambda: disbursement_withdraw(
                disbursement=disbursement, by=by, organisation=organisation
            ),
        )

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), actor=ACTORS, reason=REASONS)
    def reverse(self, data: Any, actor: tuple[str, str], reason: str) -> None:
        """Reverse any entry: balances after are those before, less the entry's effect."""
        by, organisation = self.who(actor)
        original = Entry.objects.get(pk=data.draw(st.sampled_from(self.entries), label="entry"))
        before = balances(self.fund)
        after = minus(before, effect(original))
        allowed = (
            actor in VALID
            and bool(reason.strip())
            and original.kind != Entry.Kind.REVERSAL
            and not Entry.objects.filter(reverses=original).exists()
            and all(amount >= 0 for amount in after.values())
        )
        reversal = self.attempt(
            "reversal",
            allowed,
            lambda: entry_reverse(entry=original, by=by, organisation=organisation, reason=reason),
        )
        if reversal is not None:
            assert balances(self.fund) == after, "a reversal did not undo exactly its entry"
            self.entries.append(reversal.pk)

    @rule(
        actor=st.sampled_from(TREASURERS),
        reverser=st.sampled_from(TREASURERS),
        kind=st.sampled_from(["gift", "move", "pledge"]),
        minor=st.integers(1, 30_000),
    )
    def post_and_reverse(
        self, actor: tuple[str, str], reverser: tuple[str, str], kind: str, minor: int
    ) -> None:
        """Post an entry and reverse it straight away: every balance is as it was."""
        by, organisation = self.who(actor)
        posted = post_one(self.world, kind, minor, by=by, organisation=organisation)
        if not posted:
            return
        entry, before = posted[-1]
        by, organisation = self.who(reverser)
        entry_reverse(entry=entry, by=by, organisation=organisation, reason="Mistake")
        assert balances(self.fund) == before, "a reversal did not restore every balance"
        self.entries += [done.pk for done, _before in posted[:-1]]  # the last is reversed

    @invariant()
    def books_hold(self) -> None:
        assert_books_hold(self.fund)


Posted = list[tuple[Entry, dict[tuple[int, str], int]]]


def post_one(world: World, kind: str, minor: int, *, by: Any, organisation: Any) -> Posted:
    """Post valid entries of ``kind``, each with the balances just before it: a gift
    to the GBP bank; a move of up to ``minor`` from the GBP bank to cash (nothing
    when the bank is empty); or a pledge in rupees, promised then received (a gift
    to money promised, then its transfer to the bank)."""
    fund, today = world.fund, timezone.localdate()
    posted: Posted = []

    def move(source: str, to: str, currency: str, text: str, description: str) -> None:
        before = balances(fund)
        entry = transfer_post(
            fund=fund,
            by=by,
            organisation=organisation,
            booked_on=today,
            description=description,
            lines=[
                (world.accounts[to], currency, text, ""),
                (world.accounts[source], currency, "", text),
            ],
        )
        posted.append((entry, before))

    if kind == "move":
        row = Balance.objects.filter(account=world.accounts["bank-gbp"], currency="GBP").first()
        minor = min(minor, row.balance_minor if row else 0)
        if minor:
            move("bank-gbp", "cash-gbp", "GBP", str(to_decimal(minor, "GBP")), "Cash drawn")
        return posted
    currency = "GBP" if kind == "gift" else "PKR"
    text = str(to_decimal(minor, currency))
    before = balances(fund)
    contribution = contribution_record(
        fund=fund,
        by=by,
        organisation=organisation,
        amount=text,
        currency=currency,
        account=world.accounts["bank-gbp" if kind == "gift" else "promised"],
        method=Contribution.Method.CASH,
        received_on=today,
    )
    posted.append((contribution.entry, before))
    if kind == "pledge":
        move("promised", "bank-pkr", "PKR", text, "Pledge received")
    return posted


def test_the_ledger_keeps_its_promises_whatever_treasurers_do(world: World) -> None:
    """Over random sequences of contributions, transfers, pledges received, payment
    requests, approvals, declines, withdrawals and reversals, by treasurers and by
    people who may not act: every entry balances per currency, every balance is the
    sum of its lines and never below zero, month totals are the lines by month,
    a paid request was approved by enough organisations and paid once, entry
    numbers have no gaps, and every refused step changes nothing."""
    machine = type("LedgerOfThisTest", (Ledger,), {"world": world})
    run_state_machine_as_test(machine, settings=QUICK)


@QUICK
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["gift", "move", "pledge"]), st.integers(1, 30_000)),
        min_size=1,
        max_size=8,
    )
)
def test_reversing_every_entry_last_first_restores_every_balance(
    world: World, steps: list[tuple[str, int]]
) -> None:
    """Entries reversed last first, with nothing else in between: after each reversal
    every balance is exactly what it was before the reversed entry was posted, and
    after the last the books hold nothing."""
    with rolled_back():
        posted: Posted = []
        for kind, minor in steps:
            posted += post_one(world, kind, minor, by=world.books.ta, organisation=world.books.a)
        for entry, before in reversed(posted):
            entry_reverse(
                entry=entry, by=world.books.tb, organisation=world.books.b, reason="Undo"
            )
            assert balances(world.fund) == before
        assert_books_hold(world.fund)
        assert balances(world.fund) == {}

"""Reads for the treasurers' pages: balances, payment requests, the journal, the
record of what was done. Every list is capped or paged; the callers have
already checked that the reader keeps the fund's books."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from habeas.coalition.models import Campaign, CampaignMembership, Organisation
from habeas.core.lists import Capped, Paged, capped, paged
from habeas.fund.models import (
    Account,
    Approval,
    Disbursement,
    Entry,
    ExchangeRate,
    Fund,
    FundEvent,
    Line,
    Reconciliation,
)
from habeas.fund.rules import treasurer_organisations

LATEST = 10


def fund_of(campaign: Campaign) -> Fund | None:
    """The campaign's fund, or None before its coordinator opens one."""
    return Fund.objects.filter(campaign=campaign).first()


def is_draft(slug: str) -> bool:
    """Whether the campaign ``slug`` is a draft (hidden from all but its own people)."""
    return Campaign.objects.filter(slug=slug, status=Campaign.Status.DRAFT).exists()


def acting_organisations(user: Any, fund: Fund) -> QuerySet[Organisation]:
    """The organisations ``user`` may act for in the fund, by name."""
    organisations: QuerySet[Organisation] = treasurer_organisations(user, fund)
    return organisations.order_by("name", "pk")


@dataclass(frozen=True)
class Holding:
    """What one account holds in one currency, in minor units."""

    account: Account
    currency: str
    balance_minor: int


def holdings(fund: Fund) -> list[Holding]:
    """The balance of each bank, cash and promised-money account in each currency it
    has held; a bank or cash account never used shows zero in its currency (two queries)."""
    rows: list[Holding] = []
    accounts = fund.accounts.filter(kind__in=Account.HOLDING).prefetch_related("balances")
    for account in accounts.order_by("kind", "name", "pk"):
        balances = sorted(account.balances.all(), key=lambda b: b.currency)
        seen = {b.currency for b in balances}
        rows.extend(Holding(account, b.currency, b.balance_minor) for b in balances)
        if account.currency and account.currency not in seen:
            rows.append(Holding(account, account.currency, 0))
    return rows


@dataclass(frozen=True)
class Waiting:
    """A payment request waiting, the organisations that approved it and how many more must."""

    disbursement: Disbursement
    approved_by: list[Organisation]
    needed: int


def _needed(fund: Fund, approvals: list[Approval]) -> int:
    return max(fund.approvals_required - len({a.organisation_id for a in approvals}), 0)


def _with_approvals(queryset: QuerySet[Disbursement]) -> QuerySet[Disbursement]:
    return queryset.select_related("organisation", "account", "category").prefetch_related(
        Prefetch("approvals", queryset=Approval.objects.select_related("organisation"))
    )


def requests_waiting(fund: Fund, limit: int = LATEST) -> Capped[Waiting]:
    """The oldest ``limit`` requests still waiting for approval, with what each needs
    (at most three queries)."""
    found = capped(
        _with_approvals(
            fund.disbursements.filter(status=Disbursement.Status.REQUESTED).order_by(
                "requested_at", "pk"
            )
        ),
        limit,
    )
    return Capped(
        [
            Waiting(
                d,
                [a.organisation for a in d.approvals.all()],
                _needed(fund, list(d.approvals.all())),
            )
            for d in found
        ],
        found.total,
    )


REQUEST_GROUPS = {
    "waiting": Q(status=Disbursement.Status.REQUESTED),
    "paid": Q(status=Disbursement.Status.PAID),
    "closed": Q(status__in=[Disbursement.Status.DECLINED, Disbursement.Status.WITHDRAWN]),
}


def requests_page(fund: Fund, query: QueryDict, group: str) -> Paged:
    """One page (``?<group>=``) of the fund's requests in ``group`` (waiting, paid,
    or declined and withdrawn), the latest first, each with its approvals."""
    return paged(
        _with_approvals(fund.disbursements.filter(REQUEST_GROUPS[group])).order_by(
            "-requested_at", "-pk"
        ),
        query,
        group,
    )


def request_approvals(disbursement: Disbursement) -> list[Approval]:
    """The approvals of a request so far, the first first, with their organisations."""
    return list(
        disbursement.approvals.select_related("organisation").order_by("approved_at", "pk")
    )


@dataclass(frozen=True)
class RequestOptions:
    """What the viewer may do with a request, and why not where they may not approve."""

    approve_as: list[Organisation]
    decline_as: list[Organisation]
    withdraw_as: Organisation | None
    why_not_approve: str
    needed: int


def request_options(
    user: Any, disbursement: Disbursement, approvals: list[Approval]
) -> RequestOptions:
    """The organisations ``user`` may approve or decline ``disbursement`` for, whether
    they may withdraw it, and the reason they may not approve, if so ("" when they may).
    The services check all of it again."""
    fund = disbursement.fund
    needed = _needed(fund, approvals)
    if disbursement.status != Disbursement.Status.REQUESTED:
        return RequestOptions([], [], None, "", needed)
    mine = list(acting_organisations(user, fund))
    approved = {a.organisation_id for a in approvals}
    approve_as = [o for o in mine if o.pk not in approved]
    why = ""
    if disbursement.requested_by_id == user.pk:
        approve_as = []
        why = _("You asked for this payment: a treasurer of another organisation must approve it.")
    elif any(a.approved_by_id == user.pk for a in approvals):
        approve_as = []
        why = _("You have approved it: a treasurer of another organisation must approve it too.")
    elif not approve_as:
        why = _(
            "Your organisation has already approved it: "
            "a treasurer of another organisation must approve it."
        )
    decline_as = [o for o in mine if o.pk != disbursement.organisation_id]
    withdraw_as = next((o for o in mine if o.pk == disbursement.organisation_id), None)
    return RequestOptions(approve_as, decline_as, withdraw_as, why, needed)


def entries_page(fund: Fund, query: QueryDict) -> Paged:
    """One page (``?page=``) of the journal, the latest entry first, each with its lines
    and accounts, the entry it reverses and the one reversing it (three queries)."""
    return paged(
        fund.entries.select_related("posted_for", "reverses", "reversed_by")
        .prefetch_related(
            Prefetch("lines", queryset=Line.objects.select_related("account").order_by("pk"))
        )
        .order_by("-number"),
        query,
        "page",
    )


def entry_lines(entry: Entry) -> list[Line]:
    """An entry's lines with their accounts."""
    return list(entry.lines.select_related("account").order_by("pk"))


def entry_reversal(entry: Entry) -> Entry | None:
    """The entry that reverses ``entry``, if any."""
    return Entry.objects.filter(reverses=entry).first()


def chart(fund: Fund) -> list[Account]:
    """The fund's accounts with their balances, by kind and name (two queries)."""
    return list(fund.accounts.prefetch_related("balances").order_by("kind", "name", "pk"))


def rates_page(fund: Fund, query: QueryDict) -> Paged:
    """One page (``?page=``) of the rates recorded, by currency, the latest first."""
    return paged(
        fund.rates.select_related("recorded_by").order_by("currency", "-as_of", "-pk"),
        query,
        "page",
    )


def rates_latest(fund: Fund) -> list[ExchangeRate]:
    """The latest rate of each currency."""
    latest: dict[str, ExchangeRate] = {}
    for rate in fund.rates.order_by("currency", "-as_of", "-pk"):
        latest.setdefault(rate.currency, rate)
    return list(latest.values())


def events_latest(fund: Fund, limit: int = LATEST) -> list[FundEvent]:
    """The fund's latest ``limit`` steps, with who took them and for which organisation."""
    return list(fund.events.select_related("by", "organisation").order_by("-at", "-pk")[:limit])


def events_page(fund: Fund, query: QueryDict) -> Paged:
    """One page (``?page=``) of everything done on the fund, the latest first."""
    return paged(
        fund.events.select_related("by", "organisation").order_by("-at", "-pk"), query, "page"
    )


def reconciliations_latest(fund: Fund, limit: int = LATEST) -> list[Reconciliation]:
    """The latest bank statements checked, with their accounts."""
    return list(
        fund.reconciliations.select_related("account", "done_by").order_by("-done_at")[:limit]
    )


def holding_accounts(fund: Fund) -> QuerySet[Account]:
    """Accounts that hold money (or money promised): where money is received or moved."""
    return fund.accounts.filter(kind__in=Account.HOLDING).order_by("kind", "name", "pk")


def paying_accounts(fund: Fund) -> QuerySet[Account]:
    """Bank and cash accounts: where a payment is made from."""
    return fund.accounts.filter(kind__in=[Account.Kind.BANK, Account.Kind.CASH]).order_by(
        "kind", "name", "pk"
    )


def bank_accounts(fund: Fund) -> QuerySet[Account]:
    """Bank accounts: what a bank statement is checked against."""
    return fund.accounts.filter(kind=Account.Kind.BANK).order_by("name", "pk")


def spending_categories(fund: Fund) -> QuerySet[Account]:
    """Spending accounts: what a payment is for."""
    return fund.accounts.filter(kind=Account.Kind.EXPENSE).order_by("name", "pk")


def member_organisations(fund: Fund) -> QuerySet[Organisation]:
    """The campaign's active member organisations, by name: donors a contribution may name."""
    return Organisation.objects.filter(
        memberships__campaign_id=fund.campaign_id,
        memberships__status=CampaignMembership.Status.ACTIVE,
    ).order_by("name", "pk")

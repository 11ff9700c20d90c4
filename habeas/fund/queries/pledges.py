"""Reads the treasurers' pledge pages need: the outstanding pledges, and where money lands.

Kept beside the fund's other queries' package until the lead folds it in.
Neither read loads a pledger's address: the treasurers match money by the
pledge's reference, name and amount, and never need to write to anyone.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from habeas.fund.models import Account, Fund, Pledge
from habeas.fund.services.pledges import reference_id

PLEDGES_PAGE = 50
# What the treasurers' list shows of a pledge; never the address.
LISTED_FIELDS = (
    "pk",
    "fund_id",
    "name",
    "amount_minor",
    "currency",
    "confirmed_at",
    "name_public",
)


def pledges_outstanding(fund: Fund, *, page: str | None, reference: str = "") -> Page[Pledge]:
    """Page ``page`` (PLEDGES_PAGE a page) of ``fund``'s confirmed pledges not yet
    received, oldest confirmation first; with ``reference`` ("P-42"), only that
    pledge if it is outstanding (none for a reference that names no pledge).

    The caller has checked that the user keeps the fund's books. The rows
    carry no address (``LISTED_FIELDS``).
    """
    found = Pledge.objects.filter(fund=fund, status=Pledge.Status.CONFIRMED)
    if reference.strip():
        wanted = reference_id(reference)
        found = found.filter(pk=wanted) if wanted is not None else found.none()
    ordered = found.only(*LISTED_FIELDS).order_by("confirmed_at", "pk")
    return Paginator(ordered, PLEDGES_PAGE).get_page(page)


def pledge_accounts(fund: Fund, currency: str) -> QuerySet[Account]:
    """``fund``'s bank and cash accounts in ``currency``: where a pledge's money may land."""
    return Account.objects.filter(
        fund=fund, kind__in=[Account.Kind.BANK, Account.Kind.CASH], currency=currency
    ).order_by("kind", "name", "pk")

"""Template helpers for the treasurers' pages, and the fund's links on the roles page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from habeas.coalition.models import Role
from habeas.fund.forms import account_label
from habeas.fund.money import format_money
from habeas.fund.queries.treasury import fund_of

register = template.Library()


@register.filter
def money(minor: int | None, currency: str) -> str:
    """``minor`` units of ``currency`` as "GBP 1,250.00" (empty for None)."""
    return "" if minor is None else format_money(minor, currency)


@register.filter
def negate(minor: int) -> int:
    """``-minor``: a credit line's amount as written in the credit column."""
    return -minor


@register.filter
def account_name(account: Any) -> str:
    """An account's name in the reader's language, with its currency."""
    return account_label(account)


@register.simple_tag
def fund_url_if_built(name: str, slug: str) -> str:
    """The address of the fund's page ``name`` for campaign ``slug``, or "" where that
    page is not built in this tree (the public page and the pledges list are other
    parts of the fund, built apart)."""
    try:
        return reverse(f"fund:{name}", kwargs={"slug": slug})
    except NoReverseMatch:
        return ""


@register.inclusion_tag("fund/treasury_roles.html")
def fund_role_links(grant: Any) -> dict[str, Any]:
    """For a treasurer's or coordinator's grant: the link to the campaign's books or
    fund settings, or, before the fund is opened, what to do (one query)."""
    if grant.role not in {Role.TREASURER, Role.COORDINATOR} or grant.campaign is None:
        return {"show": False}
    return {
        "show": True,
        "treasurer": grant.role == Role.TREASURER,
        "campaign": grant.campaign,
        "fund": fund_of(grant.campaign),
    }

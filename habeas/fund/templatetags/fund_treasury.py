"""Template helpers for the treasurers' pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from habeas.fund.forms import account_label
from habeas.fund.money import format_money

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
def fund_public_url(slug: str) -> str:
    """The public fund page's address, or "" where that page is not built."""
    try:
        return reverse("fund:public", kwargs={"slug": slug})
    except NoReverseMatch:
        return ""

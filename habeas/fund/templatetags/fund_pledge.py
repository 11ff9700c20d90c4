"""The pledge form as a part other fund pages embed: ``{% pledge_form fund %}``."""

from __future__ import annotations

from typing import Any

from django import template

from habeas.fund.models import Fund, Pledge

register = template.Library()


@register.inclusion_tag("fund/pledge_form.html", takes_context=True)
def pledge_form(context: dict[str, Any], fund: Fund) -> dict[str, Any]:
    """The pledge form of ``fund`` (no cookie, no CSRF token: see core/origin.py, so a
    cached public page may hold it), or the sentence saying why it takes no pledges."""
    from habeas.fund.views.pledges import pledge_part_context

    return {**pledge_part_context(fund), "request": context.get("request")}


@register.filter
def pledge_reference(pledge: Pledge) -> str:
    """The reference a pledger quotes with their transfer: ``{{ pledge|pledge_reference }}``."""
    from habeas.fund.services.pledges import pledge_reference as reference

    return reference(pledge)

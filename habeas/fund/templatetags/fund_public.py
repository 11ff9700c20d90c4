"""Filters for the public fund page: amounts kept in one reading order."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def money(amount: object) -> SafeString:
    """An amount ("GBP 1,250.00") isolated left to right, so an Urdu sentence around it
    cannot reorder its code and figures."""
    return format_html('<bdi class="money" dir="ltr">{}</bdi>', "" if amount is None else amount)

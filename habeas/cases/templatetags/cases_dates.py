"""Register dates in templates, shown only as far as they are known."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from habeas.cases.dates import DateLike, partial_iso, shown

register = template.Library()


@register.simple_tag
def partial_date(value: DateLike, precision: str = "DAY") -> SafeString:
    """``<time datetime="2025-06">June 2025</time>``: a date (or its ISO text) as far
    as ``precision`` knows it, or "date not known"."""
    iso = partial_iso(value, precision)
    if iso is None:
        return format_html('<span class="unknown">{}</span>', _("date not known"))
    return format_html('<time datetime="{}">{}</time>', iso, shown(value, precision))

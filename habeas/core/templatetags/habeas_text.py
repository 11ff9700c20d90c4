"""Template filters for user text."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from habeas.core.text import render_markdown, strip_bidi_controls

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: str) -> SafeString:
    """User Markdown as sanitised HTML (see habeas.core.text)."""
    return render_markdown(value or "")


@register.filter(name="plain")
def plain_filter(value: object) -> str:
    """User plain text without bidirectional controls, still escaped on output:
    it cannot display in another order than it is written."""
    return strip_bidi_controls("" if value is None else str(value))

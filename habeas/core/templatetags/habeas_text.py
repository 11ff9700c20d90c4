"""Template filters for user text."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from habeas.core.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: str) -> SafeString:
    """User Markdown as sanitised HTML (see habeas.core.text)."""
    return render_markdown(value or "")

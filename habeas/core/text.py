"""User text to HTML: Markdown, then a strict allow-list, so it never becomes markup unchecked."""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "a",
}
# No images, no media, no styles: nothing a reader's browser would fetch from
# another origin, and nothing that could imitate the page around it.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str) -> SafeString:
    """Markdown rendered and cleaned: only the allowed tags, links with safe schemes,
    ``rel="nofollow noopener noreferrer"`` on every link."""
    html = markdown.markdown(text, extensions=[], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 — nh3 has removed everything not allowed

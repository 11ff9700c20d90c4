"""User text to HTML: Markdown, then a strict allow-list, so it never becomes markup unchecked."""

from __future__ import annotations

import unicodedata

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


# Characters that draw nothing but are not whitespace to str.isspace(): fillers
# and joiners of other categories than Cf (format), which is checked whole.
_INVISIBLE_OUTSIDE_CF = frozenset(
    "\u034f"  # combining grapheme joiner
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers
    "\u2800"  # braille pattern blank
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))  # variation selectors
)


def is_invisible_only(text: str) -> bool:
    """True when ``text`` shows nothing: empty, or only whitespace and invisible characters.

    Invisible means Unicode format characters (category Cf: zero-width space,
    ZWNJ, ZWJ, word joiner, BOM, soft hyphen, bidirectional controls, ...)
    and a few fillers of other categories. Such a text counts as empty
    wherever a text is required.
    """
    return all(
        char.isspace() or unicodedata.category(char) == "Cf" or char in _INVISIBLE_OUTSIDE_CF
        for char in text
    )

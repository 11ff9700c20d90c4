"""User text to HTML: Markdown, then a strict allow-list, so it never becomes markup unchecked."""

from __future__ import annotations

import unicodedata

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

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
    ``rel="nofollow noopener noreferrer"`` on every link; bidirectional
    controls removed, so no text displays in another order than written."""
    html = markdown.markdown(strip_bidi_controls(text), extensions=[], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 — nh3 has removed everything not allowed


# --- Bidirectional controls ---------------------------------------------------
# Embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069) make a
# browser draw text in another order than it is stored: "\u202eahtsiaw" shows
# as "waistha". In a name or title that lets one record pass for another, so
# names and titles refuse them; other free text has them removed on display.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_WITHOUT_BIDI_CONTROLS = dict.fromkeys(map(ord, BIDI_CONTROLS))


def has_bidi_controls(text: str) -> bool:
    """Whether ``text`` holds a bidirectional embedding, override or isolate control."""
    return not BIDI_CONTROLS.isdisjoint(text)


def refuse_bidi_controls(text: str, *, field: str | None = None) -> str:
    """``text`` unchanged; ValidationError (keyed by ``field`` if given) if it holds a
    bidirectional control, which would let it display as other text."""
    if has_bidi_controls(text):
        message = _(
            "Remove the invisible direction controls (such as right-to-left override): "
            "they make text display in another order than it is written."
        )
        raise ValidationError({field: message} if field else message)
    return text


def validate_no_bidi_controls(value: object) -> None:
    """A form and model field validator: ``refuse_bidi_controls`` for a string value."""
    if isinstance(value, str):
        refuse_bidi_controls(value)


def strip_bidi_controls(text: str) -> str:
    """``text`` without bidirectional embedding, override and isolate controls."""
    return text.translate(_WITHOUT_BIDI_CONTROLS)


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


# A cell a spreadsheet would run as a formula begins with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """``value``, with a ``'`` before a text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def first_strong_direction(text: str) -> str | None:
    """ "rtl" or "ltr" from the first strongly directional character of ``text`` (as
    ``dir="auto"`` decides, Unicode rule P2), None if it has none (digits only)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in {"R", "AL"}:
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def format_isolated(message: str, **values: object) -> SafeString:
    """``message % values`` as HTML, each value (a name, a title) escaped, without
    direction controls and in a ``<bdi>``: a translated sentence that names user text
    keeps its own word order whatever the script of the names."""
    isolated = {
        # A count stays a number, for %(n)d; it has no words to reorder.
        key: value
        if isinstance(value, int)
        else format_html("<bdi>{}</bdi>", strip_bidi_controls(str(value)))
        for key, value in values.items()
    }
    # The message is escaped here and every value above.
    return mark_safe(conditional_escape(message) % isolated)  # noqa: S308

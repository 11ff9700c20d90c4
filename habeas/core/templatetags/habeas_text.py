"""Template filters for user text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language_bidi

from habeas.core import bilingual
from habeas.core.countries import country_name
from habeas.core.text import first_strong_direction, render_markdown, strip_bidi_controls

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


@register.filter(name="country")
def country_filter(code: object) -> str:
    """A country's name in the active language from its ISO code ("PK" ->
    "Pakistan", "پاکستان"); empty for no code."""
    return country_name(str(code)) if code else ""


@register.filter(name="script_attrs")
def script_attrs_filter(value: object) -> SafeString:
    """``lang`` and ``dir`` for a user text whose script is not known in advance (a
    person's name may be written in Latin letters or only in Urdu): from its first
    strongly directional character, ``lang="ur" dir="rtl"`` for Arabic script,
    ``lang="en" dir="ltr"`` for a left-to-right script, ``dir="auto"`` otherwise."""
    direction = first_strong_direction("" if value is None else str(value))
    if direction == "rtl":
        return mark_safe('lang="ur" dir="rtl"')
    if direction == "ltr":
        return mark_safe('lang="en" dir="ltr"')
    return mark_safe('dir="auto"')


@register.filter(name="foreign_script_attrs")
def foreign_script_attrs_filter(value: object) -> SafeString:
    """`` lang=… dir=…`` (with its leading space) for a text in the other direction than
    the page's, nothing otherwise: for many short texts, such as a list's choices, where
    marking every one would only repeat the page's own language."""
    direction = first_strong_direction("" if value is None else str(value))
    if direction is None or direction == ("rtl" if get_language_bidi() else "ltr"):
        return mark_safe("")
    return format_html(" {}", script_attrs_filter(value))


@register.filter(name="title_text")
def title_text_filter(value: object) -> object:
    """A page's ``<title>`` from its heading, which may isolate names in ``<bdi>``
    (habeas.core.text.format_isolated): the markup dropped, plain text left as it is."""
    if isinstance(value, SafeData):
        return mark_safe(strip_tags(str(value)))  # noqa: S308 — safe markup, less its tags
    return value


@register.filter(name="code")
def code_filter(value: object) -> SafeString:
    """``<code lang="en" dir="ltr">value</code>``: a command, option or code typed as
    written, left to right whatever the page's direction."""
    return format_html('<code lang="en" dir="ltr">{}</code>', "" if value is None else str(value))


@register.filter(name="quote")
def quote_filter(value: object) -> SafeString:
    """A user text quoted in a sentence: ``<q>`` with its own ``lang`` and ``dir``, so
    that its quotation marks are its language's (site.css) and its direction cannot
    move the sentence around it."""
    text = strip_bidi_controls("" if value is None else str(value))
    return format_html("<q {}>{}</q>", script_attrs_filter(text), text)


@register.filter(name="bdi")
def bdi_filter(value: object) -> SafeString:
    """``<bdi>value</bdi>``, escaped and without direction controls: a name or other
    user text passed into a translated sentence (``blocktranslate with who=x|bdi``),
    isolated so that its direction cannot move the words around it."""
    return format_html("<bdi>{}</bdi>", strip_bidi_controls("" if value is None else str(value)))


@register.simple_tag(name="bilingual")
def bilingual_tag(
    english: object, urdu: object, block: bool = False, note: bool = True
) -> SafeString:
    """A text a campaign wrote, in the reader's language, or in the other language
    marked as such (see habeas.core.bilingual): ``{% bilingual c.summary c.summary_ur
    block=True %}``. Pass Markdown already rendered (a safe string) to keep its HTML.
    ``note=False`` marks a fallback by ``lang`` and ``dir`` alone, for an item of a
    list whose one note the template shows (see the ``falls_back`` filter)."""
    return bilingual.render(
        bilingual.choose(_text(english), _text(urdu)), block=block, note_shown=note
    )


@register.filter(name="falls_back")
def falls_back_filter(items: Iterable[Any], fields: str) -> bool:
    """Whether any of ``items`` shows a fallback to the reader: ``fields`` names the
    English and Urdu attributes, ``"title,title_ur"``. For one note above a list."""
    english, _comma, urdu = fields.partition(",")
    return any(
        bilingual.choose(
            _text(getattr(item, english, "")), _text(getattr(item, urdu, ""))
        ).fallback
        for item in items
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)

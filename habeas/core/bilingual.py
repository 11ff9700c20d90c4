"""Texts a campaign writes in English with an optional Urdu version beside it.

A reader sees the version in their language. Where that version is missing the
other one is shown, marked as being in the other language (``lang``, ``dir`` and a
visible note), never passed off as a translation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from habeas.core.text import strip_bidi_controls

DIRECTIONS = {"en": "ltr", "ur": "rtl"}


@dataclass(frozen=True)
class Choice:
    """The version a reader gets: its text, its language, and whether it stands
    in for a missing version in the reader's own language."""

    text: str
    language: str
    fallback: bool

    @property
    def direction(self) -> str:
        return DIRECTIONS[self.language]


def reader_language() -> str:
    """``"ur"`` on an Urdu page, ``"en"`` otherwise."""
    return "ur" if (get_language() or "").startswith("ur") else "en"


def choose(english: str | None, urdu: str | None, language: str | None = None) -> Choice:
    """The version of a text for a reader of ``language`` (the active one by default).

    A missing version falls back to the other one, marked as a fallback; when both
    are missing the choice is an empty English text, not a fallback.
    """
    language = language or reader_language()
    english, urdu = english or "", urdu or ""
    if language == "ur":
        if urdu.strip():
            return Choice(urdu, "ur", False)
        return Choice(english, "en", bool(english.strip()))
    if english.strip():
        return Choice(english, "en", False)
    return Choice(urdu, "ur", bool(urdu.strip())) if urdu.strip() else Choice("", "en", False)


def note(choice: Choice) -> str:
    """The visible words that mark a fallback, in the reader's language."""
    if choice.language == "en":
        return _("In English: no Urdu version yet.")
    return _("In Urdu: no English version yet.")


def render(choice: Choice, *, block: bool = False, note_shown: bool = True) -> SafeString:
    """The chosen text in an element that carries its language and direction.

    Plain text is escaped and loses any bidirectional control characters; a
    ``SafeString`` (Markdown already rendered and sanitised) is used as it is.
    ``block`` wraps it in a ``<div>`` (for paragraphs), otherwise a ``<span>``.
    A fallback carries a visible note, in the reader's language, before the text,
    unless ``note_shown`` is false: an item of a list, whose one note stands above the
    list, or a title, whose note is the one beside its text.
    """
    if not choice.text:
        return mark_safe("")
    text = choice.text
    body = text if isinstance(text, SafeString) else conditional_escape(strip_bidi_controls(text))
    tag = "div" if block else "span"
    element = format_html(
        '<{} lang="{}" dir="{}">{}</{}>', tag, choice.language, choice.direction, body, tag
    )
    if not choice.fallback or not note_shown:
        return element
    if block:
        return format_html('<p class="lang-note">{}</p>{}', note(choice), element)
    return format_html('{} <small class="lang-note">({})</small>', element, note(choice))

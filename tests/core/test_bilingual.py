"""The reader's version of a text a campaign wrote, or the other one, marked."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from habeas.core.bilingual import Choice, choose, render


@pytest.mark.parametrize(
    ("language", "english", "urdu", "expected"),
    [
        ("en", "Free them", "انہیں رہا کرو", Choice("Free them", "en", False)),
        ("ur", "Free them", "انہیں رہا کرو", Choice("انہیں رہا کرو", "ur", False)),
        ("ur", "Free them", "", Choice("Free them", "en", True)),
        ("ur", "Free them", "   ", Choice("Free them", "en", True)),
        ("en", "", "انہیں رہا کرو", Choice("انہیں رہا کرو", "ur", True)),
        ("en", "", "", Choice("", "en", False)),
        ("ur", "", "", Choice("", "en", False)),
        ("ur", None, None, Choice("", "en", False)),
    ],
)
def test_choose(language, english, urdu, expected):
    assert choose(english, urdu, language) == expected


def test_a_translation_is_not_marked():
    with translation.override("ur"):
        html = render(choose("Free them", "انہیں رہا کرو"))
    assert html == '<span lang="ur" dir="rtl">انہیں رہا کرو</span>'


def test_missing_urdu_is_shown_as_english_and_says_so_in_urdu():
    with translation.override("ur"):
        html = render(choose("Free them", ""), block=True)
        note = str(render(choose("Free them", "")))
    assert '<div lang="en" dir="ltr">Free them</div>' in html
    assert html.startswith('<p class="lang-note">')
    assert "In English" not in html  # the note is in Urdu
    assert 'class="lang-note"' in note


def test_missing_english_is_shown_as_urdu_and_says_so():
    with translation.override("en"):
        html = render(choose("", "انہیں رہا کرو"), block=True)
    assert '<div lang="ur" dir="rtl">انہیں رہا کرو</div>' in html
    assert "In Urdu: no English version yet." in html


def test_plain_text_is_escaped_and_loses_overrides():
    html = render(Choice("<b>x</b>\u202egnp.exe", "en", False))
    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert "\u202e" not in html


def test_rendered_markdown_keeps_its_html():
    html = render(Choice(mark_safe("<p><em>x</em></p>"), "en", False), block=True)
    assert html == '<div lang="en" dir="ltr"><p><em>x</em></p></div>'


def test_nothing_renders_nothing():
    assert render(choose("", "")) == ""


def test_template_tag():
    template = Template("{% load habeas_text %}{% bilingual a b block=True %}")
    with translation.override("ur"):
        html = template.render(Context({"a": "Free them", "b": ""}))
    assert '<p class="lang-note">' in html
    assert '<div lang="en" dir="ltr">Free them</div>' in html

"""The helpers that isolate user text: filters, format_isolated and the form renderer."""

from __future__ import annotations

from django import forms
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from habeas.core.templatetags.habeas_text import (
    code_filter,
    foreign_script_attrs_filter,
    quote_filter,
    title_text_filter,
)
from habeas.core.text import format_isolated

URDU = "مزدور کسان پارٹی"


def test_format_isolated_escapes_the_message_and_isolates_each_value() -> None:
    html = format_isolated("Edit <now>: %(name)s", name="A & B\u202e")
    assert isinstance(html, SafeString)
    assert html == "Edit &lt;now&gt;: <bdi>A &amp; B</bdi>"


def test_quote_gives_the_quoted_text_its_own_language() -> None:
    assert quote_filter("Free them <all>") == '<q lang="en" dir="ltr">Free them &lt;all&gt;</q>'
    assert quote_filter(URDU) == f'<q lang="ur" dir="rtl">{URDU}</q>'
    assert code_filter("--as") == '<code lang="en" dir="ltr">--as</code>'


def test_foreign_script_attrs_mark_only_the_other_direction() -> None:
    with translation.override("en"):
        assert foreign_script_attrs_filter("Alpha") == ""
        assert foreign_script_attrs_filter(URDU) == ' lang="ur" dir="rtl"'
        assert foreign_script_attrs_filter("2025") == ""
    with translation.override("ur"):
        assert foreign_script_attrs_filter(URDU) == ""
        assert foreign_script_attrs_filter("Alpha") == ' lang="en" dir="ltr"'


def test_title_text_drops_markup_only_from_safe_headings() -> None:
    assert title_text_filter(mark_safe("Edit: <bdi>A &amp; B</bdi>")) == "Edit: A &amp; B"
    assert title_text_filter("Edit: <b>") == "Edit: <b>"


class _Form(forms.Form):
    organisation = forms.ChoiceField(choices=[("a", "Alpha"), ("b", URDU)])
    member = forms.MultipleChoiceField(
        choices=[("a", "Alpha"), ("b", URDU)], widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(widget=forms.Textarea)
    text_ur = forms.CharField(widget=forms.Textarea(attrs={"dir": "rtl", "lang": "ur"}))


def test_the_renderer_marks_choices_in_the_other_script_and_text_areas_auto() -> None:
    with translation.override("en"):
        html = str(_Form().as_div())
    assert '<option value="a">Alpha</option>' in html
    assert f'<option value="b" lang="ur" dir="rtl">{URDU}</option>' in html
    assert f'<span lang="ur" dir="rtl">{URDU}</span></label>' in html
    assert 'name="text" cols="40" rows="10" required id="id_text" dir="auto">' in html
    assert 'name="text_ur" cols="40" rows="10" dir="rtl" lang="ur" required' in html
    assert html.count('dir="auto"') == 1

"""Items of a list, and titles, marked by language alone; one note for the list."""

from __future__ import annotations

from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation


def _render(source: str, **context: object) -> str:
    return Template("{% load habeas_text %}" + source).render(Context(context))


def test_an_item_falls_back_with_its_language_but_no_note() -> None:
    with translation.override("ur"):
        html = _render("{% bilingual 'Free them' '' note=False %}")
    assert html == '<span lang="en" dir="ltr">Free them</span>'


def test_falls_back_says_whether_any_item_of_a_list_falls_back() -> None:
    both = SimpleNamespace(title="Free them", title_ur="انہیں رہا کرو")
    english = SimpleNamespace(title="Release them", title_ur="")
    source = "{% if items|falls_back:'title,title_ur' %}note{% endif %}"
    with translation.override("ur"):
        assert _render(source, items=[both, english]) == "note"
        assert _render(source, items=[both]) == ""
        assert _render(source, items=[]) == ""
    with translation.override("en"):
        assert _render(source, items=[both, english]) == ""

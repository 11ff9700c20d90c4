"""A service's ValidationError lands on the form: on its field, or above the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from habeas.core.forms import add_errors


class _Form(forms.Form):
    title = forms.CharField()


def _valid() -> _Form:
    form = _Form({"title": "A title"})
    assert form.is_valid()
    return form


def test_an_error_on_a_field_the_form_has_goes_on_that_field() -> None:
    form = _valid()
    add_errors(form, ValidationError({"title": "Too long."}))
    assert form.errors == {"title": ["Too long."]}


def test_an_error_on_a_field_the_form_lacks_goes_above_the_form() -> None:
    form = _valid()
    add_errors(form, ValidationError({"quorum": "At least one.", "title": "Empty."}))
    assert form.non_field_errors() == ["At least one."]
    assert form.errors["title"] == ["Empty."]


def test_an_error_without_a_field_goes_above_the_form() -> None:
    form = _valid()
    add_errors(form, ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]

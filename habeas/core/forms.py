"""Helpers every app's forms and views share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on ``form``.

    An error naming a field the form has goes on that field; one naming
    another field (a service checks more than one form shows), or naming
    none, goes above the form. Nothing is lost and nothing raises.
    """
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)

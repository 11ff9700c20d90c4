"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.core.validators import URLValidator


class WebAddressField(forms.URLField):
    """An http or https address, "https://" assumed when none is written.

    Django's URLField also takes ftp and ftps; a link Habeas shows to readers
    is a web page. ``javascript:``, ``data:`` and ``file:`` fail either way.
    """

    default_validators = [URLValidator(schemes=["http", "https"])]

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)  # type: ignore[arg-type]

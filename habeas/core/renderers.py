"""The form renderer: Django's own widget templates, with a few of ours first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

OURS = Path(__file__).resolve().parent / "form_templates"
DJANGOS = Path(django.forms.__file__).resolve().parent / "templates"


class Renderer(DjangoTemplates):
    """Widgets whose user text says its own direction (form_templates/): a choice whose
    label is in the other script than the page's carries ``lang`` and ``dir``, and a
    text area takes ``dir="auto"`` unless its field gives a direction."""

    @cached_property
    def engine(self) -> Any:
        return self.backend(
            {"APP_DIRS": True, "DIRS": [OURS, DJANGOS], "NAME": "djangoforms", "OPTIONS": {}}
        )

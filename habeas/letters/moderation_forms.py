"""The moderator's form for invalidating a batch of signatures."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from habeas.letters.services.moderation import REASON_LIMIT

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class _When(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_LOCAL)


class InvalidationForm(forms.Form):
    from_at = forms.DateTimeField(label=_("Signed from"), required=False, widget=_When())
    until_at = forms.DateTimeField(label=_("Signed before"), required=False, widget=_When())
    ip_hash = forms.CharField(label=_("Address hash"), required=False, max_length=64)
    email_domain = forms.CharField(label=_("E-mail domain"), required=False, max_length=253)
    reason = forms.CharField(
        label=_("Why these signatures do not count"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_LIMIT,
        error_messages={"required": _("Say why these signatures do not count.")},
    )

"""Forms of the open-letter pages. Each part keeps its forms together in its own section."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from habeas.coalition.models import Campaign, Organisation
from habeas.core.text import validate_no_bidi_controls
from habeas.letters.services.letters import (
    ADDRESSEES_LIMIT,
    BODY_LIMIT,
    GOAL_LIMIT,
    TITLE_LIMIT,
    Text,
)

# --- Organisers: writing, publishing, closing; endorsements ---------------------

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LetterEditForm(forms.Form):
    """A letter's texts (English required, Urdu optional), dates and goal."""

    title_en = forms.CharField(
        label=_("Title"), max_length=TITLE_LIMIT, validators=[validate_no_bidi_controls]
    )
    addressees_en = forms.CharField(
        label=_("Addressed to"),
        max_length=ADDRESSEES_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body_en = forms.CharField(
        label=_("Text (Markdown)"),
        max_length=BODY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 16}),
    )
    title_ur = forms.CharField(
        label=_("Title in Urdu"),
        max_length=TITLE_LIMIT,
        required=False,
        validators=[validate_no_bidi_controls],
        widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ur"}),
    )
    addressees_ur = forms.CharField(
        label=_("Addressed to, in Urdu"),
        max_length=ADDRESSEES_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "rtl", "lang": "ur"}),
    )
    body_ur = forms.CharField(
        label=_("Text in Urdu (Markdown)"),
        max_length=BODY_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "dir": "rtl", "lang": "ur"}),
        help_text=_("Leave the Urdu fields empty if there is no Urdu translation yet."),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens for signing at"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("Empty: when you publish it."),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"), required=False, widget=DATETIME_INPUT, help_text=_("Empty: never.")
    )
    goal = forms.IntegerField(
        label=_("Signature goal"), required=False, min_value=1, max_value=GOAL_LIMIT
    )

    def texts(self) -> dict[str, Text]:
        data = self.cleaned_data
        return {
            language: (
                data[f"title_{language}"],
                data[f"addressees_{language}"],
                data[f"body_{language}"],
            )
            for language in ("en", "ur")
        }


class LetterCreateForm(LetterEditForm):
    """A new letter: its campaign and authoring organisations, then its words."""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    authors = forms.ModelMultipleChoiceField(
        label=_("Written by"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only organisations you edit for that are members of the campaign."),
    )
    field_order = ["campaign", "authors"]

    def __init__(
        self, *args: Any, campaigns: Any = None, organisations: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        if organisations is not None:
            self.fields["authors"].queryset = organisations  # type: ignore[attr-defined]


class EndorseForm(forms.Form):
    """An editor endorses a letter for one of their organisations, or withdraws."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    action = forms.ChoiceField(
        choices=[("endorse", _("Endorse")), ("withdraw", _("Withdraw"))],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class EndorsementRequestForm(forms.Form):
    """An organisation not on Habeas asks to endorse a letter (no account, no cookie)."""

    name = forms.CharField(
        label=_("Organisation"), max_length=200, validators=[validate_no_bidi_controls]
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    country = forms.CharField(
        label=_("Country (two-letter code)"),
        max_length=2,
        min_length=2,
        help_text=_("Such as PK, GB or US."),
    )
    signatory = forms.CharField(
        label=_("Signed by"), max_length=200, validators=[validate_no_bidi_controls]
    )
    signatory_role = forms.CharField(
        label=_("Their role in the organisation"), max_length=200, required=False
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        max_length=254,
        help_text=_(
            "Only for the campaign to check the request; never shown, and erased once decided."
        ),
    )
    # A honeypot: hidden from people (and from screen readers); a bot fills it in.
    homepage = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)


# --- Signing ------------------------------------------------------------------

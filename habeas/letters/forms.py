"""Forms for open letters: the signature (a visitor's), and organisers' forms."""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from habeas.coalition.models import Campaign, Organisation
from habeas.core.countries import country_choices, is_country
from habeas.core.text import is_invisible_only, refuse_bidi_controls, validate_no_bidi_controls
from habeas.letters.services.letters import (
    ADDRESSEES_LIMIT,
    BODY_LIMIT,
    GOAL_LIMIT,
    TITLE_LIMIT,
    Text,
)

# --- Signing -------------------------------------------------------------------


@functools.cache
def _country_lookup() -> dict[str, str]:
    """Every way a signer may write a country (code, English or Urdu name) -> code."""
    found: dict[str, str] = {}
    for language in ("en", "ur"):
        for code, name in country_choices(language):
            found[_folded(name)] = code
            found[code.casefold()] = code
    return found


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class SignatureForm(forms.Form):
    """A signature as a visitor writes it; nothing here decides whether it counts."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("Only to confirm your signature. Never shown or published."),
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=100,
        help_text=_("Its name, or its two-letter code (such as PK or GB)."),
    )
    city = forms.CharField(label=_("City (optional)"), max_length=100, required=False)
    affiliation = forms.CharField(
        label=_("Organisation or union (optional)"),
        max_length=200,
        required=False,
        help_text=_("For identification only: it does not sign for them."),
    )
    show_name = forms.BooleanField(label=_("Show my name publicly"), required=False)
    send_updates = forms.BooleanField(label=_("Send me campaign updates"), required=False)
    # People never see this field (site.css hides it); programs that fill in
    # every field do, and their signature is kept as suspect.
    website = forms.CharField(label=_("Leave this empty"), max_length=200, required=False)
    started = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["country"].widget.attrs.update(autocomplete="country-name")
        self.fields["website"].widget.attrs.update(
            autocomplete="off", tabindex="-1", **{"aria-hidden": "true"}
        )

    def _text(self, field: str, *, required: bool) -> str:
        value: str = self.cleaned_data.get(field, "")
        refuse_bidi_controls(value)
        if required and is_invisible_only(value):
            raise ValidationError(_("Write something visible here."))
        return "" if is_invisible_only(value) else value.strip()

    def clean_name(self) -> str:
        return self._text("name", required=True)

    def clean_city(self) -> str:
        return self._text("city", required=False)

    def clean_affiliation(self) -> str:
        return self._text("affiliation", required=False)

    def clean_country(self) -> str:
        written = self.cleaned_data.get("country", "")
        code = _country_lookup().get(_folded(written))
        if code is None or not is_country(code):
            raise ValidationError(
                _(
                    "We do not know this country. Write its name in English or Urdu, "
                    "or its two-letter code, such as PK or GB."
                )
            )
        return code


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

"""Forms for open letters: the signature (a visitor's), and organisers' forms."""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from habeas.core.countries import country_choices, is_country
from habeas.core.text import is_invisible_only, refuse_bidi_controls

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

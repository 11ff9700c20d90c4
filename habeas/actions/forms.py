"""Organisers' forms for solidarity actions.

Times are written as the place's clock shows them (``datetime-local``) and
read in the time zone chosen for the place, whatever the organiser's own
zone: "18:00 in Europe/Berlin" is stored as 17:00 UTC in winter.
"""

from __future__ import annotations

import datetime
import functools
import unicodedata
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from habeas.actions.models import Action
from habeas.actions.services.actions import (
    ACCESSIBILITY_LIMIT,
    ADDRESS_LIMIT,
    CITY_LIMIT,
    DESCRIPTION_LIMIT,
    NOTE_LIMIT,
    TITLE_LIMIT,
    VENUE_LIMIT,
    time_zones,
)
from habeas.actions.services.rsvps import NAME_LIMIT as RSVP_NAME_LIMIT
from habeas.coalition.models import Campaign, Organisation
from habeas.core.countries import country_choices, is_country
from habeas.core.text import validate_no_bidi_controls

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
URDU = {"dir": "rtl", "lang": "ur"}


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@functools.cache
def _country_lookup() -> dict[str, str]:
    """Every way an organiser may write a country (code, English or Urdu name) -> code."""
    found: dict[str, str] = {}
    for language in ("en", "ur"):
        for code, name in country_choices(language):
            found[_folded(name)] = code
            found[code.casefold()] = code
    return found


@functools.cache
def sorted_time_zones() -> list[str]:
    """The IANA zones, sorted, for the form's list of suggestions."""
    return sorted(time_zones())


def local_input(moment: datetime.datetime | None, time_zone: str) -> str:
    """``moment`` as the place's clock shows it, for a ``datetime-local`` input."""
    if moment is None:
        return ""
    zone = zoneinfo.ZoneInfo(time_zone) if time_zone in time_zones() else datetime.UTC
    return moment.astimezone(zone).strftime(LOCAL_FORMAT)


def _local_widget() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "datetime-local"})


class ActionForm(forms.Form):
    """An action as its organisers describe it; the services decide what is allowed."""

    organisations = forms.ModelMultipleChoiceField(
        label=_("Organised by"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only organisations you edit for that are members of the campaign."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=TITLE_LIMIT, validators=[validate_no_bidi_controls]
    )
    title_ur = forms.CharField(
        label=_("Title in Urdu"),
        max_length=TITLE_LIMIT,
        required=False,
        validators=[validate_no_bidi_controls],
        widget=forms.TextInput(attrs=URDU),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Action.Kind.choices)
    city = forms.CharField(
        label=_("City"), max_length=CITY_LIMIT, validators=[validate_no_bidi_controls]
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=100,
        help_text=_("Its name, or its two-letter code (such as PK or GB)."),
    )
    venue = forms.CharField(label=_("Venue"), max_length=VENUE_LIMIT, required=False)
    address = forms.CharField(label=_("Address"), max_length=ADDRESS_LIMIT, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        help_text=_("Optional, for the map: such as 51.50735 (north is positive)."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        help_text=_("Such as -0.12776 (east is positive)."),
    )
    time_zone = forms.CharField(
        label=_("Time zone of the place"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        help_text=_("Such as Europe/London, America/Toronto or Asia/Karachi."),
    )
    starts_at = forms.CharField(
        label=_("Starts at (the place's local time)"),
        required=False,
        widget=_local_widget(),
        help_text=_("Leave empty if the date is not known yet."),
    )
    ends_at = forms.CharField(
        label=_("Ends at (the place's local time)"), required=False, widget=_local_widget()
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    description_ur = forms.CharField(
        label=_("Description in Urdu"),
        max_length=DESCRIPTION_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, **URDU}),
    )
    accessibility = forms.CharField(
        label=_("Accessibility"),
        max_length=ACCESSIBILITY_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Step-free access, toilets, seating, sign language, quiet space."),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisations"].queryset = organisations  # type: ignore[attr-defined]
        self.time_zone_names = sorted_time_zones()

    def clean_country(self) -> str:
        code = _country_lookup().get(_folded(self.cleaned_data.get("country", "")))
        if code is None or not is_country(code):
            raise ValidationError(
                _(
                    "We do not know this country. Write its name in English or Urdu, "
                    "or its two-letter code, such as PK or GB."
                )
            )
        return code

    def clean_time_zone(self) -> str:
        name = str(self.cleaned_data.get("time_zone", "")).strip()
        if name and name not in time_zones():
            raise ValidationError(
                _(
                    "We do not know this time zone. Choose one from the list, "
                    "such as Europe/London or Asia/Karachi."
                )
            )
        return name

    def _local(self, field: str) -> datetime.datetime | None:
        written = str(self.cleaned_data.get(field, "")).strip()
        if not written:
            return None
        try:
            return datetime.datetime.fromisoformat(written).replace(tzinfo=None, second=0)
        except ValueError:
            self.add_error(field, _("Write a date and time, such as 2026-06-14 18:00."))
            return None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        locals_ = {field: self._local(field) for field in ("starts_at", "ends_at")}
        name = str(data.get("time_zone") or "")
        if "time_zone" not in data:
            return data  # an unknown zone: its own error says so
        if any(locals_.values()) and not name:
            self.add_error("time_zone", _("Say in which time zone the action takes place."))
            return data
        for field, local in locals_.items():
            if field in self.errors:
                continue
            data[field] = self._aware(field, local, name) if local else None
        return data

    def _aware(self, field: str, local: datetime.datetime, name: str) -> datetime.datetime | None:
        zone = zoneinfo.ZoneInfo(name)
        aware = local.replace(tzinfo=zone)
        # A time the clocks skip when they go forward does not exist there.
        if aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != local:
            self.add_error(
                field, _("The clocks skip this time in this time zone; choose another time.")
            )
            return None
        return aware

    def action_fields(self) -> dict[str, Any]:
        """The cleaned fields, as the services take them."""
        names = [name for name in self.fields if name not in {"campaign", "note"}]
        return {name: self.cleaned_data.get(name) for name in names}


class ActionCreateForm(ActionForm):
    """A new action: its campaign (unless chosen already), organisers, then the rest."""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    field_order = ["campaign", "organisations"]

    def __init__(
        self, *args: Any, campaigns: Any = None, campaign: Campaign | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if campaign is not None:
            del self.fields["campaign"]
        elif campaigns is not None:
            self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class ActionEditForm(ActionForm):
    """A change to an action, with a word for those coming if its time or place moves."""

    note = forms.CharField(
        label=_("Note to those coming (optional)"),
        max_length=NOTE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Mailed with the announcement to those who gave an address, "
            "if the time or the place changes."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Other organisations may go on organising it without the user's.
        self.fields["organisations"].required = False


class CancelForm(forms.Form):
    """Why the action is cancelled, for those who said they would come."""

    note = forms.CharField(
        label=_("Note to those coming (optional)"),
        max_length=NOTE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mailed to everyone who gave an address when saying they would come."),
    )


class RsvpForm(forms.Form):
    """An RSVP as a visitor writes it: every field optional."""

    name = forms.CharField(
        label=_("Your name (optional)"), max_length=RSVP_NAME_LIMIT, required=False
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        max_length=254,
        required=False,
        help_text=_(
            "For a reminder the day before and news of changes; "
            "deleted 14 days after the action. Never shown or published."
        ),
    )
    # People never see this field (site.css hides .letters-hp); programs that
    # fill in every field do, and their RSVP is not taken.
    website = forms.CharField(label=_("Leave this empty"), max_length=200, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["website"].widget.attrs.update(
            autocomplete="off", tabindex="-1", **{"aria-hidden": "true"}
        )

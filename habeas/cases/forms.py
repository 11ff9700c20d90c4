"""Forms of the documenters' pages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from habeas.cases.citations import CITED_CHOICES
from habeas.cases.importer import NoSuchDateError, parse_date
from habeas.cases.models import CaseEvent, Certainty, Facility, Person, Status
from habeas.cases.queries import confirmed_facilities
from habeas.cases.services.facilities import FacilityFacts
from habeas.cases.services.records import CitedSource, SourceFacts
from habeas.coalition.models import Campaign, Organisation
from habeas.core.fields import WebAddressField
from habeas.core.models import Source
from habeas.core.text import validate_no_bidi_controls


class DateWithPrecision(forms.CharField):
    """'2025', '2025-05', '2025-05-30' or empty: a date known to the year, month or day."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", _("YYYY, YYYY-MM or YYYY-MM-DD; empty if not known."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> tuple[datetime.date | None, str]:
        text = super().clean(value)
        try:
            return parse_date(text or "")
        except NoSuchDateError as error:
            raise forms.ValidationError(
                _("%(date)s is no date: a month runs from 01 to 12, a day to the month's end."),
                params={"date": text},
            ) from error
        except ValueError as error:
            raise forms.ValidationError(
                _("Write the date as YYYY, YYYY-MM or YYYY-MM-DD.")
            ) from error


class SourceForm(forms.Form):
    """A fact's source: one the record cites already ("same source as before"), or a new one.

    ``cited`` is what the record cites (``citations.cited_sources``); the
    newest are offered, and an id not among them is refused as an invalid
    choice. Without ``cited`` (a new person) only a new source can be given.

    A form that adds a fact inherits these fields, but shows them last: people
    write down the person and the facts, then where they read them
    (``SOURCE_FIELDS`` go after every other field, in this order).
    """

    SOURCE_FIELDS = (
        "source_pick",
        "source_title",
        "source_publisher",
        "source_url",
        "source_published_on",
        "certainty",
    )

    source_pick = forms.TypedChoiceField(
        label=_("Source"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[],
        help_text=_("A source this record already cites, or a new source below."),
    )
    source_title = forms.CharField(
        label=_("Source: title"),
        max_length=300,
        required=False,
        validators=[validate_no_bidi_controls],
    )
    source_publisher = forms.CharField(
        label=_("Source: publisher"),
        max_length=200,
        required=False,
        validators=[validate_no_bidi_controls],
    )
    source_url = WebAddressField(label=_("Source: address"), required=False)
    source_published_on = forms.DateField(
        label=_("Source: published on (YYYY-MM-DD)"), required=False
    )
    certainty = forms.ChoiceField(
        label=_("Certainty"), choices=Certainty.choices, initial=Certainty.REPORTED
    )

    def __init__(self, *args: Any, cited: QuerySet[Source] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facts = [name for name in self.fields if name not in self.SOURCE_FIELDS]
        self.order_fields([*facts, *self.SOURCE_FIELDS])
        if cited is None:
            del self.fields["source_pick"]
        else:
            self.fields["source_pick"].choices = [  # type: ignore[attr-defined]
                ("", _("A new source (below)")),
                *((source.pk, _citation_label(source)) for source in cited[:CITED_CHOICES]),
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        missing = not data.get("source_pick") and not data.get("source_title", "").strip()
        if missing and not {"source_title", "source_pick"} & self.errors.keys():
            self.add_error(
                "source_title", _("Give the source's title, or choose a source this record cites.")
            )
        return data

    def source(self) -> SourceFacts | CitedSource:
        """The cited source, for a service to find or record once it has checked the
        user's rights (a picked one only if the record cites it)."""
        data = self.cleaned_data
        if data.get("source_pick"):
            return CitedSource(data["source_pick"])
        return SourceFacts(
            title=data["source_title"],
            publisher=data["source_publisher"],
            url=data["source_url"],
            published_on=data["source_published_on"],
        )


def _citation_label(source: Source) -> str:
    parts = [source.title, source.publisher, str(source.published_on or "")]
    return ", ".join(part for part in parts if part)


class FacilityChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.region})" if obj.region else str(obj.name)


class CustodyForm(forms.Form):
    """Where the person is held: a confirmed facility, or a new one proposed for
    confirmation (used on this record at once, shown in public once confirmed)."""

    facility_label = _("Held at")
    facility = FacilityChoice(label=_("Held at"), queryset=Facility.objects.none(), required=False)
    new_facility_name = forms.CharField(
        label=_("Or propose a facility not listed: its name"),
        max_length=200,
        required=False,
        validators=[validate_no_bidi_controls],
        help_text=_(
            "A site admin or your campaign's coordinator confirms it before it is "
            "shown in public, its postal address above all."
        ),
    )
    new_facility_kind = forms.ChoiceField(
        label=_("Its kind"),
        choices=Facility.Kind.choices,
        initial=Facility.Kind.PRISON,
        required=False,
    )
    new_facility_region = forms.CharField(
        label=_("Its region"),
        max_length=100,
        required=False,
        validators=[validate_no_bidi_controls],
    )
    new_facility_postal_address = forms.CharField(
        label=_("Its postal address for letters (if known)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_facility_letters_accepted = forms.CharField(
        label=_("What letters it accepts (if known)"), max_length=1000, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = confirmed_facilities()  # type: ignore[attr-defined]
        self.fields["facility"].label = self.facility_label

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        proposing = any(
            (data.get(name) or "").strip()
            for name in (
                "new_facility_name",
                "new_facility_region",
                "new_facility_postal_address",
                "new_facility_letters_accepted",
            )
        )
        if data.get("facility") and proposing:
            self.add_error(
                "new_facility_name", _("Choose a listed facility or propose a new one, not both.")
            )
        elif proposing and not (data.get("new_facility_name") or "").strip():
            self.add_error("new_facility_name", _("A proposed facility needs a name."))
        return data

    def chosen_facility(self) -> Facility | FacilityFacts | None:
        """The listed facility chosen, the facility proposed, or None."""
        data = self.cleaned_data
        if data.get("facility"):
            return data["facility"]  # type: ignore[no-any-return]
        if (data.get("new_facility_name") or "").strip():
            return FacilityFacts(
                name=data["new_facility_name"],
                kind=data["new_facility_kind"] or Facility.Kind.PRISON,
                region=data["new_facility_region"],
                postal_address=data["new_facility_postal_address"],
                letters_accepted=data["new_facility_letters_accepted"],
            )
        return None


class PersonForm(SourceForm):
    # The person, then the campaign that documents them, then the source.
    field_order = [
        "name",
        "name_ur",
        "aliases",
        "gender",
        "birth_year",
        "home_region",
        "occupation",
        "summary",
        "summary_ur",
        "photo",
        "photo_consent",
        "campaign",
    ]
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    name = forms.CharField(
        label=_("Name (Latin script)"), max_length=200, validators=[validate_no_bidi_controls]
    )
    name_ur = forms.CharField(
        label=_("Name in Urdu script"),
        max_length=200,
        required=False,
        validators=[validate_no_bidi_controls],
    )
    aliases = forms.CharField(
        label=_("Other names, one a line"),
        max_length=2000,
        required=False,
        validators=[validate_no_bidi_controls],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Person.Gender.choices)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, max_value=2100
    )
    home_region = forms.CharField(label=_("Home region"), max_length=100, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=100, required=False)
    summary = forms.CharField(
        label=_("Public biography"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    summary_ur = forms.CharField(
        label=_("Public biography in Urdu"),
        help_text=_("Left empty, Urdu pages show the English biography, marked as English."),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "rtl", "lang": "ur"}),
    )
    photo = forms.FileField(
        label=_("Photo (PNG, JPEG or WebP; its metadata is removed)"), required=False
    )
    photo_consent = forms.BooleanField(
        label=_("The person or their family consents to showing the photo in public"),
        required=False,
    )

    def __init__(self, *args: Any, campaigns: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if campaigns is None:
            del self.fields["campaign"]
        else:
            self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class DetentionForm(SourceForm, CustodyForm):
    # The arrest, then where the person is held, then (``SourceForm``) the source.
    field_order = ["arrested_on", "place", "authority", "status", "sentence"]
    arrested_on = DateWithPrecision(label=_("Arrested on"))
    place = forms.CharField(label=_("Place of arrest"), max_length=200, required=False)
    authority = forms.CharField(label=_("Arresting authority"), max_length=200, required=False)
    sentence = forms.CharField(label=_("Sentence"), max_length=300, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class StatusForm(SourceForm, CustodyForm):
    facility_label = _("Moved to (a transfer; empty if the place did not change)")
    field_order = ["status", "on"]
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    on = DateWithPrecision(label=_("Since"))


class EventForm(SourceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseEvent.Kind.choices)
    on = DateWithPrecision(label=_("On"))
    description = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_hearing_on = forms.DateField(label=_("Next hearing (YYYY-MM-DD)"), required=False)


class RecognitionForm(SourceForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name")
    )
    since_on = forms.DateField(label=_("Since (YYYY-MM-DD)"), required=False)
    criterion = forms.CharField(label=_("On what criterion"), max_length=500, required=False)


class ShareForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Share the case work with the campaign"), queryset=Campaign.objects.none()
    )
    restricted = forms.BooleanField(
        label=_("Its case team also sees the restricted facts"), required=False
    )

    def __init__(self, *args: Any, campaigns: QuerySet[Campaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class RestrictedForm(forms.Form):
    family_contacts = forms.CharField(
        label=_("Family contacts"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lawyer_contacts = forms.CharField(
        label=_("Lawyer contacts"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    unverified_reports = forms.CharField(
        label=_("Unverified reports"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class FacilityConfirmForm(forms.Form):
    """The address as the confirmer corrects it: what people will write to."""

    postal_address = forms.CharField(
        label=_("Postal address for letters"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    letters_accepted = forms.CharField(
        label=_("What letters it accepts"), max_length=1000, required=False
    )

"""Forms of the documenters' pages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from habeas.cases.importer import NoSuchDateError, parse_date
from habeas.cases.models import CaseEvent, Certainty, Person, Status
from habeas.cases.services.records import SourceFacts
from habeas.coalition.models import Campaign, Organisation
from habeas.core.fields import WebAddressField
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
    source_title = forms.CharField(
        label=_("Source: title"), max_length=300, validators=[validate_no_bidi_controls]
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

    def source(self) -> SourceFacts:
        """The cited source, for a service to record once it has checked the user's rights."""
        data = self.cleaned_data
        return SourceFacts(
            title=data["source_title"],
            publisher=data["source_publisher"],
            url=data["source_url"],
            published_on=data["source_published_on"],
        )


class PersonForm(SourceForm):
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


class DetentionForm(SourceForm):
    arrested_on = DateWithPrecision(label=_("Arrested on"))
    place = forms.CharField(label=_("Place of arrest"), max_length=200, required=False)
    authority = forms.CharField(label=_("Arresting authority"), max_length=200, required=False)
    sentence = forms.CharField(label=_("Sentence"), max_length=300, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class StatusForm(SourceForm):
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

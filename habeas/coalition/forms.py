"""Forms of the organiser pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from habeas.coalition.models import Campaign, Organisation, Position, Role
from habeas.core.text import validate_no_bidi_controls


def _address_help() -> SafeString:
    # Django shows help text as HTML: the path is code, left to right in either language.
    return format_html(
        gettext("As in its page's address: {path}"),
        path=format_html('<code lang="en" dir="ltr">{}</code>', "/organisations/<short address>/"),
    )


ADDRESS_HELP = lazy(_address_help, SafeString)()

ORGANISATION_INVITE_ROLES = [
    (Role.ORG_EDITOR.value, Role.ORG_EDITOR.label),
    (Role.ORG_ADMIN.value, Role.ORG_ADMIN.label),
    (Role.TREASURER.value, Role.TREASURER.label),
]
CAMPAIGN_INVITE_ROLES = [
    (Role.DOCUMENTER.value, Role.DOCUMENTER.label),
    (Role.CASE_TEAM.value, Role.CASE_TEAM.label),
    (Role.MODERATOR.value, Role.MODERATOR.label),
    (Role.COORDINATOR.value, Role.COORDINATOR.label),
]


# An input for Urdu text: the browser lays it out right to left and picks an Urdu
# keyboard and spell-checker where it can.
URDU_INPUT = {"lang": "ur", "dir": "rtl"}


class OrganisationInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=ORGANISATION_INVITE_ROLES)
    campaign = forms.ModelChoiceField(
        label=_("Campaign (treasurers only)"),
        queryset=Campaign.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, campaigns: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.TREASURER and not data.get("campaign"):
            self.add_error("campaign", _("Choose the campaign the treasurer acts in."))
        if data.get("role") != Role.TREASURER:
            data["campaign"] = None
        return data


class CampaignInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=CAMPAIGN_INVITE_ROLES)


class OrganisationForm(forms.ModelForm):  # type: ignore[type-arg]
    short_name = forms.CharField(
        label=_("Short name"),
        max_length=Organisation._meta.get_field("short_name").max_length,
        required=False,
        validators=[validate_no_bidi_controls],
    )
    website = forms.URLField(
        label=_("Website"), max_length=300, required=False, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = [
            "short_name",
            "kind",
            "country",
            "website",
            "description",
            "description_ur",
            "logo",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_ur": forms.Textarea(attrs={"rows": 4, "dir": "rtl", "lang": "ur"}),
        }


class AcceptInvitationForm(forms.Form):
    """A new account's username and password, typed twice."""

    username = forms.CharField(label=_("Username"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class ActingForm(forms.Form):
    """A form filled in the name of one of the user's organisations."""

    organisation = forms.ModelChoiceField(
        label=_("In the name of"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class DemandForm(ActingForm):
    text = forms.CharField(
        label=_("Demand or slogan"), max_length=500, validators=[validate_no_bidi_controls]
    )
    text_ur = forms.CharField(
        label=_("In Urdu (optional)"),
        max_length=500,
        required=False,
        validators=[validate_no_bidi_controls],
    )


class RewordForm(forms.Form):
    text = forms.CharField(
        label=_("Demand or slogan"), max_length=500, validators=[validate_no_bidi_controls]
    )
    text_ur = forms.CharField(
        label=_("In Urdu (optional)"),
        max_length=500,
        required=False,
        validators=[validate_no_bidi_controls],
    )


class PositionForm(ActingForm):
    stance = forms.ChoiceField(
        label=_("Position"), choices=Position.Stance.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Public reason (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class StatementEditForm(forms.Form):
    """A statement's title and text, each in English and (optionally) Urdu."""

    title = forms.CharField(
        label=_("Title"), max_length=200, validators=[validate_no_bidi_controls]
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: *emphasis*, **strong**, lists, links. No images or HTML."),
    )
    title_ur = forms.CharField(
        label=_("Title in Urdu (optional)"),
        max_length=200,
        required=False,
        validators=[validate_no_bidi_controls],
        widget=forms.TextInput(attrs=URDU_INPUT),
    )
    body_ur = forms.CharField(
        label=_("Text in Urdu (optional)"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, **URDU_INPUT}),
        help_text=_("Where it is left empty, readers of the Urdu pages see the English, marked."),
    )


class StatementForm(ActingForm, StatementEditForm):
    """A new statement, in the name of one of the user's organisations."""

    field_order = ["organisation", "title", "body", "title_ur", "body_ur"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, shown in public"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Your appeal, shown in public"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


def encode_wordings(pairs: list[list[int]]) -> str:
    """[demand id, version] pairs as the join form carries them: "12:1,15:2"."""
    return ",".join(f"{demand}:{version}" for demand, version in pairs)


class JoinForm(ActingForm):
    endorses_common = forms.BooleanField(
        label=_("We endorse the campaign's common demands."), required=True
    )
    # The wordings the page showed, so that consent covers what was read.
    common_demands = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20_000)

    def clean_common_demands(self) -> list[list[int]] | None:
        if "common_demands" not in self.data:
            return None
        value = self.cleaned_data["common_demands"].strip()
        pairs: list[list[int]] = []
        for part in filter(None, value.split(",")):
            demand, _colon, version = part.partition(":")
            if not (demand.isdigit() and version.isdigit()):
                raise forms.ValidationError(_("Reload the page and read the demands again."))
            pairs.append([int(demand), int(version)])
        return pairs


class LeaveForm(ActingForm):
    notice = forms.CharField(
        label=_("Public notice"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the organisation leaves. Everything it published stays."),
    )


class CampaignSettingsForm(forms.Form):
    """A campaign's own settings, as its coordinators set them."""

    field_order = ["title", "title_ur", "status", "summary", "summary_ur", "start_on", "quorum"]

    title = forms.CharField(
        label=_("Title"), max_length=200, validators=[validate_no_bidi_controls]
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Campaign.Status.choices, initial=Campaign.Status.ACTIVE
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    title_ur = forms.CharField(
        label=_("Title in Urdu (optional)"),
        max_length=200,
        required=False,
        validators=[validate_no_bidi_controls],
        widget=forms.TextInput(attrs=URDU_INPUT),
    )
    summary_ur = forms.CharField(
        label=_("Summary in Urdu (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, **URDU_INPUT}),
        help_text=_("Where it is left empty, readers of the Urdu pages see the English, marked."),
    )
    start_on = forms.DateField(label=_("Started on (YYYY-MM-DD)"), required=False)
    quorum = forms.IntegerField(
        label=_("Quorum"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_(
            "How many members must endorse a demand for it to be common; empty means every member."
        ),
    )


class CampaignForm(ActingForm, CampaignSettingsForm):
    field_order = [
        "organisation",
        "title",
        "title_ur",
        "status",
        "summary",
        "summary_ur",
        "start_on",
        "quorum",
    ]


class OrganisationCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, validators=[validate_no_bidi_controls])
    short_name = forms.CharField(
        label=_("Short name"),
        max_length=40,
        required=False,
        validators=[validate_no_bidi_controls],
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    country = forms.CharField(
        label=_("Country (ISO code)"),
        max_length=2,
        required=False,
        help_text=_("A two-letter country code, such as PK or GB."),
    )


class OrganisationInviteToCampaignForm(forms.Form):
    # Typed, not chosen from a menu: a menu would list every organisation on the site.
    organisation = forms.ModelChoiceField(
        label=_("Organisation's short address"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=ADDRESS_HELP,
        error_messages={
            "invalid_choice": _("No organisation has that short address."),
            "required": _("Type the organisation's short address."),
        },
    )


class ContactInviteForm(forms.Form):
    """A coordinator invites an organisation with no one on Habeas through a contact."""

    # Its fields share names with the other invitation forms on the coordinate page;
    # the prefix keeps their ids, and so their labels, apart.
    prefix = "contact"

    organisation = forms.ModelChoiceField(
        label=_("Organisation's short address"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=ADDRESS_HELP,
        error_messages={
            "invalid_choice": _("No organisation has that short address."),
            "required": _("Type the organisation's short address."),
        },
    )
    email = forms.EmailField(
        label=_("Contact's e-mail address"),
        max_length=254,
        help_text=_(
            "Whoever accepts becomes the organisation's first admin and answers "
            "the invitation for it."
        ),
    )


class CorrespondenceForm(ActingForm):
    to_organisation = forms.ModelChoiceField(
        label=_("To the organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    # Letters are public: only to a public campaign, never to a draft.
    to_campaign = forms.ModelChoiceField(
        label=_("Or to the campaign"),
        queryset=Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("title"),
        required=False,
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=300, validators=[validate_no_bidi_controls]
    )
    body = forms.CharField(
        label=_("Letter"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Markdown: *emphasis*, **strong**, lists, links. No images or HTML."),
    )
    signed = forms.CharField(
        label=_("Signed"),
        max_length=300,
        required=False,
        validators=[validate_no_bidi_controls],
    )


class ReplyForm(ActingForm):
    subject = forms.CharField(
        label=_("Subject"), max_length=300, validators=[validate_no_bidi_controls]
    )
    body = forms.CharField(
        label=_("Reply"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 12})
    )
    signed = forms.CharField(
        label=_("Signed"),
        max_length=300,
        required=False,
        validators=[validate_no_bidi_controls],
    )


class CorrectionForm(forms.Form):
    body = forms.CharField(
        label=_("Correction"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 6})
    )

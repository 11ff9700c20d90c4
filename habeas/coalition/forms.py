"""Forms of the organiser pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from habeas.coalition.models import Campaign, Organisation, Role

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
    class Meta:
        model = Organisation
        fields = ["short_name", "kind", "country"]


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

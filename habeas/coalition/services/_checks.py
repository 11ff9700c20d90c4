"""Checks every coalition service shares: permission, membership, clean text, role scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import (
    CAMPAIGN_ROLES,
    ORGANISATION_IN_CAMPAIGN_ROLES,
    ORGANISATION_ROLES,
    SITE_ROLES,
    Campaign,
    CampaignMembership,
    Organisation,
    Role,
)
from habeas.core.text import is_invisible_only, refuse_bidi_controls


def require(user: User, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def active_membership(campaign: Campaign, organisation: Organisation) -> CampaignMembership:
    """The organisation's active membership; ValidationError, in plain words, otherwise."""
    membership = CampaignMembership.objects.filter(
        campaign=campaign, organisation=organisation
    ).first()
    if membership is None or membership.status != CampaignMembership.Status.ACTIVE:
        if membership is not None and membership.status == CampaignMembership.Status.LEFT:
            raise ValidationError(
                _(
                    "%(organisation)s has left this campaign: what it published stays, "
                    "but it can no longer change it."
                )
                % {"organisation": organisation}
            )
        raise ValidationError(
            _("%(organisation)s is not a member of this campaign.")
            % {"organisation": organisation}
        )
    return membership


def clean_text(
    value: str, *, field: str, limit: int, required: bool = True, empty: str = ""
) -> str:
    """``value`` stripped, and empty when it shows nothing (only whitespace and invisible
    characters); ValidationError when such a value is required, or when too long."""
    value = value.strip()
    if not required and is_invisible_only(value):
        return ""
    if required and is_invisible_only(value):
        if not value:
            raise ValidationError({field: empty or _("This field is required.")})
        raise ValidationError(
            {
                field: empty
                or _(
                    "This text is made only of invisible characters; "
                    "write something a reader can see."
                )
            }
        )
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(limit)d characters, please.") % {"limit": limit}}
        )
    return value


def clean_title(value: str, *, field: str, limit: int, required: bool = True) -> str:
    """``_clean_text`` for a name, title or demand, which may not hold bidirectional
    controls: they would let it display as another's."""
    return refuse_bidi_controls(
        clean_text(value, field=field, limit=limit, required=required), field=field
    )


def check_scope(role: str, organisation: Organisation | None, campaign: Campaign | None) -> None:
    """Raise ValidationError unless the role names exactly the scope it applies to."""
    if role in ORGANISATION_ROLES and (organisation is None or campaign is not None):
        raise ValidationError(_("This role belongs to one organisation."))
    if role in CAMPAIGN_ROLES and (campaign is None or organisation is not None):
        raise ValidationError(_("This role belongs to one campaign."))
    if role in ORGANISATION_IN_CAMPAIGN_ROLES:
        if organisation is None or campaign is None:
            raise ValidationError(_("A treasurer acts for one organisation in one campaign."))
        if not campaign.memberships.filter(organisation=organisation).exists():
            raise ValidationError(_("The organisation is not a member of that campaign."))
    if role in SITE_ROLES and (organisation is not None or campaign is not None):
        raise ValidationError(_("A site admin's role covers the whole site."))
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))

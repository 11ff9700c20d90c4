"""Reads of campaigns and organisations that pages need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from habeas.coalition.models import (
    TWO_FACTOR_ROLES,
    Campaign,
    CampaignMembership,
    Demand,
    Invitation,
    Organisation,
    RoleGrant,
)


def campaigns_public() -> QuerySet[Campaign]:
    """Campaigns the public may see: every one that is not a draft."""
    return Campaign.objects.exclude(status=Campaign.Status.DRAFT)


@dataclass(frozen=True)
class CampaignPage:
    """Everything a campaign's public page shows, fetched in a fixed number of queries."""

    campaign: Campaign
    memberships: list[CampaignMembership]
    common_demands: list[Demand]
    own_slogans: list[Demand]


def campaign_page(campaign: Campaign) -> CampaignPage:
    """Gather a public campaign's coalition and demands (three queries)."""
    memberships = list(
        campaign.memberships.select_related("organisation").order_by("organisation__name")
    )
    demands = list(campaign.demands.select_related("organisation").order_by("kind", "pk"))
    return CampaignPage(
        campaign=campaign,
        memberships=memberships,
        common_demands=[d for d in demands if d.kind == Demand.Kind.COMMON],
        own_slogans=[d for d in demands if d.kind == Demand.Kind.OWN],
    )


def campaign_public_by_slug(slug: str) -> Campaign | None:
    """The public campaign with this slug, or None (drafts count as absent)."""
    return campaigns_public().select_related("source").filter(slug=slug).first()


def campaign_featured() -> Campaign | None:
    """The campaign the home page leads with: the first active one, by title."""
    return (
        campaigns_public()
        .filter(status=Campaign.Status.ACTIVE)
        .select_related("source")
        .order_by("title")
        .first()
    )


def user_requires_two_factor(user: Any) -> bool:
    """True when the user holds any role above editor level (one query)."""
    if not user.is_authenticated:
        return False
    return RoleGrant.objects.active().filter(user=user, role__in=TWO_FACTOR_ROLES).exists()


def roles_of(user: Any) -> list[RoleGrant]:
    """A user's active roles, with their organisations and campaigns (one query)."""
    return list(
        RoleGrant.objects.active()
        .filter(user=user)
        .select_related("organisation", "campaign")
        .order_by("organisation__name", "campaign__title", "role")
    )


@dataclass(frozen=True)
class MembersPage:
    """An organisation's or campaign's people: who holds what, who was invited, what changed."""

    active: list[RoleGrant]
    revoked: list[RoleGrant]
    pending: list[Invitation]


def _members(grants: QuerySet[RoleGrant], invitations: QuerySet[Invitation]) -> MembersPage:
    rows = list(
        grants.select_related("user", "granted_by", "revoked_by", "campaign", "organisation")
    )
    now = timezone.now()
    return MembersPage(
        active=[g for g in rows if g.revoked_at is None],
        revoked=sorted(
            (g for g in rows if g.revoked_at is not None),
            key=lambda g: g.revoked_at or now,
            reverse=True,
        ),
        pending=list(
            invitations.filter(
                accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now
            ).select_related("invited_by", "campaign")
        ),
    )


def organisation_members(organisation: Organisation) -> MembersPage:
    """Every grant in an organisation (treasurers included) and its open invitations."""
    return _members(
        RoleGrant.objects.filter(organisation=organisation),
        Invitation.objects.filter(organisation=organisation),
    )


def campaign_members(campaign: Campaign) -> MembersPage:
    """Every campaign-wide grant (coordinators, moderators, documenters, case team)."""
    return _members(
        RoleGrant.objects.filter(campaign=campaign, organisation__isnull=True),
        Invitation.objects.filter(campaign=campaign, organisation__isnull=True),
    )


def campaigns_of(organisation: Organisation) -> QuerySet[Campaign]:
    """The campaigns an organisation is a member of."""
    return Campaign.objects.filter(memberships__organisation=organisation).order_by("title")

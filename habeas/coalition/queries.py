"""Reads of campaigns and organisations that pages need."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from habeas.coalition.models import Campaign, CampaignMembership, Demand


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

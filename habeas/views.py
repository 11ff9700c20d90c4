"""Pages that draw on several apps at once: the home and campaign pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from habeas.actions.queries import actions_of
from habeas.cases.queries import persons_defended_by
from habeas.coalition.models import Campaign
from habeas.coalition.queries import (
    campaign_featured,
    campaign_page,
    campaign_public_by_slug,
    campaigns_public,
)


def _campaign_context(campaign: Campaign) -> dict[str, object]:
    return {
        "page": campaign_page(campaign),
        "persons": persons_defended_by(campaign),
        "actions": actions_of(campaign),
    }


def home(request: HttpRequest) -> HttpResponse:
    """The featured campaign in full, and the other public campaigns by name."""
    featured = campaign_featured()
    context: dict[str, object] = {
        "featured": featured,
        "others": list(campaigns_public().exclude(pk=featured.pk)) if featured else [],
    }
    if featured:
        context.update(_campaign_context(featured))
    return render(request, "home.html", context)


def campaign(request: HttpRequest, slug: str) -> HttpResponse:
    """One public campaign's page; a draft or unknown slug answers 404."""
    found = campaign_public_by_slug(slug)
    if found is None:
        raise Http404
    return render(request, "campaign.html", {"featured": found, **_campaign_context(found)})

"""Template tags that let other apps' pages point to the open-letter pages."""

from __future__ import annotations

from typing import Any

from django import template

from habeas.coalition.models import Campaign
from habeas.coalition.rules import is_campaign_coordinator
from habeas.letters.queries.organisers import (
    letters_of_campaign_published,
    letters_with_pending_requests,
)

register = template.Library()


@register.inclusion_tag("letters/_pending_requests.html")
def pending_endorsement_requests(campaign: Campaign) -> dict[str, Any]:
    """For a campaign's coordinators: its letters with requests to endorse waiting."""
    return {"letters": letters_with_pending_requests(campaign)}


@register.inclusion_tag("letters/_campaign_letters_work.html")
def campaign_letters_work(campaign: Campaign, user: Any, heading: bool = False) -> dict[str, Any]:
    """For a campaign's staff: its published letters, with the work ``user`` may do on
    them as staff of the campaign (moderate signatures; the delivery pack, for its
    coordinators); nothing if none. Authors' editors reach theirs from /letters/mine/.

    Both rights depend on the campaign alone, so they are asked once, not per letter.
    """
    letters = letters_of_campaign_published(campaign)
    first = next(iter(letters), None)
    moderates = first is not None and user.has_perm("letters.moderate_signatures", first)
    packs = first is not None and bool(is_campaign_coordinator(user, campaign))
    return {
        "letters": letters,
        "moderates": moderates,
        "packs": packs,
        "heading": heading,
    }

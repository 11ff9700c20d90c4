"""Reads of solidarity actions that pages need, with visibility applied (modules by area)."""

from __future__ import annotations

from django.db.models import F

from habeas.actions.models import Action
from habeas.coalition.models import Campaign
from habeas.core.lists import CAP, Capped, capped


def actions_of(campaign: Campaign, limit: int = CAP) -> Capped[Action]:
    """A campaign's latest actions, the most recent date first, then undated by city:
    at most ``limit``, and how many there are (at most two queries)."""
    return capped(
        Action.objects.filter(campaign=campaign).order_by(
            F("starts_at").desc(nulls_last=True), "city", "title", "pk"
        ),
        limit,
    )

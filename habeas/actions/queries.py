"""Reads of solidarity actions that pages need."""

from __future__ import annotations

from habeas.actions.models import Action
from habeas.coalition.models import Campaign


def actions_of(campaign: Campaign) -> list[Action]:
    """A campaign's actions, dated ones first by date, then undated by city."""
    return list(Action.objects.filter(campaign=campaign).order_by("held_on", "city", "title"))

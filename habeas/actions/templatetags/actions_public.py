"""Filters for showing an action on public pages: its title in the reader's language,
its time as its place keeps it."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from habeas.actions.calendar import ZonedTime, in_zone
from habeas.actions.models import Action

register = template.Library()


@register.filter
def place_time(action: Action) -> ZonedTime | None:
    """The action's time in its place's zone; None when its date is not known."""
    return in_zone(action)


@register.filter
def action_title(action: Action) -> str:
    """The action's title in Urdu on Urdu pages when it has one, else its title."""
    if (get_language() or "en") == "ur" and action.title_ur:
        return action.title_ur
    return action.title


@register.filter
def title_language(action: Action) -> str:
    """The language ``action_title`` is in."""
    return "ur" if (get_language() or "en") == "ur" and action.title_ur else "en"

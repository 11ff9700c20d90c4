"""Template tags that let other apps' pages point to the open-letter pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from habeas.coalition.models import Campaign
from habeas.letters.models import Letter
from habeas.letters.queries.organisers import letters_with_pending_requests

register = template.Library()


@register.simple_tag
def public_letter_url(letter: Letter) -> str:
    """The letter's public page, or "" where this site has none (yet)."""
    try:
        return reverse("letters:letter", kwargs={"slug": letter.slug})
    except NoReverseMatch:
        return ""


@register.inclusion_tag("letters/_pending_requests.html")
def pending_endorsement_requests(campaign: Campaign) -> dict[str, Any]:
    """For a campaign's coordinators: its letters with requests to endorse waiting."""
    return {"letters": letters_with_pending_requests(campaign)}

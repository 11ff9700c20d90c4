"""Reads of the register that pages need."""

from __future__ import annotations

from django.db.models import Prefetch

from habeas.cases.models import Affiliation, Person
from habeas.coalition.models import Campaign


def persons_defended_by(campaign: Campaign) -> list[Person]:
    """The persons a campaign defends, with their affiliations (two queries)."""
    return list(
        campaign.persons.prefetch_related(
            Prefetch(
                "affiliations",
                queryset=Affiliation.objects.select_related("organisation"),
            )
        ).order_by("name")
    )

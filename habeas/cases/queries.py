"""Reads of the register that pages need."""

from __future__ import annotations

from django.db.models import Prefetch

from habeas.cases.models import Affiliation, Person
from habeas.coalition.models import Campaign, Organisation


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


def persons_affiliated_with(organisation: Organisation) -> list[Person]:
    """Persons the register ties to an organisation (one query)."""
    return list(Person.objects.filter(affiliations__organisation=organisation).order_by("name"))

"""Every write to the register."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from habeas.cases.models import Person
from habeas.coalition.models import Campaign


@transaction.atomic
def campaign_persons_set(*, by: Any, campaign: Campaign, persons: Iterable[Person]) -> None:
    """Set the persons a campaign defends.

    Raises PermissionDenied unless ``by`` coordinates the campaign.
    """
    if not by.has_perm("coalition.coordinate_campaign", campaign):
        raise PermissionDenied
    campaign.persons.set(list(persons))

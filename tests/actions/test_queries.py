"""Reads of solidarity actions."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from habeas.actions.models import Action
from habeas.actions.queries import actions_of
from habeas.core.models import Source
from tests.factories import CampaignFactory


@pytest.mark.django_db
def test_undated_actions_sort_after_dated_ones() -> None:
    """A campaign's actions run from the latest date back; those of unknown date
    come last, by city, on SQLite and PostgreSQL alike."""
    campaign = CampaignFactory()
    source = Source.objects.create(title="Reports")
    for title, city, held_on in (
        ("Vigil", "Toronto", None),
        ("Rally", "London", datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC)),
        ("March", "Berlin", None),
        ("Picket", "New York", datetime.datetime(2025, 6, 14, 12, tzinfo=datetime.UTC)),
        ("Meeting", "Lahore", datetime.datetime(2024, 12, 31, 12, tzinfo=datetime.UTC)),
    ):
        Action.objects.create(
            campaign=campaign,
            title=title,
            city=city,
            starts_at=held_on,
            time_zone="UTC" if held_on else "",
            source=source,
        )
    order = ["New York", "London", "Lahore", "Berlin", "Toronto"]
    assert [action.city for action in actions_of(campaign)] == order
    html = Client().get(campaign.get_absolute_url()).content.decode()
    assert sorted(order, key=html.index) == order

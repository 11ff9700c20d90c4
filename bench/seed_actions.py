"""Seed the actions the actions benchmark loads: 500 past actions in 200 cities.

Run in its own process with the environment Habeas is served with (the same
HABEAS_VAR_DIR or DATABASE_URL), after `habeas demo`::

    python -m bench.seed_actions

Adds to the demo campaign 500 past actions spread over 200 cities of 40
countries (each with coordinates, organised by the demo's members), one
planned action a week ahead in London, and Urdu words for the campaign's
first common demand, so an Urdu placard exists. Prints one JSON object: what
it created and the paths the benchmark loads.

Importing this module loads no Django: the benchmark imports the constants.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from typing import Any

CAMPAIGN_SLUG = "free-political-prisoners-pakistan"
ACTIONS = 500
CITIES = 200
PLANNED_TITLE = "Benchmark vigil outside the High Commission"
URDU_DEMAND = "تمام سیاسی قیدیوں کو رہا کرو"


def seed() -> dict[str, Any]:
    """Create the actions in one transaction; the paths to load."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from habeas.actions.models import Action
    from habeas.actions.queries.placards import campaign_placards
    from habeas.coalition.models import Campaign, Demand
    from habeas.core.countries import country_choices
    from habeas.core.pagecache import public_changed

    campaign = Campaign.objects.get(slug=CAMPAIGN_SLUG)
    organisers = list(campaign.memberships.values_list("organisation", flat=True)[:2])
    countries = [code for code, _name in country_choices()][:40]
    with transaction.atomic():
        made = Action.objects.bulk_create(
            Action(
                campaign=campaign,
                title=f"Benchmark protest {index}",
                city=f"Benchmark city {index % CITIES}",
                country=countries[index % CITIES % len(countries)],
                status=Action.Status.HAPPENED,
                latitude=Decimal(index % CITIES % 150 - 60),
                longitude=Decimal(index % CITIES * 1.7 - 170).quantize(Decimal("0.1")),
            )
            for index in range(ACTIONS)
        )
        through = Action.organisations.through
        through.objects.bulk_create(
            through(action_id=action.pk, organisation_id=organisation)
            for action in made
            for organisation in organisers
        )
        starts = timezone.now() + datetime.timedelta(days=7)
        planned = Action.objects.create(
            campaign=campaign,
            title=PLANNED_TITLE,
            city="London",
            country="GB",
            venue="Outside the High Commission",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            time_zone="Europe/London",
            description="Bring placards.",
        )
        planned.organisations.set(organisers)
        placards = campaign_placards(campaign)
        common = placards.common[0] if placards.common else None
        if common is not None:
            Demand.objects.filter(pk=common.demand.pk).update(text_ur=URDU_DEMAND)
    public_changed()
    slug = CAMPAIGN_SLUG
    paths = {
        "action_list": "/actions/?when=past",
        "action_map": "/actions/map/",
        "action_page": f"/actions/{planned.pk}/",
    }
    if common is not None:
        paths["placard_a4_en"] = f"/actions/placards/{slug}/{common.demand.pk}-a4-portrait-en.pdf"
        paths["placard_a3_ur"] = f"/actions/placards/{slug}/{common.demand.pk}-a3-landscape-ur.pdf"
    return {"actions": ACTIONS + 1, "cities": CITIES, "paths": paths}


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
    import django

    django.setup()
    print(json.dumps(seed()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

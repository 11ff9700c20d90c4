"""Seed the campaign the united-front benchmark loads: 50 members, 200 demands.

Run in its own process with the environment Habeas is served with (the
same HABEAS_VAR_DIR or DATABASE_URL)::

    python -m bench.seed_united_front

It replaces any earlier copy of the campaign and its organisations, creates
them afresh with bulk inserts in one transaction, checks the result with the
application's own ``united_front`` query, and prints one JSON object: what
was created and how long the inserts took.

The data is consistent as the services would leave it: every demand has its
DemandVersion 1, every position is the current one (version 1) of its
(demand, organisation) pair, every statement has its StatementVersion 1.
Every member takes a position on every demand: 20 demands are endorsed by
all 50 (common demands), 20 only by their proposer (own slogans), and the
other 160 by their proposer and by each other member with probability 0.7
(0.2 no position, 0.1 disagrees, with a reason), drawn from a fixed seed.

Importing this module loads no Django: the benchmark imports the constants.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
import time
from typing import Any

SLUG = "bench-united-front"
TITLE = "United front benchmark: fifty organisations, two hundred demands"
ORGANISATION_SLUG_PREFIX = "bench-uf-"
ORGANISATIONS = 50
DEMANDS = 200
# Demand d is common when d % 10 == 0 and an own slogan when d % 10 == 5.
COMMON_EVERY = 10
OWN_OFFSET = 5
RANDOM_SEED = 20_261_126
STANCE_WEIGHTS = (0.7, 0.2, 0.1)  # endorses, no position, disagrees

KINDS = ["PARTY", "UNION", "CAMPAIGN_GROUP", "NGO", "STUDENT_GROUP", "OTHER"]
COUNTRIES = ["PK", "GB", "DE", "FR", "US", "IN", "NL", "SE"]
PLACES = [
    "Lahore",
    "Karachi",
    "Quetta",
    "Peshawar",
    "Islamabad",
    "Hyderabad",
    "Multan",
    "Gilgit",
]
ACTIONS = [
    "Release everyone detained for",
    "Drop every charge brought over",
    "Publish the names of all held after",
    "Open an independent inquiry into",
    "Grant lawyers and families access to those arrested at",
]
EVENTS = [
    "the {place} sit-in",
    "the {place} student march",
    "the strike at the {place} mills",
    "the {place} press conference",
    "the {place} funeral procession",
]
REASONS = [
    "We support the prisoners but cannot sign this wording: it names the wrong authority.",
    "Our members have not discussed this demand yet and its scope is too broad for us.",
    "We disagree with asking the courts: the demand should be addressed to the government.",
    "This would commit us to a position our congress rejected last year.",
]


def organisation_name(index: int) -> str:
    """The name of member ``index`` (1-based), as the page shows it."""
    return f"Bench Organisation {index:02d}"


def demand_text(index: int) -> str:
    """The text of demand ``index`` (0-based); every text is distinct."""
    place = PLACES[index % len(PLACES)]
    action = ACTIONS[index % len(ACTIONS)]
    event = EVENTS[(index // len(ACTIONS)) % len(EVENTS)].format(place=place)
    return f"{action} {event} (demand {index + 1})"


def demand_kind(index: int) -> str:
    """``common``, ``own`` or ``mixed``: how the members stand on demand ``index``."""
    if index % COMMON_EVERY == 0:
        return "common"
    if index % COMMON_EVERY == OWN_OFFSET:
        return "own"
    return "mixed"


def statement_body(index: int) -> str:
    """A few paragraphs of Markdown, as an organisation's statement."""
    name = organisation_name(index)
    place = PLACES[index % len(PLACES)]
    return (
        f"### Why {name} joined\n\n"
        f"{name} has defended political prisoners in **{place}** for years. We join this "
        "campaign because the arrests of the past months are *not* isolated cases: they "
        "follow one pattern, and only a united answer can stop it.\n\n"
        "We endorse the common demands of the coalition. Our own slogans are ours alone, "
        "and we do not ask any other member to carry them.\n\n"
        "What we will do:\n\n"
        "- hold a public meeting every month until the last prisoner is free;\n"
        "- publish every court date we learn of, with the names of the lawyers;\n"
        "- raise funds for the families of those detained.\n\n"
        "> Solidarity is not a slogan; it is a habit.\n\n"
        f"Read more on [our website](https://example.org/{ORGANISATION_SLUG_PREFIX}{index:02d}) "
        "or write to us: we answer every letter.\n"
    )


def stances(rng: random.Random, kind: str, proposer: int) -> list[str]:
    """The stance of each member (0-based column) on one demand."""
    endorses, no_position, disagrees = "ENDORSES", "NO_POSITION", "DISAGREES"
    row = []
    for column in range(ORGANISATIONS):
        if kind == "common" or column == proposer:
            row.append(endorses)
        elif kind == "own":
            row.append(no_position if rng.random() < 2 / 3 else disagrees)
        else:
            row.append(rng.choices([endorses, no_position, disagrees], weights=STANCE_WEIGHTS)[0])
    return row


def remove_earlier() -> None:
    """Delete an earlier copy of the campaign and its organisations, if any."""
    from habeas.coalition.models import Campaign, Organisation

    Campaign.objects.filter(slug=SLUG).delete()
    Organisation.objects.filter(slug__startswith=ORGANISATION_SLUG_PREFIX).delete()


def seed() -> dict[str, Any]:
    """Create the campaign and everything on it; the counts created."""
    from django.utils import timezone

    from habeas.coalition.models import (
        Campaign,
        CampaignMembership,
        Demand,
        DemandVersion,
        Organisation,
        Position,
        Statement,
        StatementVersion,
    )
    from habeas.core.text import render_markdown

    rng = random.Random(RANDOM_SEED)
    start = timezone.now() - datetime.timedelta(days=60)
    campaign = Campaign.objects.create(
        title=TITLE,
        slug=SLUG,
        status=Campaign.Status.ACTIVE,
        summary="A coalition of fifty organisations, seeded for the united-front benchmark.",
        start_on=start.date(),
        created_at=start,
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=organisation_name(i),
            short_name=f"BO{i:02d}",
            slug=f"{ORGANISATION_SLUG_PREFIX}{i:02d}",
            kind=KINDS[i % len(KINDS)],
            country=COUNTRIES[i % len(COUNTRIES)],
            description=f"{organisation_name(i)}, seeded for the united-front benchmark.",
        )
        for i in range(1, ORGANISATIONS + 1)
    )
    CampaignMembership.objects.bulk_create(
        CampaignMembership(
            campaign=campaign,
            organisation=organisation,
            status=CampaignMembership.Status.ACTIVE,
            created_at=start + datetime.timedelta(hours=column),
            joined_at=start + datetime.timedelta(hours=column),
        )
        for column, organisation in enumerate(organisations)
    )
    demand_start = start + datetime.timedelta(days=3)
    demands = Demand.objects.bulk_create(
        Demand(
            campaign=campaign,
            proposed_by=organisations[d % ORGANISATIONS],
            text=demand_text(d),
            version=1,
            created_at=demand_start + datetime.timedelta(minutes=10 * d),
        )
        for d in range(DEMANDS)
    )
    if any(demand.pk is None for demand in demands):  # a backend that returns no ids
        demands = list(Demand.objects.filter(campaign=campaign).order_by("created_at", "pk"))
    DemandVersion.objects.bulk_create(
        DemandVersion(demand=demand, number=1, text=demand.text, created_at=demand.created_at)
        for demand in demands
    )
    positions = []
    kinds = {"common": 0, "own": 0, "mixed": 0}
    for d, demand in enumerate(demands):
        kind = demand_kind(d)
        kinds[kind] += 1
        for column, stance in enumerate(stances(rng, kind, d % ORGANISATIONS)):
            positions.append(
                Position(
                    demand=demand,
                    organisation=organisations[column],
                    stance=stance,
                    reason=REASONS[(d + column) % len(REASONS)] if stance == "DISAGREES" else "",
                    version=1,
                    is_current=True,
                    created_at=demand.created_at + datetime.timedelta(minutes=column + 1),
                )
            )
    Position.objects.bulk_create(positions, batch_size=2000)
    statement_start = demand_start + datetime.timedelta(days=3)
    statements = Statement.objects.bulk_create(
        Statement(
            campaign=campaign,
            organisation=organisation,
            title=f"{organisation.name} on the campaign",
            body=statement_body(i),
            # As the service writes it: the HTML rendered once, at write time.
            body_html=render_markdown(statement_body(i)),
            version=1,
            created_at=statement_start + datetime.timedelta(hours=i),
        )
        for i, organisation in enumerate(organisations, start=1)
    )
    if any(statement.pk is None for statement in statements):
        statements = list(Statement.objects.filter(campaign=campaign).order_by("pk"))
    StatementVersion.objects.bulk_create(
        StatementVersion(
            statement=statement,
            number=1,
            title=statement.title,
            body=statement.body,
            created_at=statement.created_at,
        )
        for statement in statements
    )
    counted: dict[str, int] = {}
    for position in positions:
        counted[position.stance] = counted.get(position.stance, 0) + 1
    return {
        "organisations": len(organisations),
        "demands": len(demands),
        "positions": len(positions),
        "statements": len(statements),
        "demand_kinds": kinds,
        "stances": dict(sorted(counted.items())),
    }


def verify() -> dict[str, int]:
    """The page's own reading of the seeded campaign; SystemExit if it is not as seeded."""
    from habeas.coalition.models import Campaign
    from habeas.coalition.queries import DemandStatus, united_front

    front = united_front(Campaign.objects.get(slug=SLUG))
    statuses = {DemandStatus.COMMON: 0, DemandStatus.OWN: 0, DemandStatus.PROPOSED: 0}
    for row in front.rows:
        statuses[row.status] += 1
    filled = sum(1 for row in front.rows for cell in row.cells if cell is not None)
    found = {
        "members": len(front.members),
        "rows": len(front.rows),
        "filled_cells": filled,
        "common": statuses[DemandStatus.COMMON],
        "own": statuses[DemandStatus.OWN],
        "proposed": statuses[DemandStatus.PROPOSED],
        "statement_blocks": sum(1 for block in front.blocks if block.statements),
    }
    # The 160 mixed demands each need 49 endorsements at p=0.7 to become
    # common: with this seed none does, and the check below would say so.
    expected = {
        "members": ORGANISATIONS,
        "rows": DEMANDS,
        "filled_cells": ORGANISATIONS * DEMANDS,
        "common": DEMANDS // COMMON_EVERY,
        "own": DEMANDS // COMMON_EVERY,
        "proposed": DEMANDS - 2 * (DEMANDS // COMMON_EVERY),
        "statement_blocks": ORGANISATIONS,
    }
    if found != expected:
        raise SystemExit(f"the seeded campaign reads as {found}, not {expected}")
    return found


def main() -> int:
    """Seed in one transaction, verify, and print the figures as one JSON line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic():
        remove_earlier()
    removed_s = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        created = seed()
    seed_s = time.perf_counter() - started
    verified = verify()
    print(
        json.dumps(
            {
                "slug": SLUG,
                "vendor": connection.vendor,
                **created,
                "verified": verified,
                "remove_earlier_s": round(removed_s, 3),
                "seed_s": round(seed_s, 3),
            },
            sort_keys=True,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

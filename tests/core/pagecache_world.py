"""A campaign with something on every public page, made through the services, for the
page cache's invalidation tests; and helpers that visit a page as a visitor."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from habeas.cases import services as cases
from habeas.cases.models import Person, Status
from habeas.coalition import services as coalition
from habeas.coalition.models import Campaign, Correspondence, Demand, Organisation, Role
from habeas.core import pagecache
from habeas.core.models import Source
from habeas.letters.models import Letter, Signature
from habeas.letters.services import letters as letter_services
from habeas.letters.services import signing
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, member

# The table of the ``pages`` cache: the only one a page served from the cache reads.
PAGES_TABLE = "habeas_pages"

LETTER_TEXT = ("For the prisoners of Gilgit", "The Government of Pakistan", "Free them *now*.")


@dataclass
class World:
    """One active campaign with two member organisations (``c`` stands outside it), a
    public person, a published letter, a letter of correspondence, and a user in
    every role."""

    campaign: Campaign
    a: Organisation
    b: Organisation
    c: Organisation
    source: Source
    demand: Demand
    person: Person
    letter: Letter
    correspondence: Correspondence
    users: dict[str, Any] = field(default_factory=dict)

    def person_add(self, name: str, **fields: Any) -> Person:
        """A working record with one arrest, not yet verified (so not public)."""
        person = cases.person_save(
            by=self.users["doc1"],
            source=self.source,
            campaign=self.campaign,
            name=name,
            **fields,
        )
        cases.detention_add(
            by=self.users["doc1"],
            person=person,
            source=self.source,
            arrested_on=datetime.date(2025, 5, 12),
            arrested_precision="DAY",
            status=Status.AWAITING_TRIAL,
            place="Gilgit",
        )
        return person

    def signature_submit(self, name: str, *, letter: Letter | None = None) -> Signature:
        """A signature through the signing service, waiting for confirmation."""
        signature, _created = signing.signature_submit(
            letter=letter or self.letter,
            facts=signing.SignatureFacts(
                name=name,
                email=f"{name.split()[0].lower()}@example.org",
                country="GB",
                show_name=True,
            ),
            ip_hash="fd00::1",
            started_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        return signature


def make_world() -> World:
    campaign = CampaignFactory(title="Free them all", slug="free-them-all")
    a = OrganisationFactory(name="Workers Union", kind=Organisation.Kind.UNION, country="GB")
    b = OrganisationFactory(name="Students Front", kind=Organisation.Kind.STUDENT_GROUP)
    c = OrganisationFactory(name="Faraway Party", country="DE")
    member(campaign, a)
    member(campaign, b)
    users = {
        name: UserFactory(username=name)
        for name in (
            "editor_a",
            "admin_a",
            "editor_b",
            "admin_b",
            "admin_c",
            "coordinator",
            "doc1",
            "doc2",
            "case_team",
            "site_admin",
            "stranger",
        )
    }
    grant(users["editor_a"], Role.ORG_EDITOR, organisation=a)
    grant(users["admin_a"], Role.ORG_ADMIN, organisation=a)
    grant(users["editor_b"], Role.ORG_EDITOR, organisation=b)
    grant(users["admin_b"], Role.ORG_ADMIN, organisation=b)
    grant(users["admin_c"], Role.ORG_ADMIN, organisation=c)
    grant(users["coordinator"], Role.COORDINATOR, campaign=campaign)
    grant(users["doc1"], Role.DOCUMENTER, campaign=campaign)
    grant(users["doc2"], Role.DOCUMENTER, campaign=campaign)
    grant(users["case_team"], Role.CASE_TEAM, campaign=campaign)
    grant(users["site_admin"], Role.SITE_ADMIN)
    source = Source.objects.create(title="Court record 12", publisher="High Court")
    demand = coalition.demand_propose(
        by=users["editor_a"], campaign=campaign, organisation=a, text="Release every prisoner"
    )
    letter = letter_services.letter_create(
        by=users["editor_a"], campaign=campaign, authors=[a], texts={"en": LETTER_TEXT}
    )
    letter = letter_services.letter_publish(by=users["editor_a"], letter=letter)
    correspondence = coalition.correspondence_publish(
        by=users["editor_a"],
        organisation=a,
        to_organisation=b,
        subject="On the united front",
        body="Comrades, we write to you in public.",
    )
    world = World(
        campaign=campaign,
        a=a,
        b=b,
        c=c,
        source=source,
        demand=demand,
        person=Person(),
        letter=letter,
        correspondence=correspondence,
        users=users,
    )
    person = world.person_add("Salaar Fayyaz")
    cases.person_verify(by=users["doc2"], person=person)
    world.person = Person.objects.get(pk=person.pk)
    return world


def visit(path: str) -> str:
    """Visit ``path`` twice as a visitor: the first visit renders (200) and the second is
    the same page served from the cache, reading no table but the cache's. The page."""
    # Late fields (the sign form's served-at stamp) are filled as each copy is
    # sent, so two visits a second apart differ there: hold them still while
    # the two copies are compared (test_pagecache tests the fields themselves).
    held = {name: (lambda name=name: f"late-{name}") for name in pagecache._LATE}
    with mock.patch.dict(pagecache._LATE, held):
        first = Client().get(path)
        assert first.status_code == 200, path
        with CaptureQueriesContext(connection) as queries:
            second = Client().get(path)
    assert second.status_code == 200, path
    assert second.content == first.content, path
    assert second["ETag"] == first["ETag"], path
    assert queries.captured_queries, path
    others = [q["sql"] for q in queries.captured_queries if PAGES_TABLE not in q["sql"]]
    assert others == [], path
    return second.content.decode()


def generations() -> dict[str, str]:
    """The current generation of each scope."""
    tokens, _found = pagecache.generations([pagecache.SITE, pagecache.COUNTS])
    return tokens

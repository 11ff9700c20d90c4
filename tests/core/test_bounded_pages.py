"""No page lists an unbounded set: public pages cap their lists, organiser pages page them."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from habeas.actions.models import Action
from habeas.cases.models import Certainty, Person, PublicRecord, PublicVersion
from habeas.coalition.models import CampaignMembership, Invitation, Role, RoleGrant
from habeas.core.bulk import analyse, insert_rows, keys_by
from habeas.core.models import Source
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in
from tests.pages import forget_pages, page_queries

pytestmark = pytest.mark.django_db

MANY = 100_000
KB = 1024


def _defend(campaign: Any, organisation: Any, source: Source, first: int, last: int) -> None:
    """Verified persons ``first`` to ``last - 1``, defended by ``campaign``, members of
    ``organisation``: inserted as publication would leave them (a record and its version),
    with the import's bulk writer, the ORM being too slow for 100,000."""
    start = timezone.now() - datetime.timedelta(days=1)
    numbers = range(first, last)
    names = [f"Prisoner {n:06d}" for n in numbers]
    slugs = [f"prisoner-{n:06d}" for n in numbers]
    when = [start + datetime.timedelta(seconds=n) for n in numbers]
    with transaction.atomic():
        insert_rows(
            Person,
            [
                "name",
                "slug",
                "source",
                "gender",
                "certainty",
                "updated_at",
                "photo",
                "photo_consent",
                "name_ur",
                "aliases",
                "home_region",
                "occupation",
                "summary",
            ],
            [
                (
                    name,
                    slug,
                    source.pk,
                    "UNKNOWN",
                    "VERIFIED",
                    at,
                    "",
                    False,
                    "",
                    "",
                    "",
                    "",
                    "",
                )
                for name, slug, at in zip(names, slugs, when, strict=True)
            ],
        )
        by_slug = keys_by(Person, "slug", slugs)
        keys = [by_slug[slug] for slug in slugs]
        insert_rows(
            PublicRecord,
            [
                "person",
                "slug",
                "name",
                "name_ur",
                "home_region",
                "status",
                "arrested_precision",
                "released_precision",
                "version",
                "certainty",
                "verified_at",
                "verified_by_name",
            ],
            [
                (k, slug, name, "", "", "", "UNKNOWN", "UNKNOWN", 1, Certainty.VERIFIED, at, "doc")
                for k, name, slug, at in zip(keys, names, slugs, when, strict=True)
            ],
        )
        insert_rows(
            PublicVersion,
            ["person", "number", "data", "verified_at"],
            [
                (k, 1, {"summary": f"Arrested at a sit-in; {name}.", "affiliations": []}, at)
                for k, name, at in zip(keys, names, when, strict=True)
            ],
        )
        insert_rows(
            Person.campaigns.through,
            ["person", "campaign"],
            [(k, campaign.pk) for k in keys],
        )
        insert_rows(
            PublicRecord.organisations.through,
            ["publicrecord", "organisation"],
            [(k, organisation.pk) for k in keys],
        )
    # As the import does after its first batch: PostgreSQL's planner, still
    # seeing the tables nearly empty, would join 100,000 rows by nested scans
    # (a count took minutes); a register that has grown has its statistics.
    analyse(
        [
            Person,
            PublicRecord,
            PublicVersion,
            Person.campaigns.through,
            PublicRecord.organisations.through,
        ]
    )


def _get(path: str) -> tuple[int, str]:
    """The number of queries a page takes, and its HTML (asserting a 200)."""
    client = Client()
    forget_pages()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(page_queries(queries.captured_queries)), response.content.decode()


def test_home_campaign_and_organisation_pages_stay_small_with_100000_persons() -> None:
    """With 100,000 defended persons, the home, campaign and organisation pages are under
    100 KB, show the most recently verified, link to the register filtered to them, and
    take no more queries than with 30."""
    campaign = CampaignFactory(slug="free-them", title="Free them")
    organisation = OrganisationFactory(slug="left-front", name="Left Front")
    CampaignMembership.objects.create(campaign=campaign, organisation=organisation)
    source = Source.objects.create(title="Court record")
    _defend(campaign, organisation, source, 0, 30)
    pages = ["/", "/campaigns/free-them/", "/organisations/left-front/"]
    few = {path: _get(path)[0] for path in pages}

    _defend(campaign, organisation, source, 30, MANY)
    assert PublicRecord.objects.filter(person__campaigns=campaign).count() == MANY
    for path in pages:
        count, html = _get(path)
        assert count == few[path], path
        assert len(html.encode()) < 100 * KB, path
    _count, campaign_page = _get("/campaigns/free-them/")
    # The latest verified first; the oldest only in the register.
    assert "Prisoner 099999" in campaign_page
    assert "Prisoner 000000" not in campaign_page
    assert "/register/?campaign=free-them" in campaign_page
    assert "of 100,000 persons" in campaign_page or "of 100000 persons" in campaign_page
    _count, organisation_page = _get("/organisations/left-front/")
    assert "/register/?organisation=left-front" in organisation_page
    register = Client().get("/register/?campaign=free-them")
    assert register.status_code == 200
    assert len(register.content) < 100 * KB


def test_campaign_page_caps_its_actions() -> None:
    """A campaign page shows its 24 nearest upcoming actions and its 6 latest past ones,
    and says how many there are of each."""
    campaign = CampaignFactory(slug="free-them")
    source = Source.objects.create(title="Report")
    now = timezone.now()

    def actions(word: str, first: datetime.datetime, step: datetime.timedelta) -> None:
        Action.objects.bulk_create(
            Action(
                campaign=campaign,
                title=f"{word} {n:03d}",
                city="Berlin",
                starts_at=first + step * n,
                time_zone="Europe/Berlin",
                uid=uuid.uuid4(),
                source=source,
            )
            for n in range(300)
        )

    actions(
        "Vigil", datetime.datetime(2025, 1, 1, 12, tzinfo=datetime.UTC), datetime.timedelta(days=1)
    )
    actions("Rally", now + datetime.timedelta(days=1), datetime.timedelta(days=1))
    html = Client().get("/campaigns/free-them/").content.decode()
    assert html.count("Rally ") == 24
    assert "Rally 000" in html
    assert "Rally 024" not in html
    assert "The 24 nearest of 300 upcoming actions." in html
    assert html.count("Vigil ") == 6
    assert "Vigil 299" in html
    assert "Vigil 293" not in html
    assert "The 6 latest of 300 past actions." in html
    assert html.index("Rally 000") < html.index("Vigil 299")


def test_home_pages_the_other_campaigns() -> None:
    """The home page lists the other campaigns a page at a time."""
    CampaignFactory(slug="aaa-featured", title="AAA featured")
    for n in range(120):
        CampaignFactory(slug=f"other-{n:03d}", title=f"Other {n:03d}")
    first = Client().get("/").content.decode()
    assert first.count('href="/campaigns/other-') == 50
    assert "Other 000" in first
    assert "?campaigns=2" in first
    third = Client().get("/?campaigns=3").content.decode()
    assert third.count('href="/campaigns/other-') == 20
    assert "Other 119" in third


def test_organisation_page_caps_statements_demands_and_letters_lists() -> None:
    """An organisation page shows at most 24 of each list, and how many there are."""
    from habeas.coalition.models import Demand, Statement

    campaign = CampaignFactory(slug="free-them")
    organisation = OrganisationFactory(slug="left-front")
    CampaignMembership.objects.create(campaign=campaign, organisation=organisation)
    Statement.objects.bulk_create(
        Statement(campaign=campaign, organisation=organisation, title=f"Statement {n:03d}")
        for n in range(60)
    )
    Demand.objects.bulk_create(
        Demand(campaign=campaign, proposed_by=organisation, text=f"Demand {n:03d}")
        for n in range(60)
    )
    html = Client().get("/organisations/left-front/").content.decode()
    assert html.count("Statement 0") == 24
    assert html.count("Demand 0") == 24
    assert html.count("The first 24 of 60.") == 2


def test_organiser_pages_page_roles_invitations_and_requests() -> None:
    """The coordinate and members pages show 50 rows of each list a page, never all."""
    campaign = CampaignFactory(slug="free-them")
    organisation = OrganisationFactory(slug="left-front")
    coordinator = UserFactory(username="coord")
    grant(coordinator, Role.COORDINATOR, campaign=campaign)
    grant(coordinator, Role.ORG_ADMIN, organisation=organisation)
    people = UserFactory._meta.model.objects.bulk_create(
        UserFactory._meta.model(username=f"documenter{n:03d}") for n in range(120)
    )
    RoleGrant.objects.bulk_create(
        RoleGrant(user=u, role=Role.DOCUMENTER, campaign=campaign) for u in people
    )
    RoleGrant.objects.bulk_create(
        RoleGrant(user=u, role=Role.ORG_EDITOR, organisation=organisation) for u in people
    )
    later = timezone.now() + datetime.timedelta(days=7)
    Invitation.objects.bulk_create(
        Invitation(
            email=f"invitee{n:03d}@example.org",
            role=Role.ORG_EDITOR,
            organisation=organisation,
            token_sha256=f"{n:064d}",
            invited_by=coordinator,
            expires_at=later,
        )
        for n in range(120)
    )
    asking = OrganisationFactory._meta.model.objects.bulk_create(
        OrganisationFactory._meta.model(name=f"Asking {n:03d}", slug=f"asking-{n:03d}")
        for n in range(70)
    )
    CampaignMembership.objects.bulk_create(
        CampaignMembership(campaign=campaign, organisation=o, status="REQUESTED") for o in asking
    )
    client = sign_in(Client(), coordinator)

    coordinate = client.get("/campaigns/free-them/coordinate/").content.decode()
    assert coordinate.count(">documenter") == 49  # after the coordinator's own role
    assert coordinate.count(">Asking 0") == 50
    assert "?requests=2" in coordinate
    assert "?roles=2" in coordinate
    second = client.get("/campaigns/free-them/coordinate/?requests=2").content.decode()
    assert second.count(">Asking 0") == 20

    members = client.get("/organisations/left-front/members/").content.decode()
    assert members.count("invitee") == 50
    assert "?invitations=2" in members
    last = client.get("/organisations/left-front/members/?invitations=3&roles=3").content.decode()
    assert last.count("invitee") == 20
    assert last.count(">documenter") == 21  # 121 roles: the coordinator's own, then 120

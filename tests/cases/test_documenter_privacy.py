"""Documenters stay private: the public learns when a record was verified and by
which campaign's documenters, never by whom; the campaign's members see who."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from habeas.cases import services
from habeas.cases.models import Person, PublicRecord, Status
from habeas.cases.services.publishing import _publish_many
from habeas.coalition import services as coalition_services
from habeas.coalition.models import Campaign, Role
from habeas.core.models import Source
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

VERIFIER = "canary-documenter-7f3"
EDITOR = "canary-editor-7f3"
VERIFIER_MAIL = "canary-verifier-7f3@example.org"
EDITOR_MAIL = "canary-editor-7f3@example.org"
CANARIES = (VERIFIER, EDITOR, VERIFIER_MAIL, EDITOR_MAIL)
TITLE = "Free the Gilgit Five"
TITLE_UR = "گلگت کے پانچ کو رہا کرو"


@dataclass
class World:
    campaign: Campaign
    person: Person
    users: dict[str, Any]

    def client(self, name: str) -> Client:
        return sign_in(Client(), self.users[name])


@pytest.fixture
def world(django_capture_on_commit_callbacks: Any) -> World:
    """A person of TITLE published twice: the editor changed it, the verifier verified."""
    campaign = CampaignFactory(slug="gilgit-five", title=TITLE, title_ur=TITLE_UR)
    other = CampaignFactory(slug="elsewhere")
    org = OrganisationFactory(slug="aac")
    users = {
        "editor": UserFactory(username=EDITOR, email=EDITOR_MAIL),
        "verifier": UserFactory(username=VERIFIER, email=VERIFIER_MAIL),
        "team": UserFactory(username="team"),
        "coordinator": UserFactory(username="coordinator"),
        "moderator": UserFactory(username="moderator"),
        "other_documenter": UserFactory(username="other-documenter"),
        "org_admin": UserFactory(username="org-admin"),
        "site_admin": UserFactory(username="site-admin"),
    }
    grant(users["editor"], Role.DOCUMENTER, campaign=campaign)
    grant(users["verifier"], Role.DOCUMENTER, campaign=campaign)
    grant(users["team"], Role.CASE_TEAM, campaign=campaign)
    grant(users["coordinator"], Role.COORDINATOR, campaign=campaign)
    grant(users["moderator"], Role.MODERATOR, campaign=campaign)
    grant(users["other_documenter"], Role.DOCUMENTER, campaign=other)
    grant(users["org_admin"], Role.ORG_ADMIN, organisation=org)
    grant(users["site_admin"], Role.SITE_ADMIN)
    source = Source.objects.create(title="Court record 12")
    with django_capture_on_commit_callbacks(execute=True):
        person = services.person_save(
            by=users["editor"], source=source, campaign=campaign, name="Baba Jan"
        )
        services.detention_add(
            by=users["editor"],
            person=person,
            source=source,
            arrested_on=None,
            arrested_precision="UNKNOWN",
            status=Status.AWAITING_TRIAL,
        )
        services.person_verify(by=users["verifier"], person=person)
        services.person_save(
            by=users["editor"], person=person, source=source, name="Baba Jan", occupation="Poet"
        )
        services.person_verify(by=users["verifier"], person=person)
    return World(campaign, person, users)


def _body(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


def _public_paths(world: World) -> list[str]:
    slug = world.person.slug
    pages = [
        "/",
        "/register/",
        "/register/?q=baba",
        f"/register/{slug}/",
        f"/register/{slug}/history/",
        "/register/statistics/",
        f"/campaigns/{world.campaign.slug}/",
        f"/campaigns/{world.campaign.slug}/history/",
        "/organisations/aac/",
    ]
    return [*pages, *(f"/ur{path}" for path in pages)]


def test_no_public_page_or_export_names_a_documenter(world: World) -> None:
    """Neither the verifier's nor the editor's username or address appears on any
    public page, in English or Urdu, nor in the exports; visitors are told the
    campaign's documenters verified the record. A member signed in reads the
    same public pages (the names are on the members' page alone)."""
    for client in (Client(), world.client("team")):
        for path in [*_public_paths(world), "/register/export.csv", "/register/export.json"]:
            response = client.get(path)
            assert response.status_code == 200, path
            body = _body(response)
            for canary in CANARIES:
                assert canary not in body, (path, canary)
    page = Client().get(f"/register/{world.person.slug}/").content.decode()
    assert f"by the documenters of {TITLE}." in page
    history = Client().get(f"/register/{world.person.slug}/history/").content.decode()
    assert history.count(f"by the documenters of {TITLE}.") == 2
    # In Urdu the campaign is named in Urdu script where it has an Urdu title.
    urdu = Client().get(f"/ur/register/{world.person.slug}/").content.decode()
    assert TITLE_UR in urdu
    assert 'dir="rtl"' in urdu


def test_public_pages_and_exports_never_read_the_user_table(world: World) -> None:
    """Not even a join: a name a page never reads, it cannot show."""
    slug = world.person.slug
    paths = [f"/register/{slug}/", f"/register/{slug}/history/", f"/ur/register/{slug}/"]
    paths += ["/register/export.csv", "/register/export.json"]
    for path in paths:
        with CaptureQueriesContext(connection) as done:
            _body(Client().get(path))
        users = [q["sql"] for q in done.captured_queries if "accounts_user" in q["sql"]]
        assert users == [], path


def test_the_public_table_keeps_no_verifier_name(world: World) -> None:
    """The username column has left the public table, in the model and the database."""
    assert "verified_by_name" not in {f.name for f in PublicRecord._meta.get_fields()}
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(
                cursor, PublicRecord._meta.db_table
            )
        }
    assert "verified_at" in columns
    assert "verified_by_name" not in columns
    row = PublicRecord.objects.filter(pk=world.person.pk).values().get()
    for canary in CANARIES:
        assert canary not in json.dumps(row, default=str)


def test_the_exports_say_which_campaigns_documenters_verified(world: World) -> None:
    csv_body = _body(Client().get("/register/export.csv"))
    [row] = list(csv.DictReader(io.StringIO(csv_body)))
    assert row["verified_by"] == f"the documenters of {TITLE}"
    assert row["verified_at"].startswith("20")
    document = json.loads(_body(Client().get("/register/export.json")))
    [person] = document["persons"]
    assert person["verified_by"] == f"the documenters of {TITLE}"
    assert person["verified_at"] == row["verified_at"]


def test_a_draft_or_missing_campaign_is_not_named(world: World) -> None:
    """A draft campaign is nobody's business outside it: the public reads only
    "by documenters", as for a person no campaign owns."""
    Campaign.objects.filter(pk=world.campaign.pk).update(status=Campaign.Status.DRAFT)
    slug = world.person.slug
    page = Client().get(f"/register/{slug}/").content.decode()
    assert "by documenters." in page
    assert TITLE not in page
    [row] = list(csv.DictReader(io.StringIO(_body(Client().get("/register/export.csv")))))
    assert row["verified_by"] == "documenters"
    Person.objects.filter(pk=world.person.pk).update(campaign=None)
    # The Urdu page, which the page cache has not kept: "verified ... by documenters."
    page = Client().get(f"/ur/register/{slug}/").content.decode()
    assert "کو دستاویز نگاروں نے تصدیق کی" in page
    assert TITLE not in page


def test_the_demo_loader_is_not_passed_off_as_documenters(world: World) -> None:
    """A record the demo loader published says so: no documenter checked it."""
    loaded = Person.objects.create(
        name="Loaded", slug="loaded", source=Source.objects.get(), campaign=world.campaign
    )
    _publish_many(person_ids=[loaded.pk], by=None)
    page = Client().get("/register/loaded/").content.decode()
    assert "by the demo loader" in page
    assert "documenters of" not in page
    assert "by the demo loader" in Client().get("/register/loaded/history/").content.decode()
    rows = list(csv.DictReader(io.StringIO(_body(Client().get("/register/export.csv")))))
    assert {r["id"]: r["verified_by"] for r in rows}["loaded"] == "the demo loader"


def test_renaming_the_campaign_renews_the_cached_person_page(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    path = f"/register/{world.person.slug}/"
    assert TITLE in Client().get(path).content.decode()
    assert TITLE in Client().get(path).content.decode()  # now from the page cache
    with django_capture_on_commit_callbacks(execute=True):
        coalition_services.campaign_update(
            by=world.users["coordinator"],
            campaign=world.campaign,
            title="Free Baba Jan",
            status=Campaign.Status.ACTIVE,
        )
    page = Client().get(path).content.decode()
    assert "by the documenters of Free Baba Jan." in page
    assert TITLE not in page


@pytest.mark.parametrize("member", ["editor", "verifier", "team", "coordinator"])
def test_the_campaigns_members_see_who_verified_and_edited(world: World, member: str) -> None:
    response = world.client(member).get(f"/register/working/{world.person.pk}/history/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    assert page.count(f"Verified by <bdi>{VERIFIER}</bdi>.") == 2
    assert page.count(f"Changes made by {EDITOR}.") == 2
    assert VERIFIER_MAIL not in page
    # The same facts as the public history, version by version.
    assert 'id="v2"' in page
    assert "Poet" in page
    urdu = world.client(member).get(f"/ur/register/working/{world.person.pk}/history/")
    assert urdu.status_code == 200
    assert VERIFIER in urdu.content.decode()


@pytest.mark.parametrize("outsider", ["moderator", "other_documenter", "org_admin", "site_admin"])
def test_no_one_else_sees_who_verified(world: World, outsider: str) -> None:
    """Another campaign's documenter, an organisation's admin, a site admin and the
    campaign's moderator get the same 404 as for an unknown record."""
    path = f"/register/working/{world.person.pk}/history/"
    response = world.client(outsider).get(path)
    assert response.status_code == 404
    assert VERIFIER not in response.content.decode()
    assert world.client(outsider).get("/register/working/999999/history/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(world: World) -> None:
    response = Client().get(f"/register/working/{world.person.pk}/history/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_working_record_links_the_members_history(world: World) -> None:
    page = world.client("editor").get(f"/register/working/{world.person.pk}/").content.decode()
    assert f'href="/register/working/{world.person.pk}/history/"' in page


def test_a_record_never_verified_has_an_empty_members_history(world: World) -> None:
    fresh = services.person_save(
        by=world.users["editor"],
        source=Source.objects.get(),
        campaign=world.campaign,
        name="Not yet",
    )
    page = world.client("team").get(f"/register/working/{fresh.pk}/history/")
    assert page.status_code == 200
    assert "No version has been verified yet." in page.content.decode()

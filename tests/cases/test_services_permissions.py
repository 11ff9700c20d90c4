"""Every public cases service checks its own permission, called directly.

Each is called by the right user (it works: the refusals below are not
refusals of a broken call), then by a user with the same role in another
campaign, by an anonymous user and by a site admin: each refusal is
PermissionDenied and leaves every register table as it was. A role holder
who has not entered a second factor in a session is refused by the
permission backend for every service alike
(tests/coalition/test_second_factor_services.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from habeas.accounts.models import User
from habeas.cases import importer, queries, services
from habeas.cases.models import (
    Affiliation,
    CaseEvent,
    CaseShare,
    Detention,
    ImportRun,
    Person,
    PersonRestricted,
    PublicRecord,
    PublicVersion,
    Recognition,
    Status,
    StatusChange,
)
from habeas.cases.services.records import SourceFacts
from habeas.coalition.models import Campaign, Role
from habeas.core.models import Source
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

ROLES = (Role.DOCUMENTER, Role.CASE_TEAM, Role.COORDINATOR)


@dataclass
class World:
    owner: Campaign
    ally: Campaign  # defends the published person; shares are made with it
    source: Source
    users: dict[str, Any]
    victim: Person  # the owner's, with a detention and restricted facts
    public: Person  # the owner's, published, defended by the ally
    public2: Person  # the owner's, published, not defended by the ally
    share: CaseShare  # of the victim with the ally


@pytest.fixture
def world() -> World:
    owner = CampaignFactory(slug="owner")
    other = CampaignFactory(slug="other")
    ally = CampaignFactory(slug="ally")
    users: dict[str, Any] = {}
    for campaign, prefix in ((owner, "owner"), (other, "other"), (ally, "ally")):
        for role in ROLES:
            users[f"{prefix}_{role.lower()}"] = UserFactory(username=f"{prefix}_{role.lower()}")
            grant(users[f"{prefix}_{role.lower()}"], role, campaign=campaign)
    users["owner_documenter2"] = UserFactory(username="owner_documenter2")
    grant(users["owner_documenter2"], Role.DOCUMENTER, campaign=owner)
    users["site_admin"] = UserFactory(username="site_admin")
    grant(users["site_admin"], Role.SITE_ADMIN)
    doc = users["owner_documenter"]
    source = Source.objects.create(title="Court record", publisher="High Court")
    victim = services.person_save(by=doc, source=source, campaign=owner, name="Victim")
    services.detention_add(
        by=doc,
        person=victim,
        source=source,
        arrested_on=datetime.date(2025, 5, 1),
        arrested_precision="DAY",
        status=Status.DETAINED,
    )
    services.restricted_save(
        by=users["owner_case_team"], person=victim, family_contacts="Family, in confidence"
    )
    public = services.person_save(by=doc, source=source, campaign=owner, name="Published")
    services.person_verify(by=users["owner_documenter2"], person=public)
    ally.persons.add(public)
    public2 = services.person_save(by=doc, source=source, campaign=owner, name="Published 2")
    services.person_verify(by=users["owner_documenter2"], person=public2)
    share = services.case_share_grant(by=users["owner_coordinator"], person=victim, campaign=ally)
    return World(owner, ally, source, users, victim, public, public2, share)


def _new_source() -> SourceFacts:
    """A source no one has recorded: a refused call must not record it either."""
    return SourceFacts(title="A source recorded only if allowed")


def _rows(campaign: str) -> list[importer.Row]:
    data = f"external_id,name,campaign,source_title\nx1,Imported,{campaign},Report\n".encode()
    checked = importer.read(data)
    assert checked.errors == []
    return checked.rows


@dataclass(frozen=True)
class Call:
    run: Callable[[World, Any], Any]
    right: str  # the user who may
    role: str  # the role whose holder in another campaign may not


CALLS: dict[str, Call] = {
    "campaign_person_add": Call(
        lambda w, by: services.campaign_person_add(by=by, campaign=w.ally, person=w.public2),
        "ally_coordinator",
        Role.COORDINATOR,
    ),
    "campaign_person_remove": Call(
        lambda w, by: services.campaign_person_remove(by=by, campaign=w.ally, person=w.public),
        "ally_coordinator",
        Role.COORDINATOR,
    ),
    "case_share_grant": Call(
        lambda w, by: services.case_share_grant(
            by=by, person=w.public, campaign=w.ally, restricted=True
        ),
        "owner_coordinator",
        Role.COORDINATOR,
    ),
    "case_share_revoke": Call(
        lambda w, by: services.case_share_revoke(by=by, share=w.share),
        "owner_coordinator",
        Role.COORDINATOR,
    ),
    # Sources are shared by all campaigns: a documenter anywhere records one.
    "source_for": Call(
        lambda w, by: services.source_for(by=by, title=_new_source().title),
        "owner_documenter",
        Role.CASE_TEAM,
    ),
    "person_save (new)": Call(
        lambda w, by: services.person_save(
            by=by, source=_new_source(), campaign=w.owner, name="Planted"
        ),
        "owner_documenter",
        Role.DOCUMENTER,
    ),
    "person_save (change)": Call(
        lambda w, by: services.person_save(
            by=by, source=_new_source(), person=w.victim, name="Overwritten"
        ),
        "owner_documenter",
        Role.DOCUMENTER,
    ),
    "person_photo_set": Call(
        lambda w, by: services.person_photo_set(by=by, person=w.victim, photo=None, consent=True),
        "owner_documenter",
        Role.DOCUMENTER,
    ),
    "detention_add": Call(
        lambda w, by: services.detention_add(
            by=by,
            person=w.victim,
            source=_new_source(),
            arrested_on=None,
            arrested_precision="UNKNOWN",
            status=Status.DETAINED,
        ),
        "owner_documenter",
        Role.DOCUMENTER,
    ),
    "status_add": Call(
        lambda w, by: services.status_add(
            by=by,
            detention=w.victim.detentions.get(),
            status=Status.RELEASED,
            on=None,
            precision="UNKNOWN",
            source=_new_source(),
        ),
        "owner_documenter",
        Role.DOCUMENTER,
    ),
    "event_add": Call(
        lambda w, by: services.event_add(
            by=by,
            detention=w.victim.detentions.get(),
            source=_new_source(),
            kind="HEARING",
            description="A hearing",
        ),
        "owner_documenter",
        Role.DOCUMENTER,
    ),
    "recognition_save": Call(
        lambda w, by: services.recognition_save(
            by=by,
            person=w.victim,
            organisation=OrganisationFactory(slug="recognising"),
            source=_new_source(),
            since_on=None,
            criterion="",
        ),
        "owner_documenter",
        Role.DOCUMENTER,
    ),
    "restricted_save": Call(
        lambda w, by: services.restricted_save(by=by, person=w.victim, family_contacts="Changed"),
        "owner_case_team",
        Role.CASE_TEAM,
    ),
    "person_verify": Call(
        lambda w, by: services.person_verify(by=by, person=w.victim),
        "owner_documenter2",
        Role.DOCUMENTER,
    ),
    "publish": Call(
        lambda w, by: services.publish(by=by, person=w.victim),
        "owner_documenter",
        Role.DOCUMENTER,
    ),
    "publish_many": Call(
        lambda w, by: services.publish_many(by=by, person_ids=[w.victim.pk, w.public.pk]),
        "owner_documenter",
        Role.DOCUMENTER,
    ),
    "register_import (importer)": Call(
        lambda w, by: services.register_import(
            by=by, publish_by=w.users["owner_documenter2"], rows=_rows("owner")
        ),
        "owner_documenter",
        Role.DOCUMENTER,
    ),
    "register_import (publisher)": Call(
        lambda w, by: services.register_import(
            by=w.users["owner_documenter"], publish_by=by, rows=_rows("owner")
        ),
        "owner_documenter2",
        Role.DOCUMENTER,
    ),
}


def _snapshot() -> tuple[Any, ...]:
    """Every register table a refused call must leave as it was: counts and contents."""
    return (
        sorted(Person.objects.values_list("pk", "name", "updated_at", "photo_consent")),
        sorted(Person.campaigns.through.objects.values_list("person", "campaign")),
        Detention.objects.count(),
        StatusChange.objects.count(),
        CaseEvent.objects.count(),
        Recognition.objects.count(),
        Affiliation.objects.count(),
        sorted(PersonRestricted.objects.values_list()),
        Source.objects.count(),
        sorted(CaseShare.objects.values_list("pk", "campaign", "restricted", "revoked_at")),
        sorted(PublicRecord.all_objects.values_list("pk", "name", "version")),
        PublicVersion.objects.count(),
        ImportRun.objects.count(),
    )


@pytest.mark.parametrize("name", list(CALLS))
def test_the_right_user_may(world: World, name: str) -> None:
    """The calls below are well formed: the user whose work it is succeeds."""
    call = CALLS[name]
    before = _snapshot()
    call.run(world, world.users[call.right])
    assert _snapshot() != before


def _actors(world: World, call: Call) -> dict[str, Any]:
    return {
        "another campaign's holder of the role": world.users[f"other_{call.role.lower()}"],
        "an anonymous user": AnonymousUser(),
        "a site admin": world.users["site_admin"],
    }


@pytest.mark.parametrize("actor", ["another campaign's holder of the role", "an anonymous user"])
@pytest.mark.parametrize("name", list(CALLS))
def test_a_wrong_user_is_refused_and_nothing_changes(world: World, name: str, actor: str) -> None:
    call = CALLS[name]
    user = _actors(world, call)[actor]
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        call.run(world, user)
    assert _snapshot() == before


@pytest.mark.parametrize(
    "name",
    # A site admin may coordinate any campaign (coalition.coordinate_campaign),
    # and so choose whom it defends; the case work stays the owning campaign's.
    [n for n in CALLS if not n.startswith("campaign_person_")],
)
def test_a_site_admin_is_refused_the_case_work(world: World, name: str) -> None:
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        CALLS[name].run(world, world.users["site_admin"])
    assert _snapshot() == before


def test_publishing_many_is_refused_if_one_person_is_not_the_users(world: World) -> None:
    """One person of another campaign among the ids refuses the whole call."""
    doc_other = world.users["other_documenter"]
    theirs = services.person_save(
        by=doc_other, source=world.source, campaign=Campaign.objects.get(slug="other"), name="T"
    )
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.publish_many(
            by=world.users["owner_documenter"], person_ids=[world.victim.pk, theirs.pk]
        )
    assert _snapshot() == before


def test_rows_without_a_campaign_are_a_site_admins_alone(world: World) -> None:
    """Persons no campaign owns: a documenter may not import them; a site admin may,
    with another site admin publishing (from the command line: no second factor)."""
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.register_import(
            by=world.users["owner_documenter"],
            publish_by=world.users["owner_documenter2"],
            rows=_rows(""),
        )
    with pytest.raises(PermissionDenied):
        services.register_import(
            by=world.users["site_admin"],
            publish_by=world.users["owner_documenter2"],
            rows=_rows(""),
        )
    assert _snapshot() == before
    second_admin = UserFactory(username="second_admin")
    grant(second_admin, Role.SITE_ADMIN)
    services.register_import(by=world.users["site_admin"], publish_by=second_admin, rows=_rows(""))
    assert Person.objects.get(external_id="x1").campaign is None
    assert PublicRecord.objects.filter(person__external_id="x1").exists()


def test_an_import_updating_another_campaigns_person_is_refused_row_by_row(
    world: World,
) -> None:
    """A row naming the importer's campaign still may not change a person another
    campaign owns: the refusal lists the row."""
    services.register_import(
        by=world.users["other_documenter"],
        publish_by=None,
        rows=_rows("other"),
    )
    before = _snapshot()
    with pytest.raises(services.ImportRefused) as refused:
        services.register_import(
            by=world.users["owner_documenter"],
            publish_by=world.users["owner_documenter2"],
            rows=_rows("owner"),
        )
    assert [(e.line, e.column) for e in refused.value.errors] == [(2, "external_id")] * 2
    assert _snapshot() == before


def test_the_review_queue_finds_a_record_behind_two_hundred_of_another_campaign(
    world: World,
) -> None:
    """The queue filters by permission in the database: a documenter whose one waiting
    record comes after 250 waiting records of another campaign still sees it."""
    other = Campaign.objects.get(slug="other")
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    Person.objects.bulk_create(
        Person(
            name=f"Waiting {n:03}",
            slug=f"waiting-{n}",
            source=world.source,
            campaign=other,
            updated_at=long_ago + datetime.timedelta(minutes=n),
        )
        for n in range(250)
    )
    ally_doc = cast("User", world.users["ally_documenter"])  # the victim is shared with the ally
    page = queries.review_queue(ally_doc, None)
    assert [p.name for p in page.object_list] == ["Victim"]
    html = sign_in(Client(), ally_doc).get("/register/review/").content.decode()
    assert "Victim" in html
    assert "Waiting 0" not in html

"""Case data belongs to the campaign that documents it (issue 11, items 1, 6, 7, 11, 13).

A person's working record, restricted facts and unverified changes are the
owning campaign's alone, unless its coordinator shares them on record.
Another campaign defends a person only through the public record.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from habeas.cases import queries, services
from habeas.cases.models import (
    Affiliation,
    CaseEvent,
    CaseShare,
    Detention,
    Person,
    PersonRestricted,
    PublicRecord,
    Recognition,
    Status,
    StatusChange,
)
from habeas.coalition.models import Campaign, Role, RoleGrant
from habeas.core.models import Source
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

CANARY = "CANARY-family-of-the-victim"
SECRET_NAME = "Unverified Victim"


@dataclass
class Cases:
    """Campaign B documents two persons: one still unverified, one published."""

    owner: Campaign
    source: Source
    users: dict[str, Any]
    victim: Person
    public: Person

    def client(self, name: str) -> Client:
        return sign_in(Client(), self.users[name])


@pytest.fixture
def cases() -> Cases:
    owner = CampaignFactory(slug="owner-b", title="Owner B")
    users = {n: UserFactory(username=n) for n in ("doc_b", "doc_b2", "team_b", "coord_b")}
    grant(users["doc_b"], Role.DOCUMENTER, campaign=owner)
    grant(users["doc_b2"], Role.DOCUMENTER, campaign=owner)
    grant(users["team_b"], Role.CASE_TEAM, campaign=owner)
    grant(users["coord_b"], Role.COORDINATOR, campaign=owner)
    source = Source.objects.create(title="Court record", publisher="High Court")
    victim = services.person_save(
        by=users["doc_b"], source=source, campaign=owner, name=SECRET_NAME
    )
    services.detention_add(
        by=users["doc_b"],
        person=victim,
        source=source,
        arrested_on=datetime.date(2025, 5, 1),
        arrested_precision="DAY",
        status=Status.DETAINED,
    )
    services.restricted_save(
        by=users["team_b"],
        person=victim,
        family_contacts=CANARY,
        lawyer_contacts=CANARY,
        internal_notes=CANARY,
        unverified_reports=CANARY,
    )
    public = services.person_save(
        by=users["doc_b"], source=source, campaign=owner, name="Published Prisoner"
    )
    services.person_verify(by=users["doc_b2"], person=public)
    return Cases(owner, source, users, victim, public)


def _everything() -> tuple[Any, ...]:
    """Every row of the register a refused attempt must leave as it was."""
    return (
        sorted(
            Person.objects.values_list(
                "pk", "name", "campaign", "updated_at", "photo", "photo_consent"
            )
        ),
        sorted(Person.campaigns.through.objects.values_list("person", "campaign")),
        sorted(PersonRestricted.objects.values_list()),
        sorted(Detention.objects.values_list("pk", "person", "arrested_on")),
        sorted(StatusChange.objects.values_list("pk", "status")),
        sorted(CaseEvent.objects.values_list("pk", "description")),
        sorted(Recognition.objects.values_list("pk", "organisation")),
        sorted(CaseShare.objects.values_list("pk", "campaign", "revoked_at")),
        sorted(PublicRecord.objects.values_list("pk", "name", "version")),
    )


def _accept_invitation(coordinator: Client, account: Any, slug: str, role: str) -> None:
    """The coordinator invites ``account``'s address through the page; the account
    accepts through the link the e-mail carries, as a person would."""
    mail.outbox.clear()
    response = coordinator.post(
        f"/campaigns/{slug}/coordinate/invite/", {"email": account.email, "role": role}
    )
    assert response.status_code == 302
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    [message] = mail.outbox
    token = re.search(r"/accounts/invitations/([\w-]+)/", str(message.body))
    assert token, message.body
    accepted = sign_in(Client(), account).post(f"/accounts/invitations/{token.group(1)}/")
    assert accepted.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_an_organisation_admin_cannot_escalate_into_another_campaigns_case(cases: Cases) -> None:
    """The escalation of issue 11: start a campaign, attach another campaign's
    prisoner, invite one's own second account as case team and documenter, and
    try every working-record URL. Every step touching the prisoner is refused
    and nothing of theirs changes."""
    organisation = OrganisationFactory(slug="attackers")
    attacker, second = UserFactory(username="attacker"), UserFactory(username="second")
    grant(attacker, Role.ORG_ADMIN, organisation=organisation)
    client = sign_in(Client(), attacker)
    started = client.post(
        "/campaigns/new/",
        {"organisation": organisation.pk, "title": "Attack campaign", "status": "ACTIVE"},
    )
    assert started.status_code == 302
    campaign = Campaign.objects.get(title="Attack campaign")
    assert RoleGrant.objects.active().filter(
        user=attacker, role=Role.COORDINATOR, campaign=campaign
    )
    chooser = f"/campaigns/{campaign.slug}/persons/"
    before = _everything()

    # The chooser does not offer the unverified record, under any search...
    for q in ("", "Unverified", "Victim", "a"):
        page = client.get(chooser, {"q": q}).content.decode()
        assert SECRET_NAME not in page
        assert f'name="person" value="{cases.victim.pk}"' not in page
    # ...and refuses it when asked by id: nothing changes.
    refused = client.post(chooser, {"person": cases.victim.pk, "action": "add"})
    assert refused.status_code == 404
    assert _everything() == before

    # A published record of another campaign may be defended: its public record only.
    assert "Published Prisoner" in client.get(chooser, {"q": "published"}).content.decode()
    assert client.post(chooser, {"person": cases.public.pk, "action": "add"}).status_code == 302
    cases.public.refresh_from_db()
    assert set(cases.public.campaigns.all()) == {cases.owner, campaign}
    assert cases.public.campaign == cases.owner  # attaching makes no owner
    before = _everything()

    # Their own second account joins as case team and documenter, through the pages.
    for role in (Role.CASE_TEAM, Role.DOCUMENTER):
        _accept_invitation(client, second, campaign.slug, role)
    for role in (Role.CASE_TEAM, Role.DOCUMENTER):
        assert RoleGrant.objects.active().filter(user=second, role=role, campaign=campaign)
    grants = set(RoleGrant.objects.values_list("pk", flat=True))

    detention = Detention.objects.get(person=cases.victim)
    source = {"source_title": "Mine", "certainty": "REPORTED"}
    for person in (cases.victim, cases.public):
        working = f"/register/working/{person.pk}"
        attempts: list[tuple[str, str, dict[str, Any]]] = [
            ("get", f"{working}/", {}),
            ("get", f"{working}/edit/", {}),
            ("post", f"{working}/edit/", {"name": "Overwritten", "gender": "UNKNOWN", **source}),
            (
                "post",
                f"{working}/edit/",
                {"name": person.name, "gender": "UNKNOWN", "photo_consent": "on", **source},
            ),
            ("post", f"{working}/verify/", {}),
            ("get", f"{working}/arrest/", {}),
            (
                "post",
                f"{working}/arrest/",
                {"arrested_on": "2025", "status": "DETAINED", **source},
            ),
            ("get", f"{working}/recognition/", {}),
            ("post", f"{working}/recognition/", {"organisation": organisation.pk, **source}),
            ("get", f"{working}/restricted/", {}),
            ("post", f"{working}/restricted/", {"family_contacts": "Overwritten"}),
            ("get", f"{working}/shares/", {}),
            ("post", f"{working}/shares/", {"campaign": campaign.pk, "restricted": "on"}),
            ("get", f"{working}/arrest/{detention.pk}/status/", {}),
            (
                "post",
                f"{working}/arrest/{detention.pk}/status/",
                {"status": "RELEASED", **source},
            ),
            ("get", f"{working}/arrest/{detention.pk}/event/", {}),
            (
                "post",
                f"{working}/arrest/{detention.pk}/event/",
                {"kind": "HEARING", "description": "Overwritten", **source},
            ),
        ]
        for account in (attacker, second):
            browser = sign_in(Client(), account)
            for method, path, data in attempts:
                response = getattr(browser, method)(path, data)
                assert response.status_code == 404, (account, method, path)
                assert CANARY not in response.content.decode()
            queue = browser.get("/register/review/").content.decode()
            assert SECRET_NAME not in queue
            assert CANARY not in queue
    assert _everything() == before
    assert set(RoleGrant.objects.values_list("pk", flat=True)) == grants
    assert PersonRestricted.objects.get(person=cases.victim).family_contacts == CANARY


SERVICE_CALLS: dict[str, Callable[[Cases, Any, Campaign], Any]] = {
    "person_save": lambda c, user, _campaign: services.person_save(
        by=user, person=c.victim, source=c.source, name="Overwritten"
    ),
    "person_photo_set": lambda c, user, _campaign: services.person_photo_set(
        by=user, person=c.victim, photo=None, consent=True
    ),
    "detention_add": lambda c, user, _campaign: services.detention_add(
        by=user,
        person=c.victim,
        source=c.source,
        arrested_on=None,
        arrested_precision="UNKNOWN",
        status=Status.DETAINED,
    ),
    "status_add": lambda c, user, _campaign: services.status_add(
        by=user,
        detention=c.victim.detentions.get(),
        status=Status.RELEASED,
        on=None,
        precision="UNKNOWN",
        source=c.source,
    ),
    "event_add": lambda c, user, _campaign: services.event_add(
        by=user, detention=c.victim.detentions.get(), source=c.source, kind="HEARING"
    ),
    "recognition_save": lambda c, user, _campaign: services.recognition_save(
        by=user,
        person=c.victim,
        organisation=OrganisationFactory(),
        source=c.source,
        since_on=None,
        criterion="",
    ),
    "restricted_save": lambda c, user, _campaign: services.restricted_save(
        by=user, person=c.victim, family_contacts="Overwritten"
    ),
    "person_verify": lambda c, user, _campaign: services.person_verify(by=user, person=c.victim),
    "case_share_grant": lambda c, user, campaign: services.case_share_grant(
        by=user, person=c.victim, campaign=campaign, restricted=True
    ),
    "case_share_revoke": lambda c, user, _campaign: services.case_share_revoke(
        by=user,
        share=CaseShare.objects.create(
            person=c.victim, campaign=CampaignFactory(), granted_by=c.users["coord_b"]
        ),
    ),
    "campaign_person_add": lambda c, user, campaign: services.campaign_person_add(
        by=user, campaign=campaign, person=c.victim
    ),
    "facility_choose": lambda c, user, _campaign: services.facility_choose(
        by=user, person=c.victim, facility=services.FacilityFacts(name="Planted jail")
    ),
    "status_add with a picked source": lambda c, user, _campaign: services.status_add(
        by=user,
        detention=c.victim.detentions.get(),
        status=Status.RELEASED,
        on=None,
        precision="UNKNOWN",
        source=services.CitedSource(c.source.pk),
    ),
    "new person in another campaign": lambda c, user, _campaign: services.person_save(
        by=user, source=c.source, campaign=c.owner, name="Planted"
    ),
}


@pytest.fixture
def defender(cases: Cases) -> tuple[Any, dict[str, Any]]:
    """Campaign E defends the victim (an attachment made before this fix) and has
    every role; a site admin stands beside it."""
    campaign = CampaignFactory(slug="defender-e")
    campaign.persons.add(cases.victim)
    users: dict[str, Any] = {}
    for role in (Role.COORDINATOR, Role.DOCUMENTER, Role.CASE_TEAM):
        users[role] = UserFactory(username=f"e_{role.lower()}")
        grant(users[role], role, campaign=campaign)
    users[Role.SITE_ADMIN] = UserFactory(username="site_admin")
    grant(users[Role.SITE_ADMIN], Role.SITE_ADMIN)
    return campaign, users


@pytest.mark.parametrize("call", list(SERVICE_CALLS))
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.DOCUMENTER, Role.CASE_TEAM, "SITE_ADMIN"])
def test_a_campaign_that_defends_a_person_gets_nothing_of_its_case_from_the_services(
    cases: Cases, defender: tuple[Campaign, dict[str, Any]], call: str, role: str
) -> None:
    """Every cases service refuses, with PermissionDenied, a campaign that merely
    defends the person (each of its roles) and a site admin; nothing changes."""
    campaign, users = defender
    user = users[role]
    before = _everything()
    with pytest.raises(PermissionDenied):
        SERVICE_CALLS[call](cases, user, campaign)
    # A share made for the revocation attempt is the test's own row, not a change.
    CaseShare.objects.filter(granted_by=cases.users["coord_b"]).delete()
    assert _everything() == before


# --- Sharing ------------------------------------------------------------------


def test_a_share_gives_the_grantee_the_case_until_revoked(cases: Cases) -> None:
    """The owner's coordinator shares through the page; the grantee's documenter and
    case team get the working record and restricted facts; both coordinators see
    the record of it; revoking ends it, and the row stays with who and when."""
    grantee = CampaignFactory(slug="grantee", title="Grantee G")
    doc_g, team_g, coord_g = (UserFactory(username=n) for n in ("doc_g", "team_g", "coord_g"))
    grant(doc_g, Role.DOCUMENTER, campaign=grantee)
    grant(team_g, Role.CASE_TEAM, campaign=grantee)
    grant(coord_g, Role.COORDINATOR, campaign=grantee)
    working = f"/register/working/{cases.victim.pk}/"
    assert sign_in(Client(), doc_g).get(working).status_code == 404
    assert sign_in(Client(), team_g).get(f"{working}restricted/").status_code == 404
    # The grantee cannot share with itself; only the owner's coordinator can.
    asked = sign_in(Client(), coord_g).post(
        f"{working}shares/", {"campaign": grantee.pk, "restricted": "on"}
    )
    assert asked.status_code == 404
    assert not CaseShare.objects.exists()
    coordinator = cases.client("coord_b")
    shared = coordinator.post(f"{working}shares/", {"campaign": grantee.pk, "restricted": "on"})
    assert shared.status_code == 302
    share = CaseShare.objects.get()
    assert (share.campaign, share.restricted, share.granted_by) == (
        grantee,
        True,
        cases.users["coord_b"],
    )
    assert SECRET_NAME in sign_in(Client(), doc_g).get(working).content.decode()
    assert CANARY in sign_in(Client(), team_g).get(f"{working}restricted/").content.decode()
    assert SECRET_NAME in sign_in(Client(), doc_g).get("/register/review/").content.decode()
    for who, slug in ((coordinator, "owner-b"), (sign_in(Client(), coord_g), "grantee")):
        coordinate = who.get(f"/campaigns/{slug}/coordinate/").content.decode()
        assert f"/campaigns/{slug}/case-shares/" in coordinate
        page = who.get(f"/campaigns/{slug}/case-shares/").content.decode()
        assert SECRET_NAME in page
        assert "Grantee G" in page
    # The grantee's coordinator may not revoke it.
    revoke = f"{working}shares/{share.pk}/revoke/"
    assert sign_in(Client(), coord_g).post(revoke).status_code == 404
    assert coordinator.post(revoke).status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None
    assert share.revoked_by == cases.users["coord_b"]
    assert sign_in(Client(), doc_g).get(working).status_code == 404
    assert sign_in(Client(), team_g).get(f"{working}restricted/").status_code == 404
    history = coordinator.get(f"{working}shares/").content.decode()
    assert "revoked by coord_b" in history


def test_a_share_without_restricted_facts_keeps_them_from_the_grantees_case_team(
    cases: Cases,
) -> None:
    """A share of the working record alone gives the grantee's case team nothing."""
    grantee = CampaignFactory()
    team_g, doc_g = UserFactory(), UserFactory()
    grant(team_g, Role.CASE_TEAM, campaign=grantee)
    grant(doc_g, Role.DOCUMENTER, campaign=grantee)
    services.case_share_grant(by=cases.users["coord_b"], person=cases.victim, campaign=grantee)
    working = f"/register/working/{cases.victim.pk}/"
    assert sign_in(Client(), doc_g).get(working).status_code == 200
    assert CANARY not in sign_in(Client(), doc_g).get(working).content.decode()
    assert sign_in(Client(), team_g).get(f"{working}restricted/").status_code == 404


def test_case_work_is_not_shared_with_a_draft_or_twice(cases: Cases) -> None:
    """A draft campaign is not offered and is refused; a second active share and the
    owner itself are refused with a message; nothing changes."""
    draft = CampaignFactory(slug="secret-draft", title="Secret draft", status="DRAFT")
    active = CampaignFactory(title="Active one")
    coordinator = cases.client("coord_b")
    path = f"/register/working/{cases.victim.pk}/shares/"
    page = coordinator.get(path).content.decode()
    assert "Secret draft" not in page
    assert "Active one" in page
    assert coordinator.post(path, {"campaign": draft.pk}).status_code == 400
    assert coordinator.post(path, {"campaign": cases.owner.pk}).status_code == 400
    assert not CaseShare.objects.exists()
    with pytest.raises(ValidationError, match="draft"):
        services.case_share_grant(by=cases.users["coord_b"], person=cases.victim, campaign=draft)
    with pytest.raises(ValidationError, match="already documents"):
        services.case_share_grant(
            by=cases.users["coord_b"], person=cases.victim, campaign=cases.owner
        )
    services.case_share_grant(by=cases.users["coord_b"], person=cases.victim, campaign=active)
    again = coordinator.post(path, {"campaign": active.pk})
    assert again.status_code == 400
    assert "already shares" in again.content.decode()
    assert CaseShare.objects.count() == 1


# --- The chooser ----------------------------------------------------------------


def test_the_chooser_offers_public_records_and_the_campaigns_own_a_page_at_a_time(
    cases: Cases,
) -> None:
    """The owner finds its own unverified record (by its working name); another
    campaign finds only public names; results come a page at a time."""
    other = CampaignFactory(slug="other-c")
    coordinator = UserFactory()
    grant(coordinator, Role.COORDINATOR, campaign=other)
    owners = cases.client("coord_b").get("/campaigns/owner-b/persons/", {"q": "victim"})
    assert SECRET_NAME in owners.content.decode()
    # An unverified change of a public record is not shown to another campaign.
    services.person_save(
        by=cases.users["doc_b"], person=cases.public, source=cases.source, name="Renamed Secretly"
    )
    page = sign_in(Client(), coordinator).get("/campaigns/other-c/persons/", {"q": "e"})
    text = page.content.decode()
    assert "Published Prisoner" in text
    assert "Renamed Secretly" not in text
    assert SECRET_NAME not in text
    for n in range(queries.CHOOSER_PAGE + 5):
        person = Person.objects.create(
            name=f"Many {n:03}", slug=f"many-{n}", source=cases.source, campaign=other
        )
    del person
    first = sign_in(Client(), coordinator).get("/campaigns/other-c/persons/", {"q": "many"})
    assert first.content.decode().count("Many 0") == queries.CHOOSER_PAGE
    assert "Page 1 of 2" in first.content.decode()
    second = sign_in(Client(), coordinator).get(
        "/campaigns/other-c/persons/", {"q": "many", "page": "2"}
    )
    assert second.content.decode().count("Many 0") == 5


def test_a_campaign_cannot_stop_defending_a_person_it_documents(cases: Cases) -> None:
    """Detaching the owning campaign is refused with a message; nothing changes."""
    before = _everything()
    response = cases.client("coord_b").post(
        "/campaigns/owner-b/persons/", {"person": cases.victim.pk, "action": "remove"}, follow=True
    )
    assert "cannot stop defending" in response.content.decode()
    assert _everything() == before
    with pytest.raises(ValidationError):
        services.campaign_person_remove(
            by=cases.users["coord_b"], campaign=cases.owner, person=cases.victim
        )


def test_another_campaign_stops_defending_a_public_record(cases: Cases) -> None:
    """A defending campaign may stop defending; the owner stays."""
    other = CampaignFactory(slug="other-c")
    coordinator = UserFactory()
    grant(coordinator, Role.COORDINATOR, campaign=other)
    client = sign_in(Client(), coordinator)
    client.post("/campaigns/other-c/persons/", {"person": cases.public.pk, "action": "add"})
    assert other in cases.public.campaigns.all()
    client.post("/campaigns/other-c/persons/", {"person": cases.public.pk, "action": "remove"})
    assert other not in cases.public.campaigns.all()
    assert Person.objects.get(pk=cases.public.pk).campaign == cases.owner


# --- The review queue and new persons ------------------------------------------------


def test_the_review_queue_lists_only_ones_own_campaigns_records_a_page_at_a_time(
    cases: Cases, django_assert_max_num_queries: Any
) -> None:
    """Another campaign's waiting records never show; the queue is paged, in a
    fixed number of queries however long it is."""
    other = CampaignFactory()
    doc_o = UserFactory()
    grant(doc_o, Role.DOCUMENTER, campaign=other)
    Person.objects.bulk_create(
        Person(name=f"Waiting {n:03}", slug=f"waiting-{n}", source=cases.source, campaign=other)
        for n in range(queries.REVIEW_PAGE + 10)
    )
    client = sign_in(Client(), doc_o)
    # Eight of them say what verifying each record would change: seven gather the
    # page's working facts, one reads what is public now.
    with django_assert_max_num_queries(20):
        page = client.get("/register/review/").content.decode()
    assert page.count("Waiting 0") == queries.REVIEW_PAGE
    assert SECRET_NAME not in page
    assert "Page 1 of 2" in page
    assert SECRET_NAME in cases.client("doc_b").get("/register/review/").content.decode()


def test_a_new_person_belongs_to_a_campaign_the_documenter_documents_for(cases: Cases) -> None:
    """The owner is chosen among one's own campaigns: no draft of others, no other
    campaign; the new person is owned and defended by the one chosen."""
    CampaignFactory(slug="hidden-draft", title="Hidden draft", status="DRAFT")
    foreign = CampaignFactory(title="Foreign")
    doc = cases.client("doc_b")
    page = doc.get("/register/working/new/").content.decode()
    assert "Owner B" in page
    assert "Hidden draft" not in page
    assert "Foreign" not in page
    data = {"name": "New One", "gender": "UNKNOWN", "source_title": "S", "certainty": "REPORTED"}
    assert doc.post("/register/working/new/", {**data, "campaign": foreign.pk}).status_code == 400
    assert not Person.objects.filter(name="New One").exists()
    assert doc.post(
        "/register/working/new/", {**data, "campaign": cases.owner.pk}
    ).status_code == (302)
    created = Person.objects.get(name="New One")
    assert created.campaign == cases.owner
    assert list(created.campaigns.all()) == [cases.owner]


def test_a_draft_campaign_filters_nothing_in_the_register(cases: Cases) -> None:
    """The register's campaign filter and facet know no draft campaign: its slug
    lists nothing, and it is not offered."""
    draft = CampaignFactory(slug="quiet-draft", title="Quiet draft", status="DRAFT")
    draft.persons.add(cases.public)
    page = Client().get("/register/").content.decode()
    assert "quiet-draft" not in page
    assert "Published Prisoner" in page
    filtered = Client().get("/register/", {"campaign": "quiet-draft"}).content.decode()
    assert "Published Prisoner" not in filtered
    shown = Client().get("/register/", {"campaign": "owner-b"}).content.decode()
    assert "Published Prisoner" in shown


# --- Public figures read verified facts only ---------------------------------------------

IMPORT_HEADER = "external_id,name,campaign,affiliation,source_title\n"


def _import(tmp_path: Path, body: str, *args: str) -> str:
    path = tmp_path / "cases.csv"
    path.write_text(IMPORT_HEADER + body)
    errors = io.StringIO()
    call_command(
        "import-cases", str(path), *args, "--no-progress", stdout=io.StringIO(), stderr=errors
    )
    return errors.getvalue()


def test_an_unverified_affiliation_stays_out_of_the_statistics_and_facets(
    cases: Cases, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """An affiliation added to a published record and not yet verified shows in no
    public figure: not the statistics' "By organisation", not the register's facet."""
    OrganisationFactory(slug="verified-org", name="Verified Org")
    OrganisationFactory(slug="hidden-org", name="Unverified Org")
    _import(
        tmp_path,
        "e1,Imported Prisoner,owner-b,verified-org,Src\n",
        "--as",
        "doc_b",
        "--publish-as",
        "doc_b2",
    )
    _import(tmp_path, "e1,Imported Prisoner,owner-b,hidden-org,Src\n", "--as", "doc_b")
    assert Affiliation.objects.filter(organisation__slug="hidden-org").exists()
    for path in ("/register/statistics/", "/register/"):
        page = Client().get(path).content.decode()
        assert "Verified Org" in page, path
        assert "Unverified Org" not in page, path
    # Committed, as a verification is: the kept pages are renewed.
    with django_capture_on_commit_callbacks(execute=True):
        services.person_verify(
            by=cases.users["doc_b2"], person=Person.objects.get(external_id="e1")
        )
    assert "Unverified Org" in Client().get("/register/statistics/").content.decode()


# --- Import rights per record ------------------------------------------------------------


def test_an_import_cannot_update_another_campaigns_person(cases: Cases, tmp_path: Path) -> None:
    """A documenter of A reusing B's person's external_id is refused with a row error;
    nothing changes."""
    Person.objects.filter(pk=cases.victim.pk).update(external_id="b-1")
    other = CampaignFactory(slug="campaign-a")
    doc_a = UserFactory(username="doc_a")
    grant(doc_a, Role.DOCUMENTER, campaign=other)
    before = _everything()
    with pytest.raises(CommandError, match="nothing was imported"):
        _import(
            tmp_path,
            "a-1,Fine,campaign-a,,Src\nb-1,Overwritten,campaign-a,,Src\n",
            "--as",
            "doc_a",
        )
    assert _everything() == before
    path = tmp_path / "cases.csv"
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import-cases", str(path), "--as", "doc_a", "--no-progress", stderr=errors)
    assert "line 3, column external_id: updates a person whose campaign doc_a" in (
        errors.getvalue()
    )
    # The publisher too must document the person's campaign: A's documenter, now
    # also B's, imports; a documenter of A alone would publish.
    grant(doc_a, Role.DOCUMENTER, campaign=cases.owner)
    outsider = UserFactory(username="outsider_pub")
    grant(outsider, Role.DOCUMENTER, campaign=other)
    errors = io.StringIO()
    path.write_text(IMPORT_HEADER + "b-1,Overwritten,campaign-a,,Src\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import-cases",
            str(path),
            "--as",
            "doc_a",
            "--publish-as",
            "outsider_pub",
            "--no-progress",
            stderr=errors,
        )
    assert "whose campaign outsider_pub does not document" in errors.getvalue()
    assert _everything() == before


def test_an_import_sets_the_owner_of_new_persons_and_updates_its_own(
    cases: Cases, tmp_path: Path
) -> None:
    """New persons belong to the row's campaign; its documenters update them again."""
    _import(tmp_path, "n-1,New Person,owner-b,,Src\n", "--as", "doc_b")
    created = Person.objects.get(external_id="n-1")
    assert created.campaign == cases.owner
    _import(tmp_path, "n-1,New Name,owner-b,,Src\n", "--as", "doc_b2")
    assert Person.objects.get(external_id="n-1").name == "New Name"


def test_the_demo_campaign_documents_the_demo_persons() -> None:
    """Every person the demo loads is documented by the demo campaign, which defends them."""
    from habeas.demo.loader import load_demo

    load_demo()
    campaign = Campaign.objects.get()
    assert Person.objects.count() == 4
    for person in Person.objects.all():
        assert person.campaign == campaign
        assert list(person.campaigns.all()) == [campaign]
    # Loading again, over persons that had no owner, gives them one.
    Person.objects.update(campaign=None)
    load_demo()
    assert set(Person.objects.values_list("campaign", flat=True)) == {campaign.pk}

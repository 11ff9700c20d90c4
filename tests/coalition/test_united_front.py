"""The united front: common demands, own slogans, positions, and no partner censoring another."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from habeas.coalition import services
from habeas.coalition.models import (
    Appeal,
    CampaignMembership,
    Correspondence,
    Demand,
    HiddenNotice,
    Organisation,
    Position,
    Role,
    Statement,
)
from habeas.coalition.queries import DemandStatus, united_front
from tests.conftest import Mailbox
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in
from tests.pages import forget_pages, page_queries

pytestmark = pytest.mark.django_db


@dataclass
class Front:
    campaign: Any
    a: Any
    b: Any
    users: dict[str, Any]

    def client(self, name: str) -> Client:
        return sign_in(Client(), self.users[name])


def _join(campaign: Any, organisation: Any) -> None:
    from django.utils import timezone

    CampaignMembership.objects.create(
        campaign=campaign, organisation=organisation, status="ACTIVE", joined_at=timezone.now()
    )


@pytest.fixture
def front() -> Front:
    return make_front()


def make_front() -> Front:
    campaign = CampaignFactory(slug="free-them", title="Free them")
    a = OrganisationFactory(slug="org-a", name="Alpha League", short_name="AL")
    b = OrganisationFactory(slug="org-b", name="Beta Committee", short_name="BC")
    _join(campaign, a)
    _join(campaign, b)
    users = {
        "editor_a": UserFactory(username="editor_a"),
        "admin_a": UserFactory(username="admin_a", email="admin-a@example.org"),
        "editor_b": UserFactory(username="editor_b"),
        "admin_b": UserFactory(username="admin_b"),
        "coordinator": UserFactory(username="coord"),
    }
    grant(users["editor_a"], Role.ORG_EDITOR, organisation=a)
    grant(users["admin_a"], Role.ORG_ADMIN, organisation=a)
    grant(users["editor_b"], Role.ORG_EDITOR, organisation=b)
    grant(users["admin_b"], Role.ORG_ADMIN, organisation=b)
    grant(users["coordinator"], Role.COORDINATOR, campaign=campaign)
    return Front(campaign, a, b, users)


def _propose(front: Front, text: str = "Free all political prisoners!") -> Demand:
    return services.demand_propose(
        by=front.users["editor_a"], campaign=front.campaign, organisation=front.a, text=text
    )


def _status(front: Front, demand: Demand) -> str:
    return next(r.status for r in united_front(front.campaign).rows if r.demand == demand)


def test_a_demand_endorsed_by_its_proposer_alone_is_its_own_slogan(front: Front) -> None:
    demand = _propose(front)
    assert _status(front, demand) == DemandStatus.OWN
    services.position_record(
        by=front.users["editor_b"], demand=demand, organisation=front.b, stance="ENDORSES"
    )
    assert _status(front, demand) == DemandStatus.COMMON


def test_the_quorum_can_be_lower_than_every_member(front: Front) -> None:
    c = OrganisationFactory()
    _join(front.campaign, c)
    front.campaign.quorum = 2
    front.campaign.save()
    demand = _propose(front)
    services.position_record(
        by=front.users["editor_b"], demand=demand, organisation=front.b, stance="ENDORSES"
    )
    assert _status(front, demand) == DemandStatus.COMMON
    page = front.client("editor_a").get("/campaigns/free-them/").content.decode()
    assert "at least 2 of the 3 member organisations" in page


def test_rewording_a_common_demand_needs_fresh_endorsements(front: Front) -> None:
    demand = _propose(front)
    services.position_record(
        by=front.users["editor_b"], demand=demand, organisation=front.b, stance="ENDORSES"
    )
    services.demand_reword(by=front.users["editor_a"], demand=demand, text="Free them all now!")
    demand.refresh_from_db()
    assert demand.version == 2
    assert _status(front, demand) == DemandStatus.OWN
    page = Client().get("/campaigns/free-them/").content.decode()
    assert "earlier wording" in page
    services.position_record(
        by=front.users["editor_b"], demand=demand, organisation=front.b, stance="ENDORSES"
    )
    assert _status(front, demand) == DemandStatus.COMMON
    history = Client().get("/campaigns/free-them/history/").content.decode()
    assert "Free all political prisoners!" in history
    assert "Free them all now!" in history


def test_positions_change_and_their_history_is_kept(front: Front) -> None:
    demand = _propose(front, "Free Imran Khan!")
    client = front.client("editor_b")
    response = client.post(
        f"/campaigns/free-them/demands/{demand.pk}/position/",
        {"organisation": front.b.pk, "stance": "ENDORSES", "reason": ""},
    )
    assert response.status_code == 302
    client.post(
        f"/campaigns/free-them/demands/{demand.pk}/position/",
        {"organisation": front.b.pk, "stance": "DISAGREES", "reason": "He jailed our comrades."},
    )
    assert Position.objects.filter(demand=demand, organisation=front.b).count() == 2
    page = Client().get("/campaigns/free-them/").content.decode()
    assert "Disagrees" in page
    assert "He jailed our comrades." in page
    history = Client().get("/campaigns/free-them/history/").content.decode()
    assert history.count("Beta Committee") >= 2
    assert "Endorses" in history
    assert "Disagrees" in history


def test_the_page_says_endorsing_common_demands_is_not_endorsing_slogans(front: Front) -> None:
    page = Client().get("/campaigns/free-them/").content.decode()
    assert "not endorsing any other organisation" in page


# --- The anti-censorship rule -------------------------------------------------


def test_another_organisations_editor_cannot_reword_or_withdraw_a_slogan(front: Front) -> None:
    demand = _propose(front)
    client = front.client("editor_b")
    response = client.post(
        f"/campaigns/free-them/demands/{demand.pk}/reword/", {"text": "Changed by B"}
    )
    assert response.status_code == 403
    assert client.post(f"/campaigns/free-them/demands/{demand.pk}/withdraw/").status_code == 403
    demand.refresh_from_db()
    assert (demand.text, demand.version, demand.withdrawn_at) == (
        "Free all political prisoners!",
        1,
        None,
    )
    with pytest.raises(PermissionDenied):
        services.demand_reword(by=front.users["editor_b"], demand=demand, text="x")


def test_a_coordinator_cannot_edit_an_organisations_slogan_either(front: Front) -> None:
    demand = _propose(front)
    response = front.client("coordinator").post(
        f"/campaigns/free-them/demands/{demand.pk}/reword/", {"text": "Softer words"}
    )
    assert response.status_code == 403
    demand.refresh_from_db()
    assert demand.text == "Free all political prisoners!"


def test_an_editor_cannot_record_a_position_in_another_organisations_name(front: Front) -> None:
    demand = _propose(front)
    response = front.client("editor_b").post(
        f"/campaigns/free-them/demands/{demand.pk}/position/",
        {"organisation": front.a.pk, "stance": "DISAGREES", "reason": "x"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Position.objects.filter(demand=demand).count() == 1
    with pytest.raises(PermissionDenied):
        services.position_record(
            by=front.users["editor_b"], demand=demand, organisation=front.a, stance="DISAGREES"
        )


def test_an_id_from_another_campaign_answers_404(front: Front) -> None:
    other = CampaignFactory(slug="other")
    _join(other, front.a)
    foreign = services.demand_propose(
        by=front.users["editor_a"], campaign=other, organisation=front.a, text="Elsewhere"
    )
    client = front.client("editor_a")
    assert client.get(f"/campaigns/free-them/demands/{foreign.pk}/reword/").status_code == 404
    assert client.get(f"/campaigns/free-them/hide/demand/{foreign.pk}/").status_code == 404
    assert client.get(f"/campaigns/free-them/hide/nonsense/{foreign.pk}/").status_code == 404


def test_hiding_needs_a_reason(front: Front) -> None:
    demand = _propose(front)
    response = front.client("coordinator").post(
        f"/campaigns/free-them/hide/demand/{demand.pk}/", {"reason": "   "}
    )
    assert response.status_code == 400
    assert "Say why the item is hidden" in response.content.decode()
    assert HiddenNotice.objects.count() == 0
    with pytest.raises(ValidationError):
        services.item_hide(
            by=front.users["coordinator"], item=demand, reason="", site_url="http://testserver/"
        )


def test_an_editor_of_another_organisation_cannot_hide(front: Front) -> None:
    demand = _propose(front)
    response = front.client("editor_b").post(
        f"/campaigns/free-them/hide/demand/{demand.pk}/", {"reason": "We dislike it"}
    )
    assert response.status_code == 403
    assert HiddenNotice.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_hiding_leaves_a_public_notice_and_tells_the_organisation(smtp_server: Mailbox) -> None:
    front = make_front()
    demand = _propose(front, "Free Imran Khan!")
    services.position_record(
        by=front.users["editor_b"],
        demand=demand,
        organisation=front.b,
        stance="DISAGREES",
        reason="He jailed our comrades.",
    )
    response = front.client("coordinator").post(
        f"/campaigns/free-them/hide/demand/{demand.pk}/",
        {"reason": "Disputed in the coalition; see the letters."},
    )
    assert response.status_code == 302
    page = Client().get("/campaigns/free-them/").content.decode()
    assert "Hidden by the campaign" in page
    assert "<bdi>coord</bdi> hid this on" in page
    assert "Disputed in the coalition; see the letters." in page
    assert "Free Imran Khan!" not in page
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    [message] = smtp_server.messages
    assert message["To"] == "admin-a@example.org"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Disputed in the coalition" in body
    # The history keeps the notice but, to the public, not the hidden words.
    history = Client().get("/campaigns/free-them/history/").content.decode()
    assert "Free Imran Khan!" not in history
    assert "Disputed in the coalition" in history


def test_the_organisation_appeals_and_the_appeal_is_shown(
    front: Front, django_capture_on_commit_callbacks: Any
) -> None:
    demand = _propose(front)
    notice = services.item_hide(
        by=front.users["coordinator"],
        item=demand,
        reason="Too long",
        site_url="http://testserver/",
    )
    refused = front.client("editor_b").post(
        f"/campaigns/free-them/notices/{notice.pk}/appeal/", {"text": "B objects"}
    )
    assert refused.status_code == 403
    response = front.client("editor_a").post(
        f"/campaigns/free-them/notices/{notice.pk}/appeal/", {"text": "It is our demand."}
    )
    assert response.status_code == 302
    assert Appeal.objects.get().organisation == front.a
    assert "It is our demand." in Client().get("/campaigns/free-them/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        front.client("coordinator").post(f"/campaigns/free-them/notices/{notice.pk}/lift/")
    page = Client().get("/campaigns/free-them/").content.decode()
    assert "Free all political prisoners!" in page


def test_an_organisation_that_left_cannot_edit_but_its_words_stay(front: Front) -> None:
    statement = services.statement_publish(
        by=front.users["editor_a"],
        campaign=front.campaign,
        organisation=front.a,
        title="Our view",
        body="We stand with the prisoners.",
    )
    response = front.client("admin_a").post(
        "/campaigns/free-them/leave/",
        {"organisation": front.a.pk, "notice": "We disagree with the new strategy."},
    )
    assert response.status_code == 302
    edit = front.client("editor_a").post(
        f"/campaigns/free-them/statements/{statement.pk}/edit/",
        {"title": "Changed", "body": "Changed"},
    )
    assert edit.status_code == 400
    assert "has left this campaign" in edit.content.decode()
    statement.refresh_from_db()
    assert statement.title == "Our view"
    page = Client().get("/campaigns/free-them/").content.decode()
    assert "We disagree with the new strategy." in page
    assert (
        "We stand with the prisoners."
        in Client().get("/campaigns/free-them/history/").content.decode()
    )


def test_a_statement_of_one_megabyte_is_refused(front: Front) -> None:
    response = front.client("editor_a").post(
        "/campaigns/free-them/statements/new/",
        {"organisation": front.a.pk, "title": "Long", "body": "x" * 1_000_000},
    )
    assert response.status_code == 400
    assert "at most 20000 characters" in response.content.decode()
    assert Statement.objects.count() == 0


def test_script_in_a_statement_is_shown_as_text(front: Front) -> None:
    response = front.client("editor_a").post(
        "/campaigns/free-them/statements/new/",
        {
            "organisation": front.a.pk,
            "title": "<script>alert(1)</script>",
            "body": "Hello <script>alert(2)</script> **bold** [x](javascript:alert(3)) "
            "<img src=https://tracker.example/x.png>",
        },
    )
    assert response.status_code == 302
    page = Client().get("/campaigns/free-them/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<strong>bold</strong>" in page
    assert "javascript:" not in page
    assert "tracker.example" not in page


# --- Joining and leaving ------------------------------------------------------


def test_joining_requires_endorsing_the_common_demands(front: Front) -> None:
    demand = _propose(front)
    services.position_record(
        by=front.users["editor_b"], demand=demand, organisation=front.b, stance="ENDORSES"
    )
    newcomer = OrganisationFactory(slug="org-n", name="Newcomers")
    admin_n = UserFactory()
    grant(admin_n, Role.ORG_ADMIN, organisation=newcomer)
    client = sign_in(Client(), admin_n)
    refused = client.post("/campaigns/free-them/join/", {"organisation": newcomer.pk})
    assert refused.status_code == 400
    assert not CampaignMembership.objects.filter(organisation=newcomer).exists()
    asked = client.post(
        "/campaigns/free-them/join/", {"organisation": newcomer.pk, "endorses_common": "on"}
    )
    assert asked.status_code == 302
    assert CampaignMembership.objects.get(organisation=newcomer).status == "REQUESTED"
    front.client("coordinator").post(
        f"/campaigns/free-them/members/{newcomer.pk}/decide/", {"decision": "approve"}
    )
    assert CampaignMembership.objects.get(organisation=newcomer).status == "ACTIVE"
    position = Position.objects.get(demand=demand, organisation=newcomer, is_current=True)
    assert position.stance == "ENDORSES"
    assert _status(front, demand) == DemandStatus.COMMON


def test_the_united_front_page_needs_a_fixed_number_of_queries(front: Front) -> None:
    """The page's queries do not grow with organisations and demands."""

    def count() -> int:
        client = Client()
        forget_pages()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/campaigns/free-them/").status_code == 200
        return len(page_queries(queries.captured_queries))

    def add_member(n: int) -> None:
        organisation = OrganisationFactory()
        _join(front.campaign, organisation)
        editor = UserFactory()
        grant(editor, Role.ORG_EDITOR, organisation=organisation)
        demand = services.demand_propose(
            by=editor, campaign=front.campaign, organisation=organisation, text=f"Demand {n}"
        )
        services.statement_publish(
            by=editor,
            campaign=front.campaign,
            organisation=organisation,
            title=f"S{n}",
            body="text",
        )
        services.item_hide(
            by=front.users["coordinator"], item=demand, reason="r", site_url="http://testserver/"
        )

    _propose(front)
    add_member(0)
    small = count()
    for n in range(1, 6):
        add_member(n)
    assert count() == small


# --- Organisations ------------------------------------------------------------


def test_the_directory_filters_by_kind_and_country(front: Front) -> None:
    OrganisationFactory(name="Union of Dockers", kind="UNION", country="GB")
    page = Client().get("/organisations/?kind=UNION&country=GB").content.decode()
    assert "Union of Dockers" in page
    assert "Alpha League" not in page
    assert "No organisation matches" in Client().get("/organisations/?kind=NGO").content.decode()
    assert Client().get("/organisations/?kind=<script>&page=x").status_code == 200


def test_the_organisation_page_lists_campaigns_statements_and_slogans(front: Front) -> None:
    _propose(front, "Our own call")
    services.statement_publish(
        by=front.users["editor_a"],
        campaign=front.campaign,
        organisation=front.a,
        title="Why we march",
        body="Because.",
    )
    page = Client().get("/organisations/org-a/").content.decode()
    assert "Free them" in page
    assert "Why we march" in page
    assert "Our own call" in page
    assert Client().get("/organisations/no-such/").status_code == 404


def _png(size: int = 4) -> io.BytesIO:
    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (size, size), "red").save(data, "PNG")
    data.seek(0)
    data.name = "logo.png"
    return data


def test_logo_upload_is_checked(front: Front, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = front.client("editor_a")
    base = {"short_name": "AL", "kind": "PARTY", "country": "PK"}
    fake = io.BytesIO(b"not an image at all")
    fake.name = "logo.png"
    refused = client.post("/organisations/org-a/edit/", {**base, "logo": fake})
    assert refused.status_code == 400
    assert not Organisation.objects.get(pk=front.a.pk).logo
    accepted = client.post("/organisations/org-a/edit/", {**base, "logo": _png()})
    assert accepted.status_code == 302
    assert str(Organisation.objects.get(pk=front.a.pk).logo.name).startswith("logos/")


# --- Correspondence -----------------------------------------------------------


def test_open_letters_reply_and_correction(front: Front) -> None:
    client = front.client("editor_a")
    response = client.post(
        "/correspondence/new/",
        {
            "organisation": front.a.pk,
            "to_organisation": front.b.pk,
            "subject": "On Khan",
            "body": "Dear comrades,\n\n*Free them all.* <script>x()</script>",
            "signed": "A",
        },
    )
    assert response.status_code == 302
    letter = Correspondence.objects.get()
    reply = front.client("editor_b").post(
        f"/correspondence/{letter.pk}/reply/",
        {
            "organisation": front.b.pk,
            "subject": "Re: On Khan",
            "body": "We disagree.",
        },
    )
    assert reply.status_code == 302
    refused = front.client("editor_b").post(
        f"/correspondence/{letter.pk}/correct/", {"body": "No"}
    )
    assert refused.status_code == 403
    client.post(f"/correspondence/{letter.pk}/correct/", {"body": "We meant *all*."})
    page = Client().get(f"/correspondence/{letter.pk}/").content.decode()
    assert "<em>Free them all.</em>" in page
    assert "<script>" not in page
    assert "We disagree." in page
    assert "Correction" in page
    letter.refresh_from_db()
    assert letter.body.startswith("Dear comrades")
    assert Client().get("/correspondence/").status_code == 200


def test_a_letter_of_one_megabyte_is_refused(front: Front) -> None:
    response = front.client("editor_a").post(
        "/correspondence/new/",
        {
            "organisation": front.a.pk,
            "to_organisation": front.b.pk,
            "subject": "Long",
            "body": "x" * 1_000_000,
        },
    )
    assert response.status_code == 400
    assert Correspondence.objects.count() == 0


def test_the_demo_shows_the_letters_dispute(db: None) -> None:
    from habeas.demo.loader import load_demo

    load_demo()
    page = Client().get("/campaigns/free-political-prisoners-pakistan/").content.decode()
    assert "Free Imran Khan!" in page
    assert "reactionary capitalist politician" in page
    letter = Correspondence.objects.get()
    assert letter.source is not None
    assert "Dear comrades" in Client().get(f"/correspondence/{letter.pk}/").content.decode()


def test_a_coordinator_chooses_the_persons_the_campaign_defends(front: Front) -> None:
    """A coordinator finds a published record by name and defends it; nobody else may."""
    from habeas.cases.models import Person
    from habeas.cases.services.publishing import _publish_many
    from habeas.core.models import Source

    source = Source.objects.create(title="Report")
    person = Person.objects.create(name="Held Person", slug="held", source=source)
    _publish_many(person_ids=[person.pk], by=None)  # as the demo loader publishes
    refused = front.client("editor_a").post(
        "/campaigns/free-them/persons/", {"person": person.pk, "action": "add"}
    )
    assert refused.status_code == 403
    assert not person.campaigns.exists()
    found = front.client("coordinator").get("/campaigns/free-them/persons/", {"q": "held"})
    assert "Held Person" in found.content.decode()
    response = front.client("coordinator").post(
        "/campaigns/free-them/persons/", {"person": person.pk, "action": "add"}
    )
    assert response.status_code == 302
    assert list(person.campaigns.all()) == [front.campaign]
    bad = front.client("coordinator").post(
        "/campaigns/free-them/persons/", {"person": "999999", "action": "add"}
    )
    assert bad.status_code == 404
    assert list(person.campaigns.all()) == [front.campaign]
    assert "Held Person" in Client().get("/campaigns/free-them/").content.decode()


def test_an_organisation_admin_starts_a_campaign_and_coordinates_it(front: Front) -> None:
    client = front.client("admin_a")
    refused = client.post(
        "/campaigns/new/",
        {"organisation": front.a.pk, "title": "X", "status": "ACTIVE", "quorum": "0"},
    )
    assert refused.status_code == 400
    response = client.post(
        "/campaigns/new/",
        {"organisation": front.a.pk, "title": "Free the dockers", "status": "ACTIVE"},
    )
    assert response.status_code == 302
    from habeas.coalition.models import Campaign, RoleGrant

    campaign = Campaign.objects.get(title="Free the dockers")
    assert campaign.slug == "free-the-dockers"
    assert CampaignMembership.objects.get(campaign=campaign).organisation == front.a
    assert (
        RoleGrant.objects.active()
        .filter(user=front.users["admin_a"], role="COORDINATOR", campaign=campaign)
        .exists()
    )
    # An editor is told which role starting a campaign needs, and who grants it.
    explained = front.client("editor_a").get("/campaigns/new/")
    assert explained.status_code == 200
    assert "Only an admin of an organisation" in explained.content.decode()
    assert '<form method="post" class="stacked"' not in explained.content.decode()


def test_organiser_posts_without_a_csrf_token_are_refused(front: Front) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, front.users["editor_a"])
    response = client.post(
        "/campaigns/free-them/statements/new/",
        {"organisation": front.a.pk, "title": "T", "body": "B"},
    )
    assert response.status_code == 403
    assert Statement.objects.count() == 0

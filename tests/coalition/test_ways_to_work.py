"""Every role leads to its work, and forms show only to those who can use them.

The roles page links each role to the pages it uses; the campaign page offers
propose, publish, join, leave and appeal only to those who may; a form "in the
name of" an organisation says, to someone who can act for none, which role it
needs and who grants it, and a post to it changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from habeas.cases import services as cases_services
from habeas.coalition import services
from habeas.coalition.models import (
    Campaign,
    CampaignMembership,
    Correspondence,
    Demand,
    HiddenNotice,
    Role,
    Statement,
)
from habeas.core.models import Source
from tests.coalition.test_united_front import Front, make_front
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def front() -> Front:
    return make_front()


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _hide(front: Front, text: str = "A slogan to hide") -> HiddenNotice:
    demand = services.demand_propose(
        by=front.users["editor_a"], campaign=front.campaign, organisation=front.a, text=text
    )
    return services.item_hide(
        by=front.users["coordinator"],
        item=demand,
        reason="Off topic",
        site_url="http://testserver/",
    )


# --- The roles page ----------------------------------------------------------


def test_the_header_links_a_signed_in_user_to_their_roles() -> None:
    """Every page's header carries "My roles" once signed in, and not before."""
    user = UserFactory()
    assert 'href="/accounts/"' not in _page(Client(), "/organisations/")
    assert 'href="/accounts/">My roles</a>' in _page(sign_in(Client(), user), "/organisations/")


def test_a_documenter_finds_the_review_queue_with_its_count_and_the_person_form() -> None:
    campaign = CampaignFactory(slug="camp")
    first, second = UserFactory(), UserFactory()
    grant(first, Role.DOCUMENTER, campaign=campaign)
    grant(second, Role.DOCUMENTER, campaign=campaign)
    source = Source.objects.create(title="Court record")
    for name in ("One", "Two"):
        cases_services.person_save(by=first, source=source, campaign=campaign, name=name)
    page = _page(sign_in(Client(), second), "/accounts/")
    assert '<a href="/register/review/">Review queue (2 waiting)</a>' in page
    assert '<a href="/register/working/new/">Record a person</a>' in page
    assert '<a href="/register/import/">Import persons from a CSV file</a>' in page


def test_the_case_team_finds_each_persons_restricted_facts() -> None:
    campaign = CampaignFactory(slug="camp")
    documenter, keeper = UserFactory(), UserFactory()
    grant(documenter, Role.DOCUMENTER, campaign=campaign)
    grant(keeper, Role.CASE_TEAM, campaign=campaign)
    other = cases_services.person_save(
        by=grant(UserFactory(), Role.DOCUMENTER, campaign=CampaignFactory()).user,
        source=Source.objects.create(title="Elsewhere"),
        campaign=Campaign.objects.exclude(pk=campaign.pk).get(),
        name="Not theirs",
    )
    person = cases_services.person_save(
        by=documenter,
        source=Source.objects.create(title="Court record"),
        campaign=campaign,
        name="Kept person",
    )
    page = _page(sign_in(Client(), keeper), "/accounts/")
    assert f'href="/register/working/{person.pk}/restricted/"' in page
    assert f'href="/register/working/{other.pk}/restricted/"' not in page
    _page(sign_in(Client(), keeper), f"/register/working/{person.pk}/restricted/")


def test_a_coordinator_finds_coordination_team_and_moderation(front: Front) -> None:
    page = _page(front.client("coordinator"), "/accounts/")
    assert '<a href="/campaigns/free-them/coordinate/">Coordinate</a>' in page
    assert '<a href="/campaigns/free-them/coordinate/#team">Campaign team</a>' in page
    assert '<a href="/campaigns/free-them/moderation/">Moderation queue</a>' in page
    assert 'id="team"' in _page(front.client("coordinator"), "/campaigns/free-them/coordinate/")


def test_an_editor_finds_for_each_campaign_of_their_organisation_its_forms(
    front: Front,
) -> None:
    draft = CampaignFactory(slug="draft-one", status=Campaign.Status.DRAFT)
    CampaignMembership.objects.create(
        campaign=draft, organisation=front.a, status=CampaignMembership.Status.ACTIVE
    )
    page = _page(front.client("editor_a"), "/accounts/")
    assert '<a href="/campaigns/free-them/demands/new/">Propose a demand</a>' in page
    assert '<a href="/campaigns/free-them/statements/new/">Publish a statement</a>' in page
    assert 'href="/campaigns/free-them/#matrix-heading">Positions</a>' in page
    # A draft's pages answer 404 to its members' editors: no link to them.
    assert "draft-one" not in page


def test_a_site_admin_finds_the_admin_and_the_register_of_organisations() -> None:
    admin = UserFactory()
    grant(admin, Role.SITE_ADMIN)
    page = _page(sign_in(Client(), admin), "/accounts/")
    assert '<a href="/admin/">Django admin</a>' in page
    assert '<a href="/organisations/new/">Register an organisation</a>' in page
    assert '<a href="/register/facilities/">Proposed facilities</a>' in page


# --- The moderation queue -----------------------------------------------------


def test_the_moderation_queue_lists_hidden_items_and_shows_one_again(front: Front) -> None:
    notice = _hide(front, "A slogan CANARY-q1")
    coordinator = front.client("coordinator")
    page = _page(coordinator, "/campaigns/free-them/moderation/")
    assert "Moderation queue: Free them" in page
    assert "A slogan CANARY-q1" in page
    assert "Alpha League" in page
    assert "Show it again" in page
    response = coordinator.post(
        f"/campaigns/free-them/notices/{notice.pk}/lift/", {"back": "queue"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/campaigns/free-them/moderation/"
    page = response.content.decode()
    assert "The item is shown again" in page
    assert "Nothing is hidden in this campaign." in page
    notice.refresh_from_db()
    assert notice.lifted_at is not None


def test_showing_again_from_the_campaign_page_returns_to_it(front: Front) -> None:
    notice = _hide(front)
    response = front.client("coordinator").post(f"/campaigns/free-them/notices/{notice.pk}/lift/")
    assert response["Location"] == "/campaigns/free-them/"


def test_the_moderation_queue_is_its_campaigns_moderators_alone(front: Front) -> None:
    _hide(front)
    other = CampaignFactory(slug="other")
    outsider = UserFactory()
    grant(outsider, Role.COORDINATOR, campaign=other)
    assert sign_in(Client(), outsider).get("/campaigns/free-them/moderation/").status_code == 403
    assert front.client("editor_a").get("/campaigns/free-them/moderation/").status_code == 403
    anonymous = Client().get("/campaigns/free-them/moderation/")
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]
    assert front.client("coordinator").get("/campaigns/no-such/moderation/").status_code == 404
    # Another campaign's queue shows none of this one's items.
    assert "A slogan to hide" not in _page(
        sign_in(Client(), outsider), "/campaigns/other/moderation/"
    )


# --- The campaign page --------------------------------------------------------

LINKS = {
    "propose": 'href="/campaigns/free-them/demands/new/"',
    "statement": 'href="/campaigns/free-them/statements/new/"',
    "join": 'href="/campaigns/free-them/join/"',
    "leave": 'href="/campaigns/free-them/leave/"',
    "position": "your position</a>",
}


def _offered(client: Client) -> set[str]:
    page = _page(client, "/campaigns/free-them/")
    return {name for name, link in LINKS.items() if link in page}


def test_the_campaign_page_offers_each_form_only_to_those_who_can_use_it(front: Front) -> None:
    services.demand_propose(
        by=front.users["editor_a"], campaign=front.campaign, organisation=front.a, text="Free"
    )
    outside_admin = UserFactory()
    grant(outside_admin, Role.ORG_ADMIN, organisation=OrganisationFactory(slug="org-out"))
    plain = UserFactory()
    assert _offered(Client()) == set()
    assert _offered(sign_in(Client(), plain)) == set()
    assert _offered(front.client("coordinator")) == set()
    assert _offered(front.client("editor_a")) == {"propose", "statement", "position"}
    assert _offered(front.client("admin_a")) == {"propose", "statement", "position", "leave"}
    assert _offered(sign_in(Client(), outside_admin)) == {"join"}


def test_appeal_shows_only_to_the_hidden_items_organisation(front: Front) -> None:
    notice = _hide(front)
    appeal = f'href="/campaigns/free-them/notices/{notice.pk}/appeal/"'
    assert appeal in _page(front.client("editor_a"), "/campaigns/free-them/")
    assert appeal not in _page(front.client("editor_b"), "/campaigns/free-them/")
    assert appeal not in _page(front.client("coordinator"), "/campaigns/free-them/")


# --- Forms in the name of an organisation ---------------------------------------


def _forms(front: Front) -> dict[str, tuple[str, dict[str, Any], str]]:
    """Each "in the name of" form: its address, a post, and the role its refusal names."""
    demand = services.demand_propose(
        by=front.users["editor_a"], campaign=front.campaign, organisation=front.a, text="Free"
    )
    letter = services.correspondence_publish(
        by=front.users["editor_a"],
        organisation=front.a,
        subject="To you",
        body="Hello",
        to_organisation=front.b,
    )
    a = str(front.a.pk)
    member = "editor or admin of an organisation that is a member of this campaign"
    return {
        "propose": ("/campaigns/free-them/demands/new/", {"organisation": a, "text": "X"}, member),
        "statement": (
            "/campaigns/free-them/statements/new/",
            {"organisation": a, "title": "T", "body": "B"},
            member,
        ),
        "position": (
            f"/campaigns/free-them/demands/{demand.pk}/position/",
            {"organisation": a, "stance": "ENDORSES"},
            member,
        ),
        "join": (
            "/campaigns/free-them/join/",
            {"organisation": a, "endorses_common": "on"},
            "admin of an organisation that is not yet a member",
        ),
        "leave": (
            "/campaigns/free-them/leave/",
            {"organisation": a, "notice": "Bye"},
            "admin of an organisation that is a member of this campaign",
        ),
        "campaign": (
            "/campaigns/new/",
            {"organisation": a, "title": "New", "status": "ACTIVE"},
            "admin of an organisation",
        ),
        "write": (
            "/correspondence/new/",
            {"organisation": a, "to_organisation": str(front.b.pk), "subject": "S", "body": "B"},
            "editor or admin of an organisation",
        ),
        "reply": (
            f"/correspondence/{letter.pk}/reply/",
            {"organisation": a, "subject": "Re", "body": "B"},
            "editor or admin of an organisation",
        ),
        "open_letter": ("/letters/write/", {"authors": a}, "editor or admin of an organisation"),
        "action": ("/actions/new/", {"organisations": a}, "editor or admin of an organisation"),
    }


def _counts() -> tuple[int, ...]:
    return (
        Demand.objects.count(),
        Statement.objects.count(),
        CampaignMembership.objects.filter(status=CampaignMembership.Status.ACTIVE).count(),
        Campaign.objects.count(),
        Correspondence.objects.count(),
    )


@pytest.mark.parametrize(
    "name",
    [
        "propose",
        "statement",
        "position",
        "join",
        "leave",
        "campaign",
        "write",
        "reply",
        "open_letter",
        "action",
    ],
)
def test_a_form_in_an_organisations_name_says_which_role_it_needs(front: Front, name: str) -> None:
    """Someone who can act for no organisation is told the role needed and who grants it,
    with no form; a post answers 400 with the same words and changes nothing."""
    url, data, needed = _forms(front)[name]
    client = front.client("coordinator")
    page = _page(client, url)
    assert needed in page
    assert "grant" in page or "invites" in page or "make others admins" in page
    assert 'method="post" class="stacked"' not in page
    before = _counts()
    response = client.post(url, data)
    assert response.status_code == 400
    assert needed in response.content.decode()
    assert _counts() == before


def test_joining_is_offered_for_an_admins_organisations_outside_the_campaign(
    front: Front,
) -> None:
    """An admin whose every organisation is already a member is told so, not shown a form;
    one with an organisation outside sees only that one on the form."""
    assert "not yet a member" in _page(front.client("admin_a"), "/campaigns/free-them/join/")
    outside = OrganisationFactory(slug="org-out", name="Outside Union")
    grant(front.users["admin_a"], Role.ORG_ADMIN, organisation=outside)
    page = _page(front.client("admin_a"), "/campaigns/free-them/join/")
    assert "Outside Union" in page
    assert "Alpha League" not in page


def test_reply_and_correction_show_only_to_those_who_may_publish_them(front: Front) -> None:
    letter = services.correspondence_publish(
        by=front.users["editor_a"],
        organisation=front.a,
        subject="To you",
        body="Hello",
        to_organisation=front.b,
    )
    url = f"/correspondence/{letter.pk}/"
    reply = f'href="/correspondence/{letter.pk}/reply/"'
    correct = f'href="/correspondence/{letter.pk}/correct/"'
    author = _page(front.client("editor_a"), url)
    assert reply in author
    assert correct in author
    addressee = _page(front.client("editor_b"), url)
    assert reply in addressee
    assert correct not in addressee
    for client in (Client(), sign_in(Client(), UserFactory()), front.client("coordinator")):
        page = _page(client, url)
        assert reply not in page
        assert correct not in page

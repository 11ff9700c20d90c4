"""Drafts stay private: a draft campaign appears in no form, filter or list for outsiders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from habeas.coalition import services
from habeas.coalition.models import Campaign, Correspondence, Invitation, Role
from tests.coalition.test_united_front import Front, make_front
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

CANARY = "CANARY-DRAFT-z8r"


@dataclass
class Draft:
    front: Front
    campaign: Campaign
    users: dict[str, Any]


@pytest.fixture
def draft() -> Draft:
    """Alpha League's admin starts a draft campaign through the page; others stand outside."""
    front = make_front()
    response = front.client("admin_a").post(
        "/campaigns/new/",
        {"organisation": front.a.pk, "title": CANARY, "status": Campaign.Status.DRAFT},
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(title=CANARY)
    services.statement_publish(
        by=front.users["editor_a"],
        campaign=campaign,
        organisation=front.a,
        title="Statement in the draft",
        body="Text",
    )
    # A treasurer of Alpha League in the draft: its members page names the draft.
    grant(UserFactory(), Role.TREASURER, organisation=front.a, campaign=campaign)
    # An organisation with no admin yet (its members page is the site admin's), a
    # member of the draft with a treasurer in it.
    orphan = OrganisationFactory(slug="org-o")
    campaign.memberships.create(organisation=orphan, status="ACTIVE")
    grant(UserFactory(), Role.TREASURER, organisation=orphan, campaign=campaign)
    site_admin, other_coordinator, outsider_admin = UserFactory(), UserFactory(), UserFactory()
    grant(site_admin, Role.SITE_ADMIN)
    grant(other_coordinator, Role.COORDINATOR, campaign=CampaignFactory(slug="elsewhere"))
    grant(outsider_admin, Role.ORG_ADMIN, organisation=OrganisationFactory(slug="org-c"))
    users = {
        "admin_b": front.users["admin_b"],
        "editor_b": front.users["editor_b"],
        "coordinator_of_another": other_coordinator,
        "site_admin": site_admin,
        "outsider_admin": outsider_admin,
    }
    return Draft(front, campaign, users)


PAGES = [
    "/",
    "/organisations/",
    "/organisations/org-a/",
    "/organisations/org-b/",
    "/correspondence/",
    "/correspondence/new/",
    "/campaigns/new/",
    "/campaigns/free-them/",
    "/campaigns/free-them/history/",
    "/campaigns/free-them/join/",
    "/register/",
    "/register/statistics/",
    "/accounts/",
]


def test_no_page_shows_a_draft_to_anyone_outside_it(draft: Draft) -> None:
    """Anonymous visitors, other organisations, other coordinators, a site admin: no canary."""
    clients = {"anonymous": Client()} | {
        name: sign_in(Client(), user) for name, user in draft.users.items()
    }
    for name, client in clients.items():
        pages = PAGES + [f"/ur{page}" for page in PAGES]
        if name == "admin_b":
            pages += ["/organisations/org-b/members/"]
        if name == "site_admin":
            # The site admin manages the orphan's members, but is not in its draft.
            pages += ["/organisations/org-o/members/"]
        for page in pages:
            response = client.get(page)
            if name == "anonymous" and response.status_code == 302:
                continue
            # A page refused outright (starting a campaign needs an organisation admin).
            assert response.status_code in {200, 403}, (name, page, response.status_code)
            assert CANARY not in response.content.decode(), (name, page)


def test_those_inside_the_draft_see_it_in_their_forms(draft: Draft) -> None:
    """Its coordinator sees it among the roles and the treasurer's campaigns."""
    client = draft.front.client("admin_a")
    assert CANARY in client.get("/accounts/").content.decode()
    assert CANARY in client.get("/organisations/org-a/members/").content.decode()


def test_a_letter_cannot_be_addressed_to_a_draft(draft: Draft) -> None:
    """A posted draft id is not a valid choice; the service refuses it too; nothing is kept."""
    front = draft.front
    response = front.client("editor_b").post(
        "/correspondence/new/",
        {
            "organisation": front.b.pk,
            "to_campaign": draft.campaign.pk,
            "subject": "To you",
            "body": "Text",
        },
    )
    assert response.status_code == 400
    with pytest.raises(ValidationError):
        services.correspondence_publish(
            by=front.users["editor_a"],
            organisation=front.a,
            subject="To our draft",
            body="Text",
            to_campaign=draft.campaign,
        )
    assert not Correspondence.objects.exists()


def test_a_treasurer_cannot_be_invited_into_a_draft_by_an_outsider(draft: Draft) -> None:
    """The site admin manages the orphan's members, but its draft is no valid choice."""
    client = sign_in(Client(), draft.users["site_admin"])
    assert client.get("/organisations/org-o/members/").status_code == 200
    response = client.post(
        "/organisations/org-o/members/invite/",
        {"email": "t@example.org", "role": Role.TREASURER, "campaign": draft.campaign.pk},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_a_campaign_made_a_draft_again_leaves_the_letters_pages(
    draft: Draft, django_capture_on_commit_callbacks: Any
) -> None:
    """Letters to a campaign set back to draft leave the letter list and the sender's page."""
    front = draft.front
    secret = "CANARY-WAS-PUBLIC-u3"
    public = CampaignFactory(slug="was-public", title=secret)
    grant(front.users["coordinator"], Role.COORDINATOR, campaign=public)
    letter = services.correspondence_publish(
        by=front.users["editor_a"],
        organisation=front.a,
        subject="To the campaign",
        body="Text",
        to_campaign=public,
    )
    assert secret in Client().get("/correspondence/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = front.client("coordinator").post(
            "/campaigns/was-public/coordinate/settings/",
            {"title": secret, "status": Campaign.Status.DRAFT},
        )
    assert response.status_code == 302
    for page in ("/correspondence/", "/organisations/org-a/", "/"):
        assert secret not in Client().get(page).content.decode(), page
    assert Client().get(f"/correspondence/{letter.pk}/").status_code == 404

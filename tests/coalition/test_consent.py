"""Consent is given, never inferred: joining endorses what was common when one asked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from habeas.coalition import services
from habeas.coalition.models import CampaignMembership, Position, Role
from habeas.coalition.queries import DemandStatus, united_front
from tests.coalition.test_united_front import Front, make_front
from tests.factories import OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def front() -> Front:
    return make_front()


def _common(front: Front, text: str) -> Any:
    """A demand both members endorse, through the pages."""
    front.client("editor_a").post(
        "/campaigns/free-them/demands/new/", {"organisation": front.a.pk, "text": text}
    )
    demand = front.campaign.demands.get(text=text)
    front.client("editor_b").post(
        f"/campaigns/free-them/demands/{demand.pk}/position/",
        {"organisation": front.b.pk, "stance": "ENDORSES"},
    )
    row = next(r for r in united_front(front.campaign).rows if r.demand == demand)
    assert row.status == DemandStatus.COMMON
    return demand


def _newcomer() -> tuple[Any, Any, Client]:
    newcomer = OrganisationFactory(slug="org-n", name="Newcomers")
    admin_n = UserFactory(username="admin_n")
    grant(admin_n, Role.ORG_ADMIN, organisation=newcomer)
    return newcomer, admin_n, sign_in(Client(), admin_n)


def _shown(page: Any) -> str:
    found = re.search(rb'name="common_demands" value="([^"]*)"', page.content)
    assert found is not None
    return found.group(1).decode()


def test_approval_endorses_only_what_was_common_when_the_organisation_asked(
    front: Front,
) -> None:
    """A demand that became common after the request waits for the new member's own editors."""
    before = _common(front, "Free all political prisoners!")
    newcomer, admin_n, client = _newcomer()
    page = client.get("/campaigns/free-them/join/")
    asked = client.post(
        "/campaigns/free-them/join/",
        {"organisation": newcomer.pk, "endorses_common": "on", "common_demands": _shown(page)},
    )
    assert asked.status_code == 302
    later = _common(front, "Drop the charges under the anti-terror act")
    decided = front.client("coordinator").post(
        f"/campaigns/free-them/members/{newcomer.pk}/decide/", {"decision": "approve"}
    )
    assert decided.status_code == 302
    assert CampaignMembership.objects.get(organisation=newcomer).status == "ACTIVE"
    endorsed = Position.objects.get(demand=before, organisation=newcomer, is_current=True)
    assert (endorsed.stance, endorsed.version) == ("ENDORSES", 1)
    # Recorded on the word of the admin who asked, not of the coordinator who approved.
    assert endorsed.created_by == admin_n
    assert not Position.objects.filter(demand=later, organisation=newcomer).exists()
    # Every position recorded in the newcomer's name is one its own admin gave.
    assert set(
        Position.objects.filter(organisation=newcomer).values_list("created_by", flat=True)
    ) == {admin_n.pk}
    row = next(r for r in united_front(front.campaign).rows if r.demand == later)
    assert row.status != DemandStatus.COMMON


def test_a_coordinator_inviting_an_organisation_that_asked_endorses_nothing_new(
    front: Front,
) -> None:
    """Inviting an organisation that asked approves its request, on what it agreed to then."""
    newcomer, _admin, client = _newcomer()
    client.post(
        "/campaigns/free-them/join/", {"organisation": newcomer.pk, "endorses_common": "on"}
    )
    later = _common(front, "Release them now")
    response = front.client("coordinator").post(
        "/campaigns/free-them/coordinate/invite-organisation/", {"organisation": newcomer.slug}
    )
    assert response.status_code == 302
    assert CampaignMembership.objects.get(organisation=newcomer).status == "ACTIVE"
    assert not Position.objects.filter(organisation=newcomer).exists()
    assert later.positions.filter(is_current=True).count() == 2


def test_a_reworded_demand_keeps_the_endorsement_on_the_wording_agreed(front: Front) -> None:
    """The newcomer agreed to wording 1; approval records that, not wording 2."""
    demand = _common(front, "Free them")
    newcomer, _admin, client = _newcomer()
    client.post(
        "/campaigns/free-them/join/", {"organisation": newcomer.pk, "endorses_common": "on"}
    )
    services.demand_reword(by=front.users["editor_a"], demand=demand, text="Free them all, now")
    front.client("coordinator").post(
        f"/campaigns/free-them/members/{newcomer.pk}/decide/", {"decision": "approve"}
    )
    position = Position.objects.get(demand=demand, organisation=newcomer, is_current=True)
    assert position.version == 1
    cell = next(
        c
        for r in united_front(front.campaign).rows
        if r.demand == demand
        for c in r.cells
        if c and c.organisation_id == newcomer.pk
    )
    assert cell.is_old


def test_asking_from_a_page_read_before_a_new_common_demand_changes_nothing(
    front: Front,
) -> None:
    """Consent covers what the page showed: a stale page is refused, plainly, with nothing kept."""
    _common(front, "Free all political prisoners!")
    newcomer, _admin, client = _newcomer()
    stale = _shown(client.get("/campaigns/free-them/join/"))
    _common(front, "A demand agreed while the page was open")
    refused = client.post(
        "/campaigns/free-them/join/",
        {"organisation": newcomer.pk, "endorses_common": "on", "common_demands": stale},
    )
    assert refused.status_code == 400
    assert b"The common demands changed since you opened this page" in refused.content
    assert b"A demand agreed while the page was open" in refused.content
    assert not CampaignMembership.objects.filter(organisation=newcomer).exists()
    # The page now carries the current list; confirming it is accepted.
    again = client.post(
        "/campaigns/free-them/join/",
        {
            "organisation": newcomer.pk,
            "endorses_common": "on",
            "common_demands": _shown(refused),
        },
    )
    assert again.status_code == 302
    assert len(CampaignMembership.objects.get(organisation=newcomer).common_when_asked) == 2


def test_the_join_page_quotes_each_common_demand_in_its_own_language(front: Front) -> None:
    """The common demands quoted in the join sentence are each in a `q` that carries
    its language and direction (its marks are then its language's, and English words
    cannot move the Urdu sentence around them); an Urdu reader gets the Urdu version
    where there is one, and the English one marked as such where there is not."""
    both = _common(front, "Free all political prisoners!")
    both.text_ur = "تمام سیاسی قیدیوں کو رہا کرو!"
    both.save(update_fields=["text_ur"])
    _common(front, "Drop the charges <now>")
    _, _, client = _newcomer()

    english = client.get("/campaigns/free-them/join/").content.decode()
    assert '<q lang="en" dir="ltr">Free all political prisoners!</q>' in english
    assert '<q lang="en" dir="ltr">Drop the charges &lt;now&gt;</q>' in english
    assert "“" not in english

    urdu = client.get("/ur/campaigns/free-them/join/").content.decode()
    assert '<q lang="ur" dir="rtl">تمام سیاسی قیدیوں کو رہا کرو!</q>' in urdu
    fallback = '<q lang="en" dir="ltr">Drop the charges &lt;now&gt;</q> <small class="lang-note">'
    assert fallback in urdu
    assert "“" not in urdu

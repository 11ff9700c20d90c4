"""Hidden means hidden, visibly: a hidden text leaves every public page, its notice stays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from habeas.coalition import services
from habeas.coalition.models import Demand, HiddenNotice, Position, Role, Statement
from tests.coalition.test_united_front import Front, make_front
from tests.factories import OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

DEMAND = "CANARY-DEMAND-q7x"
STATEMENT_TITLE = "CANARY-TITLE-k2v"
STATEMENT_BODY = "CANARY-BODY-m4z"
REASON = "CANARY-REASON-p9w"
CANARIES = (DEMAND, STATEMENT_TITLE, STATEMENT_BODY, REASON)


@dataclass
class Hidden:
    front: Front
    demand: Demand
    statement: Statement
    position: Position
    outsider: Any


def _public_pages(front: Front) -> list[str]:
    letter = services.correspondence_publish(
        by=front.users["editor_a"],
        organisation=front.a,
        subject="To our partners",
        body="An ordinary letter.",
        to_organisation=front.b,
    )
    pages = [
        "/",
        "/campaigns/free-them/",
        "/campaigns/free-them/history/",
        "/organisations/",
        "/organisations/org-a/",
        "/organisations/org-b/",
        "/correspondence/",
        f"/correspondence/{letter.pk}/",
        "/register/",
    ]
    return pages + [f"/ur{page}" for page in pages]


@pytest.fixture
def hidden() -> Hidden:
    front = make_front()
    editor_a, editor_b = front.users["editor_a"], front.users["editor_b"]
    demand = services.demand_propose(
        by=editor_a, campaign=front.campaign, organisation=front.a, text=DEMAND
    )
    services.demand_reword(by=editor_a, demand=demand, text=DEMAND + " now")
    statement = services.statement_publish(
        by=editor_a,
        campaign=front.campaign,
        organisation=front.a,
        title=STATEMENT_TITLE,
        body=STATEMENT_BODY,
    )
    visible = services.demand_propose(
        by=editor_a, campaign=front.campaign, organisation=front.a, text="Free them all"
    )
    position = services.position_record(
        by=editor_b, demand=visible, organisation=front.b, stance="DISAGREES", reason=REASON
    )
    coordinator = front.client("coordinator")
    for kind, item in (("demand", demand), ("statement", statement), ("position", position)):
        response = coordinator.post(
            f"/campaigns/free-them/hide/{kind}/{item.pk}/", {"reason": f"Reason for {kind}"}
        )
        assert response.status_code == 302
    appeal = front.client("admin_a").post(
        f"/campaigns/free-them/notices/{HiddenNotice.objects.get(demand=demand).pk}/appeal/",
        {"text": "We appeal this"},
    )
    assert appeal.status_code == 302
    outsider = UserFactory(username="outsider")
    grant(outsider, Role.ORG_ADMIN, organisation=OrganisationFactory(slug="org-c"))
    return Hidden(front, demand, statement, position, outsider)


def _visitors(hidden: Hidden) -> dict[str, Client]:
    return {
        "anonymous": Client(),
        "outsider": sign_in(Client(), hidden.outsider),
    }


def test_a_hidden_items_text_leaves_every_public_page(hidden: Hidden) -> None:
    """No canary on any public page, to anyone outside; the notice and the appeal stay."""
    pages = _public_pages(hidden.front)
    for who, client in _visitors(hidden).items():
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (who, page, response.status_code)
            content = response.content.decode()
            for canary in CANARIES:
                assert canary not in content, (who, page, canary)
        for page in ("/campaigns/free-them/", "/campaigns/free-them/history/"):
            content = client.get(page).content.decode()
            for kind in ("demand", "statement", "position"):
                assert f"Reason for {kind}" in content, (who, page, kind)
            assert "We appeal this" in content, (who, page)
            assert "coord" in content  # who hid it


def test_the_position_page_does_not_quote_a_hidden_demand(hidden: Hidden) -> None:
    """A signed-in outsider opening the position form of a hidden demand does not read it."""
    client = sign_in(Client(), hidden.outsider)
    response = client.get(f"/campaigns/free-them/demands/{hidden.demand.pk}/position/")
    assert response.status_code == 200
    assert DEMAND not in response.content.decode()


def test_the_organisation_and_the_coordinators_still_read_the_text(hidden: Hidden) -> None:
    """A's editors read A's hidden items, B's editors B's; coordinators read all of them."""
    front = hidden.front
    readers = {
        "editor_a": {DEMAND, STATEMENT_TITLE, STATEMENT_BODY},
        "editor_b": {REASON},
        "coordinator": set(CANARIES),
    }
    for who, canaries in readers.items():
        client = front.client(who)
        for page in ("/campaigns/free-them/", "/campaigns/free-them/history/"):
            content = client.get(page).content.decode()
            for canary in CANARIES:
                assert (canary in content) == (canary in canaries), (who, page, canary)


def test_showing_an_item_again_restores_its_text(hidden: Hidden) -> None:
    """After the coordinator lifts every notice, the public reads every text again."""
    coordinator = hidden.front.client("coordinator")
    for notice in HiddenNotice.objects.all():
        response = coordinator.post(f"/campaigns/free-them/notices/{notice.pk}/lift/")
        assert response.status_code == 302
    campaign = Client().get("/campaigns/free-them/").content.decode()
    history = Client().get("/campaigns/free-them/history/").content.decode()
    for canary in CANARIES:
        assert canary in history, canary
    for canary in (DEMAND, STATEMENT_TITLE, STATEMENT_BODY, REASON):
        assert canary in campaign, canary


INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c\u200d",  # ZWNJ, ZWJ
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\u2062\u2063",  # invisible times, separator (Cf)
    "\u200b \u3000\u00a0\u200b",  # mixed with whitespace
    "\u3164\u034f",  # Hangul filler, combining grapheme joiner
]


@pytest.mark.parametrize("text", INVISIBLE)
def test_a_hide_reason_of_invisible_characters_is_empty(text: str) -> None:
    """The coordinator is told the reason is empty; nothing is hidden."""
    front = make_front()
    demand = services.demand_propose(
        by=front.users["editor_a"], campaign=front.campaign, organisation=front.a, text="Free"
    )
    response = front.client("coordinator").post(
        f"/campaigns/free-them/hide/demand/{demand.pk}/", {"reason": text}
    )
    assert response.status_code == 400
    assert "Say why the item is hidden, in visible words" in response.content.decode()
    assert not HiddenNotice.objects.exists()


@pytest.mark.parametrize("text", INVISIBLE)
def test_a_demand_of_invisible_characters_is_empty(text: str) -> None:
    """Proposing or rewording a demand to invisible characters is refused; nothing changes."""
    front = make_front()
    client = front.client("editor_a")
    refused = client.post(
        "/campaigns/free-them/demands/new/", {"organisation": front.a.pk, "text": text}
    )
    assert refused.status_code == 400
    assert "made only of invisible characters" in refused.content.decode()
    assert not Demand.objects.exists()
    demand = services.demand_propose(
        by=front.users["editor_a"], campaign=front.campaign, organisation=front.a, text="Free"
    )
    reworded = client.post(f"/campaigns/free-them/demands/{demand.pk}/reword/", {"text": text})
    assert reworded.status_code == 400
    demand.refresh_from_db()
    assert (demand.text, demand.version, demand.versions.count()) == ("Free", 1, 1)

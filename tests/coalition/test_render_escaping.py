"""Every user-written field the united-front page builds by hand is shown as text.

``coalition/render.py`` builds the matrix, the demands and the reasons in
Python. Each field below carries its own markup payload, and each branch of
the renderer (the public view, Urdu, a hidden item read by its own
organisation) is visited, so dropping any one ``escape()`` shows raw markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape
from django.utils.timezone import now

from habeas.coalition.models import (
    CampaignMembership,
    Demand,
    DemandVersion,
    HiddenNotice,
    Position,
    Role,
)
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db


def payload(field: str) -> str:
    """Markup no page may show as markup: tags, both quotes, an ampersand, brackets."""
    return f"""<b>"{field}"</b>'&<>"""


FIELDS = {
    "organisation name": "org_name",
    "organisation short name": "org_short",
    "other organisation name": "other_name",
    "demand text": "demand_text",
    "demand text in Urdu": "demand_text_ur",
    "hidden demand text": "hidden_demand_text",
    "reason": "reason",
    "hidden reason": "hidden_reason",
}


@dataclass
class Page:
    slug: str
    editor_b: Any
    coordinator: Any


@pytest.fixture
def page() -> Page:
    campaign = CampaignFactory(slug="escape-test")
    a = OrganisationFactory(name=payload("org_name"), short_name=payload("org_short"))
    b = OrganisationFactory(name=payload("other_name"), short_name="")
    for organisation in (a, b):
        CampaignMembership.objects.create(
            campaign=campaign, organisation=organisation, status="ACTIVE", joined_at=now()
        )
    editor_b, coordinator = UserFactory(), UserFactory()
    grant(editor_b, Role.ORG_EDITOR, organisation=b)
    grant(coordinator, Role.COORDINATOR, campaign=campaign)

    def demand(proposer: Any, text: str, text_ur: str = "") -> Demand:
        made = Demand.objects.create(
            campaign=campaign, proposed_by=proposer, text=text, text_ur=text_ur
        )
        DemandVersion.objects.create(demand=made, number=1, text=text, text_ur=text_ur)
        Position.objects.create(
            demand=made, organisation=proposer, stance=Position.Stance.ENDORSES, version=1
        )
        return made

    shown = demand(a, payload("demand_text"), payload("demand_text_ur"))
    hidden = demand(b, payload("hidden_demand_text"))
    Position.objects.create(
        demand=shown,
        organisation=b,
        stance=Position.Stance.DISAGREES,
        reason=payload("reason"),
        version=1,
    )
    third = demand(a, "A plain demand")
    hidden_position = Position.objects.create(
        demand=third,
        organisation=b,
        stance=Position.Stance.DISAGREES,
        reason=payload("hidden_reason"),
        version=1,
    )
    for item in ({"demand": hidden}, {"position": hidden_position}):
        HiddenNotice.objects.create(
            campaign=campaign, organisation=b, reason="Off topic.", hidden_by=coordinator, **item
        )
    return Page(campaign.slug, editor_b, coordinator)


def _pages(page: Page) -> dict[str, str]:
    """The campaign page as the public, in Urdu, and as the hidden items' own editor."""
    url = f"/campaigns/{page.slug}/"
    return {
        "public": Client().get(url).content.decode(),
        "urdu": Client().get(f"/ur{url}").content.decode(),
        "own editor": sign_in(Client(), page.editor_b).get(url).content.decode(),
        "coordinator": sign_in(Client(), page.coordinator).get(url).content.decode(),
    }


# Where each field must appear, escaped: the renderer's branch that shows it.
SEEN_IN = {
    "org_name": "public",
    "org_short": "public",
    "other_name": "public",
    "demand_text": "public",
    "demand_text_ur": "urdu",
    "hidden_demand_text": "own editor",
    "reason": "public",
    "hidden_reason": "own editor",
}


@pytest.mark.parametrize("field", sorted(SEEN_IN))
def test_a_user_field_is_shown_as_text_never_as_markup(page: Page, field: str) -> None:
    pages = _pages(page)
    raw = payload(field)
    for viewer, html in pages.items():
        assert raw not in html, (field, viewer)
        assert f"<b>&quot;{field}" not in html, (field, viewer)
        assert f'<b>"{field}' not in html, (field, viewer)
    assert escape(raw) in pages[SEEN_IN[field]], field


def test_hidden_text_leaves_the_public_page(page: Page) -> None:
    public = _pages(page)["public"]
    for field in ("hidden_demand_text", "hidden_reason"):
        assert field not in public

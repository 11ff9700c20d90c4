"""A campaign with organisations and people in every role, for the organisers' letter tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from habeas.coalition.models import Campaign, Organisation, Role
from habeas.letters.models import Letter
from habeas.letters.services import letters as letter_services
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    grant,
    member,
    sign_in,
)

ENGLISH = ("For the prisoners", "The Government of Pakistan", "Free them *now*.")


@dataclass
class World:
    """Organisation ``a`` writes; ``b`` is another member; ``c`` is outside the campaign."""

    campaign: Campaign
    other_campaign: Campaign
    a: Organisation
    b: Organisation
    c: Organisation
    users: dict[str, Any] = field(default_factory=dict)

    def client(self, name: str) -> Client:
        if name == "anonymous":
            return Client()
        return sign_in(Client(), self.users[name])

    def letter(self, *, status: str = Letter.Status.DRAFT, title: str = ENGLISH[0]) -> Letter:
        """A letter by ``a``, moved on to ``status`` through the services."""
        letter = letter_services.letter_create(
            by=self.users["editor_a"],
            campaign=self.campaign,
            authors=[self.a],
            texts={"en": (title, ENGLISH[1], ENGLISH[2])},
        )
        if status in {Letter.Status.OPEN, Letter.Status.CLOSED}:
            letter = letter_services.letter_publish(by=self.users["editor_a"], letter=letter)
        if status == Letter.Status.CLOSED:
            letter = letter_services.letter_close(by=self.users["editor_a"], letter=letter)
        return letter


# Everyone who is not an editor of the letter's authors: none may edit,
# publish or close it (the anti-censorship rule).
OUTSIDERS = ["editor_b", "admin_b", "coordinator", "site_admin", "stranger"]


def make_world() -> World:
    campaign = CampaignFactory()
    other_campaign = CampaignFactory()
    a = OrganisationFactory(name="Workers Union", kind=Organisation.Kind.UNION, country="GB")
    b = OrganisationFactory(name="Students Front", kind=Organisation.Kind.STUDENT_GROUP)
    c = OrganisationFactory(name="Faraway Party", country="DE")
    member(campaign, a)
    member(campaign, b)
    member(other_campaign, c)
    world = World(campaign=campaign, other_campaign=other_campaign, a=a, b=b, c=c)
    roles = {
        "editor_a": (Role.ORG_EDITOR, {"organisation": a}),
        "admin_a": (Role.ORG_ADMIN, {"organisation": a}),
        "editor_b": (Role.ORG_EDITOR, {"organisation": b}),
        "admin_b": (Role.ORG_ADMIN, {"organisation": b}),
        "editor_c": (Role.ORG_EDITOR, {"organisation": c}),
        "coordinator": (Role.COORDINATOR, {"campaign": campaign}),
        "other_coordinator": (Role.COORDINATOR, {"campaign": other_campaign}),
        "site_admin": (Role.SITE_ADMIN, {}),
    }
    for name, (role, scope) in roles.items():
        user = UserFactory(username=name)
        grant(user, role, **scope)
        world.users[name] = user
    world.users["stranger"] = UserFactory(username="stranger")
    return world

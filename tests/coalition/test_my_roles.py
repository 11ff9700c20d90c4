"""My roles page: each role offers the pages it opens, and no other."""

from __future__ import annotations

import pytest
from django.test import Client

from habeas.coalition.models import Role
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

PAGES = {
    "members": "/organisations/org/members/",
    "profile": "/organisations/org/edit/",
    "coordinate": "/campaigns/camp/coordinate/",
    "register": "/organisations/new/",
}


@pytest.mark.parametrize(
    ("role", "scope", "offered"),
    [
        (Role.ORG_ADMIN, "organisation", {"members", "profile"}),
        (Role.ORG_EDITOR, "organisation", {"profile"}),
        (Role.COORDINATOR, "campaign", {"coordinate"}),
        (Role.MODERATOR, "campaign", set()),
        (Role.SITE_ADMIN, None, {"register"}),
    ],
)
def test_each_role_links_to_its_own_pages(role: str, scope: str | None, offered: set[str]) -> None:
    user = UserFactory()
    where = {
        "organisation": OrganisationFactory(slug="org"),
        "campaign": CampaignFactory(slug="camp"),
    }
    grant(user, role, **({scope: where[scope]} if scope else {}))
    page = sign_in(Client(), user).get("/accounts/").content.decode()
    shown = {name for name, url in PAGES.items() if f'href="{url}"' in page}
    assert shown == offered

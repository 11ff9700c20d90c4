"""A campaign's staff find their letters' work from their roles and coordinate pages."""

from __future__ import annotations

import pytest
from django.test import Client

from habeas.coalition.models import Role
from tests.factories import UserFactory, grant, sign_in
from tests.letters.test_signing import open_letter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "moderates", "packs"),
    [
        (Role.COORDINATOR, True, True),
        (Role.MODERATOR, True, False),
        (Role.DOCUMENTER, False, False),
    ],
)
def test_roles_page_links_to_the_letters_work_of_each_campaign_role(
    role: str, moderates: bool, packs: bool
) -> None:
    letter = open_letter()
    user = UserFactory()
    grant(user, role, campaign=letter.campaign)
    page = sign_in(Client(), user).get("/accounts/").content.decode()
    assert (f"/letters/{letter.slug}/moderate/" in page) is moderates
    assert (f"/letters/{letter.slug}/pack.pdf" in page) is packs
    # Every link shown leads somewhere this user may go.
    client = sign_in(Client(), user)
    if moderates:
        assert client.get(f"/letters/{letter.slug}/moderate/").status_code == 200
    if packs:
        assert client.get(f"/letters/{letter.slug}/pack.csv").status_code == 200


def test_coordinate_page_lists_the_campaigns_open_letters() -> None:
    letter = open_letter()
    coordinator = UserFactory()
    grant(coordinator, Role.COORDINATOR, campaign=letter.campaign)
    page = sign_in(Client(), coordinator).get(f"/campaigns/{letter.campaign.slug}/coordinate/")
    assert f"/letters/{letter.slug}/moderate/".encode() in page.content
    assert f"/letters/{letter.slug}/pack.pdf".encode() in page.content


def test_organisations_find_the_way_to_endorse_from_the_letter() -> None:
    """The letter page leads an organisation to the request form, and the form leads
    an organisation already on Habeas to its own endorsement page."""
    letter = open_letter()
    page = Client().get(f"/letters/{letter.slug}/").content.decode()
    assert f"/letters/{letter.slug}/endorse/ask/" in page
    ask = Client().get(f"/letters/{letter.slug}/endorse/ask/").content.decode()
    assert f'href="/letters/{letter.slug}/endorse/"' in ask
    urdu = Client().get(f"/ur/letters/{letter.slug}/endorse/ask/").content.decode()
    assert f'href="/ur/letters/{letter.slug}/endorse/"' in urdu

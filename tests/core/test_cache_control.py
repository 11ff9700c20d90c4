"""What a signed-in user saw is kept by no cache; the CSRF cookie ends with the session."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from habeas.coalition.models import Role
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    grant,
    member,
    sign_in,
)

pytestmark = pytest.mark.django_db

# Public pages, organiser pages and the Urdu ones: before the fix several of
# these (the home, campaign, organisation and register pages) sent no
# Cache-Control at all to a signed-in coordinator.
SIGNED_IN_PAGES = [
    "/",
    "/ur/",
    "/campaigns/campaign-x/",
    "/campaigns/campaign-x/history/",
    "/organisations/",
    "/organisations/org-x/",
    "/organisations/org-x/members/",
    "/register/",
    "/register/statistics/",
    "/correspondence/",
    "/accounts/",
    "/accounts/two-factor/setup/",
    "/campaigns/campaign-x/coordinate/",
]


@pytest.fixture
def organiser() -> Any:
    user = UserFactory()
    campaign = CampaignFactory(slug="campaign-x")
    organisation = OrganisationFactory(slug="org-x")
    member(campaign, organisation)
    grant(user, Role.COORDINATOR, campaign=campaign)
    grant(user, Role.ORG_ADMIN, organisation=organisation)
    return user


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_every_page_to_a_signed_in_user_is_private_and_not_stored(
    organiser: Any, path: str
) -> None:
    """Each page a signed-in organiser opens says `Cache-Control: private, no-store`."""
    client = sign_in(Client(), organiser)
    response = client.get(path)
    assert response.status_code == 200, path
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives, (path, directives)
    assert "public" not in directives


def test_a_redirect_and_a_refusal_to_a_signed_in_user_are_not_stored(organiser: Any) -> None:
    """Not only pages: a redirect and a 404 to a signed-in user are private too."""
    client = sign_in(Client(), organiser)
    for path, status in [("/campaigns/no-such-campaign/", 404), ("/accounts/login/", 302)]:
        response = client.get(path)
        assert response.status_code == status
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_the_sign_in_response_itself_is_not_stored(organiser: Any) -> None:
    """The answer to a successful sign-in is already private."""
    from tests.factories import PASSWORD

    response = Client().post(
        "/accounts/login/", {"username": organiser.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_the_csrf_cookie_lasts_the_browser_session(db: None) -> None:
    """The CSRF cookie has no Max-Age or Expires: it ends when the browser closes."""
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    cookie = response.cookies["csrftoken"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"] is True

"""The register's pages on a 390-pixel phone, in a real browser with JavaScript off."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from habeas.cases import services
from habeas.cases.services.facilities import FacilityFacts
from habeas.coalition.models import Role
from tests.factories import CampaignFactory, UserFactory, add_authenticator, browser_sign_in, grant

pytestmark = pytest.mark.browser

LONG_NAME = (
    "Muhammad Zulfiqar Ehsan-ul-Haq Chaudhry Siddiqui of the Gilgit-Baltistan Awami Workers"
)


def _register() -> dict[str, Any]:
    """A campaign's register with long names, a month-only arrest, a transfer to a
    proposed facility waiting for confirmation, and a verified record."""
    campaign = CampaignFactory(slug="free-them")
    users = {name: UserFactory(username=name) for name in ("doc1", "doc2", "admin")}
    grant(users["doc1"], Role.DOCUMENTER, campaign=campaign)
    grant(users["doc2"], Role.DOCUMENTER, campaign=campaign)
    grant(users["admin"], Role.SITE_ADMIN)
    source = services.SourceFacts(
        "A report on the arrests after the protest in Gilgit-Baltistan", "Human Rights Council"
    )
    person = services.person_save(
        by=users["doc1"],
        source=source,
        campaign=campaign,
        name=LONG_NAME,
        name_ur="محمد ذوالفقار احسان الحق چودھری صدیقی",
        home_region="Gilgit-Baltistan and the mountain districts beyond",
    )
    detention = services.detention_add(
        by=users["doc1"],
        person=person,
        source=source,
        arrested_on=datetime.date(2025, 6, 1),
        arrested_precision="MONTH",
        status="AWAITING_TRIAL",
        facility=FacilityFacts(
            "District Jail of a very long name in the northern areas", region="Gilgit"
        ),
    )
    services.person_verify(by=users["doc2"], person=person)
    services.status_add(
        by=users["doc1"],
        detention=detention,
        status="CONVICTED",
        on=datetime.date(2025, 11, 3),
        precision="DAY",
        source=source,
    )
    return {"users": users, "person": person, "detention": detention}


def _fit(page: Any, paths: list[str]) -> None:
    """Each page opens (200) and is no wider than the 390-pixel screen, in both languages."""
    for prefix in ("", "/ur"):
        for path in paths:
            response = page.goto(prefix + path)
            assert response is not None, prefix + path
            assert response.status == 200, prefix + path
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (prefix + path, width)


@pytest.mark.django_db(transaction=True)
def test_the_register_fits_a_phone(chromium: Any, live_server: Any) -> None:
    """At 390 px no public page of the register, no documenter's page and the site
    admin's list of proposed facilities is wider than the screen, in English or Urdu."""
    world = _register()
    person, detention = world["person"], world["detention"]
    slug = person.public.slug
    public = [
        "/register/",
        "/register/?held=1&arrest=NOT_DAY",
        "/register/?q=Mohammed",
        "/register/statistics/",
        f"/register/{slug}/",
        f"/register/{slug}/history/",
    ]
    working = f"/register/working/{person.pk}/"
    pages = {
        "doc1": [
            "/register/review/",
            working,
            f"{working}history/",
            f"{working}arrest/",
            f"{working}arrest/{detention.pk}/status/",
        ],
        "admin": ["/register/facilities/"],
    }
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 800}, base_url=live_server.url
    )
    try:
        _fit(context.new_page(), public)
    finally:
        context.close()
    for username, paths in pages.items():
        device = add_authenticator(world["users"][username])
        context = chromium.new_context(
            java_script_enabled=False,
            viewport={"width": 390, "height": 800},
            base_url=live_server.url,
        )
        try:
            page = context.new_page()
            browser_sign_in(page, username, device)
            _fit(page, paths)
        finally:
            context.close()

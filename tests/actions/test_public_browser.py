"""The action page in a real browser (Debian's Chromium): the reader's local time."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import pytest

from habeas.actions.models import Action
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TORONTO = zoneinfo.ZoneInfo("America/Toronto")


def _action() -> Action:
    return Action.objects.create(
        campaign=CampaignFactory(),
        title="Vigil outside the consulate",
        city="Toronto",
        country="CA",
        starts_at=datetime.datetime(2027, 6, 5, 18, 0, tzinfo=TORONTO),
        time_zone="America/Toronto",
    )


def test_the_script_shows_the_readers_own_time(chromium: Any, live_server: Any) -> None:
    """With JavaScript on, a reader in Karachi sees the time in Karachi (03:00 the next
    day) beside Toronto's 18:00, with no error and nothing blocked by the CSP; at
    390 px nothing is wider than the screen."""
    action = _action()
    context = chromium.new_context(
        timezone_id="Asia/Karachi",
        viewport={"width": 390, "height": 800},
        base_url=live_server.url,
    )
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        for path in (f"/actions/{action.pk}/", f"/ur/actions/{action.pk}/"):
            page.goto(path)
            local = page.locator(".local-time")
            local.wait_for(state="visible")
            text = local.inner_text()
            assert "03:00" in text, text
            assert "Asia/Karachi" in text, text
            assert "18:00" in page.locator(".place-time").inner_text()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert errors == []
    finally:
        context.close()


def test_the_script_stays_quiet_in_the_places_zone(chromium: Any, live_server: Any) -> None:
    """A reader in the place's own zone sees no second time."""
    action = _action()
    context = chromium.new_context(timezone_id="America/Toronto", base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto(f"/actions/{action.pk}/")
        page.wait_for_load_state("load")
        assert not page.locator(".local-time").is_visible()
    finally:
        context.close()


def test_without_javascript_the_form_gives_the_readers_time(page: Any, live_server: Any) -> None:
    """With JavaScript off, choosing a zone in the form shows the time there."""
    action = _action()
    page.goto(f"/actions/{action.pk}/")
    assert not page.locator(".local-time").is_visible()
    page.get_by_label("Show the time in my time zone").fill("Asia/Karachi")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**tz=Asia%2FKarachi")
    assert "03:00" in page.locator(".reader-time").first.inner_text()

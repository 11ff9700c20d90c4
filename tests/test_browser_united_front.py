"""The letter's story in a real browser: two organisations, one common demand, one
disputed slogan, and a coordinator who can hide it only in public."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from habeas.coalition.models import CampaignMembership, Demand, HiddenNotice, Role
from tests.conftest import Mailbox
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    add_authenticator,
    browser_sign_in,
    grant,
)

pytestmark = pytest.mark.browser

SLUG = "free-them"


@pytest.fixture
def cast(transactional_db: None) -> dict[str, Any]:
    campaign = CampaignFactory(slug=SLUG, title="Free the prisoners")
    rci = OrganisationFactory(slug="rci", name="Revolutionary Internationalists", short_name="RI")
    slb = OrganisationFactory(slug="slb", name="Spartacist Workers", short_name="SW")
    people: dict[str, Any] = {"campaign": campaign, "a": slb, "b": rci}
    for name, role, kwargs in [
        ("admin_a", Role.ORG_ADMIN, {"organisation": slb}),
        ("admin_b", Role.ORG_ADMIN, {"organisation": rci}),
        ("editor_b", Role.ORG_EDITOR, {"organisation": rci}),
        ("coordinator", Role.COORDINATOR, {"campaign": campaign}),
    ]:
        user = UserFactory(username=name, email=f"{name}@example.org")
        grant(user, role, **kwargs)
        people[name] = user
        people[f"{name}_device"] = add_authenticator(user) if role != Role.ORG_EDITOR else None
    return people


def test_the_letters_story(
    chromium: Any, live_server: Any, smtp_server: Mailbox, cast: dict[str, Any], artifacts: Path
) -> None:
    def session(name: str) -> Any:
        context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
        page = context.new_page()
        browser_sign_in(page, name, cast[f"{name}_device"])
        return page

    # Two organisations ask to join, endorsing the common demands; the coordinator approves.
    for admin, organisation in (("admin_a", cast["a"]), ("admin_b", cast["b"])):
        page = session(admin)
        page.goto(f"/campaigns/{SLUG}/join/")
        page.get_by_label("In the name of").select_option(label=organisation.name)
        page.get_by_label("We endorse the campaign's common demands.").check()
        page.get_by_role("button", name="Ask to join").click()
        assert page.get_by_text("Request sent").is_visible()
        cast[f"{admin}_page"] = page
    coordinator = session("coordinator")
    coordinator.goto(f"/campaigns/{SLUG}/coordinate/")
    for _ in range(2):
        coordinator.get_by_role("button", name="Approve").first.click()
    assert CampaignMembership.objects.filter(status="ACTIVE").count() == 2

    # A proposes the common demand; B endorses it.
    a = cast["admin_a_page"]
    for text in ("Free all the jailed comrades!", "Free Imran Khan!"):
        a.goto(f"/campaigns/{SLUG}/demands/new/")
        a.get_by_label("In the name of").select_option(label=cast["a"].name)
        a.get_by_label("Demand or slogan").fill(text)
        a.get_by_role("button", name="Propose").click()
    common = Demand.objects.get(text="Free all the jailed comrades!")
    khan = Demand.objects.get(text="Free Imran Khan!")

    b = session("editor_b")
    b.goto(f"/campaigns/{SLUG}/demands/{common.pk}/position/")
    b.get_by_label("In the name of").select_option(label=cast["b"].name)
    b.get_by_label("Endorses").check()
    b.get_by_role("button", name="Record").click()
    # B disagrees with A's own slogan, and says why.
    b.goto(f"/campaigns/{SLUG}/demands/{khan.pk}/position/")
    b.get_by_label("In the name of").select_option(label=cast["b"].name)
    b.get_by_label("Disagrees").check()
    b.get_by_label("Public reason (optional)").fill("He presided over repression in Gilgit.")
    b.get_by_role("button", name="Record").click()

    b.goto(f"/campaigns/{SLUG}/")
    common_section = b.locator("section", has=b.get_by_role("heading", name="Common demands"))
    assert "Free all the jailed comrades!" in common_section.first.inner_text()
    assert "Free Imran Khan!" not in common_section.first.inner_text()
    assert b.get_by_text("He presided over repression in Gilgit.").is_visible()
    b.screenshot(path=str(artifacts / "united-front.png"), full_page=True)

    # B's editor may neither reword nor hide A's slogan.
    assert b.goto(f"/campaigns/{SLUG}/demands/{khan.pk}/reword/").status == 403
    assert b.goto(f"/campaigns/{SLUG}/hide/demand/{khan.pk}/").status == 403
    assert Demand.objects.get(pk=khan.pk).text == "Free Imran Khan!"

    # The coordinator hides it, with a reason; the public notice appears.
    coordinator.goto(f"/campaigns/{SLUG}/hide/demand/{khan.pk}/")
    coordinator.get_by_label("Reason, shown in public").fill("Disputed; see the open letters.")
    coordinator.get_by_role("button", name="Hide").click()
    assert HiddenNotice.objects.filter(demand=khan).exists()
    public = chromium.new_context(java_script_enabled=False, base_url=live_server.url).new_page()
    public.goto(f"/campaigns/{SLUG}/")
    notice = public.get_by_role("note").first
    assert "coordinator hid this" in notice.inner_text()
    assert "Disputed; see the open letters." in notice.inner_text()
    public.screenshot(path=str(artifacts / "united-front-notice.png"), full_page=True)

    # A's admin is told, through the queue and the SMTP server.
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    [mail] = [m for m in smtp_server.messages if "admin_a@example.org" in m["To"]]
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Disputed; see the open letters." in body

    # The history page keeps every version, and the notice, but not the hidden words.
    public.goto(f"/campaigns/{SLUG}/history/")
    history = public.locator("main").inner_text()
    for text in (
        "Free all the jailed comrades!",
        "He presided over repression in Gilgit.",
        "Disputed; see the open letters.",
    ):
        assert text in history
    assert "Free Imran Khan!" not in history
    assert len(re.findall("Endorses", history)) >= 3
    # Its own organisation still reads them, marked as hidden from the public.
    a.goto(f"/campaigns/{SLUG}/history/")
    own = a.locator("main").inner_text()
    assert "Free Imran Khan!" in own
    assert "hidden from the public" in own

"""Organisers' paths in a real browser, from `make run`'s demo, every step by links.

The demo's coordinator brings a case documenter and the Mazdoor Kisan Party's contact on
board; each accepts from the real e-mail and finds their work from the roles page alone.
MKP joins, proposes its own slogan, the coordinator hides it with a reason and MKP appeals.
JavaScript is off throughout: every step is a link or a form.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP

from habeas.coalition.models import CampaignMembership, HiddenNotice, Role, RoleGrant
from habeas.demo.loader import load_demo
from tests.conftest import Mailbox

pytestmark = pytest.mark.browser

SLOGAN = "Land to the tillers, freedom to the jailed!"
PASSPHRASE = "a long new passphrase"


def _code(page: Any) -> str:
    """The code an authenticator app shows for the key printed on the setup page."""
    key = page.locator("code.secret").inner_text().replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    return f"{totp.token():06d}"


def _set_up_second_factor(page: Any) -> None:
    page.wait_for_url("**/accounts/two-factor/setup/**")
    page.get_by_label("Code").fill(_code(page))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="I have kept them — continue").click()


def _accept(page: Any, link: str, username: str) -> None:
    page.goto(link)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password:", exact=True).fill(PASSPHRASE)
    page.get_by_label("Password again").fill(PASSPHRASE)
    page.get_by_role("button", name="Accept").click()
    _set_up_second_factor(page)


def _mail_to(smtp_server: Mailbox, address: str) -> str:
    """The body of the one message sent to ``address``."""
    [message] = [m for m in smtp_server.messages if address in m["To"]]
    return message.get_payload(decode=True).decode()  # type: ignore[union-attr]


def _link(body: str, pattern: str) -> str:
    found = re.search(pattern, body)
    assert found, body
    return found.group(0)


def test_a_coordinator_brings_a_documenter_and_a_party_on_board_by_links_alone(
    chromium: Any,
    live_server: Any,
    smtp_server: Mailbox,
    transactional_db: None,
    artifacts: Path,
) -> None:
    report = load_demo()
    assert report.coordinator_password

    def new_page() -> Any:
        context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
        return context.new_page()

    # The demo's coordinator signs in with the password `make run` printed, sets up
    # a second factor, and finds the coordinate page from the roles page.
    coordinator = new_page()
    coordinator.goto("/")
    coordinator.get_by_role("link", name="Sign in").first.click()
    coordinator.get_by_label("Username").fill("coordinator")
    coordinator.get_by_label("Password").fill(report.coordinator_password)
    coordinator.get_by_role("button", name="Sign in").click()
    _set_up_second_factor(coordinator)
    coordinator.wait_for_url("**/accounts/")
    coordinator.get_by_role("link", name="Coordinate", exact=True).first.click()
    assert coordinator.get_by_role("heading", name="Coordinate: Free the political").is_visible()

    # It invites a case documenter to the campaign team...
    coordinator.get_by_label("E-mail address:", exact=True).fill("documenter@example.org")
    coordinator.get_by_label("Role").select_option(label="Case documenter")
    coordinator.get_by_role("button", name="Send the invitation").click()
    assert coordinator.get_by_text("Invitation sent to documenter@example.org").is_visible()

    # ...and the Mazdoor Kisan Party, which has no one on Habeas, through its contact.
    assert coordinator.get_by_text("No invitation is waiting for an answer.").is_visible()
    through_contact = coordinator.locator(
        "form", has=coordinator.get_by_role("button", name="Invite through the contact")
    )
    through_contact.get_by_label("Organisation's short address").fill("mkp")
    through_contact.get_by_label("Contact's e-mail address").fill("contact@mkp.example")
    through_contact.get_by_role("button", name="Invite through the contact").click()
    assert coordinator.get_by_text("Mazdoor Kisan Party is invited through").is_visible()
    invited = coordinator.locator("#organisations li", has_text="Mazdoor Kisan Party")
    assert invited.get_by_role("button", name="Withdraw the invitation").is_visible()

    # The task worker sends both e-mails through the SMTP server.
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    invitation = r"https?://\S+/accounts/invitations/\S+/"
    documenter_link = _link(_mail_to(smtp_server, "documenter@example.org"), invitation)
    contact_mail = _mail_to(smtp_server, "contact@mkp.example")
    contact_link = _link(contact_mail, invitation)

    # The documenter accepts and finds the review queue from the roles page alone.
    documenter = new_page()
    _accept(documenter, documenter_link, "dilshad")
    documenter.wait_for_url("**/accounts/")
    documenter.get_by_role("link", name=re.compile(r"^Review queue \(\d+ waiting\)")).click()
    assert documenter.get_by_role("heading", name="Waiting for verification").is_visible()
    documenter.get_by_role("link", name="Import persons from a CSV file").click()
    assert documenter.get_by_role("heading", level=1).is_visible()
    documenter.screenshot(path=str(artifacts / "organisers-import-guide.png"), full_page=True)

    # MKP's contact accepts, becomes its first admin, and answers for it: it joins.
    mkp = new_page()
    _accept(mkp, contact_link, "mkp-secretary")
    mkp.wait_for_url("**/members/*/answer/")
    grant = RoleGrant.objects.get(user__username="mkp-secretary", role=Role.ORG_ADMIN)
    assert grant.organisation is not None
    assert grant.organisation.slug == "mkp"
    assert grant.granted_by is not None
    assert grant.granted_by.username == "coordinator"
    mkp.get_by_label("We endorse the common demands listed above").check()
    mkp.get_by_role("button", name="Accept and join").click()
    assert mkp.get_by_text("Your organisation has joined the campaign.").is_visible()
    assert CampaignMembership.objects.get(organisation__slug="mkp").status == "ACTIVE"

    # From the campaign page it proposes its own slogan.
    mkp.get_by_role("link", name="Propose a demand").first.click()
    mkp.get_by_label("In the name of").select_option(label="Mazdoor Kisan Party")
    mkp.get_by_label("Demand or slogan").fill(SLOGAN)
    mkp.get_by_role("button", name="Propose").click()
    assert mkp.get_by_text(SLOGAN).first.is_visible()

    # The coordinator goes from its coordinate page to the campaign page and hides it.
    coordinator.get_by_role("link", name="Campaign page").first.click()
    coordinator.locator("li", has_text=SLOGAN).get_by_role("link", name="hide").first.click()
    assert coordinator.get_by_text("What you would hide").is_visible()
    assert coordinator.get_by_text(SLOGAN).is_visible()
    coordinator.get_by_label("Reason, shown in public").fill("Off the campaign's subject.")
    coordinator.get_by_role("button", name="Hide").click()
    assert coordinator.get_by_text("Hidden. The public notice names you").is_visible()

    # MKP's admin is told by e-mail, follows its link and appeals.
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    told = [m for m in smtp_server.messages if "contact@mkp.example" in m["To"]]
    hidden_mail = told[-1].get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Off the campaign's subject." in hidden_mail
    mkp.goto(_link(hidden_mail, r"https?://\S+/campaigns/\S+/"))
    notice = mkp.locator(".notice", has_text="Off the campaign's subject.").first
    notice.get_by_role("link", name="Appeal").click()
    mkp.get_by_label("Your appeal, shown in public").fill("This is our slogan, not the front's.")
    mkp.get_by_role("button", name="Appeal").click()
    assert mkp.get_by_text("This is our slogan, not the front's.").first.is_visible()
    notice_row = HiddenNotice.objects.get(organisation__slug="mkp")
    assert notice_row.appeals.get().text == "This is our slogan, not the front's."
    mkp.screenshot(path=str(artifacts / "organisers-appeal.png"), full_page=True)

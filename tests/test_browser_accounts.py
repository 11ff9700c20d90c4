"""An organiser's first steps in a real browser: invite, accept, refuse, second factor."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from habeas.coalition.models import Role, RoleGrant
from tests.conftest import Mailbox
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    add_authenticator,
    browser_sign_in,
    grant,
    member,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db: None) -> dict[str, Any]:
    organisation = OrganisationFactory(slug="org-a", name="Workers Defence Group")
    campaign = CampaignFactory(slug="free-them", title="Free them all")
    member(campaign, organisation)
    admin = UserFactory(username="amina")
    grant(admin, Role.ORG_ADMIN, organisation=organisation)
    coordinator = UserFactory(username="bilal")
    grant(coordinator, Role.COORDINATOR, campaign=campaign)
    return {
        "admin": admin,
        "admin_device": add_authenticator(admin),
        "coordinator": coordinator,
        "coordinator_device": add_authenticator(coordinator),
    }


def test_invite_accept_refuse_and_second_factor(
    chromium: Any,
    live_server: Any,
    smtp_server: Mailbox,
    people: dict[str, Any],
    artifacts: Path,
) -> None:
    def new_page() -> Any:
        context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
        return context.new_page()

    # An organisation admin signs in with password and code, and invites an editor.
    admin = new_page()
    browser_sign_in(admin, "amina", people["admin_device"])
    admin.wait_for_url("**/accounts/")
    admin.goto("/organisations/org-a/members/")
    admin.get_by_label("E-mail address").fill("editor@example.org")
    admin.get_by_label("Role").select_option(Role.ORG_EDITOR.value)
    admin.get_by_role("button", name="Send the invitation").click()
    assert admin.get_by_text("Invitation sent to editor@example.org").is_visible()
    admin.screenshot(path=str(artifacts / "members.png"), full_page=True)

    # The task worker sends the e-mail through the SMTP server.
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    [message] = smtp_server.messages
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    link = re.search(r"https?://\S+/accounts/invitations/\S+/", body)
    assert link, body

    # The editor accepts and sets a password.
    editor = new_page()
    editor.goto(link.group(0))
    assert editor.get_by_text("amina invites you to be Organisation editor").is_visible()
    editor.get_by_label("Username").fill("chandni")
    editor.get_by_label("Password:", exact=True).fill("a long new passphrase")
    editor.get_by_label("Password again").fill("a long new passphrase")
    editor.get_by_role("button", name="Accept").click()
    editor.wait_for_url("**/accounts/")
    assert editor.get_by_role("cell", name="Organisation editor").is_visible()
    assert RoleGrant.objects.filter(user__username="chandni", role=Role.ORG_EDITOR).exists()

    # The editor is refused the coordinator's page.
    response = editor.goto("/campaigns/free-them/coordinate/")
    assert response.status == 403
    assert editor.get_by_role("heading", name="Not allowed").is_visible()

    # The coordinator signs in with a code from the authenticator and reaches it.
    coordinator = new_page()
    browser_sign_in(coordinator, "bilal", people["coordinator_device"])
    coordinator.wait_for_url("**/accounts/")
    response = coordinator.goto("/campaigns/free-them/coordinate/")
    assert response.status == 200
    assert coordinator.get_by_role("heading", name="Coordinate: Free them all").is_visible()
    coordinator.screenshot(path=str(artifacts / "coordinate.png"), full_page=True)

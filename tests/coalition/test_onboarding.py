"""Bringing organisations on board: contact invitations, answers, no lock-outs, the hide form."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client

from habeas.coalition import services
from habeas.coalition.models import (
    CampaignMembership,
    Demand,
    Invitation,
    Role,
    RoleGrant,
)
from habeas.coalition.tasks import send_invitation_email
from tests.conftest import Mailbox
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    grant,
    member,
    sign_in,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a long new passphrase"


@pytest.fixture
def setting() -> dict[str, Any]:
    campaign = CampaignFactory(slug="free-them", title="Free them", status="ACTIVE")
    founder = OrganisationFactory(slug="founder", name="Founders")
    member(campaign, founder)
    coordinator = UserFactory(username="coord")
    grant(coordinator, Role.COORDINATOR, campaign=campaign)
    mkp = OrganisationFactory(slug="mkp", name="Mazdoor Kisan Party")
    return {"campaign": campaign, "coordinator": coordinator, "mkp": mkp, "founder": founder}


def _contact_token(setting: dict[str, Any], capture: Any, email: str = "contact@mkp.org") -> str:
    with capture(execute=False):
        invitation = services.organisation_contact_invite(
            by=setting["coordinator"],
            campaign=setting["campaign"],
            organisation=setting["mkp"],
            email=email,
            site_url="http://testserver/",
        )
    assert send_invitation_email.call(
        invitation_id=invitation.pk, site_url="http://testserver/", language="en"
    )
    found = re.search(
        r"http://testserver/accounts/invitations/([\w-]+)/", str(mail.outbox[-1].body)
    )
    assert found
    return found.group(1)


def _accept(client: Client, token: str, username: str) -> Any:
    return client.post(
        f"/accounts/invitations/{token}/",
        {"username": username, "password1": PASSWORD, "password2": PASSWORD},
    )


def _state() -> tuple[list[Any], ...]:
    return (
        list(RoleGrant.objects.values()),
        list(CampaignMembership.objects.values()),
        list(Invitation.objects.values()),
        list(get_user_model().objects.values_list("username", flat=True)),
    )


@pytest.mark.django_db(transaction=True)
def test_contact_invitation_through_the_page_the_mail_and_the_answer(
    setting: dict[str, Any], smtp_server: Mailbox
) -> None:
    coordinator = sign_in(Client(), setting["coordinator"])
    page = coordinator.get("/campaigns/free-them/coordinate/").content.decode()
    assert "Invite an organisation that has no one on Habeas" in page
    assert 'id="team"' in page
    assert "Invite through the contact" in page
    response = coordinator.post(
        "/campaigns/free-them/coordinate/invite-contact/",
        {"contact-organisation": "mkp", "contact-email": "Contact@MKP.org"},
        follow=True,
    )
    body = response.content.decode()
    assert "<bdi>Mazdoor Kisan Party</bdi> is invited through <bdi>contact@mkp.org</bdi>" in body
    # The invitation is listed, with what can be done next.
    assert "Invited, not yet answered" in body
    assert "Withdraw the invitation" in body
    membership = CampaignMembership.objects.get(organisation=setting["mkp"])
    assert membership.status == CampaignMembership.Status.INVITED
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    [message] = smtp_server.messages
    assert message["Subject"] == "Mazdoor Kisan Party is invited to join Free them on Habeas"
    assert message["To"] == "contact@mkp.org"
    text = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    token = re.search(r"http://testserver/accounts/invitations/([\w-]+)/", text)
    assert token
    visitor = Client()
    accept_page = visitor.get(f"/accounts/invitations/{token.group(1)}/").content.decode()
    assert "Accept" in accept_page
    assert "you will be its first admin" in accept_page
    quoted = '<q lang="en" dir="ltr">Free them</q>'
    assert f"the invitation to join the campaign {quoted}" in accept_page
    response = _accept(visitor, token.group(1), "mkp_contact")
    answer = f"/campaigns/free-them/members/{setting['mkp'].pk}/answer/"
    assert response.status_code == 302
    assert response["Location"] == answer
    # An organisation admin sets up a second factor first, then comes back here.
    then = visitor.get(answer)
    assert then.status_code == 302
    assert "two-factor" in then["Location"]
    assert "next=" in then["Location"]
    new_admin = get_user_model().objects.get(username="mkp_contact")
    first = RoleGrant.objects.get(user=new_admin)
    assert (first.role, first.organisation) == (Role.ORG_ADMIN, setting["mkp"])
    assert first.granted_by == setting["coordinator"]
    assert first.granted_at is not None
    admin = sign_in(Client(), new_admin)
    page = admin.get(answer).content.decode()
    assert "We endorse the common demands listed above" in page
    assert "Accept and join" in page
    assert "Decline the invitation" in page
    # Found by links too: the roles page and the campaign page.
    assert answer in admin.get("/accounts/").content.decode()
    assert answer in admin.get("/campaigns/free-them/").content.decode()
    unticked = admin.post(f"/campaigns/free-them/members/{setting['mkp'].pk}/accept/", {})
    assert unticked["Location"] == answer
    membership.refresh_from_db()
    assert membership.status == CampaignMembership.Status.INVITED
    joined = admin.post(
        f"/campaigns/free-them/members/{setting['mkp'].pk}/accept/",
        {"endorses_common": "on"},
        follow=True,
    )
    assert "Your organisation has joined the campaign." in joined.content.decode()
    membership.refresh_from_db()
    assert membership.status == CampaignMembership.Status.ACTIVE
    listed = coordinator.get("/campaigns/free-them/coordinate/").content.decode()
    assert "Mazdoor Kisan Party" in listed.split('id="organisations"')[1].split("Asking")[0]


def test_a_contact_link_accepted_twice_or_by_a_second_person_changes_nothing(
    setting: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    token = _contact_token(setting, django_capture_on_commit_callbacks)
    assert _accept(Client(), token, "first").status_code == 302
    before = _state()
    again = _accept(Client(), token, "again")
    assert again.status_code == 410
    assert "This invitation has already been used." in again.content.decode()
    assert _state() == before
    # A second contact link for the same organisation (another campaign asked it
    # before anyone accepted) no longer makes an admin once it has one.
    other = CampaignFactory(slug="other", status="ACTIVE")
    grant(setting["coordinator"], Role.COORDINATOR, campaign=other)
    second = Invitation.objects.create(
        email="second@mkp.org",
        role=Role.ORG_ADMIN,
        organisation=setting["mkp"],
        membership_campaign=other,
        token_sha256=services.token_digest("second-token"),
        invited_by=setting["coordinator"],
        expires_at="2999-01-01T00:00:00Z",
    )
    before = _state()
    response = _accept(Client(), "second-token", "second")
    assert response.status_code == 410
    assert "already has an admin on Habeas" in response.content.decode()
    assert _state() == before
    second.refresh_from_db()
    assert second.accepted_at is None


def test_contact_invitation_refused_for_a_member_an_invited_one_or_one_with_an_admin(
    setting: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = sign_in(Client(), setting["coordinator"])
    url = "/campaigns/free-them/coordinate/invite-contact/"
    cases = [
        ({"contact-organisation": "founder", "contact-email": "a@b.org"}, "already a member"),
        (
            {"contact-organisation": "nowhere", "contact-email": "a@b.org"},
            "No organisation has that short",
        ),
        (
            {"contact-organisation": "mkp", "contact-email": "not an address"},
            "Enter a valid email address.",
        ),
    ]
    for data, says in cases:
        before = _state()
        response = client.post(url, data)
        assert response.status_code == 400
        assert says in response.content.decode()
        assert _state() == before
    _contact_token(setting, django_capture_on_commit_callbacks)
    before = _state()
    response = client.post(url, {"contact-organisation": "mkp", "contact-email": "other@mkp.org"})
    assert response.status_code == 400
    assert "already invited" in response.content.decode()
    assert _state() == before
    with_admin = OrganisationFactory(slug="has-admin")
    grant(UserFactory(), Role.ORG_ADMIN, organisation=with_admin)
    before = _state()
    response = client.post(url, {"contact-organisation": "has-admin", "contact-email": "x@y.org"})
    assert response.status_code == 400
    assert "</bdi> has someone on Habeas already" in response.content.decode()
    assert "&lt;bdi" not in response.content.decode()
    assert _state() == before


def test_non_coordinators_cannot_invite_through_a_contact(setting: dict[str, Any]) -> None:
    outsider = UserFactory()
    grant(outsider, Role.COORDINATOR, campaign=CampaignFactory())
    with pytest.raises(PermissionDenied):
        services.organisation_contact_invite(
            by=outsider,
            campaign=setting["campaign"],
            organisation=setting["mkp"],
            email="a@b.org",
            site_url="http://testserver/",
        )
    response = sign_in(Client(), outsider).post(
        "/campaigns/free-them/coordinate/invite-contact/",
        {"contact-organisation": "mkp", "contact-email": "a@b.org"},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_inviting_an_organisation_already_a_member_or_invited_says_so(
    setting: dict[str, Any],
) -> None:
    client = sign_in(Client(), setting["coordinator"])
    url = "/campaigns/free-them/coordinate/invite-organisation/"
    response = client.post(url, {"organisation": "mkp"}, follow=True)
    # The name is isolated in the message, so it cannot reorder the sentence around it.
    assert "<bdi>Mazdoor Kisan Party</bdi> is invited" in response.content.decode()
    for slug, says in (("mkp", "already invited"), ("founder", "already a member")):
        before = _state()
        response = client.post(url, {"organisation": slug}, follow=True)
        assert says in response.content.decode()
        assert _state() == before
    response = client.post(url, {"organisation": ""}, follow=True)
    assert "Type the organisation&#x27;s short address." in response.content.decode()


def test_an_invited_organisation_declines_and_a_coordinator_withdraws(
    setting: dict[str, Any],
) -> None:
    admin = UserFactory()
    grant(admin, Role.ORG_ADMIN, organisation=setting["mkp"])
    services.membership_invite(
        by=setting["coordinator"], campaign=setting["campaign"], organisation=setting["mkp"]
    )
    answer = f"/campaigns/free-them/members/{setting['mkp'].pk}/answer/"
    client = sign_in(Client(), admin)
    assert answer in client.get("/accounts/").content.decode()
    response = client.post(
        f"/campaigns/free-them/members/{setting['mkp'].pk}/decline/", follow=True
    )
    assert "<bdi>Mazdoor Kisan Party</bdi> declined the invitation" in response.content.decode()
    membership = CampaignMembership.objects.get(organisation=setting["mkp"])
    assert membership.status == CampaignMembership.Status.DECLINED
    before = _state()
    response = client.post(
        f"/campaigns/free-them/members/{setting['mkp'].pk}/decline/", follow=True
    )
    assert "no open invitation to decline" in response.content.decode()
    assert _state() == before
    assert "no open invitation to answer" in client.get(answer).content.decode()
    # Invited again, then withdrawn by the coordinator.
    services.membership_invite(
        by=setting["coordinator"], campaign=setting["campaign"], organisation=setting["mkp"]
    )
    coordinator = sign_in(Client(), setting["coordinator"])
    withdraw = f"/campaigns/free-them/members/{setting['mkp'].pk}/withdraw-invitation/"
    response = coordinator.post(withdraw, follow=True)
    assert (
        "The invitation to <bdi>Mazdoor Kisan Party</bdi> is withdrawn."
        in response.content.decode()
    )
    membership.refresh_from_db()
    assert membership.status == CampaignMembership.Status.WITHDRAWN
    before = _state()
    response = coordinator.post(withdraw, follow=True)
    assert "no open invitation to withdraw" in response.content.decode()
    assert _state() == before
    # Only the organisation's admins answer; only coordinators withdraw.
    stranger = sign_in(Client(), UserFactory())
    assert stranger.get(answer).status_code == 403
    assert stranger.post(withdraw).status_code == 403


def test_withdrawing_a_contact_invitation_stops_its_link(
    setting: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    token = _contact_token(setting, django_capture_on_commit_callbacks)
    membership = CampaignMembership.objects.get(organisation=setting["mkp"])
    services.membership_invitation_withdraw(by=setting["coordinator"], membership=membership)
    before = _state()
    response = _accept(Client(), token, "late")
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert _state() == before
    assert Invitation.objects.get().state == "withdrawn"
    assert not Invitation.objects.get().is_open


def test_the_organisation_page_says_whether_anyone_speaks_for_it(
    setting: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    visitor = Client()
    assert "has no one on Habeas yet" in visitor.get("/organisations/mkp/").content.decode()
    token = _contact_token(setting, django_capture_on_commit_callbacks)
    _accept(Client(), token, "speaker")
    page = visitor.get("/organisations/mkp/").content.decode()
    assert "has someone on Habeas" in page
    assert "speaker" not in page


def test_the_last_coordinator_cannot_revoke_their_role(setting: dict[str, Any]) -> None:
    only = RoleGrant.objects.get(role=Role.COORDINATOR)
    client = sign_in(Client(), setting["coordinator"])
    page = client.get("/campaigns/free-them/coordinate/").content.decode()
    confirm = f"/campaigns/free-them/coordinate/{only.pk}/revoke/confirm/"
    assert "Revoke my role…" in page
    assert confirm in page
    assert "Yes, revoke my role" in client.get(confirm).content.decode()
    # Without the confirmation nothing happens: the page asks.
    response = client.post(f"/campaigns/free-them/coordinate/{only.pk}/revoke/")
    assert response["Location"] == confirm
    before = _state()
    response = client.post(
        f"/campaigns/free-them/coordinate/{only.pk}/revoke/", {"confirmed": "yes"}, follow=True
    )
    assert "A campaign needs at least one coordinator" in response.content.decode()
    assert _state() == before
    with pytest.raises(ValidationError):
        services.grant_revoke(grant=only, by=setting["coordinator"])
    # With a second coordinator, one's own role can go.
    grant(UserFactory(), Role.COORDINATOR, campaign=setting["campaign"])
    client.post(f"/campaigns/free-them/coordinate/{only.pk}/revoke/", {"confirmed": "yes"})
    only.refresh_from_db()
    assert only.revoked_by == setting["coordinator"]


def test_revoking_in_an_organisation_asks_first(setting: dict[str, Any]) -> None:
    admin = UserFactory()
    own = grant(admin, Role.ORG_ADMIN, organisation=setting["mkp"])
    editor = grant(UserFactory(), Role.ORG_EDITOR, organisation=setting["mkp"])
    client = sign_in(Client(), admin)
    page = client.get("/organisations/mkp/members/").content.decode()
    assert f"/organisations/mkp/members/{own.pk}/revoke/confirm/" in page
    before = _state()
    response = client.post(f"/organisations/mkp/members/{editor.pk}/revoke/")
    assert response["Location"] == f"/organisations/mkp/members/{editor.pk}/revoke/confirm/"
    assert _state() == before
    client.post(f"/organisations/mkp/members/{editor.pk}/revoke/", {"confirmed": "yes"})
    editor.refresh_from_db()
    assert editor.revoked_at is not None


def test_the_hide_form_shows_what_it_hides_and_404s_for_another_campaign(
    setting: dict[str, Any],
) -> None:
    demand = services.demand_propose
    admin = UserFactory()
    grant(admin, Role.ORG_ADMIN, organisation=setting["founder"])
    slogan = demand(
        by=admin, campaign=setting["campaign"], organisation=setting["founder"], text="Free all"
    )
    client = sign_in(Client(), setting["coordinator"])
    page = client.get(f"/campaigns/free-them/hide/demand/{slogan.pk}/").content.decode()
    assert "What you would hide" in page
    assert page.index("What you would hide") < page.index("Free all") < page.index("Reason")
    assert "Founders" in page
    other = CampaignFactory(slug="elsewhere", status="ACTIVE")
    member(other, setting["founder"])
    grant(setting["coordinator"], Role.COORDINATOR, campaign=other)
    foreign = Demand.objects.create(campaign=other, proposed_by=setting["founder"], text="Other")
    before = _state()
    assert client.get(f"/campaigns/free-them/hide/demand/{foreign.pk}/").status_code == 404
    response = client.post(
        f"/campaigns/free-them/hide/demand/{foreign.pk}/", {"reason": "Not here"}
    )
    assert response.status_code == 404
    assert _state() == before
    assert not foreign.notices.exists()


def test_the_issues_bad_inputs_leave_no_traceback_and_no_error_in_the_log(
    setting: dict[str, Any], django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    """Each bad input is a message to its user, not an error for the operator."""
    token = _contact_token(setting, django_capture_on_commit_callbacks)
    assert _accept(Client(), token, "first").status_code == 302
    coordinator = sign_in(Client(), setting["coordinator"])
    only = RoleGrant.objects.get(role=Role.COORDINATOR)
    other = CampaignFactory(slug="elsewhere", status="ACTIVE")
    foreign = Demand.objects.create(campaign=other, proposed_by=setting["founder"], text="Other")
    caplog.clear()
    statuses = [
        coordinator.post(
            "/campaigns/free-them/coordinate/invite-organisation/", {"organisation": "founder"}
        ).status_code,
        coordinator.post(
            "/campaigns/free-them/coordinate/invite-contact/",
            {"contact-organisation": "founder", "contact-email": "a@b.org"},
        ).status_code,
        _accept(Client(), token, "again").status_code,
        coordinator.post(
            f"/campaigns/free-them/coordinate/{only.pk}/revoke/", {"confirmed": "yes"}
        ).status_code,
        coordinator.post(
            f"/campaigns/free-them/hide/demand/{foreign.pk}/", {"reason": "Not here"}
        ).status_code,
    ]
    assert 500 not in statuses
    assert [r for r in caplog.records if r.exc_info or r.levelname in ("ERROR", "CRITICAL")] == []
    assert "Traceback" not in caplog.text

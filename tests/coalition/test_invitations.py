"""Invitations: sent by e-mail through the queue, accepted once, before they expire."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from habeas.coalition import services
from habeas.coalition.models import Invitation, Role, RoleGrant
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


@pytest.fixture
def org_admin() -> Any:
    admin = UserFactory(username="admin_a")
    grant(admin, Role.ORG_ADMIN, organisation=OrganisationFactory(slug="org-a", name="Org A"))
    return admin


@pytest.mark.django_db(transaction=True)
def test_invitation_mail_goes_through_the_queue_to_smtp(smtp_server: Mailbox) -> None:
    admin = UserFactory(username="admin_a")
    grant(admin, Role.ORG_ADMIN, organisation=OrganisationFactory(slug="org-a", name="Org A"))
    client = sign_in(Client(), admin)
    response = client.post(
        "/organisations/org-a/members/invite/",
        {"email": "Editor@Example.org", "role": Role.ORG_EDITOR},
    )
    assert response.status_code == 302
    assert smtp_server.messages == []
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    [message] = smtp_server.messages
    assert message["To"] == "editor@example.org"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "admin_a invites you" in body
    token = re.search(r"http://testserver/accounts/invitations/([\w-]+)/", body)
    assert token
    invitation = Invitation.objects.get()
    assert invitation.token_sha256 == services.token_digest(token.group(1))
    assert token.group(1) not in str(Invitation.objects.values().get())


def _token(django_capture_on_commit_callbacks: Any, admin: Any, **kwargs: Any) -> str:
    """Invite through the service, run the mail task: the token the e-mail's link carries."""
    organisation = kwargs.pop("organisation", None) or admin.role_grants.get().organisation
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services.invitation_create(
            by=admin,
            email=kwargs.get("email", "new@example.org"),
            role=kwargs.get("role", Role.ORG_EDITOR),
            organisation=organisation,
            campaign=kwargs.get("campaign"),
            site_url="http://testserver/",
        )
    assert len(callbacks) == 1  # the e-mail is queued once the transaction commits
    sent = send_invitation_email.call(
        invitation_id=invitation.pk, site_url="http://testserver/", language="en"
    )
    assert sent == 1
    link = re.search(
        r"http://testserver/accounts/invitations/([\w-]+)/", str(mail.outbox[-1].body)
    )
    assert link
    return link.group(1)


def test_accepting_creates_the_account_and_the_grant(
    client: Client, org_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    token = _token(django_capture_on_commit_callbacks, org_admin)
    page = client.get(f"/accounts/invitations/{token}/")
    assert page.status_code == 200
    invites = "<bdi>admin_a</bdi> invites you to be Organisation editor for <bdi>Org A</bdi>"
    assert invites in page.content.decode()
    response = client.post(
        f"/accounts/invitations/{token}/",
        {
            "username": "neweditor",
            "password1": "a long new passphrase",
            "password2": "a long new passphrase",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="neweditor")
    assert user.email == "new@example.org"
    new_grant = RoleGrant.objects.get(user=user)
    assert new_grant.role == Role.ORG_EDITOR
    assert new_grant.granted_by == org_admin
    assert new_grant.granted_at is not None
    assert client.get("/accounts/").status_code == 200  # signed in


def test_a_used_link_is_refused_and_changes_nothing(
    client: Client, org_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    token = _token(django_capture_on_commit_callbacks, org_admin)
    data = {
        "username": "first",
        "password1": "a long new passphrase",
        "password2": "a long new passphrase",
    }
    assert client.post(f"/accounts/invitations/{token}/", data).status_code == 302
    users, grants = get_user_model().objects.count(), RoleGrant.objects.count()
    other = Client()
    again = other.post(f"/accounts/invitations/{token}/", {**data, "username": "second"})
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert (get_user_model().objects.count(), RoleGrant.objects.count()) == (users, grants)


def test_an_expired_link_is_refused(
    client: Client, org_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    token = _token(django_capture_on_commit_callbacks, org_admin)
    with freeze_time(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        response = client.get(f"/accounts/invitations/{token}/")
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        posted = client.post(
            f"/accounts/invitations/{token}/",
            {
                "username": "late",
                "password1": "a long new passphrase",
                "password2": "a long new passphrase",
            },
        )
        assert posted.status_code == 410
    assert not get_user_model().objects.filter(username="late").exists()


@pytest.mark.parametrize("token", ["nonsense", "x" * 43, "<script>alert(1)</script>"])
def test_an_unknown_link_is_refused(client: Client, db: None, token: str) -> None:
    response = client.get(f"/accounts/invitations/{token}/")
    assert response.status_code in {404, 410}
    assert "<script>alert" not in response.content.decode()


def test_a_withdrawn_link_is_refused(
    client: Client, org_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    token = _token(django_capture_on_commit_callbacks, org_admin)
    admin_client = sign_in(Client(), org_admin)
    invitation = Invitation.objects.get()
    admin_client.post(f"/organisations/org-a/invitations/{invitation.pk}/withdraw/")
    response = client.get(f"/accounts/invitations/{token}/")
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "x", "password1": "short", "password2": "short"}, "too short"),
        (
            {"username": "x", "password1": "a long new passphrase", "password2": "different one"},
            "The two passwords differ",
        ),
        (
            {
                "username": "admin_a",
                "password1": "a long new passphrase",
                "password2": "a long new passphrase",
            },
            "This username is taken",
        ),
        (
            {
                "username": "",
                "password1": "a long new passphrase",
                "password2": "a long new passphrase",
            },
            "This field is required",
        ),
    ],
)
def test_bad_account_details_are_refused_and_the_link_stays_usable(
    client: Client,
    org_admin: Any,
    django_capture_on_commit_callbacks: Any,
    data: dict[str, str],
    message: str,
) -> None:
    token = _token(django_capture_on_commit_callbacks, org_admin)
    users = get_user_model().objects.count()
    response = client.post(f"/accounts/invitations/{token}/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert get_user_model().objects.count() == users
    assert Invitation.objects.get().accepted_at is None


def test_a_signed_in_user_accepts_with_their_own_account(
    client: Client, org_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    token = _token(django_capture_on_commit_callbacks, org_admin)
    existing = UserFactory()
    sign_in(client, existing, verified=False)
    assert client.post(f"/accounts/invitations/{token}/").status_code == 302
    assert RoleGrant.objects.get(user=existing).role == Role.ORG_EDITOR


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not an address", "role": Role.ORG_EDITOR}, "valid email"),
        ({"email": "a@example.org", "role": "EMPEROR"}, "Select a valid choice"),
        ({"email": "a@example.org", "role": Role.TREASURER}, "Choose the campaign"),
        ({"email": "a@example.org", "role": Role.COORDINATOR}, "Select a valid choice"),
    ],
)
def test_bad_invitations_are_refused_with_a_message(
    org_admin: Any, data: dict[str, str], message: str
) -> None:
    client = sign_in(Client(), org_admin)
    response = client.post("/organisations/org-a/members/invite/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Invitation.objects.count() == 0


def test_a_treasurer_only_for_a_campaign_the_organisation_is_in(org_admin: Any) -> None:
    organisation = org_admin.role_grants.get().organisation
    outside = CampaignFactory()
    with pytest.raises(ValidationError, match="not a member"):
        services.invitation_create(
            by=org_admin,
            email="t@example.org",
            role=Role.TREASURER,
            organisation=organisation,
            campaign=outside,
            site_url="http://testserver/",
        )
    inside = CampaignFactory()
    member(inside, organisation)
    services.invitation_create(
        by=org_admin,
        email="t@example.org",
        role=Role.TREASURER,
        organisation=organisation,
        campaign=inside,
        site_url="http://testserver/",
    )
    assert Invitation.objects.get().campaign == inside


def test_the_last_admin_cannot_be_revoked(org_admin: Any) -> None:
    client = sign_in(Client(), org_admin)
    only = RoleGrant.objects.get(user=org_admin)
    response = client.post(
        f"/organisations/org-a/members/{only.pk}/revoke/", {"confirmed": "yes"}, follow=True
    )
    assert "needs at least one admin" in response.content.decode()
    assert RoleGrant.objects.get(pk=only.pk).revoked_at is None


def test_revocation_is_recorded_with_who_and_when(org_admin: Any) -> None:
    editor = UserFactory()
    target = grant(editor, Role.ORG_EDITOR, organisation=org_admin.role_grants.get().organisation)
    client = sign_in(Client(), org_admin)
    client.post(f"/organisations/org-a/members/{target.pk}/revoke/", {"confirmed": "yes"})
    target.refresh_from_db()
    assert target.revoked_by == org_admin
    assert target.revoked_at is not None
    page = client.get("/organisations/org-a/members/").content.decode()
    assert "Revoked roles" in page
    assert "revoked by <bdi>admin_a</bdi>" in page
    # The editor lost the right at once.
    editor_client = sign_in(Client(), editor, verified=False)
    assert (
        editor_client.post(
            "/organisations/org-a/edit/", {"short_name": "Z", "kind": "PARTY", "country": "PK"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"short_name": "A", "kind": "EMPIRE", "country": "PK"}, "Select a valid choice"),
        ({"short_name": "A", "kind": "PARTY", "country": "Pakistan"}, "at most 2 characters"),
        ({"short_name": "A", "kind": "PARTY", "country": "1X"}, "two-letter country code"),
        ({"short_name": "x" * 41, "kind": "PARTY", "country": "PK"}, "at most 40 characters"),
    ],
)
def test_bad_profile_edits_change_nothing(
    org_admin: Any, data: dict[str, str], message: str
) -> None:
    client = sign_in(Client(), org_admin)
    before = list(org_admin.role_grants.get().organisation.__class__.objects.values())
    response = client.post("/organisations/org-a/edit/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(org_admin.role_grants.get().organisation.__class__.objects.values()) == before


def test_script_in_a_profile_is_shown_as_text(org_admin: Any) -> None:
    client = sign_in(Client(), org_admin)
    response = client.post(
        "/organisations/org-a/edit/",
        {"short_name": "<script>x</script>", "kind": "PARTY", "country": "PK"},
    )
    assert response.status_code == 302
    page = client.get("/organisations/org-a/edit/").content.decode()
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


def test_the_operator_names_the_first_site_admin(db: None) -> None:
    from io import StringIO

    from django.core.management.base import CommandError

    user = UserFactory(username="root_admin")
    out = StringIO()
    call_command("grant_site_admin", "root_admin", stdout=out)
    call_command("grant_site_admin", "root_admin", stdout=StringIO())  # again: no duplicate
    assert RoleGrant.objects.active().filter(user=user, role=Role.SITE_ADMIN).count() == 1
    assert "is a site admin" in out.getvalue()
    with pytest.raises(CommandError, match="No user is called"):
        call_command("grant_site_admin", "nobody")


def test_an_invitation_withdrawn_before_the_worker_runs_sends_no_link(
    org_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The worker makes a token only for an open invitation; a withdrawn one gets no mail."""
    with django_capture_on_commit_callbacks(execute=False):
        invitation = services.invitation_create(
            by=org_admin,
            email="late@example.org",
            role=Role.ORG_EDITOR,
            organisation=org_admin.role_grants.get().organisation,
            site_url="http://testserver/",
        )
    services.invitation_withdraw(invitation=invitation, by=org_admin)
    digest = Invitation.objects.get().token_sha256
    sent = send_invitation_email.call(
        invitation_id=invitation.pk, site_url="http://testserver/", language="en"
    )
    assert sent == 0
    assert mail.outbox == []
    assert Invitation.objects.get().token_sha256 == digest


def test_a_new_mail_of_the_same_invitation_retires_the_old_link(
    client: Client, org_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Each run of the mail task makes a fresh token; only the latest link works."""
    first = _token(django_capture_on_commit_callbacks, org_admin)
    invitation = Invitation.objects.get()
    send_invitation_email.call(
        invitation_id=invitation.pk, site_url="http://testserver/", language="en"
    )
    refused = client.get(f"/accounts/invitations/{first}/")
    assert refused.status_code == 410
    assert "not valid" in refused.content.decode()

"""Sign-in: clear refusals, lock-out, sessions that end, password reset by e-mail."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from habeas.accounts.services import sessions_end_all
from habeas.coalition.models import Role
from tests.conftest import Mailbox
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str, **headers: str) -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, headers=headers
    )


def test_wrong_password_gets_a_clear_message_and_no_session(client: Client) -> None:
    user = UserFactory()
    response = _login(client, user.username, "wrong password")
    assert response.status_code == 200
    assert "Wrong username or password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_message_in_urdu(client: Client) -> None:
    user = UserFactory()
    response = client.post("/ur/accounts/login/", {"username": user.username, "password": "x"})
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
    assert "Wrong username or password" not in response.content.decode()
    assert "غلط" in response.content.decode()


def test_five_wrong_passwords_lock_the_account_out_from_that_address(client: Client) -> None:
    """After five failures even the right password is refused, with a page saying why."""
    user = UserFactory()
    for _ in range(4):
        assert _login(client, user.username, "wrong").status_code == 200
    locked = _login(client, user.username, "wrong")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    refused = _login(client, user.username, PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by this one's failures.
    other = _login(Client(REMOTE_ADDR="10.9.8.7"), user.username, PASSWORD)
    assert other.status_code == 302


def test_lockout_ends_after_fifteen_minutes(client: Client) -> None:
    user = UserFactory()
    for _ in range(5):
        _login(client, user.username, "wrong")
    with freeze_time(timezone.now() + datetime.timedelta(minutes=16)):
        assert _login(client, user.username, PASSWORD).status_code == 302


def test_failed_sign_ins_keep_no_address_and_no_browser(client: Client) -> None:
    """Axes records failures under a keyed hash of the address, and no user agent."""
    user = UserFactory()
    _login(client, user.username, "wrong", user_agent="Firefox/999 secret-device")
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address != "127.0.0.1"
    assert attempt.ip_address.startswith("fd")
    assert "Firefox" not in attempt.user_agent
    assert "secret-device" not in str(attempt.__dict__)


def test_login_without_csrf_token_is_refused(db: None) -> None:
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_sessions_end_after_two_idle_hours(client: Client) -> None:
    editor = UserFactory()
    grant(editor, Role.ORG_EDITOR, organisation=OrganisationFactory())
    sign_in(client, editor, verified=False)
    start = timezone.now()
    with freeze_time(start + datetime.timedelta(minutes=110)):
        assert client.get("/accounts/").status_code == 200  # activity renews the session
    with freeze_time(start + datetime.timedelta(minutes=220)):
        assert client.get("/accounts/").status_code == 200
    with freeze_time(start + datetime.timedelta(minutes=220 + 121)):
        response = client.get("/accounts/")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_sign_out_everywhere_ends_every_session(db: None) -> None:
    user = UserFactory()
    phone, laptop = Client(), Client()
    sign_in(phone, user, verified=False)
    sign_in(laptop, user, verified=False)
    assert laptop.get("/accounts/").status_code == 200
    response = phone.post("/accounts/sessions/end-all/")
    assert response.status_code == 302
    assert laptop.get("/accounts/").status_code == 302
    assert phone.get("/accounts/").status_code == 302
    # Signing in afresh works.
    assert _login(Client(), user.username, PASSWORD).status_code == 302


def test_sign_out_everywhere_needs_a_post(client: Client) -> None:
    user = UserFactory()
    sign_in(client, user, verified=False)
    assert client.get("/accounts/sessions/end-all/").status_code == 405
    sessions_end_all(user=user)
    assert get_user_model().objects.get(pk=user.pk).session_epoch == 1


@pytest.mark.django_db(transaction=True)
def test_password_reset_by_email(smtp_server: Mailbox) -> None:
    """The reset link arrives through the task queue and a real SMTP server, and works once."""
    user = UserFactory(email="reset@example.org")
    client = Client()
    response = client.post("/accounts/password-reset/", {"email": "reset@example.org"})
    assert response.status_code == 302
    client.post("/accounts/password-reset/", {"email": "nobody@example.org"})  # same answer
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    assert len(smtp_server.messages) == 1
    body = smtp_server.messages[0].get_payload(decode=True).decode()  # type: ignore[union-attr]
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", body)
    assert link, body
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    new_password = "a fresh and long passphrase"
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert get_user_model().objects.get(pk=user.pk).check_password(new_password)
    again = client.get(link.group(1), follow=True)
    assert "not valid any more" in again.content.decode()


@pytest.mark.django_db(transaction=True)
def test_no_reset_link_for_an_account_switched_off_before_the_worker_ran(
    smtp_server: Mailbox,
) -> None:
    """The worker builds the link from the account as it is then: a switched-off one gets none."""
    user = UserFactory(email="gone@example.org")
    assert Client().post("/accounts/password-reset/", {"email": user.email}).status_code == 302
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    assert smtp_server.messages == []

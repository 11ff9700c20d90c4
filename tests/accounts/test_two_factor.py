"""Two-factor sign-in: required above editor level, set up with a QR code, codes used once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from habeas.coalition.models import Role
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    add_authenticator,
    grant,
    sign_in,
    totp_code,
)

pytestmark = pytest.mark.django_db


def _all_paths() -> list[str]:
    """One concrete address for every named page of the site."""
    paths: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and pattern.name:
                concrete = re.sub(r"<slug:\w+>", "campaign-x", route)
                concrete = re.sub(r"<int:\w+>", "1", concrete)
                concrete = re.sub(r"<(str:)?\w+>", "abc", concrete)
                paths.append("/" + concrete.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted({p for p in paths if "admin/" not in p or p == "/admin/"})


@pytest.fixture
def coordinator() -> Any:
    user = UserFactory()
    grant(user, Role.COORDINATOR, campaign=CampaignFactory(slug="campaign-x"))
    return user


def test_a_coordinator_without_a_device_reaches_only_the_setup_page(
    client: Client, coordinator: Any
) -> None:
    """Every page but set-up (and signing out) sends such a user to set up two-factor."""
    sign_in(client, coordinator, verified=False)
    paths = _all_paths()
    assert len(paths) > 15
    reached = []
    for path in paths:
        response = client.get(path)
        if response.status_code == 302 and "/accounts/two-factor/setup/" in response["Location"]:
            continue
        reached.append((path, response.status_code))
    assert sorted(reached) == [("/accounts/logout/", 405), ("/accounts/two-factor/setup/", 200)]


def test_an_editor_needs_no_second_factor(client: Client) -> None:
    editor = UserFactory()
    grant(editor, Role.ORG_EDITOR, organisation=OrganisationFactory())
    sign_in(client, editor, verified=False)
    assert client.get("/accounts/").status_code == 200


def test_setup_shows_a_server_drawn_qr_code_and_confirms_with_a_code(
    client: Client, coordinator: Any
) -> None:
    sign_in(client, coordinator, verified=False)
    page = client.get("/accounts/two-factor/setup/").content.decode()
    assert "<svg" in page
    assert "<path" in page
    assert "<script" not in page
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    # A reload keeps the same secret, so the scanned code stays valid.
    client.get("/accounts/two-factor/setup/")
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1

    wrong = client.post("/accounts/two-factor/setup/", {"token": "000000"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post("/accounts/two-factor/setup/", {"token": totp_code(device)})
    assert done.status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    codes = re.findall(r"<code>(\w+)</code>", done.content.decode())
    assert len(codes) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    # Verified in this session: the coordinator page opens.
    assert client.get("/campaigns/campaign-x/coordinate/").status_code == 200


def _password_sign_in(client: Client, user: Any) -> None:
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_sign_in_asks_for_the_code_and_refuses_a_reused_one(coordinator: Any) -> None:
    device = add_authenticator(coordinator)
    first = Client()
    _password_sign_in(first, coordinator)
    assert "/two-factor/verify/" in first.get("/campaigns/campaign-x/coordinate/")["Location"]
    code = totp_code(device)
    response = first.post(
        "/accounts/two-factor/verify/",
        {"token": code, "next": "/campaigns/campaign-x/coordinate/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/campaigns/campaign-x/coordinate/"
    assert first.get("/campaigns/campaign-x/coordinate/").status_code == 200

    # The same code, replayed in another session, is refused and changes nothing.
    second = Client()
    _password_sign_in(second, coordinator)
    last_t = TOTPDevice.objects.get(pk=device.pk).last_t
    replay = second.post("/accounts/two-factor/verify/", {"token": code})
    assert replay.status_code == 200
    assert "already used" in replay.content.decode()
    assert TOTPDevice.objects.get(pk=device.pk).last_t == last_t
    assert "/two-factor/verify/" in second.get("/campaigns/campaign-x/coordinate/")["Location"]


def test_a_recovery_code_works_once(client: Client, coordinator: Any) -> None:
    from habeas.accounts.services import recovery_codes_issue

    add_authenticator(coordinator)
    codes = recovery_codes_issue(user=coordinator)
    _password_sign_in(client, coordinator)
    response = client.post("/accounts/two-factor/verify/", {"token": codes[0]})
    assert response.status_code == 302
    assert StaticToken.objects.filter(token=codes[0]).count() == 0

    other = Client()
    _password_sign_in(other, coordinator)
    again = other.post("/accounts/two-factor/verify/", {"token": codes[0]})
    assert again.status_code == 200
    assert StaticToken.objects.count() == 9


@pytest.mark.parametrize("token", ["", "12 34 <script>", "x" * 40])
def test_malformed_codes_are_refused_with_a_message(
    client: Client, coordinator: Any, token: str
) -> None:
    add_authenticator(coordinator)
    _password_sign_in(client, coordinator)
    response = client.post("/accounts/two-factor/verify/", {"token": token})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_the_admin_needs_a_verified_site_admin(client: Client) -> None:
    admin_user = UserFactory()
    grant(admin_user, Role.SITE_ADMIN)
    sign_in(client, admin_user, verified=False)
    assert "/two-factor/" in client.get("/admin/")["Location"]
    sign_in(client, admin_user, verified=True)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/coalition/rolegrant/").status_code == 200

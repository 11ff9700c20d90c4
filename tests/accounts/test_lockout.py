"""A lock-out that cannot be used against its owner, behind the production proxy.

The proxy (REMOTE_ADDR 10.0.0.1 for everyone) appends the address it was
reached from to X-Forwarded-For; ``HABEAS_TRUSTED_PROXY_COUNT`` says how
many such proxies there are, and so which entry is the client.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone
from freezegun import freeze_time

from habeas.accounts import throttle
from habeas.coalition.models import Role
from habeas.core.privacy import client_address
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    UserFactory,
    add_authenticator,
    grant,
    totp_code,
)

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.66"
OWNER = "192.0.2.10"


@pytest.fixture(autouse=True)
def behind_one_proxy(settings: Any) -> None:
    settings.HABEAS_TRUSTED_PROXY_COUNT = 1


def _login(client: Client, username: str, password: str, forwarded_for: str) -> Any:
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def _code(client: Client, token: str, forwarded_for: str) -> Any:
    return client.post(
        "/accounts/two-factor/verify/",
        {"token": token},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- the address ------------------------------------------------------------


@pytest.mark.parametrize(
    ("hops", "forwarded_for", "expected"),
    [
        (0, "198.51.100.1, 203.0.113.66", PROXY),  # no proxy trusted: the header is ignored
        (1, "203.0.113.66", "203.0.113.66"),
        (1, "198.51.100.1, 198.51.100.2, 203.0.113.66", "203.0.113.66"),  # forged left part
        (1, "not an address, 203.0.113.66", "203.0.113.66"),
        (1, "", PROXY),  # a request that bypassed the proxy
        (2, "198.51.100.1, 203.0.113.66, 192.0.2.99", "203.0.113.66"),
        (2, "203.0.113.66", PROXY),  # fewer entries than trusted hops
    ],
)
def test_the_trusted_hop_count_decides_which_entry_is_the_client(
    settings: Any, hops: int, forwarded_for: str, expected: str
) -> None:
    """Only the entry the outermost trusted proxy wrote counts; what the client wrote does not."""
    settings.HABEAS_TRUSTED_PROXY_COUNT = hops
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY)
    if forwarded_for:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert client_address(request) == expected


@pytest.mark.parametrize("header", ["HTTP_CLIENT_IP", "HTTP_X_REAL_IP", "HTTP_FORWARDED"])
def test_headers_the_proxy_does_not_write_are_ignored(header: str) -> None:
    """Only X-Forwarded-For comes from the proxy: a client's Client-IP or X-Real-IP is not read."""
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY)
    request.META[header] = "198.51.100.5"
    assert client_address(request) == PROXY


# --- the password -----------------------------------------------------------


def test_an_attacker_behind_the_proxy_does_not_lock_the_owner_out() -> None:
    """Five wrong passwords from address A lock A out, not the owner signing in from B."""
    user = UserFactory()
    attacker = Client()
    for _ in range(4):
        assert _login(attacker, user.username, "wrong", ATTACKER).status_code == 200
    assert _login(attacker, user.username, "wrong", ATTACKER).status_code == 429
    refused = _login(attacker, user.username, PASSWORD, ATTACKER)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert not _signed_in(attacker)

    owner = Client()
    assert _login(owner, user.username, PASSWORD, OWNER).status_code == 302
    assert _signed_in(owner)


@pytest.mark.parametrize("hops", [0, 1])
def test_a_forged_forwarded_for_does_not_give_a_fresh_address(settings: Any, hops: int) -> None:
    """A new made-up X-Forwarded-For on every try still meets the lock of the real address."""
    settings.HABEAS_TRUSTED_PROXY_COUNT = hops
    user = UserFactory()
    attacker = Client()
    for attempt in range(5):
        # The proxy appends the real address after whatever the client wrote.
        forged = f"198.51.100.{attempt}" + (f", {ATTACKER}" if hops else "")
        _login(attacker, user.username, "wrong", forged)
    forged = "198.51.100.200" + (f", {ATTACKER}" if hops else "")
    refused = _login(attacker, user.username, PASSWORD, forged)
    assert refused.status_code == 429
    assert not _signed_in(attacker)


def test_failures_from_many_addresses_slow_strangers_not_the_owner() -> None:
    """Past ten failures across addresses, a new address waits, unchecked; the owner's does not."""
    user = UserFactory()
    start = timezone.now()
    with freeze_time(start) as clock:
        assert _login(Client(), user.username, PASSWORD, OWNER).status_code == 302
        for attempt in range(throttle.ACCOUNT_FREE_FAILURES):
            response = _login(Client(), user.username, "wrong", f"203.0.113.{attempt}")
            assert response.status_code == 200
            assert "Wrong username or password" in response.content.decode()

        stranger = Client()
        refused = _login(stranger, user.username, PASSWORD, "198.51.100.7")
        assert refused.status_code == 429
        assert "try again in 1 second." in refused.content.decode()
        assert not _signed_in(stranger)

        owner = Client()
        assert _login(owner, user.username, PASSWORD, OWNER).status_code == 302
        assert _signed_in(owner)

        # The wait grows with every further failure.
        clock.tick(datetime.timedelta(seconds=1))
        assert _login(Client(), user.username, "wrong", "203.0.113.100").status_code == 200
        later = _login(Client(), user.username, PASSWORD, "198.51.100.8")
        assert later.status_code == 429
        assert "try again in 2 seconds." in later.content.decode()

        clock.tick(datetime.timedelta(seconds=2))
        assert _login(stranger, user.username, PASSWORD, "198.51.100.7").status_code == 302


def test_the_guard_stores_neither_username_nor_address() -> None:
    """Its cache entries are keyed by hashes and hold counts and times only."""
    user = UserFactory(username="visible-name")
    _login(Client(), user.username, "wrong", ATTACKER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM habeas_cache")
        rows = cursor.fetchall()
    assert any(key.startswith(":1:habeas:signin:") for key, _value in rows)
    assert "visible-name" not in str(rows)
    assert ATTACKER not in str(rows)


# --- the second factor ------------------------------------------------------


@pytest.fixture
def coordinator() -> Any:
    user = UserFactory()
    grant(user, Role.COORDINATOR, campaign=CampaignFactory())
    return user


def _wrong(device: Any) -> str:
    right = {totp_code(device, offset) for offset in (-1, 0, 1)}
    return next(c for c in (totp_code(device, 50), "000000", "999999") if c not in right)


def test_wrong_codes_from_one_address_do_not_lock_the_owner_out(coordinator: Any) -> None:
    """Five wrong codes from A (with the password) stop A, not the owner at B."""
    device = add_authenticator(coordinator)
    with freeze_time(timezone.now()):
        attacker = Client()
        assert _login(attacker, coordinator.username, PASSWORD, ATTACKER).status_code == 302
        for _ in range(5):
            response = _code(attacker, _wrong(device), ATTACKER)
            assert response.status_code == 200
            assert "That code is not right" in response.content.decode()
        refused = _code(attacker, totp_code(device), ATTACKER)
        assert refused.status_code == 429
        assert "try again in 900 seconds" in refused.content.decode()
        assert attacker.get("/accounts/two-factor/verify/").status_code == 200  # not verified

        owner = Client()
        assert _login(owner, coordinator.username, PASSWORD, OWNER).status_code == 302
        assert _code(owner, totp_code(device), OWNER).status_code == 302
        assert owner.get("/accounts/two-factor/verify/").status_code == 302  # verified


def test_a_forged_forwarded_for_does_not_reset_the_code_lock(coordinator: Any) -> None:
    """Codes sent with a new forged X-Forwarded-For each time still count against A."""
    device = add_authenticator(coordinator)
    attacker = Client()
    _login(attacker, coordinator.username, PASSWORD, ATTACKER)
    for attempt in range(5):
        _code(attacker, _wrong(device), f"198.51.100.{attempt}, {ATTACKER}")
    refused = _code(attacker, totp_code(device), f"198.51.100.99, {ATTACKER}")
    assert refused.status_code == 429


def test_the_code_lock_ends_after_fifteen_minutes(coordinator: Any) -> None:
    device = add_authenticator(coordinator)
    start = timezone.now()
    with freeze_time(start) as clock:
        attacker = Client()
        _login(attacker, coordinator.username, PASSWORD, ATTACKER)
        for _ in range(5):
            _code(attacker, _wrong(device), ATTACKER)
        assert _code(attacker, totp_code(device), ATTACKER).status_code == 429
        clock.tick(datetime.timedelta(minutes=15, seconds=1))
        assert _code(attacker, totp_code(device), ATTACKER).status_code == 302


def test_wrong_codes_from_many_addresses_slow_strangers_not_the_owner(coordinator: Any) -> None:
    """Past ten wrong codes across addresses, a new address waits; the owner's does not."""
    device = add_authenticator(coordinator)
    start = timezone.now()
    with freeze_time(start):
        owner = Client()
        _login(owner, coordinator.username, PASSWORD, OWNER)
        assert _code(owner, totp_code(device), OWNER).status_code == 302
        for attempt in range(throttle.ACCOUNT_FREE_FAILURES):
            address = f"203.0.113.{attempt}"
            attacker = Client()
            assert _login(attacker, coordinator.username, PASSWORD, address).status_code == 302
            assert _code(attacker, _wrong(device), address).status_code == 200

        stranger = Client()
        _login(stranger, coordinator.username, PASSWORD, "198.51.100.7")
        refused = _code(stranger, totp_code(device, 1), "198.51.100.7")
        assert refused.status_code == 429
        assert "try again in 1 second." in refused.content.decode()

        again = Client()
        _login(again, coordinator.username, PASSWORD, OWNER)
        assert _code(again, totp_code(device, 1), OWNER).status_code == 302

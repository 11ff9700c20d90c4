"""Two people doing one thing at once: one notice, one grant, and a clear answer to the other.

Each race is run twice: one after the other on every database, and truly
at once on PostgreSQL, where the second writer is held by the first's lock
until it commits (SQLite runs one writer at a time, so there the second
always finds the first's row).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.utils import timezone

from habeas.coalition import services
from habeas.coalition.models import HiddenNotice, Invitation, Role, RoleGrant, token_digest
from tests.coalition.test_united_front import Front, make_front
from tests.factories import UserFactory, grant, sign_in

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time"
)


def _hide(front: Front, demand: Any, who: str) -> HiddenNotice:
    return services.item_hide(
        by=front.users[who], item=demand, reason=f"Hidden by {who}.", site_url="http://t/"
    )


def _demand(front: Front) -> Any:
    return services.demand_propose(
        by=front.users["editor_a"], campaign=front.campaign, organisation=front.a, text="Free all!"
    )


def _with_moderator(front: Front) -> Front:
    front.users["moderator"] = UserFactory(username="moderator")
    grant(front.users["moderator"], Role.MODERATOR, campaign=front.campaign)
    return front


# --- One after the other, on every database ---------------------------------


@pytest.mark.django_db
def test_hiding_an_item_twice_leaves_one_notice() -> None:
    front = _with_moderator(make_front())
    demand = _demand(front)
    first = _hide(front, demand, "coordinator")
    with pytest.raises(ValidationError, match="already hidden"):
        _hide(front, demand, "moderator")
    assert list(HiddenNotice.objects.all()) == [first]


@pytest.mark.django_db
def test_the_second_hide_form_says_it_is_hidden_already() -> None:
    front = _with_moderator(make_front())
    demand = _demand(front)
    url = f"/campaigns/{front.campaign.slug}/hide/demand/{demand.pk}/"
    pages = [
        front.client(who).post(url, {"reason": f"Hidden by {who}."})
        for who in ("coordinator", "moderator")
    ]
    assert [page.status_code for page in pages] == [302, 400]
    assert "This item is already hidden." in pages[1].content.decode()
    assert HiddenNotice.objects.count() == 1


@pytest.mark.django_db
def test_the_database_holds_one_standing_notice_per_item() -> None:
    """A second standing notice is refused by the database itself; once lifted, the
    item may be hidden again."""
    front = make_front()
    demand = _demand(front)
    notice = _hide(front, demand, "coordinator")
    with pytest.raises(IntegrityError), transaction.atomic():
        HiddenNotice.objects.create(
            campaign=front.campaign,
            organisation=front.a,
            reason="Again.",
            hidden_by=front.users["coordinator"],
            demand=demand,
        )
    services.notice_lift(by=front.users["coordinator"], notice=notice)
    assert _hide(front, demand, "coordinator").pk != notice.pk
    assert HiddenNotice.objects.filter(lifted_at__isnull=True).count() == 1


def _invitation(email: str = "new@example.org") -> str:
    inviter = UserFactory()
    front_campaign = make_front().campaign
    grant(inviter, Role.COORDINATOR, campaign=front_campaign)
    token = "a-token-only-this-test-knows"
    now = timezone.now()
    Invitation.objects.create(
        email=email,
        role=Role.MODERATOR,
        campaign=front_campaign,
        token_sha256=token_digest(token),
        invited_by=inviter,
        created_at=now,
        expires_at=now + timedelta(days=7),
    )
    return token


@pytest.mark.django_db
def test_two_clicks_on_one_invitation_give_one_grant() -> None:
    token = _invitation()
    user = UserFactory()
    client = sign_in(Client(), user)
    first = client.post(f"/accounts/invitations/{token}/")
    second = client.post(f"/accounts/invitations/{token}/")
    assert (first.status_code, second.status_code) == (302, 410)
    assert "This invitation has already been used." in second.content.decode()
    assert RoleGrant.objects.filter(role=Role.MODERATOR, user=user).count() == 1
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(token=token, user=user)


@pytest.mark.django_db
def test_two_new_accounts_from_one_invitation_make_one() -> None:
    """The second click, choosing another username, makes no account and no grant."""
    token = _invitation()
    form = {"password1": "a long enough passphrase 1", "password2": "a long enough passphrase 1"}
    first = Client().post(f"/accounts/invitations/{token}/", {**form, "username": "first"})
    second = Client().post(f"/accounts/invitations/{token}/", {**form, "username": "second"})
    assert (first.status_code, second.status_code) == (302, 410)
    assert RoleGrant.objects.filter(role=Role.MODERATOR).count() == 1
    assert not RoleGrant.objects.filter(user__username="second").exists()


# --- Truly at once, on PostgreSQL -------------------------------------------


def _race(first: Callable[[], Any], second: Callable[[], Any]) -> list[Any]:
    """Run ``first`` in a transaction that stays open until ``second``, in another
    thread and connection, is waiting on its lock; then commit. Returns each one's
    result or exception."""
    results: list[Any] = [None, None]
    written = threading.Event()
    waiting = threading.Event()

    def run(index: int, work: Callable[[], Any], hold: bool) -> None:
        try:
            with transaction.atomic():
                results[index] = work()
                if hold:
                    written.set()
                    assert waiting.wait(timeout=20), "the second writer never waited"
        except Exception as error:
            results[index] = error
        finally:
            written.set()
            connections.close_all()

    one = threading.Thread(target=run, args=(0, first, True))
    one.start()
    assert written.wait(timeout=20)
    two = threading.Thread(target=run, args=(1, second, False))
    two.start()
    deadline = time.monotonic() + 20
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                break
            time.sleep(0.01)  # polling for the lock wait, not waiting out time
    waiting.set()
    one.join(timeout=30)
    two.join(timeout=30)
    return results


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_moderators_hiding_at_once_leave_one_notice() -> None:
    front = _with_moderator(make_front())
    demand = _demand(front)
    first, second = _race(
        lambda: _hide(front, demand, "coordinator"), lambda: _hide(front, demand, "moderator")
    )
    assert isinstance(first, HiddenNotice)
    assert isinstance(second, ValidationError), second
    assert "already hidden" in str(second)
    assert list(HiddenNotice.objects.values_list("pk", flat=True)) == [first.pk]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_on_one_invitation_give_one_grant() -> None:
    token = _invitation()
    one, two = UserFactory(), UserFactory()
    first, second = _race(
        lambda: services.invitation_accept(token=token, user=one),
        lambda: services.invitation_accept(token=token, user=two),
    )
    assert isinstance(first, RoleGrant)
    assert isinstance(second, ValidationError), second
    assert "already been used" in str(second)
    assert list(RoleGrant.objects.filter(role=Role.MODERATOR)) == [first]

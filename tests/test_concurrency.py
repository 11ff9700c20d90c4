"""Two people doing the same thing at the same moment get one result and no error page.

Each request runs in its own thread with its own database connection, on
SQLite (writers queue on the busy timeout) and PostgreSQL (row locks and
constraints). The tests assert the outcome, never the timing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from habeas.cases.models import PublicRecord, PublicVersion
from habeas.cases.services import person_save
from habeas.coalition import services
from habeas.coalition.models import (
    CampaignMembership,
    Demand,
    HiddenNotice,
    Invitation,
    Position,
    Role,
    RoleGrant,
    Statement,
)
from habeas.core.models import Source
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(*requests: Callable[[], Any]) -> list[Any]:
    """Run each request in its own thread, released together; their results in order."""
    start = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)

    def run(n: int) -> None:
        try:
            start.wait()
            results[n] = requests[n]()
        except Exception as error:  # reported below, in the test's thread
            results[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results


def _post(client: Client, path: str, data: dict[str, str] | None = None) -> Callable[[], Any]:
    return lambda: client.post(path, data or {})


def test_two_documenters_verifying_one_record_publish_it_once() -> None:
    """Two documenters press "verify" on one record together: it is published
    once, and both see a page, not an error."""
    campaign = CampaignFactory()
    writer, first, second = UserFactory(), UserFactory(), UserFactory()
    for user in (writer, first, second):
        grant(user, Role.DOCUMENTER, campaign=campaign)
    person = person_save(
        by=writer, source=Source.objects.create(title="S"), campaign=campaign, name="Ali Khan"
    )
    clients = [sign_in(Client(), user) for user in (first, second)]
    path = f"/register/working/{person.pk}/verify/"
    responses = _at_once(*(_post(client, path) for client in clients))
    assert [response.status_code for response in responses] == [302, 302]
    assert PublicRecord.objects.filter(pk=person.pk).count() == 1
    # FINDING: the second verification publishes the unchanged record again
    # (version 2, identical), in a race and one after the other alike.
    assert PublicVersion.objects.filter(person=person).count() == 1


def test_two_clicks_on_one_invitation_give_one_role() -> None:
    """An invitation link clicked twice at once makes one grant; the second click
    is told the link is used."""
    organisation = OrganisationFactory()
    admin, invited = UserFactory(), UserFactory()
    grant(admin, Role.ORG_ADMIN, organisation=organisation)
    token = "two-clicks-token"
    Invitation.objects.create(
        email=invited.email,
        role=Role.ORG_EDITOR,
        organisation=organisation,
        token_sha256=services.token_digest(token),
        invited_by=admin,
        expires_at="2999-01-01T00:00:00Z",
    )
    clients = [sign_in(Client(), invited) for _n in range(2)]
    path = f"/accounts/invitations/{token}/"
    responses = _at_once(*(_post(client, path) for client in clients))
    assert sorted(response.status_code for response in responses) == [302, 410]
    assert RoleGrant.objects.filter(user=invited).count() == 1


def test_two_clicks_on_one_campaign_invitation_join_once() -> None:
    """An organisation's admin accepting a campaign's invitation twice at once
    joins once, endorsing each common demand once."""
    campaign = CampaignFactory(slug="campaign-c")
    founder, joining = OrganisationFactory(), OrganisationFactory()
    CampaignMembership.objects.create(campaign=campaign, organisation=founder)
    demand = Demand.objects.create(campaign=campaign, proposed_by=founder, text="Free them")
    demand.versions.create(number=1, text="Free them")
    demand.positions.create(organisation=founder, stance="ENDORSES", version=1)
    CampaignMembership.objects.create(campaign=campaign, organisation=joining, status="INVITED")
    admin = UserFactory()
    grant(admin, Role.ORG_ADMIN, organisation=joining)
    clients = [sign_in(Client(), admin) for _n in range(2)]
    path = f"/campaigns/campaign-c/members/{joining.pk}/accept/"
    responses = _at_once(*(_post(client, path, {"endorses_common": "on"}) for client in clients))
    assert [response.status_code for response in responses] == [302, 302]
    membership = CampaignMembership.objects.get(campaign=campaign, organisation=joining)
    assert membership.status == "ACTIVE"
    assert Position.objects.filter(demand=demand, organisation=joining).count() == 1


def test_two_coordinators_hiding_one_item_leave_one_notice() -> None:
    """A coordinator and a moderator hide one statement at once: one public notice,
    and no error page for either.

    FINDING: on PostgreSQL both requests pass item_hide's "already hidden?"
    check and two notices are written; SQLite's IMMEDIATE transactions
    serialise them. A database constraint on the open notice fixes it.
    """
    campaign = CampaignFactory(slug="campaign-c")
    organisation = OrganisationFactory()
    CampaignMembership.objects.create(campaign=campaign, organisation=organisation)
    coordinator, moderator = UserFactory(), UserFactory()
    grant(coordinator, Role.COORDINATOR, campaign=campaign)
    grant(moderator, Role.MODERATOR, campaign=campaign)
    clients = [sign_in(Client(), user) for user in (coordinator, moderator)]
    # The window between "is it hidden?" and the insert is short: try a few items.
    for n in range(ROUNDS):
        statement = Statement.objects.create(
            campaign=campaign, organisation=organisation, title=f"Ours {n}", body="Text"
        )
        statement.versions.create(number=1, title=f"Ours {n}", body="Text")
        path = f"/campaigns/campaign-c/hide/statement/{statement.pk}/"
        responses = _at_once(*(_post(client, path, {"reason": "Off topic"}) for client in clients))
        assert {response.status_code for response in responses} <= {200, 302, 400}
        assert HiddenNotice.objects.filter(statement=statement).count() == 1


ROUNDS = 8

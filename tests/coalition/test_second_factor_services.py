"""A user whose roles need a second factor, and who has not entered one in the
session, is refused by the services themselves, not only sent to the code page
by the middleware: a path that misses the middleware still changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import django_otp
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django_otp.middleware import OTPMiddleware

from habeas.cases import services as cases_services
from habeas.cases.models import Detention, PersonRestricted
from habeas.coalition import services
from habeas.coalition.models import Campaign, Invitation, Role, Statement
from habeas.core.models import Source
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    add_authenticator,
    grant,
    member,
)

pytestmark = pytest.mark.django_db


def _as_request_user(user: Any, *, verified: bool) -> Any:
    """``user`` as a page sees it: through django-otp's middleware, with or
    without a second factor entered in this session."""
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = user
    OTPMiddleware(lambda r: HttpResponse())(request)
    if verified:
        device = add_authenticator(user)
        django_otp.login(request, device)
    return request.user


@pytest.fixture
def world() -> dict[str, Any]:
    campaign = CampaignFactory(title="Before")
    organisation = OrganisationFactory()
    member(campaign, organisation)
    users = {name: UserFactory(username=name) for name in ("coord", "admin", "doc", "team", "ed")}
    grant(users["coord"], Role.COORDINATOR, campaign=campaign)
    grant(users["admin"], Role.ORG_ADMIN, organisation=organisation)
    grant(users["doc"], Role.DOCUMENTER, campaign=campaign)
    grant(users["team"], Role.CASE_TEAM, campaign=campaign)
    grant(users["ed"], Role.ORG_EDITOR, organisation=organisation)
    source = Source.objects.create(title="Court record")
    person = cases_services.person_save(
        by=users["doc"], source=source, campaign=campaign, name="P"
    )
    return {**users, "campaign": campaign, "organisation": organisation, "person": person}


# (user, the call, what it would change)
CALLS: dict[str, tuple[str, Callable[[dict[str, Any], Any], Any], Callable[[], Any]]] = {
    "campaign_update": (
        "coord",
        lambda w, by: services.campaign_update(
            by=by, campaign=w["campaign"], title="After", status=Campaign.Status.ACTIVE
        ),
        lambda: list(Campaign.objects.values_list("title", flat=True)),
    ),
    "invitation_create": (
        "admin",
        lambda w, by: services.invitation_create(
            by=by,
            email="new@example.org",
            role=Role.ORG_EDITOR,
            organisation=w["organisation"],
            site_url="http://testserver",
        ),
        lambda: Invitation.objects.count(),
    ),
    "detention_add": (
        "doc",
        lambda w, by: cases_services.detention_add(
            by=by,
            person=w["person"],
            source=Source.objects.get(),
            arrested_on=datetime.date(2025, 5, 1),
            arrested_precision="DAY",
            status="DETAINED",
        ),
        lambda: Detention.objects.count(),
    ),
    "restricted_save": (
        "team",
        lambda w, by: cases_services.restricted_save(
            by=by, person=w["person"], family_contacts="In confidence"
        ),
        lambda: list(PersonRestricted.objects.values_list("family_contacts", flat=True)),
    ),
}


@pytest.mark.parametrize("name", CALLS)
def test_a_service_refuses_a_role_holder_without_a_second_factor(
    world: dict[str, Any], name: str
) -> None:
    who, call, state = CALLS[name]
    before = state()
    with pytest.raises(PermissionDenied):
        call(world, _as_request_user(world[who], verified=False))
    assert state() == before


@pytest.mark.parametrize("name", CALLS)
def test_the_same_call_works_once_the_second_factor_is_entered(
    world: dict[str, Any], name: str
) -> None:
    who, call, state = CALLS[name]
    before = state()
    call(world, _as_request_user(world[who], verified=True))
    assert state() != before


def test_an_editor_needs_no_second_factor(world: dict[str, Any]) -> None:
    """Editors' roles do not ask for one, so nothing is withheld from them."""
    services.statement_publish(
        by=_as_request_user(world["ed"], verified=False),
        campaign=world["campaign"],
        organisation=world["organisation"],
        title="Ours",
        body="Text",
    )
    assert Statement.objects.count() == 1


def test_a_user_loaded_at_the_console_is_not_asked(world: dict[str, Any]) -> None:
    """A management command's user carries no session: the operator holds the
    database already, and the command's own rights still apply."""
    services.campaign_update(
        by=world["coord"], campaign=world["campaign"], title="After", status="ACTIVE"
    )
    assert Campaign.objects.get().title == "After"

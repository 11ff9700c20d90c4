"""Every public coalition service refuses, by itself, what its caller may not do."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from habeas.coalition import services
from habeas.coalition.models import (
    Correspondence,
    CorrespondenceCorrection,
    Invitation,
    Role,
    RoleGrant,
)
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    org_a, org_b = OrganisationFactory(), OrganisationFactory()
    campaign, other_campaign = CampaignFactory(), CampaignFactory()
    people = {name: UserFactory(username=name) for name in ("admin_a", "editor_a", "admin_b")}
    people.update(
        coordinator=UserFactory(username="coordinator"),
        site_admin=UserFactory(username="site_admin"),
        newcomer=UserFactory(username="newcomer"),
    )
    grant(people["admin_a"], Role.ORG_ADMIN, organisation=org_a)
    grant(people["editor_a"], Role.ORG_EDITOR, organisation=org_a)
    grant(people["admin_b"], Role.ORG_ADMIN, organisation=org_b)
    grant(people["coordinator"], Role.COORDINATOR, campaign=campaign)
    grant(people["site_admin"], Role.SITE_ADMIN)
    return {
        **people,
        "org_a": org_a,
        "campaign": campaign,
        "other_campaign": other_campaign,
        "anonymous": AnonymousUser(),
    }


REFUSED = [
    # (acting user, role, scope)
    ("anonymous", Role.ORG_EDITOR, "org_a"),
    ("editor_a", Role.ORG_EDITOR, "org_a"),
    ("admin_b", Role.ORG_EDITOR, "org_a"),
    ("admin_a", Role.SITE_ADMIN, None),
    ("coordinator", Role.MODERATOR, "other_campaign"),
    ("admin_a", Role.COORDINATOR, "campaign"),
    ("newcomer", Role.DOCUMENTER, "campaign"),
]


def _scope(world: dict[str, Any], scope: str | None) -> dict[str, Any]:
    if scope is None:
        return {}
    key = "organisation" if scope.startswith("org") else "campaign"
    return {key: world[scope]}


@pytest.mark.parametrize(("by", "role", "scope"), REFUSED)
def test_grant_create_refuses_whoever_does_not_manage_the_scope(
    world: dict[str, Any], by: str, role: str, scope: str | None
) -> None:
    before = RoleGrant.objects.count()
    with pytest.raises(PermissionDenied):
        services.grant_create(
            by=world[by], user=world["newcomer"], role=role, **_scope(world, scope)
        )
    assert RoleGrant.objects.count() == before


@pytest.mark.parametrize(
    ("by", "role", "scope"),
    [
        ("admin_a", Role.ORG_EDITOR, "org_a"),
        ("coordinator", Role.MODERATOR, "campaign"),
        ("site_admin", Role.SITE_ADMIN, None),
    ],
)
def test_grant_create_gives_the_role_on_the_managers_word(
    world: dict[str, Any], by: str, role: str, scope: str | None
) -> None:
    given = services.grant_create(
        by=world[by], user=world["newcomer"], role=role, **_scope(world, scope)
    )
    assert (given.role, given.granted_by) == (role, world[by])
    again = services.grant_create(
        by=world[by], user=world["newcomer"], role=role, **_scope(world, scope)
    )
    assert again.pk == given.pk


def test_an_invitation_is_refused_before_its_address_is_read(world: dict[str, Any]) -> None:
    """A caller without the right learns nothing about what it sent, not even a bad address."""
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            by=world["anonymous"],
            email="not an address",
            role=Role.ORG_EDITOR,
            organisation=world["org_a"],
            site_url="http://testserver/",
        )
    assert not Invitation.objects.exists()


def test_only_the_console_gives_roles_without_an_acting_user() -> None:
    """``grant_create_at_console`` checks no one; only commands and the demo loader call it."""
    root = Path(__file__).resolve().parents[2] / "habeas"
    callers = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if re.search(r"\bgrant_create_at_console\b", path.read_text(encoding="utf-8"))
    }
    assert callers == {
        "coalition/services/__init__.py",
        "coalition/services/grants.py",
        "coalition/management/commands/grant_site_admin.py",
        "demo/loader.py",
    }


@pytest.mark.parametrize("by", ["anonymous", "admin_b", "coordinator", "site_admin"])
def test_only_its_own_editors_publish_correspondence_for_an_organisation(
    world: dict[str, Any], by: str
) -> None:
    """The letter form offers only one's own organisations; the service refuses the rest too."""
    with pytest.raises(PermissionDenied):
        services.correspondence_publish(
            by=world[by],
            organisation=world["org_a"],
            to_campaign=world["campaign"],
            subject="In another's name",
            body="Text.",
        )
    assert not Correspondence.objects.exists()


@pytest.mark.parametrize("by", ["anonymous", "admin_b", "coordinator", "site_admin"])
def test_only_its_own_editors_correct_an_organisations_letter(
    world: dict[str, Any], by: str
) -> None:
    letter = services.correspondence_publish(
        by=world["editor_a"],
        organisation=world["org_a"],
        to_campaign=world["campaign"],
        subject="Ours",
        body="Text.",
    )
    with pytest.raises(PermissionDenied):
        services.correspondence_correct(by=world[by], correspondence=letter, body="Not yours.")
    assert not CorrespondenceCorrection.objects.exists()

"""Who may do what in organisations and campaigns: the `rules` predicates.

Every check in views, services, the admin and the API goes through these
permissions (``user.has_perm("coalition.…", obj)``); nothing tests
``is_staff`` or a role by hand.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from habeas.accounts.rules import is_verified
from habeas.coalition.models import (
    CAMPAIGN_ROLES,
    ORGANISATION_IN_CAMPAIGN_ROLES,
    ORGANISATION_ROLES,
    Campaign,
    Invitation,
    Organisation,
    Role,
    RoleGrant,
)


def _grants(user: Any) -> Any:
    return RoleGrant.objects.active().filter(user=user)


def _signed_in(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@predicate
def is_site_admin(user: Any) -> bool:
    return _signed_in(user) and _grants(user).filter(role=Role.SITE_ADMIN).exists()


@predicate
def is_organisation_admin(user: Any, organisation: Organisation | None) -> bool:
    if not _signed_in(user) or not isinstance(organisation, Organisation):
        return False
    return _grants(user).filter(role=Role.ORG_ADMIN, organisation=organisation).exists()


@predicate
def is_organisation_editor(user: Any, organisation: Organisation | None) -> bool:
    """Editors and admins of the organisation may edit its content."""
    if not _signed_in(user) or not isinstance(organisation, Organisation):
        return False
    return (
        _grants(user)
        .filter(role__in=[Role.ORG_ADMIN, Role.ORG_EDITOR], organisation=organisation)
        .exists()
    )


@predicate
def is_campaign_coordinator(user: Any, campaign: Campaign | None) -> bool:
    if not _signed_in(user) or not isinstance(campaign, Campaign):
        return False
    return _grants(user).filter(role=Role.COORDINATOR, campaign=campaign).exists()


@predicate
def manages_grant_scope(user: Any, grant: RoleGrant | Invitation | None) -> bool:
    """Organisation admins manage their organisation's roles (treasurers included);
    coordinators manage their campaign's roles."""
    if not _signed_in(user) or grant is None:
        return False
    if grant.role in ORGANISATION_ROLES or grant.role in ORGANISATION_IN_CAMPAIGN_ROLES:
        return bool(is_organisation_admin(user, grant.organisation))
    if grant.role in CAMPAIGN_ROLES:
        return bool(is_campaign_coordinator(user, grant.campaign))
    return False


def _has_admin(organisation: Organisation) -> bool:
    return (
        RoleGrant.objects.active().filter(role=Role.ORG_ADMIN, organisation=organisation).exists()
    )


@predicate
def is_site_admin_of_orphan(user: Any, organisation: Organisation | None) -> bool:
    """A site admin manages an organisation's people only while it has no admin of its own:
    to invite its first admin, never to place someone in an organisation that has one."""
    if not isinstance(organisation, Organisation) or not is_site_admin(user):
        return False
    return not _has_admin(organisation)


@predicate
def site_admin_manages_grant(user: Any, grant: RoleGrant | Invitation | None) -> bool:
    """Campaign and site roles: any site admin; an organisation's roles: as for its members."""
    if grant is None or not is_site_admin(user):
        return False
    if grant.role in ORGANISATION_ROLES or grant.role in ORGANISATION_IN_CAMPAIGN_ROLES:
        return bool(is_site_admin_of_orphan(user, grant.organisation))
    return True


@predicate
def is_campaign_moderator(user: Any, campaign: Campaign | None) -> bool:
    """Coordinators and moderators may hide items, with a public reason."""
    if not _signed_in(user) or not isinstance(campaign, Campaign):
        return False
    return (
        _grants(user)
        .filter(role__in=[Role.COORDINATOR, Role.MODERATOR], campaign=campaign)
        .exists()
    )


@predicate
def is_any_organisation_admin(user: Any) -> bool:
    return _signed_in(user) and _grants(user).filter(role=Role.ORG_ADMIN).exists()


@predicate
def edits_for_item_organisation(user: Any, item: Any) -> bool:
    """The anti-censorship rule: an organisation's items are its own editors' alone."""
    organisation = getattr(item, "organisation", None) or getattr(item, "proposed_by", None)
    if organisation is None and getattr(item, "from_organisation", None) is not None:
        organisation = item.from_organisation
    return bool(is_organisation_editor(user, organisation))


# An organisation's profile is its own words: its editors', not a site admin's.
add_perm("coalition.edit_organisation", is_organisation_editor)
# A site admin registers an organisation (then invites its first admin), and
# from then on does not speak for it.
add_perm("coalition.create_organisation", is_site_admin)
# Sources belong to core, which names no role: the coalition says who archives them.
add_perm("core.archive_source", is_site_admin)
# Publishing in an organisation's name: statements, demands, positions, letters.
add_perm("coalition.publish_for_organisation", is_organisation_editor)
# Editing or withdrawing an organisation's item: no site admin, no coordinator.
add_perm("coalition.edit_item", edits_for_item_organisation)
add_perm("coalition.moderate_campaign", is_campaign_moderator | is_site_admin)
# Reading a hidden item's text: those who may hide or show it again (and the
# item's own organisation's editors, asked per item in queries).
add_perm("coalition.see_hidden_text", is_campaign_moderator | is_site_admin)
add_perm("coalition.create_campaign", is_any_organisation_admin | is_site_admin)
# A site admin could otherwise invite itself into any organisation and speak for it.
add_perm("coalition.manage_members", is_organisation_admin | is_site_admin_of_orphan)
# Committing an organisation (starting a campaign in its name, asking to join,
# accepting an invitation, leaving with a public notice): its own admins only.
add_perm("coalition.commit_organisation", is_organisation_admin)
add_perm("coalition.coordinate_campaign", is_campaign_coordinator | is_site_admin)
add_perm("coalition.manage_grant", manages_grant_scope | site_admin_manages_grant)
add_perm("coalition.grant_site_admin", is_site_admin)
# The Django admin is for site admins only, and only behind two-factor login.
add_perm("coalition.use_admin", is_site_admin & is_verified)

"""Roles: giving and revoking them, each on record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import SITE_ROLES, Campaign, Organisation, Role, RoleGrant
from habeas.coalition.services._checks import check_scope
from habeas.core.pagecache import public_changed


def _may_grant(
    by: User, role: str, organisation: Organisation | None, campaign: Campaign | None
) -> bool:
    """Whether ``by`` may give this role in this scope (or invite someone to it)."""
    if role in SITE_ROLES:
        return bool(by.has_perm("coalition.grant_site_admin"))
    probe = RoleGrant(role=role, organisation=organisation, campaign=campaign)
    return bool(by.has_perm("coalition.manage_grant", probe))


@transaction.atomic
def grant_create(
    *,
    by: User,
    user: User,
    role: str,
    organisation: Organisation | None = None,
    campaign: Campaign | None = None,
) -> RoleGrant:
    """``by`` gives ``user`` a role; if they already hold it, the active grant is returned.

    Raises PermissionDenied unless ``by`` manages the role's scope (an
    organisation's admin, a campaign's coordinator, a site admin for site
    and campaign roles), ValidationError when the role and scope do not fit.
    """
    if not _may_grant(by, role, organisation, campaign):
        raise PermissionDenied
    check_scope(role, organisation, campaign)
    return _grant_write(user=user, role=role, organisation=organisation, campaign=campaign, by=by)


@transaction.atomic
def grant_create_at_console(
    *,
    user: User,
    role: str,
    organisation: Organisation | None = None,
    campaign: Campaign | None = None,
) -> RoleGrant:
    """The operator at the console gives ``user`` a role, recorded with no granter.

    For management commands and the demo loader only: whoever runs them
    holds the database already, so there is no one to ask. Pages, tasks and
    the API call ``grant_create``, which checks the acting user (a test
    keeps it so). Raises ValidationError when the role and scope do not fit.
    """
    check_scope(role, organisation, campaign)
    return _grant_write(
        user=user, role=role, organisation=organisation, campaign=campaign, by=None
    )


def _grant_write(
    *,
    user: User,
    role: str,
    organisation: Organisation | None,
    campaign: Campaign | None,
    by: User | None,
) -> RoleGrant:
    """Give the role once: the active grant if there is one, else a new grant by ``by``.

    The caller has checked permission and scope (an accepted invitation, a
    campaign's founder, a service above).
    """
    existing = (
        RoleGrant.objects.active()
        .filter(user=user, role=role, organisation=organisation, campaign=campaign)
        .first()
    )
    if existing:
        return existing
    if (
        role == Role.ORG_ADMIN
        and not RoleGrant.objects.active()
        .filter(role=Role.ORG_ADMIN, organisation=organisation)
        .exists()
    ):
        # The organisation's public page says whether anyone speaks for it.
        public_changed()
    try:
        with transaction.atomic():
            return RoleGrant.objects.create(
                user=user, role=role, organisation=organisation, campaign=campaign, granted_by=by
            )
    except IntegrityError:
        # A concurrent grant won the race; the one active grant is the answer.
        return RoleGrant.objects.active().get(
            user=user, role=role, organisation=organisation, campaign=campaign
        )


@transaction.atomic
def grant_revoke(*, grant: RoleGrant, by: User) -> RoleGrant:
    """End a grant, stamping who and when; a revoked grant is returned unchanged.

    Raises PermissionDenied unless ``by`` manages the grant's scope, and
    ValidationError when it would leave an organisation without an admin or
    a campaign without a coordinator.
    """
    if not by.has_perm("coalition.manage_grant", grant):
        raise PermissionDenied
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is not None:
        return grant
    if grant.role == Role.ORG_ADMIN:
        others = (
            RoleGrant.objects.active()
            .filter(role=Role.ORG_ADMIN, organisation=grant.organisation)
            .exclude(pk=grant.pk)
        )
        if not others.exists():
            raise ValidationError(
                _("An organisation needs at least one admin. Invite another admin first.")
            )
    if grant.role == Role.COORDINATOR:
        others = (
            RoleGrant.objects.active()
            .filter(role=Role.COORDINATOR, campaign=grant.campaign)
            .exclude(pk=grant.pk)
        )
        if not others.exists():
            raise ValidationError(
                _("A campaign needs at least one coordinator. Invite another coordinator first.")
            )
    grant.revoked_at = timezone.now()
    grant.revoked_by = by
    grant.save(update_fields=["revoked_at", "revoked_by"])
    return grant

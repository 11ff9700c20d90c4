"""Roles: giving and revoking them, each on record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.coalition.models import Campaign, Organisation, Role, RoleGrant
from habeas.coalition.services._checks import check_scope


@transaction.atomic
def grant_create(
    *,
    user: Any,
    role: str,
    organisation: Organisation | None = None,
    campaign: Campaign | None = None,
    by: Any | None = None,
) -> RoleGrant:
    """Give ``user`` a role; if they already hold it, return the active grant unchanged.

    ``by`` is recorded as the granter (None for the command line). Callers
    check permission: an accepted invitation or an operator at the console.
    Raises ValidationError when the role and scope do not fit.
    """
    check_scope(role, organisation, campaign)
    existing = (
        RoleGrant.objects.active()
        .filter(user=user, role=role, organisation=organisation, campaign=campaign)
        .first()
    )
    if existing:
        return existing
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
def grant_revoke(*, grant: RoleGrant, by: Any) -> RoleGrant:
    """End a grant, stamping who and when; a revoked grant is returned unchanged.

    Raises PermissionDenied unless ``by`` manages the grant's scope, and
    ValidationError when it would leave an organisation without an admin.
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
    grant.revoked_at = timezone.now()
    grant.revoked_by = by
    grant.save(update_fields=["revoked_at", "revoked_by"])
    return grant

"""Every write to organisations, campaigns, roles and invitations."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from habeas.coalition.models import (
    CAMPAIGN_ROLES,
    ORGANISATION_IN_CAMPAIGN_ROLES,
    ORGANISATION_ROLES,
    SITE_ROLES,
    Campaign,
    Invitation,
    Organisation,
    Role,
    RoleGrant,
)
from habeas.core.tasks import send_email

INVITATION_LIFETIME = timedelta(days=7)


def token_digest(token: str) -> str:
    """The stored form of an invitation token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _check_scope(role: str, organisation: Organisation | None, campaign: Campaign | None) -> None:
    """Raise ValidationError unless the role names exactly the scope it applies to."""
    if role in ORGANISATION_ROLES and (organisation is None or campaign is not None):
        raise ValidationError(_("This role belongs to one organisation."))
    if role in CAMPAIGN_ROLES and (campaign is None or organisation is not None):
        raise ValidationError(_("This role belongs to one campaign."))
    if role in ORGANISATION_IN_CAMPAIGN_ROLES:
        if organisation is None or campaign is None:
            raise ValidationError(_("A treasurer acts for one organisation in one campaign."))
        if not campaign.memberships.filter(organisation=organisation).exists():
            raise ValidationError(_("The organisation is not a member of that campaign."))
    if role in SITE_ROLES and (organisation is not None or campaign is not None):
        raise ValidationError(_("A site admin's role covers the whole site."))
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))


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
    _check_scope(role, organisation, campaign)
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


@transaction.atomic
def invitation_create(
    *,
    by: Any,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    campaign: Campaign | None = None,
    site_url: str,
) -> tuple[Invitation, str]:
    """Invite someone by e-mail to take a role, and send them a single-use link.

    Returns the invitation and its link. The link is not stored anywhere
    (only a digest of its token is); callers must not log or show it.

    The link expires after seven days. The e-mail is queued once the
    transaction commits, in the inviter's current language. Raises
    PermissionDenied unless ``by`` manages the scope, ValidationError for a
    bad address or a role that does not fit the scope.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(_("Enter a valid e-mail address.")) from error
    _check_scope(role, organisation, campaign)
    probe = Invitation(role=role, organisation=organisation, campaign=campaign)
    allowed = (
        by.has_perm("coalition.grant_site_admin")
        if role in SITE_ROLES
        else by.has_perm("coalition.manage_grant", probe)
    )
    if not allowed:
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        organisation=organisation,
        campaign=campaign,
        token_sha256=token_digest(token),
        invited_by=by,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    link = f"{site_url.rstrip('/')}/accounts/invitations/{token}/"
    language = translation.get_language()
    subject = _("You are invited to take part in Habeas")
    body = render_to_string(
        "coalition/invitation_email.txt",
        {"invitation": invitation, "inviter": by, "link": link, "language": language},
    )
    transaction.on_commit(lambda: send_email.enqueue(to=[email], subject=subject, body=body))
    return invitation, link


def invitation_by_token(token: str) -> Invitation:
    """The open invitation for this token.

    Raises ValidationError, with a message fit to show, when the token is
    unknown, used, withdrawn or expired.
    """
    invitation = (
        Invitation.objects.select_related("organisation", "campaign", "invited_by")
        .filter(token_sha256=token_digest(token))
        .first()
    )
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid. Check that it is complete."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.withdrawn_at is not None:
        raise ValidationError(_("This invitation was withdrawn."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired. Ask for a new one."))
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user: Any | None = None,
    username: str = "",
    password: str = "",
) -> RoleGrant:
    """Take the invited role, as the signed-in ``user`` or as a new account.

    Single use: the invitation row is locked, checked and stamped in one
    transaction, so two clicks on one link give one grant. Raises
    ValidationError for a spent, expired or unknown link, a taken username
    or a weak password; nothing is written then.
    """
    invitation = invitation_by_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if user is None:
        user = _account_create(username=username, password=password, email=invitation.email)
    grant = grant_create(
        user=user,
        role=invitation.role,
        organisation=invitation.organisation,
        campaign=invitation.campaign,
        by=invitation.invited_by,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return grant


def _account_create(*, username: str, password: str, email: str) -> Any:
    user_model = get_user_model()
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("Choose a username.")})
    if user_model._default_manager.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken; choose another.")})
    user = user_model(username=username, email=email)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: Any) -> Invitation:
    """Withdraw an open invitation so its link stops working.

    Raises PermissionDenied unless ``by`` manages the invitation's scope.
    """
    if not by.has_perm("coalition.manage_grant", invitation):
        raise PermissionDenied
    if invitation.accepted_at is None and invitation.withdrawn_at is None:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])
    return invitation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, by: Any, short_name: str, kind: str, country: str
) -> Organisation:
    """Change an organisation's profile.

    Raises PermissionDenied unless ``by`` edits for this organisation, and
    ValidationError for values outside the vocabulary.
    """
    if not by.has_perm("coalition.edit_organisation", organisation):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.short_name = short_name.strip()
    organisation.kind = kind
    organisation.country = country.strip().upper()
    organisation.full_clean()
    organisation.save(update_fields=["short_name", "kind", "country"])
    return organisation

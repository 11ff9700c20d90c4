"""Invitations by e-mail to take a role, single use and expiring."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import (
    Campaign,
    CampaignMembership,
    Invitation,
    Organisation,
    Role,
    RoleGrant,
    token_digest,
)
from habeas.coalition.queries import invitation_by_token
from habeas.coalition.services._checks import check_scope, require
from habeas.coalition.services.campaigns import refuse_member_or_invited
from habeas.coalition.services.grants import _grant_write, _may_grant
from habeas.coalition.tasks import send_invitation_email
from habeas.core.text import format_isolated

INVITATION_LIFETIME = timedelta(days=7)


@transaction.atomic
def invitation_create(
    *,
    by: User,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    campaign: Campaign | None = None,
    site_url: str,
) -> Invitation:
    """Invite someone by e-mail to take a role, and have the worker send them a link.

    The link's token does not exist yet: the task worker makes it when it
    sends the mail (``invitation_link_issue``), so neither this row nor the
    queued task ever holds it. The row starts with the digest of a token
    nobody knows.

    The link expires seven days after this call. The e-mail is queued, by
    id, once the transaction commits, in the inviter's current language.
    Raises PermissionDenied unless ``by`` manages the scope,
    ValidationError for a bad address or a role that does not fit the scope.
    """
    if not _may_grant(by, role, organisation, campaign):
        raise PermissionDenied
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(_("Enter a valid e-mail address.")) from error
    check_scope(role, organisation, campaign)
    return _invitation_send(
        by=by,
        email=email,
        role=role,
        organisation=organisation,
        campaign=campaign,
        membership_campaign=None,
        site_url=site_url,
    )


def _invitation_send(
    *,
    by: User,
    email: str,
    role: str,
    organisation: Organisation | None,
    campaign: Campaign | None,
    membership_campaign: Campaign | None,
    site_url: str,
) -> Invitation:
    """Record the invitation and mail its link from the worker once the transaction commits."""
    now = timezone.now()
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        organisation=organisation,
        campaign=campaign,
        membership_campaign=membership_campaign,
        token_sha256=token_digest(secrets.token_urlsafe(32)),
        invited_by=by,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: send_invitation_email.enqueue(
            invitation_id=invitation.pk, site_url=site_url, language=language
        )
    )
    return invitation


@transaction.atomic
def invitation_link_issue(*, invitation_id: int, site_url: str) -> tuple[Invitation, str] | None:
    """Give an open invitation a fresh token and return it with its link, for the mail.

    Called by the task worker only, which sends the link at once; callers
    must not store, log or show it. Only the token's SHA-256 is kept, and
    any earlier link of the invitation stops working. Returns None, changing
    nothing, when the invitation is gone, used, withdrawn or expired.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "campaign", "invited_by", "membership_campaign")
        .filter(
            pk=invitation_id,
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if invitation is None:
        return None
    token = secrets.token_urlsafe(32)
    invitation.token_sha256 = token_digest(token)
    invitation.save(update_fields=["token_sha256"])
    return invitation, f"{site_url.rstrip('/')}/accounts/invitations/{token}/"


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user: User | None = None,
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
    if invitation.membership_campaign_id is not None and invitation.organisation_id is not None:
        # A contact link makes a first admin, never a second: two links
        # accepted at once queue on the organisation's row.
        organisation = Organisation.objects.select_for_update().get(pk=invitation.organisation_id)
        if _has_admin(organisation):
            raise ValidationError(
                _(
                    "%(organisation)s already has an admin on Habeas, so this contact "
                    "link no longer works. Ask its admins to invite you."
                )
                % {"organisation": organisation}
            )
    if user is None:
        user = _account_create(username=username, password=password, email=invitation.email)
    grant = _grant_write(
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


def _has_admin(organisation: Organisation) -> bool:
    return (
        RoleGrant.objects.active().filter(role=Role.ORG_ADMIN, organisation=organisation).exists()
    )


@transaction.atomic
def organisation_contact_invite(
    *,
    by: User,
    campaign: Campaign,
    organisation: Organisation,
    email: str,
    site_url: str,
) -> Invitation:
    """A coordinator invites an organisation that has no one on Habeas, through a contact.

    The contact is mailed a link: whoever accepts it becomes the
    organisation's first admin, granted by ``by`` (on record, with the
    time), and answers the campaign's invitation to join, which is recorded
    now as pending. Raises PermissionDenied unless ``by`` coordinates the
    campaign; ValidationError for a bad address, an organisation that has
    an admin already (invite it the ordinary way), or one that is already a
    member, invited or asking.
    """
    require(by, "coalition.coordinate_campaign", campaign)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from error
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if _has_admin(organisation):
        raise ValidationError(
            format_isolated(
                _(
                    "%(organisation)s has someone on Habeas already: invite it with "
                    "“Invite the organisation”, and its admins will answer."
                ),
                organisation=organisation,
            )
        )
    membership, created = CampaignMembership.objects.select_for_update().get_or_create(
        campaign=campaign,
        organisation=organisation,
        defaults={"status": CampaignMembership.Status.INVITED},
    )
    if not created:
        refuse_member_or_invited(membership)
        if membership.status == CampaignMembership.Status.REQUESTED:
            raise ValidationError(
                _("%(organisation)s has asked to join: answer its request instead.")
                % {"organisation": organisation}
            )
        membership.status = CampaignMembership.Status.INVITED
        membership.save(update_fields=["status"])
    return _invitation_send(
        by=by,
        email=email,
        role=Role.ORG_ADMIN,
        organisation=organisation,
        campaign=None,
        membership_campaign=campaign,
        site_url=site_url,
    )


def _account_create(*, username: str, password: str, email: str) -> User:
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
def invitation_withdraw(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw an open invitation so its link stops working.

    Raises PermissionDenied unless ``by`` manages the invitation's scope.
    """
    if not by.has_perm("coalition.manage_grant", invitation):
        raise PermissionDenied
    if invitation.accepted_at is None and invitation.withdrawn_at is None:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])
    return invitation

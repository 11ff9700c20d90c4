"""Every write to organisations, campaigns, roles and invitations."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from habeas.coalition.models import (
    CAMPAIGN_ROLES,
    ORGANISATION_IN_CAMPAIGN_ROLES,
    ORGANISATION_ROLES,
    SITE_ROLES,
    Appeal,
    Campaign,
    CampaignMembership,
    Correspondence,
    CorrespondenceCorrection,
    Demand,
    DemandVersion,
    HiddenNotice,
    Invitation,
    Organisation,
    OrganisationVersion,
    Position,
    Role,
    RoleGrant,
    Statement,
    StatementVersion,
)
from habeas.coalition.tasks import send_invitation_email
from habeas.core.images import clean_image
from habeas.core.tasks import send_email
from habeas.core.text import is_invisible_only, refuse_bidi_controls, render_markdown

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
    now = timezone.now()
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        organisation=organisation,
        campaign=campaign,
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
        .select_related("organisation", "campaign", "invited_by")
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
def organisation_create(
    *, by: Any, name: str, short_name: str = "", kind: str, country: str = ""
) -> Organisation:
    """Register an organisation; its first admin is then invited from its members page.

    After this, only the organisation's own editors change its profile.
    Raises PermissionDenied unless ``by`` is a site admin, ValidationError
    for an empty or taken name or values outside the vocabulary.
    """
    _require(by, "coalition.create_organisation")
    name = _clean_title(name, field="name", limit=200)
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("An organisation of this name is registered already.")})
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    organisation = Organisation(
        name=name,
        slug=slug,
        short_name=_clean_title(short_name, field="short_name", limit=40, required=False),
        kind=kind,
        country=country.strip().upper(),
    )
    organisation.full_clean()
    organisation.save()
    _profile_version_write(organisation, by=by)
    return organisation


PROFILE_FIELDS = ("name", "short_name", "website", "description", "description_ur")


def _profile_version_write(organisation: Organisation, *, by: Any) -> None:
    """Keep the organisation's profile as a new public version when it differs from the last.

    An organisation registered before versions were kept gets its old profile
    as version 1 first, so the change itself stays visible.
    """
    latest = organisation.versions.order_by("-number").first()
    profile = {name: getattr(organisation, name) for name in PROFILE_FIELDS}
    if latest is not None and all(getattr(latest, k) == v for k, v in profile.items()):
        return
    OrganisationVersion.objects.create(
        organisation=organisation,
        number=1 if latest is None else latest.number + 1,
        created_by=by,
        **profile,
    )


LOGO_MAX_BYTES = 512 * 1024


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    by: Any,
    short_name: str,
    kind: str,
    country: str,
    website: str | None = None,
    description: str | None = None,
    description_ur: str | None = None,
    logo: Any = None,
) -> Organisation:
    """Change an organisation's profile; fields given as None stay as they are.

    The profile before and after are kept as public versions (the logo is not
    versioned); a replaced logo's file is deleted once the transaction commits.
    Raises PermissionDenied unless ``by`` edits for this organisation, and
    ValidationError for values outside the vocabulary or a bad logo.
    """
    if not by.has_perm("coalition.edit_organisation", organisation):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.versions.exists():
        _profile_version_write(organisation, by=None)
    organisation.short_name = refuse_bidi_controls(short_name.strip(), field="short_name")
    organisation.kind = kind
    organisation.country = country.strip().upper()
    fields = ["short_name", "kind", "country"]
    for name, value in (
        ("website", website),
        ("description", description),
        ("description_ur", description_ur),
    ):
        if value is not None:
            setattr(organisation, name, value.strip())
            fields.append(name)
    replaced = organisation.logo.name if logo and organisation.logo else ""
    if logo:
        organisation.logo = clean_image(logo, field="logo", max_bytes=LOGO_MAX_BYTES, output="PNG")
        fields.append("logo")
    organisation.full_clean()
    organisation.save(update_fields=fields)
    if replaced:
        # The old logo's file goes once the new one is in place, not before.
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    _profile_version_write(organisation, by=by)
    return organisation


# --- United front ----------------------------------------------------------


def _require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _active_membership(campaign: Campaign, organisation: Organisation) -> CampaignMembership:
    """The organisation's active membership; ValidationError, in plain words, otherwise."""
    membership = CampaignMembership.objects.filter(
        campaign=campaign, organisation=organisation
    ).first()
    if membership is None or membership.status != CampaignMembership.Status.ACTIVE:
        if membership is not None and membership.status == CampaignMembership.Status.LEFT:
            raise ValidationError(
                _(
                    "%(organisation)s has left this campaign: what it published stays, "
                    "but it can no longer change it."
                )
                % {"organisation": organisation}
            )
        raise ValidationError(
            _("%(organisation)s is not a member of this campaign.")
            % {"organisation": organisation}
        )
    return membership


def _clean_text(
    value: str, *, field: str, limit: int, required: bool = True, empty: str = ""
) -> str:
    """``value`` stripped, and empty when it shows nothing (only whitespace and invisible
    characters); ValidationError when such a value is required, or when too long."""
    value = value.strip()
    if not required and is_invisible_only(value):
        return ""
    if required and is_invisible_only(value):
        if not value:
            raise ValidationError({field: empty or _("This field is required.")})
        raise ValidationError(
            {
                field: empty
                or _(
                    "This text is made only of invisible characters; "
                    "write something a reader can see."
                )
            }
        )
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(limit)d characters, please.") % {"limit": limit}}
        )
    return value


def _clean_title(value: str, *, field: str, limit: int, required: bool = True) -> str:
    """``_clean_text`` for a name, title or demand, which may not hold bidirectional
    controls: they would let it display as another's."""
    return refuse_bidi_controls(
        _clean_text(value, field=field, limit=limit, required=required), field=field
    )


@transaction.atomic
def campaign_create(
    *,
    by: Any,
    organisation: Organisation,
    title: str,
    summary: str = "",
    start_on: Any = None,
    quorum: int | None = None,
    status: str = Campaign.Status.ACTIVE,
) -> Campaign:
    """Start a campaign with ``organisation`` as its first member and ``by`` as coordinator.

    Raises PermissionDenied unless ``by`` is an admin of ``organisation`` (a site
    admin does not commit an organisation), ValidationError for a missing title
    or a quorum below one.
    """
    _require(by, "coalition.create_campaign")
    _require(by, "coalition.commit_organisation", organisation)
    title = _clean_title(title, field="title", limit=200)
    if quorum is not None and quorum < 1:
        raise ValidationError({"quorum": _("A quorum is at least one organisation.")})
    base = slugify(title)[:60] or "campaign"
    slug, n = base, 1
    while Campaign.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    campaign = Campaign.objects.create(
        title=title,
        slug=slug,
        summary=_clean_text(summary, field="summary", limit=5000, required=False),
        start_on=start_on,
        quorum=quorum,
        status=status,
    )
    now = timezone.now()
    CampaignMembership.objects.create(
        campaign=campaign,
        organisation=organisation,
        status=CampaignMembership.Status.ACTIVE,
        joined_at=now,
    )
    grant_create(user=by, role=Role.COORDINATOR, campaign=campaign, by=by)
    return campaign


@transaction.atomic
def campaign_update(
    *,
    by: Any,
    campaign: Campaign,
    title: str,
    summary: str = "",
    start_on: Any = None,
    quorum: int | None = None,
    status: str,
) -> Campaign:
    """A coordinator changes the campaign's own settings (title, summary, status, quorum).

    Nothing any organisation said changes. Raises PermissionDenied unless
    ``by`` coordinates the campaign, ValidationError for a missing title, a
    quorum below one or an unknown status.
    """
    _require(by, "coalition.coordinate_campaign", campaign)
    title = _clean_title(title, field="title", limit=200)
    if quorum is not None and quorum < 1:
        raise ValidationError({"quorum": _("A quorum is at least one organisation.")})
    if status not in Campaign.Status.values:
        raise ValidationError({"status": _("Choose draft, active or closed.")})
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.title = title
    campaign.summary = _clean_text(summary, field="summary", limit=5000, required=False)
    campaign.start_on = start_on
    campaign.quorum = quorum
    campaign.status = status
    campaign.save(update_fields=["title", "summary", "start_on", "quorum", "status"])
    return campaign


def _common_now(campaign: Campaign) -> list[list[int]]:
    """The [demand id, version] pairs a joiner endorses by joining now."""
    from habeas.coalition.queries import common_demands_to_endorse

    return [[demand.pk, demand.version] for demand in common_demands_to_endorse(campaign)]


def _endorse_as_consented(
    *, membership: CampaignMembership, endorsements: list[list[int]], by: Any
) -> None:
    """Record the endorsements the organisation's own admin gave, wording by wording.

    ``by`` is that admin: whoever approves, a position is only ever recorded
    on its organisation's own word. A demand withdrawn since is skipped; one
    reworded since keeps the endorsement on the wording that was agreed.
    """
    for demand_id, version in endorsements:
        demand = Demand.objects.filter(
            pk=demand_id, campaign=membership.campaign, withdrawn_at__isnull=True
        ).first()
        if demand is None:
            continue
        _position_write(
            demand=demand,
            organisation=membership.organisation,
            stance=Position.Stance.ENDORSES,
            reason="",
            by=by,
            version=version,
        )


@transaction.atomic
def membership_request(
    *,
    by: Any,
    campaign: Campaign,
    organisation: Organisation,
    endorses_common: bool,
    common_seen: list[list[int]] | None = None,
) -> CampaignMembership:
    """Ask, for ``organisation``, to join ``campaign``; a coordinator decides.

    Joining means endorsing the campaign's common demands, so the request
    must say so; the wordings common now are kept with the request, and
    approval endorses those alone. ``common_seen`` is what the asking page
    showed: when given and no longer what is common, nothing is written.
    Raises PermissionDenied unless ``by`` admins the organisation,
    ValidationError when it is already a member or asked, or the common
    demands changed since the page was read.
    """
    _require(by, "coalition.commit_organisation", organisation)
    if not endorses_common:
        raise ValidationError(_("Joining means endorsing the campaign's common demands."))
    common = _common_now(campaign)
    if common_seen is not None and sorted(common_seen) != sorted(common):
        raise ValidationError(
            _(
                "The common demands changed since you opened this page. "
                "Read them again, then confirm."
            )
        )
    membership, created = CampaignMembership.objects.select_for_update().get_or_create(
        campaign=campaign,
        organisation=organisation,
        defaults={
            "status": CampaignMembership.Status.REQUESTED,
            "requested_by": by,
            "common_when_asked": common,
        },
    )
    if not created:
        if membership.status in {
            CampaignMembership.Status.ACTIVE,
            CampaignMembership.Status.REQUESTED,
        }:
            raise ValidationError(_("This organisation is already a member or has asked."))
        if membership.status == CampaignMembership.Status.INVITED:
            return membership_accept(by=by, membership=membership, endorses_common=True)
        membership.status = CampaignMembership.Status.REQUESTED
        membership.created_at = timezone.now()
        membership.requested_by = by
        membership.common_when_asked = common
        membership.save(
            update_fields=["status", "created_at", "requested_by", "common_when_asked"]
        )
    return membership


@transaction.atomic
def membership_invite(
    *, by: Any, campaign: Campaign, organisation: Organisation
) -> CampaignMembership:
    """Invite an organisation into the coalition; its admins accept.

    Raises PermissionDenied unless ``by`` coordinates the campaign,
    ValidationError when it is already a member.
    """
    _require(by, "coalition.coordinate_campaign", campaign)
    membership, created = CampaignMembership.objects.select_for_update().get_or_create(
        campaign=campaign,
        organisation=organisation,
        defaults={"status": CampaignMembership.Status.INVITED},
    )
    if not created:
        if membership.status == CampaignMembership.Status.REQUESTED:
            return membership_decide(by=by, membership=membership, approve=True)
        if membership.status == CampaignMembership.Status.ACTIVE:
            raise ValidationError(_("This organisation is already a member."))
        membership.status = CampaignMembership.Status.INVITED
        membership.save(update_fields=["status"])
    return membership


@transaction.atomic
def membership_decide(
    *, by: Any, membership: CampaignMembership, approve: bool
) -> CampaignMembership:
    """A coordinator's answer to a request to join.

    Approval records the new member's endorsement of the common demands it
    agreed to when asking, and of no demand that became common since: those
    wait for its own editors. Raises PermissionDenied unless ``by``
    coordinates the campaign, ValidationError without an open request.
    """
    _require(by, "coalition.coordinate_campaign", membership.campaign)
    membership = CampaignMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != CampaignMembership.Status.REQUESTED:
        raise ValidationError(_("There is no open request to decide."))
    if not approve:
        membership.status = CampaignMembership.Status.DECLINED
        membership.save(update_fields=["status"])
        return membership
    # The coordinator speaks for no one: the endorsements are the ones the
    # organisation's admin gave when asking, in that admin's name.
    return _activate(
        membership, endorsements=membership.common_when_asked, endorser=membership.requested_by
    )


@transaction.atomic
def membership_accept(
    *, by: Any, membership: CampaignMembership, endorses_common: bool
) -> CampaignMembership:
    """An organisation admin accepts an invitation, endorsing the common demands."""
    _require(by, "coalition.commit_organisation", membership.organisation)
    if not endorses_common:
        raise ValidationError(_("Joining means endorsing the campaign's common demands."))
    membership = CampaignMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != CampaignMembership.Status.INVITED:
        raise ValidationError(_("There is no open invitation to accept."))
    return _activate(membership, endorsements=_common_now(membership.campaign), endorser=by)


def _activate(
    membership: CampaignMembership, *, endorsements: list[list[int]], endorser: Any
) -> CampaignMembership:
    _endorse_as_consented(membership=membership, endorsements=endorsements, by=endorser)
    membership.status = CampaignMembership.Status.ACTIVE
    membership.joined_at = timezone.now()
    membership.left_at = None
    membership.save(update_fields=["status", "joined_at", "left_at"])
    return membership


@transaction.atomic
def membership_leave(
    *, by: Any, membership: CampaignMembership, notice: str
) -> CampaignMembership:
    """Leave a campaign with a public notice; nothing the organisation published is removed.

    Raises PermissionDenied unless ``by`` admins the organisation,
    ValidationError without a notice or when not a member.
    """
    _require(by, "coalition.commit_organisation", membership.organisation)
    notice = _clean_text(notice, field="notice", limit=2000)
    membership = CampaignMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != CampaignMembership.Status.ACTIVE:
        raise ValidationError(_("Only a member can leave."))
    membership.status = CampaignMembership.Status.LEFT
    membership.left_at = timezone.now()
    membership.leave_notice = notice
    membership.save(update_fields=["status", "left_at", "leave_notice"])
    return membership


@transaction.atomic
def demand_propose(
    *, by: Any, campaign: Campaign, organisation: Organisation, text: str, text_ur: str = ""
) -> Demand:
    """A member organisation proposes a demand, which it endorses itself.

    Raises PermissionDenied unless ``by`` edits for the organisation,
    ValidationError when it is not an active member or the text is empty
    or too long.
    """
    _require(by, "coalition.publish_for_organisation", organisation)
    _active_membership(campaign, organisation)
    text = _clean_title(text, field="text", limit=500)
    text_ur = _clean_title(text_ur, field="text_ur", limit=500, required=False)
    demand = Demand.objects.create(
        campaign=campaign, proposed_by=organisation, text=text, text_ur=text_ur, version=1
    )
    DemandVersion.objects.create(
        demand=demand, number=1, text=text, text_ur=text_ur, created_by=by
    )
    position_record(
        by=by, demand=demand, organisation=organisation, stance=Position.Stance.ENDORSES, reason=""
    )
    return demand


@transaction.atomic
def demand_reword(*, by: Any, demand: Demand, text: str, text_ur: str = "") -> Demand:
    """A new wording of a demand, by its own organisation's editors.

    Every other organisation's endorsement stays with the old wording until
    it endorses the new one, so a reworded common demand is common again
    only when the members say so. Raises PermissionDenied for anyone but the
    proposing organisation's editors, ValidationError for a withdrawn demand,
    a departed organisation or bad text.
    """
    _require(by, "coalition.edit_item", demand)
    _active_membership(demand.campaign, demand.proposed_by)
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if demand.withdrawn_at is not None:
        raise ValidationError(_("A withdrawn demand cannot be changed."))
    text = _clean_title(text, field="text", limit=500)
    text_ur = _clean_title(text_ur, field="text_ur", limit=500, required=False)
    if (text, text_ur) == (demand.text, demand.text_ur):
        return demand
    demand.version += 1
    demand.text, demand.text_ur = text, text_ur
    demand.save(update_fields=["version", "text", "text_ur"])
    DemandVersion.objects.create(
        demand=demand, number=demand.version, text=text, text_ur=text_ur, created_by=by
    )
    position_record(
        by=by,
        demand=demand,
        organisation=demand.proposed_by,
        stance=Position.Stance.ENDORSES,
        reason="",
    )
    return demand


@transaction.atomic
def demand_withdraw(*, by: Any, demand: Demand) -> Demand:
    """Withdraw a demand; it stays in the history, marked withdrawn."""
    _require(by, "coalition.edit_item", demand)
    _active_membership(demand.campaign, demand.proposed_by)
    if demand.withdrawn_at is None:
        demand.withdrawn_at = timezone.now()
        demand.save(update_fields=["withdrawn_at"])
    return demand


@transaction.atomic
def position_record(
    *,
    by: Any,
    demand: Demand,
    organisation: Organisation,
    stance: str,
    reason: str = "",
) -> Position:
    """Record an organisation's position on the demand's current wording.

    The previous position stays in the history. Raises PermissionDenied
    unless ``by`` edits for the organisation, ValidationError for a stance
    outside the vocabulary, a withdrawn demand, or a non-member.
    """
    _require(by, "coalition.publish_for_organisation", organisation)
    _active_membership(demand.campaign, organisation)
    if stance not in Position.Stance.values:
        raise ValidationError({"stance": _("Choose endorses, no position or disagrees.")})
    if demand.withdrawn_at is not None:
        raise ValidationError(_("This demand was withdrawn."))
    reason = _clean_text(reason, field="reason", limit=2000, required=False)
    return _position_write(
        demand=demand, organisation=organisation, stance=stance, reason=reason, by=by
    )


def _position_write(
    *,
    demand: Demand,
    organisation: Organisation,
    stance: str,
    reason: str,
    by: Any,
    version: int | None = None,
) -> Position:
    """Make ``stance`` on ``version`` (the current wording unless given) the organisation's
    current position; the old one stays as history."""
    version = demand.version if version is None else version
    current = (
        Position.objects.select_for_update()
        .filter(demand=demand, organisation=organisation, is_current=True)
        .first()
    )
    if current and (current.stance, current.reason, current.version) == (
        stance,
        reason,
        version,
    ):
        return current
    if current:
        current.is_current = False
        current.save(update_fields=["is_current"])
    return Position.objects.create(
        demand=demand,
        organisation=organisation,
        stance=stance,
        reason=reason,
        version=version,
        created_by=by,
    )


@transaction.atomic
def statement_publish(
    *, by: Any, campaign: Campaign, organisation: Organisation, title: str, body: str
) -> Statement:
    """Publish an organisation's own statement on a campaign (Markdown, sanitised on display)."""
    _require(by, "coalition.publish_for_organisation", organisation)
    _active_membership(campaign, organisation)
    title = _clean_title(title, field="title", limit=200)
    body = _clean_text(body, field="body", limit=20_000)
    statement = Statement.objects.create(
        campaign=campaign,
        organisation=organisation,
        title=title,
        body=body,
        body_html=render_markdown(body),
    )
    StatementVersion.objects.create(
        statement=statement, number=1, title=title, body=body, created_by=by
    )
    return statement


@transaction.atomic
def statement_edit(*, by: Any, statement: Statement, title: str, body: str) -> Statement:
    """A new version of a statement, by its organisation's editors; the old one is kept."""
    _require(by, "coalition.edit_item", statement)
    _active_membership(statement.campaign, statement.organisation)
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.withdrawn_at is not None:
        raise ValidationError(_("A withdrawn statement cannot be changed."))
    title = _clean_title(title, field="title", limit=200)
    body = _clean_text(body, field="body", limit=20_000)
    if (title, body) == (statement.title, statement.body):
        return statement
    statement.version += 1
    statement.title, statement.body = title, body
    statement.body_html = render_markdown(body)
    statement.save(update_fields=["version", "title", "body", "body_html"])
    StatementVersion.objects.create(
        statement=statement, number=statement.version, title=title, body=body, created_by=by
    )
    return statement


@transaction.atomic
def statement_withdraw(*, by: Any, statement: Statement) -> Statement:
    _require(by, "coalition.edit_item", statement)
    _active_membership(statement.campaign, statement.organisation)
    if statement.withdrawn_at is None:
        statement.withdrawn_at = timezone.now()
        statement.save(update_fields=["withdrawn_at"])
    return statement


@transaction.atomic
def item_hide(
    *, by: Any, item: Demand | Statement | Position, reason: str, site_url: str
) -> HiddenNotice:
    """Hide one organisation's item on a coordinator's or moderator's word.

    Leaves a public notice naming who hid it, when and why, and tells the
    organisation's admins by e-mail once the transaction commits. Raises
    PermissionDenied unless ``by`` moderates the item's campaign,
    ValidationError without a reason or when it is already hidden.
    """
    campaign = item.demand.campaign if isinstance(item, Position) else item.campaign
    _require(by, "coalition.moderate_campaign", campaign)
    reason = _clean_text(
        reason,
        field="reason",
        limit=2000,
        empty=_("Say why the item is hidden, in visible words; the reason is public."),
    )
    organisation = item.proposed_by if isinstance(item, Demand) else item.organisation
    field = {Demand: "demand", Statement: "statement", Position: "position"}[type(item)]
    if HiddenNotice.objects.filter(**{field: item}, lifted_at__isnull=True).exists():
        raise ValidationError(_("This item is already hidden."))
    notice = HiddenNotice.objects.create(
        campaign=campaign,
        organisation=organisation,
        reason=reason,
        hidden_by=by,
        **{field: item},
    )
    admins = list(
        RoleGrant.objects.active()
        .filter(role=Role.ORG_ADMIN, organisation=organisation)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if admins:
        subject = _("An item of %(organisation)s was hidden") % {"organisation": organisation}
        body = render_to_string(
            "coalition/hidden_email.txt",
            {
                "notice": notice,
                "item": item,
                "by": by,
                "link": f"{site_url.rstrip('/')}{campaign.get_absolute_url()}",
            },
        )
        transaction.on_commit(lambda: send_email.enqueue(to=admins, subject=subject, body=body))
    return notice


@transaction.atomic
def notice_appeal(*, by: Any, notice: HiddenNotice, text: str) -> Appeal:
    """The hidden item's organisation answers the notice; the appeal is public and kept."""
    _require(by, "coalition.publish_for_organisation", notice.organisation)
    text = _clean_text(text, field="text", limit=5000)
    return Appeal.objects.create(
        notice=notice, organisation=notice.organisation, text=text, created_by=by
    )


@transaction.atomic
def notice_lift(*, by: Any, notice: HiddenNotice) -> HiddenNotice:
    """Show the item again; the notice stays on record as lifted."""
    _require(by, "coalition.moderate_campaign", notice.campaign)
    if notice.lifted_at is None:
        notice.lifted_at = timezone.now()
        notice.lifted_by = by
        notice.save(update_fields=["lifted_at", "lifted_by"])
    return notice


@transaction.atomic
def correspondence_publish(
    *,
    by: Any,
    organisation: Organisation,
    subject: str,
    body: str,
    to_organisation: Organisation | None = None,
    to_campaign: Campaign | None = None,
    in_reply_to: Correspondence | None = None,
    signed: str = "",
) -> Correspondence:
    """Publish a letter to an organisation or a campaign, or a reply in a thread.

    Never edited afterwards.

    Raises PermissionDenied unless ``by`` edits for ``organisation``,
    ValidationError for an empty or oversized letter or no addressee.
    """
    _require(by, "coalition.publish_for_organisation", organisation)
    subject = _clean_title(subject, field="subject", limit=300)
    body = _clean_text(body, field="body", limit=100_000)
    thread = None
    if in_reply_to is not None:
        thread = in_reply_to.thread or in_reply_to
        to_organisation, to_campaign = in_reply_to.from_organisation, None
    if to_organisation is None and to_campaign is None:
        raise ValidationError(_("Address the letter to an organisation or a campaign."))
    if to_campaign is not None and to_campaign.status == Campaign.Status.DRAFT:
        # A public letter to a draft would publish the draft's name.
        raise ValidationError(_("Open letters go to public campaigns only."))
    if to_organisation == organisation:
        raise ValidationError(_("An organisation cannot write an open letter to itself."))
    return Correspondence.objects.create(
        from_organisation=organisation,
        to_organisation=to_organisation,
        to_campaign=to_campaign,
        in_reply_to=in_reply_to,
        thread=thread,
        subject=subject,
        body=body,
        published_by=by,
        signed=refuse_bidi_controls(signed.strip()[:300], field="signed"),
    )


@transaction.atomic
def correspondence_correct(
    *, by: Any, correspondence: Correspondence, body: str
) -> CorrespondenceCorrection:
    """Follow a published letter with a correction, shown with it; the letter is unchanged."""
    _require(by, "coalition.edit_item", correspondence)
    body = _clean_text(body, field="body", limit=20_000)
    return CorrespondenceCorrection.objects.create(
        correspondence=correspondence, body=body, published_by=by
    )

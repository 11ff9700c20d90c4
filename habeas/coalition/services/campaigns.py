"""Campaigns and their coalitions: starting, settings, joining, inviting, leaving."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import (
    Campaign,
    CampaignMembership,
    Demand,
    Invitation,
    Organisation,
    Position,
    Role,
)
from habeas.coalition.queries import common_demands_to_endorse
from habeas.coalition.services._checks import clean_text, clean_title, require
from habeas.coalition.services.grants import _grant_write
from habeas.coalition.services.united_front import _position_write
from habeas.core.pagecache import public_changed
from habeas.core.slugs import unique_slug


@transaction.atomic
def campaign_create(
    *,
    by: User,
    organisation: Organisation,
    title: str,
    summary: str = "",
    title_ur: str = "",
    summary_ur: str = "",
    start_on: datetime.date | None = None,
    quorum: int | None = None,
    status: str = Campaign.Status.ACTIVE,
) -> Campaign:
    """Start a campaign with ``organisation`` as its first member and ``by`` as coordinator.

    Raises PermissionDenied unless ``by`` is an admin of ``organisation`` (a site
    admin does not commit an organisation), ValidationError for a missing title,
    a text too long, a title holding direction controls or a quorum below one.
    The Urdu title and summary are optional.
    """
    require(by, "coalition.create_campaign")
    require(by, "coalition.commit_organisation", organisation)
    title = clean_title(title, field="title", limit=200)
    title_ur = clean_title(title_ur, field="title_ur", limit=200, required=False)
    summary = clean_text(summary, field="summary", limit=5000, required=False)
    summary_ur = clean_text(summary_ur, field="summary_ur", limit=5000, required=False)
    if quorum is not None and quorum < 1:
        raise ValidationError({"quorum": _("A quorum is at least one organisation.")})
    slug = unique_slug(
        title, taken=lambda slug: Campaign.objects.filter(slug=slug).exists(), fallback="campaign"
    )
    campaign = Campaign.objects.create(
        title=title,
        title_ur=title_ur,
        slug=slug,
        summary=summary,
        summary_ur=summary_ur,
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
    _grant_write(user=by, role=Role.COORDINATOR, organisation=None, campaign=campaign, by=by)
    if campaign.status != Campaign.Status.DRAFT:
        public_changed()
    return campaign


@transaction.atomic
def campaign_update(
    *,
    by: User,
    campaign: Campaign,
    title: str,
    summary: str = "",
    title_ur: str = "",
    summary_ur: str = "",
    start_on: datetime.date | None = None,
    quorum: int | None = None,
    status: str,
) -> Campaign:
    """A coordinator changes the campaign's own settings (title and summary in English
    and Urdu, status, quorum).

    Nothing any organisation said changes. Raises PermissionDenied unless
    ``by`` coordinates the campaign, ValidationError for a missing title, a
    text too long, a title holding direction controls, a quorum below one or
    an unknown status.
    """
    require(by, "coalition.coordinate_campaign", campaign)
    title = clean_title(title, field="title", limit=200)
    title_ur = clean_title(title_ur, field="title_ur", limit=200, required=False)
    summary = clean_text(summary, field="summary", limit=5000, required=False)
    summary_ur = clean_text(summary_ur, field="summary_ur", limit=5000, required=False)
    if quorum is not None and quorum < 1:
        raise ValidationError({"quorum": _("A quorum is at least one organisation.")})
    if status not in Campaign.Status.values:
        raise ValidationError({"status": _("Choose draft, active or closed.")})
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    # A draft the public never sees changes no public page while it stays one.
    if not campaign.status == status == Campaign.Status.DRAFT:
        public_changed()
    campaign.title, campaign.title_ur = title, title_ur
    campaign.summary, campaign.summary_ur = summary, summary_ur
    campaign.start_on = start_on
    campaign.quorum = quorum
    campaign.status = status
    campaign.save(
        update_fields=[
            "title",
            "title_ur",
            "summary",
            "summary_ur",
            "start_on",
            "quorum",
            "status",
        ]
    )
    return campaign


def _common_now(campaign: Campaign) -> list[list[int]]:
    """The [demand id, version] pairs a joiner endorses by joining now."""
    return [[demand.pk, demand.version] for demand in common_demands_to_endorse(campaign)]


def _endorse_as_consented(
    *, membership: CampaignMembership, endorsements: list[list[int]], by: User | None
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
    by: User,
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
    require(by, "coalition.commit_organisation", organisation)
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
        if membership.status == CampaignMembership.Status.LEFT:
            # A former member asking again leaves the public list of former members.
            public_changed()
        membership.status = CampaignMembership.Status.REQUESTED
        membership.created_at = timezone.now()
        membership.requested_by = by
        membership.common_when_asked = common
        membership.save(
            update_fields=["status", "created_at", "requested_by", "common_when_asked"]
        )
    return membership


def refuse_member_or_invited(membership: CampaignMembership) -> None:
    """Raise ValidationError if the organisation is a member or has an invitation open."""
    organisation = membership.organisation
    if membership.status == CampaignMembership.Status.ACTIVE:
        raise ValidationError(
            _("%(organisation)s is already a member of this campaign.")
            % {"organisation": organisation}
        )
    if membership.status == CampaignMembership.Status.INVITED:
        raise ValidationError(
            _("%(organisation)s is already invited; its admins have not answered yet.")
            % {"organisation": organisation}
        )


@transaction.atomic
def membership_invite(
    *, by: User, campaign: Campaign, organisation: Organisation
) -> CampaignMembership:
    """Invite an organisation into the coalition; its admins accept.

    Raises PermissionDenied unless ``by`` coordinates the campaign,
    ValidationError when it is already a member or already invited.
    """
    require(by, "coalition.coordinate_campaign", campaign)
    membership, created = CampaignMembership.objects.select_for_update().get_or_create(
        campaign=campaign,
        organisation=organisation,
        defaults={"status": CampaignMembership.Status.INVITED},
    )
    if not created:
        if membership.status == CampaignMembership.Status.REQUESTED:
            return membership_decide(by=by, membership=membership, approve=True)
        refuse_member_or_invited(membership)
        if membership.status == CampaignMembership.Status.LEFT:
            # A former member invited again leaves the public list of former members.
            public_changed()
        membership.status = CampaignMembership.Status.INVITED
        membership.save(update_fields=["status"])
    return membership


@transaction.atomic
def membership_decide(
    *, by: User, membership: CampaignMembership, approve: bool
) -> CampaignMembership:
    """A coordinator's answer to a request to join.

    Approval records the new member's endorsement of the common demands it
    agreed to when asking, and of no demand that became common since: those
    wait for its own editors. Raises PermissionDenied unless ``by``
    coordinates the campaign, ValidationError without an open request.
    """
    require(by, "coalition.coordinate_campaign", membership.campaign)
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
    *, by: User, membership: CampaignMembership, endorses_common: bool
) -> CampaignMembership:
    """An organisation admin accepts an invitation, endorsing the common demands."""
    require(by, "coalition.commit_organisation", membership.organisation)
    if not endorses_common:
        raise ValidationError(_("Joining means endorsing the campaign's common demands."))
    membership = CampaignMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != CampaignMembership.Status.INVITED:
        raise ValidationError(_("There is no open invitation to accept."))
    return _activate(membership, endorsements=_common_now(membership.campaign), endorser=by)


@transaction.atomic
def membership_decline(*, by: User, membership: CampaignMembership) -> CampaignMembership:
    """An organisation admin declines the campaign's invitation to join.

    Raises PermissionDenied unless ``by`` admins the organisation,
    ValidationError without an open invitation.
    """
    require(by, "coalition.commit_organisation", membership.organisation)
    membership = CampaignMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != CampaignMembership.Status.INVITED:
        raise ValidationError(_("There is no open invitation to decline."))
    membership.status = CampaignMembership.Status.DECLINED
    membership.save(update_fields=["status"])
    return membership


@transaction.atomic
def membership_invitation_withdraw(
    *, by: User, membership: CampaignMembership
) -> CampaignMembership:
    """A coordinator withdraws the campaign's invitation to an organisation.

    Any contact link sent for it stops working too. Raises PermissionDenied
    unless ``by`` coordinates the campaign, ValidationError without an open
    invitation.
    """
    require(by, "coalition.coordinate_campaign", membership.campaign)
    membership = CampaignMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != CampaignMembership.Status.INVITED:
        raise ValidationError(_("There is no open invitation to withdraw."))
    membership.status = CampaignMembership.Status.WITHDRAWN
    membership.save(update_fields=["status"])
    Invitation.objects.filter(
        membership_campaign=membership.campaign,
        organisation=membership.organisation,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
    ).update(withdrawn_at=timezone.now())
    return membership


def _activate(
    membership: CampaignMembership, *, endorsements: list[list[int]], endorser: User | None
) -> CampaignMembership:
    _endorse_as_consented(membership=membership, endorsements=endorsements, by=endorser)
    membership.status = CampaignMembership.Status.ACTIVE
    membership.joined_at = timezone.now()
    membership.left_at = None
    membership.save(update_fields=["status", "joined_at", "left_at"])
    public_changed()
    return membership


@transaction.atomic
def membership_leave(
    *, by: User, membership: CampaignMembership, notice: str
) -> CampaignMembership:
    """Leave a campaign with a public notice; nothing the organisation published is removed.

    Raises PermissionDenied unless ``by`` admins the organisation,
    ValidationError without a notice or when not a member.
    """
    require(by, "coalition.commit_organisation", membership.organisation)
    notice = clean_text(notice, field="notice", limit=2000)
    membership = CampaignMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != CampaignMembership.Status.ACTIVE:
        raise ValidationError(_("Only a member can leave."))
    membership.status = CampaignMembership.Status.LEFT
    membership.left_at = timezone.now()
    membership.leave_notice = notice
    membership.save(update_fields=["status", "left_at", "leave_notice"])
    public_changed()
    return membership

"""Fetch-with-permission: one small function per object a view acts on.

An object that does not exist and one outside the caller's scope give the
same 404, so ids leak nothing; a public object the caller may not manage
gives 403.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404

from habeas.coalition.models import (
    Campaign,
    CampaignMembership,
    Correspondence,
    Demand,
    HiddenNotice,
    Invitation,
    Organisation,
    Position,
    RoleGrant,
    Statement,
)
from habeas.coalition.queries import Visitor, correspondence_public

Scoped = TypeVar("Scoped", Organisation, Campaign)
Item = TypeVar("Item", Demand, Statement, HiddenNotice)


def _access_by_slug(model: type[Scoped], user: Visitor, slug: str, perm: str) -> Scoped:
    found = model._default_manager.filter(slug=slug).first()
    if found is None:
        raise Http404
    if not user.has_perm(perm, found):
        raise PermissionDenied
    return found


def access_organisation(user: Visitor, slug: str, perm: str) -> Organisation:
    """The organisation with this slug, if ``user`` holds ``perm`` on it.

    Raises Http404 for an unknown slug, PermissionDenied without the permission.
    """
    return _access_by_slug(Organisation, user, slug, perm)


def access_campaign(user: Visitor, slug: str, perm: str) -> Campaign:
    """The campaign with this slug, if ``user`` holds ``perm`` on it.

    Raises Http404 for an unknown slug, PermissionDenied without the permission.
    """
    return _access_by_slug(Campaign, user, slug, perm)


def access_organisation_grant(
    user: Visitor, organisation: Organisation, grant_id: int
) -> RoleGrant:
    """A grant inside ``organisation`` that ``user`` may manage.

    Raises Http404 when the id is unknown or belongs to another organisation.
    """
    grant = RoleGrant.objects.filter(pk=grant_id, organisation=organisation).first()
    if grant is None or not user.has_perm("coalition.manage_grant", grant):
        raise Http404
    return grant


def access_campaign_grant(user: Visitor, campaign: Campaign, grant_id: int) -> RoleGrant:
    """A campaign-wide grant of ``campaign`` that ``user`` may manage.

    Raises Http404 when the id is unknown or belongs to another scope.
    """
    grant = RoleGrant.objects.filter(
        pk=grant_id, campaign=campaign, organisation__isnull=True
    ).first()
    if grant is None or not user.has_perm("coalition.manage_grant", grant):
        raise Http404
    return grant


def access_invitation(
    user: Visitor,
    invitation_id: int,
    *,
    organisation: Organisation | None = None,
    campaign: Campaign | None = None,
) -> Invitation:
    """An invitation of this organisation or campaign that ``user`` may withdraw.

    Raises Http404 when the id is unknown or belongs to another scope.
    """
    found = Invitation.objects.filter(pk=invitation_id)
    if organisation is not None:
        found = found.filter(organisation=organisation)
    else:
        found = found.filter(campaign=campaign, organisation__isnull=True)
    invitation = found.first()
    if invitation is None or not user.has_perm("coalition.manage_grant", invitation):
        raise Http404
    return invitation


def access_public_organisation(slug: str) -> Organisation:
    """An organisation, for its public page (every organisation is public); 404 if unknown."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def access_public_correspondence(pk: int) -> Correspondence:
    """A letter the public may read, to reply to; 404 when unknown or to a draft campaign."""
    letter = correspondence_public().filter(pk=pk).select_related("from_organisation").first()
    if letter is None:
        raise Http404
    return letter


def access_correspondence(user: Visitor, pk: int, perm: str) -> Correspondence:
    """A letter, if ``user`` holds ``perm`` on it (its organisation's editors correct it).

    Raises Http404 for an unknown id, PermissionDenied without the permission.
    """
    letter = Correspondence.objects.filter(pk=pk).first()
    if letter is None:
        raise Http404
    if not user.has_perm(perm, letter):
        raise PermissionDenied
    return letter


def access_public_campaign(slug: str) -> Campaign:
    """A campaign the public may see; drafts and unknown slugs give 404."""
    campaign = Campaign.objects.exclude(status=Campaign.Status.DRAFT).filter(slug=slug).first()
    if campaign is None:
        raise Http404
    return campaign


def access_in_campaign(model: type[Item], campaign: Campaign, item_id: int) -> Item:
    """A demand, statement or notice of this campaign; 404 for one of another campaign.

    Permission is the service's to decide: it knows whose item it is.
    """
    item = model._default_manager.filter(pk=item_id, campaign=campaign).first()
    if item is None:
        raise Http404
    return item


def access_position(campaign: Campaign, position_id: int) -> Position:
    position = (
        Position.objects.select_related("demand", "organisation")
        .filter(pk=position_id, demand__campaign=campaign)
        .first()
    )
    if position is None:
        raise Http404
    return position


def access_membership(campaign: Campaign, organisation_id: int) -> CampaignMembership:
    membership = (
        CampaignMembership.objects.filter(campaign=campaign, organisation_id=organisation_id)
        .select_related("organisation", "campaign")
        .first()
    )
    if membership is None:
        raise Http404
    return membership

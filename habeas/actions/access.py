"""Fetch-with-permission for actions: the same 404 for "no such action" and "not yours"."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from habeas.actions.models import Action, Photo
from habeas.coalition.models import Campaign, Organisation
from habeas.coalition.queries import Visitor


def access_public_action(action_id: int) -> Action:
    """The action ``action_id`` if the public may see it: any action of a campaign
    that is not a draft (cancelled ones included, marked as such).

    Raises Http404 otherwise.
    """
    action = (
        Action.objects.select_related("campaign")
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404
    return action


def access_action(user: Visitor, action_id: int, perm: str) -> Action:
    """The action ``action_id`` if ``user`` holds ``perm`` on it.

    Raises Http404 for an unknown action or one of a draft campaign the user
    does not organise, PermissionDenied for a visible action the user may not
    act on this way.
    """
    action = Action.objects.select_related("campaign").filter(pk=action_id).first()
    if action is None:
        raise Http404
    if user.has_perm(perm, action):
        return action
    if action.campaign.status == Campaign.Status.DRAFT:
        raise Http404
    raise PermissionDenied


def access_photo(user: Visitor, photo_id: int, perm: str = "actions.manage_photo") -> Photo:
    """The photo ``photo_id`` if ``user`` holds ``perm`` on it (its organisation's editors).

    Raises Http404 for an unknown photo, PermissionDenied for another organisation's.
    """
    photo = (
        Photo.objects.select_related("report__organisation", "report__action__campaign")
        .filter(pk=photo_id)
        .first()
    )
    if photo is None:
        raise Http404
    if not user.has_perm(perm, photo):
        raise PermissionDenied
    return photo


def access_reporting(user: Visitor, action_id: int, org_slug: str) -> tuple[Action, Organisation]:
    """The action ``action_id`` and its organising organisation ``org_slug`` if
    ``user`` edits for that organisation (who alone writes its report).

    Raises Http404 for an unknown action, an organisation that does not organise
    it, or an action of a draft campaign the user does not report on;
    PermissionDenied for a visible one the user may not report on.
    """
    action = Action.objects.select_related("campaign").filter(pk=action_id).first()
    organisation = (
        Organisation.objects.filter(slug=org_slug, actions=action).first() if action else None
    )
    if action is None or organisation is None:
        raise Http404
    if user.has_perm("actions.organise_for_organisation", organisation):
        return action, organisation
    if action.campaign.status == Campaign.Status.DRAFT:
        raise Http404
    raise PermissionDenied

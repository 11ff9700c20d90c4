"""Fetch-with-permission for the register's working pages.

An unknown person and one whose case work is not the caller's give the
same 404, so ids leak nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from habeas.cases.models import CaseShare, Detention, Facility, Person
from habeas.coalition.models import Campaign

if TYPE_CHECKING:
    from habeas.accounts.models import User


def access_campaign_shares(user: User, slug: str) -> Campaign:
    """The campaign with this slug, if ``user`` coordinates it (a site admin does not):
    its shares of case work are its coordinators' alone. Raises Http404 otherwise."""
    found = Campaign.objects.filter(slug=slug).first()
    if found is None or not user.has_perm("cases.see_shares", found):
        raise Http404
    return found


def access_person(user: User, pk: int, perm: str = "cases.document") -> Person:
    """The person with this id, if ``user`` holds ``perm`` on them.

    ``cases.document`` (the working record) comes only from the campaign
    that owns the person or one it shares the case work with;
    ``cases.view_restricted`` likewise for the case team;
    ``cases.share_case`` only to the owning campaign's coordinators;
    ``cases.see_verifiers`` to any of them.
    Raises Http404 otherwise.
    """
    found = Person.objects.filter(pk=pk).select_related("updated_by", "source").first()
    if found is None or not user.has_perm(perm, found):
        raise Http404
    return found


def access_detention(user: User, pk: int, detention_id: int) -> Detention:
    """A detention of a person whose working record ``user`` keeps; Http404 otherwise."""
    person = access_person(user, pk)
    detention = Detention.objects.filter(pk=detention_id, person=person).first()
    if detention is None:
        raise Http404
    detention.person = person
    return detention


def access_share(user: User, person: Person, share_id: int) -> CaseShare:
    """A share of this person's case work that ``user`` may revoke; Http404 otherwise."""
    share = CaseShare.objects.filter(pk=share_id, person=person).first()
    if share is None or not user.has_perm("cases.share_case", person):
        raise Http404
    share.person = person
    return share


def access_facility_proposal(user: User, facility_id: int) -> Facility:
    """A proposed (unconfirmed) facility ``user`` may confirm or reject: any, for a site
    admin; one proposed by a documenter of a campaign ``user`` coordinates. Raises
    Http404 otherwise, for a confirmed facility too (it is no proposal)."""
    found = Facility.objects.filter(pk=facility_id, confirmed_at__isnull=True).first()
    if found is None or not user.has_perm("cases.confirm_facility", found):
        raise Http404
    return found

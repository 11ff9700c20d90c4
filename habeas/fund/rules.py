"""Who may keep a fund's books: the `rules` predicates.

The books are kept by treasurers: a treasurer holds the role for one member
organisation within one campaign, and acts for that organisation alone.
Editors, coordinators and site admins touch no money. A coordinator sets the
fund's goal, the number of organisations that must approve a payment (never
fewer than two) and the published payment details; each change is recorded.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from habeas.coalition.models import CampaignMembership, Organisation, Role, RoleGrant
from habeas.coalition.rules import is_campaign_coordinator
from habeas.fund.models import Disbursement, Fund


def _signed_in(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def treasurer_organisations(user: Any, fund: Fund) -> Any:
    """The member organisations of the fund's campaign that ``user`` is treasurer for."""
    if not _signed_in(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        grants__user=user,
        grants__role=Role.TREASURER,
        grants__campaign_id=fund.campaign_id,
        grants__revoked_at__isnull=True,
        memberships__campaign_id=fund.campaign_id,
        memberships__status=CampaignMembership.Status.ACTIVE,
    ).distinct()


def is_treasurer_for(user: Any, fund: Fund, organisation: Organisation | None) -> bool:
    """``user`` is treasurer of ``organisation`` in the fund's campaign, and it is a member."""
    if not isinstance(organisation, Organisation) or not _signed_in(user):
        return False
    return (
        RoleGrant.objects.active()
        .filter(
            user=user,
            role=Role.TREASURER,
            campaign_id=fund.campaign_id,
            organisation=organisation,
        )
        .exists()
        and CampaignMembership.objects.filter(
            campaign_id=fund.campaign_id,
            organisation=organisation,
            status=CampaignMembership.Status.ACTIVE,
        ).exists()
    )


@predicate
def keeps_the_books(user: Any, fund: Fund | None) -> bool:
    """A treasurer of a member organisation of the fund's campaign."""
    if not isinstance(fund, Fund) or not _signed_in(user):
        return False
    return treasurer_organisations(user, fund).exists()


@predicate
def coordinates_the_fund(user: Any, fund: Fund | None) -> bool:
    if not isinstance(fund, Fund):
        return False
    return bool(is_campaign_coordinator(user, fund.campaign))


@predicate
def keeps_the_books_of_request(user: Any, disbursement: Disbursement | None) -> bool:
    if not isinstance(disbursement, Disbursement):
        return False
    return bool(keeps_the_books(user, disbursement.fund))


# Reading the treasurers' pages, recording, approving, reversing, reconciling:
# each service also checks the organisation the treasurer acts for.
add_perm("fund.keep_books", keeps_the_books)
# A payment request's private facts and receipt: the campaign's treasurers.
add_perm("fund.see_request", keeps_the_books_of_request)
# Opening a campaign's fund (checked on the campaign): its coordinators.
add_perm("fund.open_fund", is_campaign_coordinator)
# Goal, approvals needed and payment details: the campaign's coordinators.
add_perm("fund.manage_fund", coordinates_the_fund)

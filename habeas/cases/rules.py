"""Who may document, verify, share and read the register's restricted facts.

A person's working record belongs to the campaign that documents it
(``Person.campaign``): its documenters keep the record, its case team sees
the restricted facts, and its coordinator alone may share either with
another campaign (``CaseShare``). Defending a person (``Person.campaigns``)
gives no right to the working record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from rules.permissions import add_perm
from rules.predicates import predicate

from habeas.cases.models import CaseShare, Facility, Person
from habeas.coalition.models import Campaign, Role, RoleGrant
from habeas.coalition.rules import is_campaign_coordinator, is_site_admin
from habeas.core.bulk import among

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from habeas.accounts.models import User


@dataclass(frozen=True)
class PersonIds:
    """Persons by id, as the object of one permission check for all of them."""

    ids: list[int]


def _signed_in(user: User | AnonymousUser) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _role_campaigns(user: User | AnonymousUser, role: str) -> QuerySet[RoleGrant, Any]:
    """The ids of the campaigns in which ``user`` holds ``role`` (a subquery)."""
    return (
        RoleGrant.objects.active()
        .filter(user=user.pk, role=role, campaign__isnull=False)
        .values("campaign")
    )


def persons_with_role(user: User | AnonymousUser, role: str, *, restricted: bool = False) -> Q:
    """A filter on Person: the persons whose case work ``role`` gives ``user``.

    Those owned by a campaign in which the user holds the role, and those
    shared with one by an active share (with ``restricted``, only shares
    that include the restricted facts). Matches nothing for anyone signed out.
    """
    if not _signed_in(user):
        return Q(pk__in=[])
    campaigns = _role_campaigns(user, role)
    shares = CaseShare.objects.active().filter(campaign__in=campaigns)
    if restricted:
        shares = shares.filter(restricted=True)
    return Q(campaign__in=campaigns) | Q(pk__in=shares.values("person"))


def documented_by(user: User | AnonymousUser) -> Q:
    """A filter on Person: the working records ``user`` may read and change."""
    return persons_with_role(user, Role.DOCUMENTER)


@predicate
def documents_for(user: User | AnonymousUser, target: Person | Campaign | None) -> bool:
    """A case documenter of the campaign, or of the campaign that owns the person
    (or one it shares the person's case work with)."""
    if not _signed_in(user):
        return False
    if isinstance(target, Campaign):
        return _role_campaigns(user, Role.DOCUMENTER).filter(campaign=target.pk).exists()
    if isinstance(target, Person) and target.pk is not None:
        return Person.objects.filter(documented_by(user), pk=target.pk).exists()
    return False


@predicate
def documents_every(user: User | AnonymousUser, persons: PersonIds | None) -> bool:
    """A documenter of every one of the persons (one query, however many)."""
    if not _signed_in(user) or not isinstance(persons, PersonIds):
        return False
    wanted = set(persons.ids)
    found = Person.objects.filter(documented_by(user), pk__in=among(list(wanted))).count()
    return found == len(wanted)


@predicate
def documents_somewhere(user: User | AnonymousUser) -> bool:
    """A case documenter of at least one campaign."""
    return _signed_in(user) and _role_campaigns(user, Role.DOCUMENTER).exists()


@predicate
def on_case_team_for(user: User | AnonymousUser, person: Person | None) -> bool:
    """The case team of the owning campaign (or of one it shares the restricted facts
    with) sees the person's restricted facts."""
    if not _signed_in(user) or not isinstance(person, Person) or person.pk is None:
        return False
    return (
        Person.objects.filter(persons_with_role(user, Role.CASE_TEAM, restricted=True))
        .filter(pk=person.pk)
        .exists()
    )


@predicate
def coordinates_owner(user: User | AnonymousUser, person: Person | None) -> bool:
    """The coordinators of the campaign that owns the person (not a site admin)."""
    if not _signed_in(user) or not isinstance(person, Person) or person.campaign_id is None:
        return False
    return _role_campaigns(user, Role.COORDINATOR).filter(campaign=person.campaign_id).exists()


@predicate
def coordinates_somewhere(user: User | AnonymousUser) -> bool:
    """A coordinator of at least one campaign."""
    return _signed_in(user) and _role_campaigns(user, Role.COORDINATOR).exists()


def proposals_for(user: User | AnonymousUser) -> Q:
    """A filter on Facility: the unconfirmed proposals ``user`` coordinates, those of
    documenters of a campaign the user coordinates. Matches nothing signed out."""
    if not _signed_in(user):
        return Q(pk__in=[])
    documenters = (
        RoleGrant.objects.active()
        .filter(role=Role.DOCUMENTER, campaign__in=_role_campaigns(user, Role.COORDINATOR))
        .values("user")
    )
    return Q(confirmed_at__isnull=True, proposed_by__in=documenters)


@predicate
def coordinates_proposer(user: User | AnonymousUser, facility: Facility | None) -> bool:
    """A coordinator of a campaign in which the facility's proposer documents
    (not a site admin: see ``cases.confirm_facility``)."""
    if not isinstance(facility, Facility) or facility.pk is None:
        return False
    return Facility.objects.filter(proposals_for(user), pk=facility.pk).exists()


add_perm("cases.document", documents_for)
add_perm("cases.document_all", documents_every)
# Sources are shared by every campaign's records: any documenter records them.
add_perm("cases.record_source", documents_somewhere)
# Importing rows into a campaign is documenting for it; rows that name no
# campaign make persons no campaign owns, which only a site admin imports
# (from the command line, where no second factor is asked: the shell is
# the second factor).
add_perm("cases.import_unowned", is_site_admin)
add_perm("cases.view_restricted", on_case_team_for)
# Who verified and who edited each public version: the campaign's members who
# keep the case (its documenters and case team, and those of a campaign it
# shares the case work with) and the owning campaign's coordinators. Never
# the public, another campaign, an organisation's admins or a site admin.
add_perm("cases.see_verifiers", documents_for | on_case_team_for | coordinates_owner)
# Sharing case work is the owning campaign's word alone: no site admin, no grantee.
add_perm("cases.share_case", coordinates_owner)
add_perm("cases.see_shares", is_campaign_coordinator)
# A documenter proposes a facility; the postal address people write to is
# public only on the word of a site admin or of the proposer's coordinator.
add_perm("cases.propose_facility", documents_somewhere)
add_perm("cases.see_facility_proposals", is_site_admin | coordinates_somewhere)
add_perm("cases.confirm_facility", is_site_admin | coordinates_proposer)
add_perm("cases.confirm_any_facility", is_site_admin)

"""Who may document, verify and read the register's restricted facts."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from habeas.cases.models import Person
from habeas.coalition.models import Campaign, Role, RoleGrant


def _campaign_role(user: Any, role: str, campaigns: Any) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return RoleGrant.objects.active().filter(user=user, role=role, campaign__in=campaigns).exists()


@predicate
def documents_for(user: Any, target: Person | Campaign | None) -> bool:
    """A case documenter of the campaign, or of a campaign that defends the person."""
    if isinstance(target, Campaign):
        return _campaign_role(user, Role.DOCUMENTER, [target.pk])
    if isinstance(target, Person):
        return _campaign_role(user, Role.DOCUMENTER, target.campaigns.values("pk"))
    return False


@predicate
def on_case_team_for(user: Any, person: Person | None) -> bool:
    """The case team of a campaign that defends the person sees its restricted facts."""
    if not isinstance(person, Person):
        return False
    return _campaign_role(user, Role.CASE_TEAM, person.campaigns.values("pk"))


add_perm("cases.document", documents_for)
add_perm("cases.view_restricted", on_case_team_for)

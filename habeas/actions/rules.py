"""Who may organise actions and publish their reports and photos: the `rules` predicates.

An action is its organising organisations' own: only their editors (and
admins) create, edit and cancel it. A report and its photos belong to the one
organisation that posted them: only that organisation's editors edit, blur or
withdraw them (the anti-censorship rule: no other organiser of the same
action, no coordinator, no site admin). No one may read the RSVP list: no
permission for it exists.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from habeas.actions.models import Action, Photo, Report
from habeas.coalition.models import Role, RoleGrant
from habeas.coalition.rules import is_organisation_editor

EDITING_ROLES = (Role.ORG_ADMIN, Role.ORG_EDITOR)


def _signed_in(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _edits_for_any(user: Any, organisation_ids: Any) -> bool:
    return (
        RoleGrant.objects.active()
        .filter(user=user, role__in=EDITING_ROLES, organisation__in=organisation_ids)
        .exists()
    )


@predicate
def edits_for_an_organiser(user: Any, action: Action | None) -> bool:
    """An editor or admin of one of the action's organising organisations."""
    if not _signed_in(user) or not isinstance(action, Action) or action.pk is None:
        return False
    return _edits_for_any(user, action.organisations.values("pk"))


@predicate
def edits_for_report_owner(user: Any, report: Report | None) -> bool:
    """An editor or admin of the organisation that posted the report."""
    if not _signed_in(user) or not isinstance(report, Report) or report.pk is None:
        return False
    return bool(is_organisation_editor(user, report.organisation))


@predicate
def edits_for_photo_owner(user: Any, photo: Photo | None) -> bool:
    """An editor or admin of the organisation whose report holds the photo."""
    if not _signed_in(user) or not isinstance(photo, Photo) or photo.pk is None:
        return False
    return bool(is_organisation_editor(user, photo.report.organisation))


# Organising in an organisation's name (checked on the organisation).
add_perm("actions.organise_for_organisation", is_organisation_editor)
# An action: its organisers' editors alone.
add_perm("actions.edit_action", edits_for_an_organiser)
add_perm("actions.cancel_action", edits_for_an_organiser)
# Reporting on an action is checked on the organisation and the action together
# by the service: the organisation must be one of its organisers.
add_perm("actions.edit_report", edits_for_report_owner)
# A photo: its own organisation's editors alone (blur, withdraw, delete).
add_perm("actions.manage_photo", edits_for_photo_owner)

"""Who may write, publish, endorse and moderate open letters: the `rules` predicates.

A letter is its authoring organisations' words: only their editors draft,
edit, publish and close it (the anti-censorship rule: no coordinator and no
site admin). A campaign's coordinators verify endorsements from
organisations not on Habeas; its coordinators and moderators (and site
admins, who see abuse across campaigns) invalidate batches of signatures.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from habeas.coalition.models import Role, RoleGrant
from habeas.coalition.rules import (
    is_campaign_coordinator,
    is_campaign_moderator,
    is_organisation_editor,
    is_site_admin,
)
from habeas.letters.models import Letter


def _signed_in(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@predicate
def edits_for_an_author(user: Any, letter: Letter | None) -> bool:
    """An editor or admin of one of the letter's authoring organisations."""
    if not _signed_in(user) or not isinstance(letter, Letter) or letter.pk is None:
        return False
    return (
        RoleGrant.objects.active()
        .filter(
            user=user,
            role__in=[Role.ORG_ADMIN, Role.ORG_EDITOR],
            organisation__in=letter.authors.all(),
        )
        .exists()
    )


@predicate
def coordinates_letter_campaign(user: Any, letter: Letter | None) -> bool:
    return isinstance(letter, Letter) and bool(is_campaign_coordinator(user, letter.campaign))


@predicate
def moderates_letter_campaign(user: Any, letter: Letter | None) -> bool:
    return isinstance(letter, Letter) and bool(is_campaign_moderator(user, letter.campaign))


# Writing in an organisation's name (checked on the organisation).
add_perm("letters.write_for_organisation", is_organisation_editor)
add_perm("letters.endorse_for_organisation", is_organisation_editor)
# A letter's own words: its authors' editors alone.
add_perm("letters.view_draft", edits_for_an_author)
add_perm("letters.edit_letter", edits_for_an_author)
add_perm("letters.publish_letter", edits_for_an_author)
add_perm("letters.close_letter", edits_for_an_author)
# Who hands the letter over: its authors and the campaign's coordinators.
add_perm("letters.delivery_pack", edits_for_an_author | coordinates_letter_campaign)
add_perm("letters.verify_endorsement", coordinates_letter_campaign)
add_perm("letters.moderate_signatures", moderates_letter_campaign | is_site_admin)

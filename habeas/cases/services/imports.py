"""The register's import: who may import a checked file, and the import itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError

from habeas.cases import importer
from habeas.coalition.models import Campaign

if TYPE_CHECKING:
    from habeas.accounts.models import User
    from habeas.cases.importer import Applied, ImportError_, Row


class ImportRefused(PermissionDenied):
    """An import refused for rows that change persons a user may not document."""

    def __init__(self, errors: list[ImportError_]) -> None:
        super().__init__(f"{len(errors)} rows change persons the importer may not document")
        self.errors = errors


def register_import(
    *,
    by: User,
    publish_by: User | None,
    rows: list[Row],
    progress: Callable[[int, int], None] | None = None,
) -> Applied:
    """Import checked rows (``importer.read``) as ``by``, published by ``publish_by`` if given.

    Every right is checked before anything is written: both users must
    document for every campaign the rows name, only a site admin imports
    rows that name none, and a row that updates a person needs both users
    to document that person (its own campaign's documenters, or a
    share's). Raises PermissionDenied (its message says what is missing;
    ImportRefused, listing the rows, for persons) and ValidationError when
    ``publish_by`` is ``by`` (a second documenter publishes). Writes in
    short transactions and makes the new records public together (see
    ``importer.apply``).
    """
    users = [user for user in (by, publish_by) if user is not None]
    for user in users:
        if not user.is_authenticated:
            raise PermissionDenied(f"{user} may not import.")
    if publish_by is not None and publish_by.pk == by.pk:
        raise ValidationError("A second documenter must publish: the importer may not.")
    slugs = sorted({row.campaign for row in rows if row.campaign})
    campaigns = list(Campaign.objects.filter(slug__in=slugs).order_by("slug"))
    if len(campaigns) < len(slugs):
        raise ValidationError("The rows name a campaign that does not exist.")
    for campaign in campaigns:
        for user in users:
            if not user.has_perm("cases.document", campaign):
                raise PermissionDenied(
                    f"{user} is not a case documenter of the campaign {campaign.slug!r}"
                )
    if any(not row.campaign for row in rows):
        # Nobody documents a person no campaign owns: both users answer for it.
        for user in users:
            if not user.has_perm("cases.import_unowned"):
                raise PermissionDenied("Every row needs a campaign (or a site admin imports)")
    errors = importer.check_rights(rows, users=users)
    if errors:
        raise ImportRefused(errors)
    return importer.apply(rows, by=by, publish_by=publish_by, progress=progress)

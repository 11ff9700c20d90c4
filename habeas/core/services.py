"""Writes shared by every app: sources."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction

from habeas.core.models import Source

if TYPE_CHECKING:
    # The project's user model; core imports no app at run time.
    from habeas.accounts.models import User


@transaction.atomic
def source_archive(*, by: User, source: Source, upload: File[bytes]) -> Source:
    """Keep an archived copy of a source with its SHA-256, so readers can check the copy
    Habeas cites is the one that was published.

    Raises PermissionDenied unless ``by`` may archive sources
    (``core.archive_source``: site admins, as the coalition's rules say).
    """
    if not by.has_perm("core.archive_source", source):
        raise PermissionDenied
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    source.archived_file = upload
    source.sha256 = digest.hexdigest()
    source.save(update_fields=["archived_file", "sha256"])
    return source

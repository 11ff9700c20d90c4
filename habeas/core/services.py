"""Writes shared by every app: sources."""

from __future__ import annotations

import hashlib

from django.core.files import File
from django.db import transaction

from habeas.core.models import Source


@transaction.atomic
def source_archive(*, source: Source, upload: File[bytes]) -> Source:
    """Keep an archived copy of a source with its SHA-256, so readers can check the copy
    Habeas cites is the one that was published. Callers check who may archive."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    source.archived_file = upload
    source.sha256 = digest.hexdigest()
    source.save(update_fields=["archived_file", "sha256"])
    return source

"""Bulk writes: in order, seen by the next read, and all or nothing (on both databases)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from habeas.core import bulk
from habeas.core.models import Source

pytestmark = pytest.mark.django_db

COLUMNS = ["id", "title", "publisher", "url", "archived_file", "sha256", "created_at"]


def _rows(keys: list[int], title: str = "") -> list[tuple[Any, ...]]:
    """Sources with these keys, titled ``title`` (all the same) or each by its key."""
    now = timezone.now()
    return [(key, title or f"Report {key}", "Publisher", "", "", "", now) for key in keys]


def test_bulk_writes_are_seen_by_the_next_read() -> None:
    with transaction.atomic():
        keys = bulk.new_keys(Source, 3)
        assert len(set(keys)) == 3
        bulk.insert_rows(Source, COLUMNS, _rows(keys))
        assert sorted(Source.objects.filter(pk__in=keys).values_list("pk", flat=True)) == keys
        bulk.update_rows(Source, ["title"], [("Changed", keys[0])])
        assert Source.objects.get(pk=keys[0]).title == "Changed"
        bulk.delete_in(Source, "id", keys[1:])
        assert list(Source.objects.filter(pk__in=keys).values_list("title", flat=True)) == [
            "Changed"
        ]
        more = bulk.new_keys(Source, 2)
        assert min(more) > max(keys)
    assert Source.objects.filter(pk__in=keys).count() == 1


def test_a_failed_bulk_write_raises_and_leaves_nothing() -> None:
    before = Source.objects.count()
    failure = (IntegrityError, psycopg.IntegrityError)
    with pytest.raises(failure), transaction.atomic():  # noqa: PT012
        keys = bulk.new_keys(Source, 3)
        bulk.insert_rows(Source, COLUMNS, _rows(keys[:1]))
        # The same title and publisher twice: the second row breaks a constraint.
        bulk.insert_rows(Source, COLUMNS, _rows(keys[1:], "Twice"))
        bulk.insert_rows(Source, COLUMNS, _rows([keys[2] + 1]))
    assert Source.objects.count() == before

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

COLUMNS = ["title", "publisher", "url", "archived_file", "sha256", "created_at"]


def _rows(titles: list[str]) -> list[tuple[Any, ...]]:
    """Sources with these titles."""
    now = timezone.now()
    return [(title, "Publisher", "", "", "", now) for title in titles]


def test_bulk_writes_are_seen_by_the_next_read() -> None:
    titles = ["Report 1", "Report 2", "Report 3"]
    with transaction.atomic():
        bulk.insert_rows(Source, COLUMNS, _rows(titles))
        found = bulk.keys_by(Source, "title", titles)
        assert sorted(found) == titles
        keys = [found[title] for title in titles]
        bulk.update_rows(Source, ["title"], [("Changed", keys[0])])
        assert Source.objects.get(pk=keys[0]).title == "Changed"
        bulk.delete_in(Source, "id", keys[1:])
        assert list(Source.objects.filter(pk__in=keys).values_list("title", flat=True)) == [
            "Changed"
        ]
    assert Source.objects.filter(pk__in=keys).count() == 1


def test_rows_inserted_while_ignoring_conflicts_skip_only_the_clashing_ones() -> None:
    bulk.insert_rows(Source, COLUMNS, _rows(["Kept"]))
    bulk.insert_rows(Source, COLUMNS, _rows(["Kept", "New"]), ignore_conflicts=True)
    assert sorted(Source.objects.values_list("title", flat=True)) == ["Kept", "New"]


def test_a_failed_bulk_write_raises_and_leaves_nothing() -> None:
    before = Source.objects.count()
    failure = (IntegrityError, psycopg.IntegrityError)
    with pytest.raises(failure), transaction.atomic():  # noqa: PT012
        bulk.insert_rows(Source, COLUMNS, _rows(["First"]))
        # The same title and publisher twice: the second row breaks a constraint.
        bulk.insert_rows(Source, COLUMNS, _rows(["Twice", "Twice"]))
        bulk.insert_rows(Source, COLUMNS, _rows(["Last"]))
    assert Source.objects.count() == before

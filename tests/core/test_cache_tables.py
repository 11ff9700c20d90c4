"""`habeas migrate` makes the database caches' tables, so an upgrade needs no extra step."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def test_migrate_makes_a_missing_cache_table() -> None:
    """A database without the public pages' cache table has it after `migrate`."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE habeas_pages")
    assert "habeas_pages" not in connection.introspection.table_names()

    call_command("migrate", verbosity=0)

    assert "habeas_pages" in connection.introspection.table_names()
    assert "habeas_cache" in connection.introspection.table_names()

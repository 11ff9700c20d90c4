"""Every migration runs forwards and backwards on this database, with data in the tables.

The database is taken back to before any migration, forward to a point in the
middle of the cases and coalition histories, filled there through the
historical models, carried forward to the head (where the data migrations
must move that data into its new shape), back to the middle (where the
reverse data migrations must restore the old shape), back to nothing with
the data still in it, and forward to the head again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.apps.registry import Apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Before cases 0008 (a record's data kept once), 0009 (a person's owning
# campaign) and coalition 0003 (organisation profile versions): each of the
# three moves existing rows in a RunPython step.
MIDDLE = [
    ("cases", "0007_arrest_index_nulls_first"),
    ("coalition", "0002_membership_consent_when_asked"),
]
HABEAS_APPS = ("accounts", "actions", "cases", "coalition", "core")
HABEAS_TABLE_PREFIXES = tuple(f"{app}_" for app in HABEAS_APPS)
VERSION_DATA = {"certainty": "VERIFIED", "name": "Ali Zafar", "status": "DETAINED"}


def _migrate(targets: Sequence[tuple[str, str | None]]) -> MigrationExecutor:
    """Migrate to ``targets`` through Django's executor; it, with a fresh graph."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _head() -> list[tuple[str, str | None]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _zero() -> list[tuple[str, str | None]]:
    """Before Habeas's first migration; Django unapplies what depends on it first."""
    return [(app, None) for app in HABEAS_APPS]


def _apps_at(executor: MigrationExecutor, targets: Sequence[tuple[str, str]]) -> Apps:
    return executor.loader.project_state(targets).apps


def _habeas_tables() -> list[str]:
    return [
        t for t in connection.introspection.table_names() if t.startswith(HABEAS_TABLE_PREFIXES)
    ]


def _fill(apps: Apps) -> dict[str, Any]:
    """Rows written as the code of the middle point wrote them."""
    Source: Any = apps.get_model("core", "Source")
    Organisation: Any = apps.get_model("coalition", "Organisation")
    Campaign: Any = apps.get_model("coalition", "Campaign")
    Person: Any = apps.get_model("cases", "Person")
    PublicRecord: Any = apps.get_model("cases", "PublicRecord")
    PublicVersion: Any = apps.get_model("cases", "PublicVersion")

    source = Source.objects.create(title="Letter of 30 May 2025")
    organisation = Organisation.objects.create(
        name="Awami Action Committee", slug="aac", country="PK", description="Defends prisoners."
    )
    first, second = (
        Campaign.objects.create(title=f"Campaign {n}", slug=f"campaign-{n}") for n in (1, 2)
    )
    person = Person.objects.create(name="Ali Zafar", slug="ali-zafar", source=source)
    person.campaigns.set([second, first])
    unowned = Person.objects.create(name="Nobody's Case", slug="nobodys-case", source=source)
    PublicVersion.objects.create(person=person, number=1, data={"certainty": "REPORTED"})
    PublicVersion.objects.create(person=person, number=2, data=VERSION_DATA)
    PublicRecord.objects.create(
        person=person,
        slug="ali-zafar",
        name="Ali Zafar",
        status="DETAINED",
        verified_at="2025-06-01T10:00:00Z",
        data=VERSION_DATA,
    )
    return {
        "organisation": organisation.pk,
        "first": first.pk,
        "person": person.pk,
        "unowned": unowned.pk,
    }


@pytest.fixture
def restored_at_head() -> Iterator[None]:
    """Whatever the test does, leave the database at the head, as the suite expects it."""
    yield
    _migrate(_head())
    ContentType.objects.clear_cache()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restored_at_head")
def test_every_migration_runs_forwards_and_backwards_with_data() -> None:
    _migrate(_zero())
    assert _habeas_tables() == []
    assert "django_admin_log" not in connection.introspection.table_names()  # needs the user
    if connection.vendor == "sqlite":  # the FTS5 table of cases 0003 goes with it
        assert "cases_register_fts" not in connection.introspection.table_names()

    executor = _migrate(MIDDLE)
    ids = _fill(_apps_at(executor, MIDDLE))

    # Forwards: the data migrations move the rows into their new shape.
    executor = _migrate(_head())
    from habeas.cases.models import Person, PublicRecord
    from habeas.coalition.models import OrganisationVersion

    record = PublicRecord.objects.get(person_id=ids["person"])
    assert (record.version, record.certainty) == (2, "VERIFIED")  # cases 0008
    owners = dict(Person.objects.values_list("pk", "campaign_id"))
    assert owners == {ids["person"]: ids["first"], ids["unowned"]: None}  # cases 0009
    [version] = OrganisationVersion.objects.filter(organisation_id=ids["organisation"])
    assert (version.number, version.name) == (1, "Awami Action Committee")  # coalition 0003

    # Backwards to the middle: the record's data comes back from its latest version.
    executor = _migrate(MIDDLE)
    apps = _apps_at(executor, MIDDLE)
    old_record: Any = apps.get_model("cases", "PublicRecord").objects.get(pk=ids["person"])
    assert old_record.data == VERSION_DATA
    assert apps.get_model("cases", "Person").objects.count() == 2
    assert apps.get_model("coalition", "Organisation").objects.count() == 1

    # Backwards to nothing, the rows still in their tables.
    _migrate(_zero())
    assert _habeas_tables() == []

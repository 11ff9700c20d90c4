"""Every migration runs forwards and backwards on this database, with data in the tables.

The histories were squashed once, before the first release: each Habeas app
starts with one migration, and the coalition's renaming of its letters to
correspondence and its one-notice constraint follow as 0004 and 0005, as
they came after the last release of the old history (cases' first
migration ends with the steps made by hand per database:
SQLite's FTS5 table, PostgreSQL's GIN index and lz4 compression). The
database is taken back to before any migration, forward to the head, filled
there through the historical models, taken back out of the register alone
(its reverse steps run over full tables, and the coalition's rows stay),
forward again over those rows, back to nothing with the data still in it,
and forward to the head again. After every step forward the hand-made steps
and the arrest-date index with unknown dates first are there; after every
step back they are gone, so a second step forward can make them again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.apps.registry import Apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from habeas.cases.models import NullsFirstIndex

HABEAS_APPS = ("accounts", "actions", "cases", "coalition", "core")
HABEAS_TABLE_PREFIXES = tuple(f"{app}_" for app in HABEAS_APPS)
FTS_TABLE = "cases_register_fts"
VERSION_DATA = {"certainty": "VERIFIED", "name": "Ali Zafar", "status": "DETAINED"}


def _migrate(targets: Sequence[tuple[str, str | None]]) -> MigrationExecutor:
    """Migrate to ``targets`` through Django's executor; it, with a fresh graph."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _head() -> list[tuple[str, str]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _zero() -> list[tuple[str, str | None]]:
    """Before Habeas's first migration; Django unapplies what depends on it first."""
    return [(app, None) for app in HABEAS_APPS]


def _apps_at_head(executor: MigrationExecutor) -> Apps:
    return executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps


def _tables(prefixes: tuple[str, ...] = HABEAS_TABLE_PREFIXES) -> list[str]:
    return [t for t in connection.introspection.table_names() if t.startswith(prefixes)]


def _hand_made_steps() -> dict[str, Any]:
    """What the register's hand-made steps and its NULLS FIRST index left in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE name IN (%s, %s)",
                [FTS_TABLE, "public_record_by_arrest"],
            )
            return dict(cursor.fetchall())
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE indexname IN ('cases_publicrecord_search', 'public_record_by_arrest')"
        )
        found: dict[str, Any] = dict(cursor.fetchall())
        cursor.execute(
            "SELECT attcompression FROM pg_attribute"
            " WHERE attrelid = to_regclass('cases_publicversion') AND attname = 'data'"
        )
        row = cursor.fetchone()
        if row:
            found["compression"] = row[0]
        return found


def _assert_hand_made_steps_present() -> None:
    found = _hand_made_steps()
    if connection.vendor == "sqlite":
        assert "USING fts5" in found[FTS_TABLE]
        # SQLite's NULLs come first going up already; its CREATE INDEX takes no NULLS clause.
        assert found["public_record_by_arrest"] == (
            'CREATE INDEX "public_record_by_arrest" ON "cases_publicrecord"'
            ' ("arrested_on", "person_id") WHERE "import_run_id" IS NULL'
        )
    else:
        assert "USING gin (search_vector)" in found["cases_publicrecord_search"]
        assert found["public_record_by_arrest"].endswith(
            "USING btree (arrested_on NULLS FIRST, person_id) WHERE (import_run_id IS NULL)"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
                " WHERE name = 'default_toast_compression'"
            )
            lz4 = cursor.fetchone()[0]
        assert found["compression"] == ("l" if lz4 else "")


def _fill(apps: Apps) -> dict[str, Any]:
    """A row in every Habeas table that matters, as the code at the head writes it."""
    User: Any = apps.get_model("accounts", "User")
    Source: Any = apps.get_model("core", "Source")
    Organisation: Any = apps.get_model("coalition", "Organisation")
    OrganisationVersion: Any = apps.get_model("coalition", "OrganisationVersion")
    Campaign: Any = apps.get_model("coalition", "Campaign")
    Action: Any = apps.get_model("actions", "Action")

    user = User.objects.create(username="documenter", email="d@example.org")
    source = Source.objects.create(title="Letter of 30 May 2025")
    organisation = Organisation.objects.create(
        name="Awami Action Committee", slug="aac", country="PK", description="Defends prisoners."
    )
    OrganisationVersion.objects.create(
        organisation=organisation, number=1, name=organisation.name, created_by=user
    )
    campaign = Campaign.objects.create(title="Free them", slug="free-them")
    action = Action.objects.create(title="Vigil", city="London", campaign=campaign, source=source)
    action.organisations.set([organisation])
    person = _fill_register(apps, campaign=campaign, source=source, user=user)
    return {"organisation": organisation.pk, "campaign": campaign.pk, "person": person}


def _fill_register(apps: Apps, *, campaign: Any, source: Any, user: Any) -> int:
    """A published person of ``campaign``, its FTS5 words included on SQLite."""
    Person: Any = apps.get_model("cases", "Person")
    PublicRecord: Any = apps.get_model("cases", "PublicRecord")
    PublicVersion: Any = apps.get_model("cases", "PublicVersion")
    Detention: Any = apps.get_model("cases", "Detention")

    person = Person.objects.create(
        name="Ali Zafar", slug="ali-zafar", source=source, campaign_id=campaign.pk
    )
    person.campaigns.set([campaign.pk])
    Detention.objects.create(person=person, source=source)
    PublicVersion.objects.create(person=person, number=1, data=VERSION_DATA, verified_by=user)
    PublicRecord.objects.create(
        person=person,
        slug="ali-zafar",
        name="Ali Zafar",
        status="DETAINED",
        version=1,
        certainty="VERIFIED",
        verified_at="2025-06-01T10:00:00Z",
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (%s, %s)",  # noqa: S608
                [person.pk, "ali zafar"],
            )
    return int(person.pk)


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
    assert _tables() == []
    assert "django_admin_log" not in connection.introspection.table_names()  # needs the user
    assert _hand_made_steps() == {}

    executor = _migrate(_head())
    _assert_hand_made_steps_present()
    ids = _fill(_apps_at_head(executor))

    # Out of the register alone: its reverse steps run over full tables.
    _migrate([("cases", None)])
    assert _tables(("cases_",)) == []
    assert _hand_made_steps() == {}
    from habeas.coalition.models import Campaign, Organisation

    assert Organisation.objects.filter(pk=ids["organisation"]).exists()

    # Forwards again, over the coalition's rows; the register takes new ones.
    executor = _migrate(_head())
    _assert_hand_made_steps_present()
    apps = _apps_at_head(executor)
    campaign = apps.get_model("coalition", "Campaign").objects.get(pk=ids["campaign"])
    source = apps.get_model("core", "Source").objects.get()
    user = apps.get_model("accounts", "User").objects.get()
    _fill_register(apps, campaign=campaign, source=source, user=user)
    assert Campaign.objects.get(pk=ids["campaign"]).owned_persons.count() == 1

    # Back to nothing, the rows still in their tables, and forwards once more.
    _migrate(_zero())
    assert _tables() == []
    assert _hand_made_steps() == {}
    _migrate(_head())
    _assert_hand_made_steps_present()


@pytest.mark.django_db
def test_a_database_migrated_by_the_old_history_has_nothing_to_apply() -> None:
    """A demo database made before the squash records only the old names; it is up to date."""
    recorder = MigrationRecorder(connection)
    loader = MigrationLoader(connection)
    squashed = {
        key: m for key, m in loader.disk_migrations.items() if key[1].startswith("0001_squashed_")
    }
    assert {app for app, _name in squashed} == {"actions", "cases", "coalition", "core"}
    for app, name in squashed:
        recorder.migration_qs.filter(app=app, name=name).delete()
        for old_app, old_name in squashed[app, name].replaces:
            if not recorder.migration_qs.filter(app=old_app, name=old_name).exists():
                recorder.record_applied(old_app, old_name)

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_a_nulls_first_index_reads_fields_going_up_only() -> None:
    with pytest.raises(ValueError, match="ascending"):
        NullsFirstIndex(models.F("arrested_on").desc(), name="wrong")


@pytest.mark.django_db
def test_a_database_made_before_the_rename_takes_only_the_new_steps() -> None:
    """A demo database made by the old history up to coalition 0003 (what the
    code had before the squash) records only old names: its plan is exactly
    coalition 0004 and what came after it, so it carries on rather than failing."""
    recorder = MigrationRecorder(connection)
    loader = MigrationLoader(connection)
    for app, name in [
        key for key in loader.disk_migrations if key[1].startswith("0001_squashed_")
    ]:
        recorder.migration_qs.filter(app=app, name=name).delete()
        for old_app, old_name in loader.disk_migrations[app, name].replaces:
            recorder.record_applied(old_app, old_name)
    # Everything the coalition gained after the squash is still to come.
    later = sorted(
        name for app, name in loader.disk_migrations if app == "coalition" and name >= "0004"
    )
    assert later[:2] == ["0004_letters_become_correspondence", "0005_one_standing_notice_per_item"]
    recorder.migration_qs.filter(app="coalition", name__in=later).delete()

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert [(m.app_label, m.name, backwards) for m, backwards in plan] == [
        ("coalition", name, False) for name in later
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restored_at_head")
def test_the_notice_constraint_keeps_the_first_of_two_standing_notices() -> None:
    """Coalition 0005 meets an item a race left with two standing notices: the
    later is lifted, by its own moderator, at the moment it was made; the
    first stands, and the constraint can then be made."""
    from habeas.coalition.models import HiddenNotice
    from tests.coalition.test_races import _demand, _hide, _with_moderator
    from tests.coalition.test_united_front import make_front

    front = _with_moderator(make_front())
    demand = _demand(front)
    first = _hide(front, demand, "coordinator")
    executor = _migrate([("coalition", "0004_letters_become_correspondence")])
    old: Any = _apps_at(executor, ("coalition", "0004_letters_become_correspondence"))
    second = old.get_model("coalition", "HiddenNotice").objects.create(
        campaign_id=front.campaign.pk,
        organisation_id=front.a.pk,
        reason="Again, at the same moment.",
        hidden_by_id=front.users["moderator"].pk,
        demand_id=demand.pk,
    )

    _migrate(_head())
    standing = HiddenNotice.objects.filter(demand=demand, lifted_at__isnull=True)
    assert list(standing.values_list("pk", flat=True)) == [first.pk]
    lifted = HiddenNotice.objects.get(pk=second.pk)
    assert (lifted.lifted_at, lifted.lifted_by_id) == (lifted.hidden_at, lifted.hidden_by_id)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restored_at_head")
def test_the_current_arrest_precision_is_filled_from_the_latest_detention() -> None:
    """Cases 0012 gives every record the precision of its current detention's
    arrest: the latest, not the first, and UNKNOWN for a record with none."""
    import datetime

    from habeas.cases import services
    from habeas.cases.models import PublicRecord
    from habeas.coalition.models import Role
    from habeas.core.models import Source
    from tests.factories import CampaignFactory, UserFactory, grant

    campaign = CampaignFactory()
    doc1, doc2 = UserFactory(), UserFactory()
    grant(doc1, Role.DOCUMENTER, campaign=campaign)
    grant(doc2, Role.DOCUMENTER, campaign=campaign)
    source = Source.objects.create(title="Court record")
    persons = []
    for name, arrests in (
        ("Twice", [(datetime.date(2020, 5, 4), "DAY"), (datetime.date(2024, 3, 1), "MONTH")]),
        ("Once", [(datetime.date(2023, 1, 9), "DAY")]),
        ("Never", []),
    ):
        person = services.person_save(by=doc1, source=source, campaign=campaign, name=name)
        for on, precision in arrests:
            services.detention_add(
                by=doc1,
                person=person,
                source=source,
                arrested_on=on,
                arrested_precision=precision,
                status="DETAINED",
            )
        services.person_verify(by=doc2, person=person)
        persons.append(person.pk)
    _migrate([("cases", "0013_verifier_leaves_public_record")])
    _migrate(_head())
    assert [PublicRecord.objects.get(pk=pk).current_arrest_precision for pk in persons] == [
        "MONTH",
        "DAY",
        "UNKNOWN",
    ]
    assert PublicRecord.objects.get(pk=persons[0]).arrested_precision == "DAY"


def _apps_at(executor: MigrationExecutor, node: tuple[str, str]) -> Apps:
    return executor.loader.project_state(node).apps

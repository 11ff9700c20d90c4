"""The actions' upgrade: actions recorded before time zones and statuses existed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("actions", "0001_squashed_0002_initial")
AFTER = ("actions", "0004_action_uid_unique")


def _migrate(target: tuple[str, str]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_earlier_actions_become_past_actions_with_their_own_uid() -> None:
    """Before this release an action could only be recorded after the fact: the
    upgrade marks each as happened, with no date, and gives each its own UID."""
    executor = _migrate(BEFORE)
    try:
        old = executor.loader.project_state([BEFORE]).apps
        campaign = old.get_model("coalition", "Campaign").objects.create(
            slug="upgrade", title="Upgrade"
        )
        source = old.get_model("core", "Source").objects.create(title="The letter")
        action = old.get_model("actions", "Action")
        for city in ("London", "Berlin"):
            action.objects.create(campaign=campaign, title="Protest", city=city, source=source)
        executor = _migrate(AFTER)
        new = executor.loader.project_state([AFTER]).apps.get_model("actions", "Action")
        rows = list(new.objects.values("status", "starts_at", "uid"))
        assert [(row["status"], row["starts_at"]) for row in rows] == [("HAPPENED", None)] * 2
        assert len({row["uid"] for row in rows}) == 2
    finally:
        # Every app back to its head: going back, Django also unapplied the apps
        # that depend on actions (the demo's keys), which later tests need.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

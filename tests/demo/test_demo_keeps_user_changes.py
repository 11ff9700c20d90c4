"""`make run` never undoes a user: the demo creates each of its items once.

A role an organiser revoked, an item they hid, a record they changed and one
they deleted stay as they left them when `habeas demo` runs again; it adds only
what it never created. Its summary line reads as English.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from habeas.actions.models import Action
from habeas.cases.models import Person
from habeas.coalition.models import (
    Campaign,
    Correspondence,
    Demand,
    HiddenNotice,
    Organisation,
    Role,
    RoleGrant,
)
from habeas.coalition.services import grant_create_at_console
from habeas.coalition.services.grants import grant_revoke
from habeas.coalition.services.united_front import item_hide
from habeas.demo.loader import LoadReport, demo_counts, load_demo
from habeas.demo.models import DemoItem

pytestmark = pytest.mark.django_db

SLUG = "free-political-prisoners-pakistan"


def test_a_second_run_keeps_what_the_user_revoked_hid_changed_and_deleted(
    settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    call_command("demo", stdout=StringIO())
    campaign = Campaign.objects.get(slug=SLUG)
    coordinator = get_user_model().objects.get(username="coordinator")
    # Another coordinator hides a demo demand and revokes the demo coordinator's role.
    other = get_user_model().objects.create_user(username="other", password="x" * 20)
    grant_create_at_console(user=other, role=Role.COORDINATOR, campaign=campaign)
    demand = Demand.objects.get(text="Free Imran Khan!")
    item_hide(by=other, item=demand, reason="Not ours.", site_url="http://testserver")
    grant = RoleGrant.objects.active().get(user=coordinator, role=Role.COORDINATOR)
    grant_revoke(grant=grant, by=other)
    # A record changed and records deleted.
    Action.objects.filter(city="Berlin").update(title="Kundgebung vor der Botschaft")
    Organisation.objects.filter(slug="mkp").update(name="MKP (renamed)")
    Person.objects.filter(slug="ehsan-ali").update(summary="Released on bail.")
    Action.objects.filter(city="Toronto").delete()
    Correspondence.objects.all().delete()
    counts = demo_counts()

    out = StringIO()
    call_command("demo", stdout=out)

    assert "nothing changed" in out.getvalue()
    assert demo_counts() == counts
    assert not RoleGrant.objects.active().filter(user=coordinator).exists()
    assert RoleGrant.objects.filter(user=coordinator, revoked_by=other).count() == 1
    assert HiddenNotice.objects.get(demand=demand).lifted_at is None
    assert Demand.objects.filter(text="Free Imran Khan!").count() == 1
    assert set(Action.objects.values_list("city", "title")) == {
        ("London", "Protest outside the Pakistani Consulate"),
        ("New York", "Solidarity protest"),
        ("Berlin", "Kundgebung vor der Botschaft"),
    }
    assert Organisation.objects.get(slug="mkp").name == "MKP (renamed)"
    assert Person.objects.get(slug="ehsan-ali").summary == "Released on bail."
    assert not Correspondence.objects.exists()


def test_a_reworded_demand_is_not_added_again() -> None:
    """A demand found by its words would come back under its old words; a key does not."""
    load_demo()
    Demand.objects.filter(text="Inqalab Zindabad!").update(text="Inquilab Zindabad!")
    load_demo()
    assert not Demand.objects.filter(text="Inqalab Zindabad!").exists()
    assert Demand.objects.count() == 4


def test_what_the_demo_never_created_is_added() -> None:
    """An item whose key is missing (a demo of an older version) is created once."""
    load_demo()
    Action.objects.filter(city="Toronto").delete()
    DemoItem.objects.filter(key="action:Toronto:Solidarity protest").delete()
    report = load_demo()
    assert report.created["action"] == 1
    assert report.total == 1
    assert Action.objects.filter(city="Toronto").count() == 1
    assert load_demo().total == 0


def test_the_migration_finds_the_keys_the_loader_records() -> None:
    """The backfill, run over a database the demo was loaded into, records every key
    the loader itself records, and no other."""
    from importlib import import_module

    backfill = import_module("habeas.demo.migrations.0001_initial")
    load_demo()
    recorded = set(DemoItem.objects.values_list("key", flat=True))
    assert len(recorded) == 1 + 6 + 1 + 3 + 4 + 1 + 4 + 3 + 4 + 4 + 4 + 1 + 2 + 1
    assert set(backfill.demo_keys_present(apps)) == recorded
    # A role revoked before the migration still counts as created.
    RoleGrant.objects.filter(role=Role.COORDINATOR).update(revoked_at="2025-06-01T00:00Z")
    assert "role:coordinator" in backfill.demo_keys_present(apps)


def test_the_summary_line_reads_as_english() -> None:
    report = load_demo()
    with translation.override("en"):
        line = report.summary()
    assert line.startswith("Demo campaign loaded: 1 source, 6 organisations, 1 campaign, ")
    assert "3 memberships" in line
    assert "4 persons" in line
    assert "1 letter between organisations" in line
    assert "1 role" in line
    assert "1 open letter" in line
    assert line.endswith(".")
    one = LoadReport()
    one.count("organisation", True)
    one.count("action", False)
    assert one.summary() == "Demo campaign loaded: 1 organisation."
    assert LoadReport().summary() == "Demo campaign already loaded; nothing changed."

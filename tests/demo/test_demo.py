"""The demo campaign: the letter's facts, each sourced, loaded idempotently."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from habeas.actions.models import Action
from habeas.cases.models import Affiliation, Person
from habeas.coalition.models import (
    Campaign,
    CampaignMembership,
    Correspondence,
    Demand,
    Organisation,
    Position,
)
from habeas.core.models import Source
from habeas.demo.loader import LETTER_PATH, demo_counts, load_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_twice_without_duplicates(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("demo", stdout=out)
    first = demo_counts()
    users = get_user_model().objects.count()
    out2 = StringIO()
    call_command("demo", stdout=out2)
    assert demo_counts() == first
    assert get_user_model().objects.count() == users == 1
    assert "nothing changed" in out2.getvalue()
    assert first == {
        "source": 1,
        "organisation": 6,
        "campaign": 1,
        "membership": 3,
        "demand": 4,
        "person": 4,
        "affiliation": 3,
        "action": 4,
        "position": 7,
        "correspondence": 1,
    }


def test_demo_names_what_the_letter_names() -> None:
    load_demo()
    letter = LETTER_PATH.read_text(encoding="utf-8")
    for organisation in Organisation.objects.all():
        assert organisation.name in letter
    for person in Person.objects.all():
        assert person.name in letter
    for demand in Demand.objects.all():
        assert demand.text.rstrip("!") in letter.replace("*", "")
    for action in Action.objects.all():
        assert action.city in letter
    assert set(Organisation.objects.values_list("name", flat=True)) >= {
        "Awami Action Committee Gilgit-Baltistan",
        "Mazdoor Kisan Party",
        "Awami Workers Party Gilgit-Baltistan",
        "Pakistan Tehreek-e-Insaf",
        "Spartacist League/Britain",
        "Revolutionary Communist International",
    }


def test_every_demo_fact_cites_the_letter() -> None:
    load_demo()
    source = Source.objects.get()
    assert source.published_on.isoformat() == "2025-05-30"  # type: ignore[union-attr]
    for model in (
        Organisation,
        Campaign,
        CampaignMembership,
        Demand,
        Person,
        Affiliation,
        Action,
        Position,
        Correspondence,
    ):
        assert set(model._default_manager.values_list("source", flat=True)) == {source.pk}, model


def test_unknown_facts_stay_unknown() -> None:
    """Nothing the letter does not say is filled in: no arrest dates, no Urdu names guessed."""
    load_demo()
    assert set(Person.objects.values_list("name_ur", flat=True)) == {""}
    assert set(Action.objects.values_list("held_on", flat=True)) == {None}


def test_coordinator_password_is_generated_not_fixed(settings: Any, tmp_path: Path) -> None:
    """Each fresh demo gets its own coordinator password, shown once and kept owner-only."""
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("demo", stdout=out)
    credentials = tmp_path / "demo-credentials.txt"
    assert credentials.stat().st_mode & 0o777 == 0o600
    password = credentials.read_text().split("password: ")[1].strip()
    assert password in out.getvalue()
    user = get_user_model().objects.get(username="coordinator")
    assert user.check_password(password)
    assert len(password) >= 16

    get_user_model().objects.all().delete()
    call_command("demo", stdout=StringIO())
    assert credentials.read_text().split("password: ")[1].strip() != password


def test_the_demo_shows_the_letter_of_30_may_2025_as_correspondence() -> None:
    """The letter between the SL/B and the RCI is listed and readable at /correspondence/."""
    from django.test import Client

    load_demo()
    letter = Correspondence.objects.get()
    listing = Client().get("/correspondence/").content.decode()
    assert "Open Letter to the Revolutionary Communist International" in listing
    assert "May 30, 2025" in listing
    page = Client().get(f"/correspondence/{letter.pk}/").content.decode()
    assert "Dear comrades" in page
    assert "Spartacist League/Britain" in page
    assert Client().get(f"/letters/{letter.pk}/")["Location"] == f"/correspondence/{letter.pk}/"

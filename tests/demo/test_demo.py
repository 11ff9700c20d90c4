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
from habeas.demo.models import DemoItem
from habeas.letters.models import Endorsement, Letter, LetterText, Signature

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
        "open letter": 1,
        "open letter text": 1,
        "fund": 1,
        "fund account": 9,
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
    assert set(Action.objects.values_list("starts_at", flat=True)) == {None}


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

    # Another fresh database: no user, nothing recorded as loaded.
    Letter.objects.all().delete()  # its record of who loaded it protects the user
    get_user_model().objects.all().delete()
    DemoItem.objects.all().delete()
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


def test_the_demo_letter_is_open_for_signing_by_its_author() -> None:
    """The letter of 30 May 2025 is an open letter of the demo campaign by the SL/B, open for
    signing, in its English words only: no invented Urdu, signature or endorsement."""
    load_demo()
    letter = Letter.objects.get()
    assert letter.status == Letter.Status.OPEN
    assert letter.campaign.slug == "free-political-prisoners-pakistan"
    assert [o.slug for o in letter.authors.all()] == ["sl-b"]
    assert letter.published_at is not None
    assert letter.published_at.date().isoformat() == "2025-05-30"
    assert letter.opens_at == letter.published_at
    assert letter.closes_at is None
    assert letter.goal is None
    assert not letter.slug.isdigit()
    text = LetterText.objects.get()
    assert text.language == "en"
    assert text.title.startswith("Open Letter to the Revolutionary Communist International")
    assert text.addressees == "The Revolutionary Communist International"
    source = LETTER_PATH.read_text(encoding="utf-8")
    assert text.body.startswith("Dear comrades,")
    assert text.body in source
    assert text.body.endswith("newspaper of the Spartacist League Britain")
    assert "<em>Free Ehsan Ali" in text.body_html
    assert not Signature.objects.exists()
    assert not Endorsement.objects.exists()
    load_demo()
    assert Letter.objects.count() == 1
    assert LetterText.objects.count() == 1

"""A date known to the month or year is shown, counted, sorted and exported as such:
never as the first day it is stored as."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, TestCase
from django.utils import translation
from freezegun import freeze_time

from habeas.cases import services
from habeas.cases.dates import DaysDetained, detained_for, partial_iso, shown
from habeas.cases.importer import ImportError_, check
from habeas.cases.models import Detention, Person, Status, StatusChange
from habeas.coalition.models import Role
from habeas.core.models import Source
from tests.factories import CampaignFactory, UserFactory, grant, sign_in

TODAY = datetime.date(2026, 12, 1)
D = datetime.date


# --- One place that says what a date is --------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "iso", "english", "urdu"),
    [
        (D(2025, 6, 5), "DAY", "2025-06-05", "June 5, 2025", "5 جون 2025"),
        (D(2025, 6, 1), "MONTH", "2025-06", "June 2025", "جون 2025"),
        ("2025-06-01", "MONTH", "2025-06", "June 2025", "جون 2025"),
        (D(2025, 1, 1), "YEAR", "2025", "2025", "2025"),
        (None, "UNKNOWN", None, "date not known", None),
        (D(2025, 1, 1), "UNKNOWN", None, "date not known", None),
    ],
)
def test_a_date_is_shown_and_exported_as_far_as_it_is_known(
    value: Any, precision: str, iso: str | None, english: str, urdu: str | None
) -> None:
    """Month names are the page language's; the ISO form stops where the knowledge does."""
    assert partial_iso(value, precision) == iso
    with translation.override("en"):
        assert shown(value, precision) == english
    if urdu is not None:
        with translation.override("ur"):
            assert shown(value, precision) == urdu


def _days(
    arrested: datetime.date | None,
    arrested_precision: str,
    released: datetime.date | None = None,
    released_precision: str = "UNKNOWN",
    *,
    held: bool = True,
) -> DaysDetained | None:
    return detained_for(
        arrested=arrested,
        arrested_precision=arrested_precision,
        released=released,
        released_precision=released_precision,
        held=held,
        today=TODAY,
    )


@pytest.mark.parametrize(
    ("days", "text"),
    [
        # Known to the day, still held: the exact count.
        (_days(D(2025, 5, 12), "DAY"), f"{(TODAY - D(2025, 5, 12)).days} days"),
        (_days(D(2026, 11, 30), "DAY"), "1 day"),
        # Known to the month or year: at least, from the period's last day.
        (_days(D(2025, 6, 1), "MONTH"), f"at least {(TODAY - D(2025, 6, 30)).days} days"),
        (_days(D(2025, 1, 1), "YEAR"), "at least 335 days"),
        # The period is not over: no count, only since when.
        (_days(D(2026, 1, 1), "YEAR"), "since 2026"),
        (_days(D(2026, 12, 1), "MONTH"), "since December 2026"),
        # Released on a known day: the exact count, or at least to the release's first day.
        (_days(D(2025, 5, 12), "DAY", D(2025, 5, 20), "DAY", held=False), "8 days"),
        (_days(D(2025, 5, 12), "DAY", D(2025, 6, 1), "MONTH", held=False), "at least 20 days"),
        (_days(D(2024, 1, 1), "YEAR", D(2025, 3, 1), "MONTH", held=False), "at least 60 days"),
    ],
)
def test_days_in_detention_never_claim_more_than_the_dates(
    days: DaysDetained | None, text: str
) -> None:
    with translation.override("en"):
        assert str(days) == text


@pytest.mark.parametrize(
    "days",
    [
        _days(None, "UNKNOWN"),
        _days(D(2025, 1, 1), "UNKNOWN"),
        # Released, but nobody recorded when: any count could be too long.
        _days(D(2025, 5, 12), "DAY", None, "UNKNOWN", held=False),
        # Arrested some time in 2025 and released on 10 March 2025: too short to tell.
        _days(D(2025, 1, 1), "YEAR", D(2025, 3, 10), "DAY", held=False),
    ],
)
def test_no_days_in_detention_are_shown_when_the_dates_do_not_say(days: Any) -> None:
    assert days is None


def test_days_in_detention_read_in_urdu() -> None:
    days = _days(D(2026, 12, 1), "MONTH")
    assert days is not None
    with translation.override("ur"):
        assert "دسمبر 2026" in str(days)
        assert "December" not in str(days)


# --- Pages --------------------------------------------------------------------


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    campaign = CampaignFactory(slug="free-them")
    users = {name: UserFactory(username=name) for name in ("doc1", "doc2")}
    for user in users.values():
        grant(user, Role.DOCUMENTER, campaign=campaign)
    source = Source.objects.create(title="Open letter", publisher="Committee")
    return {"campaign": campaign, "source": source, **users}


def _arrested(world: dict[str, Any], name: str, text: str, **status: Any) -> Person:
    """A verified person arrested on ``text`` (``2025``, ``2025-06``, ``2025-06-05``
    or empty), with a change of status when ``status`` gives one."""
    from habeas.cases.importer import parse_date

    person = services.person_save(
        by=world["doc1"], source=world["source"], campaign=world["campaign"], name=name
    )
    on, precision = parse_date(text)
    detention = services.detention_add(
        by=world["doc1"],
        person=person,
        source=world["source"],
        arrested_on=on,
        arrested_precision=precision,
        status=Status.DETAINED,
    )
    if status:
        changed_on, changed_precision = parse_date(status["on"])
        services.status_add(
            by=world["doc1"],
            detention=detention,
            status=status["status"],
            on=changed_on,
            precision=changed_precision,
            source=world["source"],
        )
    services.person_verify(by=world["doc2"], person=person)
    return person


def _text(path: str, client: Client | None = None) -> str:
    response = (client or Client()).get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@freeze_time("2026-12-01")
def test_the_letters_arrests_after_the_war_are_never_shown_as_new_year(
    world: dict[str, Any],
) -> None:
    """Arrested "in the weeks after the India-Pakistan war", known to the year: the
    register, the person page, its history and the working record say 2025, never
    1 January, and count at least 335 days (from 31 December), not 698."""
    person = _arrested(world, "Asif Sakhi", "2025")
    for path in ["/register/", f"/register/{person.slug}/", f"/register/{person.slug}/history/"]:
        page = _text(path)
        shown = '<time datetime="2025">2025</time>' in page or "2025 [Open letter" in page
        assert shown, path
        assert "2025-01-01" not in page, path
        assert "January 1, 2025" not in page, path
    page = _text(f"/register/{person.slug}/")
    assert re.search(r"Days in detention</dt><dd>at least 335 days</dd>", page)
    assert "698" not in page
    working = _text(f"/register/working/{person.pk}/", sign_in(Client(), world["doc1"]))
    assert 'Arrest 1 (<time datetime="2025">2025</time>)' in working


@freeze_time("2026-12-01")
def test_a_month_is_shown_as_its_name_in_english_and_urdu(world: dict[str, Any]) -> None:
    person = _arrested(world, "Ali Raza", "2025-06")
    english = _text("/register/")
    assert '<time datetime="2025-06">June 2025</time>' in english
    urdu = _text("/ur/register/")
    assert '<time datetime="2025-06">جون 2025</time>' in urdu
    page = _text(f"/register/{person.slug}/")
    assert '<h3>Arrest: <time datetime="2025-06">June 2025</time>' in page
    assert f"at least {(TODAY - D(2025, 6, 30)).days} days" in page
    assert "2025-06-01" not in page
    history = _text(f"/ur/register/{person.slug}/history/")
    assert "جون 2025" in history
    assert "2025-06-01" not in history


@freeze_time("2026-12-01")
def test_an_arrest_known_to_the_day_counts_exactly(world: dict[str, Any]) -> None:
    person = _arrested(world, "Ali Raza", "2025-05-12", status="RELEASED", on="2025-05-20")
    page = _text(f"/register/{person.slug}/")
    assert "Days in detention</dt><dd>8 days</dd>" in page
    assert '<time datetime="2025-05-12">May 12, 2025</time>' in page


@freeze_time("2026-12-01")
def test_an_arrest_this_year_reads_since(world: dict[str, Any]) -> None:
    person = _arrested(world, "Ali Raza", "2026")
    assert "Days in detention</dt><dd>since 2026</dd>" in _text(f"/register/{person.slug}/")
    unknown = _arrested(world, "Bano Khan", "")
    page = _text(f"/register/{unknown.slug}/")
    assert "Days in detention" not in page
    assert '<span class="unknown">date not known</span>' in page


# --- Sorting and filtering -------------------------------------------------------

ROW_NAME = re.compile(r'<tr><td><a href="/register/[^/"]+/" lang="en" dir="ltr">([^<]*)</a>')


def test_imprecise_dates_sort_and_filter_by_their_first_day_on_every_database(
    world: dict[str, Any],
) -> None:
    """ "2025" sorts as 1 January 2025 and "June 2025" as 1 June; a tie keeps the order
    of publication; unknown dates come first going up and last going down; the year
    filter finds a date known only to the year. The same on SQLite and PostgreSQL."""
    for name, text in [
        ("A year", "2025"),
        ("B month", "2025-06"),
        ("C day", "2025-06-05"),
        ("D new year", "2025-01-01"),
        ("E unknown", ""),
        ("F old", "2024-12-31"),
    ]:
        _arrested(world, name, text)

    def names(**params: str) -> list[str]:
        return ROW_NAME.findall(
            _text("/register/?" + "&".join(f"{k}={v}" for k, v in params.items()))
        )

    up = ["E unknown", "F old", "A year", "D new year", "B month", "C day"]
    assert names(sort="arrested") == up
    assert names(sort="-arrested") == [
        "C day",
        "B month",
        "D new year",
        "A year",
        "F old",
        "E unknown",
    ]
    assert names(year="2025", sort="arrested") == ["A year", "D new year", "B month", "C day"]
    assert names(year="2024") == ["F old"]
    assert '<time datetime="2025-06">June 2025</time>' in _text("/register/?year=2025")


# --- Exports ---------------------------------------------------------------------


def test_the_csv_export_keeps_each_dates_precision(world: dict[str, Any]) -> None:
    """Partial ISO dates with a precision column beside each, as the import reads them."""
    _arrested(world, "Ali Raza", "2025-06", status="RELEASED", on="2026")
    _arrested(world, "Bano Khan", "")
    _arrested(world, "Chand Bibi", "2024-03-02")
    response = Client().get("/register/export.csv")
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    dated = ("arrested_on", "arrested_precision", "released_on", "released_precision")
    assert [rows["Ali Raza"][c] for c in dated] == ["2025-06", "MONTH", "2026", "YEAR"]
    assert [rows["Bano Khan"][c] for c in dated] == ["", "UNKNOWN", "", "UNKNOWN"]
    assert [rows["Chand Bibi"][c] for c in dated] == ["2024-03-02", "DAY", "", "UNKNOWN"]


# --- Dates that cannot be true -----------------------------------------------------

SOURCE = {"source_title": "Court record", "certainty": "REPORTED"}


@pytest.mark.parametrize(
    ("arrested_on", "message"),
    [
        ("2025-00", "2025-00 is no date: a month runs from 01 to 12"),
        ("2025-02-30", "2025-02-30 is no date: a month runs from 01 to 12"),
        ("2025-13", "2025-13 is no date"),
        ("30/05/2025", "Write the date as YYYY, YYYY-MM or YYYY-MM-DD."),
        ("2099", "The arrest date is in the future."),
        ("2026-12-02", "The arrest date is in the future."),
    ],
)
@freeze_time("2026-12-01")
def test_an_arrest_date_that_cannot_be_true_is_refused_with_a_clear_message(
    world: dict[str, Any], arrested_on: str, message: str
) -> None:
    person = services.person_save(
        by=world["doc1"], source=world["source"], campaign=world["campaign"], name="Ali"
    )
    client = sign_in(Client(), world["doc1"])
    response = client.post(
        f"/register/working/{person.pk}/arrest/",
        {**SOURCE, "arrested_on": arrested_on, "status": "DETAINED"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Detention.objects.filter(person=person).exists()


@pytest.mark.parametrize(
    ("status", "on", "message"),
    [
        ("RELEASED", "2025-05-11", "The release is dated before the arrest."),
        ("ON_BAIL", "2025-04", "The release is dated before the arrest."),
        ("ACQUITTED", "2024", "The release is dated before the arrest."),
        ("RELEASED", "2027", "The date of the change is in the future."),
        ("CHARGED", "2026-12-02", "The date of the change is in the future."),
        ("RELEASED", "2025-02-30", "2025-02-30 is no date"),
    ],
)
@freeze_time("2026-12-01")
def test_a_release_before_the_arrest_or_in_the_future_is_refused(
    world: dict[str, Any], status: str, on: str, message: str
) -> None:
    person = _arrested(world, "Ali", "2025-05-12")
    detention = Detention.objects.get(person=person)
    before = StatusChange.objects.count()
    client = sign_in(Client(), world["doc1"])
    response = client.post(
        f"/register/working/{person.pk}/arrest/{detention.pk}/status/",
        {**SOURCE, "status": status, "on": on},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert StatusChange.objects.count() == before


@pytest.mark.parametrize(
    ("status", "on"),
    [("RELEASED", "2025-05"), ("RELEASED", "2025"), ("CHARGED", "2025-01-02"), ("RELEASED", "")],
)
@freeze_time("2026-12-01")
def test_a_release_that_may_follow_the_arrest_is_kept(
    world: dict[str, Any], status: str, on: str
) -> None:
    """A release known to the month or year of a known arrest may follow it; a charge
    may come before an arrest (a case is often registered first)."""
    person = _arrested(world, "Ali", "2025-05-12")
    detention = Detention.objects.get(person=person)
    response = sign_in(Client(), world["doc1"]).post(
        f"/register/working/{person.pk}/arrest/{detention.pk}/status/",
        {**SOURCE, "status": status, "on": on},
    )
    assert response.status_code == 302


@freeze_time("2026-12-01")
def test_the_services_refuse_impossible_dates_for_every_caller(world: dict[str, Any]) -> None:
    """A command or the API calling the services is refused as the form is."""
    person = services.person_save(
        by=world["doc1"], source=world["source"], campaign=world["campaign"], name="Ali"
    )
    with pytest.raises(ValidationError) as future:
        services.detention_add(
            by=world["doc1"],
            person=person,
            source=world["source"],
            arrested_on=D(2027, 1, 1),
            arrested_precision="YEAR",
            status=Status.DETAINED,
        )
    assert future.value.message_dict == {"arrested_on": ["The arrest date is in the future."]}
    with pytest.raises(ValidationError) as early:
        services.detention_add(
            by=world["doc1"],
            person=person,
            source=world["source"],
            arrested_on=D(2025, 5, 12),
            arrested_precision="DAY",
            status=Status.RELEASED,
            status_on=D(2025, 4, 1),
            status_precision="MONTH",
        )
    assert early.value.message_dict == {"status_on": ["The release is dated before the arrest."]}
    assert not Detention.objects.filter(person=person).exists()


def test_the_first_status_is_dated_as_precisely_as_the_arrest(world: dict[str, Any]) -> None:
    person = _arrested(world, "Ali", "2025-06")
    change = StatusChange.objects.get(detention__person=person)
    assert (change.on, change.precision) == (D(2025, 6, 1), "MONTH")


HEADER = "external_id,name,campaign,arrested_on,status,status_on,source_title\n"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "p1,Ali,free-them,2025-00,DETAINED,,Src",
            ("arrested_on", "'2025-00' is not a date: no such month or day"),
        ),
        (
            "p1,Ali,free-them,2025-02-30,DETAINED,,Src",
            ("arrested_on", "'2025-02-30' is not a date: no such month or day"),
        ),
        (
            "p1,Ali,free-them,2025,RELEASED,2025-02-29,Src",
            ("status_on", "'2025-02-29' is not a date: no such month or day"),
        ),
        (
            "p1,Ali,free-them,2099,DETAINED,,Src",
            ("arrested_on", "'2099' cannot be: arrest in the future"),
        ),
        (
            "p1,Ali,free-them,2026-12-02,DETAINED,,Src",
            ("arrested_on", "'2026-12-02' cannot be: arrest in the future"),
        ),
        (
            "p1,Ali,free-them,2025-05-12,RELEASED,2025-04,Src",
            ("status_on", "'2025-04' cannot be: release before the arrest"),
        ),
        (
            "p1,Ali,free-them,2025,ACQUITTED,2024-12-31,Src",
            ("status_on", "'2024-12-31' cannot be: release before the arrest"),
        ),
        (
            "p1,Ali,free-them,2025,RELEASED,2027-01,Src",
            ("status_on", "'2027-01' cannot be: change of status in the future"),
        ),
    ],
)
@freeze_time("2026-12-01")
def test_the_import_refuses_dates_that_cannot_be_true(row: str, expected: tuple[str, str]) -> None:
    body = (HEADER + "p0,Good,free-them,2025-05,RELEASED,2025,Src\n" + row + "\n").encode()
    checked = check(body, campaigns={"free-them": 1}, organisations={})
    assert checked.errors == [ImportError_(3, *expected)]


@pytest.mark.django_db
@freeze_time("2026-12-01")
def test_an_import_with_a_release_before_the_arrest_writes_nothing(tmp_path: Path) -> None:
    grant(
        UserFactory(username="doc1"), Role.DOCUMENTER, campaign=CampaignFactory(slug="free-them")
    )
    path = tmp_path / "cases.csv"
    path.write_text(
        HEADER
        + "p0,Good,free-them,2025-05,DETAINED,,Src\n"
        + "p1,Ali,free-them,2025-05-12,RELEASED,2025-05-11,Src\n",
        encoding="utf-8",
    )
    errors = io.StringIO()
    with (
        TestCase.captureOnCommitCallbacks(execute=True),
        pytest.raises(CommandError, match="nothing was imported"),
    ):
        call_command("import-cases", str(path), "--as", "doc1", "--no-progress", stderr=errors)
    assert "line 3, column status_on: '2025-05-11' cannot be: release before the arrest" in (
        errors.getvalue()
    )
    assert Person.objects.count() == 0

"""The statistics page: figures that add up, and say who they leave out."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from habeas.cases import charts, queries, services
from habeas.cases.models import Affiliation, Detention, Person, PublicRecord, Status
from habeas.cases.queries import Counted, RegisterFilters
from habeas.coalition.models import Role
from habeas.core.models import Source
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

ROW_NAME = re.compile(r'<tr><td><a href="/register/[^/"]+/" lang="en" dir="ltr">([^<]*)</a>')
LONG_NAME = (
    "The Joint Action Committee of Workers, Peasants and Students of Gilgit-Baltistan Hunza"
)
URDU_NAME = "عوامی ایکشن کمیٹی گلگت بلتستان کے کارکنوں، کسانوں اور طلبہ کی مشترکہ تنظیم"


@dataclass
class World:
    source: Source
    campaign: Any
    doc1: Any
    doc2: Any
    today: datetime.date

    def ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def person(self, name: str, *, certainty: str = "REPORTED", **fields: Any) -> Person:
        return services.person_save(
            by=self.doc1,
            source=self.source,
            campaign=self.campaign,
            name=name,
            certainty=certainty,
            **fields,
        )

    def detention(
        self,
        person: Person,
        arrested_on: datetime.date | None,
        precision: str,
        status: str = Status.AWAITING_TRIAL,
    ) -> Detention:
        return services.detention_add(
            by=self.doc1,
            person=person,
            source=self.source,
            arrested_on=arrested_on,
            arrested_precision=precision,
            status=status,
            place="Gilgit",
        )

    def status(
        self, detention: Detention, status: str, on: datetime.date | None, precision: str
    ) -> None:
        services.status_add(
            by=self.doc1,
            detention=detention,
            status=status,
            on=on,
            precision=precision,
            source=self.source,
        )

    def verify(self, *persons: Person) -> None:
        for person in persons:
            services.person_verify(by=self.doc2, person=person)


@pytest.fixture
def world() -> World:
    campaign = CampaignFactory(slug="free-them")
    doc1, doc2 = UserFactory(username="doc1"), UserFactory(username="doc2")
    grant(doc1, Role.DOCUMENTER, campaign=campaign)
    grant(doc2, Role.DOCUMENTER, campaign=campaign)
    source = Source.objects.create(title="Court record 12", publisher="High Court")
    return World(source, campaign, doc1, doc2, timezone.localdate())


def _build(w: World) -> dict[str, Person]:
    """A register with every kind of date: held, released, and in between."""
    p: dict[str, Person] = {}
    # Held now, arrest known to the day: counted today.
    p["day"] = w.person("Held Day", certainty="VERIFIED", home_region="Hunza")
    w.detention(p["day"], w.ago(100), "DAY")
    # Held now, arrest known to the month, the year, or not at all: left out.
    p["month"] = w.person("Held Month", home_region="Hunza")
    w.detention(p["month"], w.ago(200).replace(day=1), "MONTH")
    p["year"] = w.person("Held Year", certainty="VERIFIED")
    w.detention(p["year"], w.ago(400).replace(month=1, day=1), "YEAR")
    p["unknown"] = w.person("Held Unknown")
    w.detention(p["unknown"], None, "UNKNOWN", status=Status.INCOMMUNICADO)
    # Released on a known day: counted up to the day before.
    p["released"] = w.person("Released Day")
    d = w.detention(p["released"], w.ago(50), "DAY")
    w.status(d, Status.RELEASED, w.ago(20), "DAY")
    # Released in a month known only as a month: counted to that month's start.
    p["released_month"] = w.person("Released Month", certainty="VERIFIED")
    d = w.detention(p["released_month"], w.ago(120), "DAY")
    w.status(d, Status.ON_BAIL, w.ago(40).replace(day=1), "MONTH")
    # Released on a date nobody recorded: on no day.
    p["released_undated"] = w.person("Released Undated")
    d = w.detention(p["released_undated"], w.ago(90), "DAY")
    w.status(d, Status.RELEASED, None, "UNKNOWN")
    # Two detentions, held again now, arrest known to the day: counted once a day.
    p["twice"] = w.person("Twice Day", certainty="VERIFIED")
    d = w.detention(p["twice"], w.ago(300), "DAY")
    w.status(d, Status.RELEASED, w.ago(250), "DAY")
    w.detention(p["twice"], w.ago(30), "DAY", status=Status.CHARGED)
    # Two detentions: the first known to the day, the current one to the month
    # only. Left out, though the record's first arrest is known to the day.
    p["twice_month"] = w.person("Twice Month")
    d = w.detention(p["twice_month"], w.ago(500), "DAY")
    w.status(d, Status.RELEASED, w.ago(450), "DAY")
    w.detention(p["twice_month"], w.ago(60).replace(day=1), "MONTH")
    # Released, then held again in the same detention: held now, a release on record.
    p["rearrested"] = w.person("Rearrested", certainty="VERIFIED")
    d = w.detention(p["rearrested"], w.ago(80), "DAY")
    w.status(d, Status.RELEASED, w.ago(70), "DAY")
    w.status(d, Status.CONVICTED, w.ago(10), "DAY")
    # Two detentions that overlap (as a source may say): counted once a day.
    p["overlap"] = w.person("Overlap")
    d = w.detention(p["overlap"], w.ago(160), "DAY")
    w.status(d, Status.RELEASED, w.ago(140), "DAY")
    d = w.detention(p["overlap"], w.ago(150), "DAY")
    w.status(d, Status.ACQUITTED, w.ago(130), "DAY")
    # Released on a day still to come: not held now, so not counted today
    # either. The services refuse a change dated after their today, so it
    # is written as on a server whose day is already tomorrow (a clock or
    # time zone ahead of the one the statistics are read in).
    p["released_later"] = w.person("Released Tomorrow")
    d = w.detention(p["released_later"], w.ago(15), "DAY")
    with freeze_time(w.ago(-1)):
        w.status(d, Status.RELEASED, w.ago(-1), "DAY")
    # No status at all.
    p["blank"] = w.person("No Status")
    w.detention(p["blank"], w.ago(70), "DAY", status="")
    # No detention at all.
    p["none"] = w.person("No Detention")
    w.verify(*p.values())
    return p


def _register_names(path: str) -> list[str]:
    return ROW_NAME.findall(Client().get(path).content.decode())


def _cells(page: str, row_id: str) -> list[int]:
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)
    assert row is not None, row_id
    return [int(n) for n in re.findall(r"<td>(\d+)</td>", row.group(1))]


def test_the_figures_add_up(world: World) -> None:
    """Today's daily count plus those left out is everyone held now, verified and
    reported apart; the breakdown adds up to every record."""
    _build(world)
    stats = queries.register_statistics(today=world.today)
    assert stats.daily[-1][0] == world.today
    assert stats.held == Counted(verified=4, reported=3)
    assert stats.left_out == Counted(verified=1, reported=3)
    assert stats.held_today == Counted(verified=3, reported=0)
    assert stats.held_today + stats.left_out == stats.held
    held_rows = [row for row in stats.by_status if row.held]
    assert sum((row.counted for row in held_rows), Counted()) == stats.held
    assert {row.status for row in held_rows} == set(queries.HELD) & {
        Status.AWAITING_TRIAL,
        Status.INCOMMUNICADO,
        Status.CHARGED,
        Status.CONVICTED,
    }
    assert sum((row.counted for row in stats.by_status), Counted()) == stats.total
    # The record with no detention has no status, as does the detention without one.
    unknown = next(row for row in stats.by_status if row.status == "")
    assert unknown.counted == Counted(0, 2)
    assert stats.total == Counted(verified=5, reported=9)
    assert stats.total.total == PublicRecord.objects.count()


def test_each_day_counts_the_persons_certainly_held_on_it(world: World) -> None:
    """Releases end a detention (imprecise ones at the start of their month), an
    undated release places it on no day, and a person counts once a day."""
    _build(world)
    stats = queries.register_statistics(today=world.today)
    daily = {day: n.total for day, n in stats.daily}
    on = lambda days: daily[world.ago(days)]  # noqa: E731
    assert stats.daily[0][0] == world.ago(500)  # the earliest arrest known to the day
    assert on(500) == 1  # twice_month's first detention
    assert on(450) == 0  # released that day
    # overlap: two detentions from 160 to 130 days ago, counted once.
    assert on(155) - on(161) == 1
    assert on(145) - on(161) == 1
    released_month_end = world.ago(40).replace(day=1)
    before = released_month_end - datetime.timedelta(days=1)
    # released_month counts to the day before its release month, not after.
    assert daily[before] - daily[released_month_end] >= 1
    # released_undated (arrested 90 days ago) is on no day; blank too.
    assert stats.not_placed >= 2
    assert on(21) - on(20) == 1  # released: not on the day of release
    assert on(1) - on(16) == 1  # released tomorrow: counted to yesterday
    # Today: day, twice, rearrested; nobody released, nobody left out.
    assert on(0) == 3


def test_the_page_shows_the_same_figures_in_english_and_urdu(world: World) -> None:
    """The page's table, chart table and link agree with each other and the register."""
    _build(world)
    stats = queries.register_statistics(today=world.today)
    for prefix in ("", "/ur"):
        page = Client().get(f"{prefix}/register/statistics/").content.decode()
        held, placed, left_out = (
            _cells(page, "held-total"),
            _cells(page, "held-placed"),
            _cells(page, "held-left-out"),
        )
        assert held == [4, 3, 7]
        assert left_out == [1, 3, 4]
        assert [p + q for p, q in zip(placed, left_out, strict=True)] == held
        last_day = re.findall(r'<tr><td dir="ltr">([\d-]+)</td>((?:<td>\d+</td>)+)</tr>', page)[-1]
        assert last_day[0] == world.today.isoformat()
        assert [int(n) for n in re.findall(r"\d+", last_day[1])] == placed
        assert f'href="{prefix}/register/?held=1&amp;arrest=NOT_DAY"' in page or (
            'href="/register/?held=1&amp;arrest=NOT_DAY"' in page
        )
        assert stats.left_out.total == 4
    # The link lists exactly the persons left out.
    assert sorted(_register_names("/register/?held=1&arrest=NOT_DAY")) == [
        "Held Month",
        "Held Unknown",
        "Held Year",
        "Twice Month",
    ]
    assert sorted(_register_names("/register/?held=1&arrest=DAY")) == [
        "Held Day",
        "Rearrested",
        "Twice Day",
    ]


def test_the_register_filters_on_the_current_arrest_and_on_held_now(world: World) -> None:
    """Each precision and "held now" list the right records; bad values are ignored."""
    _build(world)
    cases = {
        "arrest=DAY": {
            "Held Day",
            "Released Day",
            "Released Month",
            "Released Undated",
            "Twice Day",
            "Rearrested",
            "Overlap",
            "No Status",
            "Released Tomorrow",
        },
        "arrest=MONTH": {"Held Month", "Twice Month"},
        "arrest=YEAR": {"Held Year"},
        "arrest=UNKNOWN": {"Held Unknown", "No Detention"},
        "held=1": {
            "Held Day",
            "Held Month",
            "Held Year",
            "Held Unknown",
            "Twice Day",
            "Twice Month",
            "Rearrested",
        },
    }
    for query, names in cases.items():
        assert set(_register_names(f"/register/?{query}")) == names, query
        filters = RegisterFilters.from_query(dict(p.split("=") for p in query.split("&")))
        assert queries.register_records(filters).count() == len(names), query
    everyone = set(_register_names("/register/"))
    for bad in ("arrest=day", "arrest=NOT_DAY%27", "held=yes", "held=", "arrest="):
        response = Client().get(f"/register/?{bad}")
        assert response.status_code == 200, bad
        assert set(_register_names(f"/register/?{bad}")) == everyone, bad


def test_by_region_is_not_shown_when_no_record_has_a_region(world: World) -> None:
    """An empty heading says nothing: the section appears once a region is known."""
    person = world.person("Nowhere")
    world.detention(person, world.ago(5), "DAY")
    world.verify(person)
    page = Client().get("/register/statistics/").content.decode()
    assert "By region" not in page
    services.person_save(by=world.doc1, person=person, source=world.source, home_region="Hunza")
    world.verify(person)
    page = Client().get("/register/statistics/").content.decode()
    assert "By region" in page
    assert re.search(r'<th scope="row" lang="en" dir="ltr">Hunza</th><td>0</td><td>1</td>', page)


def test_long_and_urdu_labels_are_shortened_with_the_full_name_in_a_title(
    world: World,
) -> None:
    """A 100-character or Urdu organisation name fits its room and keeps its full text."""
    name = (LONG_NAME * 2)[:100]
    assert len(name) == 100
    person = world.person("Tied", certainty="VERIFIED")
    world.detention(person, world.ago(5), "DAY")
    for org_name, slug in ((name, "long"), (URDU_NAME, "urdu"), ("A & B <Union>", "amp")):
        Affiliation.objects.create(
            person=person,
            organisation=OrganisationFactory(name=org_name, slug=slug),
            source=world.source,
        )
    world.verify(person)
    page = Client().get("/register/statistics/").content.decode()
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert svgs
    for svg in svgs:
        # Well formed: no entity cut in half (the page's own markup, not untrusted).
        ElementTree.fromstring(svg)  # noqa: S314
    organisations = next(svg for svg in svgs if name in svg)
    labels = re.findall(r'text-anchor="end">([^<]*)</text>', organisations)
    assert name not in labels
    assert any(label.endswith("…") and name.startswith(label[:-1]) for label in labels)
    assert f"<title>{name}: 1 verified, 0 reported</title>" in organisations
    assert f"<title>{URDU_NAME}: 1 verified, 0 reported</title>" in organisations
    assert "A &amp; B &lt;Union&gt;</text>" in organisations
    room = 220 - 12
    assert all(len(label) * charts.CHAR_WIDTH <= room for label in labels)


def test_shortened_keeps_what_fits() -> None:
    assert charts.shortened("Hunza", 100) == "Hunza"
    assert charts.shortened("abcdefghij", 35) == "abcd…"
    assert len(charts.shortened(URDU_NAME, 100)) == 100 // charts.CHAR_WIDTH


def test_the_page_changes_after_a_new_verification(world: World) -> None:
    """The cached page counts a person held once their record is verified."""
    person = world.person("First")
    world.detention(person, world.ago(5), "DAY")
    world.verify(person)
    assert _cells(Client().get("/register/statistics/").content.decode(), "held-total") == [
        0,
        1,
        1,
    ]
    second = world.person("Second", certainty="VERIFIED")
    world.detention(second, None, "UNKNOWN")
    world.verify(second)
    page = Client().get("/register/statistics/").content.decode()
    assert _cells(page, "held-total") == [1, 1, 2]
    assert _cells(page, "held-left-out") == [1, 0, 1]

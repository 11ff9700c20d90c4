"""The world map of actions: one linked marker per city, and the same cities listed."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from habeas.actions.models import Action
from habeas.actions.queries.places import bundled_places, city_markers, place_key
from habeas.actions.worldmap import world_map_svg
from habeas.coalition.models import Campaign
from tests.factories import CampaignFactory, UserFactory, sign_in
from tests.pages import forget_pages, page_queries

SVG = "{http://www.w3.org/2000/svg}"
DEMO_CITIES = (("London", "GB"), ("New York", "US"), ("Berlin", "DE"), ("Toronto", "CA"))

pytestmark = pytest.mark.django_db


def _action(campaign: Campaign, city: str, country: str, **fields: Any) -> Action:
    return Action.objects.create(
        campaign=campaign,
        title=f"Protest in {city}",
        city=city,
        country=country,
        status=fields.pop("status", Action.Status.HAPPENED),
        **fields,
    )


def _page(path: str = "/actions/map/") -> str:
    response = Client().get(path)
    assert response.status_code == 200
    return response.content.decode()


def _parse(svg: str) -> ET.Element:
    """The SVG parsed strictly: a well-formedness check of the page's own output."""
    return ET.fromstring(svg)  # noqa: S314 (Habeas's own output, no entities)


def _svg(html: str) -> ET.Element:
    found = re.search(r"<svg.*?</svg>", html, re.S)
    assert found is not None
    return _parse(found.group(0))


def _markers(svg: ET.Element) -> list[tuple[str, str, float, float]]:
    """(link, title, x, y) of every marker."""
    markers = []
    for link in svg.iter(f"{SVG}a"):
        circle = link.find(f"{SVG}circle")
        assert circle is not None
        title = link.find(f"{SVG}title")
        assert title is not None
        markers.append(
            (
                link.get("href", ""),
                title.text or "",
                float(circle.get("cx", 0)),
                float(circle.get("cy", 0)),
            )
        )
    return markers


def _demo() -> Campaign:
    campaign = CampaignFactory()
    for city, country in DEMO_CITIES:
        _action(campaign, city, country)
    return campaign


def test_the_demo_cities_without_coordinates_are_placed_from_natural_earth() -> None:
    """The four cities of the letter's protests, undated and without coordinates,
    each get one marker, placed from the bundled Natural Earth places, and each
    links to the list of that city's actions."""
    _demo()
    markers = _markers(_svg(_page()))
    assert len(markers) == 4
    links = {link for link, *_ in markers}
    assert links == {
        "/actions/?country=GB&city=London",
        "/actions/?country=US&city=New+York",
        "/actions/?country=DE&city=Berlin",
        "/actions/?country=CA&city=Toronto",
    }
    titles = {title for _, title, *_ in markers}
    assert "London, United Kingdom — 1 action" in titles
    # London lies east of New York and Toronto, north of both; Berlin east of London.
    points = {link.split("city=")[1]: (x, y) for link, _, x, y in markers}
    assert points["New+York"][0] < points["London"][0] < points["Berlin"][0]
    assert points["London"][1] < points["New+York"][1]
    assert 480 < points["London"][0] < 510  # 0 degrees of longitude is x = 500


def test_an_actions_own_coordinates_place_its_marker() -> None:
    """An action's own latitude and longitude win over the bundled place; the mean
    of several actions' coordinates places their city."""
    campaign = CampaignFactory()
    _action(campaign, "London", "GB", latitude=Decimal("10"), longitude=Decimal("20"))
    _action(campaign, "London", "GB", latitude=Decimal("20"), longitude=Decimal("40"))
    (place,) = city_markers("all")
    assert (place.latitude, place.longitude, place.count) == (15.0, 30.0, 2)
    ((_, _, x, y),) = _markers(_svg(_page()))
    assert (round(x, 1), round(y, 1)) == (round(210 * 1000 / 360, 1), round(69 * 1000 / 360, 1))


def test_two_actions_in_one_city_make_one_marker() -> None:
    """Two actions in Berlin are one marker that says two actions, drawn larger."""
    campaign = CampaignFactory()
    _action(campaign, "Berlin", "DE")
    _action(campaign, "Berlin", "DE", status=Action.Status.PLANNED)
    _action(campaign, "London", "GB")
    svg = _svg(_page())
    titles = [title for _, title, *_ in _markers(svg)]
    assert sorted(titles) == ["Berlin, Germany — 2 actions", "London, United Kingdom — 1 action"]
    radii = {
        a.find(f"{SVG}title").text: float(a.find(f"{SVG}circle").get("r", 0))  # type: ignore[union-attr]
        for a in svg.iter(f"{SVG}a")
    }
    assert radii["Berlin, Germany — 2 actions"] > radii["London, United Kingdom — 1 action"]


def test_draft_campaigns_and_cancelled_actions_are_not_shown() -> None:
    """A draft campaign's actions and cancelled actions appear nowhere on the page."""
    _action(CampaignFactory(status=Campaign.Status.DRAFT), "Toronto", "CA")
    _action(CampaignFactory(), "Berlin", "DE", status=Action.Status.CANCELLED)
    html = _page()
    assert "Toronto" not in html
    assert "Berlin" not in html
    assert "<svg" not in html
    assert "No action has been announced yet." in html
    assert city_markers("all").total == 0


def test_a_city_without_a_known_place_is_listed_but_not_drawn() -> None:
    """A city neither the action nor the bundled places can place is listed as not on the map."""
    campaign = _demo()
    _action(campaign, "Gilgit", "PK")
    html = _page()
    assert len(_markers(_svg(html))) == 4
    assert "Gilgit" in html
    assert "not on the map" in html
    assert '<a href="/actions/?country=PK&amp;city=Gilgit">Gilgit</a>' in html


def test_places_are_matched_without_case_or_accents() -> None:
    """ "sao  PAULO" in Brazil finds Natural Earth's São Paulo; the same name in
    another country does not."""
    campaign = CampaignFactory()
    _action(campaign, "sao  PAULO", "BR")
    _action(campaign, "São Paulo", "PT")
    by_country = {place.country: place for place in city_markers("all")}
    assert by_country["BR"].on_map
    assert not by_country["PT"].on_map
    assert place_key("BR", "São Paulo") in bundled_places()


def test_every_text_is_escaped() -> None:
    """A city named like markup stays text in the SVG and in the list, and the
    SVG still parses."""
    campaign = CampaignFactory()
    evil = '<script>&"'
    _action(campaign, evil, "GB", latitude=Decimal("51.5"), longitude=Decimal("0"))
    html = _page()
    assert "<script>&" not in html
    (marker,) = _markers(_svg(html))
    assert marker[1] == '<script>&", United Kingdom — 1 action'
    assert marker[0] == "/actions/?country=GB&city=%3Cscript%3E%26%22"
    assert "&lt;script&gt;&amp;&quot;" in html


def test_the_list_equals_the_markers() -> None:
    """Every marker is a city of the list with the same link, and the list has no other
    city that has a place."""
    campaign = _demo()
    _action(campaign, "London", "GB")
    html = _page()
    lists = "".join(re.findall(r'<ul class="cities">.*?</ul>', html, re.S))
    listed = re.findall(r'<li><a href="([^"]+)">', lists)
    marked = [link for link, *_ in _markers(_svg(html))]
    assert sorted(link.replace("&amp;", "&") for link in listed) == sorted(marked)


def test_the_svg_is_self_contained_and_accessible() -> None:
    """The map is well-formed XML with a label, no script, and no reference to another origin."""
    _demo()
    html = _page()
    raw = re.search(r"<svg.*?</svg>", html, re.S).group(0)  # type: ignore[union-attr]
    svg = _parse(raw)
    assert svg.get("aria-label") == "World map of actions"
    assert svg.get("width") == "100%"
    assert svg.get("viewBox") == "0 0 1000 400"
    assert not list(svg.iter(f"{SVG}script"))
    assert "<script" not in raw
    assert "xlink" not in raw
    assert re.findall(r"\w+://[^\s\"<]*", raw) == ["http://www.w3.org/2000/svg"]
    assert "//" not in raw.replace("http://www.w3.org/2000/svg", "")
    assert all(href.startswith("/actions/?") for href, *_ in _markers(svg))


def test_the_page_in_urdu() -> None:
    """At /ur/ the page is in Urdu, right to left, the country named in Urdu, and the
    markers link to the Urdu list."""
    _demo()
    html = _page("/ur/actions/map/")
    assert 'dir="rtl"' in html
    assert "برطانیہ" in html  # United Kingdom, from CLDR
    links = {link for link, *_ in _markers(_svg(html))}
    assert "/ur/actions/?country=GB&city=London" in links


def test_when_chooses_upcoming_or_past() -> None:
    """?when=upcoming shows planned actions still to come, ?when=past the ones that
    happened or are over; anything else shows all."""
    campaign = CampaignFactory()
    soon = timezone.now() + datetime.timedelta(days=3)
    _action(
        campaign,
        "Berlin",
        "DE",
        status=Action.Status.PLANNED,
        starts_at=soon,
        time_zone="Europe/Berlin",
    )
    _action(campaign, "London", "GB")
    upcoming = _page("/actions/map/?when=upcoming")
    assert [t for _, t, *_ in _markers(_svg(upcoming))] == ["Berlin, Germany — 1 action"]
    past = _page("/actions/map/?when=past")
    assert [t for _, t, *_ in _markers(_svg(past))] == ["London, United Kingdom — 1 action"]
    assert len(_markers(_svg(_page("/actions/map/?when=<b>")))) == 2


def test_empty_states() -> None:
    """With no actions each view says so, and draws no map."""
    assert "No upcoming action has been announced yet." in _page("/actions/map/?when=upcoming")
    assert "No past action has been recorded yet." in _page("/actions/map/?when=past")


def test_a_campaign_limits_the_markers() -> None:
    """city_markers(campaign=...) counts only that campaign's actions."""
    first = _demo()
    _action(CampaignFactory(), "Lagos", "NG")
    assert {p.city for p in city_markers("all", campaign=first)} == {c for c, _ in DEMO_CITIES}
    assert city_markers("all").total == 5


def test_the_map_of_500_cities_stays_small() -> None:
    """With 500 cities the page shows the 200 with most actions, stays under 100 KB
    and says how many more there are (its speed is bench/bench_actions.py's)."""
    campaign = _demo()
    client = Client()
    countries = sorted({country for country, _city in bundled_places()})
    Action.objects.bulk_create(
        Action(
            campaign=campaign,
            title="Protest",
            city=f"Place {index}",
            country=countries[index % len(countries)],
            status=Action.Status.HAPPENED,
            latitude=Decimal(index % 170 - 85),
            longitude=Decimal(index % 360 - 180),
        )
        for index in [*range(496), *range(10)]  # ten cities with two actions
    )
    forget_pages()
    html = client.get("/actions/map/").content.decode()
    assert len(_markers(_svg(html))) == 200
    assert "300 more cities are not shown." in html
    doubled = [title for _, title, *_ in _markers(_svg(html)) if title.endswith("2 actions")]
    assert len(doubled) == 10
    assert len(html.encode()) < 100 * 1024


def test_the_pure_function_draws_no_marker_for_a_city_without_a_point() -> None:
    """world_map_svg leaves out cities with no point and parses with none at all."""
    from habeas.actions.queries.places import CityActions

    svg = world_map_svg([CityActions("PK", "Gilgit", 1, None, None)])
    assert not _markers(_parse(svg))
    assert len(_parse(world_map_svg([])).findall(f"{SVG}g")) == 2


def test_the_page_references_only_its_own_origin_and_carries_no_inline_code() -> None:
    """Like every public page: no other origin, no inline script, style or handler."""
    from tests.core.test_pages import _references

    _demo()
    refs = _references(_page())
    assert refs.urls
    assert all(not urlsplit(url).scheme and not urlsplit(url).netloc for url in refs.urls)
    assert (refs.inline_scripts, refs.inline_styles, refs.event_handlers) == (0, 0, [])


def test_the_page_reads_the_cities_in_one_query_however_many() -> None:
    """One query for the cities, whether there are four or forty."""
    campaign = _demo()
    counts = []
    for extra in (0, 36):
        for index in range(extra):
            _action(campaign, f"Town {index}", "PK")
        forget_pages()
        with CaptureQueriesContext(connection) as captured:
            _page()
        counts.append(len(page_queries(captured.captured_queries)))
    assert counts[0] == counts[1] == 1


def test_a_signed_in_reader_sees_the_same_map() -> None:
    """The page is public: a signed-in user gets it rendered afresh, with the same markers."""
    _demo()
    client = sign_in(Client(), UserFactory())
    response = client.get("/actions/map/")
    assert response.status_code == 200
    assert len(_markers(_svg(response.content.decode()))) == 4


@pytest.mark.usefixtures("demo")
def test_the_demo_campaigns_four_cities_are_on_the_map() -> None:
    """`habeas demo`'s protests, of unknown date and coordinates, are four markers
    on the map of all actions, placed from Natural Earth."""
    for path in ("/actions/map/", "/ur/actions/map/"):
        markers = _markers(_svg(_page(path)))
        assert len(markers) == 4, path
    titles = {title for _, title, *_ in _markers(_svg(_page()))}
    assert titles == {
        "London, United Kingdom — 1 action",
        "New York, United States — 1 action",
        "Berlin, Germany — 1 action",
        "Toronto, Canada — 1 action",
    }

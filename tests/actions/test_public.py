"""The public action pages: lists, an action, its flyer, its calendars, its JSON-LD."""

from __future__ import annotations

import datetime
import json
import re
import zoneinfo
from typing import Any

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from habeas.actions.models import Action, ActionChange
from habeas.coalition.models import Campaign, Demand, Position
from habeas.core.pagecache import public_changed
from habeas.demo.loader import load_demo
from tests.core.pagecache_world import visit
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, member, sign_in
from tests.pages import forget_pages, page_queries

pytestmark = pytest.mark.django_db

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
NOW = timezone.now()
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def _fresh_pages() -> Any:
    forget_pages()
    yield
    forget_pages()


def _action(campaign: Campaign | None = None, **fields: Any) -> Action:
    """A planned action in ``fields``' city, three days away unless told otherwise."""
    values: dict[str, Any] = {
        "title": "Vigil for the prisoners",
        "city": "Toronto",
        "country": "CA",
        "starts_at": NOW + datetime.timedelta(days=3),
        "time_zone": "America/Toronto",
    }
    values.update(fields)
    return Action.objects.create(campaign=campaign or CampaignFactory(), **values)


def _page(path: str, **params: str) -> str:
    response = Client().get(path, params)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def _json_ld(html: str) -> dict[str, Any]:
    found = JSON_LD.findall(html)
    assert len(found) == 1
    data: dict[str, Any] = json.loads(found[0])
    return data


def _ics(path: str) -> icalendar.Calendar:
    response = Client().get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.events)


def _edited(action: Action, **fields: Any) -> Action:
    """``action`` changed as the organisers' service would: a new SEQUENCE, pages renewed."""
    for name, value in fields.items():
        setattr(action, name, value)
    action.sequence += 1
    action.updated_at = timezone.now()
    action.save()
    public_changed()
    return action


# --- Lists ----------------------------------------------------------------------


def test_upcoming_list_runs_nearest_first_and_past_list_latest_first() -> None:
    """Upcoming: planned or cancelled actions still to come, nearest first; past: the
    rest, latest first, undated ones last by city."""
    campaign = CampaignFactory()
    day = datetime.timedelta(days=1)
    _action(campaign, title="Far rally", starts_at=NOW + 10 * day)
    _action(campaign, title="Near vigil", starts_at=NOW + day)
    _action(campaign, title="Called off", starts_at=NOW + 2 * day, status="CANCELLED")
    _action(campaign, title="Started an hour ago", starts_at=NOW - datetime.timedelta(hours=1))
    _action(campaign, title="Old march", starts_at=NOW - 30 * day)
    _action(campaign, title="Last week", starts_at=NOW - 7 * day, status="HAPPENED")
    _action(campaign, title="Undated Berlin", city="Berlin", starts_at=None, time_zone="")
    _action(campaign, title="Undated Athens", city="Athens", starts_at=None, time_zone="")
    upcoming = _page("/actions/")
    order = ["Started an hour ago", "Near vigil", "Called off", "Far rally"]
    assert sorted(order, key=upcoming.index) == order
    assert "Old march" not in upcoming
    assert "Upcoming solidarity actions" in upcoming
    past = _page("/actions/", when="past")
    order = ["Last week", "Old march", "Undated Athens", "Undated Berlin"]
    assert sorted(order, key=past.index) == order
    assert "Near vigil" not in past
    assert past.count("date not known") == 2


def test_lists_filter_by_country_and_city_and_link_to_each_place() -> None:
    """Filter links name each country and city with its count; a filter lists only there."""
    campaign = CampaignFactory()
    _action(campaign, title="Toronto vigil")
    _action(campaign, title="Montreal picket", city="Montreal", time_zone="America/Toronto")
    _action(campaign, title="London rally", city="London", country="GB", time_zone="Europe/London")
    everywhere = _page("/actions/")
    assert "?when=upcoming&amp;country=CA" in everywhere
    assert "?when=upcoming&amp;country=GB" in everywhere
    assert "Canada" in everywhere
    assert "(2)" in everywhere
    assert "city=Montreal" in everywhere
    canada = _page("/actions/", country="CA")
    assert "Toronto vigil" in canada
    assert "Montreal picket" in canada
    assert "London rally" not in canada
    montreal = _page("/actions/", country="CA", city="Montreal")
    assert "Montreal picket" in montreal
    assert "Toronto vigil" not in montreal
    nowhere = _page("/actions/", city="Lahore")
    assert "No upcoming solidarity action in this place." in nowhere


def test_lists_ignore_bad_parameters() -> None:
    """An unknown ``when``, a malformed country or an overlong city is ignored; a bad
    page number shows a page: never an error."""
    _action(title="Toronto vigil")
    for params in (
        {"when": "tomorrow"},
        {"country": "Canada"},
        {"country": "<b>"},
        {"city": "x" * 150},
        {"page": "-3"},
        {"page": "999"},
        {"page": "abc"},
    ):
        assert "Toronto vigil" in _page("/actions/", **params), params


def test_empty_lists_say_so() -> None:
    """With no action, each list says there is none yet."""
    assert "No solidarity action is planned yet." in _page("/actions/")
    assert "No solidarity action has been recorded yet." in _page("/actions/", when="past")


def test_the_list_is_paged() -> None:
    """Lists show 25 actions a page, with a link to the next."""
    campaign = CampaignFactory()
    for n in range(30):
        _action(campaign, title=f"Vigil {n:02d}", starts_at=NOW + datetime.timedelta(days=n + 1))
    first = _page("/actions/")
    assert first.count("Vigil ") == 25
    assert "page=2" in first
    second = _page("/actions/", page="2")
    assert "Vigil 29" in second
    assert "Vigil 00" not in second


# --- The action page ------------------------------------------------------------


def _toronto_at_six() -> Action:
    organisation = OrganisationFactory(name="Workers Union", slug="workers-union")
    action = _action(
        title="Vigil outside the consulate",
        title_ur="قونصل خانے کے باہر",
        venue="Nathan Phillips Square",
        address="100 Queen St W",
        latitude="43.65250",
        longitude="-79.38390",
        starts_at=datetime.datetime(2027, 6, 5, 18, 0, tzinfo=TORONTO),
        ends_at=datetime.datetime(2027, 6, 5, 20, 0, tzinfo=TORONTO),
        description="Bring placards.",
        accessibility="Step-free access from Queen St.",
    )
    action.organisations.add(organisation)
    return action


def test_action_page_shows_the_place_time_and_its_zone() -> None:
    """An action in Toronto at 18:00 shows 18:00 with its zone named, where, who and
    what for, and links to its calendar file and flyer."""
    action = _toronto_at_six()
    html = _page(f"/actions/{action.pk}/")
    assert "18:00" in html
    assert "America/Toronto" in html
    assert "UTC-04:00" in html
    assert "Nathan Phillips Square" in html
    assert "100 Queen St W" in html
    assert "43.65250, -79.38390" in html
    assert 'href="/organisations/workers-union/"' in html
    assert "Bring placards." in html
    assert "Step-free access" in html
    assert f'href="/actions/{action.pk}/action.ics"' in html
    assert f'href="/actions/{action.pk}/flyer/"' in html
    assert "actions/local-time.js" in html
    assert "Your time:" not in html


def test_action_page_in_urdu_shows_the_urdu_title_and_the_place_time() -> None:
    """The Urdu page shows the Urdu title, right to left, at the place's time."""
    action = _toronto_at_six()
    html = _page(f"/ur/actions/{action.pk}/")
    assert 'lang="ur" dir="rtl"' in html
    assert "قونصل خانے کے باہر" in html
    assert "18:00" in html
    assert "America/Toronto" in html
    assert _json_ld(html)["name"] == "قونصل خانے کے باہر"


def test_the_reader_sees_the_time_in_the_zone_they_choose() -> None:
    """With ``tz=Asia/Karachi`` the page adds Karachi's time (03:00 the next day);
    a zone with the same clock as the place adds nothing."""
    action = _toronto_at_six()
    html = _page(f"/actions/{action.pk}/", tz="Asia/Karachi")
    assert "18:00" in html
    assert "Your time:" in html
    assert "03:00" in html
    assert "Asia/Karachi" in html
    assert 'value="Asia/Karachi"' in html
    same = _page(f"/actions/{action.pk}/", tz="America/New_York")
    assert "Your time:" not in same


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "<script>alert(1)</script>", "x" * 300, "../../etc/passwd", ""]
)
def test_a_bad_time_zone_is_ignored_with_a_note(zone: str) -> None:
    """An unknown ``tz`` never errs: the page shows the place's time and says why it
    ignored the zone, the value escaped."""
    action = _toronto_at_six()
    html = _page(f"/actions/{action.pk}/", tz=zone)
    assert "18:00" in html
    assert "Your time:" not in html
    assert "<script>alert(1)" not in html
    if zone and len(zone) <= 200:
        assert "is not a time zone we know" in html


def test_an_undated_action_says_date_not_known_and_has_no_calendar_file() -> None:
    """An action of unknown date says so, offers no calendar file, and its .ics is 404."""
    action = _action(starts_at=None, time_zone="")
    html = _page(f"/actions/{action.pk}/")
    assert "date not known" in html
    assert f"/actions/{action.pk}/action.ics" not in html
    assert "startDate" not in _json_ld(html)
    assert Client().get(f"/actions/{action.pk}/action.ics").status_code == 404


def test_changes_are_listed_newest_first() -> None:
    """The page lists the action's announced changes with their notes, newest first."""
    action = _toronto_at_six()
    ActionChange.objects.create(
        action=action, kind=ActionChange.Kind.PLACE, note="Moved to the square."
    )
    ActionChange.objects.create(
        action=action,
        kind=ActionChange.Kind.TIME,
        note="An hour later.",
        created_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    html = _page(f"/actions/{action.pk}/")
    assert html.index("An hour later.") < html.index("Moved to the square.")
    assert "Place changed" in html
    assert "Time changed" in html


# --- JSON-LD ----------------------------------------------------------------------


def test_json_ld_is_a_schema_org_event_naming_the_place_and_start() -> None:
    """The page's JSON-LD parses and describes the event: name, start and end with
    their offset, status, offline, the place with its address and coordinates,
    its organisers and its address."""
    action = _toronto_at_six()
    data = _json_ld(_page(f"/actions/{action.pk}/"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Vigil outside the consulate"
    assert data["startDate"] == "2027-06-05T18:00:00-04:00"
    assert data["endDate"] == "2027-06-05T20:00:00-04:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    place = data["location"]
    assert place["@type"] == "Place"
    assert place["name"] == "Nathan Phillips Square"
    assert place["address"]["addressLocality"] == "Toronto"
    assert place["address"]["addressCountry"] == "CA"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 43.6525, "longitude": -79.3839}
    assert data["organizer"] == [
        {
            "@type": "Organization",
            "name": "Workers Union",
            "url": "http://testserver/organisations/workers-union/",
        }
    ]
    assert data["description"] == "Bring placards."
    assert data["url"] == f"http://testserver/actions/{action.pk}/"


def test_no_text_can_close_the_json_ld_script() -> None:
    """A title or description holding ``</script>`` stays inside the JSON-LD, whole."""
    title = 'Rally </script><script>alert("x")</script> & <!-- more'
    action = _action(title=title, description="</SCRIPT> <b>bold</b>")
    html = _page(f"/actions/{action.pk}/")
    assert "<script>alert" not in html
    assert "</SCRIPT>" not in html
    data = _json_ld(html)
    assert data["name"] == title
    assert data["description"] == "</SCRIPT> <b>bold</b>"


# --- Calendars ----------------------------------------------------------------------


def test_the_action_calendar_has_the_place_zone_and_keeps_its_uid_across_edits() -> None:
    """The .ics parses, starts at 18:00 in America/Toronto with its VTIMEZONE, and after
    an edit keeps its UID with a higher SEQUENCE and the new time."""
    action = _toronto_at_six()
    path = f"/actions/{action.pk}/action.ics"
    calendar = _ics(path)
    [event] = _events(calendar)
    assert str(event["UID"]) == f"{action.uid}@habeas"
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "America/Toronto"
    assert event.decoded("DTSTART") == datetime.datetime(2027, 6, 5, 18, 0, tzinfo=TORONTO)
    assert event.decoded("DTEND").hour == 20
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Nathan Phillips Square" in str(event["LOCATION"])
    assert event.decoded("GEO") == (pytest.approx(43.6525), pytest.approx(-79.3839))
    assert str(event["URL"]) == f"http://testserver/actions/{action.pk}/"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["America/Toronto"]
    _edited(
        action,
        title="Vigil, one hour later",
        starts_at=datetime.datetime(2027, 6, 5, 19, 0, tzinfo=TORONTO),
        ends_at=None,
    )
    [again] = _events(_ics(path))
    assert str(again["UID"]) == f"{action.uid}@habeas"
    assert again["SEQUENCE"] == 1
    assert str(again["SUMMARY"]) == "Vigil, one hour later"
    assert again.decoded("DTSTART").hour == 19


def test_the_campaign_calendar_holds_its_dated_actions_only() -> None:
    """The campaign's feed has one event per dated action, each with its own zone;
    undated actions and other campaigns' are left out."""
    campaign = CampaignFactory(slug="free-them")
    toronto = _action(campaign, title="Toronto vigil")
    london = _action(
        campaign, title="London rally", city="London", country="GB", time_zone="Europe/London"
    )
    _action(campaign, title="Undated", starts_at=None, time_zone="")
    _action(title="Another campaign's")
    calendar = _ics("/actions/campaign/free-them/actions.ics")
    uids = {str(event["UID"]) for event in _events(calendar)}
    assert uids == {f"{toronto.uid}@habeas", f"{london.uid}@habeas"}
    zones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    assert zones == {"America/Toronto", "Europe/London"}
    assert Client().get("/actions/campaign/no-such/actions.ics").status_code == 404


def test_a_cancelled_action_says_so_everywhere() -> None:
    """A cancelled action says so prominently, in its JSON-LD, its calendar and the list."""
    action = _toronto_at_six()
    _edited(action, status=Action.Status.CANCELLED, cancelled_at=timezone.now())
    html = _page(f"/actions/{action.pk}/")
    assert "This action has been cancelled." in html
    assert _json_ld(html)["eventStatus"] == "https://schema.org/EventCancelled"
    [event] = _events(_ics(f"/actions/{action.pk}/action.ics"))
    assert str(event["STATUS"]) == "CANCELLED"
    listed = _page("/actions/")
    assert "Vigil outside the consulate" in listed
    assert "Cancelled" in listed
    assert "Cancelled" in _page(f"/actions/{action.pk}/flyer/")


# --- Visibility -----------------------------------------------------------------------


def test_a_draft_campaigns_actions_are_nowhere() -> None:
    """A draft campaign's action is on no list and every page of it is 404, to visitors
    and signed-in users alike."""
    draft = CampaignFactory(slug="secret", status=Campaign.Status.DRAFT)
    action = _action(draft, title="Secret vigil")
    _action(draft, title="Secret old vigil", starts_at=NOW - datetime.timedelta(days=9))
    for when in ("upcoming", "past"):
        assert "Secret" not in _page("/actions/", when=when)
    assert "Toronto" not in _page("/actions/")
    signed_in = sign_in(Client(), UserFactory())
    for client in (Client(), signed_in):
        for path in (
            f"/actions/{action.pk}/",
            f"/ur/actions/{action.pk}/",
            f"/actions/{action.pk}/flyer/",
            f"/actions/{action.pk}/action.ics",
            "/actions/campaign/secret/actions.ics",
        ):
            assert client.get(path).status_code == 404, path


@pytest.mark.parametrize(
    "path",
    [
        "/actions/999999/",
        "/actions/0/",
        "/actions/999999/flyer/",
        "/actions/999999/action.ics",
        "/actions/abc/",
        "/actions/99999999999999999999999/",
    ],
)
def test_unknown_actions_are_404(path: str) -> None:
    """An unknown or malformed id answers 404."""
    assert Client().get(path).status_code == 404


# --- Flyer ----------------------------------------------------------------------------


def _common_demand(campaign: Campaign) -> Demand:
    organisation = OrganisationFactory()
    member(campaign, organisation)
    demand = Demand.objects.create(
        campaign=campaign,
        proposed_by=organisation,
        text="Free every political prisoner",
        text_ur="تمام سیاسی قیدیوں کو رہا کرو",
    )
    Position.objects.create(
        demand=demand, organisation=organisation, stance=Position.Stance.ENDORSES, version=1
    )
    return demand


def test_the_flyer_shows_what_when_where_who_demands_and_address() -> None:
    """The flyer is one printable page with the title, time, place, organisers, the
    campaign's common demands and the page's address, in English and Urdu."""
    action = _toronto_at_six()
    _common_demand(action.campaign)
    public_changed()
    english = _page(f"/actions/{action.pk}/flyer/")
    for text in (
        "Vigil outside the consulate",
        "18:00",
        "America/Toronto",
        "Nathan Phillips Square",
        "Workers Union",
        "Free every political prisoner",
        f"http://testserver/actions/{action.pk}/",
        "actions/flyer.css",
        "<svg",
    ):
        assert text in english, text
    urdu = _page(f"/ur/actions/{action.pk}/flyer/")
    assert "قونصل خانے کے باہر" in urdu
    assert "تمام سیاسی قیدیوں کو رہا کرو" in urdu
    assert 'dir="rtl"' in urdu


# --- Home, campaign, demo ------------------------------------------------------------


def test_the_campaign_page_lists_upcoming_nearest_first_then_past() -> None:
    """The campaign's section lists upcoming actions nearest first with their place's
    time and city, then past ones, each linking to its page, and links to the lists."""
    campaign = CampaignFactory(slug="free-them")
    later = _action(campaign, title="Later vigil", starts_at=NOW + datetime.timedelta(days=9))
    sooner = _action(campaign, title="Sooner rally", starts_at=NOW + datetime.timedelta(days=2))
    old = _action(campaign, title="Old march", starts_at=NOW - datetime.timedelta(days=40))
    html = _page("/campaigns/free-them/")
    order = ["Sooner rally", "Later vigil", "Old march"]
    assert sorted(order, key=html.index) == order
    for action in (later, sooner, old):
        assert f'href="/actions/{action.pk}/"' in html
    assert 'href="/actions/"' in html
    assert 'href="/actions/campaign/free-them/actions.ics"' in html
    assert "America/Toronto" in html


def test_the_site_nav_links_to_the_actions() -> None:
    """Every page's navigation links to the list of actions."""
    html = _page("/")
    nav = html[html.index('class="site-nav"') :]
    assert 'href="/actions/"' in nav[: nav.index("</nav>")]


def test_the_demo_cities_are_past_protests_of_unknown_date(demo: None) -> None:
    """The demo's four cities are past protests, date not known, organised by the RCI and
    the Spartacist League/Britain, citing the letter; loading again adds none."""
    actions = list(Action.objects.order_by("city"))
    assert [(a.city, a.country) for a in actions] == [
        ("Berlin", "DE"),
        ("London", "GB"),
        ("New York", "US"),
        ("Toronto", "CA"),
    ]
    assert {a.status for a in actions} == {Action.Status.HAPPENED}
    assert {a.kind for a in actions} == {Action.Kind.PROTEST}
    assert all(a.starts_at is None and a.source_id for a in actions)
    load_demo()
    assert Action.objects.count() == 4
    past = _page("/actions/", when="past")
    for city in ("London", "New York", "Berlin", "Toronto"):
        assert city in past
    assert past.count("date not known") == 4
    assert "No solidarity action is planned yet." in _page("/actions/")
    london = Action.objects.get(city="London")
    page = _page(f"/actions/{london.pk}/")
    assert "date not known" in page
    assert "Happened" in page
    assert page.count('href="/organisations/') >= 2
    assert "Open Letter" in page or "open letter" in page.lower()
    assert "تاریخ معلوم نہیں" in _page(f"/ur/actions/{london.pk}/")
    home = _page("/")
    assert home.count("date not known") == 4


# --- Cache and cost -----------------------------------------------------------------------


def test_the_public_action_pages_are_kept_for_visitors() -> None:
    """Each public action page is served from the page cache on a repeat visit."""
    action = _toronto_at_six()
    CampaignFactory(slug="free-them")
    for path in (
        "/actions/",
        "/ur/actions/",
        "/actions/?when=past&country=CA",
        f"/actions/{action.pk}/",
        f"/actions/{action.pk}/?tz=Asia/Karachi",
        f"/ur/actions/{action.pk}/",
        f"/actions/{action.pk}/flyer/",
        f"/actions/{action.pk}/action.ics",
        f"/actions/campaign/{action.campaign.slug}/actions.ics",
    ):
        visit(path)


def test_an_edit_shows_on_the_next_visit() -> None:
    """After the organisers' change (which renews public pages), the page shows it."""
    action = _toronto_at_six()
    assert "Vigil outside the consulate" in visit(f"/actions/{action.pk}/")
    _edited(action, title="Vigil moved to Sunday")
    assert "Vigil moved to Sunday" in visit(f"/actions/{action.pk}/")


def _queries(path: str) -> int:
    forget_pages()
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(path)
    assert response.status_code == 200
    return len(page_queries(queries.captured_queries))


def test_list_and_campaign_pages_cost_the_same_however_many_actions() -> None:
    """The lists and the campaign and home pages take as many queries with 60 actions
    (each with an organiser; more than any list shows) as with 120."""
    campaign = CampaignFactory(slug="free-them")
    organisation = OrganisationFactory()

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            action = _action(
                campaign,
                title=f"Vigil {n}",
                city=f"City {n}",
                starts_at=NOW + datetime.timedelta(days=n + 1 if n % 2 else -n - 1),
            )
            action.organisations.add(organisation)

    add(0, 60)
    paths = ["/actions/", "/actions/?when=past", "/campaigns/free-them/", "/"]
    few = [_queries(path) for path in paths]
    add(60, 120)
    assert [_queries(path) for path in paths] == few


@pytest.mark.django_db
def test_organisers_reach_their_pages_from_the_action_page() -> None:
    """An organiser's editor finds "edit" and "cancel" on the action page; an
    editor of another organisation, a coordinator and a visitor do not."""
    from habeas.coalition.models import Role
    from tests.factories import grant

    campaign = CampaignFactory()
    ours, theirs = OrganisationFactory(), OrganisationFactory()
    member(campaign, ours)
    member(campaign, theirs)
    action = _action(campaign)
    action.organisations.add(ours)
    editor, other, coordinator = UserFactory(), UserFactory(), UserFactory()
    grant(editor, Role.ORG_EDITOR, organisation=ours)
    grant(other, Role.ORG_EDITOR, organisation=theirs)
    grant(coordinator, Role.COORDINATOR, campaign=campaign)
    edit = f"/actions/{action.pk}/edit/"
    cancel = f"/actions/{action.pk}/cancel/"
    html = sign_in(Client(), editor).get(f"/actions/{action.pk}/").content.decode()
    assert edit in html
    assert cancel in html
    for user in (other, coordinator):
        html = sign_in(Client(), user).get(f"/actions/{action.pk}/").content.decode()
        assert edit not in html
        assert cancel not in html
    assert edit not in _page(f"/actions/{action.pk}/")

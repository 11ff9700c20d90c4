"""Organisers plan, edit, cancel and close actions; changes reach those coming by mail."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from habeas.actions.models import Action, ActionChange, Photo, Report, Rsvp
from habeas.actions.services import actions as services
from habeas.actions.tasks.changes import announce_change
from habeas.actions.tokens import rsvp_for_token
from habeas.coalition.admin import site
from habeas.coalition.models import Campaign, CampaignMembership, Organisation, Role
from tests.conftest import Mailbox
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    grant,
    member,
    sign_in,
)

BERLIN = "Europe/Berlin"
# 18:00 to 20:00 in Berlin on a summer evening: 16:00 to 18:00 UTC.
STARTS = datetime.datetime(2030, 6, 14, 16, tzinfo=datetime.UTC)
ENDS = datetime.datetime(2030, 6, 14, 18, tzinfo=datetime.UTC)


@dataclass
class World:
    """``a`` and ``b`` are members of ``campaign``; ``c`` only of ``other_campaign``."""

    campaign: Campaign
    other_campaign: Campaign
    a: Organisation
    b: Organisation
    c: Organisation
    users: dict[str, Any] = field(default_factory=dict)

    def client(self, name: str) -> Client:
        if name == "anonymous":
            return Client()
        return sign_in(Client(), self.users[name])

    def action(self, *, organisations: list[Organisation] | None = None, **fields: Any) -> Action:
        values: dict[str, Any] = {
            "title": "Vigil for the prisoners",
            "city": "Berlin",
            "country": "DE",
            "venue": "Brandenburger Tor",
            "address": "Pariser Platz",
            "latitude": "52.51627",
            "longitude": "13.37770",
            "kind": Action.Kind.VIGIL,
            "description": "Bring candles.",
            "accessibility": "Step-free.",
            "starts_at": STARTS,
            "ends_at": ENDS,
            "time_zone": BERLIN,
        }
        values.update(fields)
        return services.action_create(
            by=self.users["editor_a"],
            campaign=values.pop("campaign", self.campaign),
            organisations=organisations or [self.a],
            **values,
        )


def make_world() -> World:
    campaign = CampaignFactory(slug="free-them")
    other_campaign = CampaignFactory()
    a = OrganisationFactory(name="Workers Union")
    b = OrganisationFactory(name="Students Front")
    c = OrganisationFactory(name="Faraway Party")
    member(campaign, a)
    member(campaign, b)
    member(other_campaign, c)
    world = World(campaign=campaign, other_campaign=other_campaign, a=a, b=b, c=c)
    roles: dict[str, list[tuple[str, dict[str, Any]]]] = {
        "editor_a": [(Role.ORG_EDITOR, {"organisation": a})],
        "admin_a": [(Role.ORG_ADMIN, {"organisation": a})],
        "editor_b": [(Role.ORG_EDITOR, {"organisation": b})],
        "editor_ac": [
            (Role.ORG_EDITOR, {"organisation": a}),
            (Role.ORG_EDITOR, {"organisation": c}),
        ],
        "coordinator": [(Role.COORDINATOR, {"campaign": campaign})],
        "site_admin": [(Role.SITE_ADMIN, {})],
    }
    for name, grants in roles.items():
        user = UserFactory(username=name)
        for role, scope in grants:
            grant(user, role, **scope)
        world.users[name] = user
    world.users["stranger"] = UserFactory(username="stranger")
    return world


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def form_data(world: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisations": [world.a.pk],
        "title": "Vigil for the prisoners",
        "title_ur": "",
        "kind": Action.Kind.VIGIL,
        "city": "Berlin",
        "country": "Germany",
        "venue": "Brandenburger Tor",
        "address": "Pariser Platz",
        "latitude": "52.51627",
        "longitude": "13.37770",
        "time_zone": BERLIN,
        "starts_at": "2030-06-14T18:00",
        "ends_at": "2030-06-14T20:00",
        "description": "Bring candles.",
        "description_ur": "",
        "accessibility": "Step-free.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def messages_of(response: Any) -> list[str]:
    """The messages the response added (earlier ones wait unread in the cookie)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1:]


# --- Who reaches which page ------------------------------------------------------

OUTSIDERS = ["stranger", "editor_b", "coordinator", "site_admin"]


def urls(action: Action) -> list[str]:
    return [
        f"/actions/{action.pk}/edit/",
        f"/actions/{action.pk}/cancel/",
        f"/actions/{action.pk}/happened/",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    """Every organisers' page asks an anonymous visitor to sign in, and changes nothing."""
    action = world.action()
    for url in ["/actions/mine/", "/actions/new/", *urls(action)]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")
        assert Client().post(url, form_data(world)).status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.PLANNED
    assert action.sequence == 0
    assert Action.objects.count() == 1


@pytest.mark.parametrize("name", OUTSIDERS)
def test_no_one_but_the_organisers_editors_reaches_an_action(world: World, name: str) -> None:
    """Another organisation's editor, the campaign's coordinator, a site admin and a
    person with no role get 403 on every page of an action, GET and POST alike."""
    action = world.action()
    client = world.client(name)
    for url in urls(action):
        assert client.get(url).status_code == 403, url
        assert client.post(url, form_data(world, title="Changed", note="x")).status_code == 403
    action.refresh_from_db()
    assert (action.title, action.status, action.sequence) == (
        "Vigil for the prisoners",
        Action.Status.PLANNED,
        0,
    )
    assert not ActionChange.objects.exists()


@pytest.mark.parametrize("name", ["stranger", "coordinator", "site_admin"])
def test_only_editors_may_organise(world: World, name: str) -> None:
    """Who edits for no organisation cannot open the form; their list is empty, with no
    link to organise."""
    client = world.client(name)
    page = client.get("/actions/new/")
    assert page.status_code == 200
    assert "Only an editor or admin of an organisation" in page.content.decode()
    assert "Save the action" not in page.content.decode()
    refused = client.post("/actions/new/?campaign=free-them", form_data(world))
    assert refused.status_code == 400
    mine = client.get("/actions/mine/")
    assert mine.status_code == 200
    assert "Your organisations have organised no action yet." in mine.content.decode()
    assert "/actions/new/" not in mine.content.decode()
    assert not Action.objects.exists()


def test_an_editor_of_a_campaign_it_is_not_in_gets_404(world: World) -> None:
    """A campaign none of the user's organisations is in is no choice: 404."""
    client = world.client("editor_b")
    slug = world.other_campaign.slug
    assert client.get(f"/actions/new/?campaign={slug}").status_code == 404
    assert client.get("/actions/new/?campaign=nothing").status_code == 404


def test_a_draft_campaigns_action_is_unknown_to_outsiders(world: World) -> None:
    """Outsiders learn nothing of a draft campaign's action: the same 404 as none."""
    world.campaign.status = Campaign.Status.DRAFT
    world.campaign.save()
    action = world.action()
    for url in urls(action):
        assert world.client("stranger").get(url).status_code == 404
    assert world.client("editor_a").get(f"/actions/{action.pk}/edit/").status_code == 200
    assert world.client("stranger").get("/actions/999999/edit/").status_code == 404


# --- Creating -----------------------------------------------------------------------


def test_an_editor_plans_an_action_in_the_places_time(world: World) -> None:
    """The times are read on the place's clock and stored in UTC; the country may be named."""
    client = world.client("editor_a")
    page = client.get("/actions/new/?campaign=free-them")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="datetime-local"' in html
    assert '<option value="Asia/Karachi">' in html
    assert "Faraway Party" not in html  # not a member of this campaign
    response = client.post("/actions/new/?campaign=free-them", form_data(world))
    assert response.status_code == 302
    assert response["Location"] == "/actions/mine/"
    assert messages_of(response) == ["Action saved. Those coming can now say so."]
    action = Action.objects.get()
    assert action.campaign == world.campaign
    assert action.starts_at == STARTS
    assert action.ends_at == ENDS
    assert action.starts_at.utcoffset() == datetime.timedelta(0)
    assert action.country == "DE"
    assert action.latitude == Decimal("52.51627")
    assert list(action.organisations.all()) == [world.a]
    assert action.created_by == world.users["editor_a"]
    mine = client.get("/actions/mine/").content.decode()
    assert "Vigil for the prisoners" in mine
    assert f"/actions/{action.pk}/edit/" in mine
    assert f"/actions/{action.pk}/cancel/" in mine
    assert "6 p.m." in mine  # the place's time, not UTC's 4 p.m.


def test_the_campaign_may_be_chosen_on_the_form(world: World) -> None:
    """Without ?campaign= the form offers the open campaigns the user's organisations are in."""
    client = world.client("editor_ac")
    html = client.get("/actions/new/").content.decode()
    assert world.campaign.title in html
    assert world.other_campaign.title in html
    response = client.post(
        "/actions/new/",
        form_data(world, campaign=world.other_campaign.pk, organisations=[world.c.pk]),
    )
    assert response.status_code == 302
    assert Action.objects.get().campaign == world.other_campaign


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"starts_at": "2030-06-14T20:00", "ends_at": "2030-06-14T18:00"},
            "ends_at",
            "The action must end after it starts.",
        ),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "We do not know this time zone."),
        ({"time_zone": ""}, "time_zone", "Say in which time zone the action takes place."),
        ({"latitude": "95"}, "latitude", "A number from -90 to 90, please."),
        ({"longitude": "-181"}, "longitude", "A number from -180 to 180, please."),
        ({"longitude": ""}, "longitude", "Give both the latitude and the longitude, or neither."),
        ({"country": "Atlantis"}, "country", "We do not know this country."),
        ({"starts_at": "tomorrow"}, "starts_at", "Write a date and time"),
        (
            {"time_zone": "Europe/London", "starts_at": "2030-03-31T01:30", "ends_at": ""},
            "starts_at",
            "The clocks skip this time",
        ),
        ({"title": "   "}, "title", "This field is required."),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    world: World, changes: dict[str, str], field: str, message: str
) -> None:
    """Each bad field gets a clear error beside it, a 400, and nothing is stored."""
    response = world.client("editor_a").post(
        "/actions/new/?campaign=free-them", form_data(world, **changes)
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in error for error in errors.get(field, [])), errors
    assert not Action.objects.exists()


def test_an_organisation_outside_the_campaign_cannot_organise_in_it(world: World) -> None:
    """Naming an organisation that is not a member: a clear error, nothing stored."""
    response = world.client("editor_ac").post(
        "/actions/new/", form_data(world, campaign=world.campaign.pk, organisations=[world.c.pk])
    )
    assert response.status_code == 400
    assert "Faraway Party is not a member of this campaign." in response.content.decode()
    assert not Action.objects.exists()


def test_an_organisation_that_left_the_campaign_cannot_organise_in_it(world: World) -> None:
    """A former member is refused, in plain words."""
    CampaignMembership.objects.filter(organisation=world.a).update(
        status=CampaignMembership.Status.LEFT
    )
    with pytest.raises(ValidationError) as refused:
        world.action()
    assert "has left this campaign" in str(refused.value.message_dict["organisations"])
    assert not Action.objects.exists()


def test_a_draft_campaign_takes_actions_a_closed_one_does_not(world: World) -> None:
    """Drafts may prepare actions (the public pages hide them); a closed campaign takes none."""
    world.campaign.status = Campaign.Status.DRAFT
    world.campaign.save()
    assert world.action().campaign == world.campaign
    world.campaign.status = Campaign.Status.CLOSED
    world.campaign.save()
    with pytest.raises(ValidationError) as refused:
        world.action()
    assert "campaign" in refused.value.message_dict


@pytest.mark.parametrize("name", ["editor_b", "coordinator", "site_admin", "stranger"])
def test_the_service_refuses_to_organise_in_anothers_name(world: World, name: str) -> None:
    """Only an organisation's own editors organise in its name, whoever calls the service."""
    with pytest.raises(PermissionDenied):
        services.action_create(
            by=world.users[name],
            campaign=world.campaign,
            organisations=[world.a],
            title="Rally",
            city="London",
            country="GB",
        )
    with pytest.raises(PermissionDenied):
        services.action_create(
            by=world.users["editor_a"],
            campaign=world.campaign,
            organisations=[world.a, world.b],
            title="Rally",
            city="London",
            country="GB",
        )
    assert not Action.objects.exists()


def test_the_service_checks_every_field(world: World) -> None:
    """A naive time, one coordinate, an unknown code and an end without a start: each
    named at once."""
    with pytest.raises(ValidationError) as refused:
        services.action_create(
            by=world.users["editor_a"],
            campaign=world.campaign,
            organisations=[world.a],
            title="Rally",
            city="London",
            country="XX",
            latitude="51.5",
            starts_at=datetime.datetime(2030, 6, 14, 18),  # noqa: DTZ001
            time_zone="Europe/London",
        )
    assert set(refused.value.message_dict) == {"country", "longitude", "starts_at"}
    with pytest.raises(ValidationError) as refused:
        world.action(time_zone="Mars/Olympus_Mons")
    assert "We do not know this time zone." in refused.value.message_dict["time_zone"][0]
    with pytest.raises(ValidationError) as refused:
        services.action_create(
            by=world.users["editor_a"],
            campaign=world.campaign,
            organisations=[],
            title="Rally",
            city="London",
            country="GB",
        )
    assert "organisations" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        world.action(starts_at=None, ends_at=ENDS)
    assert "starts_at" in refused.value.message_dict
    assert not Action.objects.exists()


# --- Editing --------------------------------------------------------------------------


def test_an_edit_keeps_the_uid_and_raises_the_sequence(world: World) -> None:
    """Calendars see the same event, changed: same UID, a higher SEQUENCE."""
    action = world.action()
    uid = action.uid
    client = world.client("editor_a")
    page = client.get(f"/actions/{action.pk}/edit/")
    assert page.status_code == 200
    assert 'value="2030-06-14T18:00"' in page.content.decode()  # shown on the place's clock
    response = client.post(
        f"/actions/{action.pk}/edit/", form_data(world, title="Candle vigil", note="")
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Action saved."]
    action.refresh_from_db()
    assert action.title == "Candle vigil"
    assert action.uid == uid
    assert action.sequence == 1
    assert action.updated_at > action.created_at
    # Only the words changed: nothing to announce.
    assert not ActionChange.objects.exists()
    # Saving again with nothing changed changes nothing.
    client.post(f"/actions/{action.pk}/edit/", form_data(world, title="Candle vigil"))
    action.refresh_from_db()
    assert action.sequence == 1


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({"starts_at": "2030-06-15T18:00", "ends_at": "2030-06-15T20:00"}, "TIME"),
        ({"venue": "Alexanderplatz"}, "PLACE"),
        ({"latitude": "52.52000", "longitude": "13.41000"}, "PLACE"),
        ({"starts_at": "2030-06-14T19:00", "city": "Potsdam"}, "TIME_AND_PLACE"),
    ],
)
def test_a_change_of_time_or_place_is_recorded(
    world: World, changes: dict[str, str], kind: str, django_capture_on_commit_callbacks: Any
) -> None:
    """A planned action's new time or place is recorded with the note, to announce."""
    action = world.action()
    with django_capture_on_commit_callbacks() as callbacks:
        world.client("editor_a").post(
            f"/actions/{action.pk}/edit/",
            form_data(world, note="The square is closed.", **changes),
        )
    change = ActionChange.objects.get()
    assert change.kind == kind
    assert change.note == "The square is closed."
    assert change.created_by == world.users["editor_a"]
    assert change.announced_at is None
    assert len(callbacks) >= 1


def test_an_editor_never_drops_another_organisation(world: World) -> None:
    """The anti-censorship rule: ``b`` stays an organiser whatever ``a``'s editor sends."""
    action = world.action(organisations=[world.a])
    action.organisations.add(world.b)  # as if b's editor had joined it
    client = world.client("editor_a")
    html = client.get(f"/actions/{action.pk}/edit/").content.decode()
    assert "Also organised by" in html
    assert "Students Front" in html
    # The form offers only a; b's id is no valid choice.
    response = client.post(
        f"/actions/{action.pk}/edit/", form_data(world, organisations=[world.a.pk, world.b.pk])
    )
    assert response.status_code == 400
    # Keeping a alone, with a new title, keeps b too.
    response = client.post(f"/actions/{action.pk}/edit/", form_data(world, title="Rally"))
    assert response.status_code == 302
    assert set(action.organisations.all()) == {world.a, world.b}
    # The service refuses a list that drops an organisation the editor does not speak for.
    fields: dict[str, Any] = {"title": "Vigil", "city": "Berlin", "country": "DE"}
    with pytest.raises(PermissionDenied):
        services.action_edit(
            action=action, by=world.users["editor_a"], organisations=[world.a], **fields
        )
    assert set(action.organisations.all()) == {world.a, world.b}
    # Unticking a leaves b organising alone.
    client.post(f"/actions/{action.pk}/edit/", form_data(world, organisations=[]))
    assert set(action.organisations.all()) == {world.b}
    # Nor may b's editor put a back, or add c.
    with pytest.raises(PermissionDenied):
        services.action_edit(
            action=action, by=world.users["editor_b"], organisations=[world.a], **fields
        )
    with pytest.raises(PermissionDenied):
        services.action_edit(
            action=action, by=world.users["editor_b"], organisations=[world.b, world.c], **fields
        )
    assert set(action.organisations.all()) == {world.b}


def test_no_organiser_left_is_refused(world: World) -> None:
    """An action keeps at least one organiser."""
    action = world.action()
    response = world.client("editor_a").post(
        f"/actions/{action.pk}/edit/", form_data(world, organisations=[])
    )
    assert response.status_code == 400
    assert "Name at least one organising organisation." in response.content.decode()
    assert list(action.organisations.all()) == [world.a]


@pytest.mark.parametrize("name", ["editor_b", "coordinator", "site_admin", "stranger"])
def test_the_service_refuses_outsiders_edits_and_cancellations(world: World, name: str) -> None:
    """Another organisation, a coordinator and a site admin change nothing, by any road."""
    action = world.action()
    with pytest.raises(PermissionDenied):
        services.action_edit(
            action=action,
            by=world.users[name],
            organisations=[world.a],
            title="Taken over",
            city="Berlin",
            country="DE",
        )
    with pytest.raises(PermissionDenied):
        services.action_cancel(action=action, by=world.users[name], note="")
    with pytest.raises(PermissionDenied):
        services.action_mark_happened(action=action, by=world.users[name])
    action.refresh_from_db()
    assert (action.title, action.status) == ("Vigil for the prisoners", Action.Status.PLANNED)


def test_an_organisation_admin_may_edit(world: World) -> None:
    """An admin of the organising organisation edits like its editors."""
    action = world.action()
    response = world.client("admin_a").post(
        f"/actions/{action.pk}/edit/", form_data(world, title="Rally")
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Rally"


# --- Cancelling and closing -----------------------------------------------------------


def test_cancelling_asks_first_then_cancels(world: World) -> None:
    """The page asks, with a note box; the POST cancels, raises the sequence, records it."""
    action = world.action()
    client = world.client("editor_a")
    page = client.get(f"/actions/{action.pk}/cancel/")
    assert page.status_code == 200
    assert 'name="note"' in page.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.PLANNED
    response = client.post(f"/actions/{action.pk}/cancel/", {"note": "Police banned it."})
    assert response.status_code == 302
    assert response["Location"] == "/actions/mine/"
    assert messages_of(response) == [
        "Cancelled. Those who gave an address are being told by e-mail."
    ]
    action.refresh_from_db()
    assert action.status == Action.Status.CANCELLED
    assert action.cancelled_at is not None
    assert action.sequence == 1
    change = ActionChange.objects.get()
    assert (change.kind, change.note) == (ActionChange.Kind.CANCELLED, "Police banned it.")
    # Twice is refused with a message, nothing more recorded.
    again = client.post(f"/actions/{action.pk}/cancel/", {"note": ""})
    assert messages_of(again) == ["Only a planned action can be cancelled."]
    assert client.get(f"/actions/{action.pk}/cancel/").status_code == 302
    assert client.get(f"/actions/{action.pk}/happened/").status_code == 302
    assert ActionChange.objects.count() == 1
    with pytest.raises(ValidationError, match="already cancelled"):
        services.action_cancel(action=action, by=world.users["editor_a"], note="")


def test_the_pages_speak_urdu(world: World) -> None:
    """Under /ur/ the organisers' pages answer in Urdu, right to left."""
    action = world.action()
    client = world.client("editor_a")
    for path in ("/ur/actions/mine/", "/ur/actions/new/", f"/ur/actions/{action.pk}/edit/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'dir="rtl"' in response.content.decode()


def test_a_cancelled_action_cannot_be_edited(world: World) -> None:
    """Editing a cancelled action is refused with a clear message; nothing changes."""
    action = world.action()
    services.action_cancel(action=action, by=world.users["editor_a"], note="")
    client = world.client("editor_a")
    for response in (
        client.get(f"/actions/{action.pk}/edit/"),
        client.post(f"/actions/{action.pk}/edit/", form_data(world, title="Back on")),
    ):
        assert response.status_code == 302
        assert messages_of(response) == ["This action was cancelled: it can no longer be changed."]
    with pytest.raises(ValidationError, match="cancelled"):
        services.action_edit(
            action=action,
            by=world.users["editor_a"],
            organisations=[world.a],
            title="Back on",
            city="Berlin",
            country="DE",
        )
    action.refresh_from_db()
    assert action.title == "Vigil for the prisoners"
    assert action.sequence == 1
    assert f"/actions/{action.pk}/edit/" not in client.get("/actions/mine/").content.decode()


def test_an_action_is_marked_as_happened_once_it_started(world: World) -> None:
    """A future action has not happened; a past one may be marked so, once."""
    future = world.action()
    client = world.client("editor_a")
    response = client.post(f"/actions/{future.pk}/happened/")
    assert messages_of(response) == ["This action has not started yet."]
    past = world.action(
        starts_at=datetime.datetime(2020, 6, 14, 16, tzinfo=datetime.UTC), ends_at=None
    )
    assert client.get(f"/actions/{past.pk}/happened/").status_code == 200
    response = client.post(f"/actions/{past.pk}/happened/")
    assert messages_of(response) == ["Marked as happened: it is listed among past actions."]
    past.refresh_from_db()
    assert past.status == Action.Status.HAPPENED
    with pytest.raises(ValidationError):
        services.action_cancel(action=past, by=world.users["editor_a"], note="")


# --- The organisers' list ----------------------------------------------------------------


def test_the_list_shows_actions_to_come_first(world: World) -> None:
    """Actions to come, nearest first; then past ones, latest first; undated last.
    Another organisation's actions are not listed."""
    client = world.client("editor_a")
    now = timezone.now()
    for title, starts in (
        ("Far", now + datetime.timedelta(days=30)),
        ("Long ago", now - datetime.timedelta(days=300)),
        ("Undated", None),
        ("Soon", now + datetime.timedelta(days=2)),
        ("Last week", now - datetime.timedelta(days=7)),
    ):
        world.action(title=title, starts_at=starts, ends_at=None)
    services.action_create(
        by=world.users["editor_b"],
        campaign=world.campaign,
        organisations=[world.b],
        title="Theirs",
        city="Lahore",
        country="PK",
    )
    html = client.get("/actions/mine/").content.decode()
    order = ["Soon", "Far", "Last week", "Long ago", "Undated"]
    assert sorted(order, key=html.index) == order
    assert "Theirs" not in html
    assert client.get("/actions/mine/?actions=abc").status_code == 200


def test_the_roles_page_links_editors_to_their_actions(world: World) -> None:
    """Editors and admins find their actions from their roles page; others see no link."""
    for name in ("editor_a", "admin_a"):
        assert "/actions/mine/" in world.client(name).get("/accounts/").content.decode()
    for name in ("coordinator", "stranger"):
        assert "/actions/mine/" not in world.client(name).get("/accounts/").content.decode()


def test_the_admin_shows_actions_read_only_and_no_rsvp(world: World) -> None:
    """The admin changes no organisation's action, report or photo, and lists no RSVP."""
    assert Rsvp not in site._registry
    request = RequestFactory().get("/admin/")
    request.user = world.users["site_admin"]
    for model in (Action, ActionChange, Report, Photo):
        model_admin = site._registry[model]
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_delete_permission(request)
    action = world.action()
    client = world.client("site_admin")
    page = client.get(f"/admin/actions/action/{action.pk}/change/")
    assert page.status_code == 200
    assert client.get("/admin/actions/rsvp/").status_code == 404


# --- Announcements by mail ---------------------------------------------------------------


def run_worker() -> None:
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )


def body_of(message: Any) -> str:
    return str(message.get_payload(decode=True).decode())


def rsvps(action: Action) -> dict[str, Rsvp]:
    return {
        "english": Rsvp.objects.create(action=action, email="ann@example.org", language="en"),
        "urdu": Rsvp.objects.create(
            action=action, name="Bilal", email="bilal@example.org", language="ur"
        ),
        "no_address": Rsvp.objects.create(action=action, language="en"),
        "withdrawn": Rsvp.objects.create(
            action=action,
            email="gone@example.org",
            language="en",
            cancelled_at=timezone.now(),
        ),
    }


def link_in(body: str, prefix: str) -> str:
    found = re.search(rf"http://testserver{prefix}/actions/rsvp/([^/\s]+)/", body)
    assert found, body
    return found.group(1)


@pytest.mark.django_db(transaction=True)
def test_a_new_time_is_mailed_to_those_coming_in_their_language(smtp_server: Mailbox) -> None:
    """Everyone coming who gave an address hears of the new time, in the place's time and
    their own language, with the link to their RSVP; nobody else is mailed, and once only."""
    world = make_world()
    action = world.action(title_ur="قیدیوں کے لیے شمع")
    people = rsvps(action)
    response = world.client("editor_a").post(
        f"/actions/{action.pk}/edit/",
        form_data(
            world,
            title_ur="قیدیوں کے لیے شمع",
            starts_at="2030-06-21T19:30",
            ends_at="2030-06-21T21:00",
            note="A week later, at dusk.",
        ),
    )
    assert response.status_code == 302
    assert smtp_server.messages == []  # only the worker mails
    run_worker()
    by_address = {message["To"]: message for message in smtp_server.messages}
    assert set(by_address) == {"ann@example.org", "bilal@example.org"}
    english = by_address["ann@example.org"]
    assert english["Subject"] == "Changed: Vigil for the prisoners"
    body = body_of(english)
    assert "New time: June 21, 2030, 7:30 p.m. to June 21, 2030, 9 p.m." in body
    assert "Europe/Berlin" in body
    assert "A week later, at dusk." in body
    assert "New place" not in body
    assert rsvp_for_token(link_in(body, "")) == people["english"]
    urdu = by_address["bilal@example.org"]
    urdu_body = body_of(urdu)
    assert "قیدیوں کے لیے شمع" in str(make_header(decode_header(urdu["Subject"])))
    assert "جون" in urdu_body  # June, as Urdu names it
    assert rsvp_for_token(link_in(urdu_body, "/ur")) == people["urdu"]
    assert "A week later, at dusk." in urdu_body
    change = ActionChange.objects.get()
    assert change.announced_at is not None
    # Run again: nothing more is sent.
    assert announce_change.call(change_id=change.pk) == 0
    run_worker()
    assert len(smtp_server.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_a_cancellation_is_mailed_with_the_organisers_note(
    smtp_server: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    """Those coming hear the action is off, and why, in their language: two mails, no
    attempt at an RSVP without an address, and none again from the queued task."""
    world = make_world()
    action = world.action()
    rsvps(action)
    world.client("editor_a").post(f"/actions/{action.pk}/cancel/", {"note": "Banned by police."})
    with caplog.at_level("WARNING", logger="habeas.actions"):
        assert announce_change.call(change_id=ActionChange.objects.get().pk) == 2
    assert not [r for r in caplog.records if r.name == "habeas.actions"]
    run_worker()
    assert len(smtp_server.messages) == 2
    english = next(m for m in smtp_server.messages if m["To"] == "ann@example.org")
    assert english["Subject"] == "Cancelled: Vigil for the prisoners"
    body = body_of(english)
    assert "has been cancelled by its organisers" in body
    assert "Banned by police." in body
    urdu = next(m for m in smtp_server.messages if m["To"] == "bilal@example.org")
    assert "Banned by police." in body_of(urdu)
    assert "/ur/actions/rsvp/" in body_of(urdu)
    assert ActionChange.objects.get().announced_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_new_place_is_mailed(smtp_server: Mailbox) -> None:
    """A new venue is announced with the whole new place."""
    world = make_world()
    action = world.action()
    rsvps(action)
    world.client("editor_a").post(
        f"/actions/{action.pk}/edit/", form_data(world, venue="Alexanderplatz", address="")
    )
    run_worker()
    english = next(m for m in smtp_server.messages if m["To"] == "ann@example.org")
    body = body_of(english)
    assert "New place: Alexanderplatz, Berlin, Germany" in body
    assert "New time" not in body


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_mail_server_leaves_the_change_to_announce(settings: Any) -> None:
    """With no mail server, the task fails and the change stays unannounced for a rerun."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard: nothing listens
    settings.EMAIL_TIMEOUT = 2
    world = make_world()
    action = world.action()
    rsvps(action)
    change = services.action_cancel(action=action, by=world.users["editor_a"], note="")
    with pytest.raises(ConnectionRefusedError):
        announce_change.call(change_id=change.pk)
    change.refresh_from_db()
    assert change.announced_at is None


def test_the_list_takes_the_same_queries_however_many_actions(world: World) -> None:
    """No query per action: the list reads the same with 3 actions and with 9."""
    client = world.client("editor_a")

    def count(total: int) -> int:
        while Action.objects.count() < total:
            action = world.action(title=f"Action {Action.objects.count():02d}")
            action.organisations.add(world.b)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/actions/mine/")
        assert response.status_code == 200
        assert f"Action {total - 1:02d}" in response.content.decode()
        return len(queries.captured_queries)

    assert count(3) == count(9)


def test_with_no_campaign_to_organise_in_the_form_says_why(world: World) -> None:
    """An editor whose organisations are in no open campaign is told, not given a form."""
    CampaignMembership.objects.filter(organisation=world.b).update(
        status=CampaignMembership.Status.LEFT
    )
    html = world.client("editor_b").get("/actions/new/").content.decode()
    assert "None of your organisations is an active member of a campaign that is open." in html
    assert '<form method="post" class="stacked"' not in html

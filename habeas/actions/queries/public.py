"""Reads for the public action pages: upcoming and past lists, places, an action's
organisers and changes, calendar feeds.

Only actions of campaigns the public may see are ever read here: a draft
campaign's actions reach no public page, list, feed or count. Every list is
bounded: a page of a list (``paged``) or the first few (``capped``).
"""

from __future__ import annotations

import datetime
import functools
import re
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from habeas.actions.models import Action, ActionChange
from habeas.coalition.models import Campaign, Demand, Organisation
from habeas.coalition.queries import common_demands_to_endorse
from habeas.core.lists import CAP, Capped, Paged, capped, paged

# An action that started less than this long ago (and has no end) still counts as upcoming.
STILL_ON = datetime.timedelta(hours=6)
UPCOMING = "upcoming"
PAST = "past"
WHEN = (UPCOMING, PAST)
LIST_PAGE = 25
# Past actions a campaign page shows below the upcoming ones.
PAST_ON_CAMPAIGN = 6
# Filter links (countries, cities) a list page offers at most.
PLACES_CAP = 100
# Events in a campaign's calendar feed at most: the latest by start.
FEED_CAP = 500
CHANGES_CAP = CAP

_COUNTRY = re.compile(r"[A-Z]{2}")
_CITY_MAX = 100
# Zone areas a reader picks from; any other name zoneinfo knows is accepted too.
_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


# --- Visibility --------------------------------------------------------------


def actions_public() -> QuerySet[Action]:
    """Every action the public may see: any of a campaign that is not a draft
    (cancelled ones included; pages mark them)."""
    return Action.objects.exclude(campaign__status=Campaign.Status.DRAFT)


def _upcoming(now: datetime.datetime) -> Q:
    """Planned or cancelled, and starting after ``now`` (or a little before), or not yet over."""
    return Q(status__in=[Action.Status.PLANNED, Action.Status.CANCELLED]) & (
        Q(starts_at__gte=now - STILL_ON) | Q(ends_at__gte=now)
    )


def _nearest_first(queryset: QuerySet[Action]) -> QuerySet[Action]:
    return queryset.order_by("starts_at", "city", "title", "pk")


def _latest_first(queryset: QuerySet[Action]) -> QuerySet[Action]:
    """The latest start first; undated ones (the demo's) last, by city."""
    return queryset.order_by(F("starts_at").desc(nulls_last=True), "city", "title", "pk")


def actions_upcoming(
    queryset: QuerySet[Action] | None = None, now: datetime.datetime | None = None
) -> QuerySet[Action]:
    """Public actions still to come (or on now), planned or cancelled, nearest first."""
    base = actions_public() if queryset is None else queryset
    return _nearest_first(base.filter(_upcoming(now or timezone.now())))


def actions_past(
    queryset: QuerySet[Action] | None = None, now: datetime.datetime | None = None
) -> QuerySet[Action]:
    """Every public action that is not upcoming: held, over, or of unknown date;
    the latest first, undated ones last by city."""
    base = actions_public() if queryset is None else queryset
    return _latest_first(base.exclude(_upcoming(now or timezone.now())))


# --- The list page -------------------------------------------------------------


@dataclass(frozen=True)
class ListFilter:
    """The list's parameters, cleaned: unknown or malformed values are dropped."""

    when: str = UPCOMING
    country: str = ""
    city: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> ListFilter:
        """``when`` (upcoming or past; upcoming otherwise), ``country`` (an ISO code),
        ``city`` (at most 100 characters)."""
        when = query.get("when", UPCOMING)
        country = query.get("country", "").strip().upper()
        city = query.get("city", "").strip()
        return cls(
            when=when if when in WHEN else UPCOMING,
            country=country if _COUNTRY.fullmatch(country) else "",
            city=city if len(city) <= _CITY_MAX else "",
        )


@dataclass(frozen=True)
class Place:
    """A country or a city of the listed actions, and how many actions it has."""

    country: str
    city: str
    count: int


@dataclass(frozen=True)
class ActionsPage:
    filter: ListFilter
    actions: Paged
    countries: Capped[Place]
    cities: Capped[Place]


def _in_time(when: str) -> QuerySet[Action]:
    return actions_upcoming() if when == UPCOMING else actions_past()


def actions_list(query: QueryDict) -> ActionsPage:
    """One page (``?page=``, 25) of upcoming or past public actions (``?when=``), in
    one country (``?country=``) and city (``?city=``) if asked, with the countries and
    cities there are actions in, for filter links: at most six queries."""
    chosen = ListFilter.from_query(query)
    in_time = _in_time(chosen.when)
    listed = in_time
    if chosen.country:
        listed = listed.filter(country=chosen.country)
    if chosen.city:
        listed = listed.filter(city=chosen.city)
    actions = paged(listed, query, "page", LIST_PAGE)
    countries = capped(
        in_time.exclude(country="")
        .order_by()
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("country"),
        PLACES_CAP,
    )
    cities_of = in_time.filter(country=chosen.country) if chosen.country else in_time
    cities = capped(
        cities_of.order_by()
        .values("country", "city")
        .annotate(n=Count("pk"))
        .order_by("city", "country"),
        PLACES_CAP,
    )
    return ActionsPage(
        filter=chosen,
        actions=actions,
        countries=Capped(
            [Place(row["country"], "", row["n"]) for row in countries.items], countries.total
        ),
        cities=Capped(
            [Place(row["country"], row["city"], row["n"]) for row in cities.items], cities.total
        ),
    )


# --- Campaign and home pages -------------------------------------------------------


@dataclass(frozen=True)
class CampaignActions:
    """A campaign's upcoming actions (nearest first) and its latest past ones."""

    upcoming: Capped[Action]
    past: Capped[Action]

    def __bool__(self) -> bool:
        return bool(self.upcoming) or bool(self.past)


def campaign_actions(campaign: Campaign) -> CampaignActions:
    """The first 24 upcoming actions of ``campaign``, nearest first, and its six latest
    past ones (undated last), each with how many there are: two to four queries."""
    of_campaign = Action.objects.filter(campaign=campaign)
    return CampaignActions(
        upcoming=capped(actions_upcoming(of_campaign), CAP),
        past=capped(actions_past(of_campaign), PAST_ON_CAMPAIGN),
    )


# --- The action page ------------------------------------------------------------


def action_organisations(action: Action) -> list[Organisation]:
    """The organisations that organise ``action``, by name (a handful: not capped)."""
    return list(action.organisations.order_by("name", "pk"))


def action_changes(action: Action) -> Capped[ActionChange]:
    """The public record of an action's cancellation and changes of time or place,
    newest first; the latest 24 and how many there are."""
    return capped(action.changes.order_by("-created_at", "-pk"), CHANGES_CAP)


def campaign_common_demands(campaign: Campaign) -> list[Demand]:
    """The campaign's common demands as the public reads them (hidden ones left out)."""
    return common_demands_to_endorse(campaign)


# --- Calendars --------------------------------------------------------------------


def campaign_feed(campaign: Campaign) -> list[Action]:
    """A campaign's dated actions for its calendar feed: the latest 500 by start.
    Undated actions have no place in a calendar and are left out."""
    return list(
        Action.objects.filter(campaign=campaign, starts_at__isnull=False)
        .select_related("campaign")
        .order_by("-starts_at", "-pk")[:FEED_CAP]
    )


# --- Time zones ---------------------------------------------------------------------


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_known(name: str) -> bool:
    """Whether ``name`` is a time zone zoneinfo knows (its IANA name)."""
    return name in _zone_names()


@functools.cache
def zone_choices() -> tuple[str, ...]:
    """The zones a reader picks from: every Area/City name, and UTC, sorted."""
    return ("UTC", *sorted(name for name in _zone_names() if name.startswith(_AREAS)))


def place_zone(action: Action) -> zoneinfo.ZoneInfo:
    """The time zone of the action's place; UTC if it names none zoneinfo knows."""
    if action.time_zone and zone_known(action.time_zone):
        return zoneinfo.ZoneInfo(action.time_zone)
    return zoneinfo.ZoneInfo("UTC")

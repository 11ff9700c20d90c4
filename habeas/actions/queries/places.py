"""Where actions take place: one row per city, with its count and its point on the map."""

from __future__ import annotations

import functools
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from habeas.actions.models import Action
from habeas.coalition.models import Campaign
from habeas.core.lists import Capped, capped

When = Literal["upcoming", "past", "all"]
WHENS: tuple[When, ...] = ("upcoming", "past", "all")
# At most this many cities are placed and listed (the page stays under 100 KB);
# the page says how many more there are.
MAX_CITIES = 200
PLACES_FILE = Path(__file__).resolve().parent.parent / "data" / "places.json"


@dataclass(frozen=True)
class CityActions:
    """The actions in one city: how many, and where to draw them (``None``: not on the map)."""

    country: str
    city: str
    count: int
    latitude: float | None
    longitude: float | None

    @property
    def on_map(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def place_key(country: str, city: str) -> tuple[str, str]:
    """The key a city is looked up by: its country's code, and its name without
    case, accents or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", city)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return country.upper(), " ".join(bare.casefold().split())


@functools.cache
def bundled_places() -> dict[tuple[str, str], tuple[float, float]]:
    """Natural Earth's populated places (bundled, public domain) by ``place_key``:
    (latitude, longitude). Read once per process; the file never changes while
    the site runs."""
    rows = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
    return {place_key(country, name): (lat, lon) for name, country, lat, lon in rows}


def _visible(when: When, campaign: Campaign | None) -> QuerySet[Action]:
    actions = Action.objects.exclude(campaign__status=Campaign.Status.DRAFT).exclude(
        status=Action.Status.CANCELLED
    )
    if campaign is not None:
        actions = actions.filter(campaign=campaign)
    now = timezone.now()
    ended = Q(ends_at__lt=now) | Q(ends_at__isnull=True, starts_at__lt=now)
    if when == "upcoming":
        actions = actions.filter(status=Action.Status.PLANNED).filter(
            Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now)
        )
    elif when == "past":
        actions = actions.filter(Q(status=Action.Status.HAPPENED) | ended)
    return actions


def city_markers(
    when: When = "all", campaign: Campaign | None = None, limit: int = MAX_CITIES
) -> Capped[CityActions]:
    """Every city with actions the public may see (no draft campaign's, no
    cancelled ones), the most actions first, then by country and city: at most
    ``limit`` cities, and how many there are (one query, two past the limit).

    ``when``: "upcoming" (planned, not yet over), "past" (happened or over),
    "all" (both, and undated planned ones). A city's point is the mean of its
    actions' own coordinates where any has them, else the bundled Natural Earth
    place of that name in that country (case and accents ignored), else none:
    it is listed but not on the map.
    """
    if when not in WHENS:
        raise ValueError(when)
    rows = capped(
        _visible(when, campaign)
        .values("country", "city")
        .annotate(count=Count("pk"), latitude=Avg("latitude"), longitude=Avg("longitude"))
        .order_by("-count", "country", "city"),
        limit,
    )
    places = bundled_places()
    cities = []
    for row in rows:
        latitude, longitude = row["latitude"], row["longitude"]
        if latitude is None or longitude is None:
            latitude, longitude = places.get(place_key(row["country"], row["city"]), (None, None))
        cities.append(
            CityActions(
                country=row["country"],
                city=row["city"],
                count=row["count"],
                latitude=None if latitude is None else float(latitude),
                longitude=None if longitude is None else float(longitude),
            )
        )
    return Capped(cities, rows.total)

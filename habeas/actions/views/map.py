"""The world map of actions: the SVG map, and the same cities as a list below it.

The page is the same bytes for every anonymous visitor, so it is cached whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import shortcuts
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from habeas.actions import worldmap
from habeas.actions.queries.places import WHENS, CityActions, When, city_markers
from habeas.core.countries import country_name
from habeas.core.pagecache import public_page

WHEN_LABELS = {"all": _("All actions"), "upcoming": _("Upcoming"), "past": _("Past")}


@dataclass(frozen=True)
class CityRow:
    place: CityActions
    url: str


@dataclass(frozen=True)
class CountryGroup:
    code: str
    name: str
    cities: list[CityRow]


def _when(request: HttpRequest) -> When:
    """``?when=``: upcoming, past or all; anything else is all."""
    raw = request.GET.get("when", "all")
    for when in WHENS:
        if raw == when:
            return when
    return "all"


def _by_country(places: list[CityActions]) -> list[CountryGroup]:
    groups: dict[str, list[CityRow]] = {}
    base = worldmap.list_path()
    for place in places:
        url = worldmap.city_list_url(place.country, place.city, base)
        groups.setdefault(place.country, []).append(CityRow(place, url))
    named = [
        CountryGroup(code, country_name(code) if code else "", sorted(rows, key=_city_name))
        for code, rows in groups.items()
    ]
    # Cities whose country is not known come last.
    return sorted(named, key=lambda group: (not group.code, group.name.casefold()))


def _city_name(row: CityRow) -> str:
    return row.place.city.casefold()


@public_page(params=["when"])
def world_map(request: HttpRequest) -> HttpResponse:
    """The map of the cities with actions (upcoming, past or all), each marker a
    link to the city's actions, and the same cities listed by country."""
    when = _when(request)
    markers = city_markers(when)
    places = list(markers)
    context = {
        "when": when,
        "whens": [(value, WHEN_LABELS[value]) for value in ("all", "upcoming", "past")],
        "svg": worldmap.world_map_svg(places) if places else "",
        "countries": _by_country(places),
        "cities": markers.total,
        "more": markers.total - len(places),
        "actions": sum(place.count for place in places),
        "list_url": worldmap.list_path(),
        "not_on_map": sum(1 for place in places if not place.on_map),
    }
    return shortcuts.render(request, "actions/map.html", context)

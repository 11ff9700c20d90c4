"""The world map of actions: an SVG drawn on the server, with no script and no
reference to anything outside itself.

The outlines are Natural Earth's 1:110m countries (public domain), bundled in
``data/world-110m.json`` by ``scripts/vendor-natural-earth`` already projected
(equirectangular) and simplified, so drawing the map is string joining.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from habeas.actions.queries.places import CityActions
from habeas.core.countries import country_name

WORLD_FILE = Path(__file__).resolve().parent / "data" / "world-110m.json"
LAND = "#d8d3c4"
BORDER = "#ffffff"
MARKER = "#b3261e"


@functools.cache
def _world() -> tuple[int, int, float, str]:
    """Width, height, north edge (degrees) and the joined country paths. Read once
    per process; the file never changes while the site runs."""
    world = json.loads(WORLD_FILE.read_text(encoding="utf-8"))
    paths = "".join(f'<path d="{escape(d)}"/>' for _code, d in world["countries"])
    return world["width"], world["height"], float(world["north"]), paths


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """The point of the map at this latitude and longitude (equirectangular)."""
    width, height, north, _paths = _world()
    scale = width / 360.0
    x = (longitude + 180.0) * scale
    y = (north - latitude) * scale
    return min(max(x, 0.0), float(width)), min(max(y, 0.0), float(height))


def list_path() -> str:
    """The path of the public list of actions (/actions/ under the language prefix)."""
    return reverse("actions:list")


def city_list_url(country: str, city: str, base: str | None = None) -> str:
    """The list of actions in this city: ``/actions/?country=XX&city=Name``
    (``base``: the list's path, if already known)."""
    query = urlencode({"country": country, "city": city})
    return f"{base or list_path()}?{query}"


def city_label(place: CityActions) -> str:
    """ "City, Country — N actions", in the reader's language."""
    where = (
        _("%(city)s, %(country)s") % {"city": place.city, "country": country_name(place.country)}
        if place.country
        else place.city
    )
    count = ngettext("%(count)d action", "%(count)d actions", place.count) % {"count": place.count}
    return _("%(place)s — %(count)s") % {"place": where, "count": count}


def _radius(count: int) -> float:
    return min(4.0 + 2.0 * math.sqrt(count - 1), 16.0)


def world_map_svg(markers: Iterable[CityActions]) -> SafeString:
    """The world map with one linked marker per city that has a point, larger for
    more actions; every text escaped. Cities without a point are left out (the
    page lists them as not on the map)."""
    width, height, _north, paths = _world()
    placed = sorted(
        (place for place in markers if place.on_map),
        key=lambda place: (-place.count, place.country, place.city),
    )
    label = escape(_("World map of actions"))  # outside the f-string, for xgettext
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' width="100%" role="group" aria-label="{label}"'
        ' class="world-map">',
        f'<rect width="{width}" height="{height}" fill="#eef3f6"/>',
        f'<g fill="{LAND}" stroke="{BORDER}" stroke-width="0.5" aria-hidden="true">{paths}</g>',
        f'<g fill="{MARKER}" fill-opacity="0.8" stroke="#ffffff" stroke-width="1">',
    ]
    base = list_path()
    for place in placed:
        if place.latitude is None or place.longitude is None:
            continue
        x, y = project(place.latitude, place.longitude)
        label = escape(city_label(place))
        url = escape(city_list_url(place.country, place.city, base))
        parts.append(
            f'<a href="{url}"><title>{label}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{_radius(place.count):.1f}"/></a>'
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)

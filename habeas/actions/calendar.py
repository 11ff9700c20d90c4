"""An action's time as its place and its reader keep it, as iCalendar, and as schema.org JSON-LD.

Pure functions of rows already read: nothing here touches the database.
An iCalendar event's UID is the action's own ``uid`` and never changes, so a
calendar that subscribed to it updates the event in place when the action is
edited; its SEQUENCE is the action's ``sequence``.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import icalendar
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from habeas.actions.models import Action
from habeas.actions.queries.public import place_zone
from habeas.coalition.models import Organisation
from habeas.core.countries import country_name

PRODID = "-//Habeas//Solidarity actions//EN"
ZONE_MARGIN = datetime.timedelta(days=366)


# --- Times ---------------------------------------------------------------------


@dataclass(frozen=True)
class ZonedTime:
    """An action's start (and end) as read in one time zone, for a page."""

    zone: str
    starts: datetime.datetime
    ends: datetime.datetime | None

    @property
    def date(self) -> str:
        """The start's weekday and date, in the active language."""
        return f"{date_format(self.starts, 'l')}, {date_format(self.starts, 'DATE_FORMAT')}"

    @property
    def start_time(self) -> str:
        return date_format(self.starts, "H:i")

    @property
    def end(self) -> str:
        """The end's time, with its date when it ends on another day; empty if none."""
        if self.ends is None:
            return ""
        if self.ends.date() == self.starts.date():
            return date_format(self.ends, "H:i")
        return f"{date_format(self.ends, 'DATE_FORMAT')} {date_format(self.ends, 'H:i')}"

    @property
    def offset(self) -> str:
        """The zone's offset from UTC at the start, as ``UTC+05:00``."""
        return "UTC" + date_format(self.starts, "O")[:3] + ":" + date_format(self.starts, "O")[3:]

    @property
    def iso(self) -> str:
        return self.starts.isoformat()


def in_zone(action: Action, zone: zoneinfo.ZoneInfo | None = None) -> ZonedTime | None:
    """The action's time in ``zone`` (the place's by default); None when its date is unknown."""
    if action.starts_at is None:
        return None
    zone = zone or place_zone(action)
    return ZonedTime(
        zone=str(zone.key),
        starts=action.starts_at.astimezone(zone),
        ends=action.ends_at.astimezone(zone) if action.ends_at else None,
    )


def reader_time(action: Action, reader_zone: str) -> ZonedTime | None:
    """The action's time in the reader's zone, when that zone is known and keeps
    another clock than the place at the start; None otherwise."""
    place = in_zone(action)
    if place is None or not reader_zone or reader_zone == place.zone:
        return None
    reader = in_zone(action, zoneinfo.ZoneInfo(reader_zone))
    if reader is None or reader.starts.utcoffset() == place.starts.utcoffset():
        return None
    return reader


# --- iCalendar ---------------------------------------------------------------------


def _where(action: Action) -> str:
    parts = [action.venue, action.address, action.city]
    if action.country:
        parts.append(country_name(action.country, "en"))
    return ", ".join(part for part in parts if part)


def action_event(action: Action, url: str) -> icalendar.Event:
    """The VEVENT of a dated action. Raises ValueError for one of unknown date."""
    if action.starts_at is None:
        raise ValueError("an action of unknown date has no calendar event")
    zone = place_zone(action)
    event = icalendar.Event()
    event.add("uid", f"{action.uid}@habeas")
    event.add("sequence", action.sequence)
    event.add("dtstamp", action.updated_at.astimezone(datetime.UTC))
    event.add("last-modified", action.updated_at.astimezone(datetime.UTC))
    event.add("summary", action.title)
    event.add("dtstart", action.starts_at.astimezone(zone))
    if action.ends_at:
        event.add("dtend", action.ends_at.astimezone(zone))
    cancelled = action.status == Action.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    where = _where(action)
    if where:
        event.add("location", where)
    if action.latitude is not None and action.longitude is not None:
        event.add("geo", (float(action.latitude), float(action.longitude)))
    if action.description:
        event.add("description", action.description)
    event.add("url", url)
    return event


def calendar_bytes(events: Iterable[icalendar.Event], name: str) -> bytes:
    """A VCALENDAR holding ``events``, with the VTIMEZONE of every zone they use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    days: list[datetime.date] = []
    for event in events:
        calendar.add_component(event)
        days.append(event.decoded("dtstart").date())
    if days:
        # Transitions a year either side of the events: enough, and short.
        calendar.add_missing_timezones(
            first_date=min(days) - ZONE_MARGIN, last_date=max(days) + ZONE_MARGIN
        )
    return bytes(calendar.to_ical())


# --- schema.org JSON-LD ---------------------------------------------------------------


def _number(value: Decimal) -> float:
    return float(value)


def event_json_ld(
    action: Action,
    *,
    url: str,
    name: str,
    description: str,
    organisers: list[tuple[Organisation, str]],
) -> dict[str, Any]:
    """The schema.org Event of an action: ``organisers`` are (organisation, absolute URL)."""
    address: dict[str, Any] = {"@type": "PostalAddress", "addressLocality": action.city}
    if action.address:
        address["streetAddress"] = action.address
    if action.country:
        address["addressCountry"] = action.country
    place: dict[str, Any] = {
        "@type": "Place",
        "name": action.venue or action.city,
        "address": address,
    }
    if action.latitude is not None and action.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": _number(action.latitude),
            "longitude": _number(action.longitude),
        }
    cancelled = action.status == Action.Status.CANCELLED
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": name,
        "eventStatus": "https://schema.org/"
        + ("EventCancelled" if cancelled else "EventScheduled"),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": place,
        "url": url,
    }
    local = in_zone(action)
    if local is not None:
        data["startDate"] = local.starts.isoformat()
        if local.ends is not None:
            data["endDate"] = local.ends.isoformat()
    if organisers:
        data["organizer"] = [
            {"@type": "Organization", "name": organisation.name, "url": link}
            for organisation, link in organisers
        ]
    if description:
        data["description"] = description
    return data


def json_for_script(data: dict[str, Any]) -> SafeString:
    """``data`` as JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` are
    escaped as ``\\u003c`` and so on, so no text in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped above; nothing can end the element.

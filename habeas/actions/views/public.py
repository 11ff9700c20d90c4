"""The public action pages: the lists, an action, its flyer, its calendars.

Every page is the same bytes for every anonymous visitor, so each is a
``@public_page``; a draft campaign's actions and unknown ids answer 404.
The reader's time zone comes only from the ``tz`` parameter (or, with
JavaScript on, from the browser, filled in by a static script): no cookie.
"""

from __future__ import annotations

from io import BytesIO

import qrcode
import qrcode.image.svg
from django import shortcuts
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from habeas.actions import calendar
from habeas.actions.access import access_public_action
from habeas.actions.models import Action
from habeas.actions.queries import public as queries
from habeas.coalition.access import access_public_campaign
from habeas.core.countries import country_name
from habeas.core.pagecache import public_page

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _urdu() -> bool:
    return (get_language() or "en") == "ur"


def _title(action: Action) -> str:
    return action.title_ur if _urdu() and action.title_ur else action.title


def _description(action: Action) -> str:
    return action.description_ur if _urdu() and action.description_ur else action.description


@public_page(params=["when", "country", "city", "page"])
def action_list(request: HttpRequest) -> HttpResponse:
    """Upcoming (nearest first) or past (latest first) actions, by country and city; paged."""
    page = queries.actions_list(request.GET)
    chosen = page.filter
    return shortcuts.render(
        request,
        "actions/action_list.html",
        {
            "page": page,
            "chosen": chosen,
            "upcoming": chosen.when == queries.UPCOMING,
            "country_label": country_name(chosen.country) if chosen.country else "",
            "countries": [(place, country_name(place.country)) for place in page.countries],
            "cities": [
                (place, country_name(place.country) if place.country else "")
                for place in page.cities
            ],
        },
    )


@public_page(params=["tz"], counts=True)
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    """An action: when (in the place's zone, and the reader's if asked), where, who,
    what changed, the RSVP form, reports, and its schema.org Event."""
    action = access_public_action(action_id)
    asked = request.GET.get("tz", "").strip()
    reader_zone = asked if asked and queries.zone_known(asked) else ""
    organisations = queries.action_organisations(action)
    url = request.build_absolute_uri(action_url(action))
    title = _title(action)
    description = _description(action)
    json_ld = calendar.event_json_ld(
        action,
        url=url,
        name=title,
        description=description,
        organisers=[(o, request.build_absolute_uri(o.get_absolute_url())) for o in organisations],
    )
    return shortcuts.render(
        request,
        "actions/action.html",
        {
            "action": action,
            "title": title,
            "description": description,
            "cancelled": action.status == Action.Status.CANCELLED,
            "country_label": country_name(action.country) if action.country else "",
            "place_time": calendar.in_zone(action),
            "reader_time": calendar.reader_time(action, reader_zone),
            "reader_zone": reader_zone,
            "bad_zone": asked if asked and not reader_zone else "",
            "zones": queries.zone_choices(),
            "organisations": organisations,
            "changes": queries.action_changes(action),
            "json_ld": calendar.json_for_script(json_ld),
            # Signed-in organisers only (visitors' copies are the cached ones).
            "can_edit": request.user.has_perm("actions.edit_action", action),
        },
    )


def action_url(action: Action) -> str:
    return reverse("actions:detail", kwargs={"action_id": action.pk})


def _qr_svg(text: str) -> str:
    """``text`` as an inline SVG QR code, drawn on the server."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


@public_page()
def action_flyer(request: HttpRequest, action_id: int) -> HttpResponse:
    """A printable one-page flyer: title, when, where, organisers, the campaign's common
    demands and the action page's address (also as a QR code)."""
    action = access_public_action(action_id)
    url = request.build_absolute_uri(action_url(action))
    return shortcuts.render(
        request,
        "actions/flyer.html",
        {
            "action": action,
            "title": _title(action),
            "cancelled": action.status == Action.Status.CANCELLED,
            "country_label": country_name(action.country) if action.country else "",
            "place_time": calendar.in_zone(action),
            "organisations": queries.action_organisations(action),
            "demands": queries.campaign_common_demands(action.campaign),
            "url": url,
            "qr": _qr_svg(url),
        },
    )


def _calendar(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@public_page()
def action_ics(request: HttpRequest, action_id: int) -> HttpResponse:
    """The action as an iCalendar file; 404 when its date is not known."""
    action = access_public_action(action_id)
    if action.starts_at is None:
        raise Http404
    event = calendar.action_event(action, request.build_absolute_uri(action_url(action)))
    return _calendar(calendar.calendar_bytes([event], action.title), f"action-{action.pk}.ics")


@public_page()
def campaign_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """A campaign's dated actions as an iCalendar feed (the latest 500)."""
    campaign = access_public_campaign(slug)
    events = [
        calendar.action_event(action, request.build_absolute_uri(action_url(action)))
        for action in queries.campaign_feed(campaign)
    ]
    name = _("Solidarity actions: %(campaign)s") % {"campaign": campaign.title}
    return _calendar(calendar.calendar_bytes(events, name), f"{campaign.slug}-actions.ics")

"""Parts of the action page that other parts of the app fill in: the RSVP form
and the organisers' reports with their photos."""

from __future__ import annotations

from typing import Any

from django import template

from habeas.actions.models import Action
from habeas.actions.queries.reports import organisations_reporting_for, reports_public

register = template.Library()


@register.inclusion_tag("actions/_rsvp.html", takes_context=True)
def rsvp_form(context: dict[str, Any], action: Action) -> dict[str, Any]:
    """The RSVP count and form of ``action`` (no cookie, no CSRF token: see origin.py),
    or the sentence saying why it takes no RSVPs."""
    from habeas.actions.views.rsvps import rsvp_part_context

    return {**rsvp_part_context(action), "request": context.get("request")}


@register.inclusion_tag("actions/_reports.html", takes_context=True)
def action_reports(context: dict[str, Any], action: Action) -> dict[str, Any]:
    """The organising organisations' reports on ``action``, with their public photos
    and blur notices; for a signed-in editor of an organiser, links to its
    report page (cached pages are kept for visitors who are not signed in only)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "action": action,
        "request": request,
        "reports": reports_public(action),
        "reporting_for": organisations_reporting_for(user, action) if user else [],
    }

"""Placards to print: a campaign's common demands and its members' own slogans,
as A4 or A3 PDFs, portrait or landscape, in English or Urdu.

Both pages are public and kept in the page cache like any other: a PDF takes
a second or more to lay out, and is made again only after something public
changed (a hidden or withdrawn demand leaves with the next generation).
"""

from __future__ import annotations

from django import shortcuts
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from habeas.actions import placards
from habeas.actions.queries.placards import campaign_placards
from habeas.coalition.access import access_public_campaign
from habeas.core.pagecache import public_page


@public_page()
@require_safe
def placard_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's placards, each with a link per size, orientation and language."""
    campaign = access_public_campaign(slug)
    return shortcuts.render(
        request,
        "actions/placards.html",
        {
            "campaign": campaign,
            "placards": campaign_placards(campaign),
            "papers": placards.PAPERS,
        },
    )


@public_page()
@require_safe
def placard_pdf(
    request: HttpRequest, slug: str, demand_id: int, size: str, orientation: str, lang: str
) -> HttpResponse:
    """One placard as a PDF, shown in the browser; 404 for an unknown format, and
    for any demand that is not one of the campaign's placards in that language."""
    fmt = placards.placard_format(size, orientation, lang)
    if fmt is None:
        raise Http404
    campaign, placard = placards.access_placard(slug, demand_id, fmt)
    response = HttpResponse(
        placards.placard_pdf(placard, campaign, fmt), content_type="application/pdf"
    )
    filename = placards.placard_filename(campaign, placard, fmt)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response

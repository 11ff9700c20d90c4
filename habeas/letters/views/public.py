"""The public letter pages: the list, a letter, its signatories and endorsements, its counter.

A letter page is the same bytes for every anonymous visitor: no cookie, no
CSRF token, nothing about who is reading, so it can be cached whole.
"""

from __future__ import annotations

import json

from django import shortcuts
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import translate_url
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from habeas.core.pagecache import public_page
from habeas.letters import charts
from habeas.letters.access import access_letter_for_reader
from habeas.letters.queries import public as queries
from habeas.letters.share import share_links
from habeas.letters.views.signing import sign_form_context

# How long a browser or proxy may keep a public letter page or its counter.
PUBLIC_MAX_AGE = 5
# Public signatories shown on the letter page itself.
LATEST_SIGNATORIES = 10


def _language() -> str:
    return get_language() or "en"


def _public(response: HttpResponse) -> HttpResponse:
    """Mark a public answer cacheable for a few seconds (signed-in answers are made
    private by habeas.core.cache_control)."""
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _page_number(request: HttpRequest) -> int:
    """``?page=``: 1 when absent; a 404 when it is not a page number."""
    raw = request.GET.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise Http404
    return int(raw)


@public_page(params=["page"], counts=True, max_age=PUBLIC_MAX_AGE)
def letter_list(request: HttpRequest) -> HttpResponse:
    """Published letters, newest first, with their counts; paged."""
    page = queries.letters_public(request.GET, language=_language())
    return _public(shortcuts.render(request, "letters/letter_list.html", {"letters": page}))


@public_page(counts=True, max_age=PUBLIC_MAX_AGE)
def letter(request: HttpRequest, slug: str) -> HttpResponse:
    """A letter: its text in the reader's language, who endorses and signs it, its counts,
    its chart, share links, and the sign form while it is open."""
    found = access_letter_for_reader(request.user, slug)
    language = _language()
    texts = queries.letter_texts(found, language=language)
    counts = queries.letter_counts(found)
    endorsements = queries.endorsements_public(found)
    title = texts.text.title if texts.text else found.slug
    state = queries.signing_state(found)
    context: dict[str, object] = {
        "letter": found,
        "texts": texts,
        "title": title,
        "other_versions": [(code, translate_url(request.path, code)) for code in texts.others],
        "counts": counts,
        "progress": min(counts.total, found.goal) if found.goal else None,
        "endorsements": endorsements,
        "signatories": queries.public_signatories(found, 1, size=LATEST_SIGNATORIES),
        "chart": charts.signatures_chart(
            counts.cumulative, title=_("Signatures over time, in all")
        ),
        "state": state,
        "share": share_links(request.build_absolute_uri(request.path), title),
        "share_url": request.build_absolute_uri(request.path),
    }
    if state == "open":
        context.update(sign_form_context(request, found))
    return _public(shortcuts.render(request, "letters/letter.html", context))


@public_page(params=["page"], counts=True, max_age=PUBLIC_MAX_AGE)
def signatories(request: HttpRequest, slug: str) -> HttpResponse:
    """One page (``?page=N``, 25 names) of the people who chose to be shown, newest first."""
    found = access_letter_for_reader(request.user, slug)
    page = queries.public_signatories(found, _page_number(request))
    if page is None:
        raise Http404
    texts = queries.letter_texts(found, language=_language())
    return _public(
        shortcuts.render(
            request,
            "letters/signatories.html",
            {"letter": found, "texts": texts, "signatories": page},
        )
    )


@public_page(params=["page"], max_age=PUBLIC_MAX_AGE)
def endorsements(request: HttpRequest, slug: str) -> HttpResponse:
    """Every verified endorsement of a letter, paged, unions first."""
    found = access_letter_for_reader(request.user, slug)
    paged, groups = queries.endorsements_page(found, request.GET)
    texts = queries.letter_texts(found, language=_language())
    return _public(
        shortcuts.render(
            request,
            "letters/endorsements.html",
            {"letter": found, "texts": texts, "paged": paged, "groups": groups},
        )
    )


def _counter(response: HttpResponse) -> HttpResponse:
    """An embeddable counter: any site may read it (CORS) or show it (an image)."""
    _public(response)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@public_page(counts=True, max_age=PUBLIC_MAX_AGE)
def count_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The letter's count as JSON: total, goal, organisations, updated_at (UTC)."""
    found = access_letter_for_reader(request.user, slug)
    body = {
        "total": queries.letter_total(found),
        "goal": found.goal,
        "organisations": queries.endorsements_count(found),
        "updated_at": timezone.now().replace(microsecond=0).isoformat(),
    }
    return _counter(HttpResponse(json.dumps(body), content_type="application/json; charset=utf-8"))


@public_page(counts=True, max_age=PUBLIC_MAX_AGE)
def badge_svg(request: HttpRequest, slug: str) -> HttpResponse:
    """A small SVG badge with the letter's count, for other sites to show."""
    found = access_letter_for_reader(request.user, slug)
    svg = charts.badge(_("signatures"), queries.letter_total(found))
    return _counter(HttpResponse(svg, content_type="image/svg+xml; charset=utf-8"))

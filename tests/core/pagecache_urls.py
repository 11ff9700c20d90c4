"""The site's URLs plus five public pages that show what the page cache does to a view.

Used by tests/core/test_pagecache.py through ``ROOT_URLCONF``. ``RENDERS``
records every time a view here runs, so a test can tell a render from an
answer out of the cache.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, URLResolver, path

from habeas.core.pagecache import late_value, public_page
from habeas.letters.views.signing import STARTED_FIELD
from habeas.urls import urlpatterns as site_urlpatterns

RENDERS: list[str] = []


@public_page(params=["q"])
def echo(request: HttpRequest) -> HttpResponse:
    """The query the view was given, as JSON: what the cache let through."""
    RENDERS.append("echo")
    seen = {
        "GET": sorted(request.GET.lists()),
        "QUERY_STRING": request.META.get("QUERY_STRING", ""),
    }
    return HttpResponse(json.dumps(seen), content_type="application/json")


@public_page()
def sets_cookie(request: HttpRequest) -> HttpResponse:
    """A page that sets a cookie: never to be kept for others."""
    RENDERS.append("sets_cookie")
    response = HttpResponse("<p>with a cookie</p>", content_type="text/html")
    response.set_cookie("chosen", "1")
    return response


@public_page()
def private(request: HttpRequest) -> HttpResponse:
    """A page its view marks private: never to be kept for others."""
    RENDERS.append("private")
    response = HttpResponse("<p>yours only</p>", content_type="text/html")
    response["Cache-Control"] = "private"
    return response


@public_page()
def plain(request: HttpRequest) -> HttpResponseBase:
    """A page kept like any other."""
    RENDERS.append("plain")
    return HttpResponse("<p>" + "the same words " * 200 + "</p>", content_type="text/html")


@public_page(params=["q"])
def late(request: HttpRequest) -> HttpResponse:
    """A form with the sign form's served-at field; ``?q=gone`` answers it with a 404."""
    RENDERS.append("late")
    stamp = late_value(request, STARTED_FIELD)
    status = 404 if request.GET.get("q") == "gone" else 200
    html = f'<form><input type="hidden" name="started" value="{stamp}"></form>'
    return HttpResponse(html, content_type="text/html", status=status)


urlpatterns: list[URLPattern | URLResolver] = [
    path("pagecache-test/echo/", echo, name="pagecache_echo"),
    path("pagecache-test/sets-cookie/", sets_cookie, name="pagecache_sets_cookie"),
    path("pagecache-test/private/", private, name="pagecache_private"),
    path("pagecache-test/plain/", plain, name="pagecache_plain"),
    path("pagecache-test/late/", late, name="pagecache_late"),
    *site_urlpatterns,
]

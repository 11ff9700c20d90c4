"""The treasurers' pages (being built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def treasury(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404

"""Pledging to a campaign's fund without an account (being built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def pledge(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404

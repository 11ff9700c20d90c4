"""Signing a letter without an account: the form's answer, confirmation, withdrawal."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def sign(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404


def signed(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404


def manage(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404


def sign_form_context(request: HttpRequest, letter: object) -> dict[str, object]:
    """What ``letters/_sign_form.html`` needs on the letter page (the lead fills this in)."""
    return {"letter": letter}

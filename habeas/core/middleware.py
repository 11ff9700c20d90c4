"""Headers Django's SecurityMiddleware does not set."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

# Features a campaign page never needs; denying them means a compromised or
# mistaken template cannot ask a supporter's browser for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    """Drop the user agent from the request; add Permissions-Policy and
    Cross-Origin-Resource-Policy to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Habeas never needs to know the browser; without the header, no
        # library can store it (axes would, with failed sign-ins).
        request.META.pop("HTTP_USER_AGENT", None)
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def _holds_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    for params in (request.GET, request.POST if request.method == "POST" else None):
        if params is None:
            continue
        for key, values in params.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


class RefuseNulMiddleware:
    """Answer 400, in the user's language, to a NUL character in the path, the query
    string or a posted field.

    No field of Habeas holds one, PostgreSQL refuses to store one (a 500 from
    deep inside a page), and a file path or a C library would cut the text at
    it. Runs after LocaleMiddleware, so the page speaks the user's language.
    Uploaded files are not read here: images may hold any byte.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refused = _holds_nul(request)
        except (MultiPartParserError, OSError, ValueError):
            # A body Django cannot read is left to it, as without this check.
            refused = False
        if refused:
            # The error page links to itself in each language: not with the NUL.
            request.path = request.path.replace("\x00", "")
            request.path_info = request.path_info.replace("\x00", "")
            request.META["QUERY_STRING"] = ""
            return render(
                request,
                "400.html",
                {
                    "reason": _(
                        "The address or the form held a NUL character (a zero byte), "
                        "which no text on this site may contain. Remove it and try again."
                    )
                },
                status=400,
            )
        return self.get_response(request)


# The nine controls of habeas.core.text.BIDI_CONTROLS, as UTF-8 bytes:
# U+202A-U+202E are E2 80 AA-AE, U+2066-U+2069 are E2 81 A6-A9. UTF-8 never
# puts these bytes in the middle of another character, so removing them
# leaves every other character whole.
_BIDI_CONTROL_BYTES = re.compile(rb"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


class StripBidiControlsMiddleware:
    """Remove bidirectional embedding, override and isolate controls from every HTML page.

    Names and titles refuse them at input and Markdown drops them, but any
    other stored text (a position's reason, a notice, an old row) could carry
    one into a page, where it would make the text around it display in another
    order than written. Pages isolate runs with ``<bdi>`` and ``dir``, never
    with these characters, so none belongs in a page. Runs inside the public
    page cache, so cached copies are clean too; streamed responses and other
    types (CSV, JSON, PDF) are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        content, removed = _BIDI_CONTROL_BYTES.subn(b"", response.content)
        if removed:
            response.content = content
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(content))
        return response

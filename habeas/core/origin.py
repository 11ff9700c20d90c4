"""Forms that visitors post without a cookie: the browser says where the form came from.

The letter page is the same bytes for every visitor, so it carries no CSRF
token and sets no cookie. A cross-site forgery of a signature is refused
instead by the headers every current browser sends with a form's POST and
a page cannot forge: ``Sec-Fetch-Site`` (``same-origin`` only) or, from a
browser too old for it, ``Origin`` (this site's own). A request with
neither is not a browser's form post and is refused as well. The forged
signature could not count in any case: it waits for a confirmation that
only the address's owner can give.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest


def same_origin(request: HttpRequest) -> bool:
    """Whether the POST came from a page of this site, as the browser reports it."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    parts = urlsplit(origin)
    expected_scheme = "https" if request.is_secure() else "http"
    return parts.scheme == expected_scheme and parts.netloc == request.get_host()

"""No browser or proxy keeps a copy of what a signed-in user saw."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class SignedInNoStoreMiddleware:
    """Mark every response to a signed-in user ``Cache-Control: private, no-store``.

    Organisers' pages carry restricted case data and role lists; a shared
    computer's browser cache or a proxy must not keep them, whatever the
    view set. Anonymous responses keep their own headers (public pages may
    be cached).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
            # A stored copy is refused anyway; no lifetime should suggest otherwise.
            patch_cache_control(response, max_age=0)
        return response

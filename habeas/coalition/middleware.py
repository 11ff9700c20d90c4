"""Holders of roles above editor level pass a second factor before anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from habeas.accounts.queries import two_factor_device
from habeas.coalition.queries import user_requires_two_factor

# Pages such a user may still reach: setting up or entering the second factor,
# and leaving.
SETUP_ALLOWED = {"accounts:two_factor_setup", "accounts:logout"}
VERIFY_ALLOWED = {"accounts:two_factor_verify", "accounts:logout", "accounts:sessions_end_all"}


class TwoFactorRequiredMiddleware:
    """Send a coordinator, moderator, documenter, case-team member, treasurer,
    organisation admin or site admin without a confirmed authenticator to set
    one up, and one who has not entered a code this session to enter one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        if not user_requires_two_factor(user):
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if two_factor_device(user) is None:
            if name in SETUP_ALLOWED:
                return None
            return self._redirect(request, "accounts:two_factor_setup")
        if name in VERIFY_ALLOWED:
            return None
        return self._redirect(request, "accounts:two_factor_verify")

    @staticmethod
    def _redirect(request: HttpRequest, to: str) -> HttpResponse:
        target = reverse(to)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)

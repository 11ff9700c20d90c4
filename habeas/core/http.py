"""Typed requests for signed-in views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    # AUTH_USER_MODEL is accounts.User; core names it for the type checker
    # only, so core still imports nothing from the apps above it.
    from habeas.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request whose user has signed in (views behind login_required)."""

    user: User

"""Typed requests for signed-in views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    # The project's user model (AUTH_USER_MODEL); core imports no app at run time.
    from habeas.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request whose user has signed in (views behind login_required)."""

    user: User

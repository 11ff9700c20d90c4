"""Request types for views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from habeas.accounts.models import User


class AuthedRequest(HttpRequest):
    """The request of a view behind ``login_required``: its user is signed in.

    For type checking only: Django builds plain HttpRequests, and the
    decorator is what makes the user a ``User``.
    """

    user: User

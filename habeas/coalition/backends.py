"""Permissions withheld until a second factor is entered, for the roles that need one."""

from __future__ import annotations

from typing import Any

from rules.permissions import ObjectPermissionBackend

from habeas.coalition.queries import user_requires_two_factor


class SecondFactorRulesBackend(ObjectPermissionBackend):
    """The `rules` permissions, refused to a signed-in user whose roles need a
    second factor (`TWO_FACTOR_ROLES`) and who has not entered one.

    A user read from a request carries django-otp's ``is_verified()``, so a
    service asked by such a user refuses, whoever calls it: a page, another
    service, a future API. A user loaded at the console (a management
    command, the demo loader) carries no such state; whoever runs those holds
    the database already. ``TwoFactorRequiredMiddleware`` sends the same
    users to enter their code before any page; this backend makes the
    services say no as well, so a path that misses the middleware changes
    nothing.
    """

    def has_perm(self, user: Any, perm: str, *args: Any, **kwargs: Any) -> bool:
        if _second_factor_missing(user):
            return False
        # rules leaves its backend untyped.
        return bool(super().has_perm(user, perm, *args, **kwargs))  # type: ignore[no-untyped-call]


def _second_factor_missing(user: Any) -> bool:
    verified = getattr(user, "is_verified", None)
    if verified is None or not user.is_authenticated or verified():
        return False
    # One query per request's user, not per permission asked.
    needs = getattr(user, "_habeas_needs_second_factor", None)
    if needs is None:
        needs = user_requires_two_factor(user)
        user._habeas_needs_second_factor = needs
    return bool(needs)

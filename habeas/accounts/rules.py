"""Predicates about the account itself, used by the apps above."""

from __future__ import annotations

from typing import Any

from rules.predicates import predicate


@predicate
def is_verified(user: Any) -> bool:
    """Signed in with a second factor in this session."""
    check = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and check and check())

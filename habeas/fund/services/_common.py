"""Checks and records every fund service shares."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from habeas.accounts.models import User
from habeas.coalition.models import Organisation
from habeas.fund.models import Fund, FundEvent
from habeas.fund.rules import is_treasurer_for


def require_treasurer(user: User, fund: Fund, organisation: Organisation) -> None:
    """PermissionDenied unless ``user`` is treasurer of ``organisation``, a member of
    the fund's campaign: no one acts for an organisation they do not keep books for."""
    if not user.has_perm("fund.keep_books", fund) or not is_treasurer_for(
        user, fund, organisation
    ):
        raise PermissionDenied


def record(
    fund: Fund,
    kind: str,
    summary: str,
    *,
    by: User | None,
    organisation: Organisation | None = None,
    **links: Any,
) -> FundEvent:
    """Write the fund's record of a step, in the caller's transaction."""
    return FundEvent.objects.create(
        fund=fund, kind=kind, summary=summary[:500], by=by, organisation=organisation, **links
    )

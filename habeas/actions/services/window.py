"""Actions that start and end by the clock: public pages learn of it without a write.

A kept page shows an action as upcoming, with its RSVP form, until its start;
as still on for a few hours after (``queries.public.STILL_ON``) or until its
end. So a page kept for visitors goes stale when one of those times passes,
though nothing was written. The clock runs ``actions_window_check`` every 30
seconds; it replaces the public generation whenever such a time has passed
since its last run.

The fingerprint is, among planned and cancelled actions, the latest start,
the latest start plus STILL_ON and the latest end that have passed. A time
that passes between two runs is later than every time of its kind that had
passed at the first, so the latest of its kind changes, whatever else
changed meanwhile (as for the letters' opening and closing times).
"""

from __future__ import annotations

import datetime

from django.core.cache import caches
from django.db.models import Max, Q
from django.utils import timezone

from habeas.actions.models import Action
from habeas.actions.queries.public import STILL_ON
from habeas.core.pagecache import CACHE_ALIAS, public_changed

# Kept in the pages cache, so a cleared cache (which forgot every page) starts afresh.
FINGERPRINT_KEY = "actions-window:fingerprint"


def window_fingerprint(now: datetime.datetime) -> str:
    """The latest start, start plus STILL_ON and end at or before ``now`` of any planned
    or cancelled action, as text (one query)."""
    passed = Action.objects.filter(
        status__in=[Action.Status.PLANNED, Action.Status.CANCELLED]
    ).aggregate(
        started=Max("starts_at", filter=Q(starts_at__lte=now)),
        no_longer_on=Max("starts_at", filter=Q(starts_at__lte=now - STILL_ON)),
        ended=Max("ends_at", filter=Q(ends_at__lte=now)),
    )
    return "|".join(
        value.isoformat() if value is not None else "-"
        for value in (passed["started"], passed["no_longer_on"], passed["ended"])
    )


def actions_window_check(now: datetime.datetime | None = None) -> bool:
    """Replace the public generation if an action started, stopped being "still on" or
    ended since the last run (or no run is on record). True if it did.

    For the clock. Safe from two clocks at once: both may replace the
    generation, which costs one render more and loses nothing.
    """
    fingerprint = window_fingerprint(now or timezone.now())
    cache = caches[CACHE_ALIAS]
    if cache.get(FINGERPRINT_KEY) == fingerprint:
        return False
    public_changed()
    cache.set(FINGERPRINT_KEY, fingerprint, timeout=None)
    return True

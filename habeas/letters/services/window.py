"""Letters that open and close by the clock: public pages learn of it without a write.

A published letter shows "not yet open", the sign form, or "closed" by its
``opens_at`` and ``closes_at`` (``queries.public.signing_state``), so a page
kept for visitors goes stale when one of those times passes, though nothing
was written. The clock runs ``letters_window_check`` every few seconds; it
replaces the public generation whenever a letter's time has passed since its
last run.

The fingerprint is the latest opening and the latest closing that have
passed, among letters open for signing. A time that passes between two runs
is later than the first run, so it is later than every time that had passed
then: the latest of them changes, whatever else changed meanwhile (a letter
closed by hand, another published).
"""

from __future__ import annotations

import datetime

from django.core.cache import caches
from django.db.models import Max, Q
from django.utils import timezone

from habeas.core.pagecache import CACHE_ALIAS, public_changed
from habeas.letters.models import Letter

# Where the last run's fingerprint is kept: in the pages cache, so that a
# cleared cache (which has forgotten every page anyway) starts afresh.
FINGERPRINT_KEY = "letters-window:fingerprint"


def window_fingerprint(now: datetime.datetime) -> str:
    """The latest opening and closing time at or before ``now`` of any letter open for
    signing, as text (one query over the letters)."""
    passed = Letter.objects.filter(status=Letter.Status.OPEN).aggregate(
        opened=Max("opens_at", filter=Q(opens_at__lte=now)),
        closed=Max("closes_at", filter=Q(closes_at__lte=now)),
    )
    return "|".join(
        value.isoformat() if value is not None else "-"
        for value in (passed["opened"], passed["closed"])
    )


def letters_window_check(now: datetime.datetime | None = None) -> bool:
    """Replace the public generation if a letter opened or closed by its time since the
    last run (or no run is on record). True if it did.

    For the clock. Safe from two clocks at once: both may see the change and
    both replace the generation, which costs one render more and loses nothing.
    """
    fingerprint = window_fingerprint(now or timezone.now())
    cache = caches[CACHE_ALIAS]
    if cache.get(FINGERPRINT_KEY) == fingerprint:
        return False
    public_changed()
    cache.set(FINGERPRINT_KEY, fingerprint, timeout=None)
    return True

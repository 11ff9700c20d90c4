"""Rate limits shared by every worker, kept in Django's cache.

``hit(scope, subject, limits)`` counts one event for ``subject`` (an address
pseudonym, an e-mail domain) in each of its windows and says whether any
window is now over its limit. Windows are fixed: a ``Limit(10, 60)`` allows
ten events in each clock minute, so a burst that straddles two minutes may
pass up to twice the count once; that is the price of one counter a window.
Every event counts, including those already over a limit, so a flood stays
over its sustained limit for as long as it goes on.

Subjects reach the cache only as keyed hashes, and every entry expires with
its window (the longest of them, where one entry holds them all).

Round trips, on the hot path of signing:

* **Redis** (``REDIS_URL``): one pipelined ``MULTI`` of ``SET NX EX`` and
  ``INCR`` for each window of every subject. Atomic: no event is lost.
* **Any other cache** (the database cache by default): one ``get_many`` for
  every subject of the call and one ``set_many`` back, with all windows of a
  subject in one entry. Read-then-write is not atomic: events whose reads
  overlap are counted once. Only requests between their read and their
  write at the same moment can overlap, so with ``W`` requests in flight
  (gunicorn workers times threads) a window counts at least one in ``W`` of
  its events; the limit a flood meets is at most ``W`` times the stated one,
  and a flood from one subject is still caught, later. Requests of different
  subjects never interfere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone
from django.utils.crypto import salted_hmac

_SCOPE = re.compile(r"[a-z0-9_.-]{1,40}")


@dataclass(frozen=True)
class Limit:
    """At most ``count`` events in each window of ``seconds``."""

    count: int
    seconds: int

    def __post_init__(self) -> None:
        if self.count < 1 or self.seconds < 1:
            raise ValueError("A limit needs a positive count and window.")


@dataclass(frozen=True)
class Check:
    """One subject's event to count against its limits (see ``hits``)."""

    scope: str
    subject: str
    limits: Sequence[Limit]


def _key(scope: str, subject: str) -> str:
    if not _SCOPE.fullmatch(scope):
        raise ValueError(f"Bad rate-limit scope {scope!r}.")
    digest = salted_hmac(
        "habeas.core.ratelimit",
        f"{scope}\x00{subject}",
        secret=settings.SECRET_KEY,
        algorithm="sha256",
    ).hexdigest()[:32]
    return f"habeas:rl:{scope}:{digest}"


def hit(scope: str, subject: str, limits: Sequence[Limit], *, now: datetime | None = None) -> bool:
    """Count one event of ``subject`` in ``scope``; True if it is over any of ``limits``.

    ``now`` (default: the current time) places the event in its windows.
    """
    return hits([Check(scope, subject, limits)], now=now)[0]


def hits(checks: Sequence[Check], *, now: datetime | None = None) -> list[bool]:
    """``hit`` for several subjects in one round trip to the cache (two without Redis).

    A check with no limits counts nothing and is never over.
    """
    at = (now or timezone.now()).timestamp()
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        return _hits_redis(backend, checks, at)
    return _hits_generic(backend, checks, at)


def _window(limit: Limit, now: float) -> tuple[int, int]:
    """The window ``now`` falls in, and the whole seconds until it ends (at least 1)."""
    index = int(now // limit.seconds)
    left = math.ceil((index + 1) * limit.seconds - now)
    return index, max(left, 1)


def _hits_generic(cache: BaseCache, checks: Sequence[Check], now: float) -> list[bool]:
    keys = [_key(check.scope, check.subject) for check in checks]
    stored: dict[str, Any] = cache.get_many(
        [key for key, check in zip(keys, checks, strict=True) if check.limits]
    )
    over: list[bool] = []
    writes: dict[str, dict[int, tuple[int, int]]] = {}
    timeouts: dict[str, int] = {}  # the longest window of each entry's subject
    for key, check in zip(keys, checks, strict=True):
        if not check.limits:
            over.append(False)
            continue
        # {window seconds: (window index, events)}; a stale index starts again at 0.
        entry: dict[int, tuple[int, int]] = writes.get(key) or stored.get(key) or {}
        fresh: dict[int, tuple[int, int]] = {}
        is_over = False
        timeout = 1
        for limit in check.limits:
            index, left = _window(limit, now)
            seen_index, events = entry.get(limit.seconds, (index, 0))
            events = (events if seen_index == index else 0) + 1
            fresh[limit.seconds] = (index, events)
            is_over = is_over or events > limit.count
            timeout = max(timeout, left)
        writes[key] = fresh
        timeouts[key] = timeout
        over.append(is_over)
    # One set_many for each distinct timeout: one in practice, as subjects of one call
    # share their longest window.
    for timeout in sorted(set(timeouts.values())):
        cache.set_many({k: v for k, v in writes.items() if timeouts[k] == timeout}, timeout)
    return over


def _hits_redis(backend: RedisCache, checks: Sequence[Check], now: float) -> list[bool]:
    # Django's RedisCache has no atomic increment with expiry; its client does.
    redis_cache: Any = backend
    client = redis_cache._cache.get_client(write=True)
    pipe = client.pipeline(transaction=True)
    planned: list[list[Limit]] = []
    for check in checks:
        base = _key(check.scope, check.subject)
        for limit in check.limits:
            index, left = _window(limit, now)
            key = redis_cache.make_and_validate_key(f"{base}:{limit.seconds}:{index}")
            # Created with its expiry, then counted, in one MULTI: never a key without one.
            pipe.set(key, 0, ex=left, nx=True)
            pipe.incr(key)
        planned.append(list(check.limits))
    results = pipe.execute() if any(planned) else []
    counts = iter(int(count) for count in results[1::2])
    over: list[bool] = []
    for limits in planned:
        events = [next(counts) for _limit in limits]
        over.append(any(n > limit.count for n, limit in zip(events, limits, strict=True)))
    return over

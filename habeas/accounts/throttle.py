"""The sign-in guard: wrong guesses slow an account down without locking its owner out.

Two rules, for the password and for the second factor alike:

* **One address.** Five failures for one account from one address lock that
  pair for fifteen minutes. For the password django-axes does this (it is
  configured in settings); for the second factor this module does.
* **Many addresses.** Failures for one account from every address count
  together. Past ``ACCOUNT_FREE_FAILURES`` within an hour, an address that
  has not signed in to the account before must wait after each failure, a
  wait that doubles with every further failure up to ``ACCOUNT_MAX_WAIT``.
  Its attempt is refused ("try again in N seconds") without being checked.
  An address the account signed in from in the last ``KNOWN_FOR`` is never
  made to wait, so an attacker spreading guesses over many addresses slows
  the account down for strangers, not for its owner at home.

Accounts and addresses reach the cache only as keyed hashes (addresses are
already pseudonyms, see habeas.core.privacy), and every entry expires.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

FIRST_FACTOR = "password"
SECOND_FACTOR = "code"

PAIR_FAILURE_LIMIT = 5
PAIR_LOCK = timedelta(minutes=15)
ACCOUNT_FREE_FAILURES = 10
ACCOUNT_WINDOW = timedelta(hours=1)
ACCOUNT_MAX_WAIT = timedelta(minutes=5)
KNOWN_FOR = timedelta(days=30)


def _key(kind: str, factor: str, account: str, address: str = "") -> str:
    digest = salted_hmac(
        "habeas.accounts.throttle",
        f"{kind}\x00{factor}\x00{account}\x00{address}",
        secret=settings.SECRET_KEY,
        algorithm="sha256",
    ).hexdigest()
    return f"habeas:signin:{kind}:{digest}"


def _now() -> float:
    return timezone.now().timestamp()


def account_wait(failures: int) -> int:
    """Seconds a stranger waits after the account's latest failure, given its count."""
    if failures < ACCOUNT_FREE_FAILURES:
        return 0
    cap = int(ACCOUNT_MAX_WAIT.total_seconds())
    return min(1 << min(failures - ACCOUNT_FREE_FAILURES, 32), cap)


def wait_seconds(*, factor: str, account: str, address: str) -> int:
    """How long the attempt must wait before it may be checked; 0 to check it now.

    ``account`` is the username (password) or the user's id (second factor);
    ``address`` is the client address pseudonym.
    """
    now = _now()
    if factor == SECOND_FACTOR:
        pair: dict[str, Any] | None = cache.get(_key("pair", factor, account, address))
        if pair and pair["failures"] >= PAIR_FAILURE_LIMIT:
            left: float = pair["last"] + PAIR_LOCK.total_seconds() - now
            if left > 0:
                return math.ceil(left)
    if cache.get(_key("known", factor, account, address)):
        return 0
    counted: dict[str, Any] | None = cache.get(_key("account", factor, account))
    if counted:
        remaining: float = counted["last"] + account_wait(counted["failures"]) - now
        if remaining > 0:
            return math.ceil(remaining)
    return 0


def _count(key: str, lifetime: timedelta) -> None:
    entry: dict[str, Any] = cache.get(key) or {"failures": 0}
    entry = {"failures": entry["failures"] + 1, "last": _now()}
    cache.set(key, entry, int(lifetime.total_seconds()))


def failure_record(*, factor: str, account: str, address: str) -> None:
    """Count a wrong password or code for the account (and, for codes, the pair)."""
    _count(_key("account", factor, account), ACCOUNT_WINDOW)
    if factor == SECOND_FACTOR:
        _count(_key("pair", factor, account, address), PAIR_LOCK)


def success_record(*, factor: str, account: str, address: str) -> None:
    """Remember the address as the account's own for ``KNOWN_FOR``; clear its pair count."""
    cache.set(_key("known", factor, account, address), True, int(KNOWN_FOR.total_seconds()))
    cache.delete(_key("pair", factor, account, address))

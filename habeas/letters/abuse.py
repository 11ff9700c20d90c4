"""Telling a person's signature from a flood, without asking a third party.

``assess`` gives a submitted signature its suspect reason, or none. A
suspect signature is stored and answered like any other, so a sender learns
nothing, but it does not count until a moderator says so. The checks, in
order (the first that applies names the reason):

1. the honeypot, a field people cannot see, is filled in;
2. the form came back sooner than ``MIN_FILL_SECONDS`` after it was served,
   or without a valid served-at time;
3. the address is at a disposable-mail domain (``habeas/core/disposable_domains.txt``);
4. its client address (pseudonym) signed too often;
5. its e-mail domain signed too often.

Only a submission that passes 1-3 is counted against the rates, so bots the
cheap checks catch cost no cache round trip. Rates count every letter
together, over a burst window and a sustained one; the big mail providers,
where thousands of real people sign within an hour, get far higher domain
limits than a small domain, where a flood shows.

The limits are the constants below; ``settings.HABEAS_LETTER_LIMITS`` may
replace any of them (a benchmark signing from one address needs to), as a
dict from ``"ip"``, ``"domain"`` or ``"large_domain"`` to a list of
``(count, seconds)`` pairs, plus ``"min_fill_seconds"``::

    HABEAS_LETTER_LIMITS = {"ip": [(1_000_000, 60)], "min_fill_seconds": 0}
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings

from habeas.core.disposable import is_disposable
from habeas.core.ratelimit import Check, Limit, hits
from habeas.letters.models import Signature

MIN_FILL_SECONDS = 3

MINUTE = 60
DAY = 86_400
# Mobile networks and universities put many people behind one address.
IP_LIMITS = (Limit(10, MINUTE), Limit(100, DAY))
# A union branch's own domain after a mail-out to its members.
DOMAIN_LIMITS = (Limit(30, MINUTE), Limit(1_000, DAY))
# Providers where thousands of unrelated people sign within the hour.
LARGE_DOMAIN_LIMITS = (Limit(3_000, MINUTE), Limit(500_000, DAY))
LARGE_PROVIDERS = frozenset(
    {
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "163.com",
        "zoho.com",
        "tutanota.com",
        "riseup.net",
    }
)


def _configured() -> dict[str, Any]:
    value: dict[str, Any] = getattr(settings, "HABEAS_LETTER_LIMITS", None) or {}
    return value


def _limits(name: str, default: tuple[Limit, ...]) -> tuple[Limit, ...]:
    pairs = _configured().get(name)
    if pairs is None:
        return default
    return tuple(Limit(int(count), int(seconds)) for count, seconds in pairs)


def ip_limits() -> tuple[Limit, ...]:
    return _limits("ip", IP_LIMITS)


def domain_limits(domain: str) -> tuple[Limit, ...]:
    """The limits for ``domain``: a big provider's, or a small domain's."""
    if domain in LARGE_PROVIDERS:
        return _limits("large_domain", LARGE_DOMAIN_LIMITS)
    return _limits("domain", DOMAIN_LIMITS)


def min_fill_seconds() -> float:
    return float(_configured().get("min_fill_seconds", MIN_FILL_SECONDS))


def assess(
    *,
    ip_hash: str,
    email_domain: str,
    honeypot: str,
    started_at: datetime | None,
    now: datetime,
) -> Signature.Suspect:
    """The suspect reason of a submission, or ``Signature.Suspect.NONE``.

    ``started_at`` is when the form was served, from the form's signed
    timestamp; None when it was missing or forged. ``email_domain`` is the
    canonical domain of the address. Counts the submission against the
    rates of its address and its domain (see the module docstring).
    """
    if honeypot.strip():
        return Signature.Suspect.HONEYPOT
    if started_at is None or (now - started_at).total_seconds() < min_fill_seconds():
        return Signature.Suspect.TOO_FAST
    domain = email_domain.strip().lower()
    if domain and is_disposable(domain):
        return Signature.Suspect.DISPOSABLE
    checks = [
        Check("letters.ip", ip_hash, ip_limits() if ip_hash else ()),
        Check("letters.domain", domain, domain_limits(domain) if domain else ()),
    ]
    ip_over, domain_over = hits(checks, now=now)
    if ip_over:
        return Signature.Suspect.IP_RATE
    if domain_over:
        return Signature.Suspect.DOMAIN_RATE
    return Signature.Suspect.NONE

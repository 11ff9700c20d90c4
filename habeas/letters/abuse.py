"""Whether a signature looks like abuse: kept as suspect and not counted if so.

(The rate limits and the list of disposable-mail domains are added beside
these checks.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from habeas.letters.models import Signature

MIN_FILL = timedelta(seconds=3)


def assess(
    *,
    ip_hash: str,
    email_domain: str,
    honeypot: str,
    started_at: datetime | None,
    now: datetime,
) -> Signature.Suspect:
    """Why this submission is suspect, or ``Suspect.NONE``."""
    if honeypot:
        return Signature.Suspect.HONEYPOT
    if started_at is None or now - started_at < MIN_FILL:
        return Signature.Suspect.TOO_FAST
    return Signature.Suspect.NONE

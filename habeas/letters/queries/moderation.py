"""What a letter's moderators read: who signs unusually often, suspects, past batches.

The signing report is computed when asked, from the signature rows and
their indexes (``letters_signed_at`` narrows to the letter and the window),
rather than stored: stored rows would copy address pseudonyms into a second
table that would need its own 30-day expiry, and would be stale between
runs. ``hourly_report`` runs it for every open letter from the clock and
logs, without any pseudonym or domain, which letters need a look.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from habeas.core.lists import Paged, paged
from habeas.letters.abuse import LARGE_PROVIDERS
from habeas.letters.models import Letter, Signature, SignatureInvalidation

logger = logging.getLogger(__name__)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# Signatures from one source within the window above which it shows in the report.
THRESHOLDS = {
    HOUR: {"ip": 5, "domain": 20, "large_domain": 1_000},
    DAY: {"ip": 20, "domain": 100, "large_domain": 10_000},
}
TOP = 20
COUNTING = Q(status=Signature.Status.CONFIRMED, suspect="", invalidation__isnull=True)


@dataclass(frozen=True)
class Source:
    """One address pseudonym or e-mail domain and how often it signed in the window."""

    value: str
    signatures: int
    counting: int


@dataclass(frozen=True)
class Report:
    """Sources of one letter's signatures above the thresholds in ``[since, until)``."""

    letter: Letter
    since: datetime
    until: datetime
    addresses: list[Source]
    domains: list[Source]

    def __bool__(self) -> bool:
        return bool(self.addresses or self.domains)


def _sources(rows: QuerySet[Signature], field: str, having: Q) -> list[Source]:
    grouped = (
        rows.exclude(**{field: ""})
        .values(field)
        .annotate(signatures=Count("id"), counting=Count("id", filter=COUNTING))
        .filter(having)
        .order_by("-signatures", field)[:TOP]
    )
    return [Source(row[field], row["signatures"], row["counting"]) for row in grouped]


def signing_report(letter: Letter, *, window: timedelta, now: datetime | None = None) -> Report:
    """The addresses and domains that signed ``letter`` unusually often in the last ``window``.

    Unusual is above ``THRESHOLDS`` for the window (an hour or a day); the
    big mail providers have thresholds of their own. At most ``TOP`` of
    each, the busiest first, each with how many of its signatures count now.
    """
    until = now or timezone.now()
    since = until - window
    limits = THRESHOLDS[window]
    rows = Signature.objects.filter(letter=letter, created_at__gte=since, created_at__lt=until)
    large = Q(email_domain__in=LARGE_PROVIDERS)
    return Report(
        letter=letter,
        since=since,
        until=until,
        addresses=_sources(rows, "ip_hash", Q(signatures__gt=limits["ip"])),
        domains=_sources(
            rows,
            "email_domain",
            (large & Q(signatures__gt=limits["large_domain"]))
            | (~large & Q(signatures__gt=limits["domain"])),
        ),
    )


def suspect_counts(letter: Letter) -> list[tuple[str, int]]:
    """How many of the letter's confirmed or pending signatures each suspect reason holds.

    As ``(label, count)`` for the reasons that hold any, in the order of
    ``Signature.Suspect``.
    """
    rows = (
        Signature.objects.filter(
            letter=letter, status__in=[Signature.Status.PENDING, Signature.Status.CONFIRMED]
        )
        .exclude(suspect="")
        .values("suspect")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["suspect"]: row["n"] for row in rows}
    return [
        (str(reason.label), counts[reason.value])
        for reason in Signature.Suspect
        if reason.value in counts
    ]


def invalidations_page(letter: Letter, query: QueryDict) -> Paged:
    """One page of the letter's batches, newest first, with who made and undid them."""
    rows = SignatureInvalidation.objects.filter(letter=letter).select_related(
        "created_by", "undone_by"
    )
    return paged(rows.order_by("-created_at", "-id"), query, "batches", size=20)


def hourly_report(now: datetime | None = None) -> dict[str, Report]:
    """The last hour's report of every open letter that has something to show, by slug.

    For the clock, hourly. Logs a warning naming each such letter and how
    many sources it shows (never the sources: logs are kept longer than
    pseudonyms), so whoever watches the logs knows which page to open.
    """
    now = now or timezone.now()
    found: dict[str, Report] = {}
    for letter in Letter.objects.filter(status=Letter.Status.OPEN).order_by("pk"):
        report = signing_report(letter, window=HOUR, now=now)
        if report:
            found[letter.slug] = report
            logger.warning(
                "Letter %s: %d addresses and %d e-mail domains signed unusually often "
                "in the last hour; see its moderation page.",
                letter.slug,
                len(report.addresses),
                len(report.domains),
            )
    return found

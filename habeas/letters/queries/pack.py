"""What the delivery pack reads: texts, endorsements, counts and public signatories.

Only what the letter page may show is read: verified endorsements, and of
the signatures only those that count and whose signers chose to be shown,
never an e-mail address. Signatories are read in keyset pages of
``CHUNK`` rows in a fixed order (time of confirmation, then id), so a
million of them pass through in flat memory and no query holds a cursor
or a snapshot open while the response streams.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Sum, Value, When

from habeas.coalition.models import Organisation
from habeas.core.countries import country_name
from habeas.letters.models import Endorsement, Letter, LetterText, Signature, SignatureCount

CHUNK = 2000

# A signature counts iff it is confirmed, not suspect and in no invalidated
# batch (Signature.counts); the partial index letters_public_signatories
# covers exactly PUBLIC.
COUNTS = Q(status=Signature.Status.CONFIRMED, suspect="", invalidation__isnull=True)
PUBLIC = COUNTS & Q(show_name=True)

# Unions first, then the other kinds in the order Organisation.Kind lists them.
KIND_ORDER = [Organisation.Kind.UNION] + [
    kind for kind in Organisation.Kind if kind != Organisation.Kind.UNION
]


@dataclass(frozen=True)
class Signatory:
    """A public signatory as the pack shows one: never an e-mail address."""

    name: str
    city: str
    country: str
    affiliation: str

    @property
    def country_name(self) -> str:
        """The country's name in the active language."""
        return country_name(self.country)


@dataclass(frozen=True)
class PackEndorsement:
    """A verified endorsement as the pack shows one."""

    name: str
    kind: str
    country: str
    signatory: str
    signatory_role: str

    @property
    def country_name(self) -> str:
        """The country's name in the active language, or "" if none is known."""
        return country_name(self.country) if self.country else ""

    @property
    def kind_label(self) -> str:
        """The kind's name in the active language."""
        return str(Organisation.Kind(self.kind).label)


@dataclass(frozen=True)
class PackCounts:
    """The pack's figures: people as the letter page publishes them, organisations,
    people by country (most first), and how many signatories are named."""

    people: int
    organisations: int
    by_country: list[tuple[str, int]]
    named: int

    @property
    def country_names(self) -> list[tuple[str, int]]:
        """``by_country`` with each country's name in the active language."""
        return [(country_name(code), total) for code, total in self.by_country]


def pack_texts(letter: Letter) -> list[LetterText]:
    """The letter's texts, English first, then Urdu, then any other language."""
    order = Case(
        When(language="en", then=Value(0)),
        When(language="ur", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(letter.texts.order_by(order, "language"))


def pack_endorsements(letter: Letter) -> Iterator[PackEndorsement]:
    """The letter's verified endorsements, grouped by kind (unions first), then by
    country and name; pending, rejected and withdrawn ones never appear."""
    kind_order = Case(
        *(When(kind=kind, then=Value(n)) for n, kind in enumerate(KIND_ORDER)),
        default=Value(len(KIND_ORDER)),
        output_field=IntegerField(),
    )
    rows = (
        Endorsement.objects.filter(letter=letter, status=Endorsement.Status.VERIFIED)
        .order_by(kind_order, "country", "name", "pk")
        .values_list("name", "kind", "country", "signatory", "signatory_role")
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield PackEndorsement(*row)


def pack_counts(letter: Letter) -> PackCounts:
    """The pack's figures.

    People and countries are those the periodic tally published (the few
    ``SignatureCount`` rows the letter page sums, so the pack and the page
    agree); the named signatories are counted from the rows the pack lists.
    """
    by_country = list(
        SignatureCount.objects.filter(letter=letter)
        .values("country")
        .annotate(total=Sum("signatures"))
        .filter(total__gt=0)
        .order_by("-total", "country")
        .values_list("country", "total")
    )
    organisations = Endorsement.objects.filter(
        letter=letter, status=Endorsement.Status.VERIFIED
    ).count()
    named = Signature.objects.filter(PUBLIC, letter=letter, confirmed_at__isnull=False).count()
    return PackCounts(
        people=sum(total for _country, total in by_country),
        organisations=organisations,
        by_country=by_country,
        named=named,
    )


def pack_signatories(letter: Letter, *, limit: int | None = None) -> Iterator[Signatory]:
    """The letter's public signatories in order of confirmation (then id), at most
    ``limit`` of them, read ``CHUNK`` rows at a time by keyset.

    Only signatures that count and whose signer chose to be shown are read,
    and only their name, city, country and affiliation.
    """
    base = Signature.objects.filter(PUBLIC, letter=letter, confirmed_at__isnull=False)
    after: tuple[datetime.datetime | None, int] | None = None
    left = limit
    while left is None or left > 0:
        page = base
        if after is not None:
            at, pk = after
            # The >= bound is what an index can seek to; the OR alone makes
            # PostgreSQL scan every earlier row again on each page.
            page = page.filter(
                Q(confirmed_at__gte=at), Q(confirmed_at__gt=at) | Q(confirmed_at=at, pk__gt=pk)
            )
        size = CHUNK if left is None else min(CHUNK, left)
        rows = list(
            page.order_by("confirmed_at", "pk").values_list(
                "confirmed_at", "pk", "name", "city", "country", "affiliation"
            )[:size]
        )
        for _at, _pk, name, city, country, affiliation in rows:
            yield Signatory(name=name, city=city, country=country, affiliation=affiliation)
        if len(rows) < size:
            return
        after = (rows[-1][0], rows[-1][1])
        if left is not None:
            left -= len(rows)

"""Reads for the public letter pages: letters, their texts, counts, endorsements, signatories.

Counts come from ``SignatureCount`` only (a few rows per letter, written by
the tally), never from counting signatures, so a letter page costs the same
with a hundred signatures or a million. Only published letters are listed;
a draft reaches a page only through ``access_letter_for_reader``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.http import QueryDict
from django.utils import timezone

from habeas.coalition.models import Campaign, Organisation
from habeas.core.lists import Capped, Paged, capped, paged
from habeas.letters.models import Endorsement, Letter, LetterText, Signature, SignatureCount

PUBLISHED = (Letter.Status.OPEN, Letter.Status.CLOSED)
LETTERS_PAGE = 20
SIGNATORIES_PAGE = 25
# No list of signatories goes deeper than this many pages.
SIGNATORIES_MAX_PAGE = 100_000
# Endorsing organisations the letter page shows before linking to all of them.
ENDORSEMENTS_CAP = 24
ENDORSEMENTS_PAGE = 50
FALLBACK_LANGUAGE = "en"

# Unions first: the letter appeals to the trade-union movement.
KIND_ORDER = [
    Organisation.Kind.UNION,
    Organisation.Kind.PARTY,
    Organisation.Kind.CAMPAIGN_GROUP,
    Organisation.Kind.NGO,
    Organisation.Kind.STUDENT_GROUP,
    Organisation.Kind.OTHER,
]

# Anything that looks like an e-mail address in a name someone typed.
_ADDRESS = re.compile(r"[^\s@<>()\[\]]+@[^\s@<>()\[\]]+")


def _without_addresses(text: str) -> str:
    """``text`` with anything that looks like an e-mail address replaced by an ellipsis."""
    return _ADDRESS.sub("…", text)


def letters_published() -> QuerySet[Letter]:
    """Letters the public may read: open or closed, never drafts, never a draft
    campaign's; newest first."""
    return (
        Letter.objects.filter(status__in=PUBLISHED)
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .order_by("-published_at", "-pk")
    )


def signing_state(letter: Letter, now: datetime.datetime | None = None) -> str:
    """``"open"`` while the letter takes signatures, ``"not_yet"`` before it opens,
    ``"closed"`` once closed (by an organiser or by its closing time), ``"draft"``."""
    now = now or timezone.now()
    if letter.status == Letter.Status.DRAFT:
        return "draft"
    if letter.status == Letter.Status.CLOSED or (letter.closes_at and letter.closes_at <= now):
        return "closed"
    if letter.opens_at and letter.opens_at > now:
        return "not_yet"
    return "open"


def _pick(texts: list[LetterText], language: str) -> LetterText | None:
    by_language = {text.language: text for text in texts}
    return (
        by_language.get(language)
        or by_language.get(FALLBACK_LANGUAGE)
        or (texts[0] if texts else None)
    )


@dataclass(frozen=True)
class LetterRow:
    """One letter in the list: its title in the reader's language if it has one."""

    letter: Letter
    title: str
    title_language: str
    total: int
    state: str


@dataclass(frozen=True)
class LettersPage:
    paged: Paged
    rows: list[LetterRow]


def letters_public(query: QueryDict, *, language: str) -> LettersPage:
    """One page (``?page=``) of published letters, newest first, each with its title and
    count. Four queries, however many letters or signatures there are."""
    titles = LetterText.objects.only("letter_id", "language", "title")
    page = paged(
        letters_published().prefetch_related(Prefetch("texts", queryset=titles)),
        query,
        "page",
        LETTERS_PAGE,
    )
    letters = list(page.page.object_list)
    totals = dict(
        SignatureCount.objects.filter(letter__in=[letter.pk for letter in letters])
        .values("letter_id")
        .annotate(n=Sum("signatures"))
        .values_list("letter_id", "n")
    )
    rows = []
    for letter in letters:
        text = _pick(list(letter.texts.all()), language)
        rows.append(
            LetterRow(
                letter=letter,
                title=text.title if text else letter.slug,
                title_language=text.language if text else FALLBACK_LANGUAGE,
                total=max(totals.get(letter.pk) or 0, 0),
                state=signing_state(letter),
            )
        )
    return LettersPage(page, rows)


def letters_open_of(campaign: Campaign, *, language: str) -> list[LetterRow]:
    """The campaign's letters open for signing (at most a page of them), newest first."""
    titles = LetterText.objects.only("letter_id", "language", "title")
    letters = list(
        Letter.objects.filter(campaign=campaign, status=Letter.Status.OPEN)
        .order_by("-published_at", "-pk")
        .prefetch_related(Prefetch("texts", queryset=titles))[:LETTERS_PAGE]
    )
    rows = []
    for letter in letters:
        state = signing_state(letter)
        if state == "closed":
            continue
        text = _pick(list(letter.texts.all()), language)
        rows.append(
            LetterRow(
                letter=letter,
                title=text.title if text else letter.slug,
                title_language=text.language if text else FALLBACK_LANGUAGE,
                total=0,
                state=state,
            )
        )
    return rows


@dataclass(frozen=True)
class LetterTexts:
    """The text a reader sees, and which languages the letter is written in.

    ``fallback`` is true when the reader's language has no text and the
    English one is shown instead (marked as English on the page).
    """

    text: LetterText | None
    language: str
    fallback: bool
    languages: list[str]
    others: list[str]


def letter_texts(letter: Letter, *, language: str) -> LetterTexts:
    """The letter's text in ``language``, else in English, else in any language it has."""
    texts = list(LetterText.objects.filter(letter=letter).order_by("language"))
    text = _pick(texts, language)
    shown = text.language if text else language
    present = {t.language for t in texts}
    order = [code for code, _name in settings.LANGUAGES]
    languages = [code for code in order if code in present] + sorted(present - set(order))
    return LetterTexts(
        text=text,
        language=shown,
        fallback=text is not None and shown != language,
        languages=languages,
        others=[code for code in languages if code != language],
    )


@dataclass(frozen=True)
class LetterCounts:
    """How many counted signatures a letter has: in all, by country, by day."""

    total: int
    by_country: list[tuple[str, int]]
    by_day: list[tuple[datetime.date, int]]

    @property
    def cumulative(self) -> list[tuple[datetime.date, int]]:
        """The running total at the end of each day with signatures."""
        running, points = 0, []
        for day, n in self.by_day:
            running += n
            points.append((day, running))
        return points


def letter_counts(letter: Letter) -> LetterCounts:
    """The letter's counts from ``SignatureCount`` (two queries over a few rows).

    Exact as of the last fold of the tally (a few seconds at most); countries
    and days whose count is zero are left out.
    """
    rows = SignatureCount.objects.filter(letter=letter)
    by_country = [
        (row["country"], row["n"])
        for row in rows.values("country").annotate(n=Sum("signatures")).order_by("country")
        if row["n"] > 0
    ]
    by_country.sort(key=lambda pair: (-pair[1], pair[0]))
    by_day = [
        (row["day"], row["n"])
        for row in rows.values("day").annotate(n=Sum("signatures")).order_by("day")
        if row["n"] > 0
    ]
    return LetterCounts(sum(n for _c, n in by_country), by_country, by_day)


def letter_total(letter: Letter) -> int:
    """The letter's counted signatures in all (one query over its few count rows)."""
    total = SignatureCount.objects.filter(letter=letter).aggregate(n=Sum("signatures"))["n"]
    return max(total or 0, 0)


@dataclass(frozen=True)
class EndorsementRow:
    name: str
    kind: str
    kind_label: str
    country: str
    signatory: str
    signatory_role: str
    url: str


@dataclass(frozen=True)
class EndorsementGroup:
    kind: str
    label: str
    rows: list[EndorsementRow]


def _endorsements(letter: Letter) -> QuerySet[Endorsement]:
    kind_rank = Case(
        *(When(kind=kind, then=Value(n)) for n, kind in enumerate(KIND_ORDER)),
        default=Value(len(KIND_ORDER)),
        output_field=IntegerField(),
    )
    return (
        Endorsement.objects.filter(letter=letter, status=Endorsement.Status.VERIFIED)
        .select_related("organisation")
        .annotate(kind_rank=kind_rank)
        .order_by("kind_rank", "country", "name", "pk")
    )


def _endorsement_row(endorsement: Endorsement) -> EndorsementRow:
    organisation = endorsement.organisation
    return EndorsementRow(
        name=endorsement.name,
        kind=endorsement.kind,
        kind_label=str(Organisation.Kind(endorsement.kind).label)
        if endorsement.kind in Organisation.Kind.values
        else endorsement.kind,
        country=endorsement.country,
        signatory=endorsement.signatory,
        signatory_role=endorsement.signatory_role,
        url=organisation.get_absolute_url() if organisation else "",
    )


def _grouped(rows: list[EndorsementRow]) -> list[EndorsementGroup]:
    groups: list[EndorsementGroup] = []
    for row in rows:
        if not groups or groups[-1].kind != row.kind:
            groups.append(EndorsementGroup(row.kind, row.kind_label, []))
        groups[-1].rows.append(row)
    return groups


@dataclass(frozen=True)
class Endorsements:
    """Verified endorsements, unions first, then by country and name."""

    groups: list[EndorsementGroup]
    total: int
    more: bool


def endorsements_public(letter: Letter, *, limit: int = ENDORSEMENTS_CAP) -> Endorsements:
    """The first ``limit`` verified endorsements of ``letter`` grouped by kind (unions
    first, then by country, then name), each linking to its organisation's page when it
    is on Habeas; and how many there are. One query, two when there are more."""
    shown: Capped[Any] = capped(_endorsements(letter), limit)
    rows = [_endorsement_row(endorsement) for endorsement in shown]
    return Endorsements(_grouped(rows), shown.total, shown.more)


def endorsements_page(letter: Letter, query: QueryDict) -> tuple[Paged, list[EndorsementGroup]]:
    """One page (``?page=``) of all verified endorsements of ``letter``, grouped as above."""
    page = paged(_endorsements(letter), query, "page", ENDORSEMENTS_PAGE)
    return page, _grouped([_endorsement_row(e) for e in page.page.object_list])


@dataclass(frozen=True)
class Signatory:
    """What the public sees of a signature: never its e-mail address."""

    name: str
    city: str
    country: str
    affiliation: str


@dataclass(frozen=True)
class SignatoriesPage:
    rows: list[Signatory]
    number: int
    has_previous: bool
    has_next: bool


# The condition of the partial index ``letters_public_signatories``, word for word,
# so that the database reads only the index's rows.
PUBLIC_SIGNATORIES = Q(
    status=Signature.Status.CONFIRMED, show_name=True, suspect="", invalidation=None
)


def public_signatories(
    letter: Letter, page: int = 1, *, size: int = SIGNATORIES_PAGE
) -> SignatoriesPage | None:
    """Page ``page`` (from 1) of the signatures of ``letter`` that count and whose
    signers chose to be shown, newest first: name, city, country and affiliation only.

    One query on the partial index ``letters_public_signatories``; no total is
    counted. None for a page before the first, past the last or past
    SIGNATORIES_MAX_PAGE (the page answers 404). Anything that looks like an
    e-mail address inside a name, city or affiliation is replaced by "…".
    """
    if page < 1 or page > SIGNATORIES_MAX_PAGE:
        return None
    start = (page - 1) * size
    found = list(
        Signature.objects.filter(PUBLIC_SIGNATORIES, letter=letter)
        .order_by("-confirmed_at", "-id")
        .values_list("name", "city", "country", "affiliation")[start : start + size + 1]
    )
    if not found and page > 1:
        return None
    rows = [
        Signatory(
            _without_addresses(name),
            _without_addresses(city),
            country,
            _without_addresses(affiliation),
        )
        for name, city, country, affiliation in found[:size]
    ]
    return SignatoriesPage(rows, page, page > 1, len(found) > size)


def endorsements_count(letter: Letter) -> int:
    """How many organisations have a verified endorsement of ``letter``."""
    return Endorsement.objects.filter(letter=letter, status=Endorsement.Status.VERIFIED).count()

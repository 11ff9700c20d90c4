"""Reads of the register that pages need: only published, verified facts."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.expressions import OrderBy, RawSQL
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from habeas.cases import dates, history, search
from habeas.cases.models import (
    NOT_HELD,
    CaseShare,
    Detention,
    DetentionSpan,
    Facility,
    Person,
    PersonRestricted,
    Precision,
    PublicRecord,
    PublicVersion,
    Status,
    StatusChange,
)
from habeas.cases.publication import gather, public_data
from habeas.cases.rules import documented_by, persons_with_role, proposals_for
from habeas.coalition.models import Campaign, Organisation, Role
from habeas.core.lists import CAP, Capped, capped
from habeas.core.pagecache import public_changed

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    from habeas.accounts.models import User

    class _Data(TypedDict):
        data: dict[str, Any]

    # A public record read with its data (``with_data``).
    RecordWithData = WithAnnotations[PublicRecord, _Data]

SORTS = {
    "name": ("name", "pk"),
    "arrested": ("arrested_on", "pk"),
    "-arrested": ("-arrested_on", "-pk"),
    "region": ("home_region", "name", "pk"),
}


def latest_data() -> Subquery:
    """A record's public facts, for ``annotate(data=...)``: its latest version's data."""
    latest = PublicVersion.objects.filter(person_id=OuterRef("pk"), number=OuterRef("version"))
    return Subquery(latest.values("data"))


def with_data(records: QuerySet[PublicRecord]) -> QuerySet[RecordWithData]:
    """``records``, each with ``data``: the public facts its latest version holds."""
    return records.annotate(data=latest_data())


def persons_defended_by(campaign: Campaign, limit: int = CAP) -> Capped[RecordWithData]:
    """The verified persons a campaign defends, most recently verified first.

    At most ``limit`` of them, with their data, and how many there are in
    all (the register, filtered to the campaign, lists every one): at most
    three queries, however many persons the campaign defends.
    """
    first = capped(
        PublicRecord.objects.filter(person__campaigns=campaign)
        .order_by("-verified_at", "-pk")
        .values_list("pk", flat=True),
        limit,
    )
    found = {r.pk: r for r in with_data(PublicRecord.objects.filter(pk__in=list(first.items)))}
    return Capped([found[pk] for pk in first.items], first.total)


def persons_affiliated_with(organisation: Organisation, limit: int = CAP) -> Capped[PublicRecord]:
    """Verified persons the register ties to an organisation, by name: at most ``limit``,
    and how many there are (at most two queries)."""
    return capped(
        PublicRecord.objects.filter(organisations=organisation)
        .order_by("name", "pk")
        .only("pk", "slug", "name"),
        limit,
    )


# Statuses in which a person is held now (every status but those of NOT_HELD).
HELD = tuple(s for s in Status.values if s not in NOT_HELD)

# How much of the current detention's arrest date is known, as the register
# filters on it: one precision, or NOT_DAY for any but the day (the persons
# the daily statistics leave out).
NOT_DAY = "NOT_DAY"
ARREST_KNOWN = {
    Precision.DAY.value: (Precision.DAY,),
    Precision.MONTH.value: (Precision.MONTH,),
    Precision.YEAR.value: (Precision.YEAR,),
    Precision.UNKNOWN.value: (Precision.UNKNOWN,),
    NOT_DAY: (Precision.MONTH, Precision.YEAR, Precision.UNKNOWN),
}

# The search box's maxlength; a longer query (typed in the address) is cut
# there, as the page cache cuts every value (pagecache.MAX_VALUE_LENGTH).
MAX_QUERY = 200


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    status: str = ""
    region: str = ""
    organisation: str = ""
    campaign: str = ""
    year: int | None = None
    # A key of ARREST_KNOWN: how much of the current arrest date is known.
    arrest: str = ""
    # Only persons held now (a status of HELD).
    held: bool = False
    sort: str = "name"

    # Every query parameter the register reads (the page cache keeps no other).
    PARAMS = (
        "q",
        "status",
        "region",
        "organisation",
        "campaign",
        "year",
        "arrest",
        "held",
        "sort",
        "page",
    )

    @property
    def nothing_to_find(self) -> bool:
        """A search was typed, but without a letter or digit to look for."""
        return bool(self.q.strip()) and not search.terms(self.q)

    @classmethod
    def from_query(cls, params: Any) -> RegisterFilters:
        """Filters from a query string; unknown values are ignored, never an error."""
        year_text = params.get("year", "")
        status = params.get("status", "")
        sort = params.get("sort", "name")
        arrest = params.get("arrest", "")
        return cls(
            q=params.get("q", "")[:MAX_QUERY],
            status=status if status in Status.values else "",
            region=params.get("region", "")[:100],
            organisation=params.get("organisation", "")[:80],
            campaign=params.get("campaign", "")[:80],
            year=int(year_text) if year_text.isdigit() and len(year_text) == 4 else None,
            arrest=arrest if arrest in ARREST_KNOWN else "",
            held=params.get("held", "") == "1",
            sort=sort if sort in SORTS else "name",
        )


def register_records(
    filters: RegisterFilters,
    *,
    part: search.Part = search.ALL,
    in_sort_order: bool = False,
    sort_matches: bool = False,
) -> QuerySet[PublicRecord]:
    """Published records matching the filters, sorted.

    A search finds names however they are spelt; ``part`` narrows it to the
    records matching every word as typed or to the others (search.matching).
    The flags choose how a search's page is read, never what it holds (see
    ``register_page``): ``in_sort_order`` is search.matching's; with
    ``sort_matches`` the first sort key is an expression no index serves.
    """
    found = PublicRecord.objects.all()
    if filters.q.strip():
        found = search.matching(found, filters.q, part=part, in_sort_order=in_sort_order)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.region:
        found = found.filter(home_region=filters.region)
    if filters.organisation:
        found = found.filter(organisations__slug=filters.organisation)
    if filters.campaign:
        # A draft campaign is nobody's business outside it: its slug finds nothing.
        found = found.filter(
            person__campaigns__in=Campaign.objects.exclude(status=Campaign.Status.DRAFT).filter(
                slug=filters.campaign
            )
        )
    if filters.year:
        found = found.filter(arrested_year=filters.year)
    if filters.arrest:
        found = found.filter(current_arrest_precision__in=ARREST_KNOWN[filters.arrest])
    if filters.held:
        found = found.filter(status__in=HELD)
    first, *rest = SORTS[filters.sort]
    return found.order_by(_order(first, unindexed=sort_matches), *map(_order, rest)).only(
        "pk",
        "slug",
        "name",
        "name_ur",
        "home_region",
        "status",
        "arrested_on",
        "arrested_precision",
    )  # what a row of the list shows: not the search vector


def _order(key: str, *, unindexed: bool = False) -> OrderBy:
    """One sort key ("field" or "-field") as an ordering the same on both databases.

    A nullable field (the arrest date) puts unknown values first going up
    and last going down, as SQLite does by itself; PostgreSQL's index on
    the arrest date is built NULLS FIRST to match (``NullsFirstIndex``), so
    the list still needs no sort. With ``unindexed``, the key is an expression
    that orders the same but no index serves (for register_page, on
    PostgreSQL): ``name || ''`` keeps the column's collation.
    """
    name = key.removeprefix("-")
    descending = key.startswith("-")
    field = PublicRecord._meta.pk if name == "pk" else PublicRecord._meta.get_field(name)
    expression: F | RawSQL = F(name)
    if unindexed:
        column = f'"{PublicRecord._meta.db_table}"."{getattr(field, "column", name)}"'
        # The column names come from the model, never from a request.
        if isinstance(field, DateField):
            expression = RawSQL(f"({column} + 0)", [], output_field=DateField())  # noqa: S611
        else:
            expression = RawSQL(f"({column} || '')", [], output_field=CharField())  # noqa: S611
    if not getattr(field, "null", False):
        return expression.desc() if descending else expression.asc()
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_first=True)


PAGE_SIZE = 50
# How a search's page is read depends on how many records it matches (see
# register_page). SQLite walks the sort order's index above this many:
DENSE_MATCHES = 2000
# PostgreSQL sorts the matches up to this many (about 20 ms at 10,000):
SORTED_MATCHES = 10_000


class CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its count, for pages read with another plan than the count."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def register_page(filters: RegisterFilters, number: str | None) -> Page[PublicRecord]:
    """One page of the register, counted and read each the faster way.

    A search lists the records that match every word as typed first, then
    those found only through a spelling key, each part in the page's sort
    order; each part is counted, and a page takes its rows from one part or
    from the end of the first and the start of the second. A search with
    nothing to look for (punctuation alone) lists nothing.

    The counts use the plain plan. A part's page then follows how many
    records it matched, where each database's planner alone chooses badly:
    SQLite sorts every one of a dense search's matches to show fifty, so
    above DENSE_MATCHES it is told to walk the sort order's index instead;
    PostgreSQL walks that index assuming the matches spread evenly over it,
    and a search for a first name finds them all under one letter (160 ms
    for 2,700 matches of 100,000 sorted by name), so up to SORTED_MATCHES it
    is told to sort the matches instead. The test suite checks that every
    plan lists the same rows.
    """
    if not filters.q.strip():
        records = register_records(filters)
        return CountedPaginator(records, PAGE_SIZE, records.count()).get_page(number)
    exact = register_records(filters, part=search.EXACT)
    exact_total = _count(exact, searching=True)
    parts = [(_planned(filters, search.EXACT, exact_total), exact_total)]
    if search.has_variants(filters.q):
        variants_total = _count(register_records(filters, part=search.VARIANTS), searching=True)
        parts.append((_planned(filters, search.VARIANTS, variants_total), variants_total))
    total = sum(n for _records, n in parts)
    return CountedPaginator(_Parts(parts), PAGE_SIZE, total).get_page(number)


def _planned(filters: RegisterFilters, part: search.Part, total: int) -> QuerySet[PublicRecord]:
    """A search's part read the faster way for how many records it matches (see above)."""
    if connection.vendor == "sqlite" and total > DENSE_MATCHES:
        return register_records(filters, part=part, in_sort_order=True)
    if connection.vendor == "postgresql" and total <= SORTED_MATCHES:
        return register_records(filters, part=part, sort_matches=True)
    return register_records(filters, part=part)


class _Parts:
    """Counted query sets read one after another, as one list a paginator slices."""

    def __init__(self, parts: list[tuple[QuerySet[PublicRecord], int]]) -> None:
        self.parts = parts

    def __len__(self) -> int:
        return sum(n for _records, n in self.parts)

    def __getitem__(self, wanted: slice) -> list[PublicRecord]:
        start, stop = wanted.start or 0, wanted.stop
        rows: list[PublicRecord] = []
        for records, n in self.parts:
            if start < n and stop > 0:
                rows.extend(records[max(start, 0) : min(stop, n)])
            start, stop = start - n, stop - n
        return rows


def _count(records: QuerySet[PublicRecord], *, searching: bool) -> int:
    """How many records there are, a search's matches counted through its GIN index.

    PostgreSQL prices testing a record's words against a search as one
    operator, so on a compact table it counts a common word's matches by
    testing every record: 37 ms for "Khan" among 100,000 records, against
    9 ms through the index. For that count alone, a sequential scan is
    priced out (``SET LOCAL``, undone after it; on an error, the block's
    rollback undoes it).
    """
    if not searching or connection.vendor != "postgresql":
        return records.count()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        total = records.count()
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
    return total


FACETS_GENERATION = "register:generation"
FACETS_TIMEOUT = 600


def register_changed() -> None:
    """Mark the published register as changed, so cached facet counts are not reused,
    and every public page renders afresh once the transaction commits.

    Every write that changes the public register calls it (``_publish_many``,
    the import's flip and its finish), so it is where public pages learn of
    a publication.
    """
    public_changed()
    try:
        cache.incr(FACETS_GENERATION)
    except ValueError:
        cache.set(FACETS_GENERATION, 1, None)


def register_facets() -> dict[str, list[tuple[str, str, int]]]:
    """Counts for the facet menus, cached until the next publication.

    Counting every facet over 100,000 records takes longer than the rest of
    the page; the counts change only when a record is published.
    """
    generation = cache.get_or_set(FACETS_GENERATION, 0, None)
    key = f"register:facets:{generation}:{get_language()}"
    facets = cache.get(key)
    if facets is None:
        facets = _count_facets()
        cache.set(key, facets, FACETS_TIMEOUT)
    return facets  # type: ignore[no-any-return]


def _count_facets() -> dict[str, list[tuple[str, str, int]]]:
    """Counts for the facet menus over all published records (five queries)."""
    status_labels = dict(Status.choices)
    return {
        "status": [
            (s, str(status_labels.get(s, s)), n)
            for s, n in PublicRecord.objects.exclude(status="")
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by("status")
        ],
        "region": [
            (r, r, n)
            for r, n in PublicRecord.objects.exclude(home_region="")
            .values_list("home_region")
            .annotate(n=Count("pk"))
            .order_by("home_region")
        ],
        "year": [
            (str(y), str(y), n)
            for y, n in PublicRecord.objects.exclude(arrested_year=None)
            .values_list("arrested_year")
            .annotate(n=Count("pk"))
            .order_by("-arrested_year")
        ],
        "campaign": [
            (slug, title, n)
            for slug, title, n in Campaign.objects.exclude(status=Campaign.Status.DRAFT)
            .filter(persons__public__isnull=False, persons__public__import_run=None)
            .values_list("slug", "title")
            .annotate(n=Count("persons"))
            .order_by("title")
        ],
        "organisation": [
            (row["organisation__slug"], row["organisation__name"], row["n"])
            for row in _verified_affiliations().order_by("organisation__name")
        ],
    }


def public_record(slug: str) -> RecordWithData | None:
    """A published record by slug, with its data; None for unknown or unverified ones."""
    return with_data(PublicRecord.objects.filter(slug=slug)).first()


RECENT_VERSIONS = 5


def recent_versions(record: PublicRecord) -> list[PublicVersion]:
    """The record's latest verified versions, newest first, without their data."""
    return list(
        PublicVersion.objects.filter(person_id=record.pk)
        .order_by("-number")
        .defer("data")[:RECENT_VERSIONS]
    )


def letters_to(record: RecordWithData) -> Facility | None:
    """Where supporters can write to a person still held: the facility of their
    latest detention, when it is confirmed and has a postal address; None otherwise.

    The facility is read as it is now (site admins keep addresses up to
    date), not as it was when the record was verified. A proposed facility's
    address is never shown (publication names no unconfirmed facility; the
    filter here holds even for data written before that rule).
    """
    detentions = record.data.get("detentions") or []
    if not detentions:
        return None
    latest = detentions[-1]
    facility_id = latest.get("facility_id")
    if facility_id is None or latest.get("released_on") or latest.get("status") in NOT_HELD:
        return None
    return (
        Facility.objects.filter(pk=facility_id, confirmed_at__isnull=False)
        .exclude(postal_address="")
        .first()
    )


def confirmed_facilities() -> QuerySet[Facility]:
    """The facilities documenters may choose, by name and region."""
    return Facility.objects.filter(confirmed_at__isnull=False).order_by("name", "region", "pk")


FACILITY_PAGE = 50


def facilities_to_confirm(user: User, number: str | None) -> Page[Facility]:
    """One page of the proposed facilities ``user`` may confirm, oldest first: every
    proposal for a site admin, those of its documenters for a campaign's coordinator."""
    proposals = Facility.objects.filter(confirmed_at__isnull=True).select_related("proposed_by")
    if not user.has_perm("cases.confirm_any_facility"):
        proposals = proposals.filter(proposals_for(user))
    return Paginator(proposals.order_by("proposed_at", "pk"), FACILITY_PAGE).get_page(number)


HISTORY_PAGE = 20


def history_page(
    record: PublicRecord, number: str | None
) -> tuple[Page[PublicVersion], list[PublicVersion], PublicVersion | None]:
    """One page of the record's versions (newest first), its versions, and the one before.

    The version before the page's oldest is returned so that it too can be
    compared; None when the page reaches the first version.
    """
    # Who verified and who edited stay unread: the public history names neither.
    versions = PublicVersion.objects.filter(person_id=record.pk)
    return _versions_page(versions, number)


def verifiers_page(
    person: Person, number: str | None
) -> tuple[Page[PublicVersion], list[PublicVersion], PublicVersion | None]:
    """As ``history_page``, for the campaign's members: each version with who verified
    it and who made the changes it published (``verified_by``, ``edited_by``), read
    from every version, an import's not yet public included. For callers that
    checked ``cases.see_verifiers``."""
    versions = PublicVersion.objects.filter(person_id=person.pk).select_related(
        "verified_by", "edited_by"
    )
    return _versions_page(versions, number)


def _versions_page(
    versions: QuerySet[PublicVersion], number: str | None
) -> tuple[Page[PublicVersion], list[PublicVersion], PublicVersion | None]:
    page = Paginator(versions.order_by("-number"), HISTORY_PAGE).get_page(number)
    items = list(page.object_list)
    before = (
        versions.filter(number__lt=items[-1].number).order_by("-number").first() if items else None
    )
    return page, items, before


def documenting_campaign(record: PublicRecord) -> Campaign | None:
    """The campaign whose documenters keep a published person's record, as public
    pages credit it ("verified by the documenters of ..."); None when no campaign
    owns the person or the owner is a draft (nobody's business outside it)."""
    return (
        Campaign.objects.exclude(status=Campaign.Status.DRAFT)
        .filter(owned_persons__pk=record.pk)
        .only("pk", "title", "title_ur", "slug")
        .first()
    )


def days_detained(
    record: RecordWithData, today: datetime.date | None = None
) -> dates.DaysDetained | None:
    """How long the person has been held in their latest detention, never more than
    its dates say (see ``dates.detained_for``); None when that is not known."""
    detentions = record.data.get("detentions") or []
    if not detentions:
        return None
    latest = detentions[-1]  # the latest known arrest (Detention's ordering)
    arrested = latest.get("arrested") or {}
    return dates.detained_for(
        arrested=arrested.get("date"),
        arrested_precision=arrested.get("precision", ""),
        released=latest.get("released_on"),
        # Data published before the release's precision was kept: a day.
        released_precision=latest.get("released_precision", "DAY"),
        held=latest.get("status") not in NOT_HELD,
        today=today or datetime.date.today(),  # noqa: DTZ011
    )


@dataclass(frozen=True)
class Counted:
    """A count kept apart by certainty: records whose facts the team verified,
    and records whose facts are only as a source reported them."""

    verified: int = 0
    reported: int = 0

    @property
    def total(self) -> int:
        return self.verified + self.reported

    def __add__(self, other: Counted) -> Counted:
        return Counted(self.verified + other.verified, self.reported + other.reported)

    @classmethod
    def of(cls, certainty: str, n: int) -> Counted:
        return cls(n, 0) if certainty == "VERIFIED" else cls(0, n)


@dataclass(frozen=True)
class StatusRow:
    status: str  # a Status value, or "" for records whose status is not known
    label: str
    counted: Counted
    held: bool


@dataclass(frozen=True)
class Statistics:
    """The register's figures, made to agree with each other.

    ``held`` is every record whose current status is one of HELD. ``left_out``
    is those of them whose current detention's arrest is not known to the
    day: the register lists exactly them with ``LEFT_OUT``. The last day of
    ``daily`` is ``today``, and on it the daily count plus ``left_out``
    equals ``held`` (see ``register_statistics``).
    """

    today: datetime.date
    daily: list[tuple[datetime.date, Counted]]
    total: Counted
    held: Counted
    left_out: Counted
    # Detentions on no day of ``daily`` (the left-out current ones among them).
    not_placed: int
    by_status: list[StatusRow]
    by_region: list[tuple[str, Counted]]
    # Records with a region beyond the first REGIONS, and with none.
    other_regions: Counted
    no_region: Counted
    by_organisation: list[tuple[str, Counted]]

    @property
    def held_today(self) -> Counted:
        """The daily count on the last day (today): nobody when nothing is placed."""
        return self.daily[-1][1] if self.daily else Counted()


# The register's filter that lists the persons the daily count leaves out.
LEFT_OUT = RegisterFilters(held=True, arrest=NOT_DAY)
REGIONS = 20
ORGANISATIONS = 20
_DAY = datetime.timedelta(days=1)


def register_statistics(today: datetime.date | None = None) -> Statistics:
    """The figures of the statistics page, from published records and their spans.

    "Detained on each day" counts persons, once a day however many
    detentions place them on it. A detention is placed on the days its
    person was certainly held:

    - from its arrest, only when the arrest is known to the day;
    - while it is the record's current detention (its latest, whose status
      is the record's) and that status is one of HELD: to today;
    - otherwise to its release, not counting the day of release. A release
      known only to the month or year ends it on the first day of that month
      or year, so the days in which it may have fallen are not counted; a
      detention with no known release date (and no status that says it
      goes on) is placed on no day.

    So today's count is exactly the held records whose current arrest is
    known to the day (a past detention ends by today at the latest), and
    ``held`` = today's count + ``left_out`` by construction, verified and
    reported apart. An arrest after today is the one exception: it is placed
    from that day on, not today.
    """
    today = today or timezone.localdate()
    # Only spans arrested on a known day can be placed. A held record's
    # current detention is one of them exactly when the record's current
    # arrest is known to the day; it is then its latest (spans are written
    # in the detentions' order, unknown arrests first).
    spans: dict[int, list[_Span]] = {}
    for span in (
        DetentionSpan.objects.filter(
            record__import_run=None, arrested_precision=Precision.DAY, arrested_on__isnull=False
        )
        .values_list(
            "record_id",
            "pk",
            "arrested_on",
            "released_on",
            "released_precision",
            "record__status",
            "record__current_arrest_precision",
            "record__certainty",
        )
        .order_by()
    ):
        spans.setdefault(span[0], []).append(span)
    delta: dict[str, Counter[datetime.date]] = {"VERIFIED": Counter(), "REPORTED": Counter()}
    placed_spans = 0
    first: datetime.date | None = None
    for its_spans in spans.values():
        _record, _pk, _arrested, _released, _precision, status, current, sure = its_spans[0]
        ongoing = (
            max(its_spans, key=lambda span: (span[2], span[1]))
            if status in HELD and current == Precision.DAY
            else None
        )
        placed = [
            days
            for span in its_spans
            if (days := _placed(span, ongoing=span is ongoing, today=today)) is not None
        ]
        placed_spans += len(placed)
        for start, end in _merged(placed):
            delta[sure][start] += 1
            delta[sure][end] -= 1
            first = start if first is None or start < first else first
    daily: list[tuple[datetime.date, Counted]] = []
    if first is not None:
        verified = reported = 0
        day = first
        while day <= today:
            verified += delta["VERIFIED"].get(day, 0)
            reported += delta["REPORTED"].get(day, 0)
            daily.append((day, Counted(verified, reported)))
            day += _DAY
    by_status, total, held = _by_status()
    regions, other_regions, no_region = _by_region()
    return Statistics(
        today=today,
        daily=daily,
        total=total,
        held=held,
        left_out=_counted(
            register_records(LEFT_OUT).order_by().values_list("certainty").annotate(n=Count("pk"))
        ),
        not_placed=DetentionSpan.objects.count() - placed_spans,
        by_status=by_status,
        by_region=regions,
        other_regions=other_regions,
        no_region=no_region,
        by_organisation=_by_organisation(),
    )


# A span as register_statistics reads it: record, pk, arrested_on (known to
# the day, so never None), released_on, released_precision, and the record's status,
# current arrest precision and certainty.
_Span = tuple[int, int, datetime.date | None, datetime.date | None, str, str, str, str]


def _placed(
    span: _Span, *, ongoing: bool, today: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    """The days [first, end) a detention span is placed on, or None (see
    ``register_statistics``); ``ongoing`` for the current detention of a
    person held now."""
    arrested, released, released_precision = span[2], span[3], span[4]
    if arrested is None:  # never read (see register_statistics), but typed so
        return None
    if ongoing:
        end = today + _DAY
    elif released is not None and released_precision != Precision.UNKNOWN:
        end = min(released, today)
    else:
        return None
    return (arrested, end) if arrested < end else None


def _merged(
    days: list[tuple[datetime.date, datetime.date]],
) -> list[tuple[datetime.date, datetime.date]]:
    """Overlapping or touching stretches of days joined, so a person counts once a day."""
    merged: list[tuple[datetime.date, datetime.date]] = []
    for start, end in sorted(days):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _counted(rows: Iterable[tuple[str, int]]) -> Counted:
    """(certainty, count) rows as one Counted."""
    return sum((Counted.of(certainty, n) for certainty, n in rows), Counted())


def _by_status() -> tuple[list[StatusRow], Counted, Counted]:
    """Records by current status (a row for those with none), in all, and held now."""
    counts: dict[str, Counted] = {}
    for status, certainty, n in (
        PublicRecord.objects.values_list("status", "certainty").annotate(n=Count("pk")).order_by()
    ):
        counts[status] = counts.get(status, Counted()) + Counted.of(certainty, n)
    rows = [
        StatusRow(status, str(label), counts[status], status in HELD)
        for status, label in Status.choices
        if status in counts
    ]
    if "" in counts:
        rows.append(StatusRow("", str(_("status not known")), counts[""], held=False))
    total = sum((row.counted for row in rows), Counted())
    held = sum((row.counted for row in rows if row.held), Counted())
    return rows, total, held


def _by_region() -> tuple[list[tuple[str, Counted]], Counted, Counted]:
    """The REGIONS regions with most records, the records of the others, and
    the records with no region."""
    counts: dict[str, Counted] = {}
    for region, certainty, n in (
        PublicRecord.objects.values_list("home_region", "certainty")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[region] = counts.get(region, Counted()) + Counted.of(certainty, n)
    no_region = counts.pop("", Counted())
    ranked = sorted(counts.items(), key=lambda item: (-item[1].total, item[0]))
    others = sum((counted for _region, counted in ranked[REGIONS:]), Counted())
    return ranked[:REGIONS], others, no_region


def _by_organisation() -> list[tuple[str, Counted]]:
    """The ORGANISATIONS organisations tied to most records, verified and reported apart."""
    top = list(
        _verified_affiliations()
        .order_by("-n", "organisation__name")
        .values_list("organisation__slug", "organisation__name")[:ORGANISATIONS]
    )
    counts: dict[str, Counted] = {slug: Counted() for slug, _name in top}
    for slug, certainty, n in (
        PublicRecord.organisations.through.objects.filter(
            publicrecord__import_run=None, organisation__slug__in=list(counts)
        )
        .values_list("organisation__slug", "publicrecord__certainty")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[slug] = counts[slug] + Counted.of(certainty, n)
    return [(name, counts[slug]) for slug, name in top]


def _verified_affiliations() -> QuerySet[Any]:
    """Ties of organisations to published records, as verification published them.

    Read from the public record's organisations, never from working-record
    affiliations: one no second documenter has checked stays out of every
    public figure. Records of an import not yet public are left out too.
    """
    return (
        PublicRecord.organisations.through.objects.filter(publicrecord__import_run=None)
        .values("organisation__slug", "organisation__name")
        .annotate(n=Count("publicrecord"))
    )


def awaiting_verification() -> QuerySet[Person]:
    """Working records with changes no second documenter has verified yet."""
    return Person.objects.filter(
        Q(public__isnull=True) | Q(public__verified_at__lt=F("updated_at"))
    ).order_by("updated_at")


REVIEW_PAGE = 50


def review_queue(user: User, number: str | None) -> Page[Person]:
    """One page of the working records waiting for a second documenter that ``user``
    may verify: those of the campaigns they document for, or that share with them."""
    waiting = (
        awaiting_verification()
        .filter(documented_by(user))
        .select_related("updated_by")
        .order_by("updated_at", "pk")
        # What a row shows, the last editor's name as str() gives it included.
        .only("pk", "name", "updated_at", "updated_by__username", "updated_by__display_name")
    )
    return Paginator(waiting, REVIEW_PAGE).get_page(number)


def review_waiting(user: User) -> int:
    """How many working records wait for a second documenter that ``user`` may verify
    (one query): the count the review queue lists."""
    return awaiting_verification().filter(documented_by(user)).count()


def case_team_persons(user: User, limit: int = 50) -> Capped[Person]:
    """The persons whose restricted facts ``user`` keeps as case team, by name: the
    first ``limit`` and how many in all (one query, two for a long list)."""
    return capped(
        Person.objects.filter(persons_with_role(user, Role.CASE_TEAM, restricted=True))
        .order_by("name", "pk")
        .only("pk", "name"),
        limit,
    )


CHOOSER_PAGE = 25


def choosable_persons(campaign: Campaign, q: str, number: str | None) -> Page[Any]:
    """A page of the persons a campaign may defend, searched by name: every published
    record (under its public name) and the campaign's own working records.

    Another campaign's unpublished record is never listed, nor its working
    name. Each person carries ``shown_name`` and ``defended`` (whether the
    campaign defends them already). Without ``q``, the persons it defends.
    """
    shown = Case(
        When(campaign=campaign, then=F("name")),
        default=F("public__name"),
        output_field=CharField(),
    )
    found = Person.objects.annotate(
        shown_name=shown,
        defended=Exists(
            Person.campaigns.through.objects.filter(person=OuterRef("pk"), campaign=campaign)
        ),
    )
    if q:
        found = found.filter(
            Q(campaign=campaign) | Q(public__isnull=False, public__import_run=None)
        ).filter(shown_name__icontains=q)
    else:
        found = found.filter(defended=True)
    found = found.order_by(F("shown_name").asc(nulls_last=True), "pk").only(
        "pk", "campaign_id", "slug"
    )
    return Paginator(found, CHOOSER_PAGE).get_page(number)


def choosable_person(campaign: Campaign, person_id: str) -> Person | None:
    """The person with this id if ``campaign`` may defend them (see choosable_persons),
    or already does; None for any other id."""
    if not person_id.isdigit():
        return None
    return (
        Person.objects.filter(pk=int(person_id))
        .filter(
            Q(campaign=campaign)
            | Q(public__isnull=False, public__import_run=None)
            | Q(campaigns=campaign)
        )
        .distinct()
        .first()
    )


SHARES_PAGE = 50


def shares_of_person(person: Person) -> list[CaseShare]:
    """Every share of the person's case work, active and revoked, newest first."""
    return list(
        CaseShare.objects.filter(person=person).select_related(
            "campaign", "granted_by", "revoked_by"
        )
    )


def shares_of_campaign(campaign: Campaign, number: str | None) -> Page[CaseShare]:
    """A page of the shares a campaign has given (of the persons it owns) or received,
    active and revoked, newest first."""
    shares = CaseShare.objects.filter(Q(person__campaign=campaign) | Q(campaign=campaign))
    shares = shares.select_related(
        "person", "person__campaign", "campaign", "granted_by", "revoked_by"
    ).order_by("-granted_at", "-pk")
    return Paginator(shares, SHARES_PAGE).get_page(number)


def documenter_campaigns(user: User) -> QuerySet[Campaign]:
    """The campaigns in which ``user`` is a case documenter: the only ones a new
    person they record may belong to."""
    return Campaign.objects.filter(
        grants__user=user.pk, grants__role=Role.DOCUMENTER, grants__revoked_at=None
    ).order_by("title")


def campaigns_defending(record: PublicRecord) -> list[Campaign]:
    """The campaigns, drafts left out, that defend a published person."""
    return list(
        Campaign.objects.exclude(status=Campaign.Status.DRAFT).filter(persons__pk=record.pk)
    )


def campaigns_to_share_with(person: Person) -> QuerySet[Campaign]:
    """The campaigns a person's case work may be shared with: not drafts (nobody's
    business outside them), not the owner, by title."""
    choices = Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("title")
    if person.campaign_id is not None:
        choices = choices.exclude(pk=person.campaign_id)
    return choices


def restricted_facts(person: Person) -> PersonRestricted | None:
    """The person's restricted facts, if any are kept; for callers that checked
    ``cases.view_restricted``."""
    return PersonRestricted.objects.filter(person=person).first()


def working_detentions(person: Person) -> list[Detention]:
    """The person's detentions for their documenters, each with ``held_at``: the
    facility its latest status change names, else its arrest's, proposals included
    (two queries)."""
    detentions = list(person.detentions.select_related("facility"))
    transfers = sorted(
        StatusChange.objects.filter(detention__person=person, facility__isnull=False)
        .select_related("facility")
        .only("pk", "on", "detention_id", "facility"),
        key=lambda change: (change.on or datetime.date.max, change.pk),
    )
    latest = {change.detention_id: change.facility for change in transfers}
    for detention in detentions:
        detention.held_at = latest.get(detention.pk, detention.facility)  # type: ignore[attr-defined]
    return detentions


def pending_reviews(persons: list[Person]) -> list[tuple[Person, history.Review]]:
    """Each person with what verifying their working record would change on what
    the public sees now (``history.review``), in a fixed number of queries however
    many there are. For callers that checked ``cases.document`` on every one."""
    ids = [p.pk for p in persons]
    if not ids:
        return []
    after = {g.person["id"]: public_data(g) for g in gather(ids)}
    now = dict(
        PublicRecord.objects.filter(pk__in=ids)
        .annotate(data=latest_data())
        .values_list("pk", "data")
    )
    return [(p, history.review(now.get(p.pk), after[p.pk])) for p in persons]

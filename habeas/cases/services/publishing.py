"""Publication: a working record's public facts become a public record and a new version.

Every way into the register goes through ``_publish_many``: a second
documenter's verification, ``publish``, ``publish_many`` and the import.
The public services check that the acting user documents every person
published; ``_publish_many`` checks nothing, for callers that checked the
rights of a whole run first (the import) or that load known data (the demo).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.cases import search
from habeas.cases.models import DetentionSpan, Person, Precision, PublicRecord, PublicVersion
from habeas.cases.publication import (
    Gathered,
    day,
    gather,
    name_text,
    public_data,
    search_text,
)
from habeas.cases.queries import register_changed, with_data
from habeas.cases.rules import PersonIds
from habeas.core.bulk import among, delete_in, insert_rows, json_text

if TYPE_CHECKING:
    from habeas.accounts.models import User
    from habeas.cases.queries import RecordWithData

log = logging.getLogger(__name__)


@transaction.atomic
def person_verify(*, by: User, person: Person) -> RecordWithData:
    """A second documenter verifies the record; its public facts go public as one version.

    Raises PermissionDenied unless ``by`` documents for the person, and
    ValidationError when ``by`` made the last change (a record needs a
    second pair of eyes). Refreshes the search index in the same transaction.
    """
    if not by.has_perm("cases.document", person):
        raise PermissionDenied
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.updated_by_id == by.pk:
        raise ValidationError(_("Another documenter must verify your own change."))
    if _published_as_it_stands(person):
        # A second click, or two documenters at once: nothing changed since
        # the last verification, so no new version.
        log.info("verified a record already public as it stands")
    else:
        _publish_many(person_ids=[person.pk], by=by)
        log.info("verified and published 1 record")
    return with_data(PublicRecord.objects.filter(pk=person.pk)).get()


def _published_as_it_stands(person: Person) -> bool:
    """Whether a public version was verified after the working record's last change."""
    return PublicVersion.objects.filter(person=person, verified_at__gte=person.updated_at).exists()


@transaction.atomic
def publish(*, by: User, person: Person) -> RecordWithData:
    """Write the public record of ``person`` from its working record, as a new version.

    Raises PermissionDenied unless ``by`` documents for the person. Unlike
    ``person_verify`` it does not ask for a second pair of eyes: for
    documenters republishing what is already verified.
    """
    if not by.has_perm("cases.document", person):
        raise PermissionDenied
    _publish_many(person_ids=[person.pk], by=by)
    log.info("published 1 record")
    return with_data(PublicRecord.objects.filter(pk=person.pk)).get()


@transaction.atomic
def publish_many(*, by: User, person_ids: list[int]) -> list[int]:
    """Publish many working records at once, in a fixed number of queries per batch.

    Raises PermissionDenied unless ``by`` documents for every one of the
    persons (one query, however many). Returns the ids published.
    """
    # django-stubs expect a model as the object; rules takes any object.
    if not by.has_perm("cases.document_all", PersonIds(person_ids)):  # type: ignore[arg-type]
        raise PermissionDenied
    published = _publish_many(person_ids=person_ids, by=by)
    log.info("published %d records", len(published))
    return published


# The tables _publish_many writes.
PUBLIC_MODELS = [PublicRecord, PublicRecord.organisations.through, PublicVersion, DetentionSpan]

RECORD_COLUMNS = [
    "person",
    "slug",
    "name",
    "name_ur",
    "home_region",
    "status",
    "arrested_on",
    "arrested_precision",
    "arrested_year",
    "released_on",
    "released_precision",
    "current_arrest_precision",
    "version",
    "certainty",
    "verified_at",
    "search_vector",
    "import_run",
]


def _publish_many(
    *,
    person_ids: list[int],
    by: User | None,
    pending_run: int | None = None,
    fresh: bool = False,
) -> list[int]:
    """Publish working records, checking no rights: callers check them.

    Reads every public fact with ``publication.gather`` and writes each
    PublicRecord (with its search words), its organisations and detention
    spans, and a new PublicVersion, which holds the record's data; rows
    are built as plain values. Runs in the caller's transaction. ``by``
    None stands for the demo loader. With ``pending_run``, the records
    stay out of public reads until that import run is made public (see
    ImportRun). ``fresh`` says none of the persons has been published
    before (an import's new persons): nothing to replace, versions start
    at one, and ``queries.register_changed`` is left to the caller.
    Returns the ids published.
    """
    if not person_ids:
        return []
    persons = gather(person_ids)
    published = _write(persons, person_ids, by, fresh=fresh, pending_run=pending_run)
    if not fresh:
        register_changed()
    log.debug("wrote %d public records (import run %s)", len(published), pending_run)
    return published


def _write(
    persons: list[Gathered],
    person_ids: list[int],
    by: User | None,
    *,
    fresh: bool,
    pending_run: int | None,
) -> list[int]:
    now = timezone.now()
    verifier_id = by.pk if by is not None else None
    numbers: dict[int, int] = (
        {}
        if fresh
        else dict(
            PublicVersion.objects.filter(person_id__in=among(person_ids))
            .values("person_id")
            .annotate(top=Max("number"))
            .values_list("person_id", "top")
        )
    )
    records: list[tuple[Any, ...]] = []
    versions: list[tuple[Any, ...]] = []
    spans: list[tuple[Any, ...]] = []
    links: set[tuple[int, int]] = set()
    words: list[tuple[int, str, str]] = []
    for gathered in persons:
        person = gathered.person
        pk = person["id"]
        data = public_data(gathered)
        number = numbers.get(pk, 0) + 1
        detentions = data["detentions"]
        arrests = [d["arrested"] for d in detentions if d["arrested"]["date"]]
        earliest = min(arrests, key=lambda a: a["date"]) if arrests else None
        first = day(earliest["date"]) if earliest else None
        latest = detentions[-1] if detentions else None
        text = search.normalise(search_text(person, data))
        name_keys = search.keys(search.normalise(name_text(person, data)))
        words.append((pk, text, name_keys))
        # The search vector is written with the record on PostgreSQL (None
        # on SQLite, whose FTS5 table search.index fills below).
        records.append(
            (
                pk,
                person["slug"],
                person["name"],
                person["name_ur"],
                person["home_region"],
                latest["status"] if latest else "",
                first,
                earliest["precision"] if earliest else Precision.UNKNOWN,
                first.year if first else None,
                day(latest["released_on"]) if latest else None,
                _released_precision(latest),
                _arrested_precision(latest),
                number,
                data["certainty"],
                now,
                search.vector(text, name_keys),
                pending_run,
            )
        )
        versions.append((pk, number, json_text(data), now, verifier_id, person["updated_by_id"]))
        spans.extend(
            (
                pk,
                day(d["arrested"]["date"]),
                _arrested_precision(d),
                day(d["released_on"]),
                _released_precision(d),
                d["status"],
                person["home_region"],
                pending_run,
            )
            for d in detentions
        )
        links.update((pk, a["organisation_id"]) for a in gathered.affiliations)
    # Replacing beats updating: the rows are rewritten whole. Spans and
    # organisation links go with the old rows and are written afresh below;
    # nothing else refers to a public record.
    through = PublicRecord.organisations.through
    if not fresh:
        delete_in(DetentionSpan, "record", person_ids)
        delete_in(through, "publicrecord", person_ids)
        delete_in(PublicRecord, "person", person_ids)
    insert_rows(PublicRecord, RECORD_COLUMNS, records)
    insert_rows(through, ["publicrecord", "organisation"], sorted(links))
    insert_rows(
        DetentionSpan,
        [
            "record",
            "arrested_on",
            "arrested_precision",
            "released_on",
            "released_precision",
            "status",
            "region",
            "import_run",
        ],
        spans,
    )
    insert_rows(
        PublicVersion,
        ["person", "number", "data", "verified_at", "verified_by", "edited_by"],
        versions,
    )
    search.index(words)
    return [row[0] for row in records]


def _arrested_precision(detention: dict[str, Any] | None) -> str:
    """How much of a detention's arrest date is known (UNKNOWN if none is)."""
    if detention is None or not detention["arrested"]["date"]:
        return Precision.UNKNOWN
    return str(detention["arrested"]["precision"])


def _released_precision(detention: dict[str, Any] | None) -> str:
    """How much of a detention's release date is known (UNKNOWN if none is)."""
    if detention is None or not detention["released_on"]:
        return Precision.UNKNOWN
    # Data published before the precision was kept says nothing: a day.
    return str(detention.get("released_precision", Precision.DAY))

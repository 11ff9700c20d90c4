"""Every write to the register."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from habeas.cases import search
from habeas.cases.models import (
    NOT_HELD,
    Affiliation,
    CaseEvent,
    CaseShare,
    Charge,
    Detention,
    DetentionSpan,
    Person,
    PersonRestricted,
    Precision,
    PublicRecord,
    PublicVersion,
    Recognition,
    StatusChange,
)
from habeas.cases.queries import register_changed, with_data
from habeas.coalition.models import Campaign, Organisation
from habeas.core.bulk import among, delete_in, insert_rows, json_text
from habeas.core.images import clean_image
from habeas.core.models import Source
from habeas.core.text import refuse_bidi_controls

if TYPE_CHECKING:
    from habeas.cases.queries import RecordWithData


def _choosable(campaign: Campaign, person: Person) -> bool:
    """Whether ``campaign`` may defend ``person``: a public record, or its own."""
    return person.campaign_id == campaign.pk or PublicRecord.objects.filter(pk=person.pk).exists()


@transaction.atomic
def campaign_person_add(*, by: Any, campaign: Campaign, person: Person) -> None:
    """The campaign defends the person, through the public record.

    Defending gives no right to the working record: the person's owning
    campaign stays as it is. Raises PermissionDenied unless ``by``
    coordinates the campaign, and for a person that is neither public nor
    the campaign's own (another campaign's working record is not ``by``'s
    to see, so it is refused as a matter of access, telling nothing about
    the record).
    """
    if not by.has_perm("coalition.coordinate_campaign", campaign):
        raise PermissionDenied
    if not _choosable(campaign, person):
        raise PermissionDenied
    campaign.persons.add(person)


@transaction.atomic
def campaign_person_remove(*, by: Any, campaign: Campaign, person: Person) -> None:
    """The campaign no longer defends the person.

    Raises PermissionDenied unless ``by`` coordinates the campaign, and
    ValidationError when the campaign owns the person: the campaign that
    keeps a record defends it for as long as it keeps it.
    """
    if not by.has_perm("coalition.coordinate_campaign", campaign):
        raise PermissionDenied
    if person.campaign_id == campaign.pk:
        raise ValidationError(
            _("This campaign documents the person, so it cannot stop defending them.")
        )
    campaign.persons.remove(person)


@transaction.atomic
def case_share_grant(
    *, by: Any, person: Person, campaign: Campaign, restricted: bool = False
) -> CaseShare:
    """Share the person's case work with another campaign, on record.

    The grantee's documenters may then keep the working record, and with
    ``restricted`` its case team sees the restricted facts. Raises
    PermissionDenied unless ``by`` coordinates the campaign that owns the
    person (a site admin or the grantee may not), ValidationError for the
    owner itself, a draft campaign, or a campaign that already has an
    active share of this person.
    """
    if not by.has_perm("cases.share_case", person):
        raise PermissionDenied
    person = Person.objects.select_for_update().get(pk=person.pk)
    if campaign.pk == person.campaign_id:
        raise ValidationError(_("The campaign already documents this person."))
    if campaign.status == Campaign.Status.DRAFT:
        raise ValidationError(_("Case work cannot be shared with a draft campaign."))
    if CaseShare.objects.active().filter(person=person, campaign=campaign).exists():
        raise ValidationError(_("This campaign already shares the case work."))
    return CaseShare.objects.create(
        person=person, campaign=campaign, restricted=restricted, granted_by=by
    )


@transaction.atomic
def case_share_revoke(*, by: Any, share: CaseShare) -> CaseShare:
    """End a share; the row stays, stamped with who revoked it and when.

    Raises PermissionDenied unless ``by`` coordinates the campaign that owns
    the person, ValidationError for a share already revoked.
    """
    if not by.has_perm("cases.share_case", share.person):
        raise PermissionDenied
    share = CaseShare.objects.select_for_update().get(pk=share.pk)
    if share.revoked_at is not None:
        raise ValidationError(_("This share has already been revoked."))
    share.revoked_at = timezone.now()
    share.revoked_by = by
    share.save(update_fields=["revoked_at", "revoked_by"])
    return share


def source_for(
    *,
    title: str,
    publisher: str = "",
    url: str = "",
    published_on: datetime.date | None = None,
) -> Source:
    """The source with this title and publisher, recorded if new.

    Raises ValidationError for a title or publisher holding bidirectional controls.
    """
    refuse_bidi_controls(title, field="source_title")
    refuse_bidi_controls(publisher, field="source_publisher")
    source, _created = Source.objects.get_or_create(
        title=title.strip()[:300],
        publisher=publisher.strip()[:200],
        defaults={"url": url, "published_on": published_on},
    )
    return source


def unique_slug(name: str, *, taken: Any) -> str:
    base = slugify(name)[:60] or "person"
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("A person needs a name.")})
    if "<" in name or ">" in name:
        raise ValidationError({"name": _("A name cannot contain < or >.")})
    return name


PERSON_FIELDS = (
    "name",
    "name_ur",
    "aliases",
    "gender",
    "birth_year",
    "home_region",
    "occupation",
    "summary",
    "certainty",
)


@transaction.atomic
def person_save(
    *,
    by: Any,
    source: Source,
    person: Person | None = None,
    campaign: Campaign | None = None,
    **fields: Any,
) -> Person:
    """Create a person documented by ``campaign``, or change one; public only once verified.

    A new person belongs to ``campaign`` (which also defends them); a
    change leaves the owner as it is. Raises PermissionDenied unless ``by``
    documents for the campaign (or the person), ValidationError for a
    missing or marked-up name or a year of birth out of range.
    """
    target: Person | Campaign | None = person if person is not None else campaign
    if target is None or not by.has_perm("cases.document", target):
        raise PermissionDenied
    if person is not None:
        campaign = None
    fields["name"] = _check_name(fields.get("name", person.name if person else ""))
    for name in ("name", "name_ur", "aliases"):
        refuse_bidi_controls(fields.get(name) or "", field=name)
    year = fields.get("birth_year")
    if year is not None and not 1900 <= int(year) <= timezone.now().year:
        raise ValidationError({"birth_year": _("A year of birth between 1900 and now.")})
    if person is None:
        person = Person(
            slug=unique_slug(
                fields["name"], taken=lambda s: Person.objects.filter(slug=s).exists()
            ),
            source=source,
            campaign=campaign,
        )
    for name in PERSON_FIELDS:
        if name in fields:
            setattr(person, name, fields[name])
    person.source = source
    person.updated_by = by
    person.updated_at = timezone.now()
    person.full_clean(exclude=["photo", "campaigns"])
    person.save()
    if campaign is not None:
        person.campaigns.add(campaign)
    return person


PHOTO_MAX_BYTES = 5 * 1024 * 1024


@transaction.atomic
def person_photo_set(*, by: Any, person: Person, photo: Any, consent: bool) -> Person:
    """Keep a photo, stripped of metadata; shown in public only with consent, once verified.

    Withdrawing consent takes effect at once, without verification: the
    photo leaves the working record and every public version, and its files
    are deleted once the transaction commits. A replaced photo's file is
    deleted then too, unless a public version still shows it.
    Raises PermissionDenied unless ``by`` documents for the person,
    ValidationError for a file that is not a small PNG, JPEG or WebP image.
    """
    if not by.has_perm("cases.document", person):
        raise PermissionDenied
    withdrawn = person.photo_consent and not consent
    before = person.photo.name or ""
    if photo:
        person.photo = clean_image(photo, field="photo", max_bytes=PHOTO_MAX_BYTES, output="JPEG")
    if withdrawn:
        person.photo = ""
    person.photo_consent = consent
    person.updated_by = by
    person.updated_at = timezone.now()
    person.save(update_fields=["photo", "photo_consent", "updated_by", "updated_at"])
    unused = {before} - {person.photo.name or ""} - {""}
    if withdrawn:
        unused |= _unpublish_photos(person)
    else:
        # A replaced photo stays while a public version shows it (with consent).
        unused = {name for name in unused if not _photo_published(person, name)}
    _delete_after_commit(person.photo.storage, unused)
    return person


def _unpublish_photos(person: Person) -> set[str]:
    """Remove every photo from the person's public versions; the files they named.

    The one edit ever made to a published version: consent, once withdrawn,
    holds for the past versions too, at once, without a new verification.
    """
    names = set()
    for version in PublicVersion.objects.select_for_update().filter(person=person):
        if version.data.get("photo"):
            names.add(version.data["photo"])
            version.data["photo"] = ""
            version.save(update_fields=["data"])
    return names


def _photo_published(person: Person, name: str) -> bool:
    return any(
        data.get("photo") == name
        for data in PublicVersion.objects.filter(person=person).values_list("data", flat=True)
    )


def _delete_after_commit(storage: Any, names: set[str]) -> None:
    """Delete the files ``names`` from ``storage`` once the transaction commits."""

    def delete() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


@transaction.atomic
def detention_add(
    *,
    by: Any,
    person: Person,
    source: Source,
    arrested_on: datetime.date | None,
    arrested_precision: str,
    status: str,
    status_on: datetime.date | None = None,
    status_precision: str = Precision.UNKNOWN,
    **fields: Any,
) -> Detention:
    """Record an arrest with its first status; not public until verified."""
    if not by.has_perm("cases.document", person):
        raise PermissionDenied
    detention = Detention(
        person=person,
        source=source,
        arrested_on=arrested_on,
        arrested_precision=arrested_precision,
        **fields,
    )
    detention.full_clean()
    detention.save()
    StatusChange.objects.create(
        detention=detention,
        status=status,
        on=status_on or arrested_on,
        precision=status_precision,
        source=source,
    )
    _touch(person, by)
    return detention


@transaction.atomic
def status_add(
    *,
    by: Any,
    detention: Detention,
    status: str,
    on: datetime.date | None,
    precision: str,
    source: Source,
) -> StatusChange:
    if not by.has_perm("cases.document", detention.person):
        raise PermissionDenied
    change = StatusChange(
        detention=detention, status=status, on=on, precision=precision, source=source
    )
    change.full_clean()
    change.save()
    _touch(detention.person, by)
    return change


@transaction.atomic
def event_add(*, by: Any, detention: Detention, source: Source, **fields: Any) -> CaseEvent:
    if not by.has_perm("cases.document", detention.person):
        raise PermissionDenied
    event = CaseEvent(detention=detention, source=source, **fields)
    event.full_clean()
    event.save()
    _touch(detention.person, by)
    return event


@transaction.atomic
def recognition_save(
    *,
    by: Any,
    person: Person,
    organisation: Organisation,
    source: Source,
    since_on: datetime.date | None,
    criterion: str,
) -> Recognition:
    """Record (or update) that an organisation recognises the person as a political prisoner."""
    if not by.has_perm("cases.document", person):
        raise PermissionDenied
    recognition, _created = Recognition.objects.update_or_create(
        person=person,
        organisation=organisation,
        defaults={"source": source, "since_on": since_on, "criterion": criterion.strip()},
    )
    _touch(person, by)
    return recognition


def _touch(person: Person, by: Any) -> None:
    Person.objects.filter(pk=person.pk).update(updated_by=by, updated_at=timezone.now())


@transaction.atomic
def restricted_save(*, by: Any, person: Person, **fields: str) -> PersonRestricted:
    """Change the facts only the case team sees. Raises PermissionDenied for anyone else."""
    if not by.has_perm("cases.view_restricted", person):
        raise PermissionDenied
    restricted, _created = PersonRestricted.objects.get_or_create(person=person)
    for name, value in fields.items():
        setattr(restricted, name, value)
    restricted.full_clean()
    restricted.save()
    return restricted


def current_status(changes: list[dict[str, Any]]) -> str:
    """The last status by date (undated ones count as the latest recorded)."""
    if not changes:
        return ""
    ordered = sorted(changes, key=lambda c: (c["on"] or datetime.date.max, c["id"]))
    return str(ordered[-1]["status"])


def released_on(changes: list[dict[str, Any]]) -> datetime.date | None:
    """The first date on which the person was no longer held, if any."""
    for change in sorted(changes, key=lambda c: (c["on"] or datetime.date.max, c["id"])):
        if change["status"] in NOT_HELD:
            return change["on"]  # type: ignore[no-any-return]
    return None


def _date(value: datetime.date | None, precision: str) -> dict[str, Any]:
    return {"date": value.isoformat() if value else None, "precision": precision}


SOURCE_COLUMNS = ("source__title", "source__publisher", "source__url", "source__published_on")


def _source(row: dict[str, Any]) -> dict[str, Any]:
    published = row["source__published_on"]
    return {
        "title": row["source__title"],
        "publisher": row["source__publisher"],
        "url": row["source__url"],
        "published_on": published.isoformat() if published else None,
    }


def _group(rows: Any, key: str) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


@dataclass
class Gathered:
    """A person's public facts as plain rows, read for many persons at once."""

    person: dict[str, Any]
    detentions: list[dict[str, Any]]
    affiliations: list[dict[str, Any]]
    recognitions: list[dict[str, Any]]


def gather(person_ids: list[int]) -> list[Gathered]:
    """Persons with every public fact, in seven queries for any number of persons.

    Rows come as dictionaries, not model instances: publishing 100,000 records
    would otherwise build and link millions of objects.
    """
    persons = list(
        Person.objects.filter(pk__in=among(person_ids))
        .order_by("pk")
        .values(
            "id",
            "slug",
            *PERSON_FIELDS,
            "photo",
            "photo_consent",
            "updated_by_id",
            *SOURCE_COLUMNS,
        )
    )
    detentions = list(
        Detention.objects.filter(person_id__in=among(person_ids))
        .order_by(F("arrested_on").asc(nulls_first=True), "pk")  # as Detention's ordering
        .values(
            "id",
            "person_id",
            "arrested_on",
            "arrested_precision",
            "place",
            "authority",
            "sentence",
            "certainty",
            "facility_id",
            "facility__name",
            *SOURCE_COLUMNS,
        )
    )
    detention_ids = [d["id"] for d in detentions]
    changes = _group(
        StatusChange.objects.filter(detention_id__in=among(detention_ids))
        .order_by("on", "pk")
        .values("id", "detention_id", "status", "on", "precision", "certainty", *SOURCE_COLUMNS),
        "detention_id",
    )
    charges = _group(
        Charge.objects.filter(detention_id__in=among(detention_ids))
        .order_by("pk")
        .values("detention_id", "law", "section", "description"),
        "detention_id",
    )
    events = _group(
        CaseEvent.objects.filter(detention_id__in=among(detention_ids))
        .order_by("on", "pk")
        .values(
            "detention_id",
            "kind",
            "on",
            "precision",
            "description",
            "next_hearing_on",
            "certainty",
            *SOURCE_COLUMNS,
        ),
        "detention_id",
    )
    for detention in detentions:
        detention["status_changes"] = changes.get(detention["id"], [])
        detention["charges"] = charges.get(detention["id"], [])
        detention["events"] = events.get(detention["id"], [])
    by_person = _group(detentions, "person_id")
    affiliations = _group(
        Affiliation.objects.filter(person_id__in=among(person_ids))
        .order_by("pk")
        .values(
            "person_id",
            "organisation_id",
            "organisation__name",
            "organisation__slug",
            "role",
            *SOURCE_COLUMNS,
        ),
        "person_id",
    )
    recognitions = _group(
        Recognition.objects.filter(person_id__in=among(person_ids))
        .order_by("pk")
        .values(
            "person_id",
            "organisation__name",
            "organisation__slug",
            "since_on",
            "criterion",
            *SOURCE_COLUMNS,
        ),
        "person_id",
    )
    return [
        Gathered(
            person=person,
            detentions=by_person.get(person["id"], []),
            affiliations=affiliations.get(person["id"], []),
            recognitions=recognitions.get(person["id"], []),
        )
        for person in persons
    ]


def _detention_data(d: dict[str, Any]) -> dict[str, Any]:
    changes = d["status_changes"]
    released = released_on(changes)
    return {
        "arrested": _date(d["arrested_on"], d["arrested_precision"]),
        "place": d["place"],
        "authority": d["authority"],
        "sentence": d["sentence"],
        "facility": d["facility__name"] or "",
        "facility_id": d["facility_id"],
        "certainty": d["certainty"],
        "source": _source(d),
        "status": current_status(changes),
        "released_on": released.isoformat() if released else None,
        "charges": [
            {"law": c["law"], "section": c["section"], "description": c["description"]}
            for c in d["charges"]
        ],
        "statuses": [
            {
                "status": c["status"],
                **_date(c["on"], c["precision"]),
                "certainty": c["certainty"],
                "source": _source(c),
            }
            for c in changes
        ],
        "events": [
            {
                "kind": e["kind"],
                **_date(e["on"], e["precision"]),
                "description": e["description"],
                "next_hearing_on": (
                    e["next_hearing_on"].isoformat() if e["next_hearing_on"] else None
                ),
                "certainty": e["certainty"],
                "source": _source(e),
            }
            for e in d["events"]
        ],
    }


def public_data(gathered: Gathered) -> dict[str, Any]:
    """The public facts of a person, with their sources; nothing restricted."""
    person = gathered.person
    return {
        "name": person["name"],
        "name_ur": person["name_ur"],
        "aliases": [a.strip() for a in person["aliases"].splitlines() if a.strip()],
        "gender": person["gender"],
        "birth_year": person["birth_year"],
        "home_region": person["home_region"],
        "occupation": person["occupation"],
        "summary": person["summary"],
        "certainty": person["certainty"],
        "photo": person["photo"] if person["photo"] and person["photo_consent"] else "",
        "source": _source(person),
        "affiliations": [
            {
                "organisation": a["organisation__name"],
                "slug": a["organisation__slug"],
                "role": a["role"],
                "source": _source(a),
            }
            for a in gathered.affiliations
        ],
        "recognitions": [
            {
                "organisation": r["organisation__name"],
                "slug": r["organisation__slug"],
                "since": r["since_on"].isoformat() if r["since_on"] else None,
                "criterion": r["criterion"],
                "source": _source(r),
            }
            for r in gathered.recognitions
        ],
        "detentions": [_detention_data(d) for d in gathered.detentions],
    }


@transaction.atomic
def person_verify(*, by: Any, person: Person) -> RecordWithData:
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
    return publish(person=person, by=by)


def publish(*, person: Person, by: Any | None) -> RecordWithData:
    """Write the public record of ``person`` from its working record (callers check rights)."""
    publish_many(person_ids=[person.pk], by=by)
    return with_data(PublicRecord.objects.filter(pk=person.pk)).get()


def _search_text(person: dict[str, Any], data: dict[str, Any]) -> str:
    """The words a public record is found by: names, aliases, places, charges, events."""
    detentions = data["detentions"]
    return " ".join(
        [
            person["name"],
            person["name_ur"],
            " ".join(data["aliases"]),
            person["home_region"],
            " ".join(d["place"] for d in detentions),
            " ".join(
                f"{c['law']} {c['section']} {c['description']}"
                for d in detentions
                for c in d["charges"]
            ),
            " ".join(e["description"] for d in detentions for e in d["events"]),
        ]
    )


def _day(iso: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(iso) if iso else None


RECORD_COLUMNS = [
    "person",
    "slug",
    "name",
    "name_ur",
    "home_region",
    "status",
    "arrested_on",
    "arrested_year",
    "released_on",
    "version",
    "certainty",
    "verified_at",
    "verified_by_name",
]


# The tables publish_many writes.
PUBLIC_MODELS = [PublicRecord, PublicRecord.organisations.through, PublicVersion, DetentionSpan]


def publish_many(
    *, person_ids: list[int], by: Any | None, pending_run: int | None = None
) -> list[int]:
    """Publish many working records at once, in a fixed number of queries per batch.

    Writes each PublicRecord (with its search words), its organisations and
    detention spans, and a new PublicVersion, which holds the record's data;
    rows are built as plain values. Callers check rights and hold the
    transaction. Returns the ids published. With ``pending_run``, the
    records stay out of public reads until that import run is made public
    (see ImportRun).
    """
    return _publish(gather(person_ids), person_ids, by, fresh=False, pending_run=pending_run)


def publish_new(
    persons: list[Gathered], *, by: Any | None, pending_run: int | None = None
) -> list[int]:
    """Publish persons created in this transaction, from facts the caller already holds.

    For an import, which has just written every fact of its new persons and
    would otherwise read them all back with ``gather``. ``persons`` must
    hold what ``gather`` would return for them (a test compares the two);
    nothing of theirs is published yet, so nothing is replaced. Reads
    nothing, and leaves ``queries.register_changed`` to the caller, once at
    the end.
    """
    if not persons:
        return []
    ids = [g.person["id"] for g in persons]
    return _publish(persons, ids, by, fresh=True, pending_run=pending_run)


def _publish(
    persons: list[Gathered],
    person_ids: list[int],
    by: Any | None,
    *,
    fresh: bool,
    pending_run: int | None = None,
) -> list[int]:
    now = timezone.now()
    verifier = by.get_username() if by is not None else "the demo loader"
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
    words: list[tuple[int, str]] = []
    for gathered in persons:
        person = gathered.person
        pk = person["id"]
        data = public_data(gathered)
        number = numbers.get(pk, 0) + 1
        detentions = data["detentions"]
        arrests = [d["arrested"]["date"] for d in detentions if d["arrested"]["date"]]
        first = _day(min(arrests)) if arrests else None
        latest = detentions[-1] if detentions else None
        text = search.normalise(_search_text(person, data))
        words.append((pk, text))
        records.append(
            (
                pk,
                person["slug"],
                person["name"],
                person["name_ur"],
                person["home_region"],
                latest["status"] if latest else "",
                first,
                first.year if first else None,
                _day(latest["released_on"]) if latest else None,
                number,
                data["certainty"],
                now,
                verifier,
            )
        )
        versions.append((pk, number, json_text(data), now, verifier_id, person["updated_by_id"]))
        spans.extend(
            (
                pk,
                _day(d["arrested"]["date"]),
                _day(d["released_on"]),
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
    # The search vector is written with the record on PostgreSQL (None on
    # SQLite, whose FTS5 table search.index fills below).
    insert_rows(
        PublicRecord,
        [*RECORD_COLUMNS, "search_vector", "import_run"],
        [
            (*row, search.vector(text), pending_run)
            for row, (_pk, text) in zip(records, words, strict=True)
        ],
    )
    insert_rows(through, ["publicrecord", "organisation"], sorted(links))
    insert_rows(
        DetentionSpan,
        ["record", "arrested_on", "released_on", "status", "region", "import_run"],
        spans,
    )
    insert_rows(
        PublicVersion,
        ["person", "number", "data", "verified_at", "verified_by", "edited_by"],
        versions,
    )
    search.index(words)
    if not fresh:
        register_changed()
    return [row[0] for row in records]

"""A working record's writes: persons, their photos, detentions, statuses, events,
recognitions and restricted facts. Nothing here is public until verified."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.cases.citations import cited_sources
from habeas.cases.dates import date_problems
from habeas.cases.models import (
    REGISTER_WORDS,
    CaseEvent,
    Detention,
    Facility,
    Person,
    PersonRestricted,
    Precision,
    PublicVersion,
    Recognition,
    StatusChange,
    max_length,
)
from habeas.cases.publication import PERSON_FIELDS
from habeas.cases.services.facilities import FacilityFacts, facility_choose
from habeas.coalition.models import Campaign, Organisation
from habeas.core.images import clean_image
from habeas.core.models import Source
from habeas.core.pagecache import public_changed
from habeas.core.slugs import unique_slug
from habeas.core.text import refuse_bidi_controls

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from habeas.accounts.models import User


@dataclass(frozen=True)
class SourceFacts:
    """A source as a form gives it, recorded (or found) only once a service has
    checked the acting user's rights."""

    title: str
    publisher: str = ""
    url: str = ""
    published_on: datetime.date | None = None


@dataclass(frozen=True)
class CitedSource:
    """A source picked by id on a form ("same source as before"): good only if the
    person's working record already cites it."""

    pk: int


def _source(source: Source | SourceFacts | CitedSource, person: Person | None) -> Source:
    """The source itself: given, picked from those ``person``'s record cites, or found
    or recorded from its facts (no rights checked).

    A pick must be a source the record cites already: sources are shared by
    every campaign's records and may carry addresses that say more than the
    fact, so an id from elsewhere is refused (ValidationError), never used.
    """
    if isinstance(source, Source):
        return source
    if isinstance(source, CitedSource):
        found = cited_sources(person).filter(pk=source.pk).first() if person else None
        if found is None:
            raise ValidationError(
                {"source_pick": _("Choose a source this record cites, or give a new one.")}
            )
        return found
    return _source_for(source)


def source_for(
    *,
    by: User,
    title: str,
    publisher: str = "",
    url: str = "",
    published_on: datetime.date | None = None,
) -> Source:
    """The source with this title and publisher, recorded if new.

    Sources are shared by every campaign's records and say nothing of any
    one of them. Raises PermissionDenied unless ``by`` documents for some
    campaign, ValidationError for a title or publisher holding
    bidirectional controls.
    """
    if not by.has_perm("cases.record_source"):
        raise PermissionDenied
    return _source_for(SourceFacts(title, publisher, url, published_on))


def _source_for(facts: SourceFacts) -> Source:
    if not facts.title.strip():
        raise ValidationError({"source_title": _("A fact needs a source: give its title.")})
    refuse_bidi_controls(facts.title, field="source_title")
    refuse_bidi_controls(facts.publisher, field="source_publisher")
    source, _created = Source.objects.get_or_create(
        title=facts.title.strip()[: max_length(Source, "title")],
        publisher=facts.publisher.strip()[: max_length(Source, "publisher")],
        defaults={"url": facts.url, "published_on": facts.published_on},
    )
    return source


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("A person needs a name.")})
    if "<" in name or ">" in name:
        raise ValidationError({"name": _("A name cannot contain < or >.")})
    return name


@transaction.atomic
def person_save(
    *,
    by: User,
    source: Source | SourceFacts | CitedSource,
    person: Person | None = None,
    campaign: Campaign | None = None,
    photo: UploadedFile[bytes] | None = None,
    photo_consent: bool | None = None,
    **fields: Any,
) -> Person:
    """Create a person documented by ``campaign``, or change one; public only once verified.

    A new person belongs to ``campaign`` (which also defends them); a
    change leaves the owner as it is. A new ``photo``, or a change of
    ``photo_consent``, is kept as ``person_photo_set`` keeps it, in the same
    transaction. Raises PermissionDenied unless ``by`` documents for the
    campaign (or the person), ValidationError for a missing or marked-up
    name, a biography (English or Urdu) over its limit, a year of birth out
    of range, or a photo that is not an image.
    """
    target: Person | Campaign | None = person if person is not None else campaign
    if target is None or not by.has_perm("cases.document", target):
        raise PermissionDenied
    source = _source(source, person)
    if person is not None:
        campaign = None
    fields["name"] = _check_name(fields.get("name", person.name if person else ""))
    for name in ("name", "name_ur", "aliases"):
        refuse_bidi_controls(fields.get(name) or "", field=name)
    # A TextField's limit binds only forms: the service holds it for every caller.
    for name in ("summary", "summary_ur"):
        limit = max_length(Person, name)
        if len(fields.get(name) or "") > limit:
            raise ValidationError(
                {name: _("At most %(limit)d characters, please.") % {"limit": limit}}
            )
    year = fields.get("birth_year")
    if year is not None and not 1900 <= int(year) <= timezone.now().year:
        raise ValidationError({"birth_year": _("A year of birth between 1900 and now.")})
    if person is None:
        person = Person(
            slug=unique_slug(
                fields["name"],
                taken=lambda s: s in REGISTER_WORDS or Person.objects.filter(slug=s).exists(),
                fallback="person",
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
    consent = person.photo_consent if photo_consent is None else photo_consent
    if photo or consent != person.photo_consent:
        person_photo_set(by=by, person=person, photo=photo, consent=consent)
    return person


PHOTO_MAX_BYTES = 5 * 1024 * 1024


@transaction.atomic
def person_photo_set(
    *, by: User, person: Person, photo: UploadedFile[bytes] | None, consent: bool
) -> Person:
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
        # The one change that reaches public pages without a verification.
        public_changed()
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


def _delete_after_commit(storage: Storage, names: set[str]) -> None:
    """Delete the files ``names`` from ``storage`` once the transaction commits."""

    def delete() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


def _check_dates(
    *,
    arrested: datetime.date | None,
    arrested_precision: str,
    status: str,
    status_on: datetime.date | None,
    status_precision: str,
    fields: dict[str, str] | None = None,
) -> None:
    """Raise ValidationError, by field (renamed by ``fields``), for dates that cannot be true."""
    problems = date_problems(
        arrested=arrested,
        arrested_precision=arrested_precision,
        status=status,
        status_on=status_on,
        status_precision=status_precision,
        today=timezone.localdate(),
    )
    if problems:
        names = fields or {}
        raise ValidationError(
            {names.get(field, field): problem.message() for field, problem in problems.items()}
        )


@transaction.atomic
def detention_add(
    *,
    by: User,
    person: Person,
    source: Source | SourceFacts | CitedSource,
    arrested_on: datetime.date | None,
    arrested_precision: str,
    status: str,
    status_on: datetime.date | None = None,
    status_precision: str = Precision.UNKNOWN,
    facility: Facility | FacilityFacts | None = None,
    **fields: Any,
) -> Detention:
    """Record an arrest with its first status and, if known, the place of custody;
    not public until verified.

    ``facility`` is a confirmed facility or a new proposal (``facility_choose``).
    The first status is dated by the arrest unless ``status_on`` is given.
    Raises PermissionDenied unless ``by`` documents for the person,
    ValidationError for facts the models refuse, an unconfirmed or repeated
    facility, a picked source the record does not cite, and dates that cannot
    be true (an arrest or status in the future, a release before the arrest).
    """
    if not by.has_perm("cases.document", person):
        raise PermissionDenied
    _check_dates(
        arrested=arrested_on,
        arrested_precision=arrested_precision,
        status=status,
        status_on=status_on,
        status_precision=status_precision,
    )
    if status_on is None:
        status_on, status_precision = arrested_on, arrested_precision
    source = _source(source, person)
    detention = Detention(
        person=person,
        source=source,
        facility=facility_choose(by=by, person=person, facility=facility) if facility else None,
        arrested_on=arrested_on,
        arrested_precision=arrested_precision,
        **fields,
    )
    detention.full_clean()
    detention.save()
    StatusChange.objects.create(
        detention=detention,
        status=status,
        on=status_on,
        precision=status_precision,
        source=source,
    )
    _touch(person, by)
    return detention


@transaction.atomic
def status_add(
    *,
    by: User,
    detention: Detention,
    status: str,
    on: datetime.date | None,
    precision: str,
    source: Source | SourceFacts | CitedSource,
    facility: Facility | FacilityFacts | None = None,
) -> StatusChange:
    """Record a change of a detention's status, with a transfer to ``facility`` if one
    is named; not public until verified.

    The change keeps the facility, so the detention's earlier places stay in
    its history; the latest change that names one is where the person is
    held now (``publication.current_facility``). Raises PermissionDenied
    unless ``by`` documents for the detained person, ValidationError as
    ``detention_add`` does (a change in the future, a release before the
    arrest among them).
    """
    person = detention.person
    if not by.has_perm("cases.document", person):
        raise PermissionDenied
    _check_dates(
        arrested=detention.arrested_on,
        arrested_precision=detention.arrested_precision,
        status=status,
        status_on=on,
        status_precision=precision,
        fields={"status_on": "on"},
    )
    source = _source(source, person)
    change = StatusChange(
        detention=detention,
        status=status,
        on=on,
        precision=precision,
        source=source,
        facility=facility_choose(by=by, person=person, facility=facility) if facility else None,
    )
    change.full_clean()
    change.save()
    _touch(detention.person, by)
    return change


@transaction.atomic
def event_add(
    *, by: User, detention: Detention, source: Source | SourceFacts | CitedSource, **fields: Any
) -> CaseEvent:
    """Record a step in a detention's case (a hearing, a charge); not public until verified.

    Raises PermissionDenied unless ``by`` documents for the detained person,
    ValidationError for facts the models refuse.
    """
    if not by.has_perm("cases.document", detention.person):
        raise PermissionDenied
    source = _source(source, detention.person)
    event = CaseEvent(detention=detention, source=source, **fields)
    event.full_clean()
    event.save()
    _touch(detention.person, by)
    return event


@transaction.atomic
def recognition_save(
    *,
    by: User,
    person: Person,
    organisation: Organisation,
    source: Source | SourceFacts | CitedSource,
    since_on: datetime.date | None,
    criterion: str,
) -> Recognition:
    """Record (or update) that an organisation recognises the person as a political prisoner.

    Not public until verified. Raises PermissionDenied unless ``by``
    documents for the person.
    """
    if not by.has_perm("cases.document", person):
        raise PermissionDenied
    source = _source(source, person)
    recognition, _created = Recognition.objects.update_or_create(
        person=person,
        organisation=organisation,
        defaults={"source": source, "since_on": since_on, "criterion": criterion.strip()},
    )
    _touch(person, by)
    return recognition


def _touch(person: Person, by: User) -> None:
    Person.objects.filter(pk=person.pk).update(updated_by=by, updated_at=timezone.now())


@transaction.atomic
def restricted_save(*, by: User, person: Person, **fields: str) -> PersonRestricted:
    """Change the facts only the case team sees. Raises PermissionDenied for anyone else."""
    if not by.has_perm("cases.view_restricted", person):
        raise PermissionDenied
    restricted, _created = PersonRestricted.objects.get_or_create(person=person)
    for name, value in fields.items():
        setattr(restricted, name, value)
    restricted.full_clean()
    restricted.save()
    return restricted

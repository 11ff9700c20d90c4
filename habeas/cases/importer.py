"""CSV import of the register: the whole file is checked before anything is written.

One row is one person with one detention. Rows carry an ``external_id``;
importing a row whose id is known updates that person and detention, so
the same file imported twice leaves one copy. Any error anywhere means
nothing is imported, and every error is listed with its line and column.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from habeas.cases import search
from habeas.cases.models import (
    Affiliation,
    Charge,
    Detention,
    DetentionSpan,
    Facility,
    ImportRun,
    ImportStaged,
    Person,
    Precision,
    PublicRecord,
    Status,
    StatusChange,
)
from habeas.cases.queries import register_changed
from habeas.cases.rules import documented_by
from habeas.cases.services import (
    PERSON_FIELDS,
    PUBLIC_MODELS,
    Gathered,
    publish_many,
    publish_new,
)
from habeas.coalition.models import Campaign, Organisation
from habeas.core.bulk import (
    among,
    analyse,
    delete_in,
    insert_rows,
    json_text,
    keys_by,
    new_keys,
    pause_for_others,
    update_rows,
)
from habeas.core.fields import WebAddressField
from habeas.core.models import Source
from habeas.core.text import has_bidi_controls

REQUIRED = ["external_id", "name", "source_title"]
OPTIONAL = [
    "name_ur",
    "aliases",
    "gender",
    "birth_year",
    "home_region",
    "occupation",
    "summary",
    "affiliation",
    "affiliation_role",
    "campaign",
    "arrested_on",
    "place",
    "authority",
    "facility",
    "charges",
    "status",
    "status_on",
    "source_publisher",
    "source_url",
    "source_published_on",
    "certainty",
]
MAX_LINE_BYTES = 1_000_000
MAX_ERRORS_SHOWN = 200
BATCH = 1000
# The vocabularies, as sets: Django's ``.values`` rebuilds its list on every
# call, which was 6 % of checking a file.
STATUSES = frozenset(Status.values)
GENDERS = frozenset(Person.Gender.values)
# The tables an import writes.
WRITTEN = [Person, Detention, Charge, StatusChange, Affiliation, Person.campaigns.through]
SOURCE_URL = WebAddressField(required=False)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class ImportError_:  # noqa: N801 — "ImportError" is a builtin
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Checked:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[ImportError_] = field(default_factory=list)


def parse_date(text: str) -> tuple[datetime.date | None, str]:
    """'2025', '2025-05', '2025-05-30' or '' / 'unknown' -> (date, precision).

    Raises ValueError for anything else, or an impossible date.
    """
    text = text.strip()
    if text.lower() in {"", "unknown"}:
        return None, Precision.UNKNOWN
    match = _DATE.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = match.groups()
    value = datetime.date(int(year), int(month or 1), int(day or 1))
    precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
    return value, precision


def _lines(data: bytes) -> Iterator[tuple[int, str]]:
    """Decoded lines with their numbers; raises UnicodeDecodeError with the line number set."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as error:
            error.reason = f"line {number}"
            raise


def check(data: bytes, *, campaigns: dict[str, int], organisations: dict[str, int]) -> Checked:
    """Validate the whole file; returns clean rows, or every error found."""
    result = Checked()
    for number, raw in enumerate(data.split(b"\n"), 1):
        if len(raw) > MAX_LINE_BYTES:
            result.errors.append(ImportError_(number, "", "the line is longer than 1 MB"))
    if result.errors:
        return result
    try:
        text = "\n".join(line for _n, line in _lines(data))
    except UnicodeDecodeError as error:
        line = int(error.reason.split()[-1]) if error.reason.startswith("line ") else 0
        result.errors.append(ImportError_(line, "", "the file is not UTF-8 text"))
        return result
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    for column in missing:
        result.errors.append(ImportError_(1, column, "required column is missing"))
    for column in unknown:
        result.errors.append(ImportError_(1, column, "unknown column"))
    if missing or unknown:
        return result
    seen: dict[str, int] = {}
    try:
        for row in reader:
            _check_row(reader.line_num, row, result, seen, campaigns, organisations)
    except csv.Error as error:
        result.errors.append(ImportError_(reader.line_num, "", f"not valid CSV ({error})"))
    return result


def _check_row(
    line: int,
    row: dict[str, Any],
    result: Checked,
    seen: dict[str, int],
    campaigns: dict[str, int],
    organisations: dict[str, int],
) -> None:
    errors = result.errors
    before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(ImportError_(line, column, message))

    if None in row:
        err("", "more fields than the header has columns")
        return
    clean = {k: (v or "").strip() for k, v in row.items()}
    for column, value in clean.items():
        if "\x00" in value:
            err(column, "contains a NUL character (a zero byte)")
    for column in ("name", "name_ur", "aliases", "source_title", "source_publisher"):
        if has_bidi_controls(clean.get(column, "")):
            err(column, "contains a direction control (U+202A-U+202E, U+2066-U+2069)")
    if clean.get("source_url"):
        # As the forms read it: http or https, "https://" assumed when absent.
        try:
            clean["source_url"] = SOURCE_URL.clean(clean["source_url"])
        except ValidationError:
            err("source_url", f"{clean['source_url'][:60]!r} is not an http or https address")
    external_id = clean["external_id"]
    if not external_id:
        err("external_id", "required")
    elif len(external_id) > 100:
        err("external_id", "at most 100 characters")
    elif external_id in seen:
        err("external_id", f"repeats line {seen[external_id]}")
    else:
        seen[external_id] = line
    name = " ".join(clean["name"].split())
    if not name:
        err("name", "required")
    elif "<" in name or ">" in name:
        err("name", f"contains < or >: {name[:60]!r}")
    elif len(name) > 200:
        err("name", "at most 200 characters")
    if not clean["source_title"]:
        err("source_title", "required: every fact needs a source")
    for column in ("arrested_on", "status_on", "source_published_on"):
        try:
            clean[column] = parse_date(clean.get(column, ""))
        except ValueError:
            err(column, f"{clean.get(column)!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    status = clean.get("status", "").upper()
    if status and status not in STATUSES:
        err("status", f"{clean['status']!r} is not one of {', '.join(Status.values)}")
    clean["status"] = status or Status.DETAINED
    gender = clean.get("gender", "").upper()
    if gender and gender not in GENDERS:
        err("gender", f"{clean['gender']!r} is not one of {', '.join(Person.Gender.values)}")
    clean["gender"] = gender or Person.Gender.UNKNOWN
    certainty = clean.get("certainty", "").upper() or "REPORTED"
    if certainty not in {"VERIFIED", "REPORTED"}:
        err("certainty", "use VERIFIED or REPORTED")
    clean["certainty"] = certainty
    year = clean.get("birth_year", "")
    if year and not (year.isdigit() and 1900 <= int(year) <= timezone.now().year):
        err("birth_year", f"{year!r} is not a year between 1900 and now")
    clean["birth_year"] = int(year) if year.isdigit() else None
    if clean.get("campaign") and clean["campaign"] not in campaigns:
        err("campaign", f"no campaign with the slug {clean['campaign']!r}")
    if clean.get("affiliation") and clean["affiliation"] not in organisations:
        err("affiliation", f"no organisation with the slug {clean['affiliation']!r}")
    charges = []
    for part in filter(None, (p.strip() for p in clean.get("charges", "").split(";"))):
        law, _sep, rest = part.partition("|")
        section, _sep, description = rest.partition("|")
        if not law.strip():
            err("charges", f"{part!r} has no law (use law|section|description)")
        charges.append((law.strip()[:200], section.strip()[:50], description.strip()[:500]))
    clean["charges"] = charges
    for column, limit in (
        ("name_ur", 200),
        ("home_region", 100),
        ("occupation", 100),
        ("place", 200),
        ("facility", 200),
        ("authority", 200),
        ("summary", 10_000),
        ("aliases", 2000),
        ("source_title", 300),
        ("source_url", 200),
    ):
        if len(clean.get(column, "")) > limit:
            err(column, f"at most {limit} characters")
    if len(errors) == before:
        clean["name"] = name
        clean["line"] = line
        result.rows.append(clean)


def check_rights(rows: list[dict[str, Any]], *, users: list[Any]) -> list[ImportError_]:
    """Row errors for rows that would update a person some user may not document.

    A row whose ``external_id`` is already a person's updates that person,
    which needs document rights from the person's own campaign (or a share
    of its case work), whatever campaign the row names. Checked for every
    user who writes (the importer and the publisher) before anything is
    written.
    """
    existing = keys_by(Person, "external_id", [row["external_id"] for row in rows])
    if not existing:
        return []
    keys = list(existing.values())
    errors: list[ImportError_] = []
    for user in users:
        allowed = set(
            Person.objects.filter(pk__in=among(keys))
            .filter(documented_by(user))
            .values_list("pk", flat=True)
        )
        errors.extend(
            ImportError_(
                row["line"],
                "external_id",
                f"updates a person whose campaign {user} does not document; "
                "only that campaign's documenters may change it",
            )
            for row in rows
            if row["external_id"] in existing and existing[row["external_id"]] not in allowed
        )
    return errors


@dataclass
class Applied:
    created: int = 0
    updated: int = 0


def apply(
    rows: list[dict[str, Any]],
    *,
    by: Any,
    publish_by: Any | None,
    campaigns: dict[str, int],
    organisations: dict[str, int],
    progress: Callable[[int, int], None] | None = None,
) -> Applied:
    """Write checked rows in short transactions; the public sees all of them, or none.

    No transaction lasts longer than one batch (BATCH rows), so the site
    goes on reading and writing between them, on SQLite too, whose writer
    holds the whole database. The public sees nothing of the run until its
    flip (see ImportRun):

    1. rows that change persons already in the register are set aside
       (ImportStaged);
    2. the new persons are written batch by batch, each marked with the
       run, and so are their public records if ``publish_by`` verifies
       them: public reads leave marked records out;
    3. one transaction clears the marks: the new records appear together;
    4. the set-aside rows are applied, batch by batch, published at once.

    An error before the flip undoes the run (its new persons are deleted)
    and is raised; a process killed before the flip leaves a run that
    ``recover`` undoes, and one killed after it a run that ``recover``
    finishes. Runs left by dead processes are recovered first.
    """
    recover()
    run = _run_start(by, publish_by, len(rows))
    applied = Applied()
    total = len(rows)
    try:
        known = _look_up(rows, campaigns, organisations)
        fresh = [row for row in rows if row["external_id"] not in known.persons]
        _stage(run, [row for row in rows if row["external_id"] in known.persons])
        for start in range(0, len(fresh), BATCH):
            with transaction.atomic():
                _beat(run)
                _apply_batch(fresh[start : start + BATCH], by, publish_by, known, applied, run)
                if start == 0 and len(fresh) > BATCH:
                    # The planner sees the tables' shape before later batches
                    # look rows up in them (see bulk.analyse).
                    analyse([*WRITTEN, *(PUBLIC_MODELS if publish_by is not None else [])])
            if progress:
                progress(min(start + BATCH, len(fresh)), total)
            pause_for_others()
        _flip(run)
    except BaseException:
        _undo(run)
        raise
    _finish(run, campaigns, organisations, applied, progress, total)
    return applied


# Seconds after its last batch when a run of a process on another machine
# (whose life cannot be checked) is taken for dead.
RUN_STALE_SECONDS = 600


def _run_start(by: Any, publish_by: Any | None, rows: int) -> ImportRun:
    return ImportRun.objects.create(
        by=by,
        publish_by=publish_by,
        rows=rows,
        host=socket.gethostname()[:255],
        pid=os.getpid(),
    )


def _beat(run: ImportRun) -> None:
    """Say that the run's process is alive (inside each batch's transaction)."""
    ImportRun.objects.filter(pk=run.pk).update(beat_at=timezone.now())


# The columns of a checked row that hold (date, precision) pairs.
DATE_COLUMNS = ("arrested_on", "status_on", "source_published_on")


def _stage(run: ImportRun, rows: list[dict[str, Any]]) -> None:
    """Set aside rows that change existing persons, in short transactions."""
    for start in range(0, len(rows), BATCH):
        with transaction.atomic():
            _beat(run)
            insert_rows(
                ImportStaged,
                ["run", "line", "row"],
                [
                    (
                        run.pk,
                        row["line"],
                        json_text({k: v for k, v in row.items() if not k.startswith("_")}),
                    )
                    for row in rows[start : start + BATCH]
                ],
            )
        pause_for_others()


def _unstaged(data: dict[str, Any]) -> dict[str, Any]:
    """A checked row back from its JSON (dates were written as ISO 8601)."""
    row = dict(data)
    for column in DATE_COLUMNS:
        on, precision = row[column]
        row[column] = (datetime.date.fromisoformat(on) if on else None, precision)
    row["charges"] = [tuple(charge) for charge in row["charges"]]
    return row


@transaction.atomic
def _flip(run: ImportRun) -> None:
    """Make the run's new records public, all in one short transaction."""
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    if locked.state != ImportRun.State.RUNNING:
        raise RuntimeError(f"import run {run.pk} was taken over ({locked.state})")
    PublicRecord.all_objects.filter(import_run=run).update(import_run=None)
    DetentionSpan.all_objects.filter(import_run=run).update(import_run=None)
    locked.state = ImportRun.State.COMMITTING
    locked.beat_at = timezone.now()
    locked.save(update_fields=["state", "beat_at"])
    register_changed()


def _finish(
    run: ImportRun,
    campaigns: dict[str, int],
    organisations: dict[str, int],
    applied: Applied,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> None:
    """Apply a committing run's set-aside rows, a batch at a time, then mark it DONE.

    Each batch is applied and removed from the set-aside rows in one
    transaction, so a run killed here is finished from where it stopped.
    """
    done = total - ImportStaged.objects.filter(run=run).count()
    while True:
        with transaction.atomic():
            _beat(run)
            staged = list(ImportStaged.objects.filter(run=run).order_by("line")[:BATCH])
            if not staged:
                ImportRun.objects.filter(pk=run.pk).update(
                    state=ImportRun.State.DONE, finished_at=timezone.now()
                )
                register_changed()
                return
            batch = [_unstaged(s.row) for s in staged]
            known = _look_up(batch, campaigns, organisations)
            _apply_batch(batch, run.by, run.publish_by, known, applied, None)
            ImportStaged.objects.filter(pk__in=[s.pk for s in staged]).delete()
        done += len(staged)
        if progress:
            progress(done, total)
        pause_for_others()


def _undo(run: ImportRun) -> None:
    """Mark a run FAILED and delete what it wrote (none of it was public)."""
    ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.RUNNING).update(
        state=ImportRun.State.FAILED
    )
    _purge(run)


def _purge(run: ImportRun) -> None:
    """Delete a failed run's set-aside rows and new persons, in short transactions."""
    while True:
        with transaction.atomic():
            staged = list(
                ImportStaged.objects.filter(run=run).values_list("pk", flat=True)[:BATCH]
            )
            if not staged:
                break
            ImportStaged.objects.filter(pk__in=staged).delete()
    while True:
        with transaction.atomic():
            ids = list(Person.objects.filter(import_run=run).values_list("pk", flat=True)[:BATCH])
            if not ids:
                break
            search.unindex(ids)
            Person.objects.filter(pk__in=ids).delete()
        pause_for_others()
    ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())


def _alive(run: ImportRun) -> bool:
    """Whether the process that runs ``run`` may still be running."""
    if timezone.now() - run.beat_at > datetime.timedelta(seconds=RUN_STALE_SECONDS):
        return False
    if run.host != socket.gethostname()[:255] or run.pid is None:
        return True
    try:
        os.kill(run.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _take_over(run: ImportRun, state: str) -> bool:
    """Claim a dead process's run for this process; False if another claimed it first."""
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().filter(pk=run.pk, state=state).first()
        if locked is None or _alive(locked):
            return False
        ImportRun.objects.filter(pk=run.pk).update(
            host=socket.gethostname()[:255], pid=os.getpid(), beat_at=timezone.now()
        )
        return True


def recover() -> list[ImportRun]:
    """Settle the runs that dead processes left: undo RUNNING ones, finish COMMITTING ones.

    Also finishes the clean-up of FAILED runs whose undoing was cut short.
    Leaves alone every run whose process may still be running. Returns the
    runs it settled. Called before each import, by ``habeas serve`` as it
    starts, and by ``habeas import-cases --recover``.
    """
    settled = []
    for run in ImportRun.objects.filter(
        Q(state__in=[ImportRun.State.RUNNING, ImportRun.State.COMMITTING])
        | Q(state=ImportRun.State.FAILED, finished_at=None)
    ).select_related("by", "publish_by"):
        if not _take_over(run, run.state):
            continue
        if run.state == ImportRun.State.COMMITTING:
            campaigns, organisations = lookups()
            _finish(run, campaigns, organisations, Applied(), None, run.rows)
        else:
            _undo(run)
        settled.append(run)
    return settled


@dataclass
class Known:
    """What an import looks up once, and what it has met and made so far."""

    campaigns: dict[str, int]
    organisations: dict[str, int]
    names: dict[int, tuple[str, str]]  # organisation id: (name, slug)
    persons: dict[str, int]  # external id: key
    detentions: dict[str, int]  # external id: key
    taken: set[str]  # slugs
    person_keys: Iterator[int]
    detention_keys: Iterator[int]
    sources: dict[tuple[str, str], Source] = field(default_factory=dict)
    facilities: dict[str, int | None] = field(default_factory=dict)


def _look_up(
    rows: list[dict[str, Any]], campaigns: dict[str, int], organisations: dict[str, int]
) -> Known:
    """Which of the file's external ids and slugs exist, and keys for its new rows."""
    ids = [row["external_id"] for row in rows]
    persons = keys_by(Person, "external_id", ids)
    detentions = keys_by(Detention, "external_id", ids)
    for row in rows:
        row["_base"] = slugify(row["name"])[:60] or "person"
    return Known(
        campaigns=campaigns,
        organisations=organisations,
        names={
            pk: (name, slug)
            for pk, name, slug in Organisation.objects.values_list("pk", "name", "slug")
        },
        persons=persons,
        detentions=detentions,
        taken=set(keys_by(Person, "slug", list({row["_base"] for row in rows}))),
        person_keys=iter(new_keys(Person, len(set(ids) - persons.keys()))),
        detention_keys=iter(new_keys(Detention, len(set(ids) - detentions.keys()))),
    )


def _source_for(row: dict[str, Any], sources: dict[tuple[str, str], Source]) -> Source:
    key = (row["source_title"][:300], row.get("source_publisher", "")[:200])
    if key not in sources:
        published, _precision = row["source_published_on"]
        sources[key], _created = Source.objects.get_or_create(
            title=key[0],
            publisher=key[1],
            defaults={"url": row.get("source_url", ""), "published_on": published},
        )
    return sources[key]


# The values _apply_batch builds for a person, in this order.
PERSON_COLUMNS = [*PERSON_FIELDS, "source", "updated_at", "updated_by"]
DETENTION_COLUMNS = [
    "arrested_on",
    "arrested_precision",
    "place",
    "authority",
    "facility",
    "source",
    "certainty",
]


def _apply_batch(
    batch: list[dict[str, Any]],
    by: Any,
    publish_by: Any | None,
    known: Known,
    applied: Applied,
    run: ImportRun | None,
) -> None:
    """Write one batch as rows of plain values: a few statements, no model objects.

    New persons, and their public records, are marked with ``run`` (not
    public until the run is). Keys for new rows are taken here, inside the
    batch's transaction: between batches others may write.
    """
    now = timezone.now()
    pending = run.pk if run is not None else None
    new_ids = {row["external_id"] for row in batch}
    known.person_keys = iter(new_keys(Person, len(new_ids - known.persons.keys())))
    known.detention_keys = iter(new_keys(Detention, len(new_ids - known.detentions.keys())))
    persons, detentions, taken = known.persons, known.detentions, known.taken
    new_persons, changed_persons = [], []
    for row in batch:
        external_id = row["external_id"]
        source = _source_for(row, known.sources)
        row["_source"] = source
        values = (
            row["name"],
            row.get("name_ur", ""),
            "\n".join(a.strip() for a in row.get("aliases", "").split(";") if a.strip()),
            row["gender"],
            row["birth_year"],
            row.get("home_region", ""),
            row.get("occupation", ""),
            row.get("summary", ""),
            row["certainty"],
            source.pk,
            now,
            by.pk,
        )
        row["_values"] = values
        if external_id in persons:
            changed_persons.append((*values, persons[external_id]))
            continue
        base = row["_base"]
        slug = f"{base}-{slugify(external_id)[:18]}" if base in taken else base
        taken.add(slug)
        row["_slug"] = slug
        persons[external_id] = next(known.person_keys)
        owner = known.campaigns[row["campaign"]] if row.get("campaign") else None
        new_persons.append(
            (persons[external_id], external_id, slug, *values, "", False, owner, pending)
        )
    insert_rows(
        Person,
        [
            "id",
            "external_id",
            "slug",
            *PERSON_COLUMNS,
            "photo",
            "photo_consent",
            "campaign",
            "import_run",
        ],
        new_persons,
    )
    update_rows(Person, PERSON_COLUMNS, changed_persons)
    applied.created += len(new_persons)
    applied.updated += len(changed_persons)

    new_detentions, changed_detentions = [], []
    for row in batch:
        external_id = row["external_id"]
        arrested, precision = row["arrested_on"]
        detention_values = (
            arrested,
            precision,
            row.get("place", ""),
            row.get("authority", ""),
            _facility(row.get("facility", ""), known.facilities),
            row["_source"].pk,
            row["certainty"],
        )
        row["_detention"] = detention_values
        if external_id in detentions:
            changed_detentions.append((*detention_values, detentions[external_id]))
        else:
            detentions[external_id] = next(known.detention_keys)
            new_detentions.append(
                (detentions[external_id], external_id, persons[external_id], "", *detention_values)
            )
    insert_rows(
        Detention,
        ["id", "external_id", "person", "sentence", *DETENTION_COLUMNS],
        new_detentions,
    )
    update_rows(Detention, DETENTION_COLUMNS, changed_detentions)
    # Rows whose person and detention are both new have nothing to replace.
    fresh = {p[1] for p in new_persons} & {d[1] for d in new_detentions}
    stale = [detentions[row["external_id"]] for row in batch if row["external_id"] not in fresh]
    delete_in(Charge, "detention", stale)
    delete_in(StatusChange, "detention", stale)
    insert_rows(
        Charge,
        ["detention", "law", "section", "description"],
        [
            (detentions[row["external_id"]], law, section, description)
            for row in batch
            for law, section, description in row["charges"]
        ],
    )
    insert_rows(
        StatusChange,
        ["detention", "status", "on", "precision", "source", "certainty"],
        [(detentions[row["external_id"]], *_status(row)) for row in batch],
    )
    insert_rows(
        Affiliation,
        ["person", "organisation", "role", "source"],
        [
            (
                persons[row["external_id"]],
                known.organisations[row["affiliation"]],
                row.get("affiliation_role", "")[:200],
                row["_source"].pk,
            )
            for row in batch
            if row.get("affiliation")
        ],
        ignore_conflicts=True,
    )
    insert_rows(
        Person.campaigns.through,
        ["person", "campaign"],
        [
            (persons[row["external_id"]], known.campaigns[row["campaign"]])
            for row in batch
            if row.get("campaign")
        ],
        ignore_conflicts=True,
    )
    if publish_by is None:
        return
    publish_new(
        [
            _gathered(row, persons[row["external_id"]], detentions[row["external_id"]], known)
            for row in batch
            if row["external_id"] in fresh
        ],
        by=publish_by,
        pending_run=pending,
    )
    changed = [persons[row["external_id"]] for row in batch if row["external_id"] not in fresh]
    if changed:
        publish_many(person_ids=changed, by=publish_by, pending_run=pending)


def _status(row: dict[str, Any]) -> tuple[Any, ...]:
    """A row's status change: status, date, precision, source id, certainty."""
    on, precision = row["status_on"] if row["status_on"][0] else row["arrested_on"]
    return (row["status"], on, precision, row["_source"].pk, row["certainty"])


def _source_columns(source: Source) -> dict[str, Any]:
    return {
        "source__title": source.title,
        "source__publisher": source.publisher,
        "source__url": source.url,
        "source__published_on": source.published_on,
    }


def _gathered(row: dict[str, Any], person_id: int, detention_id: int, known: Known) -> Gathered:
    """What ``services.gather`` would read back for a person this import has just created.

    The person has only what the row gave: one detention with its charges
    and one status, perhaps one affiliation, no events, no recognitions.
    """
    source = _source_columns(row["_source"])
    values = row["_values"]
    arrested_on, precision, place, authority, facility_id, _source, certainty = row["_detention"]
    status, on, status_precision, _source, _certainty = _status(row)
    detention = {
        "id": detention_id,
        "person_id": person_id,
        "arrested_on": arrested_on,
        "arrested_precision": precision,
        "place": place,
        "authority": authority,
        "sentence": "",
        "certainty": certainty,
        "facility_id": facility_id,
        "facility__name": row.get("facility", "") if facility_id is not None else None,
        **source,
        "status_changes": [
            {
                "id": 0,  # ids only order one detention's changes, and it has one
                "detention_id": detention_id,
                "status": status,
                "on": on,
                "precision": status_precision,
                "certainty": certainty,
                **source,
            }
        ],
        "charges": [
            {"detention_id": detention_id, "law": law, "section": section, "description": text}
            for law, section, text in row["charges"]
        ],
        "events": [],
    }
    affiliations = []
    if row.get("affiliation"):
        organisation = known.organisations[row["affiliation"]]
        name, slug = known.names[organisation]
        affiliations.append(
            {
                "person_id": person_id,
                "organisation_id": organisation,
                "organisation__name": name,
                "organisation__slug": slug,
                "role": row.get("affiliation_role", "")[:200],
                **source,
            }
        )
    return Gathered(
        person={
            "id": person_id,
            "slug": row["_slug"],
            **dict(zip(PERSON_FIELDS, values, strict=False)),
            "photo": "",
            "photo_consent": False,
            "updated_by_id": values[-1],
            **source,
        },
        detentions=[detention],
        affiliations=affiliations,
        recognitions=[],
    )


def _facility(name: str, known: dict[str, int | None]) -> int | None:
    if not name:
        return None
    if name not in known:
        known[name] = Facility.objects.get_or_create(name=name, region="")[0].pk
    return known[name]


def lookups() -> tuple[dict[str, int], dict[str, int]]:
    """Campaign and organisation slugs the file may name."""
    return (
        dict(Campaign.objects.values_list("slug", "pk")),
        dict(Organisation.objects.values_list("slug", "pk")),
    )

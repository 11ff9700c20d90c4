"""CSV import of the register: the whole file is checked before anything is written.

One row is one person with one detention. Rows carry an ``external_id``;
importing a row whose id is known updates that person and detention, so
the same file imported twice leaves one copy. Any error anywhere means
nothing is imported, and every error is listed with its line and column.

The rights to import are the service ``services.register_import``'s; this
module checks files and writes the rows of an import whose rights were
checked. Public records are written by ``services.publishing``, from the
same projection as every other publication.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import logging
import os
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from habeas.cases import search
from habeas.cases.dates import date_problems
from habeas.cases.models import (
    REGISTER_WORDS,
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
    max_length,
)
from habeas.cases.publication import PERSON_FIELDS
from habeas.cases.queries import register_changed
from habeas.cases.rules import documented_by
from habeas.cases.services.publishing import PUBLIC_MODELS, _publish_many
from habeas.coalition.models import Campaign, Organisation
from habeas.core.bulk import (
    among,
    analyse,
    delete_in,
    insert_rows,
    json_text,
    keys_by,
    pause_for_others,
    update_rows,
)
from habeas.core.fields import WebAddressField
from habeas.core.models import Source
from habeas.core.slugs import unique_slug
from habeas.core.text import has_bidi_controls

if TYPE_CHECKING:
    from habeas.accounts.models import User

log = logging.getLogger(__name__)

REQUIRED = ["external_id", "name", "source_title"]
OPTIONAL = [
    "name_ur",
    "aliases",
    "gender",
    "birth_year",
    "home_region",
    "occupation",
    "summary",
    "summary_ur",
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

# The model field each limited column is written to: the limits are the models'.
LIMITED: dict[str, tuple[type[models.Model], str]] = {
    "external_id": (Person, "external_id"),
    "name": (Person, "name"),
    "name_ur": (Person, "name_ur"),
    "home_region": (Person, "home_region"),
    "occupation": (Person, "occupation"),
    "summary": (Person, "summary"),
    "summary_ur": (Person, "summary_ur"),
    "aliases": (Person, "aliases"),
    "place": (Detention, "place"),
    "authority": (Detention, "authority"),
    "facility": (Facility, "name"),
    "source_title": (Source, "title"),
    "source_url": (Source, "url"),
}
# Cut to fit, as before: a publisher, a role or a charge's parts never fail a file.
CUT: dict[str, tuple[type[models.Model], str]] = {
    "source_publisher": (Source, "publisher"),
    "affiliation_role": (Affiliation, "role"),
    "law": (Charge, "law"),
    "section": (Charge, "section"),
    "description": (Charge, "description"),
}


def _limit(column: str) -> int:
    model, name = {**LIMITED, **CUT}[column]
    return max_length(model, name)


@dataclass(frozen=True)
class ImportError_:  # noqa: N801 — "ImportError" is a builtin
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Row:
    """One checked row of the file: one person with one detention, values clean.

    ``line`` is the line of the file the row begins on.
    """

    line: int
    external_id: str
    name: str
    source_title: str
    name_ur: str = ""
    aliases: str = ""  # one a line
    gender: str = Person.Gender.UNKNOWN
    birth_year: int | None = None
    home_region: str = ""
    occupation: str = ""
    summary: str = ""
    summary_ur: str = ""
    affiliation: str = ""
    affiliation_role: str = ""
    campaign: str = ""
    arrested_on: datetime.date | None = None
    arrested_precision: str = Precision.UNKNOWN
    place: str = ""
    authority: str = ""
    facility: str = ""
    charges: list[tuple[str, str, str]] = field(default_factory=list)
    status: str = Status.DETAINED
    status_on: datetime.date | None = None
    status_precision: str = Precision.UNKNOWN
    source_publisher: str = ""
    source_url: str = ""
    source_published_on: datetime.date | None = None
    certainty: str = "REPORTED"

    def to_json(self) -> str:
        """The row as JSON, to be set aside (dates as ISO 8601)."""
        return json_text(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        """A row set aside by ``to_json``, back."""
        for name in ("arrested_on", "status_on", "source_published_on"):
            data[name] = datetime.date.fromisoformat(data[name]) if data[name] else None
        data["charges"] = [tuple(charge) for charge in data["charges"]]
        return cls(**data)

    @property
    def source_key(self) -> tuple[str, str]:
        return (self.source_title, self.source_publisher)

    @property
    def status_dated(self) -> tuple[datetime.date | None, str]:
        """The status change's date: its own, or the arrest's when it has none."""
        if self.status_on is not None:
            return self.status_on, self.status_precision
        return self.arrested_on, self.arrested_precision


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)
    errors: list[ImportError_] = field(default_factory=list)


class NoSuchDateError(ValueError):
    """A date in the right form that no calendar has: month 00, 30 February."""


def parse_date(text: str) -> tuple[datetime.date | None, str]:
    """'2025', '2025-05', '2025-05-30' or '' / 'unknown' -> (date, precision).

    Raises ValueError for anything else, and NoSuchDateError (a ValueError) for
    a date written right that does not exist: '2025-00', '2025-02-30'.
    """
    text = text.strip()
    if text.lower() in {"", "unknown"}:
        return None, Precision.UNKNOWN
    match = _DATE.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = match.groups()
    try:
        value = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:
        raise NoSuchDateError(text) from error
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


def read(data: bytes) -> Checked:
    """Check a file against the campaigns and organisations it may name."""
    campaigns, organisations = lookups()
    return check(data, campaigns=campaigns, organisations=organisations)


def check(data: bytes, *, campaigns: dict[str, int], organisations: dict[str, int]) -> Checked:
    """Validate the whole file; returns clean rows, or every error found.

    An error names the line its row begins on (a quoted value may run over
    several lines) and the column by its header.
    """
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
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    for column in missing:
        result.errors.append(ImportError_(1, column, "required column is missing"))
    for column in unknown:
        result.errors.append(ImportError_(1, column, "unknown column"))
    if missing or unknown:
        return result
    seen: dict[str, int] = {}
    ended = reader.line_num
    try:
        for values in reader:
            begins, ended = ended + 1, reader.line_num
            if not values:
                continue  # a blank line
            _check_row(begins, header, values, result, seen, campaigns, organisations)
    except csv.Error as error:
        result.errors.append(ImportError_(ended + 1, "", f"not valid CSV ({error})"))
    return result


def _check_row(
    line: int,
    header: list[str],
    values: list[str],
    result: Checked,
    seen: dict[str, int],
    campaigns: dict[str, int],
    organisations: dict[str, int],
) -> None:
    errors = result.errors
    before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(ImportError_(line, column, message))

    if len(values) > len(header):
        err("", "more fields than the header has columns")
        return
    clean = {column: value.strip() for column, value in zip(header, values, strict=False)}
    for column in header:
        clean.setdefault(column, "")
    for column, value in clean.items():
        if "\x00" in value:
            err(column, "contains a NUL character (a zero byte)")
    for column in ("name", "name_ur", "aliases", "source_title", "source_publisher"):
        if has_bidi_controls(clean.get(column, "")):
            err(column, "contains a direction control (U+202A-U+202E, U+2066-U+2069)")
    url = clean.get("source_url", "")
    if url:
        # As the forms read it: http or https, "https://" assumed when absent.
        try:
            url = SOURCE_URL.clean(url)
        except ValidationError:
            err("source_url", f"{url[:60]!r} is not an http or https address")
    external_id = clean["external_id"]
    if not external_id:
        err("external_id", "required")
    elif len(external_id) > _limit("external_id"):
        err("external_id", f"at most {_limit('external_id')} characters")
    elif external_id in seen:
        err("external_id", f"repeats line {seen[external_id]}")
    else:
        seen[external_id] = line
    name = " ".join(clean["name"].split())
    if not name:
        err("name", "required")
    elif "<" in name or ">" in name:
        err("name", f"contains < or >: {name[:60]!r}")
    elif len(name) > _limit("name"):
        err("name", f"at most {_limit('name')} characters")
    if not clean["source_title"]:
        err("source_title", "required: every fact needs a source")
    dates: dict[str, tuple[datetime.date | None, str]] = {}
    for column in ("arrested_on", "status_on", "source_published_on"):
        try:
            dates[column] = parse_date(clean.get(column, ""))
        except NoSuchDateError:
            err(column, f"{clean.get(column)!r} is not a date: no such month or day")
        except ValueError:
            err(column, f"{clean.get(column)!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    status = clean.get("status", "").upper()
    if "arrested_on" in dates and "status_on" in dates:
        # The row's status is dated by its arrest when it has no date of its own.
        changed_on, changed_precision = dates["status_on"]
        for column, problem in date_problems(
            arrested=dates["arrested_on"][0],
            arrested_precision=dates["arrested_on"][1],
            status=status or Status.DETAINED,
            status_on=changed_on,
            status_precision=changed_precision,
            today=timezone.localdate(),
        ).items():
            err(column, f"{clean.get(column)!r} cannot be: {problem.value}")
    if status and status not in STATUSES:
        err("status", f"{clean['status']!r} is not one of {', '.join(Status.values)}")
    gender = clean.get("gender", "").upper()
    if gender and gender not in GENDERS:
        err("gender", f"{clean['gender']!r} is not one of {', '.join(Person.Gender.values)}")
    certainty = clean.get("certainty", "").upper() or "REPORTED"
    if certainty not in {"VERIFIED", "REPORTED"}:
        err("certainty", "use VERIFIED or REPORTED")
    year = clean.get("birth_year", "")
    if year and not (year.isdigit() and 1900 <= int(year) <= timezone.now().year):
        err("birth_year", f"{year!r} is not a year between 1900 and now")
    campaign = clean.get("campaign", "")
    if campaign and campaign not in campaigns:
        err("campaign", f"no campaign with the slug {campaign!r}")
    affiliation = clean.get("affiliation", "")
    if affiliation and affiliation not in organisations:
        err("affiliation", f"no organisation with the slug {affiliation!r}")
    charges = []
    for part in filter(None, (p.strip() for p in clean.get("charges", "").split(";"))):
        law, _sep, rest = part.partition("|")
        section, _sep, description = rest.partition("|")
        if not law.strip():
            err("charges", f"{part!r} has no law (use law|section|description)")
        charges.append(
            (
                law.strip()[: _limit("law")],
                section.strip()[: _limit("section")],
                description.strip()[: _limit("description")],
            )
        )
    for column in LIMITED:
        value = url if column == "source_url" else clean.get(column, "")
        if column not in {"external_id", "name"} and len(value) > _limit(column):
            err(column, f"at most {_limit(column)} characters")
    if len(errors) > before:
        return
    arrested_on, arrested_precision = dates["arrested_on"]
    status_on, status_precision = dates["status_on"]
    result.rows.append(
        Row(
            line=line,
            external_id=external_id,
            name=name,
            source_title=clean["source_title"],
            name_ur=clean.get("name_ur", ""),
            aliases="\n".join(a.strip() for a in clean.get("aliases", "").split(";") if a.strip()),
            gender=gender or Person.Gender.UNKNOWN,
            birth_year=int(year) if year else None,
            home_region=clean.get("home_region", ""),
            occupation=clean.get("occupation", ""),
            summary=clean.get("summary", ""),
            summary_ur=clean.get("summary_ur", ""),
            affiliation=affiliation,
            affiliation_role=clean.get("affiliation_role", "")[: _limit("affiliation_role")],
            campaign=campaign,
            arrested_on=arrested_on,
            arrested_precision=arrested_precision,
            place=clean.get("place", ""),
            authority=clean.get("authority", ""),
            facility=clean.get("facility", ""),
            charges=charges,
            status=status or Status.DETAINED,
            status_on=status_on,
            status_precision=status_precision,
            source_publisher=clean.get("source_publisher", "")[: _limit("source_publisher")],
            source_url=url,
            source_published_on=dates["source_published_on"][0],
            certainty=certainty,
        )
    )


def check_rights(rows: list[Row], *, users: list[User]) -> list[ImportError_]:
    """Row errors for rows that would update a person some user may not document.

    A row whose ``external_id`` is already a person's updates that person,
    which needs document rights from the person's own campaign (or a share
    of its case work), whatever campaign the row names. Checked for every
    user who writes (the importer and the publisher) before anything is
    written.
    """
    existing = keys_by(Person, "external_id", [row.external_id for row in rows])
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
                row.line,
                "external_id",
                f"updates a person whose campaign {user} does not document; "
                "only that campaign's documenters may change it",
            )
            for row in rows
            if row.external_id in existing and existing[row.external_id] not in allowed
        )
    return errors


@dataclass
class Applied:
    created: int = 0
    updated: int = 0


def apply(
    rows: list[Row],
    *,
    by: User,
    publish_by: User | None,
    progress: Callable[[int, int], None] | None = None,
) -> Applied:
    """Write checked rows in short transactions; the public sees all of them, or none.

    Checks no rights: ``services.register_import`` checks them first.
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
    campaigns, organisations = lookups()
    run = _run_start(by, publish_by, len(rows))
    log.info("import run %d started: %d rows", run.pk, len(rows))
    applied = Applied()
    total = len(rows)
    try:
        known = _look_up(rows, campaigns, organisations)
        fresh = [row for row in rows if row.external_id not in known.persons]
        _stage(run, [row for row in rows if row.external_id in known.persons])
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
        log.warning("import run %d failed before its records were public; undoing it", run.pk)
        _undo(run)
        raise
    _finish(run, campaigns, organisations, applied, progress, total)
    log.info(
        "import run %d done: %d new, %d updated, %s",
        run.pk,
        applied.created,
        applied.updated,
        "published" if publish_by is not None else "awaiting verification",
    )
    return applied


# Seconds after its last batch when a run of a process on another machine
# (whose life cannot be checked) is taken for dead.
RUN_STALE_SECONDS = 600


def _run_start(by: User, publish_by: User | None, rows: int) -> ImportRun:
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


def _stage(run: ImportRun, rows: list[Row]) -> None:
    """Set aside rows that change existing persons, in short transactions."""
    for start in range(0, len(rows), BATCH):
        with transaction.atomic():
            _beat(run)
            insert_rows(
                ImportStaged,
                ["run", "line", "row"],
                [(run.pk, row.line, row.to_json()) for row in rows[start : start + BATCH]],
            )
        pause_for_others()


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
            batch = [Row.from_json(dict(s.row)) for s in staged]
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
    persons: dict[str, int]  # external id: key
    detentions: dict[str, int]  # external id: key
    taken: set[str]  # slugs
    sources: dict[tuple[str, str], int] = field(default_factory=dict)
    facilities: dict[str, int | None] = field(default_factory=dict)


def _base(row: Row) -> str:
    return slugify(row.name)[:60] or "person"


def _look_up(rows: list[Row], campaigns: dict[str, int], organisations: dict[str, int]) -> Known:
    """Which of the file's external ids and slugs exist already."""
    ids = [row.external_id for row in rows]
    return Known(
        campaigns=campaigns,
        organisations=organisations,
        persons=keys_by(Person, "external_id", ids),
        detentions=keys_by(Detention, "external_id", ids),
        taken=set(keys_by(Person, "slug", list({c for row in rows for c in _candidates(row)})))
        | REGISTER_WORDS,
    )


def _candidates(row: Row) -> tuple[str, str]:
    """A new person's slug: its name's, or else its name's with its external id."""
    base = _base(row)
    return base, f"{base}-{slugify(row.external_id)[:18]}"


def _free_slug(row: Row, taken: set[str]) -> str:
    """The first candidate no person holds, else the second numbered by
    ``core.slugs.unique_slug``: two external ids can slugify alike, and an
    earlier person may hold either. Numbered slugs were not looked up in
    advance, so the database is asked about them."""
    base, with_id = _candidates(row)
    slug = base
    if base in taken:
        slug = unique_slug(
            with_id,
            taken=lambda s: (
                s in taken or (s != with_id and Person.objects.filter(slug=s).exists())
            ),
            fallback="person",
            length=len(with_id),
        )
    taken.add(slug)
    return slug


def _source_for(row: Row, sources: dict[tuple[str, str], int]) -> int:
    if row.source_key not in sources:
        sources[row.source_key] = Source.objects.get_or_create(
            title=row.source_title,
            publisher=row.source_publisher,
            defaults={"url": row.source_url, "published_on": row.source_published_on},
        )[0].pk
    return sources[row.source_key]


def _facility(name: str, known: dict[str, int | None]) -> int | None:
    """The facility named in an import, recorded if new.

    A new one stands confirmed, with no postal address: its name is published
    like any imported fact, and where to write can come only from a site admin
    (the admin). A facility already proposed on a form stays a proposal.
    """
    if not name:
        return None
    if name not in known:
        known[name] = Facility.objects.get_or_create(
            name=name, region="", defaults={"confirmed_at": timezone.now()}
        )[0].pk
    return known[name]


# The columns _apply_batch writes for a person and a detention, in this order.
PERSON_COLUMNS = [
    *PERSON_FIELDS,
    "source",
    "updated_at",
    "updated_by",
]
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
    batch: list[Row],
    by: User | None,
    publish_by: User | None,
    known: Known,
    applied: Applied,
    run: ImportRun | None,
) -> None:
    """Write one batch as rows of plain values: a few statements, no model objects.

    New persons, and their public records, are marked with ``run`` (not
    public until the run is). New rows' keys are read back by their
    external ids, inside the batch's transaction.
    """
    now = timezone.now()
    pending = run.pk if run is not None else None
    persons, detentions = known.persons, known.detentions
    sources = {row.external_id: _source_for(row, known.sources) for row in batch}
    new_persons, changed_persons = [], []
    for row in batch:
        values = (
            row.name,
            row.name_ur,
            row.aliases,
            row.gender,
            row.birth_year,
            row.home_region,
            row.occupation,
            row.summary,
            row.summary_ur,
            row.certainty,
            sources[row.external_id],
            now,
            by.pk if by is not None else None,  # None: the importer's account was deleted
        )
        if row.external_id in persons:
            changed_persons.append((*values, persons[row.external_id]))
            continue
        slug = _free_slug(row, known.taken)
        owner = known.campaigns[row.campaign] if row.campaign else None
        new_persons.append((row.external_id, slug, *values, "", False, owner, pending))
    insert_rows(
        Person,
        [
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
    persons.update(keys_by(Person, "external_id", [p[0] for p in new_persons]))
    update_rows(Person, PERSON_COLUMNS, changed_persons)
    applied.created += len(new_persons)
    applied.updated += len(changed_persons)

    new_detentions, changed_detentions = [], []
    for row in batch:
        detention = (
            row.arrested_on,
            row.arrested_precision,
            row.place,
            row.authority,
            _facility(row.facility, known.facilities),
            sources[row.external_id],
            row.certainty,
        )
        if row.external_id in detentions:
            changed_detentions.append((*detention, detentions[row.external_id]))
        else:
            new_detentions.append((row.external_id, persons[row.external_id], "", *detention))
    insert_rows(
        Detention,
        ["external_id", "person", "sentence", *DETENTION_COLUMNS],
        new_detentions,
    )
    detentions.update(keys_by(Detention, "external_id", [d[0] for d in new_detentions]))
    update_rows(Detention, DETENTION_COLUMNS, changed_detentions)
    # Rows whose person and detention are both new have nothing to replace.
    fresh = {p[0] for p in new_persons} & {d[0] for d in new_detentions}
    stale = [detentions[row.external_id] for row in batch if row.external_id not in fresh]
    delete_in(Charge, "detention", stale)
    delete_in(StatusChange, "detention", stale)
    insert_rows(
        Charge,
        ["detention", "law", "section", "description"],
        [(detentions[row.external_id], *charge) for row in batch for charge in row.charges],
    )
    insert_rows(
        StatusChange,
        ["detention", "status", "on", "precision", "source", "certainty"],
        [
            (
                detentions[row.external_id],
                row.status,
                *row.status_dated,
                sources[row.external_id],
                row.certainty,
            )
            for row in batch
        ],
    )
    insert_rows(
        Affiliation,
        ["person", "organisation", "role", "source"],
        [
            (
                persons[row.external_id],
                known.organisations[row.affiliation],
                row.affiliation_role,
                sources[row.external_id],
            )
            for row in batch
            if row.affiliation
        ],
        ignore_conflicts=True,
    )
    insert_rows(
        Person.campaigns.through,
        ["person", "campaign"],
        [
            (persons[row.external_id], known.campaigns[row.campaign])
            for row in batch
            if row.campaign
        ],
        ignore_conflicts=True,
    )
    if publish_by is None:
        return
    # The same projection as every publication; the new persons have never
    # been published, so nothing of theirs is replaced.
    _publish_many(
        person_ids=[persons[row.external_id] for row in batch if row.external_id in fresh],
        by=publish_by,
        pending_run=pending,
        fresh=True,
    )
    _publish_many(
        person_ids=[persons[row.external_id] for row in batch if row.external_id not in fresh],
        by=publish_by,
        pending_run=pending,
    )


def lookups() -> tuple[dict[str, int], dict[str, int]]:
    """Campaign and organisation slugs the file may name."""
    return (
        dict(Campaign.objects.values_list("slug", "pk")),
        dict(Organisation.objects.values_list("slug", "pk")),
    )

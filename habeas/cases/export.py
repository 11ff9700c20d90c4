"""Public register exports, streamed: memory stays flat however large the register.

Only PublicRecord rows, their latest PublicVersion and the title of the
campaign that documents each are read, so unverified changes and
restricted facts can never appear. Who verified a record is said as the
public pages say it, "the documenters of" its campaign: never a name.
JSON follows the Popolo shapes for persons, organizations and memberships
(and validates against Popolo's JSON schemas: a field with nothing known is
left out, never an empty string).

Dates go out as far as they are known, in partial ISO 8601: ``2025``,
``2025-06`` or ``2025-06-05`` (as Popolo writes dates, and as the import
reads them), never the first day an imprecise date is stored as. The CSV
has a precision column beside each date (DAY, MONTH, YEAR or UNKNOWN, for
spreadsheets that read ``2025-06`` as 1 June); the JSON's detentions keep
``precision`` beside each date.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, OuterRef

from habeas.cases.dates import partial_iso
from habeas.cases.models import PublicRecord, PublicVersion
from habeas.cases.queries import latest_data
from habeas.coalition.models import Campaign, Organisation
from habeas.core.text import spreadsheet_safe

CHUNK = 2000
CSV_COLUMNS = [
    "id",
    "name",
    "name_ur",
    "aliases",
    "gender",
    "birth_year",
    "home_region",
    "status",
    "arrested_on",
    "arrested_precision",
    "released_on",
    "released_precision",
    "organisations",
    "sources",
    "verified_at",
    "verified_by",
]


def _records() -> Iterator[tuple[Any, ...]]:
    """Each record's columns, its data, when it was verified and by whom as the
    public may know it (``credit``): never a documenter's name."""
    loaded = PublicVersion.objects.filter(
        person_id=OuterRef("pk"), number=OuterRef("version"), verified_by=None
    )
    rows = (
        PublicRecord.objects.order_by("pk")
        .annotate(data=latest_data(), loaded=Exists(loaded))
        .values_list(
            "slug",
            "name",
            "name_ur",
            "home_region",
            "status",
            "arrested_on",
            "arrested_precision",
            "released_on",
            "released_precision",
            "data",
            "verified_at",
            "person__campaign__title",
            "person__campaign__status",
            "loaded",
        )
        .iterator(chunk_size=CHUNK)
    )
    for *columns, title, campaign_status, by_loader in rows:
        yield (*columns, credit(title, campaign_status, by_loader=by_loader))


def credit(title: str | None, status: str | None, *, by_loader: bool) -> str:
    """Who verified a record, as exports say it: the documenters of its campaign
    (named unless the campaign is a draft), or the demo loader."""
    if by_loader:
        return "the demo loader"
    if title and status != Campaign.Status.DRAFT:
        return f"the documenters of {title}"
    return "documenters"


def _sources(data: dict[str, Any]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for source in [data.get("source"), *(d.get("source") for d in data.get("detentions", []))]:
        if source:
            seen.setdefault(source["title"], source)
    return list(seen.values())


# A spreadsheet runs a cell that begins with one of these as a formula
# (=HYPERLINK(...) sends the reader's data away); tab and carriage return
# hide such a start. OWASP's advice: begin the cell with a quote instead.
def csv_rows() -> Iterator[str]:
    """The register as CSV text, one chunk of lines at a time; no cell runs as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for n, record in enumerate(_records(), 1):
        slug, name, name_ur, region, status, arrested, arrested_precision = record[:7]
        released, released_precision, data, verified, by = record[7:]
        row = [
            slug,
            name,
            name_ur,
            "; ".join(data.get("aliases", [])),
            data.get("gender", ""),
            data.get("birth_year") or "",
            region,
            status,
            partial_iso(arrested, arrested_precision) or "",
            arrested_precision,
            partial_iso(released, released_precision) or "",
            released_precision,
            "; ".join(a["organisation"] for a in data.get("affiliations", [])),
            "; ".join(s["title"] for s in _sources(data)),
            verified.isoformat(),
            by,
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _dated(fact: dict[str, Any]) -> dict[str, Any]:
    """A fact of the data with its ``date`` as far as its ``precision`` knows it."""
    return {**fact, "date": partial_iso(fact.get("date"), fact.get("precision", ""))}


def _detention(d: dict[str, Any]) -> dict[str, Any]:
    """A detention of the data, each date as far as it is known."""
    return {
        **d,
        "arrested": _dated(d["arrested"]),
        # Data published before the release's precision was kept: a day.
        "released_on": partial_iso(d.get("released_on"), d.get("released_precision", "DAY")),
        "statuses": [_dated(s) for s in d.get("statuses", [])],
        "events": [_dated(e) for e in d.get("events", [])],
    }


def _person(
    slug: str, name: str, name_ur: str, data: dict[str, Any], verified: Any, by: str
) -> dict[str, Any]:
    """A Popolo person; what is not known is left out (the schema has no empty dates)."""
    other = [{"name": name_ur, "note": "Urdu script"}] if name_ur else []
    other += [{"name": alias} for alias in data.get("aliases", [])]
    gender = data.get("gender", "")
    person: dict[str, Any] = {
        "id": slug,
        "name": name,
        "other_names": other,
        "gender": gender.lower() if gender and gender != "UNKNOWN" else None,
        "birth_date": f"{data['birth_year']:04d}" if data.get("birth_year") else None,
        "summary": data.get("summary") or None,
        # Popolo has one summary: its Urdu version stands beside it.
        "summary_ur": data.get("summary_ur") or None,
        # A Popolo link needs an address: a source without one is cited in
        # its detention's facts alone.
        "sources": [{"url": s["url"], "note": s["title"]} for s in _sources(data) if s["url"]],
        "detentions": [_detention(d) for d in data.get("detentions", [])],
        "verified_at": verified.isoformat(),
        "verified_by": by,
    }
    return {key: value for key, value in person.items() if value is not None}


def json_chunks() -> Iterator[str]:
    """The register as one Popolo-shaped JSON document, streamed."""
    yield '{"persons": ['
    for n, (slug, name, name_ur, *_columns, data, verified, by) in enumerate(_records()):
        yield ("," if n else "") + json.dumps(
            _person(slug, name, name_ur, data, verified, by), ensure_ascii=False
        )
    yield '], "organizations": '
    yield json.dumps(
        [
            {"id": o.slug, "name": o.name, "classification": o.kind.lower()}
            for o in Organisation.objects.order_by("name")
        ],
        ensure_ascii=False,
    )
    # A second pass, so no list of memberships grows in memory.
    yield ', "memberships": ['
    first = True
    for slug, *_rest, data, _v, _by in _records():
        for affiliation in data.get("affiliations", []):
            membership = {"person_id": slug, "organization_id": affiliation["slug"]}
            if affiliation["role"]:
                membership["role"] = affiliation["role"]
            yield ("" if first else ",") + json.dumps(membership, ensure_ascii=False)
            first = False
    yield "]}"

"""The publication projection: a working record's public facts, as plain data.

Every publication (a second documenter's verification, ``publish_many``,
an import that publishes) reads the working rows with ``gather`` and turns
them into a public record's data with ``public_data``; nothing else builds
that shape. Reads and pure functions only: the writes are
``services.publishing``'s.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import F

from habeas.cases.models import (
    NOT_HELD,
    Affiliation,
    CaseEvent,
    Charge,
    Detention,
    Person,
    Recognition,
    StatusChange,
)
from habeas.core.bulk import among

# A person's own facts: what a documenter edits and the public record shows.
PERSON_FIELDS = (
    "name",
    "name_ur",
    "aliases",
    "gender",
    "birth_year",
    "home_region",
    "occupation",
    "summary",
    "summary_ur",
    "certainty",
)


def current_status(changes: list[dict[str, Any]]) -> str:
    """The last status by date (undated ones count as the latest recorded)."""
    if not changes:
        return ""
    ordered = sorted(changes, key=lambda c: (c["on"] or datetime.date.max, c["id"]))
    return str(ordered[-1]["status"])


def released_on(changes: list[dict[str, Any]]) -> datetime.date | None:
    """The first date on which the person was no longer held, if any."""
    release = _release(changes)
    return release["on"] if release else None


def _release(changes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first change after which the person was no longer held, if any."""
    for change in sorted(changes, key=lambda c: (c["on"] or datetime.date.max, c["id"])):
        if change["status"] in NOT_HELD:
            return change
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
            "facility__confirmed_at",
            *SOURCE_COLUMNS,
        )
    )
    detention_ids = [d["id"] for d in detentions]
    changes = _group(
        StatusChange.objects.filter(detention_id__in=among(detention_ids))
        .order_by("on", "pk")
        .values(
            "id",
            "detention_id",
            "status",
            "on",
            "precision",
            "certainty",
            "facility_id",
            "facility__name",
            "facility__confirmed_at",
            *SOURCE_COLUMNS,
        ),
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


def current_facility(detention: dict[str, Any]) -> tuple[int | None, str]:
    """Where a detention holds the person now, as the public may know it: (id, name).

    The facility of its latest status change that names one (a transfer),
    else of its arrest. An unconfirmed facility is known to nobody in
    public: if the latest place named is one, the place is unknown (never
    the place before it, where the person no longer is).
    """
    named = [c for c in detention["status_changes"] if c.get("facility_id")]
    latest = (
        max(named, key=lambda c: (c["on"] or datetime.date.max, c["id"])) if named else detention
    )
    if latest["facility_id"] is None or latest["facility__confirmed_at"] is None:
        return None, ""
    return latest["facility_id"], latest["facility__name"]


def _transfer(change: dict[str, Any]) -> dict[str, Any]:
    """A status change's confirmed facility, for its line in the public history."""
    if change.get("facility_id") and change.get("facility__confirmed_at"):
        return {"facility": change["facility__name"]}
    return {}


def _detention_data(d: dict[str, Any]) -> dict[str, Any]:
    changes = d["status_changes"]
    release = _release(changes)
    released = release["on"] if release else None
    facility_id, facility = current_facility(d)
    return {
        "arrested": _date(d["arrested_on"], d["arrested_precision"]),
        "place": d["place"],
        "authority": d["authority"],
        "sentence": d["sentence"],
        # Where the person is held now (the latest confirmed place named).
        "facility": facility,
        "facility_id": facility_id,
        "certainty": d["certainty"],
        "source": _source(d),
        "status": current_status(changes),
        "released_on": released.isoformat() if released else None,
        # How much of the release date is known (UNKNOWN when not released
        # or when the release is undated).
        "released_precision": release["precision"] if release and released else "UNKNOWN",
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
                **_transfer(c),
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
        "summary_ur": person["summary_ur"],
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


def name_text(person: dict[str, Any], data: dict[str, Any]) -> str:
    """The names a public record is known by, in both scripts, aliases included:
    the words whose spelling keys search keeps (``search.keys``)."""
    return " ".join([person["name"], person["name_ur"], " ".join(data["aliases"])])


def search_text(person: dict[str, Any], data: dict[str, Any]) -> str:
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


def day(iso: str | None) -> datetime.date | None:
    """A date from its ISO 8601 text in a public record's data (None stays None)."""
    return datetime.date.fromisoformat(iso) if iso else None

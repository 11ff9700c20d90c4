"""The JSON export is Popolo that other tools read: it validates against Popolo's schemas."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client, TestCase
from jsonschema import Draft3Validator, FormatChecker
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

from habeas.cases.importer import OPTIONAL, REQUIRED
from habeas.cases.models import PublicRecord
from habeas.coalition.models import Role
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "popolo_schemas"
BASE = "http://www.popoloproject.com/schemas/"


def _no_network(uri: str) -> Resource[Any]:
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # every schema is read from SCHEMAS, never fetched


def _registry() -> Registry[Any]:
    resources = [
        (f"{BASE}{path.name}", Resource.from_contents(json.loads(path.read_text())))
        for path in sorted(SCHEMAS.glob("*.json"))
    ]
    return Registry(retrieve=_no_network).with_resources(resources)  # type: ignore[call-arg]


def _formats() -> FormatChecker:
    """The schemas' formats, checked strictly with the standard library alone."""
    checker = FormatChecker(formats=())

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        parts = urlsplit(str(value))
        return bool(parts.scheme and parts.netloc)

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        return datetime.datetime.fromisoformat(str(value)).tzinfo is not None

    @checker.checks("email")
    def _email(value: object) -> bool:
        return "@" in str(value)

    return checker


def validator(name: str) -> Draft3Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    return Draft3Validator(schema, registry=_registry(), format_checker=_formats())


ROWS = [
    {
        # Every column filled; the arrest known to the month.
        "external_id": "r1",
        "name": "Ali Raza",
        "name_ur": "علی رضا",
        "aliases": "Ali R.; A. Raza",
        "gender": "MALE",
        "birth_year": "1990",
        "home_region": "Gilgit",
        "occupation": "teacher",
        "summary": "Held for a speech.",
        "summary_ur": "تقریر کرنے پر قید",
        "affiliation": "union",
        "affiliation_role": "organiser",
        "campaign": "free-them",
        "arrested_on": "2025-05",
        "place": "Gilgit",
        "authority": "CTD",
        "facility": "Adiala Jail",
        "charges": "PPC|124A|sedition;ATA|11-F|membership",
        "status": "CONVICTED",
        "status_on": "2025-09-01",
        "source_title": "Report A",
        "source_publisher": "Daily Paper",
        "source_url": "https://example.org/a",
        "source_published_on": "2025-06-02",
        "certainty": "VERIFIED",
    },
    {
        # Nothing but what is required: no date, no address, gender unknown.
        "external_id": "r2",
        "name": "Bano Khan",
        "campaign": "free-them",
        "source_title": "Report B",
    },
    {
        # Arrested some time in 2024, released in March 2025; no role, no address.
        "external_id": "r3",
        "name": "Chand Bibi",
        "gender": "FEMALE",
        "home_region": "Hunza",
        "affiliation": "union",
        "campaign": "free-them",
        "arrested_on": "2024",
        "place": "Karimabad",
        "charges": "PPC|506|threats",
        "status": "RELEASED",
        "status_on": "2025-03",
        "source_title": "Court record 12",
        "source_publisher": "High Court",
        "certainty": "REPORTED",
    },
]


def _import_every_column(tmp_path: Path) -> None:
    columns = REQUIRED + OPTIONAL
    assert set(ROWS[0]) == set(columns)  # the first row fills every column the import reads
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns)
    writer.writeheader()
    writer.writerows(ROWS)
    path = tmp_path / "cases.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command(
            "import-cases",
            str(path),
            "--as",
            "doc1",
            "--publish-as",
            "doc2",
            "--no-progress",
            stdout=io.StringIO(),
        )


def _export() -> dict[str, Any]:
    response = Client().get("/register/export.json")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))  # type: ignore[attr-defined,no-any-return]


def _empty_dates(value: Any, path: str = "") -> list[str]:
    """Paths of every empty string under a key that names a date."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            datelike = key in {"date", "since"} or key.endswith(("_date", "_on"))
            if datelike and item == "":
                found.append(f"{path}.{key}")
            found += _empty_dates(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            found += _empty_dates(item, f"{path}[{n}]")
    return found


def test_the_json_export_of_an_imported_register_validates_against_popolo(
    tmp_path: Path,
) -> None:
    """Every person, organization and membership of the export is valid Popolo, no date
    is an empty string, and dates keep their precision as partial ISO dates."""
    campaign = CampaignFactory(slug="free-them")
    for name in ("doc1", "doc2"):
        grant(UserFactory(username=name), Role.DOCUMENTER, campaign=campaign)
    OrganisationFactory(slug="union", name="Workers' Union")
    OrganisationFactory(slug="party", name="Left Party")
    _import_every_column(tmp_path)
    assert PublicRecord.objects.count() == len(ROWS)

    exported = _export()
    assert len(exported["persons"]) == len(ROWS)
    assert len(exported["organizations"]) == 2
    assert len(exported["memberships"]) == 2
    for kind, items in [
        ("person", exported["persons"]),
        ("organization", exported["organizations"]),
        ("membership", exported["memberships"]),
    ]:
        check = validator(kind)
        for item in items:
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(item)]
            assert errors == [], (kind, item.get("id"), errors)
    assert _empty_dates(exported) == []

    people = {p["name"]: p for p in exported["persons"]}
    ali, bano, chand = people["Ali Raza"], people["Bano Khan"], people["Chand Bibi"]
    assert ali["birth_date"] == "1990"
    assert ali["gender"] == "male"
    assert ali["sources"] == [{"url": "https://example.org/a", "note": "Report A"}]
    assert ali["detentions"][0]["arrested"] == {"date": "2025-05", "precision": "MONTH"}
    assert ali["detentions"][0]["statuses"][0]["date"] == "2025-09-01"
    assert (ali["summary"], ali["summary_ur"]) == ("Held for a speech.", "تقریر کرنے پر قید")
    for absent in ("birth_date", "gender", "summary", "summary_ur"):
        assert absent not in bano, absent
    assert bano["sources"] == []  # its one source has no address
    assert bano["detentions"][0]["arrested"] == {"date": None, "precision": "UNKNOWN"}
    assert chand["detentions"][0]["arrested"] == {"date": "2024", "precision": "YEAR"}
    assert chand["detentions"][0]["released_on"] == "2025-03"
    assert chand["detentions"][0]["released_precision"] == "MONTH"
    roles = {(m["person_id"], m.get("role")) for m in exported["memberships"]}
    assert roles == {(ali["id"], "organiser"), (chand["id"], None)}


@pytest.mark.parametrize(
    ("kind", "item"),
    [
        ("person", {"id": "a", "name": "A", "birth_date": ""}),
        ("person", {"id": "a", "name": "A", "birth_date": "2025-06-05T00:00"}),
        ("person", {"id": "a", "name": "A", "sources": [{"url": "", "note": "Report"}]}),
        ("person", {"id": "a", "name": "A", "other_names": [{"note": "no name"}]}),
        ("membership", {"person_id": "a", "organization_id": "b", "start_date": "June 2025"}),
    ],
)
def test_the_validator_refuses_what_popolo_refuses(kind: str, item: dict[str, Any]) -> None:
    """The vendored schemas, read this way, do refuse an empty or malformed date, a link
    without an address and a name-less other name: the test above can fail."""
    assert list(validator(kind).iter_errors(item))

"""The register: verified facts only, restricted facts never, search on both engines."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, TestCase

from habeas.cases import queries, services
from habeas.cases.models import Detention, Person, PublicRecord, PublicVersion, Status
from habeas.coalition.models import Role
from habeas.core import pagecache
from habeas.core.models import Source
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

CANARY = "CANARY-7f3a-restricted"
ROW_NAME = re.compile(r'<tr><td><a href="/register/[^/"]+/" lang="en" dir="ltr">([^<]*)</a>')


@dataclass
class Register:
    campaign: Any
    source: Source
    users: dict[str, Any]

    def client(self, name: str) -> Client:
        return sign_in(Client(), self.users[name])


@pytest.fixture
def reg() -> Register:
    campaign = CampaignFactory(slug="free-them")
    users = {name: UserFactory(username=name) for name in ("doc1", "doc2", "team", "outsider")}
    grant(users["doc1"], Role.DOCUMENTER, campaign=campaign)
    grant(users["doc2"], Role.DOCUMENTER, campaign=campaign)
    grant(users["team"], Role.CASE_TEAM, campaign=campaign)
    source = Source.objects.create(title="Court record 12", publisher="High Court")
    return Register(campaign, source, users)


def _person(
    reg: Register,
    name: str = "Sālār Fayyāz",
    arrested_on: Any = "2025-05-12",
    **fields: Any,
) -> Person:
    import datetime

    person = services.person_save(
        by=reg.users["doc1"], source=reg.source, campaign=reg.campaign, name=name, **fields
    )
    services.detention_add(
        by=reg.users["doc1"],
        person=person,
        source=reg.source,
        arrested_on=datetime.date.fromisoformat(arrested_on)
        if isinstance(arrested_on, str)
        else arrested_on,
        arrested_precision="DAY" if arrested_on else "UNKNOWN",
        status=Status.AWAITING_TRIAL,
        place="Gilgit",
        authority="Counter Terrorism Department",
    )
    return person


def test_a_record_is_public_only_after_a_second_documenter_verifies(reg: Register) -> None:
    person = _person(reg)
    assert Client().get(f"/register/{person.slug}/").status_code == 404
    with pytest.raises(ValidationError, match="Another documenter"):
        services.person_verify(by=reg.users["doc1"], person=person)
    refused = reg.client("doc1").post(f"/register/working/{person.pk}/verify/", follow=True)
    assert "Another documenter must verify" in refused.content.decode()
    response = reg.client("doc2").post(f"/register/working/{person.pk}/verify/")
    assert response.status_code == 302
    page = Client().get(f"/register/{person.slug}/").content.decode()
    assert "Sālār Fayyāz" in page
    assert f"by the documenters of {reg.campaign.title}." in page
    assert "doc2" not in page  # who verified is the campaign's business alone
    assert "Court record 12" in page
    assert "awaiting trial in custody" in page


def test_a_change_stays_private_until_verified(
    reg: Register, django_capture_on_commit_callbacks: Any
) -> None:
    person = _person(reg)
    services.person_verify(by=reg.users["doc2"], person=person)
    services.person_save(
        by=reg.users["doc1"], person=person, source=reg.source, name="Salaar Fayyaz Ali"
    )
    assert "Salaar Fayyaz Ali" not in Client().get(f"/register/{person.slug}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.person_verify(by=reg.users["doc2"], person=person)
    page = Client().get(f"/register/{person.slug}/").content.decode()
    assert "Salaar Fayyaz Ali" in page
    assert PublicVersion.objects.filter(person=person).count() == 2
    assert "Version 2" in page


def test_restricted_facts_never_reach_a_public_page_or_export(reg: Register) -> None:
    person = _person(reg, aliases="Comrade S")
    services.restricted_save(
        by=reg.users["team"],
        person=person,
        family_contacts=CANARY,
        lawyer_contacts=CANARY,
        internal_notes=CANARY,
        unverified_reports=CANARY,
    )
    services.person_verify(by=reg.users["doc2"], person=person)
    public = Client()
    org = OrganisationFactory(slug="org-x")
    for path in [
        "/",
        "/register/",
        f"/register/{person.slug}/",
        "/register/statistics/",
        "/register/?q=salar",
        "/campaigns/free-them/",
        "/organisations/org-x/",
        "/ur/register/",
        f"/ur/register/{person.slug}/",
        f"/register/{person.slug}/history/",
    ]:
        response = public.get(path)
        assert response.status_code == 200, path
        assert CANARY not in response.content.decode(), path
    for path in ["/register/export.csv", "/register/export.json"]:
        body = b"".join(public.get(path).streaming_content).decode()  # type: ignore[attr-defined]
        assert "Sālār Fayyāz" in body
        assert CANARY not in body, path
    assert CANARY not in json.dumps(
        list(queries.with_data(PublicRecord.objects.all()).values("data"))
    )
    # The case team sees them; a documenter outside the team does not.
    team_page = reg.client("team").get(f"/register/working/{person.pk}/restricted/")
    assert team_page.status_code == 200
    assert CANARY in team_page.content.decode()
    outside = reg.client("doc1")
    assert outside.get(f"/register/working/{person.pk}/restricted/").status_code == 404
    assert CANARY not in outside.get(f"/register/working/{person.pk}/").content.decode()
    assert org.pk


@pytest.mark.parametrize("query", ["salar", "SALAR fayyaz", "Sālār", "gilgit", "سالار", "comrade"])
def test_search_finds_names_in_both_scripts_places_and_charges(reg: Register, query: str) -> None:
    person = _person(reg, name_ur="سالار فیاض", aliases="Comrade Sālār")
    services.person_verify(by=reg.users["doc2"], person=person)
    other = _person(reg, name="Asif Sakhi")
    services.person_verify(by=reg.users["doc2"], person=other)
    page = Client().get("/register/", {"q": query}).content.decode()
    assert "Sālār Fayyāz" in page
    if query != "gilgit":
        assert "Asif Sakhi" not in page


def test_search_does_not_find_unverified_records(reg: Register) -> None:
    _person(reg, name="Hidden Prisoner")
    assert "Hidden Prisoner" not in Client().get("/register/", {"q": "hidden"}).content.decode()


def test_facets_filter_and_bad_values_are_ignored(reg: Register) -> None:
    first = _person(reg, home_region="Gilgit-Baltistan")
    services.person_verify(by=reg.users["doc2"], person=first)
    second = _person(reg, name="Other Person", home_region="Punjab")
    services.person_verify(by=reg.users["doc2"], person=second)
    page = Client().get("/register/", {"region": "Punjab"}).content.decode()
    assert "Other Person" in page
    assert "Sālār" not in page
    for params in (
        {"status": "NONSENSE"},
        {"year": "20x5"},
        {"sort": "drop table"},
        {"page": "999"},
        {"q": "<script>" * 50},
    ):
        response = Client().get("/register/", params)
        assert response.status_code == 200
        assert "<script><script>" not in response.content.decode()


def test_statistics_count_the_detained_on_each_day(reg: Register) -> None:
    import datetime

    from habeas.cases.queries import Counted, register_statistics

    person = _person(reg)
    detention = Detention.objects.get(person=person)
    services.status_add(
        by=reg.users["doc1"],
        detention=detention,
        status=Status.RELEASED,
        on=datetime.date(2025, 5, 20),
        precision="DAY",
        source=reg.source,
    )
    services.person_verify(by=reg.users["doc2"], person=person)
    stats = register_statistics(today=datetime.date(2025, 5, 25))
    daily = dict(stats.daily)
    assert daily[datetime.date(2025, 5, 12)] == Counted(0, 1)
    assert daily[datetime.date(2025, 5, 19)] == Counted(0, 1)
    assert daily[datetime.date(2025, 5, 20)] == Counted(0, 0)
    assert stats.total == Counted(verified=0, reported=1)
    page = Client().get("/register/statistics/").content.decode()
    assert "<svg" in page
    assert "<polyline" in page
    assert "as reported by a source" in page


def test_the_demo_prisoners_are_in_the_register_with_only_the_letters_facts() -> None:
    from habeas.demo.loader import load_demo

    load_demo()
    page = Client().get("/register/").content.decode()
    for name in ("Ehsan Ali", "Salaar Fayyaz Ali", "Asif Sakhi", "Imran Khan"):
        assert name in page
    record = queries.public_record("asif-sakhi")
    assert record is not None
    assert record.arrested_year == 2025
    assert record.data["source"]["title"].startswith("Open Letter")
    assert record.data["birth_year"] is None
    assert record.data["detentions"][0]["arrested"]["precision"] == "YEAR"


# --- Import ------------------------------------------------------------------

HEADER = (
    "external_id,name,name_ur,home_region,campaign,arrested_on,place,status,charges,source_title\n"
)


def _write(tmp_path: Path, body: str | bytes) -> Path:
    path = tmp_path / "cases.csv"
    path.write_bytes(body if isinstance(body, bytes) else body.encode())
    return path


def _import(reg: Register, path: Path) -> None:
    # The import's commits run their on-commit callbacks (the test's transaction never
    # commits), so the kept public pages are renewed as in a real run.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command(
            "import-cases",
            str(path),
            "--as",
            "doc1",
            "--publish-as",
            "doc2",
            "--no-progress",
            stdout=__import__("io").StringIO(),
            stderr=__import__("io").StringIO(),
        )


def test_import_creates_and_a_second_import_updates(reg: Register, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER + "p1,Ali Raza,علی رضا,Gilgit,free-them,2025-05,Gilgit,DETAINED,"
        "PPC|124A|sedition,Report A\n"
        + "p2,Bano Khan,,Hunza,free-them,2024,,CONVICTED,,Report A\n",
    )
    _import(reg, path)
    _import(reg, path)
    assert Person.objects.count() == 2
    assert Detention.objects.count() == 2
    assert PublicRecord.objects.count() == 2
    record = queries.with_data(PublicRecord.objects.filter(name="Ali Raza")).get()
    assert record.data["detentions"][0]["arrested"] == {"date": "2025-05-01", "precision": "MONTH"}
    assert (
        "sedition" in Client().get("/register/", {"q": "sedition"}).content.decode()
        or "Ali Raza" in Client().get("/register/", {"q": "sedition"}).content.decode()
    )


def test_an_import_in_several_batches_updates_in_place_and_skips_what_it_has(
    reg: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of two: the statistics refresh after the first, updates, links kept once."""
    from habeas.cases import importer
    from habeas.cases.models import Affiliation, StatusChange

    monkeypatch.setattr(importer, "BATCH", 2)
    organisation = OrganisationFactory(slug="union")
    head = "external_id,name,campaign,affiliation,status,source_title\n"

    def body(status: str, suffix: str = "") -> str:
        return head + "".join(
            f"b{n},Person {n}{suffix},free-them,union,{status},Report\n" for n in range(5)
        )

    _import(reg, _write(tmp_path, body("DETAINED")))
    _import(reg, _write(tmp_path, body("ON_BAIL", " Renamed")))
    persons = Person.objects.filter(external_id__startswith="b")
    assert sorted(persons.values_list("name", flat=True)) == [
        f"Person {n} Renamed" for n in range(5)
    ]
    assert Detention.objects.filter(external_id__startswith="b").count() == 5
    assert set(
        StatusChange.objects.filter(detention__external_id__startswith="b").values_list(
            "status", flat=True
        )
    ) == {Status.ON_BAIL}
    assert Affiliation.objects.filter(organisation=organisation).count() == 5
    assert reg.campaign.persons.filter(external_id__startswith="b").count() == 5
    assert (
        sorted(PublicVersion.objects.filter(person__in=persons).values_list("number", flat=True))
        == [1] * 5 + [2] * 5
    )
    assert set(
        PublicRecord.objects.filter(person__in=persons).values_list("status", flat=True)
    ) == {Status.ON_BAIL}


def test_an_import_publishes_what_publishing_from_the_database_would(
    reg: Register, tmp_path: Path
) -> None:
    """New persons are published from the facts the import holds, not read back: same data."""
    OrganisationFactory(slug="union", name="Workers' Union")
    columns = (
        "external_id,name,name_ur,aliases,gender,birth_year,home_region,occupation,summary,"
        "affiliation,affiliation_role,campaign,arrested_on,place,authority,facility,charges,"
        "status,status_on,source_title,source_publisher,source_url,source_published_on,certainty"
    )
    path = _write(
        tmp_path,
        columns
        + "\n"
        "r1,Ali Raza,علی رضا,Ali R.; A. Raza,MALE,1990,Gilgit,teacher,Held for a speech.,"
        "union,organiser,free-them,2025-05,Gilgit,CTD,Adiala Jail,"
        "PPC|124A|sedition;ATA|11-F|membership,CONVICTED,2025-09-01,"
        "Report A,Daily Paper,https://example.org/a,2025-06-02,VERIFIED\n"
        "r2,Bano Khan,,,,,,,,,,free-them,,,,,,,,Report B,,,,\n"
        "r3,Chand Bibi,,,FEMALE,,Hunza,,,union,,free-them,2024,Karimabad,,,"
        "|x|no law given,ON_BAIL,,Court record 12,High Court,,,REPORTED\n".replace(
            "|x|no law given", "PPC|506|threats"
        ),
    )
    _import(reg, path)
    persons = list(Person.objects.filter(external_id__in=["r1", "r2", "r3"]).order_by("pk"))
    assert len(persons) == 3

    def public() -> list[Any]:
        return list(
            queries.with_data(PublicRecord.objects.filter(person__in=persons))
            .order_by("person_id")
            .values(
                "slug",
                "name",
                "name_ur",
                "home_region",
                "status",
                "arrested_on",
                "arrested_year",
                "released_on",
                "data",
                "organisations",
            )
        )

    imported = public()
    assert imported[0]["data"]["detentions"][0]["facility"] == "Adiala Jail"
    assert len(imported[0]["data"]["detentions"][0]["charges"]) == 2
    assert imported[0]["data"]["affiliations"][0]["organisation"] == "Workers' Union"
    services.publish_many(person_ids=[p.pk for p in persons], by=reg.users["doc2"])
    assert public() == imported
    for person in persons:
        first, second = PublicVersion.objects.filter(person=person).order_by("number")
        assert (first.number, second.number) == (1, 2)
        assert first.data == second.data
        assert person.public.version == 2
    assert "Ali Raza" in Client().get("/register/", {"q": "membership"}).content.decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("external_id,name\np1,Ali\n", "column source_title: required column is missing"),
        (
            HEADER + "p1,Ali,,,free-them,2025-13-40,,DETAINED,,Src\n",
            "line 2, column arrested_on: '2025-13-40' is not a date",
        ),
        (
            HEADER + "p1,Ali,,,free-them,2025,,JAILED,,Src\n",
            "line 2, column status: 'JAILED' is not one of",
        ),
        (
            HEADER + "p1,<b>Ali</b>,,,free-them,2025,,DETAINED,,Src\n",
            "line 2, column name: contains < or >",
        ),
        (
            HEADER + "p1,Ali,,,nowhere,2025,,DETAINED,,Src\n",
            "line 2, column campaign: no campaign with the slug 'nowhere'",
        ),
        (
            HEADER + "p1,Ali,,,free-them,2025,,DETAINED,,Src\np1,Ali,,,free-them,,,,,Src\n",
            "line 3, column external_id: repeats line 2",
        ),
    ],
)
def test_a_bad_file_imports_nothing_and_says_where(
    reg: Register, tmp_path: Path, body: str, message: str
) -> None:
    good = "p0,Good Row,,,free-them,2025,,DETAINED,,Src\n"
    path = _write(
        tmp_path, body if not body.startswith(HEADER) else HEADER + good + body[len(HEADER) :]
    )
    errors = __import__("io").StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import-cases", str(path), "--as", "doc1", "--no-progress", stderr=errors)
    shown = errors.getvalue()
    assert (
        message.replace("line 2", "line 3").replace(
            "line 3, column external_id", "line 4, column external_id"
        )
        in shown
        or message in shown
    ), shown
    assert Person.objects.count() == 0


def test_a_file_in_another_encoding_is_refused(reg: Register, tmp_path: Path) -> None:
    path = _write(
        tmp_path, (HEADER + "p1,Zoë Déjà,,,free-them,2025,,DETAINED,,Src\n").encode("latin-1")
    )
    errors = __import__("io").StringIO()
    with pytest.raises(CommandError):
        call_command("import-cases", str(path), "--as", "doc1", "--no-progress", stderr=errors)
    assert "line 2: the file is not UTF-8 text" in errors.getvalue()
    assert Person.objects.count() == 0


def test_a_fifty_megabyte_line_is_refused(reg: Register, tmp_path: Path) -> None:
    huge = "x" * (50 * 1024 * 1024)
    path = _write(tmp_path, HEADER + f"p1,Ali,,,free-them,2025,,DETAINED,,{huge}\n")
    errors = __import__("io").StringIO()
    with pytest.raises(CommandError):
        call_command("import-cases", str(path), "--as", "doc1", "--no-progress", stderr=errors)
    assert "line 2: the line is longer than 1 MB" in errors.getvalue()
    assert Person.objects.count() == 0


def test_only_the_campaigns_documenters_import(reg: Register, tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "p1,Ali,,,free-them,2025,,DETAINED,,Src\n")
    with pytest.raises(CommandError, match="not a case documenter"):
        call_command("import-cases", str(path), "--as", "outsider", "--no-progress")
    with pytest.raises(CommandError, match="second documenter"):
        call_command("import-cases", str(path), "--as", "doc1", "--publish-as", "doc1")
    assert Person.objects.count() == 0


# --- Documenters' pages -------------------------------------------------------


def test_documenters_record_a_person_through_the_pages(reg: Register) -> None:
    doc1 = reg.client("doc1")
    source = {"source_title": "HRCP report", "source_publisher": "HRCP", "certainty": "REPORTED"}
    response = doc1.post(
        "/register/working/new/",
        {
            **source,
            "campaign": reg.campaign.pk,
            "name": "Zara Baloch",
            "gender": "FEMALE",
            "home_region": "Balochistan",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(name="Zara Baloch")
    bad = doc1.post(
        f"/register/working/{person.pk}/arrest/",
        {**source, "arrested_on": "2025-13-40", "status": "DETAINED"},
    )
    assert bad.status_code == 400
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in bad.content.decode()
    assert not Detention.objects.filter(person=person).exists()
    doc1.post(
        f"/register/working/{person.pk}/arrest/",
        {**source, "arrested_on": "2025-03", "status": "DETAINED", "place": "Quetta"},
    )
    detention = Detention.objects.get(person=person)
    doc1.post(
        f"/register/working/{person.pk}/arrest/{detention.pk}/event/",
        {
            **source,
            "kind": "HEARING",
            "on": "2025-04-02",
            "description": "Bail hearing",
            "next_hearing_on": "2025-06-01",
        },
    )
    org = OrganisationFactory(slug="hrcp-like", name="Defence Committee")
    doc1.post(
        f"/register/working/{person.pk}/recognition/",
        {
            **source,
            "organisation": org.pk,
            "since_on": "2025-04-10",
            "criterion": "Jailed for organising",
        },
    )
    assert Client().get(f"/register/{person.slug}/").status_code == 404
    reg.client("doc2").post(f"/register/working/{person.pk}/verify/")
    page = Client().get(f"/register/{person.slug}/").content.decode()
    assert "Bail hearing" in page
    assert "2025-03" in page
    assert "2025-06-01" in page  # next hearing
    assert "HRCP report" in page
    assert "Defence Committee" in page
    assert "Jailed for organising" in page


def test_a_name_with_markup_is_refused_on_the_page(reg: Register) -> None:
    response = reg.client("doc1").post(
        "/register/working/new/",
        {
            "source_title": "S",
            "certainty": "REPORTED",
            "campaign": reg.campaign.pk,
            "name": "<script>x</script>",
            "gender": "UNKNOWN",
        },
    )
    assert response.status_code == 400
    assert "cannot contain" in response.content.decode()
    assert Person.objects.count() == 0


def test_export_command_streams_csv_and_json(reg: Register, tmp_path: Path) -> None:
    person = _person(reg)
    services.person_verify(by=reg.users["doc2"], person=person)
    call_command("export-register", "--format", "json", "--output", str(tmp_path / "r.json"))
    data = json.loads((tmp_path / "r.json").read_text())
    assert [p["name"] for p in data["persons"]] == ["Sālār Fayyāz"]
    assert {"persons", "organizations", "memberships"} <= set(data)
    call_command("export-register", "--format", "csv", "--output", str(tmp_path / "r.csv"))
    lines = (tmp_path / "r.csv").read_text().splitlines()
    assert lines[0].startswith("id,name,name_ur")
    assert len(lines) == 2


def test_a_photo_loses_its_metadata_and_shows_only_with_consent(
    reg: Register, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    exif[0x8825] = {2: (33.0, 44.0, 0.0)}  # a GPS position
    upload = io.BytesIO()
    Image.new("RGB", (32, 32), "blue").save(upload, "JPEG", exif=exif)
    upload.seek(0)
    upload.name = "prisoner-at-home.jpg"
    person = _person(reg)
    doc1 = reg.client("doc1")
    base = {
        "name": person.name,
        "gender": "UNKNOWN",
        "source_title": "Court record 12",
        "source_publisher": "High Court",
        "certainty": "REPORTED",
    }
    response = doc1.post(f"/register/working/{person.pk}/edit/", {**base, "photo": upload})
    assert response.status_code == 302
    person.refresh_from_db()
    stored = Path(person.photo.path).read_bytes()
    assert b"SecretCam" not in stored
    assert "prisoner-at-home" not in str(person.photo.name)
    with Image.open(person.photo.path) as kept:
        assert not kept.getexif()
    services.person_verify(by=reg.users["doc2"], person=person)
    assert "<img" not in Client().get(f"/register/{person.slug}/").content.decode()
    doc1.post(f"/register/working/{person.pk}/edit/", {**base, "photo_consent": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        services.person_verify(by=reg.users["doc2"], person=person)
    assert str(person.photo.name) in Client().get(f"/register/{person.slug}/").content.decode()
    fake = io.BytesIO(b"not an image")
    fake.name = "x.jpg"
    refused = doc1.post(f"/register/working/{person.pk}/edit/", {**base, "photo": fake})
    assert refused.status_code == 400


def test_import_records_the_facility(reg: Register, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "external_id,name,campaign,facility,source_title\n"
        "f1,Kept Person,free-them,Adiala Jail,Report\n",
    )
    _import(reg, path)
    _import(reg, path)
    from habeas.cases.models import Facility

    assert Facility.objects.filter(name="Adiala Jail").count() == 1
    record = PublicRecord.objects.get(name="Kept Person")
    assert "Adiala Jail" in Client().get(f"/register/{record.slug}/").content.decode()


def test_the_person_page_says_where_to_write_while_they_are_held(
    reg: Register, tmp_path: Path
) -> None:
    """The latest facility's address shows, escaped and as it is now; not after release."""
    from habeas.cases.models import Facility

    header = "external_id,name,campaign,facility,status,source_title\n"
    path = _write(tmp_path, header + "w1,Held Person,free-them,Adiala Jail,CONVICTED,Report\n")
    _import(reg, path)
    record = PublicRecord.objects.get(name="Held Person")

    def page() -> str:
        return Client().get(f"/register/{record.slug}/").content.decode()

    assert "Write to them" not in page()  # the facility has no address yet
    Facility.objects.filter(name="Adiala Jail").update(
        postal_address="Adiala Road\nRawalpindi <b>PK</b>",
        letters_accepted="Plain cards, no parcels",
    )
    # Site admins keep addresses in the admin, whose saves renew the kept pages
    # (tests/core/test_pagecache_generations.py); this update bypasses it.
    pagecache.clear()
    shown = page()
    assert "Write to them" in shown
    assert "Adiala Road<br>Rawalpindi &lt;b&gt;PK&lt;/b&gt;" in shown
    assert "Plain cards, no parcels" in shown
    urdu = Client().get(f"/ur/register/{record.slug}/").content.decode()
    assert "Adiala Road" in urdu
    assert "Write to them" not in urdu

    released = path.with_name("released.csv")
    released.write_text(header + "w1,Held Person,free-them,Adiala Jail,RELEASED,Report\n")
    _import(reg, released)
    assert "Adiala Road" not in page()


def test_the_person_page_lists_the_latest_versions_and_links_the_rest(reg: Register) -> None:
    from habeas.cases import queries

    person = _person(reg)
    for n in range(queries.RECENT_VERSIONS + 2):
        services.person_save(
            by=reg.users["doc1"], person=person, source=reg.source, occupation=f"job {n}"
        )
        services.person_verify(by=reg.users["doc2"], person=Person.objects.get(pk=person.pk))
    record = PublicRecord.objects.get(pk=person.pk)
    shown = Client().get(f"/register/{record.slug}/").content.decode()
    total = queries.RECENT_VERSIONS + 2
    assert f"Version {total}," in shown
    assert f"Version {total - queries.RECENT_VERSIONS + 1}," in shown
    assert f"Version {total - queries.RECENT_VERSIONS}," not in shown
    assert f"/register/{record.slug}/history/" in shown


def test_the_latest_known_arrest_gives_the_status_on_every_database(reg: Register) -> None:
    """A detention of unknown date comes first, on SQLite and PostgreSQL alike."""
    person = _person(reg, arrested_on="2024-01-01")  # awaiting trial
    services.detention_add(
        by=reg.users["doc1"],
        person=person,
        source=reg.source,
        arrested_on=None,
        arrested_precision="UNKNOWN",
        status=Status.RELEASED,
        place="Quetta",
    )
    record = services.person_verify(by=reg.users["doc2"], person=person)
    assert record.status == Status.AWAITING_TRIAL
    assert [d["place"] for d in record.data["detentions"]] == ["Quetta", "Gilgit"]
    assert [d.place for d in person.detentions.all()] == ["Quetta", "Gilgit"]


def test_sorting_by_arrest_puts_unknown_dates_at_the_old_end(reg: Register) -> None:
    """Latest arrests first means unknown dates last, on SQLite and PostgreSQL alike."""
    for name, arrested in [
        ("Ann Early", "2019-03-01"),
        ("Bo Unknown", None),
        ("Cy Late", "2024-06-01"),
    ]:
        person = _person(reg, name=name, arrested_on=arrested)
        services.person_verify(by=reg.users["doc2"], person=person)

    def order(sort: str) -> list[str]:
        return ROW_NAME.findall(Client().get("/register/", {"sort": sort}).content.decode())

    assert order("-arrested") == ["Cy Late", "Ann Early", "Bo Unknown"]
    assert order("arrested") == ["Bo Unknown", "Ann Early", "Cy Late"]


def test_the_campaign_facet_lists_campaigns_with_verified_prisoners(reg: Register) -> None:
    person = _person(reg)
    services.person_verify(by=reg.users["doc2"], person=person)
    other = CampaignFactory(slug="elsewhere", title="Elsewhere")
    page = Client().get("/register/").content.decode()
    assert 'value="free-them"' in page
    assert 'value="elsewhere"' not in page
    assert "Sālār" not in Client().get("/register/", {"campaign": other.slug}).content.decode()
    assert "Sālār" in Client().get("/register/", {"campaign": "free-them"}).content.decode()


def test_the_history_shows_what_each_verified_version_changed(
    reg: Register, django_capture_on_commit_callbacks: Any
) -> None:
    person = _person(reg, home_region="Gilgit-Baltistan")
    services.person_verify(by=reg.users["doc2"], person=person)
    services.person_save(
        by=reg.users["doc1"],
        person=person,
        source=reg.source,
        name="Salaar Fayyaz",
        home_region="Hunza",
    )
    # An unverified change never reaches the history.
    assert "Hunza" not in Client().get(f"/register/{person.slug}/history/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.person_verify(by=reg.users["doc2"], person=person)
        services.person_save(  # the same facts again: a version that changes nothing
            by=reg.users["doc2"],
            person=person,
            source=reg.source,
            name="Salaar Fayyaz",
            home_region="Hunza",
        )
        services.person_verify(by=reg.users["doc1"], person=person)
    page = Client().get(f"/register/{person.slug}/history/").content.decode()
    v3, v2, v1 = (page.index(f'id="v{n}"') for n in (3, 2, 1))
    assert v3 < v2 < v1
    assert "Verified again with no change" in page[v3:v2]
    added, removed = page[v2:v1].split("Removed")
    assert "Salaar Fayyaz" in added
    assert "Hunza" in added
    assert "Sālār Fayyāz" in removed
    assert "Gilgit-Baltistan" in removed
    assert f"by the documenters of {reg.campaign.title}." in page[v2:v1]
    assert "doc1" not in page
    assert "doc2" not in page
    first = page[v1:]
    assert "First published with" in first
    assert "Gilgit-Baltistan" in first
    assert "Counter Terrorism Department" in first
    assert "awaiting trial in custody" in first
    assert "Court record 12" in first
    person_page = Client().get(f"/register/{person.slug}/").content.decode()
    assert f'href="/register/{person.slug}/history/"' in person_page
    urdu = Client().get(f"/ur/register/{person.slug}/history/")
    assert urdu.status_code == 200
    assert 'dir="rtl"' in urdu.content.decode()


def test_the_history_pages_long_records_and_compares_across_pages(reg: Register) -> None:
    from habeas.cases.queries import HISTORY_PAGE

    person = _person(reg)
    for n in range(HISTORY_PAGE + 1):
        services.person_save(
            by=reg.users["doc1"], person=person, source=reg.source, occupation=f"job {n}"
        )
        services.person_verify(by=reg.users["doc2"], person=person)
    first = Client().get(f"/register/{person.slug}/history/").content.decode()
    assert f'id="v{HISTORY_PAGE + 1}"' in first
    assert 'id="v1"' not in first
    assert first.count('class="version"') == HISTORY_PAGE
    assert "?page=2" in first
    second = Client().get(f"/register/{person.slug}/history/?page=2").content.decode()
    assert 'id="v1"' in second
    assert "First published with" in second
    # The oldest entry on page 1 is compared with version 1, on page 2.
    last_of_first = first[first.index('id="v2"') :]
    assert "First published" not in last_of_first
    assert "job 1" in last_of_first.split("Removed")[0]
    assert "job 0" in last_of_first.split("Removed")[1]
    assert Client().get(f"/register/{person.slug}/history/?page=99").status_code == 200


def test_the_history_of_an_unknown_or_unverified_record_answers_404(reg: Register) -> None:
    person = _person(reg)
    assert Client().get(f"/register/{person.slug}/history/").status_code == 404
    assert Client().get("/register/nobody-at-all/history/").status_code == 404


@pytest.mark.parametrize("sort", ["name", "arrested", "-arrested", "region"])
def test_a_search_lists_the_same_page_whichever_way_it_is_read(
    reg: Register, sort: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plans register_page picks by the number of matches list the same rows."""
    import datetime

    from habeas.cases import queries

    people = [("Zara Khan", "Sindh"), ("Ali Khan", "Punjab"), ("Bilal Ahmed", "Sindh")]
    people += [(f"Khan Number {n:02d}", "Gilgit") for n in range(55)]
    for n, (name, region) in enumerate(people):
        arrested = datetime.date(2020 + n % 5, 1 + n % 12, 1) if n % 7 else None
        person = _person(reg, name=name, home_region=region, arrested_on=arrested)
        services.person_verify(by=reg.users["doc2"], person=person)

    def names(page: str) -> list[str]:
        return [n for n in ROW_NAME.findall(page) if "Khan" in n or "Bilal" in n]

    pages = {}
    # (DENSE_MATCHES, SORTED_MATCHES): the plain plan, then the other one
    # (walking the sort order on SQLite, sorting the matches on PostgreSQL).
    for plan in ((10**9, 0), (0, 10**9)):
        monkeypatch.setattr(queries, "DENSE_MATCHES", plan[0])
        monkeypatch.setattr(queries, "SORTED_MATCHES", plan[1])
        pages[plan] = [
            Client().get("/register/", {"q": "khan", "sort": sort, "page": p}).content.decode()
            for p in (1, 2)
        ]
    plain, other = pages[(10**9, 0)], pages[(0, 10**9)]
    assert [names(p) for p in other] == [names(p) for p in plain]
    assert [len(names(p)) for p in plain] == [50, 7]
    assert "Bilal" not in plain[0] + plain[1]
    assert "Page 1 of 2" in other[0]

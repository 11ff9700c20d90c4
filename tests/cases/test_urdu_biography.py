"""A person's public biography in Urdu (``Person.summary_ur``): entered beside the
English, public only once verified, shown to Urdu readers (the English, marked as
English, where it is missing), in the history, the review, the export and the import."""

from __future__ import annotations

import datetime
import html
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import translation

from habeas.cases import importer, queries, services
from habeas.cases.history import Line
from habeas.cases.models import Person, PublicRecord, PublicVersion, Status
from habeas.coalition.models import Role
from habeas.core import bilingual
from habeas.core.models import Source
from tests.factories import CampaignFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

ENGLISH = "A teacher held for a speech at the press club."
URDU = "پریس کلب میں تقریر کرنے پر قید ایک استاد"
SOURCE = {"source_title": "HRCP report", "source_publisher": "HRCP", "certainty": "REPORTED"}


def _note(language: str) -> str:
    """The visible note that marks a fallback, as a page in ``language`` escapes it."""
    fallback_language = "en" if language == "ur" else "ur"
    with translation.override(language):
        return html.escape(bilingual.note(bilingual.Choice("x", fallback_language, fallback=True)))


@dataclass
class World:
    campaign: Any
    other: Any
    source: Source
    users: dict[str, Any]

    def client(self, name: str) -> Client:
        return sign_in(Client(), self.users[name])


@pytest.fixture
def world() -> World:
    campaign = CampaignFactory(slug="free-them")
    other = CampaignFactory(slug="other-campaign")
    users = {
        name: UserFactory(username=name)
        for name in (
            "doc1",
            "doc2",
            "team",
            "coordinator",
            "other_doc",
            "site_admin",
            "nobody",
        )
    }
    grant(users["doc1"], Role.DOCUMENTER, campaign=campaign)
    grant(users["doc2"], Role.DOCUMENTER, campaign=campaign)
    grant(users["team"], Role.CASE_TEAM, campaign=campaign)
    grant(users["coordinator"], Role.COORDINATOR, campaign=campaign)
    grant(users["other_doc"], Role.DOCUMENTER, campaign=other)
    grant(users["site_admin"], Role.SITE_ADMIN)
    source = Source.objects.create(title="Court record 12", publisher="High Court")
    return World(campaign, other, source, users)


def _person(world: World, **fields: Any) -> Person:
    person = services.person_save(
        by=world.users["doc1"],
        source=world.source,
        campaign=world.campaign,
        name=fields.pop("name", "Salar Fayyaz"),
        **fields,
    )
    services.detention_add(
        by=world.users["doc1"],
        person=person,
        source=world.source,
        arrested_on=datetime.date(2025, 5, 12),
        arrested_precision="DAY",
        status=Status.AWAITING_TRIAL,
    )
    return person


def _verify(world: World, person: Person, capture: Any) -> None:
    # The public pages are kept by generation, renewed once the verification commits.
    with capture(execute=True):
        services.person_verify(by=world.users["doc2"], person=person)


def _page(person: Person, language: str = "en") -> str:
    prefix = "/ur" if language == "ur" else ""
    response = Client().get(f"{prefix}/register/{person.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def _biography(page: str) -> str:
    """The biography's part of a person page."""
    start = page.index('<div class="biography">')
    end = "</div></div>"
    return page[start : page.index(end, start) + len(end)]


# --- The form and the service ---------------------------------------------------------


def test_the_form_asks_for_the_urdu_biography_right_to_left_after_the_english(
    world: World,
) -> None:
    page = world.client("doc1").get("/register/working/new/").content.decode()
    english = page.index('name="summary"')
    urdu = page.index('name="summary_ur"')
    assert english < urdu
    tag = page[page.rindex("<textarea", 0, urdu) : page.index(">", urdu)]
    assert 'lang="ur"' in tag
    assert 'dir="rtl"' in tag


def test_a_documenter_records_and_changes_the_urdu_biography_through_the_pages(
    world: World,
) -> None:
    doc1 = world.client("doc1")
    response = doc1.post(
        "/register/working/new/",
        {
            "campaign": str(world.campaign.pk),
            "name": "Ali Wazir",
            "gender": "MALE",
            "summary": ENGLISH,
            "summary_ur": URDU,
            **SOURCE,
        },
    )
    assert response.status_code == 302, response.content.decode()
    person = Person.objects.get(name="Ali Wazir")
    assert (person.summary, person.summary_ur) == (ENGLISH, URDU)

    edit = doc1.get(f"/register/working/{person.pk}/edit/").content.decode()
    assert URDU in edit  # the form starts from what is kept
    response = doc1.post(
        f"/register/working/{person.pk}/edit/",
        {"name": "Ali Wazir", "gender": "MALE", "summary": ENGLISH, "summary_ur": "", **SOURCE},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.summary_ur == ""


def test_a_too_long_urdu_biography_is_refused_by_the_form_and_nothing_changes(
    world: World,
) -> None:
    person = _person(world, summary_ur=URDU)
    doc1 = world.client("doc1")
    too_long = "ب" * 10_001
    response = doc1.post(
        f"/register/working/{person.pk}/edit/",
        {"name": "Salar Fayyaz", "gender": "MALE", "summary_ur": too_long, **SOURCE},
    )
    assert response.status_code == 400
    assert "at most 10000 characters" in response.content.decode()
    person.refresh_from_db()
    assert person.summary_ur == URDU
    assert person.gender == Person.Gender.UNKNOWN

    persons = Person.objects.count()
    response = doc1.post(
        "/register/working/new/",
        {"campaign": str(world.campaign.pk), "name": "New", "summary_ur": too_long, **SOURCE},
    )
    assert response.status_code == 400
    assert Person.objects.count() == persons


@pytest.mark.parametrize("field", ["summary", "summary_ur"])
def test_the_service_refuses_a_biography_over_its_limit_and_changes_nothing(
    world: World, field: str
) -> None:
    """The limit holds for every caller, not only the form (a TextField's does not)."""
    person = _person(world, summary=ENGLISH, summary_ur=URDU)
    too_long: dict[str, Any] = {field: "x" * 10_001}
    at_limit: dict[str, Any] = {field: "x" * 10_000}
    with pytest.raises(ValidationError) as refused:
        services.person_save(
            by=world.users["doc1"],
            person=person,
            source=world.source,
            name="Changed",
            **too_long,
        )
    assert field in refused.value.message_dict
    person.refresh_from_db()
    assert (person.name, person.summary, person.summary_ur) == ("Salar Fayyaz", ENGLISH, URDU)
    # At the limit is still accepted.
    services.person_save(by=world.users["doc1"], person=person, source=world.source, **at_limit)


def test_direction_controls_in_the_urdu_biography_never_reach_the_page(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Free text keeps what was typed; the page drops U+202E and the other controls, so
    nothing displays in another order than written."""
    person = _person(world, summary="Held \u202etxet\u202c here.", summary_ur=f"{URDU}\u202eabc")
    _verify(world, person, django_capture_on_commit_callbacks)
    urdu = _biography(_page(person, "ur"))
    assert f"{URDU}abc" in urdu
    assert "Held txet here." in _biography(_page(person, "en"))
    for page in (_page(person, "ur"), _page(person, "en")):
        assert not any(control in page for control in "\u202a\u202b\u202c\u202d\u202e")


# --- Publication ----------------------------------------------------------------------


def test_an_urdu_biography_is_public_only_once_verified(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    person = _person(world, summary=ENGLISH, summary_ur=URDU)
    assert Client().get(f"/ur/register/{person.slug}/").status_code == 404
    _verify(world, person, django_capture_on_commit_callbacks)
    assert URDU in _page(person, "ur")

    changed = "گرفتاری کے بعد سے بغیر مقدمے کے قید"
    services.person_save(
        by=world.users["doc1"], person=person, source=world.source, summary_ur=changed
    )
    for language in ("ur", "en"):
        page = _page(person, language)
        assert changed not in page
    assert URDU in _page(person, "ur")
    assert changed not in json.dumps(
        list(PublicVersion.objects.filter(person=person).values_list("data", flat=True)),
        ensure_ascii=False,
    )
    export = b"".join(Client().get("/register/export.json").streaming_content).decode()  # type: ignore[attr-defined]
    assert changed not in export
    assert URDU in export

    _verify(world, person, django_capture_on_commit_callbacks)
    page = _page(person, "ur")
    assert changed in page
    assert URDU not in page
    assert PublicRecord.objects.get(person=person).version == 2


# --- The person page ------------------------------------------------------------------


def test_each_reader_gets_the_biography_in_their_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    person = _person(world, summary=ENGLISH, summary_ur=URDU)
    _verify(world, person, django_capture_on_commit_callbacks)
    english = _biography(_page(person, "en"))
    assert f'<div lang="en" dir="ltr">{ENGLISH}</div>' in english
    assert URDU not in english
    assert "lang-note" not in english
    urdu = _biography(_page(person, "ur"))
    assert f'<div lang="ur" dir="rtl">{URDU}</div>' in urdu
    assert ENGLISH not in urdu
    assert "lang-note" not in urdu


def test_without_an_urdu_version_urdu_readers_get_the_english_marked_as_english(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    person = _person(world, summary=ENGLISH)
    _verify(world, person, django_capture_on_commit_callbacks)
    urdu = _biography(_page(person, "ur"))
    assert f'<p class="lang-note">{_note("ur")}</p>' in urdu
    assert f'<div lang="en" dir="ltr">{ENGLISH}</div>' in urdu
    english = _biography(_page(person, "en"))
    assert "lang-note" not in english


def test_without_an_english_version_english_readers_get_the_urdu_marked_as_urdu(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    person = _person(world, summary_ur=URDU)
    _verify(world, person, django_capture_on_commit_callbacks)
    english = _biography(_page(person, "en"))
    assert f'<p class="lang-note">{_note("en")}</p>' in english
    assert f'<div lang="ur" dir="rtl">{URDU}</div>' in english
    assert "lang-note" not in _biography(_page(person, "ur"))


def test_a_person_without_a_biography_shows_none(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    person = _person(world)
    _verify(world, person, django_capture_on_commit_callbacks)
    for language in ("en", "ur"):
        assert 'class="biography"' not in _page(person, language)


def test_a_version_published_before_the_urdu_biography_existed_still_shows(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Older versions' data has no ``summary_ur``: read as empty, not an error."""
    person = _person(world, summary=ENGLISH)
    _verify(world, person, django_capture_on_commit_callbacks)
    version = PublicVersion.objects.get(person=person)
    del version.data["summary_ur"]
    version.save(update_fields=["data"])
    assert ENGLISH in _biography(_page(person, "ur"))
    services.person_save(by=world.users["doc1"], person=person, source=world.source, aliases="S")
    _verify(world, person, django_capture_on_commit_callbacks)
    history = Client().get(f"/register/{person.slug}/history/").content.decode()
    assert "Biography in Urdu" not in history


# --- History and review ---------------------------------------------------------------


def test_the_history_and_the_review_show_urdu_biography_changes(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    person = _person(world, summary=ENGLISH)
    _verify(world, person, django_capture_on_commit_callbacks)
    services.person_save(
        by=world.users["doc1"], person=person, source=world.source, summary_ur=URDU
    )
    [(_found, review)] = queries.pending_reviews([person])
    assert review.added == [Line("Biography in Urdu", URDU, "ur")]
    assert review.changed == []
    history = Client().get(f"/register/{person.slug}/history/").content.decode()
    assert URDU not in history  # not verified yet

    _verify(world, person, django_capture_on_commit_callbacks)
    history = Client().get(f"/register/{person.slug}/history/").content.decode()
    added = history[history.index('class="facts-added"') :]
    assert f'<span lang="ur" dir="rtl">{URDU}</span>' in added[: added.index("</ul>")]

    services.person_save(by=world.users["doc1"], person=person, source=world.source, summary_ur="")
    _verify(world, person, django_capture_on_commit_callbacks)
    history = Client().get(f"/register/{person.slug}/history/").content.decode()
    removed = history[history.index('class="facts-removed"') :]
    assert (
        '<del><span class="label">Biography in Urdu:</span> '
        f'<span lang="ur" dir="rtl">{URDU}</span></del>' in removed
    )


# --- Export and import ----------------------------------------------------------------


def test_an_urdu_biography_goes_out_in_the_export_and_back_in_through_the_import(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    person = _person(world, summary=ENGLISH, summary_ur=URDU)
    _verify(world, person, django_capture_on_commit_callbacks)
    export = b"".join(Client().get("/register/export.json").streaming_content)  # type: ignore[attr-defined]
    [exported] = json.loads(export)["persons"]
    assert (exported["summary"], exported["summary_ur"]) == (ENGLISH, URDU)

    path = tmp_path / "cases.csv"
    path.write_text(
        "external_id,name,campaign,summary,summary_ur,source_title\n"
        f'x1,Imported Person,free-them,"{exported["summary"]}","{exported["summary_ur"]}",Court\n'
        "x2,No Urdu,free-them,Only English.,,Court\n",
        encoding="utf-8",
    )
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
    imported = Person.objects.get(external_id="x1")
    assert (imported.summary, imported.summary_ur) == (ENGLISH, URDU)
    assert PublicVersion.objects.get(person=imported).data["summary_ur"] == URDU
    assert URDU in _page(imported, "ur")
    assert Person.objects.get(external_id="x2").summary_ur == ""
    marked = _biography(_page(Person.objects.get(external_id="x2"), "ur"))
    assert 'lang="en" dir="ltr">Only English.</div>' in marked


def test_the_import_refuses_a_too_long_urdu_biography_by_line_and_column() -> None:
    body = (
        "external_id,name,campaign,summary_ur,source_title\n"
        f"x1,Ali,free-them,{'ب' * 10_001},Court\n"
    ).encode()
    errors = importer.check(body, campaigns={"free-them": 1}, organisations={}).errors
    assert [(e.line, e.column, e.message) for e in errors] == [
        (2, "summary_ur", "at most 10000 characters")
    ]


# --- Who may set it -------------------------------------------------------------------


REFUSED = ["team", "coordinator", "other_doc", "site_admin", "nobody"]


@pytest.mark.parametrize("actor", REFUSED)
def test_only_the_persons_documenters_may_set_the_urdu_biography(world: World, actor: str) -> None:
    """The case team, the coordinator, another campaign's documenter (even one whose
    campaign defends the person), a site admin and anyone else: refused by the
    service and by the page, and nothing changes."""
    person = _person(world, summary_ur=URDU)
    person.campaigns.add(world.other)
    with pytest.raises(PermissionDenied):
        services.person_save(
            by=world.users[actor], person=person, source=world.source, summary_ur="بدلا ہوا"
        )
    response = world.client(actor).post(
        f"/register/working/{person.pk}/edit/",
        {"name": "Salar Fayyaz", "gender": "UNKNOWN", "summary_ur": "بدلا ہوا", **SOURCE},
    )
    assert response.status_code in {403, 404}
    person.refresh_from_db()
    assert person.summary_ur == URDU


def test_a_documenter_of_the_persons_campaign_may_set_it(world: World) -> None:
    person = _person(world)
    services.person_save(
        by=world.users["doc2"], person=person, source=world.source, summary_ur=URDU
    )
    person.refresh_from_db()
    assert person.summary_ur == URDU

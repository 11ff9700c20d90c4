"""The documenters' forms ask in the order people think (the person, the facts, then
the source), and the arrest date entered is the one the timeline shows."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from habeas.cases.models import REGISTER_WORDS, Detention, Person
from habeas.coalition.models import Role
from tests.factories import CampaignFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

SOURCE = {"source_title": "HRCP report", "source_publisher": "HRCP", "certainty": "REPORTED"}
SOURCE_FIELDS = [
    "source_pick",
    "source_title",
    "source_publisher",
    "source_url",
    "source_published_on",
    "certainty",
]


def _fields(html: str) -> list[str]:
    """The form's inputs by name, in the order the page shows them."""
    form = html[html.index('<form method="post" class="stacked"') :]
    form = form[: form.index("</form>")]
    names = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', form)
    return [name for name in names if name != "csrfmiddlewaretoken"]


@pytest.fixture
def documenters() -> tuple[Client, Client, Any]:
    campaign = CampaignFactory(slug="free-them")
    first, second = UserFactory(username="doc1"), UserFactory(username="doc2")
    for user in (first, second):
        grant(user, Role.DOCUMENTER, campaign=campaign)
    return sign_in(Client(), first), sign_in(Client(), second), campaign


def _record(client: Client, campaign: Any, name: str = "Ali Wazir") -> Person:
    response = client.post(
        "/register/working/new/",
        {"campaign": str(campaign.pk), "name": name, "gender": "MALE", **SOURCE},
    )
    assert response.status_code == 302, response.content.decode()
    return Person.objects.get(name=name)


def test_each_form_asks_for_the_person_then_the_facts_then_the_source(
    documenters: tuple[Client, Client, Any],
) -> None:
    doc1, _doc2, campaign = documenters
    new = _fields(doc1.get("/register/working/new/").content.decode())
    assert new[:2] == ["name", "name_ur"]
    assert new.index("campaign") < new.index("source_title")
    assert new[-5:] == SOURCE_FIELDS[1:]  # a new person cites no source yet

    person = _record(doc1, campaign)
    working = f"/register/working/{person.pk}"
    arrest = _fields(doc1.get(f"{working}/arrest/").content.decode())
    assert arrest[:3] == ["arrested_on", "place", "authority"]
    assert arrest.index("facility") < arrest.index("source_pick")
    assert arrest[-6:] == SOURCE_FIELDS

    response = doc1.post(
        f"{working}/arrest/", {**SOURCE, "arrested_on": "2024", "status": "DETAINED"}
    )
    assert response.status_code == 302
    detention = Detention.objects.get(person=person)
    expected = {
        f"{working}/edit/": "name",
        f"{working}/recognition/": "organisation",
        f"{working}/arrest/{detention.pk}/status/": "status",
        f"{working}/arrest/{detention.pk}/event/": "kind",
    }
    for path, first in expected.items():
        fields = _fields(doc1.get(path).content.decode())
        assert fields[0] == first, (path, fields)
        assert fields[-6:] == SOURCE_FIELDS, (path, fields)


@pytest.mark.parametrize(
    ("entered", "iso", "words"),
    [("2024-03-15", "2024-03-15", "March 15, 2024"), ("2024-03", "2024-03", "March 2024")],
)
def test_a_new_persons_timeline_shows_the_arrest_date_entered(
    documenters: tuple[Client, Client, Any], entered: str, iso: str, words: str
) -> None:
    doc1, doc2, campaign = documenters
    person = _record(doc1, campaign)
    working = f"/register/working/{person.pk}/"
    response = doc1.post(
        f"{working}arrest/",
        {**SOURCE, "arrested_on": entered, "status": "DETAINED", "place": "Bannu"},
        follow=True,
    )
    assert "Saved." in response.content.decode()
    shown = f'<time datetime="{iso}">{words}</time>'
    assert shown in doc1.get(working).content.decode()

    response = doc2.post(f"{working}verify/")
    assert response.status_code == 302
    public = Client().get(response["Location"]).content.decode()
    timeline = public[public.index("Timeline") :]
    assert f"Arrest: {shown}, " in timeline


@pytest.mark.parametrize("name", ["Import", "Review", "Working", "Statistics", "Facilities"])
def test_a_person_named_as_a_register_page_gets_an_address_of_their_own(
    documenters: tuple[Client, Client, Any], name: str
) -> None:
    """/register/import/ is the import guide: a person called "Import" must not hide behind it."""
    doc1, _doc2, campaign = documenters
    person = _record(doc1, campaign, name=name)
    assert person.slug == f"{name.lower()}-2"


def test_an_imported_person_named_as_a_register_page_gets_an_address_of_their_own(
    tmp_path: Path,
) -> None:
    grant(UserFactory(username="doc9"), Role.DOCUMENTER, campaign=CampaignFactory(slug="imp"))
    path = tmp_path / "cases.csv"
    path.write_text(
        "external_id,name,campaign,arrested_on,status,summary,source_title\n"
        "x1,Import,imp,2025,DETAINED,,Court record\n"
        "x2,Review,imp,2025,DETAINED,,Court record\n",
        encoding="utf-8",
    )
    call_command("import-cases", str(path), "--as", "doc9", "--no-progress", stdout=io.StringIO())
    slugs = set(Person.objects.values_list("slug", flat=True))
    assert len(slugs) == 2
    assert not slugs & REGISTER_WORDS

"""The second documenter's review shows, fact by fact and in plain language, what
the public sees now and what it will see after verification."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from habeas.cases import history, queries, services
from habeas.cases.history import Line
from habeas.cases.models import Person, Status
from habeas.coalition.models import Role
from habeas.core.models import Source
from tests.factories import CampaignFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs() -> dict[str, Any]:
    campaign = CampaignFactory(slug="free-them")
    users = {name: UserFactory(username=name) for name in ("doc1", "doc2")}
    for user in users.values():
        grant(user, Role.DOCUMENTER, campaign=campaign)
    return {"campaign": campaign, **users}


def _person(docs: dict[str, Any]) -> Person:
    person = services.person_save(
        by=docs["doc1"],
        source=Source.objects.get_or_create(title="Court record 12", publisher="High Court")[0],
        campaign=docs["campaign"],
        name="Sālār Fayyāz",
        name_ur="سالار فیاض",
        aliases="Comrade S\nSalar",
    )
    services.detention_add(
        by=docs["doc1"],
        person=person,
        source=Source.objects.get(title="Court record 12"),
        arrested_on=datetime.date(2025, 5, 12),
        arrested_precision="DAY",
        status=Status.AWAITING_TRIAL,
        place="Gilgit",
    )
    return person


def _edit(docs: dict[str, Any], person: Person) -> None:
    """A respelled name, a new status, another source, an alias removed."""
    press, _new = Source.objects.get_or_create(
        title="Press release 3", publisher="AAC", url="https://example.org/pr3"
    )
    services.person_save(
        by=docs["doc1"], person=person, source=press, name="Salaar Fayyaz", aliases="Comrade S"
    )
    services.status_add(
        by=docs["doc1"],
        detention=person.detentions.get(),
        status=Status.CONVICTED,
        on=datetime.date(2025, 6, 1),
        precision="MONTH",
        source=press,
    )


def _review(person: Person) -> history.Review:
    [(_found, review)] = queries.pending_reviews([person])
    return review


def _page(docs: dict[str, Any], person: Person, prefix: str = "") -> str:
    client = sign_in(Client(), docs["doc2"])
    response = client.get(f"{prefix}/register/working/{person.pk}/")
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_review_lists_exactly_what_verification_changes(docs: dict[str, Any]) -> None:
    person = _person(docs)
    services.person_verify(by=docs["doc2"], person=person)
    _edit(docs, person)
    review = _review(person)
    assert review.public
    assert [(old.label, old.value, new.value) for old, new in review.changed] == [
        ("Name", "Sālār Fayyāz", "Salaar Fayyaz"),
        (
            "Source of the record",
            "[Court record 12, High Court] reported",
            "[Press release 3, AAC, https://example.org/pr3] reported",
        ),
    ]
    month = history._date({"date": "2025-06-01", "precision": "MONTH"})
    assert review.added == [
        Line(
            "Arrest of May 12, 2025, Gilgit: status",
            f"{month} — convicted [Press release 3, AAC, https://example.org/pr3] reported",
        )
    ]
    assert review.removed == [Line("Also known as", "Salar", "en")]


@pytest.mark.parametrize("prefix", ["", "/ur"])
def test_the_review_page_shows_now_and_after_in_plain_language(
    docs: dict[str, Any], prefix: str
) -> None:
    person = _person(docs)
    services.person_verify(by=docs["doc2"], person=person)
    _edit(docs, person)
    page = _page(docs, person, prefix)
    changed = page[page.index('class="review-changed"') : page.index('class="review-added"')]
    added = page[page.index('class="review-added"') : page.index('class="review-removed"')]
    removed = page[page.index('class="review-removed"') : page.index("</section>")]
    assert '<del><span lang="en" dir="ltr">Sālār Fayyāz</span></del>' in changed
    assert '<ins><span lang="en" dir="ltr">Salaar Fayyaz</span></ins>' in changed
    assert "Court record 12, High Court" in changed
    assert "Press release 3, AAC" in changed
    assert changed.count("<tr>") == 3  # the header and two facts
    assert added.count("<tr>") == 2
    assert "convicted" in added or "سزا" in added
    assert added.count("<ins>") == 1
    assert removed.count("<tr>") == 2
    assert '<del><span lang="en" dir="ltr">Salar</span></del>' in removed
    if prefix:
        assert 'dir="rtl"' in page
    # Plain language, not a dictionary.
    for sign in ("{&#x27;", "&#x27;name&#x27;:", "{'", '"name":'):
        assert sign not in page


def test_a_record_never_published_shows_nothing_public_and_everything_added(
    docs: dict[str, Any],
) -> None:
    person = _person(docs)
    review = _review(person)
    assert not review.public
    assert review.changed == []
    assert review.removed == []
    assert review.added == review.facts
    assert Line("Name in Urdu script", "سالار فیاض", "ur") in review.added
    page = _page(docs, person)
    assert "Now public: nothing." in page
    assert '<ins><span lang="ur" dir="rtl">سالار فیاض</span></ins>' in page
    assert 'class="review-changed"' not in page
    assert 'class="review-removed"' not in page


@pytest.mark.parametrize("prefix", ["", "/ur"])
def test_an_unchanged_record_says_nothing_will_change(docs: dict[str, Any], prefix: str) -> None:
    person = _person(docs)
    services.person_verify(by=docs["doc2"], person=person)
    assert _review(person).unchanged
    # Saved again with the same facts: the record waits, but nothing public changes.
    services.person_save(
        by=docs["doc1"],
        person=person,
        source=Source.objects.get(title="Court record 12"),
        name="Sālār Fayyāz",
    )
    assert _review(person).unchanged
    page = _page(docs, person, prefix)
    if not prefix:
        assert "Nothing will change: the public record already shows these facts." in page
    for table in ("review-changed", "review-added", "review-removed"):
        assert f'class="{table}"' not in page


def test_the_review_queue_says_what_each_record_would_change(docs: dict[str, Any]) -> None:
    published = _person(docs)
    services.person_verify(by=docs["doc2"], person=published)
    _edit(docs, published)
    fresh = services.person_save(
        by=docs["doc1"],
        source=Source.objects.get(title="Court record 12"),
        campaign=docs["campaign"],
        name="Asif Sakhi",
    )
    page = sign_in(Client(), docs["doc2"]).get("/register/review/").content.decode()
    first = page[page.index("Salaar Fayyaz") : page.index("Asif Sakhi")]
    assert "After verification: 2 changed, 1 added, 1 removed." in first
    assert "Name" in first
    assert "Never published: 2 facts to add." in page[page.index("Asif Sakhi") :]
    assert len(_review(fresh).added) == 2


def test_the_review_queue_reads_a_page_in_a_fixed_number_of_queries(
    docs: dict[str, Any],
) -> None:
    """Working out what each record would change costs the same queries for two
    records waiting as for eight."""
    client = sign_in(Client(), docs["doc2"])

    def add(count: int) -> None:
        for n in range(count):
            person = _person(docs)
            if n % 2:
                services.person_verify(by=docs["doc2"], person=person)
                _edit(docs, person)

    def queries_for_the_queue() -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get("/register/review/").status_code == 200
        return len(done)

    add(2)
    client.get("/register/review/")  # the session and the second factor, read once
    few = queries_for_the_queue()
    add(6)
    assert queries_for_the_queue() == few
    assert client.get("/register/review/").content.decode().count("After verification:") == 4


def test_a_replaced_photo_is_a_change() -> None:
    now = {"name": "A", "photo": "persons/a.jpg"}
    review = history.review(now, {"name": "A", "photo": "persons/b.jpg"})
    assert [(old.value, new.value) for old, new in review.changed] == [("shown", "a new photo")]
    assert history.review(now, dict(now)).unchanged
    assert history.review(now, {"name": "A", "photo": ""}).removed == [Line("Photo", "shown")]

"""Hostile text posted through the real pages is shown safely, in both languages.

The issue's bad input: text mixing scripts, right-to-left override and its
friends (U+202A-U+202E, U+2066-U+2069) in statements, reasons and letters
(names and titles refuse them at input, see test_bidi.py), a 300-character
word with no break, and a name written only in Urdu. Each is posted through
the page a user would use, then every page that shows it is fetched in
English and in Urdu: never a 500, no direction control left in the HTML, so
nothing can reorder the text around it, and the text itself still there.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from habeas.cases import services as case_services
from habeas.cases.models import Person
from habeas.coalition import services
from habeas.coalition.models import Correspondence, Position, Role, Statement
from habeas.core.text import BIDI_CONTROLS
from tests.coalition.test_united_front import Front, make_front
from tests.factories import UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

RLO = "\u202e"
CONTROLS = "".join(sorted(BIDI_CONTROLS))
LONG_WORD = "ب" * 150 + "x" * 150
MIXED = "Free علی خان and Sālār now, (1) «وہ» [2]"


@pytest.fixture
def front() -> Front:
    return make_front()


def _shown(client: Client, path: str) -> str:
    """The page at ``path`` in English and in Urdu, checked: 200, no direction control."""
    pages = []
    for prefix in ("", "/ur"):
        response = client.get(prefix + path)
        assert response.status_code == 200, prefix + path
        page = response.content.decode()
        assert not BIDI_CONTROLS.intersection(page), prefix + path
        pages.append(page)
    return "\n".join(pages)


def test_a_statement_with_controls_long_words_and_mixed_scripts_is_shown_safely(
    front: Front,
) -> None:
    """A statement's body keeps its words; its direction controls are gone."""
    editor = front.client("editor_a")
    body = f"We stand with {RLO}nahK ilA{CONTROLS} and {MIXED}.\n\n{LONG_WORD}"
    response = editor.post(
        "/campaigns/free-them/statements/new/",
        {"organisation": front.a.pk, "title": "علی خان کے لیے", "body": body},
    )
    assert response.status_code == 302
    assert Statement.objects.get().body == body
    page = _shown(Client(), "/campaigns/free-them/")
    assert "We stand with nahK ilA and Free علی خان and Sālār now" in page
    assert LONG_WORD in page


def test_a_public_reason_with_a_right_to_left_override_is_shown_safely(front: Front) -> None:
    """A position's public reason, accepted as written, shows without its controls."""
    demand = services.demand_propose(
        by=front.users["editor_a"], campaign=front.campaign, organisation=front.a, text="Free all"
    )
    reason = f"We agree{RLO} with {MIXED} {LONG_WORD}"
    response = front.client("editor_b").post(
        f"/campaigns/free-them/demands/{demand.pk}/position/",
        {"organisation": front.b.pk, "stance": "ENDORSES", "reason": reason},
    )
    assert response.status_code == 302
    assert Position.objects.get(organisation=front.b).reason == reason
    page = _shown(Client(), "/campaigns/free-them/")
    assert "We agree with Free علی خان and Sālār now" in page
    assert LONG_WORD in page


def test_a_letter_between_organisations_with_controls_is_shown_safely(front: Front) -> None:
    """A letter's body, in Urdu and English with overrides, shows without them."""
    body = f"{RLO}ہم {MIXED}\u2067 {LONG_WORD}"
    response = front.client("editor_a").post(
        "/correspondence/new/",
        {
            "organisation": front.a.pk,
            "to_organisation": front.b.pk,
            "subject": "علی خان",
            "body": body,
        },
    )
    assert response.status_code == 302
    letter = Correspondence.objects.get()
    assert letter.body == body
    page = _shown(Client(), f"/correspondence/{letter.pk}/")
    assert LONG_WORD in page
    assert "علی خان" in page


def test_a_person_named_only_in_urdu_is_listed_and_shown_isolated(front: Front) -> None:
    """A person whose name is known only in Urdu script (no Latin spelling), with a
    300-character word in their aliases, is recorded through the page, published, and
    shown on the register and their own page in both languages, the name in an
    element that sets its direction."""
    documenter = UserFactory(username="doc")
    grant(documenter, Role.DOCUMENTER, campaign=front.campaign)
    reviewer = UserFactory(username="doc2")
    grant(reviewer, Role.DOCUMENTER, campaign=front.campaign)
    name = "سالار فیاض"
    response = sign_in(Client(), documenter).post(
        "/register/working/new/",
        {
            "source_title": "روزنامہ جنگ",
            "certainty": "REPORTED",
            "campaign": front.campaign.pk,
            "name": name,
            "aliases": LONG_WORD,
            "gender": "UNKNOWN",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get()
    case_services.person_verify(by=reviewer, person=person)
    register = _shown(Client(), "/register/")
    person.refresh_from_db()
    page = _shown(Client(), f"/register/{person.slug}/")
    for html in (register, page):
        assert re.search(
            r'<(?:bdi|[a-z]+ [^>]*dir="(?:rtl|auto)")[^>]*>(?:<[^>]+>)*' + name, html
        ), html


def test_a_hide_notice_isolates_who_hid_and_quotes_the_reason_in_its_language(
    front: Front,
) -> None:
    """The public notice of a hidden demand names the coordinator in a ``<bdi>`` and
    quotes the reason with its own language, so English quotation marks and word
    order hold inside an Urdu page; the reason's override is gone."""
    demand = services.demand_propose(
        by=front.users["editor_a"], campaign=front.campaign, organisation=front.a, text="Off"
    )
    response = front.client("coordinator").post(
        f"/campaigns/free-them/hide/demand/{demand.pk}/", {"reason": f"Off {RLO}topic"}
    )
    assert response.status_code == 302
    page = _shown(Client(), "/campaigns/free-them/")
    assert "<bdi>coord</bdi>" in page
    assert '<q lang="en" dir="ltr">Off topic</q>' in page

"""Text that cannot deceive: no direction controls in names and titles, none shown elsewhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from habeas.cases import services as case_services
from habeas.cases.models import Person
from habeas.coalition import services
from habeas.coalition.models import Campaign, Correspondence, Demand, Organisation, Role, Statement
from habeas.core.models import Source
from habeas.core.text import BIDI_CONTROLS, render_markdown
from tests.coalition.test_united_front import Front, make_front
from tests.factories import UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
REFUSAL = "Remove the invisible direction controls"
# Stored as "<RLO>nahK ilA"; a browser draws it as "Ali Khan".
DISGUISED = RLO + "Ali Khan"[::-1]


@pytest.fixture
def front() -> Front:
    return make_front()


def _person_form(campaign: Any, **fields: str) -> dict[str, Any]:
    return {
        "source_title": "Court record",
        "certainty": "REPORTED",
        "campaign": campaign.pk,
        "name": "Sālār Fayyāz",
        "gender": "UNKNOWN",
        **fields,
    }


def test_a_person_named_with_a_right_to_left_override_is_refused(front: Front) -> None:
    """A record named so that it displays as another prisoner's name is refused on the
    page, with a clear error, and nothing is recorded."""
    documenter = UserFactory(username="doc")
    grant(documenter, Role.DOCUMENTER, campaign=front.campaign)
    client = sign_in(Client(), documenter)
    for field, value in [
        ("name", DISGUISED),
        ("name_ur", "\u2067علی\u2069"),
        ("aliases", "Ali\n\u202bKhan"),
        ("source_title", "Court \u202drecord"),
        ("source_publisher", "\u2066High Court"),
    ]:
        response = client.post(
            "/register/working/new/", _person_form(front.campaign, **{field: value})
        )
        assert response.status_code == 400, field
        assert REFUSAL in response.content.decode(), field
    assert Person.objects.count() == 0
    assert Source.objects.count() == 0
    accepted = client.post("/register/working/new/", _person_form(front.campaign, name="Ali Khan"))
    assert accepted.status_code == 302
    assert Person.objects.get().name == "Ali Khan"


def test_every_bidi_control_is_refused_in_a_name_by_the_service(front: Front) -> None:
    """person_save, as a command or the API would call it, refuses each of the nine
    controls U+202A-U+202E and U+2066-U+2069."""
    documenter = UserFactory(username="doc")
    grant(documenter, Role.DOCUMENTER, campaign=front.campaign)
    source = Source.objects.create(title="Court record")
    assert len(BIDI_CONTROLS) == 9
    for control in sorted(BIDI_CONTROLS):
        with pytest.raises(ValidationError, match="direction controls"):
            case_services.person_save(
                by=documenter, source=source, campaign=front.campaign, name=f"Ali{control} Khan"
            )
    assert Person.objects.count() == 0


def test_titles_demands_subjects_and_short_names_refuse_bidi_controls(front: Front) -> None:
    """Statement titles, demands, campaign titles, letter subjects and signatures and an
    organisation's short name refuse direction controls on the page; nothing changes."""
    editor = front.client("editor_a")
    admin = front.client("admin_a")
    statement = services.statement_publish(
        by=front.users["editor_a"],
        campaign=front.campaign,
        organisation=front.a,
        title="Our position",
        body="Free them.",
    )
    attempts = [
        (
            editor,
            "/campaigns/free-them/statements/new/",
            {"organisation": front.a.pk, "title": RLO + "Beta Committee", "body": "B"},
        ),
        (
            editor,
            f"/campaigns/free-them/statements/{statement.pk}/edit/",
            {"title": "Our \u2068position", "body": "Free them."},
        ),
        (
            editor,
            "/campaigns/free-them/demands/new/",
            {"organisation": front.a.pk, "text": "Free \u202aall"},
        ),
        (
            admin,
            "/campaigns/new/",
            {"organisation": front.a.pk, "title": "Free \u202cthem", "status": "ACTIVE"},
        ),
        (
            editor,
            "/correspondence/new/",
            {
                "organisation": front.a.pk,
                "to_organisation": front.b.pk,
                "subject": RLO + "On Khan",
                "body": "Dear comrades",
            },
        ),
        (
            editor,
            "/correspondence/new/",
            {
                "organisation": front.a.pk,
                "to_organisation": front.b.pk,
                "subject": "On Khan",
                "body": "Dear comrades",
                "signed": RLO + "Beta Committee",
            },
        ),
        (
            editor,
            "/organisations/org-a/edit/",
            {"short_name": "\u2067BC", "kind": "PARTY", "country": "PK"},
        ),
    ]
    for client, path, data in attempts:
        response = client.post(path, data)
        assert response.status_code == 400, path
        assert REFUSAL in response.content.decode(), path
    assert Statement.objects.get().title == "Our position"
    assert Statement.objects.count() == 1
    assert Demand.objects.count() == 0
    assert Campaign.objects.count() == 1
    assert Correspondence.objects.count() == 0
    assert Organisation.objects.get(pk=front.a.pk).short_name == "AL"


def test_the_services_refuse_bidi_controls_in_titles(front: Front) -> None:
    """The coalition services refuse direction controls whoever calls them (command, API)."""
    by = front.users["editor_a"]
    calls = [
        lambda: services.statement_publish(
            by=by, campaign=front.campaign, organisation=front.a, title=RLO + "T", body="B"
        ),
        lambda: services.demand_propose(
            by=by, campaign=front.campaign, organisation=front.a, text="Free\u2069 them"
        ),
        lambda: services.correspondence_publish(
            by=by, organisation=front.a, to_organisation=front.b, subject=RLO + "S", body="B"
        ),
        lambda: services.campaign_create(
            by=front.users["admin_a"], organisation=front.a, title=RLO + "C"
        ),
        lambda: services.organisation_update(
            organisation=front.a, by=by, short_name=RLO + "AL", kind="PARTY", country="PK"
        ),
    ]
    for call in calls:
        with pytest.raises(ValidationError, match="direction controls"):
            call()
    assert (
        Statement.objects.count() == Demand.objects.count() == Correspondence.objects.count() == 0
    )
    assert Campaign.objects.count() == 1


def test_free_text_is_shown_without_bidi_controls(front: Front) -> None:
    """In a statement's body (Markdown) and a campaign summary, direction controls are
    removed on display, so the text reads in the order it is written."""
    services.statement_publish(
        by=front.users["editor_a"],
        campaign=front.campaign,
        organisation=front.a,
        title="Our position",
        body="We stand with " + DISGUISED + " and **all** others.",
    )
    Campaign.objects.filter(pk=front.campaign.pk).update(summary="Led by " + DISGUISED)
    page = Client().get("/campaigns/free-them/").content.decode()
    assert not BIDI_CONTROLS.intersection(page)
    assert "We stand with " + "Ali Khan"[::-1] + " and <strong>all</strong>" in page
    assert str(render_markdown("a\u202eb\u2066c")) == "<p>abc</p>"

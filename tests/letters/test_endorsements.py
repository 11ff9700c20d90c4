"""Endorsements: organisations on Habeas endorse through their editors; others ask through a
cookie-less form and show only once a coordinator of the letter's campaign verifies them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from habeas.letters.models import Endorsement, Letter
from habeas.letters.services import endorsements as services
from habeas.letters.services import letters as letter_services
from tests.letters.organisers_world import World, make_world

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
REQUEST = {
    "name": "Dock Workers Branch 7",
    "kind": "UNION",
    "country": "gb",
    "signatory": "Ann Smith",
    "signatory_role": "Secretary",
    "contact_email": "branch7@example.org",
}


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def letter(world: World) -> Letter:
    return world.letter(status=Letter.Status.OPEN)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _ask(letter: Letter, **overrides: str) -> Endorsement:
    return services.endorsement_request(letter=letter, **{**REQUEST, **overrides})


# --- Endorsing for an organisation on Habeas -------------------------------------


def test_an_editor_endorses_an_open_letter_for_their_organisation(
    world: World, letter: Letter
) -> None:
    """It shows at once, with the organisation's name, kind and country."""
    endorsement = services.endorsement_add(
        by=world.users["editor_b"], letter=letter, organisation=world.b
    )
    assert endorsement.status == Endorsement.Status.VERIFIED
    assert (endorsement.name, endorsement.kind, endorsement.country) == (
        world.b.name,
        world.b.kind,
        world.b.country,
    )
    assert endorsement.created_by == world.users["editor_b"]
    again = services.endorsement_add(
        by=world.users["admin_b"], letter=letter, organisation=world.b
    )
    assert again == endorsement
    assert Endorsement.objects.count() == 1


def test_an_organisation_outside_the_campaign_endorses_too(world: World, letter: Letter) -> None:
    services.endorsement_add(by=world.users["editor_c"], letter=letter, organisation=world.c)
    assert Endorsement.objects.get().organisation == world.c


def test_a_clash_with_a_concurrent_endorsement_returns_the_standing_one(
    world: World, letter: Letter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When another request endorsed between the check and the insert, the database's
    constraint stops a second row and the one that stands is returned."""
    first = services.endorsement_add(
        by=world.users["editor_b"], letter=letter, organisation=world.b
    )
    real = services._standing
    calls: list[int] = []

    def blind_once(letter: Letter, organisation: Any) -> Endorsement | None:
        calls.append(1)
        return None if len(calls) == 1 else real(letter, organisation)

    monkeypatch.setattr(services, "_standing", blind_once)
    assert (
        services.endorsement_add(by=world.users["editor_b"], letter=letter, organisation=world.b)
        == first
    )
    assert Endorsement.objects.count() == 1


@pytest.mark.parametrize("status", [Letter.Status.DRAFT, Letter.Status.CLOSED])
def test_only_an_open_letter_is_endorsed(world: World, status: str) -> None:
    letter = world.letter(status=status)
    with pytest.raises(ValidationError, match="open for signing"):
        services.endorsement_add(by=world.users["editor_b"], letter=letter, organisation=world.b)
    with pytest.raises(ValidationError, match="open for signing"):
        _ask(letter)
    assert not Endorsement.objects.exists()


@pytest.mark.parametrize("who", ["editor_a", "coordinator", "site_admin", "stranger", "editor_c"])
def test_nobody_endorses_in_another_organisations_name(
    world: World, letter: Letter, who: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.endorsement_add(by=world.users[who], letter=letter, organisation=world.b)
    assert not Endorsement.objects.exists()


def test_an_organisation_withdraws_its_endorsement_and_may_endorse_again(
    world: World, letter: Letter
) -> None:
    endorsement = services.endorsement_add(
        by=world.users["editor_b"], letter=letter, organisation=world.b
    )
    withdrawn = services.endorsement_withdraw(by=world.users["admin_b"], endorsement=endorsement)
    assert withdrawn.status == Endorsement.Status.WITHDRAWN
    assert withdrawn.decided_by == world.users["admin_b"]
    with pytest.raises(ValidationError, match="not standing"):
        services.endorsement_withdraw(by=world.users["admin_b"], endorsement=endorsement)
    anew = services.endorsement_add(
        by=world.users["editor_b"], letter=letter, organisation=world.b
    )
    assert anew.pk != endorsement.pk
    assert anew.status == Endorsement.Status.VERIFIED


@pytest.mark.parametrize("who", ["editor_a", "coordinator", "site_admin", "stranger"])
def test_nobody_else_withdraws_an_organisations_endorsement(
    world: World, letter: Letter, who: str
) -> None:
    """Not the letter's authors, not a coordinator, not a site admin: its own word stands."""
    endorsement = services.endorsement_add(
        by=world.users["editor_b"], letter=letter, organisation=world.b
    )
    with pytest.raises(PermissionDenied):
        services.endorsement_withdraw(by=world.users[who], endorsement=endorsement)
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.VERIFIED


def test_a_request_from_outside_habeas_has_no_editors_to_withdraw_it(
    world: World, letter: Letter
) -> None:
    request = _ask(letter)
    with pytest.raises(PermissionDenied):
        services.endorsement_withdraw(by=world.users["site_admin"], endorsement=request)


# --- Requests from organisations not on Habeas -------------------------------------


def test_an_organisation_not_on_habeas_asks_and_waits(world: World, letter: Letter) -> None:
    request = _ask(letter)
    assert request.status == Endorsement.Status.PENDING
    assert request.organisation is None
    assert request.country == "GB"
    assert request.contact_email == "branch7@example.org"
    assert _ask(letter, name="dock workers branch 7") == request  # asking twice: one request
    assert Endorsement.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 10_240}, "name"),
        ({"name": "Branch \u202e7"}, "name"),
        ({"signatory": " "}, "signatory"),
        ({"signatory_role": "x" * 201}, "signatory_role"),
        ({"kind": "GUILD"}, "kind"),
        ({"country": "Pakistan"}, "country"),
        ({"country": ""}, "country"),
        ({"country": "XX"}, "country"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"contact_email": "a" * 250 + "@example.org"}, "contact_email"),
    ],
)
def test_a_bad_request_is_refused_with_a_message_for_its_field(
    letter: Letter, overrides: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        _ask(letter, **overrides)
    assert field in raised.value.message_dict
    assert not Endorsement.objects.exists()


def test_a_coordinator_verifies_a_request_and_its_address_is_erased(
    world: World, letter: Letter
) -> None:
    request = _ask(letter)
    verified = services.endorsement_decide(
        by=world.users["coordinator"], endorsement=request, verify=True
    )
    assert verified.status == Endorsement.Status.VERIFIED
    assert verified.decided_by == world.users["coordinator"]
    assert verified.decided_at is not None
    assert verified.contact_email == ""
    with pytest.raises(ValidationError, match="already been decided"):
        services.endorsement_decide(
            by=world.users["coordinator"], endorsement=request, verify=False
        )


def test_a_rejected_request_keeps_no_address(world: World, letter: Letter) -> None:
    rejected = services.endorsement_decide(
        by=world.users["coordinator"], endorsement=_ask(letter), verify=False
    )
    assert (rejected.status, rejected.contact_email) == (Endorsement.Status.REJECTED, "")


@pytest.mark.parametrize(
    "who", ["editor_a", "admin_a", "editor_b", "other_coordinator", "site_admin", "stranger"]
)
def test_only_the_campaigns_coordinators_decide_requests(
    world: World, letter: Letter, who: str
) -> None:
    request = _ask(letter)
    with pytest.raises(PermissionDenied):
        services.endorsement_decide(by=world.users[who], endorsement=request, verify=True)
    request.refresh_from_db()
    assert request.status == Endorsement.Status.PENDING


# --- The endorse page ---------------------------------------------------------------


def test_the_endorse_page_asks_a_visitor_to_sign_in_and_refuses_people_without_organisations(
    world: World, letter: Letter
) -> None:
    """Without an organisation to act for, the page says which role endorsing needs
    and who grants it, with no form; a post answers 400 and endorses nothing."""
    assert Client().get(f"/letters/{letter.slug}/endorse/").status_code == 302
    before = letter.endorsements.count()
    for who in ("stranger", "coordinator", "site_admin"):
        client = world.client(who)
        page = client.get(f"/letters/{letter.slug}/endorse/")
        assert page.status_code == 200
        assert "Only an editor or admin of an organisation" in page.content.decode()
        assert "Endorse for this organisation" not in page.content.decode()
        refused = client.post(f"/letters/{letter.slug}/endorse/", {"organisation": world.a.pk})
        assert refused.status_code == 400
        assert "Only an editor or admin of an organisation" in refused.content.decode()
    assert letter.endorsements.count() == before


def test_endorsing_and_withdrawing_through_the_page(world: World, letter: Letter) -> None:
    client = world.client("editor_b")
    url = f"/letters/{letter.slug}/endorse/"
    page = client.get(url).content.decode()
    assert world.b.name in page
    assert world.a.name not in page
    response = client.post(url, {"organisation": world.b.pk, "action": "endorse"}, follow=True)
    assert _messages(response) == [f"<bdi>{world.b.name}</bdi> endorses this letter."]
    assert Endorsement.objects.get().status == Endorsement.Status.VERIFIED
    assert "Withdraw the endorsement" in response.content.decode()
    response = client.post(url, {"organisation": world.b.pk, "action": "withdraw"}, follow=True)
    assert _messages(response) == [f"<bdi>{world.b.name}</bdi> no longer endorses this letter."]
    assert Endorsement.objects.get().status == Endorsement.Status.WITHDRAWN
    response = client.post(url, {"organisation": world.b.pk, "action": "withdraw"}, follow=True)
    assert _messages(response) == ["This organisation does not endorse this letter."]


def test_the_page_endorses_only_for_the_users_own_organisations(
    world: World, letter: Letter
) -> None:
    response = world.client("editor_b").post(
        f"/letters/{letter.slug}/endorse/",
        {"organisation": world.c.pk, "action": "endorse"},
        follow=True,
    )
    assert _messages(response) == ["Choose one of your organisations."]
    assert not Endorsement.objects.exists()


def test_a_draft_cannot_be_endorsed_through_the_page(world: World) -> None:
    """Another organisation's editor does not find it; its own editors are told why not."""
    draft = world.letter()
    assert world.client("editor_b").get(f"/letters/{draft.slug}/endorse/").status_code == 404
    response = world.client("editor_a").post(
        f"/letters/{draft.slug}/endorse/",
        {"organisation": world.a.pk, "action": "endorse"},
        follow=True,
    )
    assert _messages(response) == ["Only a letter open for signing can be endorsed."]
    assert not Endorsement.objects.exists()


# --- The request form: a visitor's, without a cookie ------------------------------------


def test_the_request_form_sets_no_cookie_and_carries_no_token(letter: Letter) -> None:
    response = Client().get(f"/letters/{letter.slug}/endorse/ask/")
    assert response.status_code == 200
    assert not response.cookies
    page = response.content.decode()
    assert "csrfmiddlewaretoken" not in page
    assert 'name="homepage"' in page


def test_an_organisation_asks_through_the_form(world: World, letter: Letter) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/letters/{letter.slug}/endorse/ask/", REQUEST, headers=SAME_ORIGIN)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not response.cookies
    request = Endorsement.objects.get()
    assert (request.status, request.name) == (Endorsement.Status.PENDING, REQUEST["name"])


def test_the_form_also_accepts_this_sites_origin(letter: Letter) -> None:
    Client().post(
        f"/letters/{letter.slug}/endorse/ask/", REQUEST, headers={"Origin": "http://testserver"}
    )
    assert Endorsement.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {},
    ],
)
def test_a_post_from_another_origin_is_refused(letter: Letter, headers: dict[str, str]) -> None:
    response = Client().post(f"/letters/{letter.slug}/endorse/ask/", REQUEST, headers=headers)
    assert response.status_code == 403
    assert not response.cookies
    assert not Endorsement.objects.exists()


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_stored(letter: Letter) -> None:
    response = Client().post(
        f"/letters/{letter.slug}/endorse/ask/",
        {**REQUEST, "homepage": "http://spam.example"},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not Endorsement.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"name": ""}, "This field is required"),
        ({"name": "x" * 10_240}, "at most 200 characters"),
        ({"country": "Pakistan"}, "at most 2 characters"),
        ({"country": "1x"}, "two-letter country code"),
        ({"contact_email": "nobody"}, "valid email"),
        ({"kind": "GUILD"}, "Select a valid choice"),
        ({"signatory": "Ann \u202eSmith"}, "direction controls"),
    ],
)
def test_a_bad_request_through_the_form_is_shown_and_not_stored(
    letter: Letter, overrides: dict[str, str], says: str
) -> None:
    response = Client().post(
        f"/letters/{letter.slug}/endorse/ask/", {**REQUEST, **overrides}, headers=SAME_ORIGIN
    )
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not response.cookies
    assert not Endorsement.objects.exists()


def test_the_form_of_a_draft_is_not_found_even_by_its_authors(world: World) -> None:
    draft = world.letter()
    for client in (Client(), world.client("editor_a")):
        assert client.get(f"/letters/{draft.slug}/endorse/ask/").status_code == 404
        assert (
            client.post(
                f"/letters/{draft.slug}/endorse/ask/", REQUEST, headers=SAME_ORIGIN
            ).status_code
            == 404
        )
    assert not Endorsement.objects.exists()


def test_a_closed_letter_takes_no_request(world: World) -> None:
    closed = world.letter(status=Letter.Status.CLOSED)
    page = Client().get(f"/letters/{closed.slug}/endorse/ask/").content.decode()
    assert "closed" in page
    assert 'name="name"' not in page
    response = Client().post(f"/letters/{closed.slug}/endorse/ask/", REQUEST, headers=SAME_ORIGIN)
    assert response.status_code == 400
    assert not Endorsement.objects.exists()


def test_the_form_speaks_urdu(letter: Letter) -> None:
    response = Client().get(f"/ur/letters/{letter.slug}/endorse/ask/")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


# --- The coordinator's queue ------------------------------------------------------------


def test_the_queue_is_the_coordinators(world: World, letter: Letter) -> None:
    _ask(letter)
    url = f"/letters/{letter.slug}/endorsements/requests/"
    assert Client().get(url).status_code == 302
    for who in ("editor_a", "admin_a", "editor_b", "other_coordinator", "site_admin", "stranger"):
        assert world.client(who).get(url).status_code == 403, who
    page = world.client("coordinator").get(url).content.decode()
    assert REQUEST["name"] in page
    assert REQUEST["contact_email"] in page


def test_the_coordinator_verifies_and_rejects_through_the_queue(
    world: World, letter: Letter
) -> None:
    first = _ask(letter)
    second = _ask(letter, name="Teachers Union Local 3")
    client = world.client("coordinator")
    url = f"/letters/{letter.slug}/endorsements/requests/"
    response = client.post(f"{url}{first.pk}/", {"decision": "verify"}, follow=True)
    assert _messages(response) == [f"Verified: <bdi>{first.name}</bdi> now shows on the letter."]
    response = client.post(f"{url}{second.pk}/", {"decision": "reject"}, follow=True)
    assert _messages(response) == [f"Rejected: <bdi>{second.name}</bdi> will not show."]
    assert dict(Endorsement.objects.values_list("name", "status")) == {
        first.name: Endorsement.Status.VERIFIED,
        second.name: Endorsement.Status.REJECTED,
    }
    assert set(Endorsement.objects.values_list("contact_email", flat=True)) == {""}
    assert REQUEST["name"] not in client.get(url).content.decode()
    # A decided request is no longer in the queue.
    assert client.post(f"{url}{first.pk}/", {"decision": "reject"}).status_code == 404


def test_a_decision_needs_a_known_request_and_a_known_answer(world: World, letter: Letter) -> None:
    request = _ask(letter)
    client = world.client("coordinator")
    url = f"/letters/{letter.slug}/endorsements/requests/"
    assert client.post(f"{url}999999/", {"decision": "verify"}).status_code == 404
    response = client.post(f"{url}{request.pk}/", {"decision": "maybe"}, follow=True)
    assert _messages(response) == ["Choose to verify or to reject the request."]
    other = world.letter(status=Letter.Status.OPEN, title="Another letter")
    assert (
        client.post(
            f"/letters/{other.slug}/endorsements/requests/{request.pk}/", {"decision": "verify"}
        ).status_code
        == 404
    )
    for who in ("editor_a", "site_admin"):
        response = world.client(who).post(f"{url}{request.pk}/", {"decision": "verify"})
        assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == Endorsement.Status.PENDING


def test_the_coordinate_page_counts_the_requests_waiting(world: World, letter: Letter) -> None:
    _ask(letter)
    _ask(letter, name="Teachers Union Local 3")
    client = world.client("coordinator")
    page = client.get(f"/campaigns/{world.campaign.slug}/coordinate/").content.decode()
    assert f"/letters/{letter.slug}/endorsements/requests/" in page
    assert "2 requests wait" in page
    for request in Endorsement.objects.all():
        services.endorsement_decide(
            by=world.users["coordinator"], endorsement=request, verify=True
        )
    page = client.get(f"/campaigns/{world.campaign.slug}/coordinate/").content.decode()
    assert f"/letters/{letter.slug}/endorsements/requests/" not in page


# --- The organisation's public page -----------------------------------------------------


def test_an_endorsement_shows_on_the_organisations_page(
    world: World, letter: Letter, django_capture_on_commit_callbacks: Any
) -> None:
    url = world.b.get_absolute_url()
    assert "For the prisoners" not in Client().get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        endorsement = services.endorsement_add(
            by=world.users["editor_b"], letter=letter, organisation=world.b
        )
    page = Client().get(url)
    assert "For the prisoners" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.endorsement_withdraw(by=world.users["editor_b"], endorsement=endorsement)
    assert "For the prisoners" not in Client().get(url).content.decode()


def test_a_request_from_outside_shows_nowhere_until_verified(world: World, letter: Letter) -> None:
    """A waiting or rejected request is on no organisation's page and in no public list."""
    from habeas.letters.queries.organisers import endorsements_of_organisation

    _ask(letter)
    for organisation in (world.a, world.b, world.c):
        assert not endorsements_of_organisation(organisation)
        assert (
            REQUEST["name"] not in Client().get(organisation.get_absolute_url()).content.decode()
        )
    assert (
        REQUEST["name"]
        not in Client().get(f"/letters/{letter.slug}/endorse/ask/").content.decode()
    )


def test_a_letter_the_organisation_endorsed_stays_on_its_page_once_closed(
    world: World, letter: Letter
) -> None:
    services.endorsement_add(by=world.users["editor_b"], letter=letter, organisation=world.b)
    letter_services.letter_close(by=world.users["editor_a"], letter=letter)
    assert "For the prisoners" in Client().get(world.b.get_absolute_url()).content.decode()

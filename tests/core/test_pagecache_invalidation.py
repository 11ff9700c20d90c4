"""Every kind of public page is kept for visitors and renewed by the service that changes it.

Each case visits a page twice as a visitor (the second visit reads nothing
but the cache's table), makes a change through the service a real user
would use, and visits again: the change shows. The services' on-commit
callbacks are run as their commit would run them
(``django_capture_on_commit_callbacks``); one test commits for real.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from habeas.cases import services as cases
from habeas.cases.models import Person
from habeas.coalition import services as coalition
from habeas.coalition.models import Organisation
from habeas.letters.services import endorsements, signing, tally
from habeas.letters.services import letters as letter_services
from tests.core.pagecache_world import World, make_world, visit
from tests.factories import sign_in
from tests.pages import forget_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> Iterator[World]:
    forget_pages()
    yield make_world()
    forget_pages()


@dataclass(frozen=True)
class Case:
    """A public page, a change made through a service, and the text the change shows."""

    path: Callable[[World], str]
    change: Callable[[World], object]
    shows: str
    # Something to do, unseen by the page, before the first visit.
    before: Callable[[World], object] = lambda world: None


def _reworded(world: World) -> object:
    return coalition.demand_reword(
        by=world.users["editor_a"], demand=world.demand, text="Release every prisoner today"
    )


def _verified(name: str, **fields: Any) -> Callable[[World], object]:
    def change(world: World) -> object:
        return cases.person_verify(by=world.users["doc2"], person=world.person_add(name, **fields))

    return change


def _person_renamed(world: World) -> object:
    cases.person_save(
        by=world.users["doc1"], person=world.person, source=world.source, name="Salaar Fayyaz Ali"
    )
    return cases.person_verify(
        by=world.users["doc2"], person=Person.objects.get(pk=world.person.pk)
    )


def _letter_published(world: World) -> object:
    letter = letter_services.letter_create(
        by=world.users["editor_a"],
        campaign=world.campaign,
        authors=[world.a],
        texts={"en": ("A second appeal to the unions", "Every union", "Stand with them.")},
    )
    return letter_services.letter_publish(by=world.users["editor_a"], letter=letter)


def _signed_and_confirmed(world: World) -> object:
    # Confirmed here, before the first visit: the visits see the name but not yet the
    # count, which the tally's fold (the change) brings.
    return signing.signature_confirm(signature=world.signature_submit("Amina Rahman"))


def _letter_path(suffix: str = "") -> Callable[[World], str]:
    return lambda world: f"/letters/{world.letter.slug}/{suffix}"


CASES = {
    "home": Case(
        path=lambda world: "/",
        change=lambda world: coalition.demand_propose(
            by=world.users["editor_b"],
            campaign=world.campaign,
            organisation=world.b,
            text="Free every student now",
        ),
        shows="Free every student now",
    ),
    "campaign": Case(
        path=lambda world: f"/campaigns/{world.campaign.slug}/",
        change=lambda world: coalition.statement_publish(
            by=world.users["editor_b"],
            campaign=world.campaign,
            organisation=world.b,
            title="Students stand with the prisoners",
            body="We will be there.",
        ),
        shows="Students stand with the prisoners",
    ),
    "campaign history": Case(
        path=lambda world: f"/campaigns/{world.campaign.slug}/history/",
        change=_reworded,
        shows="Release every prisoner today",
    ),
    "organisation directory": Case(
        path=lambda world: "/organisations/",
        change=lambda world: coalition.organisation_create(
            by=world.users["site_admin"], name="Lawyers Collective", kind=Organisation.Kind.NGO
        ),
        shows="Lawyers Collective",
    ),
    "organisation page": Case(
        path=lambda world: f"/organisations/{world.a.slug}/",
        change=lambda world: coalition.organisation_update(
            organisation=world.a,
            by=world.users["editor_a"],
            short_name="WU",
            kind=Organisation.Kind.UNION,
            country="GB",
            description="We organise the docks of Karachi.",
        ),
        shows="We organise the docks of Karachi.",
    ),
    "correspondence list": Case(
        path=lambda world: "/correspondence/",
        change=lambda world: coalition.correspondence_publish(
            by=world.users["editor_b"],
            organisation=world.b,
            to_campaign=world.campaign,
            subject="A proposal for a day of action",
            body="Let us march together.",
        ),
        shows="A proposal for a day of action",
    ),
    "letter of correspondence": Case(
        path=lambda world: f"/correspondence/{world.correspondence.pk}/",
        change=lambda world: coalition.correspondence_correct(
            by=world.users["editor_a"],
            correspondence=world.correspondence,
            body="The meeting is on Friday, not Thursday.",
        ),
        shows="The meeting is on Friday, not Thursday.",
    ),
    "register": Case(
        path=lambda world: "/register/",
        change=_verified("Asif Sakhi"),
        shows="Asif Sakhi",
    ),
    "person page": Case(
        path=lambda world: f"/register/{world.person.slug}/",
        change=_person_renamed,
        shows="Salaar Fayyaz Ali",
    ),
    "person history": Case(
        path=lambda world: f"/register/{world.person.slug}/history/",
        change=_person_renamed,
        shows="Version 2",
    ),
    "statistics": Case(
        path=lambda world: "/register/statistics/",
        change=_verified("Asif Sakhi", home_region="Hunza"),
        shows="Hunza",
    ),
    "letters list": Case(
        path=lambda world: "/letters/",
        change=_letter_published,
        shows="A second appeal to the unions",
    ),
    "letter page": Case(
        path=_letter_path(),
        before=_signed_and_confirmed,
        change=lambda world: tally.tally_fold(),
        shows="and 1 person.",
    ),
    "signatories": Case(
        path=_letter_path("signatories/"),
        before=lambda world: world.signature_submit("Amina Rahman"),
        change=lambda world: signing.signature_confirm(
            signature=world.letter.signatures.get(name="Amina Rahman")
        ),
        shows="Amina Rahman",
    ),
    "endorsements": Case(
        path=_letter_path("endorsements/"),
        change=lambda world: endorsements.endorsement_add(
            by=world.users["editor_b"], letter=world.letter, organisation=world.b
        ),
        shows="Students Front",
    ),
    "count.json": Case(
        path=_letter_path("count.json"),
        before=_signed_and_confirmed,
        change=lambda world: tally.tally_fold(),
        shows='"total": 1,',
    ),
    "badge.svg": Case(
        path=_letter_path("badge.svg"),
        before=_signed_and_confirmed,
        change=lambda world: tally.tally_fold(),
        shows="signatures: 1<",
    ),
    "sign page": Case(
        path=_letter_path("sign/"),
        change=lambda world: letter_services.letter_close(
            by=world.users["editor_a"], letter=world.letter
        ),
        shows="This letter is not open for signing.",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_a_visitor_gets_the_kept_page_until_a_service_changes_it(
    world: World, name: str, django_capture_on_commit_callbacks: Any
) -> None:
    """A page is rendered once and then served from the cache without a query on any
    other table; a change made through its service shows on the very next visit."""
    case = CASES[name]
    with django_capture_on_commit_callbacks(execute=True):
        case.before(world)
    path = case.path(world)
    kept = visit(path)
    assert case.shows not in kept
    with django_capture_on_commit_callbacks(execute=True):
        case.change(world)
    renewed = visit(path)
    assert case.shows in renewed


@pytest.mark.parametrize("name", CASES)
def test_a_signed_in_user_never_gets_a_kept_page(world: World, name: str) -> None:
    """A signed-in user's page is rendered for them, never served from or stored in the
    cache, and no browser or proxy may keep it."""
    path = CASES[name].path(world)
    visit(path)
    response = sign_in(Client(), world.users["stranger"]).get(path)
    assert response.status_code == 200
    assert "ETag" not in response
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_an_organisers_extras_are_never_served_to_a_visitor(world: World) -> None:
    """The campaign page a signed-in editor sees, with its links to act, is not the one
    kept for visitors, before or after the editor's visit."""
    path = f"/campaigns/{world.campaign.slug}/"
    kept = visit(path)
    assert "Propose a demand" not in kept
    editor = sign_in(Client(), world.users["editor_a"]).get(path).content.decode()
    assert "Propose a demand" in editor
    assert visit(path) == kept


@pytest.mark.django_db(transaction=True)
def test_a_committed_publication_renews_the_page_with_no_help_from_the_test() -> None:
    """With real commits (no test transaction around them), the publication's own commit
    renews the kept page."""
    forget_pages()
    try:
        world = make_world()
        kept = visit("/correspondence/")
        assert "A proposal for a day of action" not in kept
        coalition.correspondence_publish(
            by=world.users["editor_b"],
            organisation=world.b,
            to_campaign=world.campaign,
            subject="A proposal for a day of action",
            body="Let us march together.",
        )
        assert "A proposal for a day of action" in visit("/correspondence/")
    finally:
        forget_pages()

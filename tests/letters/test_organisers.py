"""Organisers write, edit, publish and close open letters: only the authors' own editors.

Every page and service is tried by the anonymous visitor, by people with
other roles (another organisation's editor and admin, the campaign's
coordinator, a site admin: the anti-censorship rule) and by the right one.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from habeas.coalition.models import Campaign, CampaignMembership
from habeas.letters.access import access_letter_for_reader
from habeas.letters.models import Letter, LetterText
from habeas.letters.services import letters as letter_services
from habeas.letters.services.letters import reserved_slugs
from tests.letters.organisers_world import ENGLISH, OUTSIDERS, World, make_world

pytestmark = pytest.mark.django_db

RLO = "\u202e"


@pytest.fixture
def world() -> World:
    return make_world()


def _create(world: World, **overrides: Any) -> Letter:
    arguments: dict[str, Any] = {
        "by": world.users["editor_a"],
        "campaign": world.campaign,
        "authors": [world.a],
        "texts": {"en": ENGLISH},
        **overrides,
    }
    return letter_services.letter_create(**arguments)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Services --------------------------------------------------------------------


def test_an_editor_drafts_a_letter_for_their_organisation(world: World) -> None:
    """The draft has its authors, an address from its English title and its body rendered."""
    opens = timezone.now() + datetime.timedelta(days=1)
    letter = _create(
        world,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=30),
        goal=1000,
        texts={"en": ENGLISH, "ur": ("قیدیوں کے لیے", "حکومت", "انہیں رہا کرو")},
    )
    assert letter.status == Letter.Status.DRAFT
    assert letter.slug == "for-the-prisoners"
    assert list(letter.authors.all()) == [world.a]
    assert letter.created_by == world.users["editor_a"]
    assert letter.goal == 1000
    english = LetterText.objects.get(letter=letter, language="en")
    assert english.body_html == "<p>Free them <em>now</em>.</p>"
    assert LetterText.objects.get(letter=letter, language="ur").title == "قیدیوں کے لیے"


@pytest.mark.parametrize("who", [*OUTSIDERS, "editor_c"])
def test_nobody_but_its_editors_writes_in_an_organisations_name(world: World, who: str) -> None:
    """Another organisation's editor or admin, a coordinator, a site admin: refused."""
    with pytest.raises(PermissionDenied):
        _create(world, by=world.users[who])
    assert not Letter.objects.exists()


def test_an_author_must_be_an_active_member_of_the_campaign(world: World) -> None:
    with pytest.raises(ValidationError, match="not a member"):
        _create(world, by=world.users["editor_c"], authors=[world.c])
    CampaignMembership.objects.filter(organisation=world.a).update(
        status=CampaignMembership.Status.LEFT
    )
    with pytest.raises(ValidationError, match="has left"):
        _create(world)
    assert not Letter.objects.exists()


def test_an_author_needs_each_of_its_organisations(world: World) -> None:
    """An editor of A cannot add B as co-author; with no author at all it is refused too."""
    with pytest.raises(PermissionDenied):
        _create(world, authors=[world.a, world.b])
    with pytest.raises(ValidationError, match="at least one"):
        _create(world, authors=[])


NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"texts": {"en": ("", ENGLISH[1], ENGLISH[2])}}, "title_en"),
        ({"texts": {"en": ("\u200b\u200b", ENGLISH[1], ENGLISH[2])}}, "title_en"),
        ({"texts": {"en": (ENGLISH[0], "", ENGLISH[2])}}, "addressees_en"),
        ({"texts": {"en": (ENGLISH[0], ENGLISH[1], "  ")}}, "body_en"),
        ({"texts": {"ur": ENGLISH}}, "title_en"),
        ({"texts": {"en": ("x" * 10_240, ENGLISH[1], ENGLISH[2])}}, "title_en"),
        ({"texts": {"en": (ENGLISH[0], ENGLISH[1], "x" * 50_001)}}, "body_en"),
        ({"texts": {"en": (f"Free {RLO}ahtsiaw", ENGLISH[1], ENGLISH[2])}}, "title_en"),
        ({"texts": {"en": ENGLISH, "ur": ("عنوان", "", "")}}, "body_ur"),
        ({"texts": {"en": ENGLISH, "ur": (f"{RLO}x", "", "متن")}}, "title_ur"),
        ({"opens_at": NOW, "closes_at": NOW - datetime.timedelta(days=1)}, "closes_at"),
        ({"opens_at": NOW, "closes_at": NOW}, "closes_at"),
        ({"goal": 0}, "goal"),
        ({"goal": -5}, "goal"),
        ({"goal": 10**12}, "goal"),
    ],
)
def test_bad_input_is_refused_with_a_message_for_its_field(
    world: World, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        _create(world, **overrides)
    assert field in raised.value.message_dict
    assert not Letter.objects.exists()


def test_a_letter_in_an_unknown_language_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="English"):
        _create(world, texts={"en": ENGLISH, "fr": ENGLISH})


@pytest.mark.parametrize("title", ["2025", "123 456", "Write", "Mine", "Sign", "Confirm"])
def test_an_address_is_never_all_digits_nor_a_fixed_word(world: World, title: str) -> None:
    """/letters/<number>/ leads to correspondence and /letters/write/ is a page, so a letter
    titled so gets another address."""
    slug = _create(world, texts={"en": (title, ENGLISH[1], ENGLISH[2])}).slug
    assert not slug.replace("-", "").isdigit()
    assert slug not in reserved_slugs()
    assert slug.startswith("letter-")


def test_every_fixed_word_of_the_letters_urls_is_reserved() -> None:
    assert {"write", "mine", "sign", "signed", "confirm", "signature"} <= reserved_slugs()


def test_two_letters_of_one_title_get_two_addresses(world: World) -> None:
    assert [_create(world).slug, _create(world).slug] == [
        "for-the-prisoners",
        "for-the-prisoners-2",
    ]


def test_an_urdu_only_title_is_impossible_but_a_non_latin_english_one_gets_an_address(
    world: World,
) -> None:
    """English is required; an English text whose title has no Latin letters still works."""
    slug = _create(world, texts={"en": ("آزادی", ENGLISH[1], ENGLISH[2])}).slug
    assert slug == "letter"


def test_a_draft_is_edited_and_a_translation_removed(world: World) -> None:
    letter = _create(world, texts={"en": ENGLISH, "ur": ("عنوان", "", "متن")})
    letter_services.letter_update(
        by=world.users["admin_a"],
        letter=letter,
        texts={"en": ("New title", "The Prime Minister", "New **words**")},
        goal=50,
    )
    assert list(LetterText.objects.filter(letter=letter).values_list("language", flat=True)) == [
        "en"
    ]
    text = LetterText.objects.get(letter=letter)
    assert (text.title, text.body_html) == ("New title", "<p>New <strong>words</strong></p>")
    letter.refresh_from_db()
    assert letter.goal == 50
    assert letter.slug == "for-the-prisoners"  # an address, once given, stays


@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_else_edits_publishes_or_closes_a_letter(world: World, who: str) -> None:
    draft = world.letter()
    user = world.users[who]
    with pytest.raises(PermissionDenied):
        letter_services.letter_update(by=user, letter=draft, texts={"en": ("Hijacked", "x", "y")})
    with pytest.raises(PermissionDenied):
        letter_services.letter_publish(by=user, letter=draft)
    open_letter = world.letter(status=Letter.Status.OPEN, title="Another")
    with pytest.raises(PermissionDenied):
        letter_services.letter_close(by=user, letter=open_letter)
    draft.refresh_from_db()
    open_letter.refresh_from_db()
    assert (draft.status, open_letter.status) == (Letter.Status.DRAFT, Letter.Status.OPEN)
    assert LetterText.objects.get(letter=draft).title == ENGLISH[0]


def test_publishing_opens_the_letter_for_signing(world: World) -> None:
    letter = letter_services.letter_publish(by=world.users["admin_a"], letter=world.letter())
    assert letter.status == Letter.Status.OPEN
    assert letter.published_by == world.users["admin_a"]
    assert letter.published_at is not None
    assert letter.opens_at == letter.published_at


def test_a_later_opening_is_kept_when_published(world: World) -> None:
    later = timezone.now() + datetime.timedelta(days=3)
    letter = _create(world, opens_at=later)
    assert (
        letter_services.letter_publish(by=world.users["editor_a"], letter=letter).opens_at == later
    )


def test_a_letter_is_published_once(world: World) -> None:
    letter = world.letter(status=Letter.Status.OPEN)
    with pytest.raises(ValidationError, match="already published"):
        letter_services.letter_publish(by=world.users["editor_a"], letter=letter)


def test_a_published_letter_is_never_edited(world: World) -> None:
    letter = world.letter(status=Letter.Status.OPEN)
    with pytest.raises(ValidationError, match="cannot be changed"):
        letter_services.letter_update(
            by=world.users["editor_a"], letter=letter, texts={"en": ("Changed", "x", "y")}
        )
    assert LetterText.objects.get(letter=letter).title == ENGLISH[0]


def test_a_draft_campaign_cannot_have_a_published_letter(world: World) -> None:
    letter = world.letter()
    Campaign.objects.filter(pk=world.campaign.pk).update(status=Campaign.Status.DRAFT)
    with pytest.raises(ValidationError, match="campaign is still a draft"):
        letter_services.letter_publish(by=world.users["editor_a"], letter=letter)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT


def test_a_letter_whose_closing_passed_or_whose_author_left_is_not_published(
    world: World,
) -> None:
    past = timezone.now() - datetime.timedelta(days=1)
    letter = _create(world, opens_at=past - datetime.timedelta(days=1), closes_at=past)
    with pytest.raises(ValidationError, match="closing time has passed"):
        letter_services.letter_publish(by=world.users["editor_a"], letter=letter)
    fresh = world.letter(title="Fresh")
    CampaignMembership.objects.filter(organisation=world.a).update(
        status=CampaignMembership.Status.LEFT
    )
    with pytest.raises(ValidationError, match="has left"):
        letter_services.letter_publish(by=world.users["editor_a"], letter=fresh)
    assert set(Letter.objects.values_list("status", flat=True)) == {Letter.Status.DRAFT}


def test_closing_an_open_letter(world: World) -> None:
    letter = world.letter(status=Letter.Status.OPEN)
    closed = letter_services.letter_close(by=world.users["editor_a"], letter=letter)
    assert closed.status == Letter.Status.CLOSED
    assert closed.closed_by == world.users["editor_a"]
    assert closed.closed_at is not None
    with pytest.raises(ValidationError, match="already closed"):
        letter_services.letter_close(by=world.users["editor_a"], letter=closed)
    with pytest.raises(ValidationError, match="already published"):
        letter_services.letter_publish(by=world.users["editor_a"], letter=closed)


def test_a_draft_cannot_be_closed(world: World) -> None:
    letter = world.letter()
    with pytest.raises(ValidationError, match="draft"):
        letter_services.letter_close(by=world.users["editor_a"], letter=letter)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT


@pytest.mark.parametrize("who", ["anonymous", *OUTSIDERS])
def test_a_draft_is_unknown_to_everyone_but_its_editors(world: World, who: str) -> None:
    """On its public address a draft is the same 404 as no letter at all."""
    letter = world.letter()
    user = AnonymousUser() if who == "anonymous" else world.users[who]
    with pytest.raises(Http404):
        access_letter_for_reader(user, letter.slug)
    assert access_letter_for_reader(world.users["editor_a"], letter.slug) == letter
    letter_services.letter_publish(by=world.users["editor_a"], letter=letter)
    assert access_letter_for_reader(user, letter.slug) == letter


# --- Pages -----------------------------------------------------------------------

PAGES = ["write/", "mine/", "{slug}/edit/", "{slug}/publish/", "{slug}/close/"]


@pytest.mark.parametrize("page", PAGES)
def test_the_organiser_pages_ask_a_visitor_to_sign_in(world: World, page: str) -> None:
    url = "/letters/" + page.format(slug=world.letter().slug)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["stranger", "coordinator", "site_admin"])
def test_only_an_organisations_editor_may_write(world: World, who: str) -> None:
    """Who edits for no organisation is told which role writing needs, with no form;
    a post answers 400 and saves nothing."""
    page = world.client(who).get("/letters/write/")
    assert page.status_code == 200
    assert "Only an editor or admin of an organisation" in page.content.decode()
    assert "Save the draft" not in page.content.decode()
    before = Letter.objects.count()
    assert world.client(who).post("/letters/write/", _form(world)).status_code == 400
    assert Letter.objects.count() == before


def _form(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "campaign": world.campaign.pk,
        "authors": [world.a.pk],
        "title_en": "Free all political prisoners",
        "addressees_en": "The Prime Minister",
        "body_en": "We demand their freedom.",
        "goal": "500",
        **overrides,
    }


def test_writing_a_letter_through_the_page(world: World) -> None:
    client = world.client("editor_a")
    page = client.get("/letters/write/").content.decode()
    assert world.a.name in page
    assert world.b.name not in page  # not theirs to write for
    response = client.post("/letters/write/", _form(world), follow=True)
    letter = Letter.objects.get()
    assert response.redirect_chain[-1] == (f"/letters/{letter.slug}/edit/", 302)
    assert "Draft saved" in _messages(response)[0]
    assert letter.status == Letter.Status.DRAFT
    assert letter.goal == 500


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"title_en": ""}, "This field is required"),
        ({"body_en": ""}, "This field is required"),
        ({"title_en": "x" * 10_240}, "at most 200 characters"),
        ({"title_en": f"Free {RLO}ahtsiaw"}, "direction controls"),
        ({"opens_at": "2026-05-01T10:00", "closes_at": "2026-04-01T10:00"}, "close after"),
        ({"goal": "0"}, "greater than or equal to 1"),
        ({"goal": "many"}, "whole number"),
        ({"authors": []}, "This field is required"),
        ({"campaign": ""}, "This field is required"),
        ({"title_ur": "عنوان"}, "This field is required"),
    ],
)
def test_bad_input_on_the_page_is_shown_and_nothing_is_stored(
    world: World, overrides: dict[str, Any], says: str
) -> None:
    response = world.client("editor_a").post("/letters/write/", _form(world, **overrides))
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not Letter.objects.exists()


def test_the_page_refuses_authors_and_campaigns_that_are_not_the_users(world: World) -> None:
    client = world.client("editor_a")
    for overrides in ({"authors": [world.b.pk]}, {"campaign": world.other_campaign.pk}):
        response = client.post("/letters/write/", _form(world, **overrides))
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    assert not Letter.objects.exists()


def test_editing_a_draft_through_the_page(world: World) -> None:
    letter = world.letter()
    client = world.client("admin_a")
    page = client.get(f"/letters/{letter.slug}/edit/").content.decode()
    assert ENGLISH[0] in page
    response = client.post(
        f"/letters/{letter.slug}/edit/",
        {"title_en": "Better title", "addressees_en": "All", "body_en": "Text."},
        follow=True,
    )
    assert _messages(response) == ["Draft saved."]
    assert LetterText.objects.get(letter=letter).title == "Better title"


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("action", ["edit", "publish", "close"])
def test_a_draft_is_not_found_by_anyone_else(world: World, who: str, action: str) -> None:
    """Another organisation's editor or admin, the coordinator, a site admin: 404, as if the
    draft did not exist, on GET and on POST; nothing changes."""
    letter = world.letter()
    client = world.client(who)
    assert client.get(f"/letters/{letter.slug}/{action}/").status_code == 404
    assert client.post(f"/letters/{letter.slug}/{action}/", {"title_en": "x"}).status_code == 404
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("action", ["edit", "publish", "close"])
def test_a_published_letter_is_forbidden_to_anyone_else(
    world: World, who: str, action: str
) -> None:
    letter = world.letter(status=Letter.Status.OPEN)
    client = world.client(who)
    assert client.get(f"/letters/{letter.slug}/{action}/").status_code == 403
    assert client.post(f"/letters/{letter.slug}/{action}/").status_code == 403
    letter.refresh_from_db()
    assert letter.status == Letter.Status.OPEN


def test_the_edit_page_of_a_published_letter_says_it_cannot_change(world: World) -> None:
    letter = world.letter(status=Letter.Status.OPEN)
    response = world.client("editor_a").post(
        f"/letters/{letter.slug}/edit/",
        {"title_en": "Changed", "addressees_en": "x", "body_en": "y"},
        follow=True,
    )
    assert response.redirect_chain[-1] == ("/letters/mine/", 302)
    assert "cannot be changed" in _messages(response)[0]
    assert LetterText.objects.get(letter=letter).title == ENGLISH[0]


def test_publishing_and_closing_through_the_pages(world: World) -> None:
    letter = world.letter()
    client = world.client("editor_a")
    confirm = client.get(f"/letters/{letter.slug}/publish/")
    assert confirm.status_code == 200
    assert "Publish this letter?" in confirm.content.decode()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT  # a GET changes nothing
    response = client.post(f"/letters/{letter.slug}/publish/", follow=True)
    assert _messages(response) == ["Published: the letter is open for signing."]
    again = client.post(f"/letters/{letter.slug}/publish/", follow=True)
    assert _messages(again) == ["This letter is already published."]
    assert "Close this letter?" in client.get(f"/letters/{letter.slug}/close/").content.decode()
    closed = client.post(f"/letters/{letter.slug}/close/", follow=True)
    assert _messages(closed) == ["Closed: the letter takes no more signatures."]
    letter.refresh_from_db()
    assert letter.status == Letter.Status.CLOSED


def test_closing_a_draft_through_the_page_says_why_not(world: World) -> None:
    letter = world.letter()
    response = world.client("editor_a").post(f"/letters/{letter.slug}/close/", follow=True)
    assert _messages(response) == ["A draft is not open, so it cannot be closed."]
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT


def test_publishing_in_a_draft_campaign_through_the_page_says_why_not(world: World) -> None:
    letter = world.letter()
    Campaign.objects.filter(pk=world.campaign.pk).update(status=Campaign.Status.DRAFT)
    response = world.client("editor_a").post(f"/letters/{letter.slug}/publish/", follow=True)
    assert "campaign is still a draft" in _messages(response)[0]


def test_my_letters_lists_my_organisations_letters_with_drafts(world: World) -> None:
    draft = world.letter(title="Our draft")
    published = world.letter(status=Letter.Status.OPEN, title="Our open letter")
    page = world.client("editor_a").get("/letters/mine/").content.decode()
    assert "Our draft" in page
    assert "Our open letter" in page
    assert f"/letters/{draft.slug}/edit/" in page
    assert f"/letters/{draft.slug}/publish/" in page
    assert f"/letters/{published.slug}/close/" in page
    assert f"/letters/{published.slug}/edit/" not in page
    for who in ("editor_b", "coordinator", "site_admin"):
        other = world.client(who).get("/letters/mine/").content.decode()
        assert "Our draft" not in other
        assert "Our open letter" not in other


def test_my_letters_pages_a_long_list(world: World) -> None:
    for n in range(52):
        world.letter(title=f"Letter number {n}")
    client = world.client("editor_a")
    first = client.get("/letters/mine/").content.decode()
    assert first.count("/edit/") == 50
    assert "Page 1 of 2" in first
    assert client.get("/letters/mine/?letters=2").content.decode().count("/edit/") == 2


def test_the_pages_speak_urdu(world: World) -> None:
    letter = world.letter()
    client = world.client("editor_a")
    assert client.get("/ur/letters/mine/").status_code == 200
    assert client.get(f"/ur/letters/{letter.slug}/edit/").status_code == 200
    assert client.get("/ur/letters/write/").status_code == 200


def test_the_roles_page_links_editors_to_their_letters(world: World) -> None:
    for who in ("editor_a", "admin_b"):
        assert "/letters/mine/" in world.client(who).get("/accounts/").content.decode()
    for who in ("coordinator", "site_admin", "stranger"):
        assert "/letters/mine/" not in world.client(who).get("/accounts/").content.decode()

"""Urdu versions of a campaign's title and summary and of statements, and honest fallbacks.

A text with no Urdu version is shown on Urdu pages in English, marked as English
(``lang="en" dir="ltr"`` and a visible note), never passed off as Urdu.
"""

# ruff: noqa: RUF001 — Urdu text: its letters and full stop are not look-alikes here.
from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from habeas.coalition import services
from habeas.coalition.models import Campaign, HiddenNotice, Statement, StatementVersion
from habeas.coalition.queries import campaign_history
from tests.coalition.test_united_front import Front, make_front
from tests.factories import OrganisationFactory
from tests.pages import forget_pages

pytestmark = pytest.mark.django_db

TITLE_UR = "سیاسی قیدیوں کو رہا کرو"
SUMMARY_UR = "ہم سب سیاسی قیدیوں کی رہائی کا مطالبہ کرتے ہیں۔"
STATEMENT_TITLE_UR = "ہمارا موقف"
STATEMENT_BODY_UR = "ہم قیدیوں کے ساتھ کھڑے ہیں۔"
RLO = "\u202e"
LONG_WORD = "ب" * 300


@pytest.fixture
def front() -> Front:
    return make_front()


def _in_urdu(message: str) -> str:
    with translation.override("ur"):
        return translation.gettext(message)


ENGLISH_NOTE = "In English: no Urdu version yet."
URDU_NOTE = "In Urdu: no English version yet."


def _settings(front: Front, **changes: Any) -> Campaign:
    fields = {
        "title": front.campaign.title,
        "summary": front.campaign.summary,
        "title_ur": front.campaign.title_ur,
        "summary_ur": front.campaign.summary_ur,
        "start_on": front.campaign.start_on,
        "quorum": front.campaign.quorum,
        "status": front.campaign.status,
        **changes,
    }
    return services.campaign_update(
        by=front.users["coordinator"], campaign=front.campaign, **fields
    )


def _page(path: str) -> str:
    return Client().get(path).content.decode()


def _snapshot(campaign: Campaign) -> tuple[Any, ...]:
    campaign.refresh_from_db()
    return (campaign.title, campaign.title_ur, campaign.summary, campaign.summary_ur)


# --- Campaign: services ---------------------------------------------------------


def test_a_campaign_starts_with_an_urdu_title_and_summary(front: Front) -> None:
    """The campaign's first admin may give its title and summary in Urdu too, trimmed."""
    campaign = services.campaign_create(
        by=front.users["admin_a"],
        organisation=front.a,
        title="Free them all",
        summary="They are in jail.",
        title_ur=f"  {TITLE_UR}  ",
        summary_ur=f"\n{SUMMARY_UR}\n",
    )
    campaign.refresh_from_db()
    assert (campaign.title_ur, campaign.summary_ur) == (TITLE_UR, SUMMARY_UR)


def test_a_coordinator_sets_the_urdu_title_and_summary(front: Front) -> None:
    """Campaign settings save the Urdu title and summary; whitespace alone is no summary."""
    _settings(front, title_ur=TITLE_UR, summary_ur=SUMMARY_UR)
    front.campaign.refresh_from_db()
    assert front.campaign.title_ur == TITLE_UR
    assert front.campaign.summary_ur == SUMMARY_UR
    _settings(front, summary_ur=" \u200b\n ")
    front.campaign.refresh_from_db()
    assert front.campaign.summary_ur == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"summary_ur": "ا" * 5001}, "summary_ur"),
        ({"title_ur": "ا" * 201}, "title_ur"),
        ({"title_ur": f"{RLO}{TITLE_UR}"}, "title_ur"),
    ],
)
def test_bad_urdu_campaign_texts_are_refused_and_change_nothing(
    front: Front, changes: dict[str, str], field: str
) -> None:
    """A too long Urdu text, or an Urdu title with a direction override, is refused,
    keyed to its field, and nothing changes (the English with it neither)."""
    _settings(front, title_ur=TITLE_UR, summary_ur=SUMMARY_UR)
    before = _snapshot(front.campaign)
    with pytest.raises(ValidationError) as refused:
        _settings(front, summary="A new English summary", **changes)
    assert field in refused.value.message_dict
    assert _snapshot(front.campaign) == before


def test_a_long_unbroken_urdu_word_is_accepted_and_shown(front: Front) -> None:
    """A 300-letter word with no space is a text like any other, not an error."""
    _settings(front, summary_ur=LONG_WORD)
    assert LONG_WORD in _page("/ur/campaigns/free-them/")


def test_only_a_coordinator_sets_the_urdu_summary(front: Front) -> None:
    """An organisation's editor or admin, even a member's, cannot set the campaign's Urdu."""
    for name in ("editor_a", "admin_a", "editor_b"):
        with pytest.raises(PermissionDenied):
            services.campaign_update(
                by=front.users[name],
                campaign=front.campaign,
                title=front.campaign.title,
                summary_ur=SUMMARY_UR,
                status=front.campaign.status,
            )
    front.campaign.refresh_from_db()
    assert front.campaign.summary_ur == ""


# --- Campaign: forms and pages --------------------------------------------------


def test_the_settings_form_edits_the_urdu_in_right_to_left_fields(front: Front) -> None:
    """The settings page offers the Urdu title and summary as Urdu, right-to-left inputs,
    and saves them."""
    client = front.client("coordinator")
    page = client.get("/campaigns/free-them/coordinate/settings/").content.decode()
    assert 'name="title_ur"' in page
    assert 'name="summary_ur"' in page
    for name in ("title_ur", "summary_ur"):
        tag = page[page.rindex("<", 0, page.index(f'name="{name}"')) :]
        tag = tag[: tag.index(">")]
        assert 'lang="ur"' in tag
        assert 'dir="rtl"' in tag
    response = client.post(
        "/campaigns/free-them/coordinate/settings/",
        {"title": "Free them", "status": "ACTIVE", "title_ur": TITLE_UR, "summary_ur": SUMMARY_UR},
    )
    assert response.status_code == 302
    front.campaign.refresh_from_db()
    assert (front.campaign.title_ur, front.campaign.summary_ur) == (TITLE_UR, SUMMARY_UR)


def test_the_settings_form_refuses_a_too_long_urdu_summary(front: Front) -> None:
    response = front.client("coordinator").post(
        "/campaigns/free-them/coordinate/settings/",
        {"title": "Free them", "status": "ACTIVE", "summary_ur": "ا" * 5001},
    )
    assert response.status_code == 400
    front.campaign.refresh_from_db()
    assert front.campaign.summary_ur == ""


def test_the_start_form_takes_the_urdu_title_and_summary(front: Front) -> None:
    client = front.client("admin_a")
    page = client.get("/campaigns/new/").content.decode()
    assert 'name="summary_ur"' in page
    response = client.post(
        "/campaigns/new/",
        {
            "organisation": front.a.pk,
            "title": "Another campaign",
            "status": "ACTIVE",
            "title_ur": TITLE_UR,
            "summary_ur": SUMMARY_UR,
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(title="Another campaign")
    assert (campaign.title_ur, campaign.summary_ur) == (TITLE_UR, SUMMARY_UR)


def test_an_urdu_page_shows_the_urdu_summary_and_title(front: Front) -> None:
    _settings(front, summary="We want them free.", title_ur=TITLE_UR, summary_ur=SUMMARY_UR)
    page = _page("/ur/campaigns/free-them/")
    assert f'<div lang="ur" dir="rtl">{SUMMARY_UR}</div>' in page
    assert f'<h1><span lang="ur" dir="rtl">{TITLE_UR}</span></h1>' in page
    assert "We want them free." not in page
    assert _in_urdu(ENGLISH_NOTE) not in page
    english = _page("/campaigns/free-them/")
    assert '<div lang="en" dir="ltr">We want them free.</div>' in english
    assert SUMMARY_UR not in english


def test_an_urdu_page_shows_a_missing_urdu_summary_in_english_marked(front: Front) -> None:
    """No Urdu summary: the English is shown as English, with a visible note in Urdu;
    the title without an Urdu version is marked English too."""
    _settings(front, summary="We want them free.")
    page = _page("/ur/campaigns/free-them/")
    assert '<div lang="en" dir="ltr">We want them free.</div>' in page
    assert _in_urdu(ENGLISH_NOTE) in page
    assert _in_urdu(ENGLISH_NOTE) != ENGLISH_NOTE
    assert '<h1><span lang="en" dir="ltr">Free them</span></h1>' in page


def test_an_english_page_shows_an_urdu_only_summary_marked(front: Front) -> None:
    """A summary written only in Urdu is shown to English readers as Urdu, said to be."""
    _settings(front, summary="", summary_ur=SUMMARY_UR)
    page = _page("/campaigns/free-them/")
    assert f'<div lang="ur" dir="rtl">{SUMMARY_UR}</div>' in page
    assert URDU_NOTE in page


def test_direction_overrides_in_the_urdu_summary_are_removed_on_display(front: Front) -> None:
    _settings(front, summary_ur=f"{SUMMARY_UR}{RLO}abc")
    page = _page("/ur/campaigns/free-them/")
    assert RLO not in page
    assert f"{SUMMARY_UR}abc" in page


def test_other_public_pages_name_the_campaign_in_urdu(front: Front) -> None:
    """The organisation page and the history name the campaign by its Urdu title."""
    _settings(front, title_ur=TITLE_UR)
    assert f'<span lang="ur" dir="rtl">{TITLE_UR}</span>' in _page("/ur/organisations/org-a/")
    assert f'<span lang="ur" dir="rtl">{TITLE_UR}</span>' in _page(
        "/ur/campaigns/free-them/history/"
    )
    assert TITLE_UR not in _page("/organisations/org-a/")


# --- Statements: services -------------------------------------------------------


def _publish(front: Front, **texts: str) -> Statement:
    fields = {"title": "Our view", "body": "We stand with the prisoners.", **texts}
    return services.statement_publish(
        by=front.users["editor_a"], campaign=front.campaign, organisation=front.a, **fields
    )


def _edit(front: Front, statement: Statement, user: str = "editor_a", **texts: str) -> Statement:
    fields = {
        "title": statement.title,
        "body": statement.body,
        "title_ur": statement.title_ur,
        "body_ur": statement.body_ur,
        **texts,
    }
    return services.statement_edit(by=front.users[user], statement=statement, **fields)


def _statement_row(statement: Statement) -> tuple[Any, ...]:
    statement.refresh_from_db()
    return (
        statement.version,
        statement.title,
        statement.body,
        statement.title_ur,
        statement.body_ur,
        statement.body_ur_html,
        statement.versions.count(),
    )


def test_a_statement_is_published_with_its_urdu_version(front: Front) -> None:
    statement = _publish(front, title_ur=STATEMENT_TITLE_UR, body_ur=f"*{STATEMENT_BODY_UR}*")
    statement.refresh_from_db()
    assert statement.title_ur == STATEMENT_TITLE_UR
    assert statement.body_ur_html == f"<p><em>{STATEMENT_BODY_UR}</em></p>"
    version = statement.versions.get()
    assert (version.title_ur, version.body_ur) == (STATEMENT_TITLE_UR, f"*{STATEMENT_BODY_UR}*")


def test_a_change_to_the_urdu_alone_is_a_new_version(front: Front) -> None:
    statement = _publish(front)
    statement = _edit(front, statement, body_ur=STATEMENT_BODY_UR)
    assert statement.version == 2
    assert [v.body_ur for v in statement.versions.order_by("number")] == ["", STATEMENT_BODY_UR]
    statement = _edit(front, statement, title_ur=STATEMENT_TITLE_UR)
    assert statement.version == 3


def test_an_edit_that_changes_nothing_writes_nothing(front: Front) -> None:
    statement = _publish(front, title_ur=STATEMENT_TITLE_UR, body_ur=STATEMENT_BODY_UR)
    before = _statement_row(statement)
    _edit(front, statement, body_ur=f"  {STATEMENT_BODY_UR}\n")
    assert _statement_row(statement) == before


@pytest.mark.parametrize(
    ("texts", "field"),
    [
        ({"body_ur": "ا" * 20_001}, "body_ur"),
        ({"title_ur": "ا" * 201}, "title_ur"),
        ({"title_ur": f"{RLO}{STATEMENT_TITLE_UR}"}, "title_ur"),
        ({"body": " \u200b "}, "body"),
    ],
)
def test_bad_statement_texts_are_refused_and_change_nothing(
    front: Front, texts: dict[str, str], field: str
) -> None:
    statement = _publish(front, title_ur=STATEMENT_TITLE_UR, body_ur=STATEMENT_BODY_UR)
    before = _statement_row(statement)
    with pytest.raises(ValidationError) as refused:
        _edit(front, statement, title="A new title", **texts)
    assert field in refused.value.message_dict
    assert _statement_row(statement) == before
    with pytest.raises(ValidationError):
        _publish(front, **texts)
    assert Statement.objects.count() == 1


def test_whitespace_alone_is_no_urdu_text(front: Front) -> None:
    statement = _publish(front, title_ur="  ", body_ur="\u200b \n")
    statement.refresh_from_db()
    assert (statement.title_ur, statement.body_ur, statement.body_ur_html) == ("", "", "")


def test_direction_overrides_in_the_urdu_text_are_removed(front: Front) -> None:
    statement = _publish(front, body_ur=f"{STATEMENT_BODY_UR}{RLO}abc")
    statement.refresh_from_db()
    assert RLO not in statement.body_ur_html
    assert RLO not in _page("/ur/campaigns/free-them/")


def test_a_long_unbroken_urdu_word_in_a_statement_is_accepted(front: Front) -> None:
    _publish(front, body_ur=LONG_WORD)
    assert LONG_WORD in _page("/ur/campaigns/free-them/")


def test_only_the_organisations_editors_set_a_statements_urdu(front: Front) -> None:
    """Not another organisation, not the campaign's coordinator: the anti-censorship rule
    holds for the Urdu as for the English."""
    statement = _publish(front)
    before = _statement_row(statement)
    for name in ("editor_b", "admin_b", "coordinator"):
        with pytest.raises(PermissionDenied):
            _edit(front, statement, user=name, body_ur=STATEMENT_BODY_UR)
        response = front.client(name).post(
            f"/campaigns/free-them/statements/{statement.pk}/edit/",
            {"title": statement.title, "body": statement.body, "body_ur": "x"},
        )
        assert response.status_code in {403, 404}
    assert _statement_row(statement) == before
    with pytest.raises(PermissionDenied):
        services.statement_publish(
            by=front.users["editor_b"],
            campaign=front.campaign,
            organisation=front.a,
            title="T",
            body="B",
            body_ur=STATEMENT_BODY_UR,
        )


# --- Statements: forms and pages ------------------------------------------------


def test_the_statement_forms_take_the_urdu(front: Front) -> None:
    client = front.client("editor_a")
    page = client.get("/campaigns/free-them/statements/new/").content.decode()
    assert 'name="body_ur"' in page
    response = client.post(
        "/campaigns/free-them/statements/new/",
        {
            "organisation": front.a.pk,
            "title": "Our view",
            "body": "We stand.",
            "title_ur": STATEMENT_TITLE_UR,
            "body_ur": STATEMENT_BODY_UR,
        },
    )
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.body_ur == STATEMENT_BODY_UR
    edit = client.get(f"/campaigns/free-them/statements/{statement.pk}/edit/").content.decode()
    assert STATEMENT_BODY_UR in edit
    response = client.post(
        f"/campaigns/free-them/statements/{statement.pk}/edit/",
        {"title": "Our view", "body": "We stand.", "title_ur": "", "body_ur": "نیا متن"},
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert (statement.version, statement.title_ur, statement.body_ur) == (2, "", "نیا متن")


def test_a_statement_is_shown_in_urdu_or_in_english_marked(front: Front) -> None:
    _publish(front, title="With Urdu", title_ur=STATEMENT_TITLE_UR, body_ur=STATEMENT_BODY_UR)
    services.statement_publish(
        by=front.users["editor_b"],
        campaign=front.campaign,
        organisation=front.b,
        title="English only",
        body="Only in English.",
    )
    page = _page("/ur/campaigns/free-them/")
    assert f'<span lang="ur" dir="rtl">{STATEMENT_TITLE_UR}</span>' in page
    assert f'<div lang="ur" dir="rtl"><p>{STATEMENT_BODY_UR}</p></div>' in page
    assert '<span lang="en" dir="ltr">English only</span>' in page
    assert '<div lang="en" dir="ltr"><p>Only in English.</p></div>' in page
    assert _in_urdu(ENGLISH_NOTE) in page
    english = _page("/campaigns/free-them/")
    assert STATEMENT_BODY_UR not in english
    assert '<div lang="en" dir="ltr"><p>We stand with the prisoners.</p></div>' in english


def test_the_history_shows_the_urdu_of_every_version(front: Front) -> None:
    statement = _publish(front, body_ur="پہلا متن")
    _edit(front, statement, body_ur="دوسرا متن")
    page = _page("/campaigns/free-them/history/")
    assert '<div class="prose" lang="ur" dir="rtl"><p>پہلا متن</p></div>' in page
    assert '<div class="prose" lang="ur" dir="rtl"><p>دوسرا متن</p></div>' in page


def test_a_hidden_statements_urdu_never_reaches_the_public(front: Front) -> None:
    """Hiding a statement takes its Urdu title and text off every public page, in both
    languages, the history included; its own editors still read it."""
    canary_title, canary_body = "خفیہعنوان", "خفیہمتن"
    statement = _publish(front, title_ur=canary_title, body_ur=canary_body)
    _edit(front, statement, body_ur=canary_body + "دو")
    HiddenNotice.objects.create(
        campaign=front.campaign,
        statement=statement,
        organisation=front.a,
        reason="Off topic",
        hidden_by=front.users["coordinator"],
    )
    forget_pages()
    for path in (
        "/campaigns/free-them/",
        "/ur/campaigns/free-them/",
        "/campaigns/free-them/history/",
        "/ur/campaigns/free-them/history/",
        "/organisations/org-a/",
        "/ur/organisations/org-a/",
    ):
        page = _page(path)
        assert canary_title not in page, path
        assert canary_body not in page, path
    own = front.client("editor_a").get("/ur/campaigns/free-them/").content.decode()
    assert canary_body in own


def test_the_history_query_blanks_a_hidden_statements_urdu(front: Front) -> None:
    """The history read itself empties a hidden statement's Urdu for the public, so no
    template can show it by mistake; the organisation's editors still get it."""
    statement = _publish(front, title_ur=STATEMENT_TITLE_UR, body_ur=STATEMENT_BODY_UR)
    HiddenNotice.objects.create(
        campaign=front.campaign,
        statement=statement,
        organisation=front.a,
        reason="Off topic",
        hidden_by=front.users["coordinator"],
    )
    (public,) = campaign_history(front.campaign, user=AnonymousUser()).statement_versions
    assert (public.title_ur, public.body_ur) == ("", "")
    (own,) = campaign_history(front.campaign, user=front.users["editor_a"]).statement_versions
    assert (own.title_ur, own.body_ur) == (STATEMENT_TITLE_UR, STATEMENT_BODY_UR)


def test_the_history_keeps_each_versions_urdu(front: Front) -> None:
    statement = _publish(front, title_ur=STATEMENT_TITLE_UR)
    _edit(front, statement, title_ur="")
    assert list(
        StatementVersion.objects.filter(statement=statement)
        .order_by("number")
        .values_list("title_ur", flat=True)
    ) == [STATEMENT_TITLE_UR, ""]


# --- Demands: one note for a list -----------------------------------------------


def test_one_note_marks_the_demands_shown_in_english(front: Front) -> None:
    """On an Urdu page a demand without Urdu is marked English, and the list says once
    why, not on every item."""
    for text in ("Free them all!", "Release them now!"):
        services.demand_propose(
            by=front.users["editor_a"], campaign=front.campaign, organisation=front.a, text=text
        )
    services.demand_propose(
        by=front.users["editor_a"],
        campaign=front.campaign,
        organisation=front.a,
        text="Justice!",
        text_ur="انصاف!",
    )
    page = _page("/ur/campaigns/free-them/")
    note = _in_urdu("Demands with no Urdu version yet are shown in English.")
    assert note != "Demands with no Urdu version yet are shown in English."
    assert '<q lang="en" dir="ltr">Free them all!</q>' in page
    assert '<q lang="ur" dir="rtl">انصاف!</q>' in page
    # The matrix and the organisation's own slogans: one note each, not one per demand.
    assert page.count(note) == 2
    assert note not in _page("/campaigns/free-them/")


def test_no_note_when_every_demand_has_its_urdu(front: Front) -> None:
    services.demand_propose(
        by=front.users["editor_a"],
        campaign=front.campaign,
        organisation=front.a,
        text="Justice!",
        text_ur="انصاف!",
    )
    page = _page("/ur/campaigns/free-them/")
    assert _in_urdu("Demands with no Urdu version yet are shown in English.") not in page


# --- Organisation descriptions --------------------------------------------------


def test_an_organisation_description_is_shown_in_urdu_or_english_marked() -> None:
    OrganisationFactory(slug="with-urdu", description="A union.", description_ur="ایک یونین۔")
    OrganisationFactory(slug="english-only", description="A party.")
    OrganisationFactory(slug="urdu-only", description="", description_ur="ایک جماعت۔")
    assert '<div lang="ur" dir="rtl">ایک یونین۔</div>' in _page("/ur/organisations/with-urdu/")
    english_only = _page("/ur/organisations/english-only/")
    assert '<div lang="en" dir="ltr">A party.</div>' in english_only
    assert _in_urdu(ENGLISH_NOTE) in english_only
    urdu_only = _page("/organisations/urdu-only/")
    assert '<div lang="ur" dir="rtl">ایک جماعت۔</div>' in urdu_only
    assert URDU_NOTE in urdu_only


# --- Actions and letters on the campaign page: one note a list ------------------


def test_one_note_marks_the_actions_listed_in_english(front: Front) -> None:
    import datetime

    from django.utils import timezone

    from habeas.actions.models import Action

    note = _in_urdu("Actions with no Urdu title yet are listed in English.")
    assert note != "Actions with no Urdu title yet are listed in English."
    when = timezone.now() + datetime.timedelta(days=3)
    common = {"campaign": front.campaign, "city": "Toronto", "country": "CA"}
    common |= {"starts_at": when, "time_zone": "America/Toronto"}
    Action.objects.create(title="Vigil", title_ur="شمع بردار مظاہرہ", **common)
    forget_pages()
    assert note not in _page("/ur/campaigns/free-them/")
    Action.objects.create(title="Picket", **common)
    Action.objects.create(title="Rally", **common)
    forget_pages()
    page = _page("/ur/campaigns/free-them/")
    assert page.count(note) == 1
    assert 'lang="en" dir="ltr">Picket</a>' in page
    assert 'lang="ur" dir="rtl">شمع بردار مظاہرہ</a>' in page
    assert note not in _page("/campaigns/free-them/")


def test_one_note_marks_the_letters_listed_in_english(front: Front) -> None:
    from tests.letters.public_data import make_letter

    note = _in_urdu("Letters with no Urdu version yet are listed in English.")
    assert note != "Letters with no Urdu version yet are listed in English."
    make_letter(campaign=front.campaign, urdu=True)
    forget_pages()
    assert note not in _page("/ur/campaigns/free-them/")
    make_letter(campaign=front.campaign)
    make_letter(campaign=front.campaign)
    forget_pages()
    page = _page("/ur/campaigns/free-them/")
    assert page.count(note) == 1
    assert 'lang="ur" dir="rtl">قیدیوں کو رہا کرو</a>' in page
    assert note not in _page("/campaigns/free-them/")

"""The coordinators' list of a campaign's public texts that exist in one language only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from habeas.actions.models import Action
from habeas.cases import services
from habeas.cases.models import Status
from habeas.coalition.models import (
    Campaign,
    CampaignMembership,
    Demand,
    HiddenNotice,
    Statement,
)
from habeas.core.lists import PAGE_SIZE
from habeas.core.models import Source
from habeas.letters.models import Letter, LetterText
from habeas.translations import missing_translations
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    grant,
    member,
    sign_in,
)

pytestmark = pytest.mark.django_db


def _demand(campaign: Campaign, organisation: Any, text: str, text_ur: str = "") -> Demand:
    return Demand.objects.create(
        campaign=campaign, proposed_by=organisation, text=text, text_ur=text_ur
    )


def _letter(campaign: Campaign, by: Any, slug: str, status: str, **texts: str) -> Letter:
    letter = Letter.objects.create(
        campaign=campaign,
        slug=slug,
        status=status,
        created_by=by,
        published_at=None if status == Letter.Status.DRAFT else timezone.now(),
    )
    for language, title in texts.items():
        LetterText.objects.create(letter=letter, language=language, title=title, body="Text.")
    return letter


@pytest.fixture
def world() -> dict[str, Any]:
    coordinator = UserFactory()
    campaign = CampaignFactory(title="Free the prisoners", title_ur="", summary="Why we act.")
    grant(coordinator, "COORDINATOR", campaign=campaign)
    ours = OrganisationFactory(description="A union of teachers.", description_ur="")
    both = OrganisationFactory(description="Lawyers.", description_ur="وکلا")
    urdu_only = OrganisationFactory(description="", description_ur="طلبہ کی تنظیم")
    outsider = OrganisationFactory(description="Not a member.", description_ur="")
    for organisation in (ours, both, urdu_only):
        member(campaign, organisation)
    invited = OrganisationFactory(description="Only invited.", description_ur="")
    CampaignMembership.objects.create(
        campaign=campaign, organisation=invited, status=CampaignMembership.Status.INVITED
    )
    _demand(campaign, ours, "Release them now")
    _demand(campaign, ours, "Drop the charges", "الزامات واپس لو")
    withdrawn = _demand(campaign, ours, "A withdrawn demand")
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    hidden = _demand(campaign, ours, "A hidden demand")
    HiddenNotice.objects.create(
        campaign=campaign,
        demand=hidden,
        organisation=ours,
        reason="Off topic",
        hidden_by=coordinator,
    )
    Statement.objects.create(
        campaign=campaign,
        organisation=ours,
        title="Our view",
        body="We say so.",
        title_ur="ہمارا موقف",
    )
    gone = Statement.objects.create(
        campaign=campaign, organisation=ours, title="A withdrawn view", body="Gone."
    )
    gone.withdrawn_at = timezone.now()
    gone.save()
    shut = Statement.objects.create(
        campaign=campaign, organisation=ours, title="A hidden view", body="Hidden."
    )
    HiddenNotice.objects.create(
        campaign=campaign,
        statement=shut,
        organisation=ours,
        reason="Off topic",
        hidden_by=coordinator,
    )
    Action.objects.create(campaign=campaign, title="Vigil in Lahore", title_ur="", city="Lahore")
    _letter(campaign, coordinator, "open-one", Letter.Status.OPEN, en="Free them all")
    _letter(campaign, coordinator, "draft-one", Letter.Status.DRAFT, en="A draft letter")
    _letter(campaign, coordinator, "both-one", Letter.Status.OPEN, en="Both", ur="دونوں")
    other = CampaignFactory(title="Another campaign")
    _demand(other, outsider, "Another campaign's demand")
    return {"coordinator": coordinator, "campaign": campaign, "outsider": outsider}


def test_lists_each_public_text_with_one_version_only(world: dict[str, Any]) -> None:
    """Not withdrawn or hidden demands, draft letters, nor organisations that are
    not (yet) members: the list holds only what the public reads."""
    report = missing_translations(world["campaign"])
    listed = {(str(item.kind), item.text, item.language) for item in report.missing}
    assert listed == {
        ("Campaign title", "Free the prisoners", "en"),
        ("Campaign summary", "Why we act.", "en"),
        ("Statement text", "We say so.", "en"),
        ("Demand", "Release them now", "en"),
        ("Action title", "Vigil in Lahore", "en"),
        ("Open letter", "Free them all", "en"),
        ("Organisation description", "A union of teachers.", "en"),
        ("Organisation description", "طلبہ کی تنظیم", "ur"),
    }
    # Title, summary, two demands, a statement's title and text, the action's title,
    # two open letters, three descriptions.
    assert report.total == 12
    assert report.complete == 4


def test_the_page_shows_the_list_to_the_coordinator(world: dict[str, Any]) -> None:
    client = sign_in(Client(), world["coordinator"])
    slug = world["campaign"].slug
    coordinate = client.get(f"/campaigns/{slug}/coordinate/").content.decode()
    assert f"/campaigns/{slug}/coordinate/translations/" in coordinate
    response = client.get(f"/campaigns/{slug}/coordinate/translations/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 of 12 texts have both versions." in html
    assert "Release them now" in html
    assert '<span lang="ur" dir="rtl">طلبہ کی تنظیم</span>' not in html  # it is a link
    assert 'lang="ur" dir="rtl">طلبہ کی تنظیم</a>' in html
    for never in (
        "A withdrawn view",
        "A hidden view",
        "A withdrawn demand",
        "A hidden demand",
        "A draft letter",
        "Not a member.",
        "Only invited.",
    ):
        assert never not in html
    assert "Another campaign" not in html


def test_the_page_in_urdu(world: dict[str, Any]) -> None:
    client = sign_in(Client(), world["coordinator"])
    response = client.get(f"/ur/campaigns/{world['campaign'].slug}/coordinate/translations/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en" dir="ltr">Release them now</a>' in html
    assert "Texts without a translation" not in html
    assert "Who may add it" not in html


def test_a_complete_campaign_says_so() -> None:
    coordinator = UserFactory()
    campaign = CampaignFactory(title="Free them", title_ur="انہیں رہا کرو")
    grant(coordinator, "COORDINATOR", campaign=campaign)
    html = sign_in(Client(), coordinator).get(
        f"/campaigns/{campaign.slug}/coordinate/translations/"
    )
    assert "Every public text of this campaign has both" in html.content.decode()


def test_a_long_list_is_paged() -> None:
    coordinator = UserFactory()
    campaign = CampaignFactory(title="Free them", title_ur="انہیں رہا کرو")
    grant(coordinator, "COORDINATOR", campaign=campaign)
    organisation = OrganisationFactory(description="")
    member(campaign, organisation)
    for n in range(PAGE_SIZE + 1):
        _demand(campaign, organisation, f"Demand number {n:03}")
    client = sign_in(Client(), coordinator)
    url = f"/campaigns/{campaign.slug}/coordinate/translations/"
    first = client.get(url).content.decode()
    assert "Demand number 000" in first
    assert f"Demand number {PAGE_SIZE:03}" not in first
    second = client.get(url, {"page": 2}).content.decode()
    assert f"Demand number {PAGE_SIZE:03}" in second
    assert client.get(url, {"page": "not-a-number"}).status_code == 200
    assert client.get(url, {"page": "999"}).status_code == 200


def test_a_draft_campaign_links_only_to_its_settings() -> None:
    coordinator = UserFactory()
    campaign = CampaignFactory(title="A draft", status=Campaign.Status.DRAFT)
    grant(coordinator, "COORDINATOR", campaign=campaign)
    organisation = OrganisationFactory(description="")
    member(campaign, organisation)
    _demand(campaign, organisation, "A draft demand")
    html = (
        sign_in(Client(), coordinator)
        .get(f"/campaigns/{campaign.slug}/coordinate/translations/")
        .content.decode()
    )
    assert '<span lang="en" dir="ltr">A draft demand</span>' in html
    assert f'href="/campaigns/{campaign.slug}/"' not in html
    assert f'href="/campaigns/{campaign.slug}/coordinate/settings/"' in html


def test_a_member_organisations_editor_is_refused(world: dict[str, Any]) -> None:
    editor = UserFactory()
    grant(editor, "ORG_EDITOR", organisation=world["outsider"])
    response = sign_in(Client(), editor).get(
        f"/campaigns/{world['campaign'].slug}/coordinate/translations/"
    )
    assert response.status_code in {403, 404}


def test_a_defended_persons_published_biography_is_listed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Once published, and as published: a later edit of the working record is not
    the public's until a second documenter verifies it."""
    coordinator, first, second = UserFactory(), UserFactory(), UserFactory()
    campaign = CampaignFactory(title="Free them", title_ur="انہیں رہا کرو")
    grant(coordinator, "COORDINATOR", campaign=campaign)
    grant(first, "DOCUMENTER", campaign=campaign)
    grant(second, "DOCUMENTER", campaign=campaign)
    source = Source.objects.create(title="Court record 12", publisher="High Court")
    person = services.person_save(
        by=first, source=source, campaign=campaign, name="Salar Fayyaz", summary="A teacher."
    )
    services.detention_add(
        by=first,
        person=person,
        source=source,
        arrested_on=datetime.date(2025, 5, 12),
        arrested_precision="DAY",
        status=Status.AWAITING_TRIAL,
    )
    assert missing_translations(campaign).missing == []  # not published yet
    with django_capture_on_commit_callbacks(execute=True):
        services.person_verify(by=second, person=person)
    [item] = missing_translations(campaign).missing
    assert (str(item.kind), item.text, item.language, item.about) == (
        "Biography",
        "A teacher.",
        "en",
        "Salar Fayyaz",
    )
    html = (
        sign_in(Client(), coordinator)
        .get(f"/ur/campaigns/{campaign.slug}/coordinate/translations/")
        .content.decode()
    )
    assert '<span lang="en" dir="ltr">Salar Fayyaz</span>' in html
    assert f'href="/ur/register/{person.slug}/" lang="en" dir="ltr">A teacher.</a>' in html
    services.person_save(
        by=first,
        person=person,
        source=source,
        campaign=campaign,
        name="Salar Fayyaz",
        summary="A teacher.",
        summary_ur="ایک استاد",
    )
    assert len(missing_translations(campaign).missing) == 1  # the edit is not public yet


def _count_queries(campaign: Campaign) -> int:
    with CaptureQueriesContext(connection) as queries:
        missing_translations(campaign)
    return len(queries)


def test_the_list_takes_the_same_queries_however_many_texts(world: dict[str, Any]) -> None:
    campaign, coordinator = world["campaign"], world["coordinator"]
    before = _count_queries(campaign)
    organisation = OrganisationFactory(description="More.")
    member(campaign, organisation)
    for n in range(3):
        _demand(campaign, organisation, f"More demand {n}")
        Statement.objects.create(
            campaign=campaign, organisation=organisation, title=f"More {n}", body="Text."
        )
        Action.objects.create(campaign=campaign, title=f"More action {n}", city="Lahore")
        _letter(campaign, coordinator, f"more-{n}", Letter.Status.OPEN, en=f"More letter {n}")
    assert _count_queries(campaign) == before

"""A solidarity action in a real browser (Debian's Chromium), JavaScript off:
an organiser plans it, a visitor says they will come, and the organiser's
photo is published without a byte of its metadata."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo
from typing import Any
from urllib.parse import urlsplit

import exifread
import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from habeas.actions.models import Action, Photo, Rsvp
from habeas.coalition.models import Role
from tests.actions.photo_files import INFO_KEYS, RAW_MARKERS, jpeg_with_everything
from tests.conftest import Mailbox
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    browser_sign_in,
    grant,
    member,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def isolated_media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SERVE_MEDIA = True
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_an_action_from_plan_to_photo(
    chromium: Any,
    live_server: Any,
    smtp_server: Mailbox,
    isolated_media: Any,
    tmp_path: Any,
) -> None:
    campaign = CampaignFactory(slug="free-them", title="Free the prisoners")
    organisation = OrganisationFactory(slug="rci", name="Revolutionary Internationalists")
    member(campaign, organisation)
    editor = UserFactory(username="editor", email="editor@example.org")
    grant(editor, Role.ORG_EDITOR, organisation=organisation)

    # The organiser finds the page from the roles page and plans the action.
    organiser_context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
    organiser = organiser_context.new_page()
    browser_sign_in(organiser, "editor", None)
    organiser.get_by_role("link", name="Solidarity actions").click()
    organiser.wait_for_url("**/actions/mine/")
    organiser.get_by_role("link", name="Organise an action").click()
    organiser.wait_for_url("**/actions/new/")
    campaign_field = organiser.get_by_label("Campaign")
    if campaign_field.count():
        campaign_field.select_option(label="Free the prisoners")
    organiser.get_by_label(organisation.name).check()
    organiser.get_by_label("Title:", exact=True).fill("Vigil outside the High Commission")
    organiser.get_by_label("City").fill("London")
    organiser.get_by_label("Country").fill("GB")
    organiser.get_by_label("Time zone of the place").fill("Europe/London")
    tomorrow = (timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%d")
    organiser.get_by_label("Starts at (the place's local time)").fill(f"{tomorrow}T18:00")
    organiser.get_by_label("Ends at (the place's local time)").fill(f"{tomorrow}T20:00")
    organiser.get_by_role("button", name="Save the action").click()
    expect(organiser.get_by_text("Action saved")).to_be_visible()
    action = Action.objects.get()
    # Stored aware, read on the place's clock.
    assert action.starts_at is not None
    local = action.starts_at.astimezone(zoneinfo.ZoneInfo("Europe/London"))
    assert (local.hour, local.minute) == (18, 0)

    # A visitor, with no account, says they will come; no cookie is set.
    visitor_context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
    visitor = visitor_context.new_page()
    requested: list[str] = []
    visitor.on("request", lambda request: requested.append(request.url))
    visitor.goto("/actions/")
    visitor.get_by_role("link", name="Vigil outside the High Commission").click()
    visitor.wait_for_url(f"**/actions/{action.pk}/")
    expect(visitor.get_by_role("heading", name="When")).to_be_visible()
    assert "18:00" in visitor.content()
    visitor.get_by_label("Your name (optional)").fill("Amina")
    visitor.get_by_role("button", name="I will come").click()
    expect(visitor.get_by_role("button", name="Cancel my RSVP")).to_be_visible()
    assert Rsvp.objects.get().action == action
    action.refresh_from_db()
    assert action.rsvp_count == 1
    assert visitor_context.cookies() == []
    origin = urlsplit(live_server.url).netloc
    for url in requested:
        assert urlsplit(url).netloc == origin, f"request to another origin: {url}"

    # The day comes (moved here rather than waited for); the organiser says it
    # happened, writes the report and uploads a photo full of metadata.
    Action.objects.filter(pk=action.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    call_command("cache", "clear")
    organiser.goto("/actions/mine/")
    organiser.get_by_role("link", name="It happened").click()
    organiser.get_by_role("button", name="Yes, it happened").click()
    expect(organiser.get_by_text("Marked as happened")).to_be_visible()
    organiser.goto(f"/actions/{action.pk}/")
    organiser.get_by_role("link", name=re.compile("Report and photos of")).click()
    organiser.get_by_label("What happened").fill("Forty comrades stood in the rain.")
    organiser.get_by_role("button", name="Publish the report").click()
    expect(organiser.get_by_text("Your report is published")).to_be_visible()
    upload = tmp_path / "vigil.jpg"
    upload.write_bytes(jpeg_with_everything())
    organiser.get_by_label(re.compile("^Photo")).set_input_files(str(upload))
    organiser.get_by_label("Caption").fill("The vigil")
    organiser.get_by_label("Description for people who cannot see the photo").fill(
        "People holding placards"
    )
    organiser.get_by_role("button", name="Upload the photo").click()
    expect(organiser.get_by_text("without any of its metadata")).to_be_visible()

    # The public sees the photo; its bytes, as served, carry no metadata at all.
    visitor.goto(f"/actions/{action.pk}/")
    image = visitor.get_by_role("img", name="People holding placards")
    source = image.get_attribute("src")
    assert source
    served = visitor.request.get(source)
    assert served.ok
    body = served.body()
    photo = Photo.objects.get()
    assert body == photo.image.open("rb").read()
    with Image.open(io.BytesIO(body)) as public:
        assert not (INFO_KEYS & set(public.info)), public.info.keys()
        assert len(public.getexif()) == 0
    assert exifread.process_file(io.BytesIO(body), details=True) == {}
    for marker in RAW_MARKERS:
        assert marker not in body, marker
    organiser_context.close()
    visitor_context.close()


@pytest.mark.django_db(transaction=True)
def test_action_pages_fit_a_phone(chromium: Any, live_server: Any, isolated_media: Any) -> None:
    """At 390 px no public or organiser page of actions is wider than the screen,
    in English or Urdu."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from habeas.actions.services.reports import photo_add, report_post
    from habeas.coalition.models import Demand
    from tests.actions.photo_files import plain_png

    campaign = CampaignFactory(slug="free-them", title="Free the prisoners")
    organisation = OrganisationFactory(slug="rci", name="Revolutionary Internationalists")
    member(campaign, organisation)
    editor = UserFactory(username="editor")
    grant(editor, Role.ORG_EDITOR, organisation=organisation)
    demand = Demand.objects.create(
        campaign=campaign, proposed_by=organisation, text="Free them all", text_ur="سب کو رہا کرو"
    )
    demand.versions.create(number=1, text=demand.text, text_ur=demand.text_ur)
    demand.positions.create(organisation=organisation, stance="ENDORSES", version=1)
    starts = timezone.now() + datetime.timedelta(days=3)
    coming = Action.objects.create(
        campaign=campaign,
        title="Vigil outside the High Commission of a very long name indeed",
        city="London",
        country="GB",
        venue="High Commission",
        address="34-36 Lowndes Square, London SW1X 9JN",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        time_zone="Europe/London",
    )
    coming.organisations.add(organisation)
    past = Action.objects.create(
        campaign=campaign,
        title="March",
        city="Berlin",
        country="DE",
        status=Action.Status.HAPPENED,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        time_zone="Europe/Berlin",
    )
    past.organisations.add(organisation)
    report = report_post(action=past, organisation=organisation, by=editor, body="We marched.")
    photo = photo_add(
        report=report,
        by=editor,
        upload=SimpleUploadedFile("march.png", plain_png(1600, 900)),
        caption="The march",
        alt_text="Marchers",
        keep_original=False,
    )
    public = [
        "/actions/",
        "/actions/?when=past",
        "/actions/map/",
        f"/actions/{coming.pk}/",
        f"/actions/{past.pk}/",
        f"/actions/{coming.pk}/flyer/",
        "/actions/placards/free-them/",
    ]
    organiser_pages = [
        "/actions/mine/",
        "/actions/new/",
        f"/actions/{coming.pk}/edit/",
        f"/actions/{coming.pk}/cancel/",
        f"/actions/{past.pk}/report/rci/",
        f"/actions/photos/{photo.pk}/blur/",
        f"/actions/photos/{photo.pk}/withdraw/",
    ]
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 800}, base_url=live_server.url
    )
    try:
        page = context.new_page()
        for path in public:
            for prefix in ("", "/ur"):
                page.goto(prefix + path)
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, (prefix + path, width)
        browser_sign_in(page, "editor", None)
        for path in organiser_pages:
            for prefix in ("", "/ur"):
                page.goto(prefix + path)
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, (prefix + path, width)
    finally:
        context.close()

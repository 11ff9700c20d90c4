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
    organiser.get_by_role("link", name="Organise an action").click()
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
    assert organiser.get_by_text("Action saved").is_visible()
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
    assert "18:00" in visitor.content()
    visitor.get_by_label("Your name (optional)").fill("Amina")
    visitor.get_by_role("button", name="I will come").click()
    assert visitor.get_by_role("button", name="Cancel my RSVP").is_visible()
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
    organiser.goto(f"/actions/{action.pk}/")
    organiser.get_by_role("link", name=re.compile("Report and photos of")).click()
    organiser.get_by_label("What happened").fill("Forty comrades stood in the rain.")
    organiser.get_by_role("button", name="Publish the report").click()
    upload = tmp_path / "vigil.jpg"
    upload.write_bytes(jpeg_with_everything())
    organiser.get_by_label(re.compile("^Photo")).set_input_files(str(upload))
    organiser.get_by_label("Caption").fill("The vigil")
    organiser.get_by_label("Description for people who cannot see the photo").fill(
        "People holding placards"
    )
    organiser.get_by_role("button", name="Upload the photo").click()
    assert organiser.get_by_text("without any of its metadata").is_visible()

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

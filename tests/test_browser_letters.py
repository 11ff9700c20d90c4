"""Signing an open letter in a real browser (Debian's Chromium), JavaScript off."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.core.management import call_command
from django.utils import timezone

from habeas.letters.models import Signature
from habeas.letters.views import signing as signing_views
from tests.conftest import Mailbox
from tests.letters.test_signing import deliver, open_letter

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_visitor_signs_and_confirms_with_javascript_off(
    page: Any, live_server: Any, smtp_server: Mailbox, monkeypatch: Any
) -> None:
    """Sign, get the mail, open its link, press confirm: the signature is confirmed,
    no cookie is ever set, and nothing is loaded from another origin."""
    letter = open_letter()
    # The form was served a minute ago, as if a person had read the letter first.
    served = timezone.now() - timedelta(minutes=1)
    monkeypatch.setattr(
        signing_views,
        "_started_stamp",
        lambda now: signing.dumps(int(served.timestamp()), salt=signing_views._STARTED_SALT),
    )
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"/letters/{letter.slug}/")
    page.get_by_label("Your name").fill("Amina Khan علی")
    page.get_by_label("Your e-mail address").fill("amina@example.org")
    page.get_by_label("Country").fill("Pakistan")
    page.get_by_label("Show my name publicly").check()
    page.get_by_role("button", name="Sign").click()
    # The form's address ends in #sign, which the browser keeps through the redirect.
    page.wait_for_url(re.compile(rf"/letters/{letter.slug}/signed/(#sign)?$"))
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()

    deliver()
    [message] = smtp_server.messages
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    link = re.search(r"http://testserver(/letters/confirm/[^/\s]+/)", body)
    assert link
    page.goto(link.group(1))
    page.get_by_role("button", name="Confirm my signature").click()
    assert page.get_by_role("heading", name="Thank you: your signature is confirmed").is_visible()

    call_command("clock", once=True)
    # (The letter page itself may come from the browser's cache for a few seconds.)
    page.goto(f"/letters/{letter.slug}/signatories/")
    assert "Amina Khan" in page.content()

    signature = Signature.objects.get()
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.show_name
    assert signature.name == "Amina Khan علی"
    assert page.context.cookies() == []
    origin = urlsplit(live_server.url).netloc
    assert requested
    for url in requested:
        assert urlsplit(url).netloc == origin, f"request to another origin: {url}"


@pytest.mark.django_db(transaction=True)
def test_letter_pages_fit_a_phone(chromium: Any, live_server: Any) -> None:
    """At 390 px nothing on the letter pages is wider than the screen, in either language."""
    letter = open_letter()
    context = chromium.new_context(
        viewport={"width": 390, "height": 800}, base_url=live_server.url
    )
    try:
        page = context.new_page()
        for path in [
            "/letters/",
            f"/letters/{letter.slug}/",
            f"/ur/letters/{letter.slug}/",
            f"/letters/{letter.slug}/sign/",
            f"/letters/{letter.slug}/signatories/",
            f"/letters/{letter.slug}/endorse/ask/",
        ]:
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    finally:
        context.close()

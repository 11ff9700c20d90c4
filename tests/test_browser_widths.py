"""Every public page and the main organisers' pages fit a 390-pixel phone and a
1366-pixel laptop, in English and Urdu, in a real browser with JavaScript off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils.timezone import now

from habeas.actions.models import Action
from habeas.cases import services as cases
from habeas.coalition.models import (
    Campaign,
    CampaignMembership,
    Demand,
    DemandVersion,
    Organisation,
    Position,
    Role,
)
from habeas.coalition.services.campaigns import campaign_update
from habeas.coalition.services.united_front import statement_publish
from habeas.demo.loader import CAMPAIGN, OPEN_LETTER_SLUG
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    add_authenticator,
    browser_sign_in,
    grant,
)

pytestmark = pytest.mark.browser

SIZES = {390: 844, 1366: 900}
LANGUAGES = {"en": "", "ur": "/ur"}
# A word no line can break at a space: a pasted URL, a run of hashtags, a spammer's test.
LONG_WORD = "Inqilab" + "x" * 293
URDU_LONG_WORD = "انقلاب" + "ب" * 294
SLUG = CAMPAIGN["slug"]


def _long_words(campaign: Campaign) -> dict[str, Any]:
    """A statement and a verified person whose texts hold a 300-character word, and one
    organiser who coordinates the campaign, documents for it, administers an organisation
    and keeps its books: one sign-in reaches every organisers' page below."""
    rci = Organisation.objects.get(slug="rci")
    organiser, second = UserFactory(username="organiser"), UserFactory(username="second")
    grant(organiser, Role.COORDINATOR, campaign=campaign)
    grant(organiser, Role.DOCUMENTER, campaign=campaign)
    grant(second, Role.DOCUMENTER, campaign=campaign)
    grant(organiser, Role.ORG_ADMIN, organisation=rci)
    grant(organiser, Role.TREASURER, organisation=rci, campaign=campaign)
    statement_publish(
        by=organiser,
        campaign=campaign,
        organisation=rci,
        title=LONG_WORD[:190],
        body=f"We stand with {LONG_WORD} and every prisoner.",
        title_ur=URDU_LONG_WORD[:190],
        body_ur=f"ہم {URDU_LONG_WORD} کے ساتھ ہیں",
    )
    campaign_update(
        by=organiser,
        campaign=campaign,
        title=campaign.title,
        title_ur=campaign.title_ur,
        summary=campaign.summary,
        summary_ur=f"{campaign.summary_ur} {URDU_LONG_WORD}",
        start_on=campaign.start_on,
        quorum=campaign.quorum,
        status=campaign.status,
    )
    source = cases.SourceFacts("A report with a very long word in it", "Human Rights Council")
    person = cases.person_save(
        by=organiser,
        source=source,
        campaign=campaign,
        name=LONG_WORD[:190],
        summary=f"Arrested for {LONG_WORD} at a protest.",
        summary_ur=f"ایک احتجاج میں {LONG_WORD} کے لیے گرفتار",
    )
    cases.person_verify(by=second, person=person)
    person.refresh_from_db()
    return {"organiser": organiser, "person": person}


def _pages(person_slug: str) -> tuple[dict[str, str], dict[str, str]]:
    """(public pages, organisers' pages), each a name for the screenshot -> path."""
    action = Action.objects.order_by("pk").first()
    assert action is not None
    public = {
        "home": "/",
        "campaign": f"/campaigns/{SLUG}/",
        "campaign-history": f"/campaigns/{SLUG}/history/",
        "register": "/register/",
        "person": f"/register/{person_slug}/",
        "letters": "/letters/",
        "letter": f"/letters/{OPEN_LETTER_SLUG}/",
        "actions": "/actions/",
        "action": f"/actions/{action.pk}/",
        "fund": f"/fund/{SLUG}/",
        "organisations": "/organisations/",
        "organisation": "/organisations/rci/",
    }
    organisers = {
        "roles": "/accounts/",
        "coordinate": f"/campaigns/{SLUG}/coordinate/",
        "translations": f"/campaigns/{SLUG}/coordinate/translations/",
        "moderation": f"/campaigns/{SLUG}/moderation/",
        "review": "/register/review/",
        "import-guide": "/register/import/",
        "members": "/organisations/rci/members/",
        "treasury": f"/fund/{SLUG}/treasury/",
        "treasury-payments": f"/fund/{SLUG}/treasury/payments/",
        "treasury-entries": f"/fund/{SLUG}/treasury/entries/",
        "treasury-accounts": f"/fund/{SLUG}/treasury/accounts/",
    }
    return public, organisers


# Each element that scrolls sideways, and whether a reader is told so: it must be
# focusable (to scroll it from the keyboard), named, and described by a hint that is
# on the screen.
SCROLLERS = """[...document.querySelectorAll("*")].filter(e => {
    const x = getComputedStyle(e).overflowX;
    return (x === "auto" || x === "scroll") && e.scrollWidth > e.clientWidth + 1;
}).map(e => {
    const hint = document.getElementById(e.getAttribute("aria-describedby") || "");
    return {
        element: e.tagName.toLowerCase() + "." + e.className,
        told: e.tabIndex >= 0 && !!(e.getAttribute("aria-label") || "").trim()
            && !!hint && hint.getClientRects().length > 0 && !!hint.textContent.trim(),
    };
})"""


# What sticks out of the window on either side. In a right-to-left page, text that
# runs off to the right cannot be scrolled to and does not count in scrollWidth, so
# each text and box is measured. Skipped: what is placed out of sight on purpose
# (absolute or fixed, such as the skip link and visually hidden labels) and what sits
# in a box that scrolls or clips (measured by SCROLLERS).
OUTSIDE = """(() => {
    const width = document.documentElement.clientWidth;
    const placed = (e) => {
        for (; e && e !== document.body; e = e.parentElement) {
            const s = getComputedStyle(e);
            if (s.position === "absolute" || s.position === "fixed" || s.overflowX !== "visible") {
                return true;
            }
        }
        return false;
    };
    const out = [];
    const what = NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT;
    const walker = document.createTreeWalker(document.body, what);
    for (let n = walker.nextNode(); n && out.length < 3; n = walker.nextNode()) {
        const element = n.nodeType === Node.TEXT_NODE ? n.parentElement : n;
        let rects;
        if (n.nodeType === Node.TEXT_NODE) {
            if (!n.textContent.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(n);
            rects = [...range.getClientRects()];
        } else {
            rects = [...n.getClientRects()];
        }
        const sticks = rects.some(r => r.width > 0 && (r.left < -1 || r.right > width + 1));
        if (sticks && !placed(element)) {
            const text = JSON.stringify(n.textContent.trim().slice(0, 30));
            out.push(element.tagName.toLowerCase() + " " + text);
        }
    }
    return out;
})()"""


def _measure(
    context: Any, prefix: str, pages: dict[str, str], shots: Path, name: str
) -> list[str]:
    """Open each page, save its screenshot, and return a line for each fault: a page
    wider than the window, text or a box outside it, or a sideways scroll with no hint.

    ``page.evaluate`` runs through the browser's debugging protocol, which
    ``java_script_enabled=False`` does not switch off: the page's own scripts stay
    off while the test reads its width.
    """
    faults: list[str] = []
    page = context.new_page()
    for label, path in pages.items():
        response = page.goto(prefix + path)
        assert response is not None, prefix + path
        assert response.status == 200, (prefix + path, response.status)
        scroll, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
        if scroll > window:
            faults.append(f"{name} {prefix}{path}: {scroll} px wide")
        for outside in page.evaluate(OUTSIDE):
            faults.append(f"{name} {prefix}{path}: {outside} is outside the window")
        for scroller in page.evaluate(SCROLLERS):
            if not scroller["told"]:
                faults.append(f"{name} {prefix}{path}: {scroller['element']} scrolls unannounced")
    page.close()
    return faults


@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_phone_and_a_laptop(
    chromium: Any, live_server: Any, demo: None, artifacts: Path
) -> None:
    """No public page and no main organisers' page is wider than a 390- or 1366-pixel
    window, in English or Urdu, even with a 300-character word in a statement, a name
    and a biography (English and Urdu)."""
    campaign = Campaign.objects.get(slug=SLUG)
    world = _long_words(campaign)
    public, organisers = _pages(world["person"].public.slug)
    shots = artifacts / "widths"
    shots.mkdir(parents=True, exist_ok=True)

    # Sign in once, then hand the session's cookie to each size and language.
    device = add_authenticator(world["organiser"])
    signing_in = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        browser_sign_in(signing_in.new_page(), "organiser", device)
        signed_in = signing_in.storage_state()
    finally:
        signing_in.close()

    faults: list[str] = []
    for width, height in SIZES.items():
        for language, prefix in LANGUAGES.items():
            name = f"{language}-{width}"
            for state, pages in ((None, public), (signed_in, organisers)):
                context = chromium.new_context(
                    java_script_enabled=False,
                    viewport={"width": width, "height": height},
                    base_url=live_server.url,
                    storage_state=state,
                )
                try:
                    faults += _measure(context, prefix, pages, shots, name)
                finally:
                    context.close()
    assert faults == [], "\n".join(faults)


@pytest.mark.parametrize("count", [4, 5])
@pytest.mark.django_db(transaction=True)
def test_the_table_of_positions_on_a_laptop_and_a_phone(
    chromium: Any, live_server: Any, artifacts: Path, count: int
) -> None:
    """On a laptop four members' positions fit beside the demands; five do not, and the
    page says so above a focusable, named scroll box. Each position sits under its
    organisation's column heading. On a phone each demand lists every organisation's
    position, named in the cell, with no scroll and no hint."""
    slug = f"coalition-of-{count}"
    campaign = CampaignFactory(slug=slug)
    # Names with no short form: their longest word is what a column could not shrink below.
    members = [
        OrganisationFactory(name=f"Internationalist Workers' Organisation {n}")
        for n in range(count)
    ]
    for organisation in members:
        CampaignMembership.objects.create(
            campaign=campaign, organisation=organisation, status="ACTIVE", joined_at=now()
        )
    demand = Demand.objects.create(campaign=campaign, proposed_by=members[0], text="Free them!")
    DemandVersion.objects.create(demand=demand, number=1, text="Free them!")
    Position.objects.create(
        demand=demand, organisation=members[2], stance=Position.Stance.DISAGREES, version=1
    )
    last = members[-1].name
    shots = artifacts / "widths"
    shots.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES.items():
        context = chromium.new_context(
            java_script_enabled=False,
            viewport={"width": width, "height": height},
            base_url=live_server.url,
        )
        try:
            page = context.new_page()
            page.goto(f"/campaigns/{slug}/")
            page.screenshot(path=str(shots / f"en-{width}-{slug}.png"), full_page=True)
            box = page.locator(".matrix-wrap")
            scrolls = box.evaluate("e => e.scrollWidth > e.clientWidth")
            hint = page.get_by_text("Scroll sideways to see all columns.")
            row = page.locator(f"#demand-{demand.pk}").inner_text()
            assert all(scroller["told"] for scroller in page.evaluate(SCROLLERS))
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            if width == 390:
                # A list: each cell is a line as wide as its demand's entry, not a column.
                lines = page.locator(f"#demand-{demand.pk} td").evaluate_all(
                    "cells => cells.map(c => c.getBoundingClientRect().width"
                    " / c.parentElement.getBoundingClientRect().width)"
                )
                assert len(lines) == count + 2
                assert min(lines) > 0.9
                assert not scrolls
                assert not hint.is_visible()
                assert f"{members[2].name}: Disagrees" in row
                assert f"{last}: not stated" in row
                assert f"Proposed by: {members[0].name}" in row
            elif count > 4:
                assert scrolls
                assert hint.is_visible()
                region = page.get_by_role("region", name="Table of demands and positions")
                assert region.evaluate("e => e.classList.contains('matrix-wrap')")
                assert box.get_attribute("tabindex") == "0"
                assert box.get_attribute("aria-describedby") == hint.get_attribute("id")
                assert last not in row
            else:
                assert not scrolls
                assert hint.count() == 0
                assert last not in row
        finally:
            context.close()

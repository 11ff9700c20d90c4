"""The campaign, person and letter pages on paper: a real browser with print media on
an A4 page, in English and Urdu, with JavaScript off.

Each page is printed to a PDF once (saved under var/test-artifacts/, beside a
screenshot of the print layout) to prove it prints, and its print layout is read:
no navigation, form, button or sharing block shows, the content does, in black on
white, nothing sticks out of an A4 column, and external links name their address.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from habeas.cases import services as cases
from habeas.coalition.models import Campaign, Role
from habeas.demo.loader import CAMPAIGN, OPEN_LETTER_SLUG
from tests.factories import UserFactory, grant
from tests.test_browser_widths import OUTSIDE

pytestmark = pytest.mark.browser

SLUG = CAMPAIGN["slug"]
LANGUAGES = {"en": "", "ur": "/ur"}
SOURCE_URL = "https://example.org/reports/arrests-2025"
# A4's 210 mm less 15 mm margins either side, at CSS's 96 pixels to the inch.
COLUMN = round((210 - 2 * 15) / 25.4 * 96)
MARGIN = dict.fromkeys(("top", "right", "bottom", "left"), "15mm")

# What the print layout shows: every interactive-only element still laid out, the
# elements that are not black on a clear background, whether the title and the
# main text show, and each link's printed address (its ::after content).
PRINTED = """(() => {
    const shown = (e) => e.getClientRects().length > 0;
    const name = (e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : "");
    const interactive = "nav, form, input, button, select, textarea, .skip, .share";
    const coloured = [...document.querySelectorAll("body, body *")].filter(e => {
        const s = getComputedStyle(e);
        const clear = s.backgroundColor === "rgba(0, 0, 0, 0)" && s.backgroundImage === "none";
        return shown(e) && (!clear || s.color !== "rgb(0, 0, 0)");
    });
    const after = (a) => getComputedStyle(a, "::after").content;
    const main = document.querySelector("main");
    return {
        interactive: [...document.querySelectorAll(interactive)].filter(shown).map(name),
        coloured: coloured.slice(0, 5).map(name),
        title: shown(document.querySelector("h1")),
        text: main.innerText.trim().length,
        external: [...main.querySelectorAll("a[href^='http']")].filter(shown)
            .map(a => [a.href, after(a)]),
        internal: [...main.querySelectorAll("a[href^='/']")].map(after).filter(c => c !== "none"),
    };
})()"""


def _person_with_a_linked_source(campaign: Campaign) -> str:
    """A verified person whose source has an address, so the page has an external link."""
    documenter, second = UserFactory(username="documenter"), UserFactory(username="second")
    grant(documenter, Role.DOCUMENTER, campaign=campaign)
    grant(second, Role.DOCUMENTER, campaign=campaign)
    source = cases.SourceFacts("Arrests in Gilgit-Baltistan", "A rights monitor", url=SOURCE_URL)
    person = cases.person_save(
        by=documenter,
        source=source,
        campaign=campaign,
        name="Printed Person",
        summary="Arrested at a protest.",
    )
    cases.person_verify(by=second, person=person)
    person.refresh_from_db()
    return person.slug


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


@pytest.mark.django_db(transaction=True)
def test_the_campaign_person_and_letter_pages_print_on_a4(
    chromium: Any, live_server: Any, demo: None, artifacts: Path
) -> None:
    """On paper, in English and Urdu, the front page, the campaign, a person and the
    open letter show their content in black on white without navigation, forms,
    buttons or sharing; nothing is wider than an A4 column; a source's address is
    printed after its link (and no site link's); each prints to a few A4 pages."""
    person = _person_with_a_linked_source(Campaign.objects.get(slug=SLUG))
    pages = {
        "home": "/",
        "campaign": f"/campaigns/{SLUG}/",
        "person": f"/register/{person}/",
        "letter": f"/letters/{OPEN_LETTER_SLUG}/",
    }
    context = chromium.new_context(
        java_script_enabled=False,
        base_url=live_server.url,
        viewport={"width": COLUMN, "height": 1000},
    )
    faults: list[str] = []
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        for language, prefix in LANGUAGES.items():
            for label, path in pages.items():
                url = prefix + path
                response = page.goto(url)
                assert response is not None, url
                assert response.status == 200, (url, response.status)
                printed = page.evaluate(PRINTED)
                assert printed["title"], url
                assert printed["text"] > 200, (url, printed["text"])
                faults += [f"{url}: {e} is printed" for e in printed["interactive"]]
                faults += [f"{url}: {e} is not black on white" for e in printed["coloured"]]
                faults += [f"{url}: a site link prints {c}" for c in printed["internal"]]
                for href, after in printed["external"]:
                    if href not in after:
                        faults.append(f"{url}: {href} prints {after}, not its address")
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > COLUMN:
                    faults.append(f"{url}: {wide} px wide on A4")
                faults += [f"{url}: {e} is outside the column" for e in page.evaluate(OUTSIDE)]
                shot = artifacts / f"print-{language}-{label}"
                page.screenshot(path=str(shot.with_suffix(".png")), full_page=True)
                pdf = page.pdf(format="A4", margin=MARGIN, print_background=True)
                shot.with_suffix(".pdf").write_bytes(pdf)
                count = _pdf_pages(pdf)
                if not 1 <= count <= 8:
                    faults.append(f"{url}: {count} A4 pages")
                if label == "person":
                    assert [h for h, _ in printed["external"]] == [SOURCE_URL], printed
    finally:
        context.close()
    assert not faults, "\n".join(faults)

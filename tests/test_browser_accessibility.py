"""axe-core on every public page and the main organiser pages, in English and Urdu,
on a laptop and on a phone.

axe-core (tests/vendor/axe-core, see tests/vendor/VERSIONS.md) is injected into each
page by Playwright from the test tree; the site never serves it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from habeas.actions.models import Action
from habeas.cases.models import Person, PublicRecord
from habeas.cases.services.records import person_save
from habeas.coalition.models import Campaign, Organisation, Role
from habeas.core.models import Source
from habeas.demo.loader import OPEN_LETTER_SLUG, load_demo
from tests.factories import UserFactory, add_authenticator, browser_sign_in, grant

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

# WCAG 2.0 and 2.1, levels A and AA, and axe's best practices (landmarks, heading
# order, one main, unique ids for landmarks...). The "experimental" and AAA tags
# are left out: neither is a standard the site claims.
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# A laptop, then a phone: each page is loaded once and checked at both sizes, the
# window resized between the two runs (the phone's layouts are media queries).
VIEWPORTS = [{"width": 1280, "height": 720}, {"width": 390, "height": 844}]

# axe's "needs review" results count as failures too: an aria-describedby naming
# an id missing from the page, say, is reported only there. One kind is left out:
# the colour contrast of text inside the server-drawn charts (svg.chart), whose
# background axe cannot compute in SVG. Those labels are drawn in SVG's default
# black fill on the page's paper (#fffdf8, about 20:1), beside the bars and never
# over them (habeas/cases/charts.py).
_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
    const inChart = (node) => {
        const element = document.querySelector(node.target.join(' '));
        return element !== null && element.closest('svg.chart') !== null;
    };
    const report = (kind) => (rule) => ({
        kind: kind,
        id: rule.id,
        impact: rule.impact,
        help: rule.help,
        targets: rule.nodes
            .filter(n => kind === 'violation' || rule.id !== 'color-contrast' || !inChart(n))
            .map(n => n.target.join(' ')),
    });
    return [
        ...result.violations.map(report('violation')),
        ...result.incomplete.map(report('needs review')),
    ];
}"""


def _context(chromium: Any, live_server: Any) -> Any:
    return chromium.new_context(
        java_script_enabled=True, bypass_csp=True, base_url=live_server.url
    )


def _check(page: Any, paths: list[str], found: list[str]) -> None:
    """Open each path in English and Urdu, run axe on it at each viewport size and
    note every violation and every result axe leaves for review."""
    for prefix in ("", "/ur"):
        for path in paths:
            url = prefix + path
            response = page.goto(url)
            assert response is not None, url
            expected = 404 if "no-such-page" in path else 200
            assert response.status == expected, (url, response.status)
            page.add_script_tag(path=str(AXE))
            for viewport in VIEWPORTS:
                page.set_viewport_size(viewport)
                found.extend(
                    f"{url} at {viewport['width']} px: {rule['kind']} {rule['id']}"
                    f" ({rule['impact']}) {target} — {rule['help']}"
                    for rule in page.evaluate(_RUN, RULE_TAGS)
                    for target in rule["targets"]
                )


@pytest.mark.django_db(transaction=True)
def test_no_page_has_an_accessibility_violation(chromium: Any, live_server: Any) -> None:
    """axe-core finds no WCAG 2.1 A/AA or best-practice violation, and leaves nothing
    to review but the contrast of chart labels, on any public page of the demo or the
    main organiser pages, in English or in Urdu, 1280 or 390 pixels wide."""
    load_demo()
    campaign = Campaign.objects.get()
    slug = campaign.slug
    record = PublicRecord.objects.order_by("slug").first()
    assert record is not None
    action = Action.objects.filter(campaign=campaign).order_by("pk").first()
    assert action is not None
    organisation = Organisation.objects.get(slug="rci")
    public = [
        "/",
        f"/campaigns/{slug}/",
        f"/campaigns/{slug}/history/",
        "/register/",
        f"/register/{record.slug}/",
        f"/register/{record.slug}/history/",
        "/register/statistics/",
        "/letters/",
        f"/letters/{OPEN_LETTER_SLUG}/",
        f"/letters/{OPEN_LETTER_SLUG}/sign/",
        f"/letters/{OPEN_LETTER_SLUG}/signatories/",
        f"/letters/{OPEN_LETTER_SLUG}/endorsements/",
        "/actions/",
        f"/actions/{action.pk}/",
        "/actions/map/",
        f"/fund/{slug}/",
        f"/fund/{slug}/pledge/",
        "/organisations/",
        f"/organisations/{organisation.slug}/",
        "/accounts/login/",
        "/no-such-page/",
    ]
    organiser = UserFactory(username="organiser")
    for role in (Role.COORDINATOR, Role.MODERATOR, Role.DOCUMENTER):
        grant(organiser, role, campaign=campaign)
    grant(organiser, Role.ORG_ADMIN, organisation=organisation)
    grant(organiser, Role.TREASURER, organisation=organisation, campaign=campaign)
    device = add_authenticator(organiser)
    # One record another documenter entered, so that the review queue is not empty.
    colleague = UserFactory(username="colleague")
    grant(colleague, Role.DOCUMENTER, campaign=campaign)
    source = Source.objects.first()
    assert source is not None
    person_save(by=colleague, source=source, campaign=campaign, name="Awaiting Review")
    working = f"/register/working/{Person.objects.get(slug=record.slug).pk}/"
    treasury = f"/fund/{slug}/treasury/"
    organisers = [
        "/accounts/",
        f"/campaigns/{slug}/coordinate/",
        f"/campaigns/{slug}/moderation/",
        "/register/review/",
        "/register/working/new/",
        working,
        f"{working}edit/",
        "/letters/write/",
        "/actions/new/",
        "/correspondence/",
        f"/campaigns/{slug}/coordinate/settings/",
        f"/organisations/{organisation.slug}/members/",
        treasury,
        f"{treasury}payments/new/",
        f"{treasury}entries/",
        f"{treasury}accounts/",
        f"/fund/{slug}/settings/",
    ]

    found: list[str] = []
    # The pages work without JavaScript, and the other browser tests keep it off;
    # axe itself is JavaScript, so these contexts allow it. The site's Content
    # Security Policy (script-src 'self') would refuse the injected script, so
    # these contexts bypass it; no test here is about that policy.
    context = _context(chromium, live_server)
    try:
        _check(context.new_page(), public, found)
    finally:
        context.close()
    context = _context(chromium, live_server)
    try:
        page = context.new_page()
        browser_sign_in(page, organiser.username, device)
        _check(page, organisers, found)
    finally:
        context.close()
    assert not found, "\n".join([f"{len(found)} accessibility violations:", *found])

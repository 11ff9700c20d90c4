"""The home page in a real browser (Debian's Chromium), JavaScript off."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_live(transactional_db: None) -> None:
    from habeas.demo.loader import load_demo

    load_demo()


def _record_requests(page: Any) -> list[str]:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    return requested


@pytest.mark.usefixtures("demo_live")
def test_home_page_in_english_and_urdu(page: Any, live_server: Any, artifacts: Path) -> None:
    """Both languages render from this origin alone; Urdu runs right to left in its
    own face (the Naskh of fonts.css, as this machine has no Nastaliq)."""
    requested = _record_requests(page)
    origin = urlsplit(live_server.url).netloc

    page.goto("/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Free the political prisoners in Pakistan"
    )
    page.screenshot(path=str(artifacts / "home-en.png"), full_page=True)

    # The language switch is a plain link: it works with JavaScript off.
    page.get_by_role("link", name="اردو").click()
    page.wait_for_url("**/ur/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ur"
    assert page.get_by_role("heading", level=2, name="مشترکہ مطالبات").is_visible()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "home-ur.png"), full_page=True)
    # An English demand on the Urdu page keeps English quotation marks.
    quotes = page.evaluate("getComputedStyle(document.querySelector('q[lang=en]')).quotes")
    assert quotes.startswith('"\u201c" "\u201d"'), quotes

    assert any(url.endswith(".woff2") for url in requested), "the Urdu font was not loaded"
    assert requested, "no request was recorded"
    for url in requested:
        assert urlsplit(url).netloc == origin, f"request to another origin: {url}"
    assert (artifacts / "home-en.png").stat().st_size > 10_000
    assert (artifacts / "home-ur.png").stat().st_size > 10_000


QUOTES = """(lang) => {
    const q = document.createElement("q");
    q.lang = lang;
    q.textContent = "x";
    document.querySelector("main").append(q);
    return getComputedStyle(q).quotes;
}"""


@pytest.mark.usefixtures("demo_live")
def test_urdu_quoted_in_either_page_takes_urdu_marks(page: Any, live_server: Any) -> None:
    """A `q lang=ur` takes Urdu's marks as CLDR has them (U+201D opens, U+201C closes,
    U+2019 and U+2018 inside), in an Urdu page and in an English one; a `q lang=en`
    takes English marks in both, whatever the page's language."""
    urdu = '"\u201d" "\u201c" "\u2019" "\u2018"'
    english = '"\u201c" "\u201d" "\u2018" "\u2019"'
    for path in ("/ur/", "/"):
        page.goto(path)
        assert page.evaluate(QUOTES, "ur") == urdu, path
        assert page.evaluate(QUOTES, "en") == english, path

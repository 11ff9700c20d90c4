"""What a first visit costs: every response a public page needs, summed, per language.

Issue 19's budgets, for a reader on a throttled line: an English first visit
at most 30 KB, an Urdu one at most 100 KB (its font included). Each page is
opened in a fresh browser context (an empty cache), JavaScript off, and every
response it asks for is counted as it crossed the wire: headers and body.

The public pages are found as a visitor finds them: by following links from
the home page, anonymously, one page for each kind (each view). The static
files are served here uncompressed, as they come from the apps; production
serves them compressed, so these sums are an upper bound.
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.browser

BUDGET = {"en": 30_000, "ur": 100_000}
MAX_CRAWLED = 400


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            parts = urlsplit(href)
            if not parts.scheme and not parts.netloc and parts.path.startswith("/"):
                self.paths.append(parts.path)


def _public_pages() -> dict[str, str]:
    """The first English path found for each view an anonymous visitor can reach by
    links from the home page, HTML pages only (no downloads, no Urdu switch)."""
    client = Client()
    pages: dict[str, str] = {}
    queue, seen = deque(["/"]), {"/"}
    while queue and len(seen) < MAX_CRAWLED:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        pages.setdefault(resolve(path).view_name, path)
        links = _Links()
        links.feed(response.content.decode())
        for found in links.paths:
            if found in seen or found.startswith(("/ur/", "/static/", "/media/")):
                continue
            try:
                resolve(found)
            except Resolver404:
                continue
            seen.add(found)
            queue.append(found)
    return pages


def _first_visit(chromium: Any, base_url: str, path: str) -> tuple[int, list[str]]:
    """Bytes of every response a first visit to ``path`` needs, and their URLs."""
    context = chromium.new_context(java_script_enabled=False, base_url=base_url)
    try:
        page = context.new_page()
        requests: list[Any] = []
        page.on("requestfinished", lambda request: requests.append(request))
        page.goto(path)
        page.wait_for_load_state("networkidle")
        total = 0
        for request in requests:
            sizes = request.sizes()
            total += sizes["responseHeadersSize"] + sizes["responseBodySize"]
        return total, [request.url for request in requests]
    finally:
        context.close()


@pytest.fixture
def demo_live(transactional_db: None) -> None:
    from habeas.demo.loader import load_demo

    load_demo()


@pytest.mark.usefixtures("demo_live")
def test_a_first_visit_to_each_public_page_keeps_within_its_budget(
    chromium: Any, live_server: Any, artifacts: Path
) -> None:
    pages = _public_pages()
    # The crawl must have found the campaign's pages of every kind, or it proves little.
    for view in ("home", "campaign", "cases:person", "letters:letter", "actions:detail"):
        assert view in pages, sorted(pages)
    report, over = [], []
    fonts_fetched = 0
    for path in sorted(pages.values()):
        for language, prefix in (("en", ""), ("ur", "/ur")):
            total, urls = _first_visit(chromium, live_server.url, prefix + path)
            fonts = [url for url in urls if url.endswith(".woff2")]
            fonts_fetched += bool(fonts) and language == "ur"
            assert language == "ur" or not fonts, f"{path}: an English page fetched {fonts}"
            report.append(f"{language} {total:>7,} B {len(urls):>2} responses {prefix}{path}")
            if total > BUDGET[language]:
                over.append(report[-1])
    (artifacts / "page-weight.txt").write_text("\n".join(report) + "\n")
    # The Urdu sums include the font: this machine has no Nastaliq of its own.
    assert fonts_fetched == len(pages), "an Urdu page was measured without its font"
    assert over == [], over

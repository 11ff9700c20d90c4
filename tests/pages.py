"""Helpers for tests that measure what a public page costs to render.

Public pages are kept for visitors (habeas.core.pagecache). A test that counts
a page's queries empties that cache first, so the page renders, and leaves
out the cache's own reads and writes, which are not the page's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches

from habeas.core.pagecache import CACHE_ALIAS

PAGE_CACHE_TABLE = "habeas_pages"


def forget_pages() -> None:
    """Empty the public-page cache: each page's next visitor request renders."""
    caches[CACHE_ALIAS].clear()


def page_queries(captured: list[dict[str, Any]]) -> list[str]:
    """The SQL a page's own code ran, from ``CaptureQueriesContext.captured_queries``:
    without the statements on the page cache's table and the savepoints that
    wrap its writes."""
    sql = [query["sql"] for query in captured]
    cache_rows = {i for i, text in enumerate(sql) if PAGE_CACHE_TABLE in text}
    kept = []
    for i, text in enumerate(sql):
        if i in cache_rows:
            continue
        word = text.lstrip().split(None, 1)[0].upper() if text.strip() else ""
        if word == "SAVEPOINT" and i + 1 in cache_rows:
            continue
        if word == "RELEASE" and i - 1 in cache_rows:
            continue
        kept.append(text)
    return kept

"""Bounded lists for pages: no page lists an unbounded set.

A page shows either a capped list (the first few, and how many there are in
all, with a link to where all of them are paged) or one page of a list,
each with its own query-string parameter so that several lists on one page
page independently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict

T = TypeVar("T")

# How many items a capped list on a public page shows.
CAP = 24
# How many rows one page of an organiser's list shows.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Capped(Generic[T]):
    """The first ``len(items)`` of ``total`` items."""

    items: Sequence[T]
    total: int

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def more(self) -> bool:
        """Whether some items are not shown."""
        return self.total > len(self.items)


def capped(queryset: QuerySet[Any], limit: int = CAP) -> Capped[Any]:
    """The first ``limit`` rows of ``queryset`` and how many it holds.

    Reads ``limit + 1`` rows, and counts only when there are more than
    ``limit``: one query for a short list, two for a long one, whatever its length.
    """
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return Capped(rows, len(rows))
    return Capped(rows[:limit], queryset.count())


@dataclass(frozen=True)
class Paged:
    """One page of a list, read from the query-string parameter ``param``."""

    page: Page[Any]
    param: str
    query: QueryDict

    def __bool__(self) -> bool:
        return self.page.paginator.count > 0

    def __iter__(self) -> Any:
        return iter(self.page.object_list)

    def link(self, number: int) -> str:
        """The query string of page ``number``, every other parameter kept."""
        query = self.query.copy()
        query[self.param] = str(number)
        return "?" + query.urlencode()

    @property
    def previous_link(self) -> str:
        return self.link(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_link(self) -> str:
        return self.link(self.page.next_page_number()) if self.page.has_next() else ""


def paged(queryset: QuerySet[Any], query: QueryDict, param: str, size: int = PAGE_SIZE) -> Paged:
    """The page of ``queryset`` that ``query[param]`` names (the first if absent or bad)."""
    return Paged(Paginator(queryset, size).get_page(query.get(param)), param, query)

"""One way to make a slug: readable, bounded, never one already taken."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from habeas.core.slugs import unique_slug

SLUG = re.compile(r"^[-a-z0-9_]+$")


@given(name=st.text(max_size=200), taken=st.sets(st.text(max_size=80), max_size=20))
def test_a_slug_is_a_slug_of_bounded_length_and_free(name: str, taken: set[str]) -> None:
    slug = unique_slug(name, taken=taken.__contains__, fallback="item", length=60)
    assert SLUG.match(slug)
    assert slug not in taken
    assert len(slug) <= 60 + 1 + len(str(len(taken) + 1))


@given(n=st.integers(min_value=0, max_value=30))
def test_a_taken_slug_gets_the_next_number(n: int) -> None:
    taken = {"free-them"} | {f"free-them-{i}" for i in range(2, n + 2)}
    assert unique_slug("Free them!", taken=taken.__contains__, fallback="item") == (
        f"free-them-{n + 2}"
    )


def test_a_name_without_latin_letters_falls_back() -> None:
    assert unique_slug("سیاسی قیدی", taken=lambda _: False, fallback="person") == "person"
    assert unique_slug("", taken={"person"}.__contains__, fallback="person") == "person-2"

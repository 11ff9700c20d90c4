"""Properties checked with Hypothesis: dates with precision, search words, slugs."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.cases import search
from habeas.cases.dates import shown
from habeas.cases.importer import parse_date
from habeas.cases.models import Person, Precision
from habeas.cases.publication import _date
from habeas.core.slugs import unique_slug

EXAMPLES = settings(max_examples=80, deadline=None)
WIDTH: dict[str, int] = {Precision.DAY: 10, Precision.MONTH: 7, Precision.YEAR: 4}


@EXAMPLES
@given(
    day=st.dates(min_value=datetime.date(1000, 1, 1)),
    precision=st.sampled_from([Precision.DAY, Precision.MONTH, Precision.YEAR]),
    pad=st.sampled_from(["", " ", "\t", "  \n"]),
)
def test_a_date_reads_and_shows_as_far_as_it_is_known(
    day: datetime.date, precision: str, pad: str
) -> None:
    """'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' is read as the first day it can mean,
    with its precision, and shown no further than it is known: the machine-readable
    value exactly as written, the text as ``dates.shown`` words it."""
    text = day.isoformat()[: WIDTH[precision]]
    value, found = parse_date(pad + text + pad)
    assert found == precision
    assert value is not None
    assert value.isoformat().startswith(text)
    assert value == datetime.date.fromisoformat((text + "-01-01")[:10])
    html = render_to_string("cases/_date.html", {"d": _date(value, found)})
    assert html.strip() == f'<time datetime="{text}">{shown(value, found)}</time>'
    if precision == Precision.YEAR:
        assert shown(value, found) == text


@EXAMPLES
@given(st.text(max_size=12))
def test_any_text_is_a_date_or_a_value_error(text: str) -> None:
    """Whatever is typed, parse_date answers a date and its precision or ValueError
    (which the form turns into a message), never another error."""
    try:
        value, precision = parse_date(text)
    except ValueError:
        return
    assert precision in Precision.values
    assert (value is None) == (precision == Precision.UNKNOWN)


@pytest.mark.parametrize("text", ["", "  ", "unknown", "UNKNOWN"])
def test_an_unknown_date_shows_as_not_known(text: str) -> None:
    value, precision = parse_date(text)
    assert (value, precision) == (None, Precision.UNKNOWN)
    html = render_to_string("cases/_date.html", {"d": _date(value, precision)})
    assert "date not known" in html


WORD = st.text(alphabet=st.characters(categories=["L", "Nd", "M"]), min_size=1, max_size=12)
ACCENTS = "\u0300\u0301\u0302\u0303\u0308\u0304\u030c\u0327"


@EXAMPLES
@given(st.lists(WORD, min_size=1, max_size=5))
def test_search_words_are_normalised_one_by_one(words: list[str]) -> None:
    """Normalising a name normalises each of its words, and a normalised word
    normalises to itself: a search for a word finds the name that holds it."""
    whole = search.normalise(" ".join(words)).split()
    assert whole == " ".join(search.normalise(word) for word in words).split()
    for word in whole:
        assert search.normalise(word) == word
        assert re.fullmatch(r"\w+", word)


@EXAMPLES
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            st.sampled_from(["", *ACCENTS]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_search_ignores_case_and_accents(letters: list[tuple[str, str]]) -> None:
    """'Sālār' and 'SALAR' are the same search words."""
    import unicodedata

    accented = unicodedata.normalize("NFC", "".join(a + b for a, b in letters))
    plain = "".join(a for a, _b in letters)
    assert search.normalise(accented) == plain.lower()
    assert search.normalise(plain.upper()) == plain.lower()


SLUG_LENGTH = Person._meta.get_field("slug").max_length


@EXAMPLES
@given(name=st.text(max_size=300), taken=st.sets(st.integers(min_value=1, max_value=6)))
def test_a_slug_is_a_free_address(name: str, taken: set[int]) -> None:
    """A person's slug is never one already taken, fits its column, and makes a
    working address, whatever the name (Urdu, symbols, empty)."""
    from django.utils.text import slugify

    base = slugify(name)[:60] or "person"
    used = {base if n == 1 else f"{base}-{n}" for n in taken}
    slug = unique_slug(name, taken=used.__contains__, fallback="person")
    assert slug not in used
    assert slug == base or re.fullmatch(re.escape(base) + r"-\d+", slug)
    assert SLUG_LENGTH is not None
    assert len(slug) <= SLUG_LENGTH
    assert reverse("cases:person", kwargs={"slug": slug}) == f"/register/{slug}/"

"""One search interface over the public register, on SQLite FTS5 or PostgreSQL full text.

Text is normalised the same way when indexed and when searched (accents
and case removed, Urdu and Latin scripts kept), so "Salaar" finds "Sālār"
on both engines. The services that publish a record keep the index in step.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from habeas.cases.models import PublicRecord

FTS_TABLE = "cases_register_fts"
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8


def normalise(text: str) -> str:
    """Case- and accent-folded words of ``text``, space-separated."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(stripped.casefold()))


# PostgreSQL refuses a lexeme of 2 KiB or more; no name or place is that long.
MAX_LEXEME_BYTES = 2000


def vector(words: str) -> str | None:
    """A record's tsvector, as text, on PostgreSQL; None on SQLite.

    The normalised words are the lexemes as they are: not run again through
    PostgreSQL's parser, whose idea of a word depends on the server's locale
    (Urdu script among others), and without positions, which prefix search
    does not use. Searches build their tsquery the same way (``matching``).
    The vector is written with the record, in one COPY; on SQLite the FTS5
    table is written by ``index`` instead.
    """
    if connection.vendor != "postgresql":
        return None
    return " ".join(
        f"'{word}'"  # words are \w+: no quote or backslash to escape
        for word in dict.fromkeys(words.split())
        if len(word.encode()) < MAX_LEXEME_BYTES
    )


def index(words: list[tuple[int, str]]) -> None:
    """Put published records' normalised words in SQLite's FTS5 table (two statements).

    ``words`` pairs each record's key with ``normalise``d text. On
    PostgreSQL the vector is written with the record (``vector``).
    """
    if connection.vendor == "postgresql" or not words:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608
            [(pk,) for pk, _text in words],
        )
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (%s, %s)",  # noqa: S608
            words,
        )


def unindex(keys: list[int]) -> None:
    """Take records out of SQLite's FTS5 table (their records are being deleted)."""
    if connection.vendor == "postgresql" or not keys:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608
            [(pk,) for pk in keys],
        )


def matching(
    records: QuerySet[PublicRecord], query: str, *, in_sort_order: bool = False
) -> QuerySet[PublicRecord]:
    """``records`` narrowed to those matching every word of ``query`` (words as prefixes).

    The match stays inside the database (a subquery on SQLite, the GIN index
    on PostgreSQL), so a common name matching tens of thousands of records
    costs no list of ids. A query without words leaves ``records`` as they are.

    ``in_sort_order`` is for a page of a search that matches many records,
    on SQLite: the records are then read along the index of the page's sort
    order and each is checked against the matches, so the first page needs
    no sort of every match (a few milliseconds, not tens, at 18,000 matches
    of 100,000). For few matches the plain plan is faster, and a count is
    always faster plain.
    """
    terms = normalise(query).split()[:MAX_TERMS]
    if not terms:
        return records
    if connection.vendor == "postgresql":
        # Lexemes as they are, as ``vector`` writes them: a cast, not to_tsquery.
        tsquery = " & ".join(f"'{term}':*" for term in terms)
        return records.filter(
            RawSQL(  # the user's words go in as a parameter
                '"cases_publicrecord"."search_vector" @@ CAST(%s AS tsquery)',
                [tsquery],
                output_field=BooleanField(),
            )
        )
    match = " ".join(f'"{term}"*' for term in terms)
    if in_sort_order:
        return records.filter(
            # "+ 0" keeps SQLite from looking records up by key from the
            # matches, so it walks the sort order's index instead.
            RawSQL(  # noqa: S611
                f'("cases_publicrecord"."person_id" + 0) IN '  # noqa: S608
                f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
                [match],
                output_field=BooleanField(),
            )
        )
    return records.filter(
        # The table name is a constant; the user's words go in as a parameter.
        pk__in=RawSQL(  # noqa: S611
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [match],
        )
    )

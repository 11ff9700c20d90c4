"""One search interface over the public register, on SQLite FTS5 or PostgreSQL full text.

Text is normalised the same way when indexed and when searched (accents
and case removed, Urdu and Latin scripts kept), so "Salaar" finds "Sālār"
on both engines. The services that publish a record keep the index in step.
"""

from __future__ import annotations

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import QuerySet
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


def index(records: list[PublicRecord]) -> None:
    """Put published records' text in the engine's full-text index (two statements)."""
    rows = [(normalise(r.search_text), r.pk) for r in records]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.executemany(
                "UPDATE cases_publicrecord SET search_vector = to_tsvector('simple', %s) "
                "WHERE person_id = %s",
                rows,
            )
            return
        cursor.executemany(
            f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608
            [(pk,) for _text, pk in rows],
        )
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (body, rowid) VALUES (%s, %s)",  # noqa: S608
            rows,
        )


def matching(records: QuerySet[PublicRecord], query: str) -> QuerySet[PublicRecord]:
    """``records`` narrowed to those matching every word of ``query`` (words as prefixes).

    The match stays inside the database (a subquery on SQLite, the GIN index
    on PostgreSQL), so a common name matching tens of thousands of records
    costs no list of ids. A query without words leaves ``records`` as they are.
    """
    terms = normalise(query).split()[:MAX_TERMS]
    if not terms:
        return records
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return records.filter(
            search_vector=SearchQuery(tsquery, search_type="raw", config="simple")
        )
    match = " ".join(f'"{term}"*' for term in terms)
    return records.filter(
        # The table name is a constant; the user's words go in as a parameter.
        pk__in=RawSQL(  # noqa: S611
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [match],
        )
    )

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


def search_ids(query: str) -> list[int] | None:
    """Ids of public records matching every word of ``query`` (words as prefixes).

    None when the query has no words, meaning "no search".
    """
    terms = normalise(query).split()[:MAX_TERMS]
    if not terms:
        return None
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        found = PublicRecord.objects.filter(
            search_vector=SearchQuery(tsquery, search_type="raw", config="simple")
        )
        return list(found.values_list("pk", flat=True))
    match = " ".join(f'"{term}"*' for term in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [match],
        )
        return [row[0] for row in cursor.fetchall()]

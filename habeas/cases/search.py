"""One search interface over the public register, on SQLite FTS5 or PostgreSQL full text.

Text is normalised the same way when indexed and when searched (accents
and case removed, the Arabic and Urdu forms of a letter made one), so
"Salaar" finds "Sālār" and "علي" finds "علی" on both engines. Names are
also found however they are spelt in Latin letters or Urdu script: each
name word has a spelling key (``key``), kept in the same index as the
words, and a search matches a word typed or its key. A record that matches
every word as typed comes before one found only through a key
(``EXACT``, then ``VARIANTS``). The services that publish a record keep
the index in step.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Literal

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from habeas.cases.models import PublicRecord
from habeas.cases.publication import name_text, search_text

FTS_TABLE = "cases_register_fts"
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8

# One letter, however it was typed: the Arabic code points Urdu keyboards
# and pasted text use for Urdu's yeh, kaf and heh, and the marks that only
# join or stretch letters (tatweel, zero-width non-joiner and joiner).
# Hamza and madda on a letter, and every diacritic, go with the accents.
_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Farsi yeh, Urdu's
        "\u0649": "\u06cc",  # alef maksura -> Farsi yeh
        "\u0643": "\u06a9",  # Arabic kaf -> keheh, Urdu's
        "\u0647": "\u06c1",  # Arabic heh -> heh goal, Urdu's
        "\u0629": "\u06c1",  # teh marbuta -> heh goal
        "\u06c3": "\u06c1",  # teh marbuta goal -> heh goal
        "\u06d5": "\u06c1",  # ae -> heh goal
        "\u06be": "\u06c1",  # heh doachashmee -> heh goal (typed for one another)
        "\u0640": None,  # tatweel
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
    }
)


def normalise(text: str) -> str:
    """Case- and accent-folded words of ``text``, space-separated."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(stripped.casefold().translate(_LETTERS)))


# --- Spelling keys ------------------------------------------------------------
#
# Pakistani names are written in Latin letters many ways (Muhammad, Mohammad,
# Mohammed; Chaudhry, Choudhry, Chaudhary). A name word's key keeps what the
# spellings agree on: its consonants, with the letters that stand for one
# sound in another spelling made one, and the class of its first vowel, so
# that Hussain and Hassan, or Muhammad and Mahmood, stay apart.

_LATIN_NAME = re.compile(r"[a-z]+")
_URDU_NAME = re.compile(r"[\u0600-\u06ff]+")
# Letters that write one sound, in the order they are folded. The sounds
# kh, gh, sh and ch are their own letters in Urdu (خ غ ش چ) and stay apart,
# as upper-case stand-ins turned into free lower-case letters at the end
# (FTS5 folds case); after b, d, j, p, r and t an h only marks aspiration,
# which spellings keep or drop (Chaudhry, Chaudry).
_SPELLINGS = (
    ("x", "ks"),
    ("kh", "X"),
    ("gh", "G"),
    ("sh", "S"),
    ("ch", "C"),
    ("ph", "f"),
    ("ck", "k"),
    ("c", "k"),
    ("q", "k"),
    ("v", "w"),
)
_ASPIRATED = re.compile(r"([bdjprt])h")
_FINAL_H = re.compile(r"(?<=[aeiouy])h$")  # Fatimah, Shah
_DOUBLED = re.compile(r"(.)\1+")
_STAND_INS = str.maketrans({"X": "x", "G": "v", "S": "q", "C": "c"})
_VOWELS = "aeiou"
# Urdu letters a key drops after the first: alef, which spellings add or
# leave out for a long a (رحمان, رحمن), heh, which marks aspiration or a
# final vowel (چودھری, چوہدری; فاطمہ), and a hamza standing alone.
_URDU_VOWELS = str.maketrans({"\u0627": None, "\u06c1": None, "\u0621": None})


def key(word: str) -> str | None:
    """The spelling key of one normalised name word; None if it has none.

    Latin: Yousaf, Yusuf and Yousuf give "yusf"; Urdu: چودھری and چوہدری give
    "چودری". A word of digits, of mixed scripts, of vowels alone ("aaa") or
    whose key would be a single letter has no key, so it is found only as
    typed: a one-letter key would find every short name.
    """
    if _LATIN_NAME.fullmatch(word):
        return _latin_key(word)
    if _URDU_NAME.fullmatch(word):
        folded = _DOUBLED.sub(r"\1", word[0] + word[1:].translate(_URDU_VOWELS))
        return folded if len(folded) >= 2 else None
    return None


def _latin_key(word: str) -> str | None:
    for spelt, sound in _SPELLINGS:
        word = word.replace(spelt, sound)
    word = _DOUBLED.sub(r"\1", _FINAL_H.sub("", _ASPIRATED.sub(r"\1", word)))

    def vowel(i: int) -> bool:
        letter = word[i]
        before_vowel = i + 1 < len(word) and word[i + 1] in _VOWELS
        if letter == "y":  # a consonant only at the start: Yusuf, not Maryam
            return not (i == 0 and before_vowel)
        if letter == "w":  # a vowel after one: Chowdhury, not Awan or Rizwan
            return i > 0 and word[i - 1] in _VOWELS and not before_vowel
        return letter in _VOWELS

    symbols: list[str] = []
    consonants = 0
    first_vowel = True
    i = 0
    while i < len(word):
        if not vowel(i):
            symbols.append(word[i])
            consonants += 1
            i += 1
            continue
        end = i
        while end < len(word) and vowel(end):
            end += 1
        if first_vowel:
            # A vowel that opens the word is only marked (Ehsan, Ahsan, Ihsan);
            # after a consonant its class stays: a and e (Rehman, Rahman),
            # o and u (Mohammad, Muhammad), i (Siddiqui).
            symbols.append("a" if i == 0 else _vowel_class(word[i:end]))
            first_vowel = False
        i = end
    folded = "".join(symbols).translate(_STAND_INS)
    return folded if consonants and len(folded) >= 2 else None


def _vowel_class(run: str) -> str:
    """One letter for a run of vowels: u for any o or u (Chaudhry, Choudhry), a for
    any a or e (Hussain and Hussein differ only later), i otherwise."""
    if "o" in run or "u" in run:
        return "u"
    if "a" in run or "e" in run:
        return "a"
    return "i"


def keys(words: str) -> str:
    """The spelling keys of normalised name words, space-separated, each once."""
    found = (key(word) for word in words.split())
    return " ".join(dict.fromkeys(k for k in found if k))


# --- The index ------------------------------------------------------------------

# PostgreSQL refuses a lexeme of 2 KiB or more; no name or place is that long.
MAX_LEXEME_BYTES = 2000
# A key's lexeme on PostgreSQL starts with a character no normalised word
# holds (words are \w+), so a key is never taken for a word typed.
KEY_MARK = "~"


def vector(words: str, name_keys: str = "") -> str | None:
    """A record's tsvector, as text, on PostgreSQL; None on SQLite.

    The normalised words are the lexemes as they are: not run again through
    PostgreSQL's parser, whose idea of a word depends on the server's locale
    (Urdu script among others), and without positions, which prefix search
    does not use. The spelling keys of its names follow, marked (KEY_MARK).
    Searches build their tsquery the same way (``matching``). The vector is
    written with the record, in one COPY; on SQLite the FTS5 table is
    written by ``index`` instead.
    """
    if connection.vendor != "postgresql":
        return None
    lexemes = [*words.split(), *(KEY_MARK + k for k in name_keys.split())]
    return " ".join(
        f"'{lexeme}'"  # words and keys are \w+ (and the mark): nothing to escape
        for lexeme in dict.fromkeys(lexemes)
        if len(lexeme.encode()) < MAX_LEXEME_BYTES
    )


def index(rows: list[tuple[int, str, str]]) -> None:
    """Put published records' words and keys in SQLite's FTS5 table (two statements).

    ``rows`` pairs each record's key with its ``normalise``d text and its
    names' spelling keys (``keys``). On PostgreSQL the vector is written
    with the record (``vector``).
    """
    if connection.vendor == "postgresql" or not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608
            [(row[0],) for row in rows],
        )
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, body, keys) VALUES (%s, %s, %s)",  # noqa: S608
            rows,
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


# --- Searching ------------------------------------------------------------------

Part = Literal["all", "exact", "variants"]
ALL: Part = "all"  # every word found as typed or through its key
EXACT: Part = "exact"  # every word found as typed
VARIANTS: Part = "variants"  # found, but some word only through its key


def terms(query: str) -> list[tuple[str, str | None]]:
    """The words a search looks for (at most MAX_TERMS), each with its spelling key."""
    return [(word, key(word)) for word in normalise(query).split()[:MAX_TERMS]]


def has_variants(query: str) -> bool:
    """Whether some word of ``query`` has a spelling key (else nothing is a variant)."""
    return any(k for _word, k in terms(query))


def matching(
    records: QuerySet[PublicRecord],
    query: str,
    *,
    part: Part = ALL,
    in_sort_order: bool = False,
) -> QuerySet[PublicRecord]:
    """``records`` narrowed to those matching every word of ``query``.

    A word matches a record's word it begins (words as prefixes), or, for
    ``ALL`` and ``VARIANTS``, a name word with the same spelling key. ``EXACT``
    and ``VARIANTS`` divide ``ALL`` between them, so a page can list exact
    matches first. A query without words finds nothing.

    The match stays inside the database (a subquery on SQLite, the GIN index
    on PostgreSQL), so a common name matching tens of thousands of records
    costs no list of ids.

    ``in_sort_order`` is for a page of a search that matches many records,
    on SQLite: the records are then read along the index of the page's sort
    order and each is checked against the matches, so the first page needs
    no sort of every match (a few milliseconds, not tens, at 18,000 matches
    of 100,000). For few matches the plain plan is faster, and a count is
    always faster plain.
    """
    found = terms(query)
    if not found or (part == VARIANTS and not any(k for _w, k in found)):
        return records.none()
    if connection.vendor == "postgresql":
        # Lexemes as they are, as ``vector`` writes them: a cast, not to_tsquery.
        return records.filter(
            RawSQL(  # the user's words go in as a parameter
                '"cases_publicrecord"."search_vector" @@ CAST(%s AS tsquery)',
                [_expression(found, part, _TSQUERY)],
                output_field=BooleanField(),
            )
        )
    match = _expression(found, part, _FTS5)
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


# How each engine writes a word as a prefix, a key, and the operators.
_TSQUERY = {
    "word": "'{}':*",
    "key": "'" + KEY_MARK + "{}'",
    "and": " & ",
    "or": " | ",
    "but not": " & !",
}
_FTS5 = {
    "word": 'body : "{}"*',
    "key": 'keys : "{}"',
    "and": " AND ",
    "or": " OR ",
    "but not": " NOT ",
}


def _expression(found: list[tuple[str, str | None]], part: Part, syntax: dict[str, str]) -> str:
    """The match of ``part`` for words and their keys, in an engine's syntax.

    Exact: every word as typed. All: every word as typed or through its
    key. Variants: all, but not exact, written as "some word found through
    its key and not as typed, and the others either way", so that each
    alternative holds a key the index can look up.
    """

    def typed(word: str) -> str:
        return "(" + syntax["word"].format(word) + ")"

    def either(word: str, spelling: str | None) -> str:
        if spelling is None:
            return typed(word)
        return f"({typed(word)}{syntax['or']}({syntax['key'].format(spelling)}))"

    if part == EXACT:
        return syntax["and"].join(typed(word) for word, _k in found)
    if part == ALL:
        return syntax["and"].join(either(word, k) for word, k in found)
    alternatives = []
    for n, (word, spelling) in enumerate(found):
        if spelling is None:
            continue
        only_key = f"(({syntax['key'].format(spelling)}){syntax['but not']}{typed(word)})"
        others = [either(w, k) for m, (w, k) in enumerate(found) if m != n]
        alternatives.append("(" + syntax["and"].join([only_key, *others]) + ")")
    return syntax["or"].join(alternatives)


# --- Rebuilding the index ---------------------------------------------------------

REBUILD_BATCH = 1000


def rebuild(record_model: Any, version_model: Any, *, with_keys: bool = True) -> int:
    """Write every public record's words (and its names' keys) into the index afresh.

    For records published before the index held what it holds now: a data
    migration calls it with its historical models. Reads each record's
    names from the record and the rest from its latest version's data, as
    publishing does (``publication.search_text``); records of an import run
    not yet public included, as publishing indexes them too. Returns how
    many records it indexed. On SQLite the FTS5 table must exist, empty.
    """
    records = record_model._base_manager.order_by("pk").values_list(
        "pk", "name", "name_ur", "home_region", "version"
    )
    done = 0
    last = 0
    while batch := list(records.filter(pk__gt=last)[:REBUILD_BATCH]):
        last = batch[-1][0]
        latest = {(row[0], row[4]) for row in batch}
        data = {
            person_id: value
            for person_id, number, value in version_model._base_manager.filter(
                person_id__in=[row[0] for row in batch],
                number__in={row[4] for row in batch},
            ).values_list("person_id", "number", "data")
            if (person_id, number) in latest
        }
        rows = []
        for pk, name, name_ur, region, _version in batch:
            public = data.get(pk) or {}
            person = {"name": name, "name_ur": name_ur, "home_region": region}
            facts = {
                "aliases": public.get("aliases", []),
                "detentions": public.get("detentions", []),
            }
            text = normalise(search_text(person, facts))
            name_keys = keys(normalise(name_text(person, facts))) if with_keys else ""
            rows.append((pk, text, name_keys))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE cases_publicrecord SET search_vector = CAST(%s AS tsvector)"
                    " WHERE person_id = %s",
                    [(vector(text, name_keys), pk) for pk, text, name_keys in rows],
                )
        elif with_keys:
            index(rows)
        else:  # the table as it was before keys
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (%s, %s)",  # noqa: S608
                    [(pk, text) for pk, text, _k in rows],
                )
        done += len(rows)
    return done

"""Names are found however they are spelt, in Latin letters and in Urdu script.

Each published name word carries a spelling key (``search.key``) beside its
words in the search index; a search matches a word as typed or through its
key, and lists the records matching every word as typed first.
"""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, TestCase

from habeas.cases import queries, search, services
from habeas.cases.models import Person, PublicRecord, Status
from habeas.coalition.models import Role
from habeas.core.models import Source
from tests.factories import CampaignFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

ROW_NAME = re.compile(r'<tr><td><a href="/register/[^/"]+/" lang="en" dir="ltr">([^<]*)</a>')

# Real Pakistani names, each with spellings in common use: the first is the
# published one, every other must find it.
VARIANT_SETS = [
    ["Muhammad", "Mohammad", "Mohammed", "Muhammed", "Mohamed"],
    ["Hussain", "Husain", "Hussein", "Hossain"],
    ["Salaar", "Salar"],
    ["Ehsan", "Ahsan", "Ihsan"],
    ["Farooq", "Farouk", "Faruq", "Farook"],
    ["Qasim", "Kasim", "Qaasim", "Kassim"],
    ["Zulfiqar", "Zulfikar", "Zulfeqar"],
    ["Rehman", "Rahman", "Rehmaan", "Rahmaan"],
    ["Yousaf", "Yusuf", "Yousuf", "Yusaf"],
    ["Iqbal", "Ikbal"],
    ["Shahid", "Shaheed"],
    ["Chaudhry", "Chaudhary", "Choudhry", "Chowdhury", "Chaudry"],
    ["Siddiqui", "Siddiqi", "Siddique"],
    ["Mehmood", "Mahmood", "Mahmud"],
    ["Ayesha", "Aisha", "Aysha"],
    ["Fatima", "Fatimah", "Fatema"],
    ["Naveed", "Navid", "Naweed"],
    ["Zainab", "Zaynab", "Zenab"],
]
# Spellings of the same name in Urdu script: as keyboards and pasted text
# give them (Arabic yeh, kaf and heh, diacritics, tatweel, hamza forms).
URDU_SETS = [
    ["محمد", "مُحَمَّد", "محـمد"],
    ["علی", "علي", "على"],
    ["کامران", "كامران"],
    ["فاطمہ", "فاطمة", "فاطمه"],
    ["عائشہ", "عایشہ"],
    ["چودھری", "چوہدری", "چودهری"],
    ["رحمان", "رحمن"],
    ["ذوالفقار", "ذولفقار"],
]
# Different names, never found for one another.
DIFFERENT = [
    ("Salar", "Sultan"),
    ("Hussain", "Hassan"),
    ("Muhammad", "Mahmood"),
    ("Iqbal", "Akbar"),
    ("Shahid", "Sajid"),
    ("Qasim", "Kashif"),
    ("محمد", "محمود"),
]


@pytest.fixture
def people() -> dict[str, Any]:
    campaign = CampaignFactory(slug="free-them")
    users = {name: UserFactory(username=name) for name in ("doc1", "doc2")}
    for user in users.values():
        grant(user, Role.DOCUMENTER, campaign=campaign)
    source = Source.objects.create(title="Court record 12", publisher="High Court")
    return {"campaign": campaign, "source": source, **users}


def _publish(people: dict[str, Any], name: str, **fields: Any) -> Person:
    person = services.person_save(
        by=people["doc1"],
        source=people["source"],
        campaign=people["campaign"],
        name=name,
        **fields,
    )
    services.detention_add(
        by=people["doc1"],
        person=person,
        source=people["source"],
        arrested_on=datetime.date(2025, 5, 12),
        arrested_precision="DAY",
        status=Status.DETAINED,
        place="Gilgit",
        authority="Police",
    )
    services.person_verify(by=people["doc2"], person=person)
    return person


def _listed(query: str, **params: str) -> list[str]:
    response = Client().get("/register/", {"q": query, **params})
    assert response.status_code == 200
    return ROW_NAME.findall(response.content.decode())


@pytest.mark.parametrize("spellings", VARIANT_SETS, ids=lambda s: s[0])
def test_a_name_is_found_under_each_of_its_spellings(
    people: dict[str, Any], spellings: list[str]
) -> None:
    published = f"{spellings[0]} Baloch"
    _publish(people, published)
    _publish(people, "Tariq Mengal")
    for spelling in spellings:
        assert _listed(spelling) == [published], spelling
        assert _listed(f"{spelling.upper()} baloch") == [published], spelling


@pytest.mark.parametrize("spellings", URDU_SETS, ids=lambda s: s[0])
def test_a_name_in_urdu_script_is_found_however_its_letters_were_typed(
    people: dict[str, Any], spellings: list[str]
) -> None:
    _publish(people, "Ali Baloch", name_ur=f"{spellings[0]} بلوچ")
    _publish(people, "Tariq Mengal", name_ur="طارق مینگل")
    for spelling in spellings:
        assert _listed(spelling) == ["Ali Baloch"], spelling
        # The zero-width non-joiner some keyboards put inside a word changes nothing.
        assert _listed(f"{spelling}\u200c بلوچ") == ["Ali Baloch"], spelling


@pytest.mark.parametrize(("published", "searched"), DIFFERENT)
def test_a_different_name_with_like_letters_is_not_found(
    people: dict[str, Any], published: str, searched: str
) -> None:
    if published.isascii():
        _publish(people, f"{published} Baloch")
    else:
        _publish(people, "Ali Baloch", name_ur=f"{published} بلوچ")
    assert _listed(searched) == []
    assert search.key(search.normalise(published)) != search.key(search.normalise(searched))


def test_exact_matches_are_listed_before_other_spellings_in_every_sort(
    people: dict[str, Any],
) -> None:
    _publish(people, "Mohammad Ali", home_region="Sindh")
    _publish(people, "Muhammad Ali", home_region="Punjab")
    _publish(people, "Muhammed Zaman", home_region="Turbat")
    _publish(people, "Sultan Zaman", home_region="Gilgit")
    for sort in queries.SORTS:
        listed = _listed("Muhammed", sort=sort)
        assert listed[0] == "Muhammed Zaman", sort
        assert sorted(listed[1:]) == ["Mohammad Ali", "Muhammad Ali"], sort
    assert _listed("Muhammed")[1:] == ["Mohammad Ali", "Muhammad Ali"]
    found = queries.register_page(queries.RegisterFilters(q="Muhammed"), "1")
    assert found.paginator.count == 3
    assert [r.name for r in found] == ["Muhammed Zaman", "Mohammad Ali", "Muhammad Ali"]
    # Both words as typed come first; one of them typed otherwise, after.
    assert _listed("mohammad ali") == ["Mohammad Ali", "Muhammad Ali"]
    assert _listed("zaman") == ["Muhammed Zaman", "Sultan Zaman"]


@pytest.mark.parametrize("sort", ["name", "-arrested"])
def test_a_page_of_exact_matches_and_other_spellings_is_the_same_whichever_way_it_is_read(
    people: dict[str, Any], sort: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exact matches fill the first page and other spellings follow across the break,
    with every plan register_page can pick."""
    for n in range(30):
        _publish(people, f"Mohammed Exact {n:02d}")
        _publish(people, f"Muhammad Other {n:02d}")
    _publish(people, "Mahmood Never")
    pages = {}
    for plan in ((10**9, 0), (0, 10**9)):
        monkeypatch.setattr(queries, "DENSE_MATCHES", plan[0])
        monkeypatch.setattr(queries, "SORTED_MATCHES", plan[1])
        pages[plan] = [_listed("mohammed", sort=sort, page=str(p)) for p in (1, 2)]
    first, second = pages[(10**9, 0)]
    assert pages[(0, 10**9)] == [first, second]
    assert len(first) == 50
    assert len(second) == 10
    assert all(name.startswith("Mohammed Exact") for name in first[:30])
    assert all(name.startswith("Muhammad Other") for name in first[30:] + second)
    assert len(set(first + second)) == 60
    if sort == "name":
        assert first[:30] == sorted(first[:30])
        assert first[30:] + second == sorted(first[30:] + second)
    page = Client().get("/register/", {"q": "mohammed", "sort": sort}).content.decode()
    assert "Page 1 of 2" in page


def test_pages_of_two_parts_are_the_slices_of_one_list() -> None:
    """register_page's reading of two counted parts, pinned to the plain concatenation."""
    for sizes in ((0, 7), (7, 0), (3, 4), (5, 5), (1, 9)):
        parts = [list(range(sizes[0])), list(range(100, 100 + sizes[1]))]
        whole = parts[0] + parts[1]
        joined: Any = queries._Parts([(part, len(part)) for part in parts])  # type: ignore[misc]
        assert len(joined) == len(whole)
        for start in range(len(whole) + 2):
            for stop in range(start, len(whole) + 3):
                assert joined[start:stop] == whole[start:stop], (sizes, start, stop)


def test_an_alias_is_found_as_typed_and_in_other_spellings(people: dict[str, Any]) -> None:
    _publish(people, "Ali Baloch", aliases="Comrade Salaar")
    _publish(people, "Tariq Mengal", aliases="Comrade Sultan")
    assert _listed("salar") == ["Ali Baloch"]
    assert _listed("comrade salaar") == ["Ali Baloch"]
    assert _listed("comrade") == ["Ali Baloch", "Tariq Mengal"]


def test_a_key_typed_as_a_word_finds_nothing(people: dict[str, Any]) -> None:
    """Keys live apart from words: the start of a key ("muhm" of Muhammad's "muhmd")
    is not the start of a word, so it finds nothing."""
    _publish(people, "Salaar Muhammad", name_ur="چودھری")
    assert search.keys(search.normalise("Salaar Muhammad چودھری")) == "salr muhmd چودری"
    for typed in ("muhm", "sal muhm", "چودر"):
        assert _listed(typed) == [], typed
    assert _listed("sal muh") == ["Salaar Muhammad"]
    assert _listed("چود") == ["Salaar Muhammad"]


def test_keys_are_kept_for_names_not_for_places_or_charges(people: dict[str, Any]) -> None:
    """A place's other spelling finds nothing: keys are names' alone."""
    _publish(people, "Ali Baloch", home_region="Rawalpindi")
    assert _listed("rawalpindi") == ["Ali Baloch"]
    assert _listed("rawalpindee") == []


def test_a_republished_record_keeps_only_its_new_names_keys(people: dict[str, Any]) -> None:
    person = _publish(people, "Salaar Baloch")
    services.person_save(
        by=people["doc1"], person=person, source=people["source"], name="Tariq Baloch"
    )
    services.person_verify(by=people["doc2"], person=person)
    assert _listed("salar") == []
    assert _listed("tarik") == ["Tariq Baloch"]


def test_an_imported_person_is_found_under_another_spelling(
    people: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "external_id,name,name_ur,home_region,campaign,source_title\n"
        "p1,Mohammad Yousaf Chaudhry,محمد یوسف چودھری,Gilgit,free-them,Report A\n"
        "p2,Sultan Mengal,,Hunza,free-them,Report A\n",
        encoding="utf-8",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command(
            "import-cases",
            str(path),
            *("--as", "doc1", "--publish-as", "doc2", "--no-progress"),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert PublicRecord.objects.count() == 2
    assert _listed("Muhammad Yusuf Choudhry") == ["Mohammad Yousaf Chaudhry"]
    assert _listed("چوہدری") == ["Mohammad Yousaf Chaudhry"]


# --- Bad input ----------------------------------------------------------------


def test_a_search_of_2000_characters_is_cut_with_a_message(people: dict[str, Any]) -> None:
    _publish(people, "Salaar Baloch")
    response = Client().get("/register/", {"q": "Salar " * 333 + "x" * 2})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Only the first 200 characters of the search were used." in page
    assert ROW_NAME.findall(page) == ["Salaar Baloch"]
    short = Client().get("/register/", {"q": "Salar"}).content.decode()
    assert "characters of the search were used" not in short


@pytest.mark.parametrize("query", ["!!!", "?.,;:-—()«»", "؟،\u06d4", "' OR 1=1 --\"*"])
def test_a_search_of_punctuation_alone_lists_nothing_and_says_why(
    people: dict[str, Any], query: str
) -> None:
    _publish(people, "Salaar Baloch")
    response = Client().get("/register/", {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    if any(c.isalnum() for c in query):
        assert "no letter or digit to look for" not in page
    else:
        assert "The search has no letter or digit to look for" in page
        assert "No verified record matches." in page
    assert ROW_NAME.findall(page) == []
    assert queries.register_page(queries.RegisterFilters(q=query), "1").paginator.count == 0


@pytest.mark.parametrize("query", ["aaa", "eee", "ai", "oo ee"])
def test_a_word_of_vowels_alone_has_no_key_and_finds_no_other_spelling(
    people: dict[str, Any], query: str
) -> None:
    for name in ("Ali Awan", "Ayesha Ahmed", "Usman Ali", "Ehsan Iqbal"):
        _publish(people, name)
    assert all(search.key(word) is None for word in search.normalise(query).split())
    assert _listed(query) == []
    assert "no letter or digit" not in Client().get("/register/", {"q": query}).content.decode()


def test_keys_need_a_consonant_and_two_letters() -> None:
    assert search.key("aaa") is None
    assert search.key("a") is None
    assert search.key("124") is None
    assert search.key("ali2") is None
    assert search.keys("muhammad mohammed 7 aaa salaar") == "muhmd salr"


def test_spellings_of_one_name_share_a_key_and_of_others_do_not() -> None:
    for spellings in VARIANT_SETS + URDU_SETS:
        found = {search.key(search.normalise(s)) for s in spellings}
        assert len(found) == 1, (spellings, found)
        assert None not in found, spellings
    all_keys = [search.key(search.normalise(s[0])) for s in VARIANT_SETS + URDU_SETS]
    assert len(set(all_keys)) == len(all_keys)


# --- Records published before the keys -----------------------------------------


def _has_keys() -> bool:
    """Whether the index holds spelling keys (SQLite: its keys column; PostgreSQL: key lexemes)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT * FROM {search.FTS_TABLE} LIMIT 0")  # noqa: S608
            return "keys" in [column[0] for column in cursor.description]
        cursor.execute(
            "SELECT count(*) FROM cases_publicrecord WHERE search_vector @@ CAST(%s AS tsquery)",
            [f"'{search.KEY_MARK}muhmd'"],
        )
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_records_already_published_their_keys() -> None:
    campaign = CampaignFactory(slug="free-them")
    users = {name: UserFactory(username=name) for name in ("doc1", "doc2")}
    for user in users.values():
        grant(user, Role.DOCUMENTER, campaign=campaign)
    source = Source.objects.create(title="Court record 12")
    people = {"campaign": campaign, "source": source, **users}
    _publish(people, "Mohammed Hanif", aliases="Salaar")
    _publish(people, "Tariq Mengal", name_ur="چودھری")
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("cases", "0014_current_arrest_precision")])
        assert not _has_keys()
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert _has_keys()
    assert _listed("muhammad") == ["Mohammed Hanif"]
    assert _listed("salar") == ["Mohammed Hanif"]
    assert _listed("hanif") == ["Mohammed Hanif"]
    assert _listed("چوہدری") == ["Tariq Mengal"]

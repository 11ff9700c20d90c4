"""The Urdu catalogue is complete, and the committed .mo matches the .po."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "habeas" / "locale"
PO = LOCALE / "ur" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _texts(entry: polib.POEntry | polib.MOEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


def test_every_message_has_an_urdu_translation() -> None:
    """No interface string lacks an Urdu text: no empty msgstr, no empty plural form,
    no fuzzy (machine-guessed) entry, and no entry commented out as obsolete."""
    catalogue = polib.pofile(str(PO))
    entries = [entry for entry in catalogue if entry.msgid]
    assert len(entries) > 1000
    missing = [
        entry.msgid
        for entry in entries
        if not entry.obsolete and not all(text.strip() for text in _texts(entry))
    ]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    obsolete = [entry.msgid for entry in catalogue.obsolete_entries()]
    assert missing == [], f"{len(missing)} without Urdu: {missing}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy: {fuzzy}"
    assert obsolete == [], f"{len(obsolete)} obsolete: {obsolete}"


def test_every_plural_has_both_urdu_forms() -> None:
    """Urdu has two plural forms (the header says so); every plural entry gives both."""
    catalogue = polib.pofile(str(PO))
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=2;")
    plurals = [entry for entry in catalogue if entry.msgid_plural]
    assert len(plurals) >= 6
    short = [entry.msgid for entry in plurals if sorted(entry.msgstr_plural) != [0, 1]]
    assert short == []


def test_compiled_catalogue_matches_the_source(tmp_path: Path) -> None:
    """`make messages` was run after the last edit of the .po file: the committed .mo
    holds exactly what msgfmt makes of the .po now, entry for entry."""
    fresh = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(fresh), str(PO)],
        check=True,
        capture_output=True,
    )
    expected = {_key(entry): _texts(entry) for entry in polib.mofile(str(fresh))}
    committed = {_key(entry): _texts(entry) for entry in polib.mofile(str(MO))}
    stale = sorted(
        key
        for key in expected.keys() | committed.keys()
        if expected.get(key) != committed.get(key)
    )
    assert len(expected) > 1000
    assert stale == [], f"{len(stale)} entries differ; run `make messages`: {stale[:20]}"


GETTEXT_NAMES = frozenset(
    {
        "_",
        "gettext",
        "gettext_lazy",
        "gettext_noop",
        "pgettext",
        "pgettext_lazy",
        "ngettext",
        "ngettext_lazy",
    }
)


def _marked_in_python() -> set[tuple[str, str]]:
    """(file, msgid) of every string literal passed to a gettext function in habeas/."""
    marked: set[tuple[str, str]] = set()
    for path in sorted((LOCALE.parent).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in GETTEXT_NAMES:
                continue
            index = 1 if name.startswith("pgettext") else 0
            if len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                marked.add((str(path.relative_to(LOCALE.parents[1])), arg.value))
    return marked


def test_every_string_marked_in_python_is_in_the_catalogue() -> None:
    """Every literal given to gettext in the code has an entry in the catalogue.

    xgettext does not look inside f-strings, so ``f"<td>{_('not stated')}</td>"``
    is marked for translation yet never extracted, and shows in English on Urdu
    pages; this finds such strings (and any added without ``make messages``)."""
    msgids = {entry.msgid for entry in polib.pofile(str(PO))}
    marked = _marked_in_python()
    assert len(marked) > 500
    missing = sorted(f"{path}: {msgid!r}" for path, msgid in marked if msgid not in msgids)
    assert missing == [], "\n".join(missing)


def test_urdu_quotes_with_the_urdu_marks() -> None:
    """CLDR's Urdu quotation marks open with ” and close with “ (a right-to-left line
    shows them as “…”), as the stylesheet's q:lang(ur) does; a translation typed with
    the English order would show its quotation the other way round."""
    wrong = []
    for entry in polib.pofile(str(PO)):
        for text in (entry.msgstr, *entry.msgstr_plural.values()):
            marks = [c for c in text if c in "“”"]
            if marks[0::2] != ["”"] * len(marks[0::2]) or marks[1::2] != ["“"] * len(marks[1::2]):
                wrong.append(entry.msgid)
    assert wrong == []

"""The Urdu catalogue is complete, and the committed .mo matches the .po."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "habeas" / "locale"
PO = LOCALE / "ur" / "LC_MESSAGES" / "django.po"


def _entries() -> dict[str, str]:
    entries: dict[str, str] = {}
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if not msgid or not msgstr:
            continue
        key = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        if key:
            assert "#, fuzzy" not in block, f"fuzzy translation: {key}"
            entries[key] = "".join(re.findall(r'"(.*)"', msgstr.group(1)))
    return entries


def test_every_message_has_an_urdu_translation() -> None:
    entries = _entries()
    assert len(entries) > 50
    untranslated = [key for key, value in entries.items() if not value]
    assert untranslated == []


def test_compiled_catalogue_matches_the_source() -> None:
    """`make messages` was run after the last edit of the .po file."""
    with PO.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for key, value in _entries().items():
        plain = key.replace('\\"', '"')
        assert catalogue.gettext(plain) == value.replace('\\"', '"'), key


def test_every_plural_form_is_translated() -> None:
    text = PO.read_text(encoding="utf-8") + "\n"
    forms = re.findall(r'^msgstr\[\d\] ((?:".*"\n)+)', text, re.M)
    assert len(forms) >= 6
    for form in forms:
        assert "".join(re.findall(r'"(.*)"', form)), form

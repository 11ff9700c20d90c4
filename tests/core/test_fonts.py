"""The Urdu web font: light, cut to what Urdu and the interface need, declared as cut."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.contrib.staticfiles import finders
from fontTools.ttLib import TTFont

from habeas.core import fonts

WEB_FONT = "vendor/noto-naskh-arabic/files/noto-naskh-arabic-urdu-400-normal.woff2"
PDF_FONT = "vendor/noto-nastaliq-urdu/files/noto-nastaliq-urdu-arabic-400-normal.woff2"
CATALOGUE = Path(fonts.__file__).resolve().parent.parent / "locale/ur/LC_MESSAGES/django.po"


def _static(name: str) -> Path:
    found = finders.find(name)
    assert found, name
    return Path(found)


def _code_points(path: Path) -> set[int]:
    return set(TTFont(str(path)).getBestCmap())


def _in_ranges(code: int) -> bool:
    return any(low <= code <= high for low, high in fonts.UNICODE_RANGES)


def test_the_web_font_is_one_light_file() -> None:
    """One weight, at most 20 KB: the Urdu first visit's budget is 100 KB in all."""
    css = _static("habeas/fonts.css").read_text(encoding="utf-8")
    assert css.count("@font-face") == 1
    assert "font-display: swap" in css
    assert _static(WEB_FONT).stat().st_size <= 20_000


def test_the_web_font_has_every_character_of_the_urdu_interface() -> None:
    """Every Arabic-script character of every Urdu msgstr is in the font, so no
    interface word is drawn half in one face and half in another."""
    catalogue = polib.pofile(str(CATALOGUE))
    used = {
        character
        for entry in catalogue
        for text in (entry.msgstr, *entry.msgstr_plural.values())
        for character in text
        if _in_ranges(ord(character))
    }
    assert len(used) > 30, "the catalogue has hardly any Urdu"
    missing = sorted(c for c in used if ord(c) not in _code_points(_static(WEB_FONT)))
    assert missing == [], [f"U+{ord(c):04X}" for c in missing]


def test_the_declared_range_is_the_fonts_own() -> None:
    """fonts.css declares the range the subset was cut to, and the font holds
    nothing outside it (else the browser would fetch it for a Latin page)."""
    css = _static("habeas/fonts.css").read_text(encoding="utf-8")
    declared = re.search(r"unicode-range:\s*([^;]+);", css)
    assert declared is not None
    ranges = []
    for part in declared.group(1).split(","):
        low, _, high = part.strip().removeprefix("U+").partition("-")
        ranges.append((int(low, 16), int(high or low, 16)))
    assert tuple(ranges) == fonts.UNICODE_RANGES
    outside = [c for c in _code_points(_static(WEB_FONT)) if not _in_ranges(c) and c > 0x20]
    assert outside == [], [f"U+{c:04X}" for c in outside]


def test_subset_cuts_a_font_to_the_urdu_characters(tmp_path: Path) -> None:
    """`make vendor`'s cut, run here on the bundled Nastaliq: the result keeps every
    Urdu letter the source has and nothing beyond the declared range."""
    source = _static(PDF_FONT)
    target = tmp_path / "cut.woff2"
    size = fonts.subset(source, target)
    assert size == target.stat().st_size < source.stat().st_size
    assert target.read_bytes()[:4] == b"wOF2"
    kept, had = _code_points(target), _code_points(source)
    wanted = {ord(c) for c in fonts.URDU_TEXT}
    assert wanted & had <= kept
    assert {ord(c) for c in "ٹڈڑںھہےگک"} <= kept
    assert all(_in_ranges(c) or c <= 0x20 for c in kept), sorted(hex(c) for c in kept)


def test_pdfs_keep_the_whole_nastaliq() -> None:
    """Placards and delivery packs embed Nastaliq, whole: print is not a first visit."""
    css = _static("habeas/pdf-fonts.css").read_text(encoding="utf-8")
    assert "Noto Nastaliq Urdu" in css
    assert PDF_FONT.rsplit("/", 1)[1] in css

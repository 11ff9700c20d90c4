"""The Urdu web font: which characters it keeps, and how it is cut from the npm file.

Pages set Urdu in the reader's own Nastaliq when the device has one (see
``site.css``); otherwise in Noto Naskh Arabic, cut down to the characters
below so that an Urdu first visit stays light (issue 19's budget: 100 KB in
all). ``make vendor`` runs :func:`subset` on the file from npm; the cut file
is committed, so no user's machine needs fontTools at run time.

The PDFs (placards, delivery packs) embed the whole Noto Nastaliq Urdu
instead: a printed page is not a first visit.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Urdu's alphabet, and the Arabic letters Urdu text borrows (names, phrases).
_LETTERS = "".join(chr(c) for c in range(0x0621, 0x064B)) + ("ٹپچڈڑژکگںھہۂۃیےۓۀ")
# Harakat, the superscript alef and the hamza above used in Urdu spelling.
_MARKS = "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670"
# Arabic-Indic and the Urdu (extended) digits, and Urdu punctuation.
_DIGITS = "".join(chr(c) for c in range(0x0660, 0x066E)) + "".join(
    chr(c) for c in range(0x06F0, 0x06FA)
)
# Urdu punctuation and the joiners; Latin quotation marks and dashes come from
# the reader's own sans-serif, as the npm file has none.
_PUNCTUATION = "\u060c\u061b\u061f\u06d4\u066a\u066b\u066c\u200c\u200d\u200e\u200f"

URDU_TEXT = _LETTERS + _MARKS + _DIGITS + _PUNCTUATION

# What fonts.css declares as the font's unicode-range; the subset holds
# nothing outside it (tests/core/test_fonts.py).
UNICODE_RANGES = ((0x0600, 0x06FF), (0x200C, 0x200F))


def subset(source: Path, target: Path) -> int:
    """Write to ``target`` the woff2 of ``source`` cut to :data:`URDU_TEXT`, with
    every layout feature kept (Urdu's contextual forms and marks live there).
    Returns the size written, in bytes."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.layout_features = ["*"]
    options.flavor = "woff2"
    options.notdef_outline = True
    # The source's own timestamp is kept, so the same npm file always gives the same cut.
    font = TTFont(str(source), recalcTimestamp=False)
    cutter = ft_subset.Subsetter(options)
    cutter.populate(text=URDU_TEXT)
    cutter.subset(font)
    font.flavor = "woff2"
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target))
    return target.stat().st_size


if __name__ == "__main__":  # python -m habeas.core.fonts SOURCE TARGET (make vendor)
    size = subset(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{sys.argv[2]}: {size:,} bytes")

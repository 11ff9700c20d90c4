"""Country names in the reader's language, from the Unicode CLDR (through Babel).

Countries are stored as ISO 3166 two-letter codes; only their names are
looked up here, so the list is the same for every worker and never changes
while the site runs.
"""

from __future__ import annotations

import functools
import re

from babel import Locale
from django.utils.translation import get_language

# Codes CLDR names that are not countries: unions, groupings, private use, unknown.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
_TWO_LETTERS = re.compile(r"[A-Z]{2}")


@functools.cache
def _names(language: str) -> dict[str, str]:
    territories = Locale.parse(language).territories
    return {
        code: name
        for code, name in territories.items()
        if _TWO_LETTERS.fullmatch(code) and code not in _NOT_COUNTRIES
    }


def country_name(code: str, language: str | None = None) -> str:
    """The name of the country with this code in ``language`` (the active one by
    default); the code itself if CLDR does not know it."""
    return _names(language or get_language() or "en").get(code, code)


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """Every country as (code, name) in ``language``, sorted by name."""
    names = _names(language or get_language() or "en")
    return sorted(names.items(), key=lambda item: item[1])


def is_country(code: str) -> bool:
    """Whether ``code`` is a two-letter country code CLDR names."""
    return code in _names("en")

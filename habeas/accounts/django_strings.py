"""Django's own words on our password pages, put in our Urdu catalogue.

Django's Urdu catalogue has no translation for the password validators'
help and errors nor for the set-password form's second field, so an Urdu
page showed them in English. Marking them here lets ``make messages``
extract them; the project's catalogue comes first (LOCALE_PATHS), so
Django finds the Urdu. The text must match Django's exactly, curly
apostrophes included.
"""

# ruff: noqa: RUF001 — Django's messages use the typographic apostrophe.
from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

STRINGS = (
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Enter the same password as before, for verification."),
)
# Lazy and never evaluated: only here to be extracted with their plural forms.
PLURALS = (
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
)

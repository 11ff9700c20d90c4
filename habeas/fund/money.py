"""Money as exact integers of a currency's minor unit, and the currencies the fund keeps.

Amounts are stored as whole minor units (pence, paisa, cents) in a 64-bit
integer column: exact on SQLite and PostgreSQL alike, where a decimal column
on SQLite would be summed as a binary float. They come in and go out as
``Decimal`` with exactly the currency's number of decimal places (ISO 4217).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habeas.core.text import format_isolated

# ISO 4217 code -> digits after the decimal point.
CURRENCIES: dict[str, int] = {
    "GBP": 2,
    "USD": 2,
    "EUR": 2,
    "CAD": 2,
    "PKR": 2,
    "AUD": 2,
    "CHF": 2,
    "DKK": 2,
    "INR": 2,
    "NOK": 2,
    "SEK": 2,
    "JPY": 0,
}

CURRENCY_NAMES = {
    "GBP": gettext_lazy("Pound sterling"),
    "USD": gettext_lazy("US dollar"),
    "EUR": gettext_lazy("Euro"),
    "CAD": gettext_lazy("Canadian dollar"),
    "PKR": gettext_lazy("Pakistani rupee"),
    "AUD": gettext_lazy("Australian dollar"),
    "CHF": gettext_lazy("Swiss franc"),
    "DKK": gettext_lazy("Danish krone"),
    "INR": gettext_lazy("Indian rupee"),
    "NOK": gettext_lazy("Norwegian krone"),
    "SEK": gettext_lazy("Swedish krona"),
    "JPY": gettext_lazy("Japanese yen"),
}

# Lazy, so each page shows the names in its own language, not the one active at import.
CURRENCY_CHOICES = [
    (code, format_lazy("{} — {}", code, CURRENCY_NAMES[code])) for code in CURRENCIES
]

# The largest amount one line may carry, in major units: far above any
# defence fund, far below where a 64-bit column of minor units overflows.
AMOUNT_LIMIT = Decimal(10) ** 12

# An amount as people type it: digits, commas only between groups of three,
# one decimal point. "12,50" (twelve and a half to many Europeans) and "1e3"
# are not read as 1250 and 1000.
_AMOUNT_TEXT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+")


def check_currency(currency: str, *, field: str = "currency") -> str:
    """``currency`` if the fund keeps it; ValidationError otherwise."""
    if currency not in CURRENCIES:
        raise ValidationError(
            {
                field: format_isolated(
                    _("“%(currency)s” is not a currency this fund keeps."), currency=currency
                )
            }
        )
    return currency


def parse_amount(value: str | Decimal | int, currency: str, *, field: str = "amount") -> int:
    """The amount ``value`` of ``currency`` in minor units.

    Accepts a Decimal, an int or text such as "1250.50", "1,250.50" or
    "1 250.50". Raises ValidationError (under ``field``) for something that is
    not a number (or has commas other than between groups of three digits), a
    zero or negative amount, an amount with more decimal places than the
    currency has, or one above AMOUNT_LIMIT.
    """
    check_currency(currency)
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        if not _AMOUNT_TEXT.fullmatch(text):
            if "," in text:
                message = _(
                    "Write decimals after a point, and commas only between thousands: 1,250.50."
                )
            else:
                message = _("Enter an amount such as 25 or 25.50.")
            raise ValidationError({field: message})
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValidationError({field: _("Enter an amount such as 25 or 25.50.")}) from None
    else:
        amount = Decimal(value)
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount such as 25 or 25.50.")})
    if amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount >= AMOUNT_LIMIT:
        raise ValidationError({field: _("That amount is too large.")})
    digits = CURRENCIES[currency]
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > digits:
        if digits == 0:
            message = _("%(currency)s has no decimal places: enter a whole amount.") % {
                "currency": currency
            }
        else:
            message = _("%(currency)s has %(digits)d decimal places; this amount has more.") % {
                "currency": currency,
                "digits": digits,
            }
        raise ValidationError({field: message})
    return int(amount.scaleb(digits))


def to_decimal(minor: int, currency: str) -> Decimal:
    """``minor`` units of ``currency`` as an exact Decimal with the currency's places."""
    digits = CURRENCIES.get(currency, 2)
    return Decimal(minor).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))


def format_money(minor: int, currency: str) -> str:
    """``minor`` units shown with the currency's code and places, grouped for the
    reader's language: "GBP 1,250.00"."""
    digits = CURRENCIES.get(currency, 2)
    text = number_format(to_decimal(minor, currency), decimal_pos=digits, force_grouping=True)
    return f"{currency} {text}"


def convert(minor: int, currency: str, rate: Decimal, to_currency: str) -> int:
    """``minor`` units of ``currency`` in ``to_currency`` at ``rate`` (units of
    ``to_currency`` per unit of ``currency``), rounded half to even to a minor unit."""
    value = to_decimal(minor, currency) * rate
    digits = CURRENCIES.get(to_currency, 2)
    return int(value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN).scaleb(digits))

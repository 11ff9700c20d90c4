"""E-mail addresses folded to one canonical form, and the keyed hash that stands for it.

Two spellings that reach the same mailbox must make one signature: case,
Unicode form, a ``+tag`` after the local part and, at providers that ignore
them, dots in the local part are folded away. The hash is keyed with the
site's secret, so a copy of the database does not tell anyone whether a
given address signed.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.utils.crypto import salted_hmac

# Providers that deliver "a.b.c@" to "abc@"; googlemail.com is gmail.com.
DOTS_IGNORED = frozenset({"gmail.com"})
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def canonical_address(address: str) -> str:
    """The canonical form of ``address``: "A.B+x@GoogleMail.com" is "ab@gmail.com".

    Expects an address a form has already validated (one ``@``).
    """
    folded = unicodedata.normalize("NFKC", address).strip().casefold()
    local, _at, domain = folded.rpartition("@")
    domain = domain.rstrip(".")
    domain = DOMAIN_ALIASES.get(domain, domain)
    local = local.split("+", 1)[0]
    if domain in DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def address_domain(address: str) -> str:
    """The canonical domain of ``address``."""
    return canonical_address(address).rpartition("@")[2]


def address_key(address: str) -> str:
    """A keyed hash (hex, 64 characters) of the canonical form of ``address``."""
    return salted_hmac(
        "habeas.letters.address",
        canonical_address(address),
        secret=settings.SECRET_KEY,
        algorithm="sha256",
    ).hexdigest()

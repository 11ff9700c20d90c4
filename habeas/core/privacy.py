"""Keep what identifies a supporter out of storage."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def address_pseudonym(address: str) -> str:
    """A keyed hash of an IP address, shaped as an IPv6 address in fd00::/8.

    Stable for one address and one secret key, so rate limits still work;
    not reversible without the key, and meaningless once the key changes.
    The shape lets libraries that expect an address field (axes) store it.
    """
    digest = salted_hmac(
        "habeas.address", address, secret=settings.SECRET_KEY, algorithm="sha256"
    ).digest()
    return str(ipaddress.IPv6Address(b"\xfd" + digest[:15]))


def client_address_pseudonym(request: HttpRequest) -> str:
    """The pseudonym of the request's client address (REMOTE_ADDR, set by the proxy)."""
    return address_pseudonym(request.META.get("REMOTE_ADDR", "") or "unknown")

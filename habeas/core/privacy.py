"""Keep what identifies a supporter out of storage."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from ipware import get_client_ip


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


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent the request, as the trusted proxies saw it.

    With ``HABEAS_TRUSTED_PROXY_COUNT`` at 0 (no proxy) it is REMOTE_ADDR.
    Behind N trusted proxies, each appending the address it was reached
    from to X-Forwarded-For, it is the N-th entry from the right: entries
    further left were written by the client and are ignored, so a forged
    header cannot choose the address. Without enough entries (a request
    that bypassed the proxies), REMOTE_ADDR again.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    hops = settings.HABEAS_TRUSTED_PROXY_COUNT
    if hops == 0:
        return remote
    # ipware counts the proxies listed in the header, which leaves out the
    # last one (it is REMOTE_ADDR): N hops put the client at position -N.
    address, _routable = get_client_ip(
        request,
        proxy_count=hops - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or remote


def client_address_pseudonym(request: HttpRequest) -> str:
    """The pseudonym of the request's client address (see ``client_address``)."""
    return address_pseudonym(client_address(request))

"""The link an RSVP's e-mail carries: to see and cancel the RSVP with one click.

Nothing is stored: the token is the RSVP's id signed with the site's secret,
bound to its creation time, so it stops working once the row is gone and
cannot be made for another RSVP.
"""

from __future__ import annotations

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from habeas.actions.models import Rsvp

_SALT = "habeas.actions.rsvp"


def _binding(rsvp: Rsvp) -> str:
    return salted_hmac(
        "habeas.actions.rsvp.binding",
        f"{rsvp.pk}\x00{rsvp.created_at.isoformat()}",
        algorithm="sha256",
    ).hexdigest()[:32]


def rsvp_token(rsvp: Rsvp) -> str:
    """A token that shows this RSVP and cancels it."""
    return signing.Signer(salt=_SALT).sign_object([rsvp.pk, _binding(rsvp)])


def rsvp_for_token(token: str) -> Rsvp | None:
    """The RSVP this token manages, or None if the token is forged or the RSVP gone."""
    try:
        value = signing.Signer(salt=_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or not isinstance(value[1], str)
    ):
        return None
    rsvp = Rsvp.objects.select_related("action__campaign").filter(pk=value[0]).first()
    if rsvp is None or not constant_time_compare(value[1], _binding(rsvp)):
        return None
    return rsvp

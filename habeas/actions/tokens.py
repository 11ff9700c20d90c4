"""The link an RSVP's e-mail carries: to see and cancel the RSVP with one click.

Nothing is stored: the token is the RSVP's id signed with the site's secret,
bound to its creation time, so it stops working once the row is gone and
cannot be made for another RSVP.
"""

from __future__ import annotations

from django.utils.crypto import constant_time_compare, salted_hmac

from habeas.actions.models import Rsvp
from habeas.core.tokens import sign_id_and_binding, unsign_id_and_binding

_SALT = "habeas.actions.rsvp"


def _binding(rsvp: Rsvp) -> str:
    return salted_hmac(
        "habeas.actions.rsvp.binding",
        f"{rsvp.pk}\x00{rsvp.created_at.isoformat()}",
        algorithm="sha256",
    ).hexdigest()[:32]


def rsvp_token(rsvp: Rsvp) -> str:
    """A token that shows this RSVP and cancels it."""
    return sign_id_and_binding(rsvp.pk, _binding(rsvp), salt=_SALT)


def rsvp_for_token(token: str) -> Rsvp | None:
    """The RSVP this token manages, or None if the token is forged or the RSVP gone."""
    found = unsign_id_and_binding(token, salt=_SALT)
    if found is None:
        return None
    rsvp = Rsvp.objects.select_related("action__campaign").filter(pk=found[0]).first()
    if rsvp is None or not constant_time_compare(found[1], _binding(rsvp)):
        return None
    return rsvp

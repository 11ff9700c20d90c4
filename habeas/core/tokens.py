"""Links that carry their own proof: a row's id and a binding, signed with the site's secret.

Nothing is stored. The binding (a keyed hash of what the link acts on) stops a
link working once its row has changed in the way that matters, and the
signature stops anyone making a link for another row.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing


def sign_id_and_binding(row_id: int, binding: str, *, salt: str, timed: bool = False) -> str:
    """A token holding ``row_id`` and ``binding``, signed (and time-stamped if ``timed``)."""
    signer = signing.TimestampSigner(salt=salt) if timed else signing.Signer(salt=salt)
    return signer.sign_object([row_id, binding])


def unsign_id_and_binding(
    token: str, *, salt: str, max_age: timedelta | None = None
) -> tuple[int, str] | None:
    """The (id, binding) a token signed with ``salt`` holds; None if it is forged, altered,
    not of that shape or, with ``max_age``, older than that."""
    try:
        if max_age is None:
            value = signing.Signer(salt=salt).unsign_object(token)
        else:
            value = signing.TimestampSigner(salt=salt).unsign_object(token, max_age=max_age)
    except signing.BadSignature:  # forged, altered or expired
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or not isinstance(value[1], str)
    ):
        return None
    return value[0], value[1]

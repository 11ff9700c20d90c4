"""The links a pledger gets by e-mail: to confirm a pledge, and to see how to pay or cancel it.

Nothing is stored: each token is the pledge's id signed with the site's
secret, bound to a keyed hash of what it acts on. The confirmation token
binds the pledge's status and address, so it works once (a confirmed pledge
no longer matches it) and expires with the pledge (``confirm_within()``,
7 days unless set). The manage token binds the address and the time of
confirmation, so it stops working once the pledge is closed: received,
cancelled or expired pledges have their address erased.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from habeas.core.tokens import sign_id_and_binding, unsign_id_and_binding
from habeas.fund.models import Pledge

DEFAULT_CONFIRM_WITHIN = timedelta(days=7)
_CONFIRM_SALT = "habeas.fund.pledge.confirm"
_MANAGE_SALT = "habeas.fund.pledge.manage"


def confirm_within() -> timedelta:
    """How long a pledge waits for its confirmation (``FUND_PLEDGE_CONFIRM_WITHIN``)."""
    value = getattr(settings, "FUND_PLEDGE_CONFIRM_WITHIN", DEFAULT_CONFIRM_WITHIN)
    return value if isinstance(value, timedelta) else DEFAULT_CONFIRM_WITHIN


def _binding(pledge: Pledge, *parts: str) -> str:
    return salted_hmac(
        "habeas.fund.pledge.binding",
        "\x00".join([str(pledge.pk), pledge.created_at.isoformat(), pledge.email, *parts]),
        algorithm="sha256",
    ).hexdigest()[:32]


def confirm_token(pledge: Pledge) -> str:
    """A token that confirms this pending pledge once, while it waits for confirmation."""
    binding = _binding(pledge, pledge.status)
    return sign_id_and_binding(pledge.pk, binding, salt=_CONFIRM_SALT, timed=True)


def manage_token(pledge: Pledge) -> str:
    """A token that shows how to pay this confirmed pledge, and cancels it."""
    confirmed = pledge.confirmed_at.isoformat() if pledge.confirmed_at else ""
    return sign_id_and_binding(pledge.pk, _binding(pledge, "manage", confirmed), salt=_MANAGE_SALT)


def pledge_for_confirm_token(token: str) -> Pledge | None:
    """The pending pledge this token confirms, or None if the token is forged, altered,
    expired or used, or the pledge is gone or older than ``confirm_within()``."""
    lifetime = confirm_within()
    found = unsign_id_and_binding(token, salt=_CONFIRM_SALT, max_age=lifetime)
    if found is None:
        return None
    pledge = Pledge.objects.select_related("fund__campaign").filter(pk=found[0]).first()
    if pledge is None or pledge.status != Pledge.Status.PENDING or not pledge.email:
        return None
    if pledge.created_at < timezone.now() - lifetime:
        return None
    if not constant_time_compare(found[1], _binding(pledge, pledge.status)):
        return None
    return pledge


def pledge_for_manage_token(token: str) -> Pledge | None:
    """The confirmed, still open pledge this token manages, or None if the token is
    forged or altered or the pledge has been received, cancelled, expired or deleted."""
    found = unsign_id_and_binding(token, salt=_MANAGE_SALT)
    if found is None:
        return None
    pledge = Pledge.objects.select_related("fund__campaign").filter(pk=found[0]).first()
    if pledge is None or pledge.status != Pledge.Status.CONFIRMED or not pledge.email:
        return None
    confirmed = pledge.confirmed_at.isoformat() if pledge.confirmed_at else ""
    if not constant_time_compare(found[1], _binding(pledge, "manage", confirmed)):
        return None
    return pledge

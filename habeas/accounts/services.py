"""Every write to accounts: sessions and second factors."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from habeas.accounts.models import User

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


@transaction.atomic
def sessions_end_all(*, user: User) -> None:
    """End every session the user has, on every device, this one included.

    Raising the user's session epoch changes the hash each session was
    signed with, so Django drops them on their next request.
    """
    get_user_model()._default_manager.filter(pk=user.pk).update(
        session_epoch=F("session_epoch") + 1
    )


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up, made on first call.

    Reused on reload so the QR code a user scanned stays valid until confirmed.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, token: str) -> list[str]:
    """Confirm the authenticator with a code from it, and issue fresh recovery codes.

    Returns the recovery codes; they are shown once and only their use is
    recorded afterwards. Raises ValidationError for a wrong or reused code;
    then nothing is confirmed.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError(_("Start the set-up again: no authenticator is waiting."))
    if not device.verify_token(token.replace(" ", "")):
        raise ValidationError(_("That code is not right. Check the time on your phone."))
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_issue(user=user)


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """Replace the user's recovery codes with new ones and return them."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes

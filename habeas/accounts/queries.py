"""Reads of accounts that pages need: a user's second factors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from habeas.accounts.models import User


def two_factor_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def confirmed_devices(user: User) -> list[Device]:
    """Every confirmed second factor of the user: authenticator first, then recovery codes."""
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]

"""People who sign in to Habeas: organisers, never supporters."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A Habeas account.

    A custom model from the first migration, so later issues can add fields
    (two-factor state, language) without swapping the user model.
    """

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # Part of every session's authentication hash: raising it ends every
    # session the user has, on every device ("sign out everywhere").
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django's own hash covers the password; the epoch joins it so that
        # ending all sessions needs no password change.
        key_salt = "habeas.accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()

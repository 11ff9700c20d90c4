"""People who sign in to Habeas: organisers, never supporters."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A Habeas account.

    A custom model from the first migration, so later issues can add fields
    (two-factor state, language) without swapping the user model.
    """

    display_name = models.CharField(_("display name"), max_length=150, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.username

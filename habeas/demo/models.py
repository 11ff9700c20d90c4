"""What the demo loader has created, so a second run never creates it again."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DemoItem(models.Model):
    """One thing `habeas demo` created, by a key of its own (e.g. ``organisation:mkp``).

    The loader creates only what has no key here. What a user did afterwards to
    what it created (revoked, hid, changed or deleted it) therefore stays done.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("demo item")
        verbose_name_plural = _("demo items")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

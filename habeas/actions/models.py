"""Solidarity actions in cities. The actions issue adds RSVPs, reports, photos."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from habeas.coalition.models import Campaign, Organisation
from habeas.core.models import Source


class Action(models.Model):
    """A protest or meeting in one city; its date may be unknown."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country (ISO code)"), max_length=2, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    organisations = models.ManyToManyField(Organisation, related_name="actions", blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["city", "title"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "city", "title"], name="action_once")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.city})"

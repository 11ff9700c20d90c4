"""People held for their politics. The register issue fills this out
(detentions, case events, restricted facts, review)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from habeas.coalition.models import Campaign, Organisation
from habeas.core.models import Source


class Person(models.Model):
    """Someone detained or at risk. Unknown facts stay blank, never guessed."""

    name = models.CharField(_("name"), max_length=200)
    name_ur = models.CharField(_("name in Urdu script"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    summary = models.TextField(
        _("what the source says"), blank=True, help_text=_("Only what the cited source says.")
    )
    campaigns = models.ManyToManyField(Campaign, related_name="persons", blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.name


class Affiliation(models.Model):
    """A person's tie to an organisation, as a source states it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="affiliation_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation})"

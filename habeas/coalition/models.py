"""Organisations, the campaigns they form, and the demands they raise.

Plain forms for now: the accounts and united-front issues fill them out
(roles, positions, statements, correspondence).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from habeas.core.models import Source


class Organisation(models.Model):
    """A party, union, campaign group, NGO or student group."""

    class Kind(models.TextChoices):
        PARTY = "PARTY", _("Party")
        UNION = "UNION", _("Trade union")
        CAMPAIGN_GROUP = "CAMPAIGN_GROUP", _("Campaign group")
        NGO = "NGO", _("NGO")
        STUDENT_GROUP = "STUDENT_GROUP", _("Student group")
        OTHER = "OTHER", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(_("country (ISO code)"), max_length=2, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A defence effort run by a coalition of member organisations."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        ACTIVE = "ACTIVE", _("Active")
        CLOSED = "CLOSED", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    title_ur = models.CharField(_("title in Urdu"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True)
    organisations = models.ManyToManyField(
        Organisation, through="CampaignMembership", related_name="campaigns"
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaign", kwargs={"slug": self.slug})


class CampaignMembership(models.Model):
    """An organisation's place in a campaign's coalition."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="membership_once_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.campaign}"


class Demand(models.Model):
    """A demand or slogan: common to the coalition, or one organisation's own."""

    class Kind(models.TextChoices):
        COMMON = "COMMON", _("Common demand")
        OWN = "OWN", _("Own slogan")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="demands")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="slogans",
        help_text=_("The organisation whose own slogan this is; empty for a common demand."),
    )
    text = models.CharField(_("text"), max_length=500)
    text_ur = models.CharField(_("text in Urdu"), max_length=500, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "text"], name="demand_text_once"),
            models.CheckConstraint(
                condition=(models.Q(kind="COMMON", organisation__isnull=True))
                | (models.Q(kind="OWN", organisation__isnull=False)),
                name="demand_owner_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.text

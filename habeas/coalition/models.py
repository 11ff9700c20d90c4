"""Organisations, the campaigns they form, and the demands they raise.

Plain forms for now: the accounts and united-front issues fill them out
(roles, positions, statements, correspondence).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
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
    country = models.CharField(
        _("country (ISO code)"),
        max_length=2,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter country code, such as PK or GB."))
        ],
    )
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


class Role(models.TextChoices):
    """What a person may do, and where: in one organisation, one campaign, or the site."""

    ORG_ADMIN = "ORG_ADMIN", _("Organisation admin")
    ORG_EDITOR = "ORG_EDITOR", _("Organisation editor")
    TREASURER = "TREASURER", _("Treasurer")
    COORDINATOR = "COORDINATOR", _("Campaign coordinator")
    MODERATOR = "MODERATOR", _("Moderator")
    DOCUMENTER = "DOCUMENTER", _("Case documenter")
    CASE_TEAM = "CASE_TEAM", _("Case team")
    SITE_ADMIN = "SITE_ADMIN", _("Site admin")


# Where each role applies. A treasurer acts for one organisation within one campaign.
ORGANISATION_ROLES = frozenset({Role.ORG_ADMIN, Role.ORG_EDITOR})
CAMPAIGN_ROLES = frozenset({Role.COORDINATOR, Role.MODERATOR, Role.DOCUMENTER, Role.CASE_TEAM})
ORGANISATION_IN_CAMPAIGN_ROLES = frozenset({Role.TREASURER})
SITE_ROLES = frozenset({Role.SITE_ADMIN})

# Roles above editor level: their holders must sign in with a second factor.
TWO_FACTOR_ROLES = frozenset(
    {
        Role.ORG_ADMIN,
        Role.TREASURER,
        Role.COORDINATOR,
        Role.MODERATOR,
        Role.DOCUMENTER,
        Role.CASE_TEAM,
        Role.SITE_ADMIN,
    }
)


def _scope_condition() -> models.Q:
    """Each role names exactly the scope it applies to, and no other."""
    organisation_only = models.Q(organisation__isnull=False, campaign__isnull=True)
    campaign_only = models.Q(organisation__isnull=True, campaign__isnull=False)
    both = models.Q(organisation__isnull=False, campaign__isnull=False)
    neither = models.Q(organisation__isnull=True, campaign__isnull=True)
    return (
        (models.Q(role__in=sorted(ORGANISATION_ROLES)) & organisation_only)
        | (models.Q(role__in=sorted(CAMPAIGN_ROLES)) & campaign_only)
        | (models.Q(role__in=sorted(ORGANISATION_IN_CAMPAIGN_ROLES)) & both)
        | (models.Q(role__in=sorted(SITE_ROLES)) & neither)
    )


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def active(self) -> RoleGrantQuerySet:
        return self.filter(revoked_at__isnull=True)


class RoleGrant(models.Model):
    """A role held by a user, with who granted it and when, and who revoked it and when.

    Grants are never deleted: revocation stamps the row, so the record of
    who could do what, and on whose word, stays complete.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="grants"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.CheckConstraint(condition=_scope_condition(), name="grant_scope_fits_role"),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=models.Q(revoked_at__isnull=True, campaign__isnull=True),
                name="grant_active_once_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "campaign"],
                condition=models.Q(revoked_at__isnull=True, organisation__isnull=True),
                name="grant_active_once_per_campaign",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "campaign"],
                condition=models.Q(revoked_at__isnull=True),
                name="grant_active_once_per_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(
                    revoked_at__isnull=True, organisation__isnull=True, campaign__isnull=True
                ),
                name="grant_active_once_site_wide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.scope_label})"

    @property
    def scope_label(self) -> str:
        parts = [str(part) for part in (self.organisation, self.campaign) if part is not None]
        return " / ".join(parts) or str(_("whole site"))

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Invitation(models.Model):
    """A single-use, expiring invitation to take a role.

    Only a SHA-256 of the token is stored: the link in the e-mail is the
    one place the token exists, so a database leak yields no usable links.
    """

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=_scope_condition(), name="invitation_scope_fits_role"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @property
    def scope_label(self) -> str:
        parts = [str(part) for part in (self.organisation, self.campaign) if part is not None]
        return " / ".join(parts) or str(_("whole site"))

"""Organisations, the campaigns they form, and the demands they raise.

Plain forms for now: the accounts and united-front issues fill them out
(roles, positions, statements, correspondence).
"""

from __future__ import annotations

import hashlib

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
    website = models.URLField(_("website"), blank=True, max_length=300)
    description = models.TextField(_("short description"), blank=True, max_length=1000)
    description_ur = models.TextField(_("short description in Urdu"), blank=True, max_length=1000)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation", kwargs={"slug": self.slug})


class OrganisationVersion(models.Model):
    """One version of an organisation's public profile, written by the services.

    Every change to an organisation's name or to how it describes itself is
    kept and shown on its page, so a change is never silent.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True, max_length=300)
    description = models.TextField(_("short description"), blank=True, max_length=1000)
    description_ur = models.TextField(_("short description in Urdu"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["organisation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="organisation_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"


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
    summary = models.TextField(_("summary"), blank=True, max_length=5000)
    # The Urdu versions added later have a default in the database too, so that a
    # row written without them (an older migration's model, a writer listing its
    # columns) still gets an empty text.
    summary_ur = models.TextField(
        _("summary in Urdu"), blank=True, max_length=5000, default="", db_default=""
    )
    start_on = models.DateField(_("started on"), null=True, blank=True)
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        null=True,
        blank=True,
        help_text=_(
            "How many member organisations must endorse a demand for it to be common; "
            "empty means every member."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
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
    """An organisation's place in a campaign's coalition, from request or invitation to leaving."""

    class Status(models.TextChoices):
        REQUESTED = "REQUESTED", _("Asked to join")
        INVITED = "INVITED", _("Invited")
        ACTIVE = "ACTIVE", _("Member")
        DECLINED = "DECLINED", _("Declined")
        LEFT = "LEFT", _("Left")
        WITHDRAWN = "WITHDRAWN", _("Invitation withdrawn")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    leave_notice = models.TextField(_("public notice on leaving"), blank=True, max_length=2000)
    # Who asked to join, and the wordings of the common demands it endorsed
    # by asking ([demand id, version] pairs): approval endorses these alone.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    common_when_asked = models.JSONField(
        _("common demands when it asked"), default=list, blank=True
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="membership_once_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.campaign}"

    @property
    def has_left(self) -> bool:
        return self.status == self.Status.LEFT


class Demand(models.Model):
    """A demand or slogan proposed by one member organisation.

    Whether it is *common* (endorsed by every member, or by the campaign's
    quorum) or one organisation's *own slogan* is never stored: it follows
    from the current positions on its current version (see queries).
    ``text`` and ``version`` mirror the newest DemandVersion.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="demands")
    proposed_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="proposed_demands"
    )
    text = models.CharField(_("text"), max_length=500)
    text_ur = models.CharField(_("text in Urdu"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")

    def __str__(self) -> str:
        return self.text


class DemandVersion(models.Model):
    """One wording of a demand; every wording is kept."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.CharField(_("text"), max_length=500)
    text_ur = models.CharField(_("text in Urdu"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["demand", "number"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "number"], name="demand_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.text} (v{self.number})"


class Position(models.Model):
    """An organisation's stance on one version of a demand.

    Append-only: a change adds a row and clears ``is_current`` on the old
    one, so the history of every position is kept.
    """

    class Stance(models.TextChoices):
        ENDORSES = "ENDORSES", _("Endorses")
        NO_POSITION = "NO_POSITION", _("No position")
        DISAGREES = "DISAGREES", _("Disagrees")

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="positions"
    )
    stance = models.CharField(_("position"), max_length=12, choices=Stance.choices)
    reason = models.TextField(_("public reason"), blank=True, max_length=2000)
    version = models.PositiveIntegerField(_("version of the demand"))
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "organisation"],
                condition=models.Q(is_current=True),
                name="position_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_stance_display()} — {self.demand}"


class Statement(models.Model):
    """An organisation's own text on a campaign. ``title`` and ``body`` mirror
    the newest StatementVersion; every version is kept."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="statements")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="statements"
    )
    title = models.CharField(_("title"), max_length=200)
    title_ur = models.CharField(
        _("title in Urdu"), max_length=200, blank=True, default="", db_default=""
    )
    body = models.TextField(_("text (Markdown)"), max_length=20_000)
    body_ur = models.TextField(
        _("text in Urdu (Markdown)"), max_length=20_000, blank=True, default="", db_default=""
    )
    # The bodies as sanitised HTML, rendered once when written (see core.text).
    body_html = models.TextField(blank=True, editable=False)
    body_ur_html = models.TextField(blank=True, editable=False, default="", db_default="")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self) -> str:
        return self.title


class StatementVersion(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    title_ur = models.CharField(
        _("title in Urdu"), max_length=200, blank=True, default="", db_default=""
    )
    body = models.TextField(_("text (Markdown)"), max_length=20_000)
    body_ur = models.TextField(
        _("text in Urdu (Markdown)"), max_length=20_000, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["statement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "number"], name="statement_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class HiddenNotice(models.Model):
    """A coordinator's decision to hide one organisation's item, in public.

    The item stays in the history; the notice says who hid it, when and why.
    Lifting it is recorded too.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="notices")
    demand = models.ForeignKey(
        Demand, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="notices"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    hidden_at = models.DateTimeField(_("hidden at"), default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        ordering = ["-hidden_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(demand__isnull=False, statement__isnull=True, position__isnull=True)
                    | models.Q(demand__isnull=True, statement__isnull=False, position__isnull=True)
                    | models.Q(demand__isnull=True, statement__isnull=True, position__isnull=False)
                ),
                name="notice_has_one_item",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="notice_has_a_reason"),
            # One standing notice per item: two moderators hiding it at once
            # leave one notice, and the second is told it is hidden already.
            *(
                models.UniqueConstraint(
                    fields=[item],
                    condition=models.Q(lifted_at__isnull=True, **{f"{item}__isnull": False}),
                    name=f"notice_one_standing_per_{item}",
                )
                for item in ("demand", "statement", "position")
            ),
        ]

    def __str__(self) -> str:
        return f"hidden: {self.reason[:40]}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class Appeal(models.Model):
    """An organisation's answer to a hidden-item notice, kept on record."""

    notice = models.ForeignKey(HiddenNotice, on_delete=models.CASCADE, related_name="appeals")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("appeal"), max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class Correspondence(models.Model):
    """A public letter from one organisation to another or to a campaign, or a reply.

    Never edited once published: corrections follow it. (Open letters signed
    by people belong to another app; these are letters between organisations.)
    """

    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="correspondence_sent"
    )
    to_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correspondence_received",
    )
    to_campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="correspondence"
    )
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    thread = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="thread_correspondence",
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text (Markdown)"), max_length=100_000)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signed = models.CharField(_("signed"), max_length=300, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["published_at", "pk"]
        verbose_name = _("letter between organisations")
        verbose_name_plural = _("correspondence")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_organisation__isnull=False)
                | models.Q(to_campaign__isnull=False),
                name="correspondence_has_an_addressee",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        root = self.thread_id or self.pk
        return reverse("coalition:correspondence", kwargs={"pk": root}) + f"#letter-{self.pk}"


class CorrespondenceCorrection(models.Model):
    """A correction published after a letter of correspondence, shown with it."""

    correspondence = models.ForeignKey(
        Correspondence, on_delete=models.PROTECT, related_name="corrections"
    )
    body = models.TextField(_("correction (Markdown)"), max_length=20_000)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["published_at"]

    def __str__(self) -> str:
        return self.body[:40]


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


def token_digest(token: str) -> str:
    """The stored form of an invitation token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


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
    # A contact invitation: a coordinator of this campaign invites an organisation
    # that has no one on Habeas; whoever accepts becomes its first admin and
    # answers the campaign's invitation to join.
    membership_campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_invitations",
    )

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
            models.CheckConstraint(
                condition=models.Q(membership_campaign__isnull=True) | models.Q(role="ORG_ADMIN"),
                name="invitation_contact_is_for_an_admin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @property
    def scope_label(self) -> str:
        parts = [str(part) for part in (self.organisation, self.campaign) if part is not None]
        return " / ".join(parts) or str(_("whole site"))

    @property
    def state(self) -> str:
        """ "accepted", "withdrawn", "expired" or "open"."""
        if self.accepted_at is not None:
            return "accepted"
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"

    @property
    def is_open(self) -> bool:
        return self.state == "open"

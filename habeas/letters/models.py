"""Open letters and appeals: their texts, the people who sign them, the
organisations that endorse them, and the counts shown to the public.

A signature counts only while it is confirmed, not suspect and not part of
an invalidated batch. No request changes a shared counter: services mark a
signature whose standing changed (``tally_due``) and the periodic tally
(``habeas.letters.services.tally``) folds those into ``SignatureCount``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habeas.coalition.models import Campaign, Organisation

COUNTRY_CODE_LENGTH = 2


class Letter(models.Model):
    """An open letter or appeal of a campaign, written by one or more organisations."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        OPEN = "OPEN", _("Open for signing")
        CLOSED = "CLOSED", _("Closed")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="open_letters", verbose_name=_("campaign")
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    authors = models.ManyToManyField(
        Organisation, related_name="open_letters_written", verbose_name=_("written by")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opens_at = models.DateTimeField(_("opens for signing at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    goal = models.PositiveIntegerField(_("signature goal"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set once the signatures of a long-closed letter have been anonymised.
    anonymised_at = models.DateTimeField(_("signatures anonymised at"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("open letter")
        verbose_name_plural = _("open letters")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="letter_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(goal__isnull=True) | Q(goal__gt=0), name="letter_goal_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("letters:letter", kwargs={"slug": self.slug})


class LetterText(models.Model):
    """The letter in one language: title, addressees and body (Markdown)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    addressees = models.TextField(_("addressed to"), max_length=2000, blank=True)
    body = models.TextField(_("text (Markdown)"), max_length=50_000)
    # Rendered and sanitised by the service that saves the text.
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["language"]
        verbose_name = _("letter text")
        verbose_name_plural = _("letter texts")
        constraints = [
            models.UniqueConstraint(fields=["letter", "language"], name="one_text_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} [{self.language}]"


class SignatureInvalidation(models.Model):
    """A moderator's decision that a batch of signatures does not count, with why.

    The batch is the signatures of one letter matching the criteria when it was
    made; undoing it counts them again. Both are kept on record.
    """

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="invalidations")
    reason = models.TextField(_("reason"), max_length=2000)
    from_at = models.DateTimeField(_("signed from"), null=True, blank=True)
    until_at = models.DateTimeField(_("signed until"), null=True, blank=True)
    ip_hash = models.CharField(_("address hash"), max_length=64, blank=True)
    email_domain = models.CharField(_("e-mail domain"), max_length=253, blank=True)
    matched = models.PositiveIntegerField(_("signatures invalidated"), default=0)
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invalidated batch")
        verbose_name_plural = _("invalidated batches")

    def __str__(self) -> str:
        return f"{self.letter_id}: {self.matched}"


class Signature(models.Model):
    """One person's signature on one letter.

    The e-mail address is kept only to send the confirmation and, if asked,
    updates; ``email_key`` (a keyed hash of the canonical address) makes one
    signature per address per letter a database constraint. The client's
    address is kept only as a keyed hash, and dropped after 30 days.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Waiting for confirmation")
        CONFIRMED = "CONFIRMED", _("Confirmed")
        WITHDRAWN = "WITHDRAWN", _("Withdrawn")
        ERASED = "ERASED", _("Erased")

    class Suspect(models.TextChoices):
        NONE = "", _("Not suspect")
        IP_RATE = "IP_RATE", _("Too many from one address")
        DOMAIN_RATE = "DOMAIN_RATE", _("Too many from one e-mail domain")
        DISPOSABLE = "DISPOSABLE", _("Disposable e-mail address")
        HONEYPOT = "HONEYPOT", _("Filled in a field people cannot see")
        TOO_FAST = "TOO_FAST", _("Sent faster than a person can fill in the form")

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="signatures")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    # NULL once erased or anonymised, which frees the address to sign again.
    email_key = models.CharField(  # noqa: DJ001 — NULLs do not clash in the unique constraint
        max_length=64, null=True, blank=True, editable=False
    )
    email_domain = models.CharField(_("e-mail domain"), max_length=253, blank=True)
    country = models.CharField(_("country"), max_length=COUNTRY_CODE_LENGTH)
    city = models.CharField(_("city"), max_length=100, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    show_name = models.BooleanField(_("show my name publicly"), default=False)
    send_updates = models.BooleanField(_("send me campaign updates"), default=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    suspect = models.CharField(
        _("suspect"), max_length=12, choices=Suspect.choices, default=Suspect.NONE, blank=True
    )
    invalidation = models.ForeignKey(
        SignatureInvalidation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
    )
    ip_hash = models.CharField(_("address hash"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("signed at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # The confirmation mail is an outbox entry on the row itself: due while
    # set, attempted by the delivery task, cleared once the server took it.
    mail_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    # Whether the published counts include this row, and whether that must change.
    counted = models.BooleanField(default=False, editable=False)
    tally_due = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "email_key"], name="one_signature_per_address_per_letter"
            ),
        ]
        indexes = [
            models.Index(
                fields=["letter", "confirmed_at"],
                condition=Q(status="CONFIRMED", show_name=True, suspect="", invalidation=None),
                name="letters_public_signatories",
            ),
            models.Index(
                fields=["tally_due"], condition=Q(tally_due=True), name="letters_tally_due"
            ),
            models.Index(
                fields=["mail_due_at"],
                condition=Q(mail_due_at__isnull=False),
                name="letters_mail_due",
            ),
            models.Index(fields=["letter", "created_at"], name="letters_signed_at"),
            models.Index(fields=["ip_hash", "created_at"], name="letters_by_address"),
            models.Index(fields=["email_domain", "created_at"], name="letters_by_domain"),
            models.Index(fields=["email_key"], name="letters_by_email_key"),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id}/{self.pk}"

    @property
    def counts(self) -> bool:
        """Whether this signature belongs in the published counts."""
        return (
            self.status == self.Status.CONFIRMED
            and not self.suspect
            and self.invalidation_id is None
        )


# What withdrawing, erasing and anonymising leave of a signature: nothing
# that names or reaches the signer (status, country and day stay, for the counts).
SIGNER_DATA_ERASED: dict[str, object] = {
    "name": "",
    "email": "",
    "email_key": None,
    "email_domain": "",
    "city": "",
    "affiliation": "",
    "ip_hash": "",
    "show_name": False,
    "send_updates": False,
    "mail_due_at": None,
}


class SignatureCount(models.Model):
    """How many counted signatures a letter has from one country on one day.

    Written only by the periodic tally; the letter page sums these few rows
    instead of counting every signature.
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="counts")
    country = models.CharField(max_length=COUNTRY_CODE_LENGTH)
    day = models.DateField()
    signatures = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "country", "day"], name="one_count_per_letter_country_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} {self.country} {self.day}: {self.signatures}"


class Endorsement(models.Model):
    """An organisation's endorsement of a letter.

    An organisation on Habeas endorses through its editors and shows at once;
    one not on Habeas (a union branch, say) asks through a form, and shows
    only once a coordinator of the letter's campaign has verified it.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Waiting for verification")
        VERIFIED = "VERIFIED", _("Verified")
        REJECTED = "REJECTED", _("Not verified")
        WITHDRAWN = "WITHDRAWN", _("Withdrawn")

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="endorsements")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letter_endorsements",
    )
    # For an organisation not on Habeas; copied from the organisation otherwise.
    name = models.CharField(_("organisation"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Organisation.Kind.choices,
        default=Organisation.Kind.OTHER,
    )
    country = models.CharField(_("country"), max_length=COUNTRY_CODE_LENGTH, blank=True)
    signatory = models.CharField(_("signed by"), max_length=200, blank=True)
    signatory_role = models.CharField(_("their role"), max_length=200, blank=True)
    # Only to check the request; never shown, and cleared once decided.
    contact_email = models.EmailField(_("contact e-mail"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "country", "name"]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "organisation"],
                condition=Q(organisation__isnull=False) & ~Q(status="WITHDRAWN"),
                name="one_standing_endorsement_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id}: {self.name}"

"""Solidarity actions in cities: the actions, RSVPs, reports and their photos.

An action's start and end are stored aware (UTC) beside the place's IANA
time zone, so pages can show both the place's local time and the reader's.
The demo's actions have no known date: ``starts_at`` is empty and pages say so.

RSVPs map who stands with whom, so no page shows them; their names and
addresses are blanked 14 days after the action and only the count remains.
A photo's public file is a re-encoded copy with no metadata; the uploaded
original is kept only in the ``private`` storage, only if the uploader asked,
and only until ``original_delete_after``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habeas.coalition.models import Campaign, Organisation
from habeas.core.models import Source
from habeas.core.storage import private_storage


def _private_storage():  # type: ignore[no-untyped-def]
    return private_storage


class Action(models.Model):
    """A protest, vigil, meeting or court watch in one city, organised by
    one or more member organisations; its date may be unknown."""

    class Kind(models.TextChoices):
        PROTEST = "PROTEST", _("Protest")
        VIGIL = "VIGIL", _("Vigil")
        MEETING = "MEETING", _("Meeting")
        COURT_WATCH = "COURT_WATCH", _("Court watch")
        OTHER = "OTHER", _("Other")

    class Status(models.TextChoices):
        PLANNED = "PLANNED", _("Planned")
        CANCELLED = "CANCELLED", _("Cancelled")
        HAPPENED = "HAPPENED", _("Happened")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="actions")
    # Stable for calendars: an edited action keeps its UID and raises ``sequence``.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    title_ur = models.CharField(_("title in Urdu"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PROTEST)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country (ISO code)"), max_length=2, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    time_zone = models.CharField(_("time zone of the place"), max_length=64, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    description_ur = models.TextField(_("description in Urdu"), max_length=5000, blank=True)
    accessibility = models.TextField(_("accessibility notes"), max_length=2000, blank=True)
    organisations = models.ManyToManyField(Organisation, related_name="actions", blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept when RSVP names and addresses are deleted.
    rsvp_count = models.PositiveIntegerField(_("RSVPs"), default=0, editable=False)
    # iCalendar SEQUENCE: raised on every change a calendar should pick up.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # RSVP names and addresses were blanked at this time (14 days after the action).
    rsvps_erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = [models.F("starts_at").asc(nulls_last=True), "city", "title", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(starts_at__isnull=False, ends_at__gte=models.F("starts_at")),
                name="action_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True) | ~models.Q(time_zone=""),
                name="action_dated_has_time_zone",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="action_coordinates_on_earth",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "starts_at"], name="action_campaign_start"),
            models.Index(fields=["country", "city"], name="action_place"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.city})"


class ActionChange(models.Model):
    """A cancellation or a change of time or place, announced by mail to those
    who asked for reminders; kept as the action's public record of changes."""

    class Kind(models.TextChoices):
        CANCELLED = "CANCELLED", _("Cancelled")
        TIME = "TIME", _("Time changed")
        PLACE = "PLACE", _("Place changed")
        TIME_AND_PLACE = "TIME_AND_PLACE", _("Time and place changed")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.kind}"


class Rsvp(models.Model):
    """One person's "I will come": counted at once; a name and address only if given.

    Never shown publicly. ``name`` and ``email`` are blanked 14 days after the action.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="rsvps")
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address for reminders"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["action", "cancelled_at"], name="rsvp_action_live")]

    def __str__(self) -> str:
        return f"RSVP {self.pk} to {self.action_id}"


class Report(models.Model):
    """One organising organisation's account of an action: its own words."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reports")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="action_reports"
    )
    body = models.TextField(_("report"), max_length=20000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["action", "organisation"], name="report_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.action}"


class Photo(models.Model):
    """A photo in a report. ``image`` is the public copy: re-encoded, no metadata.

    A blurred derivative is a Photo with ``blurred_from`` set, made only by its
    own organisation's editors, with ``blur_regions`` and ``blur_reason`` shown
    publicly beside it; publishing it withdraws the photo it came from.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="actions/photos/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    alt_text = models.CharField(_("description for screen readers"), max_length=300, blank=True)
    original = models.FileField(
        storage=_private_storage, upload_to="actions/originals/%Y/%m/", blank=True
    )
    original_delete_after = models.DateTimeField(null=True, blank=True)
    blurred_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="derivatives"
    )
    blur_regions = models.JSONField(default=list, blank=True)
    blur_reason = models.TextField(_("why it was blurred"), max_length=2000, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Why its organisation withdrew it (for its editors; never on a public page).
    withdrawn_reason = models.TextField(_("why it was withdrawn"), max_length=2000, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(blurred_from__isnull=True) | ~models.Q(blur_reason=""),
                name="photo_blur_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"photo {self.pk} of {self.report_id}"

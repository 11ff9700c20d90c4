"""Data shared by every app: where facts come from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    """A document that public facts cite: a letter, a report, a court record.

    ``sha256`` fingerprints the archived text, so a reader can check that the
    copy Habeas keeps is the one that was cited.
    """

    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("address"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    archived_file = models.FileField(_("archived copy"), upload_to="sources/", blank=True)
    sha256 = models.CharField(_("SHA-256 of the archived copy"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["title", "publisher"], name="source_title_publisher")
        ]

    def __str__(self) -> str:
        return self.title

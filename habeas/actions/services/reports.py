"""Reports on actions and their photos: writing, uploading, withdrawing, blurring.

A report and its photos are their organisation's own words (the
anti-censorship rule): only that organisation's editors write, withdraw or
blur them; not another organiser of the same action, not a coordinator, not
a site admin. A photo's public file is re-encoded from its pixels alone
(habeas.core.images.clean_photo); the uploaded original is kept only if the
uploader asked, only in the ``private`` storage, and only until
``original_delete_after`` (``photo_originals_expire``, a daily clock job).

Files are deleted only once the transaction that let go of them commits, so
a rolled-back change never leaves a row pointing at a missing file.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.actions.models import Action, Photo, Report
from habeas.coalition.models import Organisation
from habeas.core.images import blur_boxes, clean_photo, encode_pixels_only
from habeas.core.pagecache import public_changed

# A report holds at most this many photos that are not withdrawn (pages stay bounded).
MAX_PHOTOS_PER_REPORT = 30
MAX_BLUR_REGIONS = 20
# The smallest area a blur may cover, in pixels a side: less hides nothing.
MIN_REGION_SIDE = 4


def reporting_open(action: Action, *, now: datetime.datetime | None = None) -> bool:
    """Whether reports may be written on ``action``: it was not cancelled, and it
    either happened (dated or not, as the demo's past actions) or has started."""
    if action.status == Action.Status.CANCELLED:
        return False
    if action.status == Action.Status.HAPPENED:
        return True
    return action.starts_at is not None and action.starts_at <= (now or timezone.now())


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write what happened.")})
    if len(body) > Report._meta.get_field("body").max_length:  # type: ignore[operator]
        raise ValidationError({"body": _("A report may be at most 20,000 characters.")})
    return body


@transaction.atomic
def report_post(*, action: Action, organisation: Organisation, by: Any, body: str) -> Report:
    """Publish ``organisation``'s report on ``action``, written by ``by``.

    Raises PermissionDenied unless ``by`` edits for ``organisation`` and it is one
    of the action's organisers; ValidationError for an empty body or an action
    that cannot be reported on yet (see ``reporting_open``), or if the
    organisation has already reported (edit that report instead). Public pages
    change once the transaction commits.
    """
    if not by.has_perm("actions.organise_for_organisation", organisation):
        raise PermissionDenied
    if not action.organisations.filter(pk=organisation.pk).exists():
        raise PermissionDenied
    if not reporting_open(action):
        raise ValidationError(
            _("Reports can be written once the action has begun, and never on a cancelled one.")
        )
    body = _clean_body(body)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                action=action, organisation=organisation, body=body, created_by=by
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Your organisation has already reported on this action: edit that report.")
        ) from error
    public_changed()
    return report


@transaction.atomic
def report_edit(*, report: Report, by: Any, body: str) -> Report:
    """Replace the words of ``report``.

    Raises PermissionDenied unless ``by`` edits for the report's organisation;
    ValidationError for an empty body. Public pages change once it commits.
    """
    if not by.has_perm("actions.edit_report", report):
        raise PermissionDenied
    report.body = _clean_body(body)
    report.updated_at = timezone.now()
    report.save(update_fields=["body", "updated_at"])
    public_changed()
    return report


def _delete_on_commit(storage: Storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def photo_add(
    *,
    report: Report,
    by: Any,
    upload: Any,
    caption: str,
    alt_text: str,
    keep_original: bool,
) -> Photo:
    """Add a photo to ``report``: a public copy with no metadata, and the original
    bytes in the private storage only if ``keep_original``, until
    ``now + ACTIONS_ORIGINAL_RETENTION``.

    Raises PermissionDenied unless ``by`` edits for the report's organisation;
    ValidationError (keyed "image") for any upload ``clean_photo`` refuses, or
    when the report already holds MAX_PHOTOS_PER_REPORT photos. Nothing is
    stored when it raises. Public pages change once it commits.
    """
    if not by.has_perm("actions.edit_report", report):
        raise PermissionDenied
    caption, alt_text = caption.strip(), alt_text.strip()
    if len(caption) > 300 or len(alt_text) > 300:
        raise ValidationError(_("A caption and a description may be at most 300 characters."))
    # Locked so two uploads at once cannot pass the limit together.
    report = Report.objects.select_for_update().get(pk=report.pk)
    live = Photo.objects.filter(report=report, withdrawn_at__isnull=True).count()
    if live >= MAX_PHOTOS_PER_REPORT:
        raise ValidationError(
            {"image": _("A report may hold at most %(n)d photos.") % {"n": MAX_PHOTOS_PER_REPORT}}
        )
    cleaned = clean_photo(
        upload,
        field="image",
        max_bytes=settings.ACTIONS_PHOTO_MAX_BYTES,
        max_pixels=settings.ACTIONS_PHOTO_MAX_PIXELS,
        max_side=settings.ACTIONS_PHOTO_MAX_SIDE,
    )
    now = timezone.now()
    photo = Photo(
        report=report,
        width=cleaned.width,
        height=cleaned.height,
        caption=caption,
        alt_text=alt_text,
        uploaded_by=by,
        uploaded_at=now,
    )
    written: list[tuple[Storage, str]] = []
    try:
        photo.image.save(str(cleaned.public.name), cleaned.public, save=False)
        written.append((photo.image.storage, str(photo.image.name)))
        if keep_original:
            upload.seek(0)
            original = ContentFile(
                upload.read(), name=f"{secrets.token_hex(16)}.{cleaned.source_extension}"
            )
            upload.seek(0)
            photo.original.save(str(original.name), original, save=False)
            written.append((photo.original.storage, str(photo.original.name)))
            photo.original_delete_after = now + settings.ACTIONS_ORIGINAL_RETENTION
        photo.save()
    except BaseException:
        # Files are written before the row: take them back if the row is not written.
        for storage, name in written:
            storage.delete(name)
        raise
    public_changed()
    return photo


@transaction.atomic
def photo_withdraw(*, photo: Photo, by: Any, reason: str = "") -> Photo:
    """Take ``photo`` off every public page and delete its public file.

    Its private original, if kept, stays until its retention ends. Raises
    PermissionDenied unless ``by`` edits for the photo's organisation;
    ValidationError if it was already withdrawn. Public pages change, and the
    public file goes, once the transaction commits.
    """
    if not by.has_perm("actions.manage_photo", photo):
        raise PermissionDenied
    photo = Photo.objects.select_for_update().get(pk=photo.pk)
    if photo.withdrawn_at is not None:
        raise ValidationError(_("This photo was already withdrawn."))
    _withdraw(photo, reason=reason.strip())
    public_changed()
    return photo


def _withdraw(photo: Photo, *, reason: str) -> None:
    public_name = photo.image.name
    photo.withdrawn_at = timezone.now()
    photo.withdrawn_reason = reason[:2000]
    photo.image = ""
    photo.save(update_fields=["withdrawn_at", "withdrawn_reason", "image"])
    _delete_on_commit(default_storage, public_name or "")


@dataclass(frozen=True)
class Region:
    """A rectangle of the public copy, in its pixels."""

    x: int
    y: int
    width: int
    height: int

    def as_json(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}


def _clean_regions(regions: Any, *, width: int, height: int) -> list[Region]:
    cleaned: list[Region] = []
    for raw in regions or []:
        try:
            if isinstance(raw, Region):
                region = raw
            else:
                region = Region(
                    int(raw["x"]), int(raw["y"]), int(raw["width"]), int(raw["height"])
                )
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError(
                {"regions": _("Give each area as x, y, width and height in pixels.")}
            ) from error
        if region.x < 0 or region.y < 0:
            raise ValidationError({"regions": _("An area starts outside the photo.")})
        if region.width < MIN_REGION_SIDE or region.height < MIN_REGION_SIDE:
            raise ValidationError(
                {
                    "regions": _("An area must be at least %(n)d pixels wide and high.")
                    % {"n": MIN_REGION_SIDE}
                }
            )
        if region.x + region.width > width or region.y + region.height > height:
            raise ValidationError(
                {
                    "regions": _("An area reaches outside the photo (%(w)d by %(h)d pixels).")
                    % {"w": width, "h": height}
                }
            )
        cleaned.append(region)
    if not cleaned:
        raise ValidationError({"regions": _("Mark at least one area to blur.")})
    if len(cleaned) > MAX_BLUR_REGIONS:
        raise ValidationError(
            {"regions": _("At most %(n)d areas can be blurred at once.") % {"n": MAX_BLUR_REGIONS}}
        )
    return cleaned


@transaction.atomic
def photo_blur(*, photo: Photo, by: Any, regions: Any, reason: str) -> Photo:
    """Publish a blurred copy of ``photo`` in its place, with a public note of why.

    ``regions`` are rectangles (x, y, width, height) in pixels of the public
    copy: at least one, at most MAX_BLUR_REGIONS, each inside the photo. The
    new Photo is made from the public copy, blurred beyond recovery, written
    afresh without metadata; it records ``blurred_from``, the regions and the
    reason. ``photo`` is withdrawn and its public file deleted once it commits.

    Raises PermissionDenied unless ``by`` edits for the photo's own organisation
    (no other organiser, coordinator or site admin); ValidationError for a
    withdrawn photo, bad regions or an empty reason.
    """
    from PIL import Image

    if not by.has_perm("actions.manage_photo", photo):
        raise PermissionDenied
    photo = Photo.objects.select_for_update().select_related("report").get(pk=photo.pk)
    if photo.withdrawn_at is not None or not photo.image:
        raise ValidationError(_("This photo was withdrawn; it can no longer be blurred."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the photo is blurred.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Say why in at most 2,000 characters.")})
    with photo.image.open("rb") as public, Image.open(public) as image:
        image.load()
        cleaned = _clean_regions(regions, width=image.width, height=image.height)
        transparent = image.mode in {"RGBA", "LA"} or "transparency" in image.info
        pixels = image.convert("RGBA" if transparent else "RGB")
    blurred = blur_boxes(
        pixels, [(region.x, region.y, region.width, region.height) for region in cleaned]
    )
    data, extension = encode_pixels_only(blurred, transparent=transparent)
    derivative = Photo(
        report=photo.report,
        width=blurred.width,
        height=blurred.height,
        caption=photo.caption,
        alt_text=photo.alt_text,
        blurred_from=photo,
        blur_regions=[region.as_json() for region in cleaned],
        blur_reason=reason,
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )
    derivative.image.save(f"{secrets.token_hex(16)}.{extension}", ContentFile(data), save=False)
    stored = derivative.image.name
    try:
        derivative.save()
        _withdraw(photo, reason=reason)
    except BaseException:
        default_storage.delete(stored or "")
        raise
    public_changed()
    return derivative


def photo_originals_expire(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Delete the kept originals whose ``original_delete_after`` has passed: the
    file (once each row's change commits) and the field. Returns how many.

    A clock job (settings.CLOCK_JOBS "actions-photo-originals"), not a user's
    act: it checks no permission. Safe to run from two clocks at once (rows
    are locked, skipped if another clock holds them); does at most ``batch``
    a run, the rest on the next run.
    """
    now = now or timezone.now()
    done = 0
    with transaction.atomic():
        due = list(
            Photo.objects.select_for_update(skip_locked=True)
            .filter(original_delete_after__lte=now)
            .exclude(original="")
            .order_by("original_delete_after", "pk")[:batch]
        )
        for photo in due:
            name, storage = photo.original.name, photo.original.storage
            photo.original = ""
            photo.original_delete_after = None
            photo.save(update_fields=["original", "original_delete_after"])
            _delete_on_commit(storage, name or "")
            done += 1
    return done

"""Uploaded images, checked and re-encoded so no metadata (camera, GPS, date) survives."""

from __future__ import annotations

import io
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

ACCEPTED = {"PNG", "JPEG", "WEBP"}
MAX_PIXELS = 25_000_000


def clean_image(upload: Any, *, field: str, max_bytes: int, output: str) -> ContentFile[bytes]:
    """A PNG, JPEG or WebP upload re-encoded as ``output`` ("PNG" or "JPEG") without metadata.

    The file gets a random name, so an uploaded name leaks nothing either.
    Raises ValidationError, keyed by ``field``, for a file too large, not an
    image, of another format, or with an absurd number of pixels.
    """
    from PIL import Image, UnidentifiedImageError

    if upload.size > max_bytes:
        raise ValidationError(
            {field: _("The image may be at most %(kb)d KB.") % {"kb": max_bytes // 1024}}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError({field: _("The image has too many pixels.")})
            image.load()
            pixels = image.convert("RGBA" if output == "PNG" else "RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError({field: _("The file is not a readable image.")}) from error
    finally:
        upload.seek(0)
    if image_format not in ACCEPTED:
        raise ValidationError({field: _("The image must be PNG, JPEG or WebP.")})
    buffer = io.BytesIO()
    # A fresh image from the pixels alone: EXIF, XMP and ICC data are not copied.
    Image.frombytes(pixels.mode, pixels.size, pixels.tobytes()).save(
        buffer, output, **({"quality": 85} if output == "JPEG" else {})
    )
    extension = "png" if output == "PNG" else "jpg"
    return ContentFile(buffer.getvalue(), name=f"{secrets.token_hex(12)}.{extension}")

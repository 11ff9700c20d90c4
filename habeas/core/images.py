"""Uploaded images, checked and re-encoded so no metadata (camera, GPS, date) survives."""

from __future__ import annotations

import io
import math
import secrets
import struct
import warnings
from dataclasses import dataclass
from pathlib import PurePath
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


# --- Photos of actions: bigger, checked from the header, downscaled ----------

# Formats accepted, by what the bytes are, never by name or declared type.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
PHOTO_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# The names a file of each format may carry. A name that says another type is
# refused: the sender meant something else, and says so plainly.
PHOTO_NAME_SUFFIXES = {
    "JPEG": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "PNG": {".png"},
    "WEBP": {".webp"},
}


@dataclass(frozen=True)
class CleanPhoto:
    """A checked photo: the public copy (no metadata, random name) and what the upload was."""

    public: ContentFile[bytes]
    width: int
    height: int
    # The uploaded file's real format ("JPEG", "PNG" or "WEBP") and its extension.
    source_format: str

    @property
    def source_extension(self) -> str:
        return PHOTO_EXTENSIONS[self.source_format]


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}"


def clean_photo(
    upload: Any, *, field: str, max_bytes: int, max_pixels: int, max_side: int
) -> CleanPhoto:
    """A JPEG, PNG or WebP upload made into a public copy that carries pixels only.

    The type is read from the bytes, and the file's name must not say another
    type (a PNG named .jpg is refused, as is an HTML file named .png; a name
    with no extension is judged by its bytes alone). Refused before any pixel is
    decoded: an empty file, one over ``max_bytes``, one whose header declares
    more than ``max_pixels`` (a decompression bomb is refused the same way,
    without allocating its pixels), an animated image. A truncated or broken
    image is refused when decoded. The copy is turned upright by its EXIF
    orientation, shrunk to at most ``max_side`` pixels on its long side and
    written afresh from its pixels, so no EXIF, GPS, XMP, IPTC, ICC profile,
    comment or PNG text chunk survives: a PNG if it has real transparency,
    else a JPEG of quality 85, under a random name.

    Raises ValidationError keyed by ``field``, in the reader's language.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise ValidationError({field: _("The file is empty.")})
    if size > max_bytes:
        raise ValidationError(
            {
                field: _("The file is %(size)s MB; a photo may be at most %(max)s MB.")
                % {"size": _megabytes(size), "max": _megabytes(max_bytes)}
            }
        )
    too_many_pixels = ValidationError(
        {
            field: _("The photo has too many pixels: at most %(max)d megapixels.")
            % {"max": max_pixels // 1_000_000}
        }
    )
    not_an_image = ValidationError({field: _("The file is not a JPEG, PNG or WebP image.")})
    broken = ValidationError({field: _("The image is damaged or incomplete.")})
    upload.seek(0)
    # At most max_bytes: Pillow reads a copy, so closing the image never closes the upload.
    source = io.BytesIO(upload.read(max_bytes + 1))
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source, formats=PHOTO_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels from error
    except UnidentifiedImageError as error:
        raise not_an_image from error
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
        raise broken from error
    try:
        # Opened with PHOTO_FORMATS' readers alone: nothing else gets this far.
        source_format = str(image.format)
        # The header's dimensions, before a single pixel is decoded.
        if image.width <= 0 or image.height <= 0:
            raise not_an_image
        if image.width * image.height > max_pixels:
            raise too_many_pixels
        if getattr(image, "is_animated", False) or getattr(image, "n_frames", 1) > 1:
            raise ValidationError({field: _("Animated images are not accepted: send a still.")})
        suffix = PurePath(str(getattr(upload, "name", "") or "")).suffix.lower()
        if suffix and suffix not in PHOTO_NAME_SUFFIXES[source_format]:
            raise ValidationError(
                {
                    field: _(
                        "The file is a %(real)s image but its name ends in %(suffix)s: "
                        "rename it to .%(extension)s, or save it again as the type its "
                        "name says."
                    )
                    % {
                        "real": source_format.replace("WEBP", "WebP"),
                        "suffix": suffix,
                        "extension": PHOTO_EXTENSIONS[source_format],
                    }
                }
            )
        if not _complete(source.getvalue(), source_format):
            raise broken
        if source_format == "JPEG":
            # Decode a big JPEG at a smaller scale straight away (never below max_side).
            image.draft("RGB", (max_side, max_side))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image.load()
                upright = ImageOps.exif_transpose(image)
            lowest_alpha = upright.convert("RGBA").getchannel("A").getextrema()[0]
            transparent = upright.has_transparency_data and lowest_alpha != 255
            pixels = upright.convert("RGBA" if transparent else "RGB")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise too_many_pixels from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise broken from error
    finally:
        image.close()
    pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    public, extension = encode_pixels_only(pixels, transparent=transparent)
    return CleanPhoto(
        public=ContentFile(public, name=f"{secrets.token_hex(16)}.{extension}"),
        width=pixels.width,
        height=pixels.height,
        source_format=source_format,
    )


def _complete(data: bytes, image_format: str) -> bool:
    """Whether a JPEG or PNG file runs to its end marker, checked without decoding.

    Pillow would fill a truncated image with grey without a word once any
    module sets ``ImageFile.LOAD_TRUNCATED_IMAGES`` (WeasyPrint does, for the
    whole process), so completeness is checked here. WebP's decoder refuses
    a truncated file by itself.
    """
    from PIL import Image

    if image_format == "PNG":
        try:
            with Image.open(io.BytesIO(data), formats=["PNG"]) as png:
                png.verify()  # Every chunk's checksum, up to IEND.
        except (OSError, SyntaxError, ValueError, EOFError, struct.error):
            return False
        return True
    if image_format != "JPEG":
        return True
    # Walk the segments to the first scan (skipping APP segments, which may hold
    # a whole thumbnail JPEG), then look for the end-of-image marker after it:
    # inside scan data a 0xFF byte is always stuffed, so 0xFFD9 is the marker.
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return False
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker == 0xDA:
            return data.find(b"\xff\xd9", position + 2 + length) != -1
        position += 2 + length
    return False


def encode_pixels_only(pixels: Any, *, transparent: bool) -> tuple[bytes, str]:
    """The bytes of a new image made of ``pixels``' pixels alone, and its extension.

    A PNG (RGBA) if ``transparent``, else a JPEG (RGB, quality 85). Nothing of
    ``pixels.info`` is passed on: the encoders get no EXIF, XMP, ICC profile or
    text to write.
    """
    from PIL import Image

    mode = "RGBA" if transparent else "RGB"
    source = pixels if pixels.mode == mode else pixels.convert(mode)
    fresh = Image.frombytes(mode, source.size, source.tobytes())
    buffer = io.BytesIO()
    if transparent:
        fresh.save(buffer, "PNG", optimize=True)
        return buffer.getvalue(), "png"
    fresh.save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue(), "jpg"


def blur_boxes(image: Any, boxes: list[tuple[int, int, int, int]]) -> Any:
    """A copy of ``image`` (a Pillow image) with each box (x, y, width, height)
    destroyed beyond recovery.

    Each box is shrunk to at most 8 cells on its long side (every detail
    smaller than a cell is averaged away), grown back and blurred, so no
    letter of a placard and no face survives in it.
    """
    from PIL import Image, ImageFilter

    result = image.copy()
    for x, y, width, height in boxes:
        box = (x, y, x + width, y + height)
        area = result.crop(box)
        cell = max(8, math.ceil(max(width, height) / 8))
        small = area.resize(
            (max(1, math.ceil(width / cell)), max(1, math.ceil(height / cell))),
            Image.Resampling.BOX,
        )
        smeared = small.resize(area.size, Image.Resampling.BILINEAR).filter(
            ImageFilter.GaussianBlur(radius=max(2, cell // 2))
        )
        result.paste(smeared, box[:2])
    return result

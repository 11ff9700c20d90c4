"""Image files for the photo tests, built with Pillow and by hand: photos that
carry every kind of metadata a camera or an editor writes, and bad uploads."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, PngImagePlugin

SERIAL = "CAMSERIAL-8842197"
COMMENT = "taken-at-the-secret-meeting"
XMP_SECRET = "xmp-creator-organiser-name"
IPTC_SECRET = "iptc-byline-photographer"
PNG_TEXT_SECRET = "png-text-home-address"
ICC_SECRET = b"icc-profile-description-marker"

# What must never appear in a public file, whatever reads it.
RAW_MARKERS = [
    b"Exif\x00\x00",
    b"http://ns.adobe.com/xap/1.0/",
    b"<x:xmpmeta",
    b"Photoshop 3.0",
    b"8BIM",
    b"ICC_PROFILE",
    b"iCCP",
    b"tEXt",
    b"iTXt",
    b"zTXt",
    b"eXIf",
    SERIAL.encode(),
    COMMENT.encode(),
    XMP_SECRET.encode(),
    IPTC_SECRET.encode(),
    PNG_TEXT_SECRET.encode(),
    ICC_SECRET,
]
# Pillow's ``info`` keys that hold metadata.
INFO_KEYS = {
    "exif",
    "xmp",
    "XML:com.adobe.xmp",
    "icc_profile",
    "photoshop",
    "comment",
    "dpi",
    "Description",
    "Author",
}


def scene(width: int = 640, height: int = 480, mode: str = "RGB") -> Image.Image:
    """A busy picture (stripes and text-like marks) so blurring shows."""
    image = Image.new(mode, (width, height), "white")
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 8):
        draw.line([(x, 0), (x, height)], fill="black", width=3)
    draw.rectangle([40, 40, 200, 120], fill="red")
    draw.text((60, 60), "FREE THEM NOW", fill="yellow")
    return image


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to view
    exif[0x0131] = "EditorApp"  # Software
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0xA431] = SERIAL  # BodySerialNumber
    exif_ifd[0x9003] = "2025:05:30 12:00:00"  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (35.0, 55.0, 12.0)
    gps[3] = "E"
    gps[4] = (74.0, 18.0, 30.0)
    return exif


def _xmp() -> bytes:
    return (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b"<dc:creator>" + XMP_SECRET.encode() + b"</dc:creator>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
        b'<?xpacket end="w"?>'
    )


def _icc() -> bytes:
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return bytes(profile.tobytes()) + ICC_SECRET


def _iptc_segment() -> bytes:
    """A JPEG APP13 segment (Photoshop 3.0 / 8BIM 0x0404) holding an IPTC by-line."""
    byline = IPTC_SECRET.encode()
    iptc = b"\x1c\x02\x50" + struct.pack(">H", len(byline)) + byline
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc))
    resource += iptc + (b"\x00" if len(iptc) % 2 else b"")
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_everything(width: int = 640, height: int = 480) -> bytes:
    """A JPEG with EXIF (GPS, camera serial, orientation 6), XMP, an ICC profile,
    a comment and an IPTC segment."""
    buffer = io.BytesIO()
    scene(width, height).save(
        buffer,
        "JPEG",
        exif=_exif(),
        xmp=_xmp(),
        icc_profile=_icc(),
        comment=COMMENT.encode(),
        quality=90,
    )
    data = buffer.getvalue()
    # The IPTC segment goes right after the start-of-image marker.
    return data[:2] + _iptc_segment() + data[2:]


def png_with_everything(width: int = 320, height: int = 200, *, alpha: bool = False) -> bytes:
    """A PNG with tEXt, iTXt and zTXt chunks, an eXIf chunk, XMP and an ICC profile."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", PNG_TEXT_SECRET)
    info.add_text("Author", PNG_TEXT_SECRET, zip=True)
    info.add_itxt("Comment", COMMENT, lang="en", tkey="Comment")
    info.add_itxt("XML:com.adobe.xmp", _xmp().decode())
    image = scene(width, height, "RGBA" if alpha else "RGB")
    if alpha:
        image.putpixel((0, 0), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info, exif=_exif(), icc_profile=_icc())
    return buffer.getvalue()


def webp_with_everything() -> bytes:
    buffer = io.BytesIO()
    scene(200, 100).save(buffer, "WEBP", exif=_exif(), xmp=_xmp(), icc_profile=_icc())
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` x ``height`` pixels (a pixel bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def gif() -> bytes:
    buffer = io.BytesIO()
    scene(40, 30).convert("P").save(buffer, "GIF")
    return buffer.getvalue()


def animated_png() -> bytes:
    buffer = io.BytesIO()
    frames = [scene(40, 30), scene(40, 30).rotate(180)]
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def plain_png(width: int = 200, height: int = 100) -> bytes:
    buffer = io.BytesIO()
    scene(width, height).save(buffer, "PNG")
    return buffer.getvalue()


def noisy_png() -> bytes:
    """A PNG of noise: it does not compress, so cutting it cuts its pixels."""
    buffer = io.BytesIO()
    Image.effect_noise((300, 200), 60).convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def noisy_webp() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((300, 200), 60).convert("RGB").save(buffer, "WEBP")
    return buffer.getvalue()


HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def files_under(root: Path) -> list[Path]:
    """Every file below ``root`` (none if it does not exist)."""
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def name_for(data: bytes) -> str:
    """A file name whose extension says what ``data`` is, as a camera would give it."""
    if data.startswith(b"\x89PNG"):
        return "photo.png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "photo.webp"
    return "photo.jpg"

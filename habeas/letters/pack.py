"""The delivery pack: the letter, its endorsements and its public signatories,
as a PDF to hand over and as a CSV of every signatory, both in bounded memory.

The CSV streams every public signatory, a keyset page at a time
(``queries.pack.pack_signatories``), so its memory stays flat however many
signed. WeasyPrint lays out a whole document in memory before it writes a
byte, so the PDF carries the letter in English and Urdu, its addressees,
the endorsing organisations, the counts and the first ``PDF_SIGNATORIES``
public signatories (in order of confirmation), and says that the full list
is in the CSV. Its memory and time are bounded by that cap, not by the
number of signatures (see bench/bench_letters_million.py).

The PDF is made only from bundled files: its URL fetcher refuses every URL
outside this app's static files (no network, no other file), so nothing a
letter's text contains can make the server fetch anything.
"""

from __future__ import annotations

import csv
import io
import mimetypes
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.http import Http404
from django.template.loader import render_to_string
from weasyprint import HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from habeas.cases.export import spreadsheet_safe
from habeas.coalition.queries import Visitor
from habeas.letters.access import access_letter
from habeas.letters.models import Letter
from habeas.letters.queries.pack import (
    pack_counts,
    pack_endorsements,
    pack_signatories,
    pack_texts,
)

# How many public signatories the PDF lists; the CSV lists them all. At
# this cap the PDF takes a few seconds and under 200 MiB (measured in
# bench/bench_letters_million.py), whatever the number of signatures.
PDF_SIGNATORIES = 2000
# Lines of CSV gathered before they are handed to the response.
CSV_LINES_PER_CHUNK = 500

CSV_COLUMNS = [
    "type",
    "name",
    "kind",
    "country",
    "city",
    "affiliation",
    "signed_by",
    "signed_by_role",
]


def access_pack(user: Visitor, slug: str) -> Letter:
    """The published (open or closed) letter at ``slug`` if ``user`` may take its
    delivery pack.

    Raises Http404 for an unknown slug and for a draft, whoever asks (a draft
    has nothing to deliver yet); PermissionDenied for a published letter the
    user may read but not deliver.
    """
    letter = access_letter(user, slug, "letters.delivery_pack")
    if letter.status == Letter.Status.DRAFT:
        raise Http404
    return letter


def static_root() -> Path:
    """The directory of the bundled static files the PDF may read (fonts, CSS)."""
    return (Path(apps.get_app_config("core").path) / "static").resolve()


def static_file(url: str) -> Path | None:
    """The file a ``file:`` URL names, if it is a bundled static file; None otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    root = static_root()
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


class StaticFilesOnly(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that serves the bundled static files and refuses
    everything else (http, https, data, ftp, any other file) with a ValueError,
    which WeasyPrint logs and skips."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = static_file(url)
        if path is None:
            raise ValueError(f"the delivery pack reads only bundled static files, not {url!r}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".woff2":
            content_type = "font/woff2"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def pack_html(letter: Letter, *, limit: int = PDF_SIGNATORIES) -> str:
    """The HTML the PDF is laid out from: texts, endorsements, counts and the first
    ``limit`` public signatories. Every value is escaped by the template."""
    counts = pack_counts(letter)
    return render_to_string(
        "letters/pack.html",
        {
            "letter": letter,
            "texts": pack_texts(letter),
            "endorsements": pack_endorsements(letter),
            "counts": counts,
            "signatories": pack_signatories(letter, limit=limit),
            "listed": min(limit, counts.named),
            "limit": limit,
        },
    )


def pack_document(letter: Letter, *, limit: int = PDF_SIGNATORIES) -> Document:
    """The pack laid out by WeasyPrint (pages and boxes), before it is written."""
    fetcher = StaticFilesOnly()
    html = HTML(
        string=pack_html(letter, limit=limit),
        base_url=static_root().as_uri() + "/",
        url_fetcher=fetcher,
    )
    return html.render(font_config=FontConfiguration())


def pack_pdf(letter: Letter, *, limit: int = PDF_SIGNATORIES) -> bytes:
    """The delivery pack as PDF bytes."""
    pdf: bytes = pack_document(letter, limit=limit).write_pdf()
    return pdf


def pack_csv(letter: Letter) -> Iterator[str]:
    """The verified endorsements, then every public signatory, as CSV text, a chunk
    of lines at a time; no cell runs as a formula in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    lines = 0

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    for endorsement in pack_endorsements(letter):
        row = [
            "organisation",
            endorsement.name,
            endorsement.kind,
            endorsement.country,
            "",
            "",
            endorsement.signatory,
            endorsement.signatory_role,
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        lines += 1
        if lines % CSV_LINES_PER_CHUNK == 0:
            yield flush()
    for person in pack_signatories(letter):
        row = [
            "person",
            person.name,
            "",
            person.country,
            person.city,
            person.affiliation,
            "",
            "",
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        lines += 1
        if lines % CSV_LINES_PER_CHUNK == 0:
            yield flush()
    yield flush()

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

The PDF is made only from bundled files (``habeas.core.pdf``): its URL
fetcher refuses every URL outside the static files (no network, no other
file), so nothing a letter's text contains can make the server fetch anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.http import Http404
from django.template.loader import render_to_string
from weasyprint import Document

from habeas.coalition.queries import Visitor

# The fetcher and its helpers are named here too, where the pack's tests look.
from habeas.core.pdf import StaticFilesOnly as StaticFilesOnly
from habeas.core.pdf import layout
from habeas.core.pdf import static_file as static_file
from habeas.core.pdf import static_root as static_root
from habeas.core.text import spreadsheet_safe
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
    return layout(pack_html(letter, limit=limit))


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

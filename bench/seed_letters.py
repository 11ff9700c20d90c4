"""Data and measured steps for the million-signature benchmark (bench_letters_million).

Each step runs in its own process with the environment Habeas is served
with (the same HABEAS_VAR_DIR or DATABASE_URL), so the benchmark can read
its peak RSS from the kernel alone::

    python -m bench.seed_letters seed SLUG N       a letter with N counted signatures
    python -m bench.seed_letters baseline          Django and WeasyPrint loaded, nothing made
    python -m bench.seed_letters csv SLUG OUTPUT   the delivery pack's CSV, as the view streams it
    python -m bench.seed_letters pdf SLUG OUTPUT   the delivery pack's PDF, as the view makes it

``seed`` writes the signatures with one INSERT ... SELECT over a generated
series inside the database (PostgreSQL's generate_series, a recursive CTE
on SQLite): no row passes through Python. Every signature is confirmed and
counted, two in three chose to be named, one in five gives an affiliation;
the tally's SignatureCount rows are written to match, and a few verified
endorsements are added. Each step prints one JSON object on its last line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

CAMPAIGN_SLUG = "free-political-prisoners-pakistan"
USERNAME = "bench-letters"
COUNTRIES = "PKGBDEUSCAINFRNP"  # eight two-letter codes, picked by g % 8
SIGNED_FROM = "2026-01-01 00:00:00"

# g is the generated row number; every expression is the same on both databases.
SELECT = """
    %s, 'Signer ' || g, '', 'bench-' || %s || '-' || g, 'example.org',
    substr('{countries}', 1 + (g %% 8) * 2, 2),
    CASE g %% 4 WHEN 0 THEN 'London' WHEN 1 THEN 'Lahore' WHEN 2 THEN 'Berlin' ELSE '' END,
    CASE WHEN g %% 5 = 0 THEN 'Union branch ' || (g %% 97) ELSE '' END,
    g %% 3 <> 0, false, 'en', 'CONFIRMED', '', '', {at}, {at}, 0, true, false
""".format(countries=COUNTRIES, at="{at}")
COLUMNS = (
    "letter_id, name, email, email_key, email_domain, country, city, affiliation, "
    "show_name, send_updates, language, status, suspect, ip_hash, created_at, "
    "confirmed_at, mail_attempts, counted, tally_due"
)
# Built from the constants above only; every value is a query parameter.
POSTGRESQL = (
    f"INSERT INTO letters_signature ({COLUMNS}) SELECT "  # noqa: S608
    + SELECT.format(at=f"timestamptz '{SIGNED_FROM}+00' + g * interval '1 second'")
    + " FROM generate_series(1, %s) AS g"
)
SQLITE = (
    "WITH RECURSIVE series(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM series WHERE g < %s) "  # noqa: S608
    f"INSERT INTO letters_signature ({COLUMNS}) SELECT "
    + SELECT.format(at=f"datetime('{SIGNED_FROM}', '+' || g || ' seconds')")
    + " FROM series"
)

ENDORSEMENTS = [
    ("Dock Workers Union, Liverpool branch", "UNION", "GB", "General secretary"),
    ("Transport Union Berlin", "UNION", "DE", "Chair"),
    ("Workers Party of Somewhere", "PARTY", "PK", "President"),
    ("Students for Freedom", "STUDENT_GROUP", "US", "Organiser"),
]


def seed(slug: str, n: int) -> dict[str, Any]:
    """A letter at ``slug`` on the demo campaign with ``n`` counted signatures."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from habeas.coalition.models import Campaign
    from habeas.letters.models import Endorsement, Letter, LetterText, Signature, SignatureCount

    campaign = Campaign.objects.get(slug=CAMPAIGN_SLUG)
    author = campaign.memberships.select_related("organisation").first()
    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic():
        old = Letter.objects.filter(slug=slug).first()
        if old is not None:
            Signature.objects.filter(letter=old).delete()
            Endorsement.objects.filter(letter=old).delete()
            old.delete()
        letter = Letter.objects.create(
            campaign=campaign, slug=slug, created_by=user, status=Letter.Status.OPEN
        )
        if author is not None:
            letter.authors.add(author.organisation)
        for language, title, body in (
            ("en", "Free the political prisoners", "We demand their release."),
            ("ur", "سیاسی قیدیوں کو رہا کرو", "ہم مطالبہ کرتے ہیں کہ سب قیدی رہا کیے جائیں"),
        ):
            LetterText.objects.create(
                letter=letter,
                language=language,
                title=title,
                addressees="The Prime Minister of Pakistan",
                body=body,
                body_html=f"<p>{body}</p>",
            )
        for name, kind, country, role in ENDORSEMENTS:
            Endorsement.objects.create(
                letter=letter,
                name=name,
                kind=kind,
                country=country,
                signatory="A. Signatory",
                signatory_role=role,
                status=Endorsement.Status.VERIFIED,
            )
        if connection.vendor == "postgresql":
            sql, params = POSTGRESQL, [letter.pk, letter.pk, n]
        else:
            sql, params = SQLITE, [n, letter.pk, letter.pk]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        timings["insert_s"] = round(time.perf_counter() - started, 3)
        counts = (
            Signature.objects.filter(letter=letter, counted=True)
            .annotate(day=TruncDate("confirmed_at"))
            .values("country", "day")
            .annotate(total=Count("id"))
            .order_by()
        )
        SignatureCount.objects.bulk_create(
            SignatureCount(
                letter=letter, country=row["country"], day=row["day"], signatures=row["total"]
            )
            for row in counts
        )
    timings["with_counts_s"] = round(time.perf_counter() - started, 3)
    if connection.vendor == "postgresql":
        # What autovacuum does a few minutes after such a bulk insert.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) letters_signature")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timings["analysed_s"] = round(time.perf_counter() - started, 3)
    named = Signature.objects.filter(letter=letter, show_name=True).count()
    total = sum(c.signatures for c in SignatureCount.objects.filter(letter=letter))
    return {
        "letter": slug,
        "signatures": n,
        "counted": total,
        "named": named,
        "endorsements": len(ENDORSEMENTS),
        **timings,
    }


def baseline() -> dict[str, Any]:
    """Load what the pack steps load, make nothing: the floor of their peak RSS."""
    from habeas.letters import pack  # noqa: F401 — WeasyPrint and the queries, loaded

    return {"loaded": True}


def write_csv(slug: str, output: str) -> dict[str, Any]:
    """Write the delivery pack's CSV as the view streams it; its size and lines."""
    from habeas.letters.models import Letter
    from habeas.letters.pack import pack_csv

    letter = Letter.objects.get(slug=slug)
    lines = size = 0
    with open(output, "w", encoding="utf-8", newline="") as handle:
        for chunk in pack_csv(letter):
            handle.write(chunk)
            lines += chunk.count("\r\n")
            size += len(chunk)
    return {"lines": lines, "characters": size}


def write_pdf(slug: str, output: str) -> dict[str, Any]:
    """Make the delivery pack's PDF as the view does; its size and pages."""
    from habeas.letters.models import Letter
    from habeas.letters.pack import PDF_SIGNATORIES, pack_document

    letter = Letter.objects.get(slug=slug)
    started = time.perf_counter()
    document = pack_document(letter)
    laid_out = time.perf_counter() - started
    data = document.write_pdf()
    with open(output, "wb") as handle:
        handle.write(data)
    return {
        "pages": len(document.pages),
        "bytes": len(data),
        "layout_s": round(laid_out, 3),
        "signatories_listed_at_most": PDF_SIGNATORIES,
    }


def main(argv: list[str]) -> int:
    """Run one step; print its JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
    import django

    django.setup()
    step, args = (argv[0], argv[1:]) if argv else ("", [])
    started = time.perf_counter()
    if step == "seed":
        result = seed(args[0], int(args[1]))
    elif step == "baseline":
        result = baseline()
    elif step == "csv":
        result = write_csv(args[0], args[1])
    elif step == "pdf":
        result = write_pdf(args[0], args[1])
    else:
        print("usage: python -m bench.seed_letters seed|baseline|csv|pdf ...")
        return 2
    result["step_s"] = round(time.perf_counter() - started, 3)
    print(json.dumps(result, sort_keys=True, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

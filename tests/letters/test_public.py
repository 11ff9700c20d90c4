"""The public letter pages: what they show, what they never show, and what they cost."""

from __future__ import annotations

import datetime
import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time
from whitenoise.compress import Compressor

from habeas.coalition.models import Organisation, Role
from habeas.core.text import render_markdown
from habeas.letters import charts
from habeas.letters.models import Endorsement, Letter, LetterText, Signature, SignatureCount
from habeas.letters.queries.public import (
    ENDORSEMENTS_CAP,
    ENDORSEMENTS_PAGE,
    SIGNATORIES_PAGE,
    letter_counts,
    public_signatories,
)
from habeas.letters.services.tally import tally_fold, tally_fold_due
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in
from tests.letters.public_data import make_letter, sign
from tests.pages import forget_pages, page_queries

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DEMO_LETTER = ROOT / "habeas" / "demo" / "letter" / "open-letter-2025-05-30.md"


def _get(path: str, client: Client | None = None) -> Any:
    return (client or Client()).get(path)


def _html(path: str) -> str:
    response = _get(path)
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def _endorse(
    letter: Letter,
    name: str,
    *,
    kind: str = "PARTY",
    country: str = "PK",
    organisation: Organisation | None = None,
    status: str = Endorsement.Status.VERIFIED,
) -> Endorsement:
    return Endorsement.objects.create(
        letter=letter,
        name=name,
        kind=kind,
        country=country,
        organisation=organisation,
        status=status,
        contact_email="contact@union.example",
    )


# --- What the letter page shows ------------------------------------------------


def test_the_letter_page_shows_text_counts_endorsements_signatories_and_share_links() -> None:
    """A letter page: title, addressees, body, "signed by N organisations and M people",
    the goal's progress, counts by country, the chart and plain share links."""
    letter = make_letter(slug="free-them", goal=10)
    sign(letter, country="PK", name="Ayesha Khan", city="Lahore", affiliation="PTUDC")
    sign(letter, country="PK")
    sign(letter, country="GB", name="Hidden Person", show_name=False)
    _endorse(letter, "Workers Union", kind="UNION", country="GB")
    tally_fold()
    html = _html("/letters/free-them/")
    assert "Free the prisoners of free-them" in html
    assert "The Prime Minister" in html
    assert "Release them <strong>now</strong>." in html
    assert "Signed by 1 organisation and 3 people." in html
    assert '<progress id="goal" max="10" value="3">' in html
    # Countries by name, in the page's language, never by code.
    assert "<td>Pakistan</td><td>2</td>" in html
    assert "<td>United Kingdom</td><td>1</td>" in html
    assert '<svg class="chart"' in html
    assert "Ayesha Khan" in html
    assert "<bdi>Lahore</bdi>, Pakistan" in html
    assert "PTUDC" in html
    assert "Hidden Person" not in html
    assert 'href="mailto:?subject=' in html
    assert "http://testserver/letters/free-them/" in html
    assert "/letters/free-them/signatories/?page=1" in html


def test_the_goal_bar_stops_at_the_goal() -> None:
    """Past its goal the bar is full, not longer; without a goal there is no bar."""
    letter = make_letter(slug="past-goal", goal=1)
    sign(letter)
    sign(letter)
    tally_fold()
    assert '<progress id="goal" max="1" value="1">' in _html("/letters/past-goal/")
    make_letter(slug="no-goal")
    assert "<progress" not in _html("/letters/no-goal/")


def test_counts_show_only_what_the_tally_has_folded(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The page reads the counts, not the rows: a confirmation shows after the fold."""
    letter = make_letter(slug="lagging")
    sign(letter)
    assert "and 0 people." in _html("/letters/lagging/")
    with django_capture_on_commit_callbacks(execute=True):
        tally_fold()
    assert "and 1 person." in _html("/letters/lagging/")


def test_endorsements_are_verified_only_unions_first_then_country_then_name() -> None:
    """Only verified endorsements show, grouped by kind with unions first, then by
    country and name; an organisation on Habeas links to its page."""
    letter = make_letter(slug="endorsed")
    party = OrganisationFactory(name="Left Front", slug="left-front", kind="PARTY")
    _endorse(letter, "Left Front", kind="PARTY", organisation=party)
    _endorse(letter, "Zeta Union", kind="UNION", country="DE")
    _endorse(letter, "Alpha Union", kind="UNION", country="GB")
    _endorse(letter, "Beta Union", kind="UNION", country="DE")
    _endorse(letter, "Pending Union", kind="UNION", status=Endorsement.Status.PENDING)
    _endorse(letter, "Rejected Group", kind="NGO", status=Endorsement.Status.REJECTED)
    html = _html("/letters/endorsed/")
    order = [
        html.index(name) for name in ("Beta Union", "Zeta Union", "Alpha Union", "Left Front")
    ]
    assert order == sorted(order)
    assert html.index("Trade union") < html.index("Party")
    assert '<a href="/organisations/left-front/">Left Front</a>' in html
    assert "Pending Union" not in html
    assert "Rejected Group" not in html
    assert "contact@union.example" not in html
    assert "Signed by 4 organisations" in html


def test_many_endorsements_are_capped_on_the_letter_and_paged_on_their_own_page() -> None:
    """The letter page shows the first endorsements and links to all of them, paged."""
    letter = make_letter(slug="many")
    for n in range(ENDORSEMENTS_PAGE + 1):
        _endorse(letter, f"Union {n:03d}", kind="UNION")
    html = _html("/letters/many/")
    assert f"Union {ENDORSEMENTS_CAP - 1:03d}" in html
    assert f"Union {ENDORSEMENTS_CAP:03d}" not in html
    assert "/letters/many/endorsements/" in html
    first = _html("/letters/many/endorsements/")
    assert f"Union {ENDORSEMENTS_PAGE - 1:03d}" in first
    assert f"Union {ENDORSEMENTS_PAGE:03d}" not in first
    assert f"Union {ENDORSEMENTS_PAGE:03d}" in _html("/letters/many/endorsements/?page=2")


def test_public_signatories_are_the_counted_named_ones_newest_first() -> None:
    """Only signatures that count and chose to be shown are listed, newest first:
    not pending, withdrawn, suspect, invalidated or hidden ones."""
    letter = make_letter(slug="names")
    start = timezone.now() - datetime.timedelta(hours=1)
    for n in range(3):
        sign(letter, name=f"Shown {n}", confirmed_at=start + datetime.timedelta(minutes=n))
    sign(letter, name="Pending One", status=Signature.Status.PENDING)
    sign(letter, name="Withdrawn One", status=Signature.Status.WITHDRAWN)
    sign(letter, name="Suspect One", suspect=Signature.Suspect.TOO_FAST)
    sign(letter, name="Private One", show_name=False)
    html = _html("/letters/names/signatories/")
    assert html.index("Shown 2") < html.index("Shown 1") < html.index("Shown 0")
    for hidden in ("Pending One", "Withdrawn One", "Suspect One", "Private One"):
        assert hidden not in html


def test_no_email_address_appears_even_inside_a_name() -> None:
    """Neither a signer's address nor an address typed into a name, city or
    affiliation appears on any public page."""
    letter = make_letter(slug="private")
    sign(
        letter,
        name="Ali ali.secret@example.org",
        city="mail: city@example.net",
        affiliation="(union@example.com)",
        email="real.address@example.org",
    )
    tally_fold()
    for path in ("/letters/private/", "/letters/private/signatories/", "/ur/letters/private/"):
        html = _html(path)
        assert "@example" not in html
        assert "real.address" not in html
        assert "ali.secret" not in html
        assert "Ali …" in html
    assert "@" not in _html("/letters/private/count.json")


def test_user_text_is_escaped_in_pages_and_svg() -> None:
    """A name, city, country or organisation with markup shows as text, in HTML and SVG."""
    letter = make_letter(slug="escaped")
    sign(letter, name="<script>alert(1)</script>", city="<b>x</b>", country="<s")
    _endorse(letter, "<img src=x onerror=alert(1)>", kind="UNION")
    tally_fold()
    html = _html("/letters/escaped/")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<td>&lt;s</td>" in html
    chart = charts.signatures_chart([(datetime.date(2025, 6, 1), 1)], title='<script>"x"</script>')
    assert "<script>" not in chart
    assert "&lt;script&gt;&quot;x&quot;&lt;/script&gt;" in chart
    badge = charts.badge('<script>"&', 3)
    assert "<script>" not in badge
    assert "&lt;script&gt;&quot;&amp;" in badge


def test_the_chart_draws_the_running_total_by_day() -> None:
    """The chart's line runs through the running total; one day draws a point."""
    letter = make_letter()
    for day, n in ((1, 2), (3, 1)):
        for _ in range(n):
            sign(letter, confirmed_at=datetime.datetime(2025, 6, day, 12, tzinfo=datetime.UTC))
    tally_fold()
    counts = letter_counts(letter)
    assert counts.cumulative == [(datetime.date(2025, 6, 1), 2), (datetime.date(2025, 6, 3), 3)]
    chart = charts.signatures_chart(counts.cumulative, title="t")
    assert "<polyline" in chart
    assert "2025-06-01" in chart
    assert "2025-06-03" in chart
    assert "<circle" in charts.signatures_chart(counts.cumulative[:1], title="t")
    assert charts.signatures_chart([], title="t") == ""


# --- Languages -----------------------------------------------------------------


def test_an_urdu_reader_sees_the_urdu_text_and_a_link_to_the_english() -> None:
    """At /ur/ the Urdu text shows, with a link to the same letter at /."""
    make_letter(slug="both", urdu=True)
    html = _html("/ur/letters/both/")
    assert "قیدیوں کو رہا کرو" in html
    assert 'href="/letters/both/" hreflang="en"' in html
    assert 'href="/ur/letters/both/" hreflang="ur"' in _html("/letters/both/")


def test_without_an_urdu_text_the_english_shows_marked_as_english() -> None:
    """An Urdu reader of an English-only letter reads the English, marked lang="en"."""
    make_letter(slug="english-only")
    html = _html("/ur/letters/english-only/")
    assert '<h1 lang="en" dir="ltr">Free the prisoners of english-only</h1>' in html
    assert 'hreflang="ur"' not in html.split("<main")[1]


# --- Visibility and state ----------------------------------------------------------


@pytest.mark.parametrize(
    "suffix", ["", "signatories/", "endorsements/", "count.json", "badge.svg"]
)
def test_a_draft_is_404_to_visitors_and_strangers(suffix: str) -> None:
    """A draft's pages answer 404 to anonymous visitors and to signed-in strangers."""
    make_letter(slug="secret-draft", status=Letter.Status.DRAFT)
    assert _get(f"/letters/secret-draft/{suffix}").status_code == 404
    stranger = sign_in(Client(), UserFactory())
    assert _get(f"/letters/secret-draft/{suffix}", stranger).status_code == 404
    assert _get(f"/letters/no-such-letter/{suffix}").status_code == 404


def test_a_draft_shows_to_an_editor_of_its_organisation() -> None:
    """An editor of an authoring organisation reads the draft, without a sign form."""
    letter = make_letter(slug="our-draft", status=Letter.Status.DRAFT)
    editor = UserFactory()
    grant(editor, Role.ORG_EDITOR, organisation=letter.authors.get())
    response = _get("/letters/our-draft/", sign_in(Client(), editor))
    assert response.status_code == 200
    assert "letters/_sign_form.html" not in [t.name for t in response.templates]
    assert "private" in response["Cache-Control"]


def test_an_open_letter_includes_the_sign_form() -> None:
    """An open letter's page includes the sign form."""
    make_letter(slug="open-one")
    response = _get("/letters/open-one/")
    assert "letters/_sign_form.html" in [t.name for t in response.templates]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"status": Letter.Status.CLOSED}, "This letter is closed"),
        ({"closes_at": timezone.now() - datetime.timedelta(minutes=1)}, "This letter is closed"),
        (
            {"opens_at": timezone.now() + datetime.timedelta(days=1)},
            "does not take signatures yet",
        ),
    ],
)
def test_a_closed_or_not_yet_open_letter_says_so_and_shows_no_form(
    fields: dict[str, Any], says: str
) -> None:
    """A closed letter (by an organiser or by its closing time), or one not yet open,
    says so and has no sign form."""
    make_letter(slug="shut", **fields)
    response = _get("/letters/shut/")
    assert response.status_code == 200
    assert says in response.content.decode()
    assert "letters/_sign_form.html" not in [t.name for t in response.templates]


def test_the_list_shows_published_letters_newest_first_with_counts() -> None:
    """/letters/ lists open and closed letters, newest first, never drafts."""
    older = make_letter(slug="older")
    Letter.objects.filter(pk=older.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=2)
    )
    make_letter(slug="newer", status=Letter.Status.CLOSED)
    make_letter(slug="hidden-draft", status=Letter.Status.DRAFT)
    sign(older)
    sign(older)
    tally_fold()
    html = _html("/letters/")
    assert html.index("/letters/newer/") < html.index("/letters/older/")
    assert "hidden-draft" not in html
    assert "2 signatures" in html
    assert "closed" in html


def test_the_site_navigation_links_the_letters() -> None:
    """Every page's navigation links /letters/."""
    assert 'href="/letters/"' in _html("/register/")


def test_the_campaign_page_lists_its_open_letters() -> None:
    """A campaign page lists its open letters, not its drafts or closed ones."""
    campaign = CampaignFactory(slug="free-all")
    make_letter(slug="sign-me", campaign=campaign)
    make_letter(slug="too-late", campaign=campaign, status=Letter.Status.CLOSED)
    make_letter(slug="not-ready", campaign=campaign, status=Letter.Status.DRAFT)
    make_letter(slug="other-campaign")
    html = _html("/campaigns/free-all/")
    assert "/letters/sign-me/" in html
    for absent in ("too-late", "not-ready", "other-campaign"):
        assert absent not in html


# --- Paging ----------------------------------------------------------------------


def test_signatories_page_through_in_25s_and_refuse_pages_that_do_not_exist() -> None:
    """25 names a page; page 2 holds the rest; a page past the end, page 0, a negative,
    a word or a huge number answers 404, never 500."""
    letter = make_letter(slug="paged")
    start = timezone.now() - datetime.timedelta(days=1)
    for n in range(SIGNATORIES_PAGE + 3):
        sign(letter, name=f"Person {n:03d}", confirmed_at=start + datetime.timedelta(minutes=n))
    first = _html("/letters/paged/signatories/")
    assert first.count("<li><bdi>Person ") == SIGNATORIES_PAGE
    assert "Person 027" in first
    assert "?page=2" in first
    second = _html("/letters/paged/signatories/?page=2")
    assert second.count("<li><bdi>Person ") == 3
    assert "Person 000" in second
    assert "?page=1" in second
    for bad in ("3", "0", "-1", "abc", "1.5", "99999999999999999999", "٢"):
        assert _get(f"/letters/paged/signatories/?page={bad}").status_code == 404, bad


def test_an_empty_signatories_page_is_200() -> None:
    """The first page of a letter with no public names says so."""
    make_letter(slug="empty")
    assert "No name to show yet." in _html("/letters/empty/signatories/")


def test_public_signatories_use_the_partial_index() -> None:
    """The signatories query is answered from the partial index letters_public_signatories."""
    letter = make_letter()
    sign(letter)
    with CaptureQueriesContext(connection) as queries:
        public_signatories(letter, 1)
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "letters_public_signatories" in plan, plan
    assert '"email"' not in sql


# --- The embeddable counter ---------------------------------------------------------


def test_the_count_json_is_small_cacheable_and_readable_from_other_sites() -> None:
    """count.json: total, goal, organisations and updated_at; cacheable for 5 s by anyone;
    any site may read it."""
    letter = make_letter(slug="counted", goal=100)
    for _ in range(3):
        sign(letter)
    sign(letter, suspect=Signature.Suspect.HONEYPOT)
    _endorse(letter, "A Union", kind="UNION")
    tally_fold()
    response = _get("/letters/counted/count.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"total", "goal", "organisations", "updated_at"}
    assert (body["total"], body["goal"], body["organisations"]) == (3, 100, 1)
    assert datetime.datetime.fromisoformat(body["updated_at"]).tzinfo is not None
    assert "public" in response["Cache-Control"]
    assert "max-age=5" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_the_badge_shows_the_count() -> None:
    """badge.svg is an SVG image with the count, cacheable like the JSON."""
    letter = make_letter(slug="badged")
    SignatureCount.objects.create(
        letter=letter, country="PK", day=datetime.date(2025, 6, 1), signatures=1234
    )
    response = _get("/letters/badged/badge.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "1,234" in response.content.decode()
    assert "max-age=5" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"


# --- The same bytes for everyone, no cookie, small -----------------------------------


PUBLIC_PAGES = [
    "/letters/",
    "/letters/same/",
    "/letters/same/signatories/",
    "/letters/same/endorsements/",
    "/letters/same/count.json",
    "/letters/same/badge.svg",
]


@pytest.mark.parametrize("prefix", ["", "/ur"])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_set_no_cookie_and_carry_no_token(prefix: str, path: str) -> None:
    """Every public letter page, in English and Urdu, sets no cookie and holds no
    CSRF token; two visitors get the same bytes."""
    letter = make_letter(slug="same", urdu=True)
    sign(letter)
    _endorse(letter, "A Union", kind="UNION")
    tally_fold()
    first, second = Client(), Client()
    # The same moment: the sign form may carry the second it was served in.
    with freeze_time(timezone.now()):
        one, two = first.get(prefix + path), second.get(prefix + path)
    assert one.status_code == 200
    assert not one.cookies
    assert "Set-Cookie" not in one.headers
    assert b"csrfmiddlewaretoken" not in one.content
    if not path.endswith(".json"):
        assert one.content == two.content
    assert not first.cookies
    assert not second.cookies


def _stylesheets(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)


def _as_whitenoise_sends(data: bytes, accepts: tuple[str, ...]) -> int:
    """The bytes WhiteNoise sends of a collected static file to a browser accepting
    ``accepts``: collectstatic (CompressedManifestStaticFilesStorage) keeps a Brotli
    and a gzip copy when either is at most 95% of the file, and WhiteNoise sends the
    Brotli one first, then gzip, then the file itself."""
    compressed = {"br": Compressor.compress_brotli(data), "gzip": Compressor.compress_gzip(data)}
    for encoding in ("br", "gzip"):
        if encoding in accepts and len(compressed[encoding]) <= 0.95 * len(data):
            return len(compressed[encoding])
    return len(data)


def test_the_letter_page_with_its_css_stays_under_30_kb_in_english() -> None:
    """The demo letter with endorsements, names and 30 countries: the HTML and the CSS
    it links weigh at most 30 KB on a first visit, counted as they are sent (bodies
    only): the page gzipped by the public-page cache, each stylesheet as WhiteNoise
    sends it in production, to a browser with Brotli and to one with gzip only."""
    letter = make_letter(slug="the-letter", goal=10_000)
    text = LetterText.objects.get(letter=letter, language="en")
    text.body = DEMO_LETTER.read_text(encoding="utf-8")
    text.body_html = render_markdown(text.body)
    text.title = "Free the AAC activists and all left political prisoners in Pakistan"
    text.save()
    countries = [f"{chr(65 + n // 26)}{chr(65 + n % 26)}" for n in range(30)]
    for n in range(40):
        sign(
            letter,
            name=f"Firstname Lastname-Longer {n}",
            city="Rawalpindi",
            affiliation="Pakistan Trade Union Defence Campaign",
            country=countries[n % 30],
            confirmed_at=timezone.now() - datetime.timedelta(days=n % 20),
        )
    for n in range(30):
        _endorse(letter, f"Federation of Workers' Unions, branch {n}", kind="UNION", country="GB")
    tally_fold_due()
    weights = {}
    for name, accepts in (("brotli", ("gzip", "deflate", "br")), ("gzip", ("gzip", "deflate"))):
        page = Client().get("/letters/the-letter/", HTTP_ACCEPT_ENCODING=", ".join(accepts))
        assert page.status_code == 200
        assert page["Content-Encoding"] == "gzip"
        html = gzip.decompress(page.content).decode()
        css = 0
        for href in _stylesheets(html):
            found = finders.find(href.removeprefix("/static/"))
            assert found, href
            css += _as_whitenoise_sends(Path(found).read_bytes(), accepts)
        assert css > 0
        weights[name] = (len(page.content), css, len(page.content) + css)
    assert all(weight <= 30 * 1024 for _, _, weight in weights.values()), weights


def test_no_page_loads_anything_from_another_origin() -> None:
    """Scripts, images, styles and frames on the letter page are all this site's own."""
    letter = make_letter(slug="local")
    sign(letter)
    tally_fold()
    html = _html("/letters/local/")
    assert "<script" not in html
    assert "<iframe" not in html
    for attribute in re.findall(r"<(?:img|link|script|source|iframe)\b[^>]*>", html):
        assert "//" not in attribute.replace('xmlns="http://www.w3.org/2000/svg"', ""), attribute


# --- Query counts ----------------------------------------------------------------------


def _queries(path: str) -> int:
    """How many queries ``path`` takes to render; every one a read (no request writes a
    count). Rendered past the page cache, whose reads and stores are not the page's."""
    cache.clear()
    forget_pages()
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(path)
    assert response.status_code == 200
    own = page_queries(queries.captured_queries)
    statements = [sql.lstrip().split(None, 1)[0].upper() for sql in own]
    assert set(statements) <= {"SELECT"}, statements
    return len(own)


LETTER_PAGE = 6
LETTER_LIST = 4
SIGNATORIES = 3
COUNTER = 3
BADGE = 2


def test_the_letter_page_costs_the_same_however_many_sign() -> None:
    """The letter page takes a fixed number of queries with 4 or 40 signatures."""
    letter = make_letter(slug="costly")
    _endorse(letter, "A Union", kind="UNION")

    def add(n: int) -> int:
        for k in range(n):
            sign(
                letter,
                country=["PK", "GB", "DE"][k % 3],
                confirmed_at=timezone.now() - datetime.timedelta(days=k),
            )
        tally_fold_due()
        return _queries("/letters/costly/")

    assert (add(4), add(36)) == (LETTER_PAGE, LETTER_PAGE)
    assert _queries("/letters/costly/signatories/") == SIGNATORIES
    assert _queries("/letters/costly/count.json") == COUNTER
    assert _queries("/letters/costly/badge.svg") == BADGE


def test_the_letter_list_costs_the_same_however_many_letters() -> None:
    """The list takes a fixed number of queries with 4 or 12 letters."""

    def add(n: int) -> int:
        for _ in range(n):
            sign(make_letter(urdu=True))
        tally_fold()
        return _queries("/letters/")

    assert (add(4), add(8)) == (LETTER_LIST, LETTER_LIST)

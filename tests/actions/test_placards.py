"""Placards to print: a campaign's common demands and its members' own slogans as
one-page PDFs, A4 or A3, portrait or landscape, in English or Urdu (Nastaliq)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from habeas.actions import placards
from habeas.actions.queries.placards import PlacardKind, campaign_placard, campaign_placards
from habeas.coalition.models import (
    Campaign,
    CampaignMembership,
    Demand,
    DemandVersion,
    HiddenNotice,
    Organisation,
    Position,
    Role,
)
from habeas.coalition.services.united_front import demand_withdraw, item_hide
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in
from tests.pages import forget_pages

pytestmark = pytest.mark.django_db

COMMON_EN = "Free all political prisoners <b>&"
COMMON_UR = "تمام سیاسی قیدیوں کو رہا کرو"
PLAIN_COMMON = "Drop every charge under the Anti-Terrorism Act"
OWN_EN = "Land to the tiller"
OWN_UR = "زمین کسان کی"
ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
POINTS_PER_MM = 72 / 25.4


@dataclass
class World:
    campaign: Campaign
    a: Organisation
    b: Organisation
    c: Organisation
    common: Demand
    plain_common: Demand
    own: Demand
    proposed: Demand
    hidden: Demand
    withdrawn: Demand
    elsewhere: Demand
    coordinator: Any
    editor_a: Any


def demand(
    campaign: Campaign,
    proposer: Organisation,
    text: str,
    text_ur: str = "",
    endorsers: tuple[Organisation, ...] = (),
) -> Demand:
    """A demand endorsed by its proposer and ``endorsers`` on its first wording."""
    made = Demand.objects.create(
        campaign=campaign, proposed_by=proposer, text=text, text_ur=text_ur
    )
    DemandVersion.objects.create(demand=made, number=1, text=text, text_ur=text_ur)
    for organisation in (proposer, *endorsers):
        Position.objects.create(
            demand=made, organisation=organisation, stance=Position.Stance.ENDORSES, version=1
        )
    return made


def join(campaign: Campaign, *organisations: Organisation) -> None:
    for organisation in organisations:
        CampaignMembership.objects.create(
            campaign=campaign,
            organisation=organisation,
            status=CampaignMembership.Status.ACTIVE,
            joined_at=timezone.now(),
        )


@pytest.fixture
def world() -> World:
    campaign = CampaignFactory(
        title="Free the AAC prisoners <i>", title_ur="عوامی ایکشن کمیٹی", slug="free-them"
    )
    a = OrganisationFactory(name="Awami Workers Party <b>&")
    b = OrganisationFactory(name="Progressive Students")
    c = OrganisationFactory(name="Labour Union")
    join(campaign, a, b, c)
    common = demand(campaign, a, COMMON_EN, COMMON_UR, endorsers=(b, c))
    plain_common = demand(campaign, b, PLAIN_COMMON, endorsers=(a, c))
    own = demand(campaign, a, OWN_EN, OWN_UR)
    proposed = demand(campaign, b, "Proposed, endorsed by two of three", endorsers=(c,))
    hidden = demand(campaign, c, "A hidden slogan", "چھپا ہوا نعرہ", endorsers=(a, b))
    withdrawn = demand(campaign, b, "A withdrawn slogan")
    Demand.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    coordinator, editor_a = UserFactory(), UserFactory()
    grant(coordinator, Role.COORDINATOR, campaign=campaign)
    grant(editor_a, Role.ORG_EDITOR, organisation=a)
    HiddenNotice.objects.create(
        campaign=campaign,
        demand=hidden,
        organisation=c,
        reason="Off topic.",
        hidden_by=coordinator,
    )
    other = CampaignFactory(slug="another")
    join(other, a)
    elsewhere = demand(other, a, "A demand of another campaign")
    return World(
        campaign,
        a,
        b,
        c,
        common,
        plain_common,
        own,
        proposed,
        hidden,
        withdrawn,
        elsewhere,
        coordinator,
        editor_a,
    )


def pdf_url(campaign: Campaign, demand: Demand, fmt: str = "a4-portrait-en") -> str:
    return f"/actions/placards/{campaign.slug}/{demand.pk}-{fmt}.pdf"


def pdf_text(body: bytes) -> str:
    """The PDF's text, its whitespace made single spaces."""
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def font_runs(body: bytes) -> list[tuple[str, str]]:
    """Each run of text the first page shows, with the /BaseFont of the font it
    is shown in (read from the content stream's text operators)."""
    page = PdfReader(io.BytesIO(body)).pages[0]
    runs: list[tuple[str, str]] = []

    def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        if text.strip() and font is not None:
            runs.append((text, str(font.get("/BaseFont", ""))))

    page.extract_text(visitor_text=visit)
    return runs


def nastaliq(base_font: str) -> bool:
    """Whether a /BaseFont name (``/ABCDEF+Noto-Nastaliq-Urdu-Bold``) is Noto Nastaliq Urdu."""
    return "NotoNastaliqUrdu" in base_font.replace("-", "")


def page_fonts(body: bytes) -> set[str]:
    """The /BaseFont names of the fonts in the first page's resources."""
    page = PdfReader(io.BytesIO(body)).pages[0]
    resources: Any = page["/Resources"]
    fonts: Any = resources["/Font"]
    return {str(fonts[name].get_object()["/BaseFont"]) for name in fonts}


# --- The list of placards ------------------------------------------------------


def test_the_placards_page_lists_common_demands_and_own_slogans_with_their_pdfs(
    client: Client, world: World
) -> None:
    """Each common demand and each own slogan is listed with a link per size,
    orientation and language; Urdu only where the demand has Urdu words."""
    response = client.get("/actions/placards/free-them/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Free all political prisoners &lt;b&gt;&amp;" in html
    assert "<b>&" not in html
    assert PLAIN_COMMON in html
    assert OWN_EN in html
    assert "Awami Workers Party &lt;b&gt;&amp;" in html
    for fmt in ("a4-portrait", "a4-landscape", "a3-portrait", "a3-landscape"):
        for found, lang in (
            (world.common, "en"),
            (world.common, "ur"),
            (world.own, "ur"),
            (world.plain_common, "en"),
        ):
            assert pdf_url(world.campaign, found, f"{fmt}-{lang}") in html
        assert pdf_url(world.campaign, world.plain_common, f"{fmt}-ur") not in html
    assert html.index(COMMON_EN.replace("<b>&", "")) < html.index(OWN_EN)


def test_the_placards_page_leaves_out_hidden_withdrawn_and_merely_proposed_demands(
    client: Client, world: World
) -> None:
    """A hidden demand's words, a withdrawn demand and a demand the coalition has
    not agreed (and is no one organisation's alone) are not offered."""
    html = client.get("/actions/placards/free-them/").content.decode()
    for absent in (world.hidden, world.withdrawn, world.proposed, world.elsewhere):
        assert absent.text not in html
        assert f"/{absent.pk}-" not in html
    assert "چھپا ہوا نعرہ" not in html


def test_hidden_demands_stay_off_the_placards_page_for_their_own_editor_too(
    client: Client, world: World
) -> None:
    """Placards are for the public: a signed-in editor or coordinator is not
    offered a hidden demand either."""
    for user in (world.coordinator, world.editor_a, UserFactory()):
        html = sign_in(Client(), user).get("/actions/placards/free-them/").content.decode()
        assert world.hidden.text not in html
        assert OWN_EN in html


def test_the_placards_page_says_when_there_is_nothing_to_print(client: Client) -> None:
    """A campaign with no common demand and no own slogan says so."""
    CampaignFactory(slug="empty")
    response = client.get("/actions/placards/empty/")
    assert response.status_code == 200
    assert "There is no placard to print yet" in response.content.decode()


@pytest.mark.parametrize("slug", ["draft", "no-such-campaign"])
def test_the_placards_page_of_a_draft_or_unknown_campaign_is_404(
    client: Client, slug: str
) -> None:
    """A draft campaign has no placards page, for anyone."""
    draft = CampaignFactory(slug="draft", status=Campaign.Status.DRAFT)
    coordinator = UserFactory()
    grant(coordinator, Role.COORDINATOR, campaign=draft)
    assert client.get(f"/actions/placards/{slug}/").status_code == 404
    assert sign_in(Client(), coordinator).get(f"/actions/placards/{slug}/").status_code == 404


def test_the_placards_page_in_urdu(client: Client, world: World) -> None:
    """In Urdu the page shows the Urdu words where there are some, right to left,
    and links to the Urdu pages' PDFs."""
    response = client.get("/ur/actions/placards/free-them/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="ur" dir="rtl"' in html
    assert f'<q lang="ur" dir="rtl">{COMMON_UR}</q>' in html
    assert f'<q lang="en" dir="ltr">{PLAIN_COMMON}</q>' in html
    assert "/ur" + pdf_url(world.campaign, world.common, "a3-landscape-ur") in html


def test_the_campaign_page_links_to_its_placards(client: Client, world: World) -> None:
    """The campaign page links to the placards beside its common demands."""
    html = client.get("/campaigns/free-them/").content.decode()
    assert 'href="/actions/placards/free-them/"' in html


def test_the_placards_page_answers_only_get_and_head(client: Client, world: World) -> None:
    """Both placard pages only read: a POST is refused with 405."""
    assert client.post("/actions/placards/free-them/").status_code == 405
    assert client.post(pdf_url(world.campaign, world.own)).status_code == 405


# --- The PDFs -------------------------------------------------------------------


def test_an_english_placard_shows_the_demand_and_says_it_is_common(
    client: Client, world: World
) -> None:
    """An English common demand is a one-page PDF shown in the browser, with the
    demand's words as text (markup in them printed as typed) and a note that it
    is the coalition's common demand."""
    response = client.get(pdf_url(world.campaign, world.common))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="free-them-placard-{world.common.pk}-a4-portrait-en.pdf"'
    )
    body = response.content
    assert len(PdfReader(io.BytesIO(body)).pages) == 1
    text = pdf_text(body)
    assert COMMON_EN in text
    assert "Common demand of the coalition of the campaign: Free the AAC prisoners <i>" in text


def test_an_own_slogan_names_its_organisation(client: Client, world: World) -> None:
    """An own slogan carries its organisation's name at its foot."""
    body = client.get(pdf_url(world.campaign, world.own, "a3-portrait-en")).content
    text = pdf_text(body)
    assert OWN_EN in text
    assert "Slogan of Awami Workers Party <b>&" in text


def test_an_urdu_placard_is_set_in_the_bundled_nastaliq(client: Client, world: World) -> None:
    """The Urdu words are shown in the bundled Noto Nastaliq Urdu, never in a
    fallback font; the page's fonts include it."""
    response = client.get(pdf_url(world.campaign, world.own, "a4-landscape-ur"))
    assert response.status_code == 200
    body = response.content
    assert len(PdfReader(io.BytesIO(body)).pages) == 1
    fonts = page_fonts(body)
    assert any(nastaliq(name) for name in fonts), fonts
    urdu_runs = [(text, font) for text, font in font_runs(body) if ARABIC.search(text)]
    assert urdu_runs
    for text, font in urdu_runs:
        assert nastaliq(font), (text, font)


def test_an_urdu_placard_is_laid_out_right_to_left_with_its_urdu_small_print(
    world: World,
) -> None:
    """The Urdu words are laid out right to left in Noto Nastaliq Urdu, bold."""
    fmt = placards.PlacardFormat("a4", "portrait", "ur")
    placard = campaign_placard(world.campaign, world.common.pk)
    assert placard is not None
    document = placards.placard_document(placard, world.campaign, fmt)
    boxes = [
        box
        for box in document.pages[0]._page_box.descendants()
        if ARABIC.search(getattr(box, "text", ""))
    ]
    assert (
        "".join(box.text for box in boxes).replace(" ", "").startswith(COMMON_UR.replace(" ", ""))
    )
    for box in boxes:
        assert box.style["direction"] == "rtl"
        assert box.style["font_family"][0] == "Noto Nastaliq Urdu"
    html = placards.placard_html(placard, world.campaign, fmt)
    assert '<html lang="ur" dir="rtl">' in html
    assert 'class="words" lang="ur" dir="rtl"' in html
    assert "عوامی ایکشن کمیٹی" in html


@pytest.mark.parametrize(
    ("fmt", "width_mm", "height_mm"),
    [
        ("a4-portrait-en", 210, 297),
        ("a4-landscape-en", 297, 210),
        ("a3-portrait-en", 297, 420),
        ("a3-landscape-ur", 420, 297),
    ],
)
def test_the_page_has_the_size_asked_for(
    client: Client, world: World, fmt: str, width_mm: int, height_mm: int
) -> None:
    """The mediabox is the paper's size in points (A3 is 842 x 1191)."""
    body = client.get(pdf_url(world.campaign, world.common, fmt)).content
    box = PdfReader(io.BytesIO(body)).pages[0].mediabox
    assert float(box.width) == pytest.approx(width_mm * POINTS_PER_MM, abs=1)
    assert float(box.height) == pytest.approx(height_mm * POINTS_PER_MM, abs=1)
    if fmt.startswith("a3-landscape"):
        assert (round(float(box.width)), round(float(box.height))) == (1191, 842)


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize("paper", placards.PAPERS, ids=lambda paper: str(paper.size))
def test_the_longest_demand_fits_on_one_page(
    world: World, language: str, paper: placards.Paper
) -> None:
    """A demand as long as a demand can be (500 characters) is one page in every
    size, orientation and language; so is one very long word."""
    long_demand = demand(
        world.campaign,
        world.b,
        ("Release every political prisoner " * 16)[:500],
        ("تمام سیاسی قیدیوں کو رہا کرو " * 18)[:500],
    )
    placard = campaign_placard(world.campaign, long_demand.pk)
    assert placard is not None
    assert placard.kind == PlacardKind.OWN
    fmt = placards.PlacardFormat(paper.size, paper.orientation, language)
    assert len(placards.placard_document(placard, world.campaign, fmt).pages) == 1
    if language == "en":
        word = demand(world.campaign, world.c, "Freedom" * 70)
        placard = campaign_placard(world.campaign, word.pk)
        assert placard is not None
        assert len(placards.placard_document(placard, world.campaign, fmt).pages) == 1


def test_a_short_demand_is_set_large(world: World) -> None:
    """The type grows as the text shrinks: a short slogan is set larger than a
    long one, and fills a good part of the page's width."""
    fmt = placards.PlacardFormat("a4", "portrait", "en")
    area = placards.geometry(fmt, "Slogan of someone")
    short = placards.first_font_size("Free them", fmt, area)
    long = placards.first_font_size("Free them all " * 30, fmt, area)
    assert short > 3 * long
    assert short > 25  # millimetres: letters a few centimetres tall


# --- What is never printed --------------------------------------------------------


@pytest.mark.parametrize("which", ["hidden", "withdrawn", "proposed", "elsewhere"])
def test_a_demand_that_is_not_a_placard_is_404(client: Client, world: World, which: str) -> None:
    """A hidden, withdrawn or merely proposed demand, or one of another campaign,
    has no placard, even for a coordinator or its own organisation's editor."""
    url = pdf_url(world.campaign, getattr(world, which))
    assert client.get(url).status_code == 404
    assert sign_in(Client(), world.coordinator).get(url).status_code == 404
    assert sign_in(Client(), world.editor_a).get(url).status_code == 404


def test_an_urdu_placard_without_urdu_words_is_404(client: Client, world: World) -> None:
    """A demand without Urdu words has no Urdu placard rather than a faked one."""
    assert (
        client.get(pdf_url(world.campaign, world.plain_common, "a4-portrait-ur")).status_code
        == 404
    )
    assert (
        client.get(pdf_url(world.campaign, world.plain_common, "a4-portrait-en")).status_code
        == 200
    )


@pytest.mark.parametrize(
    "fmt",
    [
        "a5-portrait-en",
        "A4-portrait-en",
        "a4-square-en",
        "a4-portrait-fr",
        "a4-portrait-EN",
        "a4-landscape-portrait-en",
        "a4--en",
        "a4-portrait-en-x",
        "letter-portrait-ur",
        "a4-portrait-%2e%2e",
    ],
)
def test_an_unknown_size_orientation_or_language_is_404(
    client: Client, world: World, fmt: str
) -> None:
    """Any size, orientation or language outside the offered ones answers 404."""
    assert client.get(pdf_url(world.campaign, world.common, fmt)).status_code == 404


def test_a_nul_byte_in_the_format_is_a_bad_request(client: Client, world: World) -> None:
    """The site's guard refuses a NUL byte in the address before the view runs."""
    url = pdf_url(world.campaign, world.common, "a4-portrait-ur%00")
    assert client.get(url).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "999999-a4-portrait-en.pdf",
        "99999999999999999999-a4-portrait-en.pdf",
        "x-a4-portrait-en.pdf",
        "1-a4-portrait-en.png",
    ],
)
def test_an_unknown_demand_is_404(client: Client, world: World, path: str) -> None:
    """An id no demand has, one too large for the database, or no id at all: 404."""
    assert client.get(f"/actions/placards/free-them/{path}").status_code == 404


def test_a_draft_campaigns_placard_is_404(client: Client, world: World) -> None:
    """A campaign back in draft has no placards, even for its coordinator."""
    Campaign.objects.filter(pk=world.campaign.pk).update(status=Campaign.Status.DRAFT)
    url = pdf_url(world.campaign, world.common)
    assert client.get(url).status_code == 404
    assert sign_in(Client(), world.coordinator).get(url).status_code == 404


def test_a_signed_in_visitor_gets_the_same_placard(world: World) -> None:
    """Signed-in visitors (any of them) get placards as the public does."""
    for user in (UserFactory(), world.editor_a, world.coordinator):
        response = sign_in(Client(), user).get(pdf_url(world.campaign, world.own))
        assert response.status_code == 200
        assert OWN_EN in pdf_text(response.content)


# --- Kept like other public pages ---------------------------------------------------


def test_a_placard_is_kept_until_something_public_changes(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A visitor's second request for a placard is served from the page cache,
    without laying it out again; once the demand is hidden, it is gone."""
    made: list[int] = []
    make = placards.placard_pdf

    def counting(*args: Any, **kwargs: Any) -> bytes:
        made.append(1)
        return make(*args, **kwargs)

    monkeypatch.setattr(placards, "placard_pdf", counting)
    url = pdf_url(world.campaign, world.own)
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == "application/pdf"
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert len(made) == 1
    item_hide(
        by=world.coordinator, item=world.own, reason="Off topic.", site_url="http://testserver"
    )
    assert client.get(url).status_code == 404
    assert OWN_EN not in client.get("/actions/placards/free-them/").content.decode()


def test_a_withdrawn_slogan_leaves_the_kept_placards(client: Client, world: World) -> None:
    """Withdrawing a slogan through its organisation's editor retires its kept PDF."""
    url = pdf_url(world.campaign, world.own)
    assert client.get(url).status_code == 200
    demand_withdraw(by=world.editor_a, demand=world.own)
    assert client.get(url).status_code == 404


def test_a_demand_whose_notice_is_lifted_is_printable_again(client: Client, world: World) -> None:
    """Once a coordinator lifts the notice, the demand's placard is offered again."""
    url = pdf_url(world.campaign, world.hidden)
    assert client.get(url).status_code == 404
    HiddenNotice.objects.filter(demand=world.hidden).update(
        lifted_at=timezone.now(), lifted_by=world.coordinator
    )
    forget_pages()
    assert client.get(url).status_code == 200


# --- The queries and the layout ------------------------------------------------------


def test_campaign_placards_reads_the_united_front(world: World) -> None:
    """Common demands first, then own slogans with their organisation; nothing
    hidden, withdrawn or merely proposed."""
    found = campaign_placards(world.campaign)
    assert [p.demand for p in found.common] == [world.common, world.plain_common]
    assert [p.organisation for p in found.common] == [None, None]
    assert [(p.demand, p.organisation) for p in found.own] == [(world.own, world.a)]
    assert found.common[0].languages == ("en", "ur")
    assert found.common[1].languages == ("en",)


def test_user_text_is_never_markup_in_the_placard(world: World) -> None:
    """The demand's words, the campaign's title and the organisation's name are
    escaped in the HTML the PDF is laid out from."""
    for found, fmt in (
        (world.common, placards.PlacardFormat("a4", "portrait", "en")),
        (world.own, placards.PlacardFormat("a4", "portrait", "en")),
    ):
        placard = campaign_placard(world.campaign, found.pk)
        assert placard is not None
        html = placards.placard_html(placard, world.campaign, fmt)
        assert "<b>" not in html
        assert "<i>" not in html
    assert "&lt;b&gt;&amp;" in placards.placard_html(
        campaign_placard(world.campaign, world.common.pk),  # type: ignore[arg-type]
        world.campaign,
        placards.PlacardFormat("a4", "portrait", "en"),
    )


@pytest.mark.parametrize(
    ("size", "orientation", "language", "known"),
    [
        ("a4", "portrait", "en", True),
        ("a3", "landscape", "ur", True),
        ("a5", "portrait", "en", False),
        ("a4", "sideways", "en", False),
        ("a4", "portrait", "de", False),
    ],
)
def test_placard_format_knows_only_the_offered_formats(
    size: str, orientation: str, language: str, known: bool
) -> None:
    """Only A4 and A3, portrait and landscape, English and Urdu are formats."""
    assert (placards.placard_format(size, orientation, language) is not None) is known

"""Placards to print: one demand in large bold type filling an A4 or A3 page.

Each common demand of a campaign and each member organisation's own slogan
(``queries.placards``) can be printed in English, and in Urdu where the demand
has Urdu words (set right to left in the bundled Noto Nastaliq Urdu); a
placard without Urdu words is not offered in Urdu rather than faked.

The type is sized to the text: a first guess from the text's length and the
page's area, then smaller until WeasyPrint lays the placard out on one page.
Like the delivery pack, it is made only from bundled files
(``habeas.core.pdf``), and every value is escaped by the template.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.http import Http404
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from weasyprint import Document

from habeas.actions.queries.placards import Placard, campaign_placard
from habeas.coalition.access import access_public_campaign
from habeas.coalition.models import Campaign
from habeas.core.pdf import layout

# Paper sizes in millimetres, portrait (ISO 216).
SIZES: dict[str, tuple[int, int]] = {"a4": (210, 297), "a3": (297, 420)}
ORIENTATIONS = ("portrait", "landscape")
LANGUAGES = ("en", "ur")
# The page margin and the small print's type size, per mm of the page's short side.
MARGIN = 0.07
FOOT_FONT = 0.018
FOOT_CHARACTER_WIDTH = 0.6
FOOT_LINE_HEIGHT = {"en": 1.4, "ur": 2.2}
# Rough shape of the type, in ems: the advance of an average character and the
# line height. Nastaliq is narrow but needs tall lines for its stacked letters.
CHARACTER_WIDTH = {"en": 0.62, "ur": 0.42}
LINE_HEIGHT = {"en": 1.15, "ur": 2.1}
# Share of the text area the first guess fills (lines end short of the edge;
# Nastaliq's lines vary more in width, and each layout of it is slower).
FILL = {"en": 0.8, "ur": 0.65}
# How much smaller each try is when the text ran onto a second page, and how
# many tries there are before the smallest size is taken as it is.
SHRINK = 0.85
TRIES = 8


@dataclass(frozen=True)
class PlacardFormat:
    """A paper size, an orientation and a language, each one of the known ones."""

    size: str
    orientation: str
    language: str

    @property
    def page_mm(self) -> tuple[int, int]:
        """The page's width and height in millimetres."""
        short, long = SIZES[self.size]
        return (short, long) if self.orientation == "portrait" else (long, short)

    @property
    def label(self) -> Promise:
        return FORMAT_LABELS[(self.size, self.orientation)]


FORMAT_LABELS: dict[tuple[str, str], Promise] = {
    ("a4", "portrait"): _("A4 portrait"),
    ("a4", "landscape"): _("A4 landscape"),
    ("a3", "portrait"): _("A3 portrait"),
    ("a3", "landscape"): _("A3 landscape"),
}


def placard_format(size: str, orientation: str, language: str) -> PlacardFormat | None:
    """The format these three words name, or None if any of them is unknown."""
    if size not in SIZES or orientation not in ORIENTATIONS or language not in LANGUAGES:
        return None
    return PlacardFormat(size, orientation, language)


@dataclass(frozen=True)
class Paper:
    """A paper size and orientation, as the placards page offers them."""

    size: str
    orientation: str

    @property
    def label(self) -> Promise:
        return FORMAT_LABELS[(self.size, self.orientation)]


# Every size and orientation, A4 first, portrait first.
PAPERS = [Paper(size, orientation) for size in SIZES for orientation in ORIENTATIONS]


def access_placard(slug: str, demand_id: int, fmt: PlacardFormat) -> tuple[Campaign, Placard]:
    """The public campaign at ``slug`` and its placard of demand ``demand_id``, if
    it may be printed in ``fmt``'s language.

    Raises Http404 for an unknown or draft campaign, a demand of another
    campaign, a withdrawn, hidden or merely proposed demand, and for Urdu when
    the demand has no Urdu words.
    """
    campaign = access_public_campaign(slug)
    placard = campaign_placard(campaign, demand_id)
    if placard is None or fmt.language not in placard.languages:
        raise Http404
    return campaign, placard


def placard_text(placard: Placard, language: str) -> str:
    """The words the placard shows in ``language``."""
    return placard.demand.text_ur.strip() if language == "ur" else placard.demand.text.strip()


@dataclass(frozen=True)
class Geometry:
    """Where things go on a placard's page, in millimetres."""

    width: float
    height: float
    margin: float
    # The band at the foot for the small print, and its type size.
    foot: float
    foot_font: float

    @property
    def text_width(self) -> float:
        return self.width - 2 * self.margin

    @property
    def text_height(self) -> float:
        """The height the demand's words may fill, above the small print."""
        return self.height - 2 * self.margin - self.foot


def geometry(fmt: PlacardFormat, small_print: str) -> Geometry:
    """The page of ``fmt``, its margins, and a band at the foot tall enough for
    ``small_print`` on as many lines as it needs."""
    width, height = fmt.page_mm
    short = min(width, height)
    margin = MARGIN * short
    foot_font = FOOT_FONT * short
    per_line = (width - 2 * margin) / (FOOT_CHARACTER_WIDTH * foot_font)
    lines = max(1, math.ceil(len(small_print) / per_line))
    foot = lines * FOOT_LINE_HEIGHT[fmt.language] * foot_font + foot_font
    return Geometry(width, height, margin, round(foot, 2), round(foot_font, 2))


def first_font_size(text: str, fmt: PlacardFormat, area: Geometry) -> float:
    """A first guess at the type size, in millimetres, that fills the text area.

    Lines of ``n`` characters of width ``c`` at size ``f`` cover about
    ``n * c * f * l * f`` of the area ``w * h`` (``l`` the line height), so
    ``f = sqrt(fill * w * h / (n * c * l))``; no larger than lets the longest
    word fit a line, nor than one line fills the height.
    """
    width, height = area.text_width, area.text_height
    language = fmt.language
    characters = max(len(text), 1)
    longest = max((len(word) for word in text.split()), default=1)
    by_area = math.sqrt(
        FILL[language]
        * width
        * height
        / (characters * CHARACTER_WIDTH[language] * LINE_HEIGHT[language])
    )
    # A word too long for a line at half the size the area allows is broken
    # rather than shrinking the whole text to a line of small print.
    by_word = max(0.95 * width / (longest * CHARACTER_WIDTH[language]), by_area / 2)
    by_height = 0.8 * height / LINE_HEIGHT[language]
    return round(min(by_area, by_word, by_height), 2)


def small_print(placard: Placard, campaign: Campaign, fmt: PlacardFormat) -> str:
    """The line at the placard's foot, in its language: whose slogan it is, or
    that it is the common demand of the campaign's coalition. Plain text; the
    template escapes it."""
    with translation.override(fmt.language):
        if placard.organisation is not None:
            return gettext("Slogan of %(organisation)s") % {
                "organisation": placard.organisation.name
            }
        title = campaign.title
        if fmt.language == "ur" and campaign.title_ur.strip():
            title = campaign.title_ur.strip()
        return gettext("Common demand of the coalition of the campaign: %(campaign)s") % {
            "campaign": title
        }


def placard_html(
    placard: Placard, campaign: Campaign, fmt: PlacardFormat, *, font_mm: float | None = None
) -> str:
    """The HTML a placard is laid out from; its words at ``font_mm`` (by default
    ``first_font_size``). Every value is escaped by the template."""
    text = placard_text(placard, fmt.language)
    foot = small_print(placard, campaign, fmt)
    area = geometry(fmt, foot)
    if font_mm is None:
        font_mm = first_font_size(text, fmt, area)
    return render_to_string(
        "actions/placard.html",
        {
            "text": text,
            "small_print": foot,
            "language": fmt.language,
            "area": area,
            "font_mm": font_mm,
            "line_height": LINE_HEIGHT[fmt.language],
            "foot_line_height": FOOT_LINE_HEIGHT[fmt.language],
        },
    )


def placard_document(placard: Placard, campaign: Campaign, fmt: PlacardFormat) -> Document:
    """The placard laid out on one page, its words as large as fit.

    Starts from ``first_font_size`` and shrinks the type until the layout has
    one page (at most ``TRIES`` layouts; a 500-character demand fits at the
    first or second).
    """
    text = placard_text(placard, fmt.language)
    font_mm = first_font_size(text, fmt, geometry(fmt, small_print(placard, campaign, fmt)))
    for _try in range(TRIES):
        document = layout(placard_html(placard, campaign, fmt, font_mm=font_mm))
        if len(document.pages) == 1:
            return document
        font_mm = round(font_mm * SHRINK, 2)
    return document


def placard_pdf(placard: Placard, campaign: Campaign, fmt: PlacardFormat) -> bytes:
    """The placard as PDF bytes."""
    pdf: bytes = placard_document(placard, campaign, fmt).write_pdf()
    return pdf


def placard_filename(campaign: Campaign, placard: Placard, fmt: PlacardFormat) -> str:
    """A plain ASCII file name: the campaign's slug, the demand's id and the format."""
    slug = re.sub(r"[^A-Za-z0-9_-]", "", campaign.slug) or "campaign"
    return f"{slug}-placard-{placard.demand.pk}-{fmt.size}-{fmt.orientation}-{fmt.language}.pdf"

"""No English run in an Urdu page that the browser could reorder.

In a right-to-left page, a run of left-to-right text that is not isolated
takes part in the bidirectional algorithm with the Urdu around it: its
neutral characters (commas, brackets, full stops, quotation marks, the
hyphens of an ISO date) attach to the wrong side, and a citation such as
``Dawn, 5 June 2025`` comes out as ``2025 June 5 ,Dawn``. The fix is to put
every such run in an element that says its own direction.

What this test counts, on the public pages of the demo campaign in Urdu
(crawled anonymously from ``/ur/``, following links that stay in Urdu):

- a *Latin run* is a maximal run of Latin-script letters (Basic Latin,
  Latin-1, Latin Extended A/B and Additional: U+0041-U+024F and U+1E00-U+1EFF, which
  covers names like "Sālār"), in the text of the ``<body>``;
- it is *isolated* when an element around it, other than ``<html>`` and
  ``<body>`` (whose ``lang="ur" dir="rtl"`` are the page's own), is a
  ``<bdi>``, or has a ``dir`` attribute, or has a ``lang`` attribute of a
  language written left to right (not ``ur``); CSS gives ``[lang]`` and
  ``[dir]`` ``unicode-bidi: isolate``;
- text in ``<script>``, ``<style>`` and ``<template>`` is not shown, and
  attribute values (``aria-label``, ``title``, ``value``) cannot hold markup,
  so neither is counted;
- a few words are written in Latin letters in Urdu too, and are single words
  that no neutral character can be moved around: the site's name, file
  formats, paper sizes, the services a page can be shared on, ISO
  XX

Dates are checked on the same pages: an Urdu month name followed by a day
("جون 5") is the English order, and fails wherever it is.

Interface words are Urdu on an Urdu page, so any Latin run left over is
either user content (a name, a title, a citation, a URL) that is not
isolated, or an interface string that is not translated; both fail.

The organisers' pages are crawled the same way, signed in as the demo's
coordinator who also documents cases for the campaign, administers the
open letter's author and keeps its books, and has a draft letter, a
statement and a record waiting for review: from the roles page, every
page those roles reach by a link, and each kind of page at most twice
(``/ur/actions/1/edit/`` and ``/ur/actions/2/edit/`` are one kind).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from habeas.accounts.models import User
from habeas.cases import services as cases
from habeas.coalition.models import Campaign, CampaignMembership, Organisation, Role
from habeas.coalition.services.united_front import statement_publish
from habeas.core.pagecache import public_changed
from habeas.demo.loader import CAMPAIGN, COORDINATOR_USERNAME, OPEN_LETTER_AUTHOR
from habeas.fund.money import CURRENCIES
from habeas.letters.services.letters import letter_create
from tests.factories import UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff][0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff]*")
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
HIDDEN = frozenset({"script", "style", "template"})
INTERFACE_WORDS = frozenset(
    {"Habeas", "CSV", "JSON", "SVG", "PDF", "ics", "A3", "A4"}
    | {"WhatsApp", "Telegram", "Bluesky", "X", "Facebook"}
    | set(CURRENCIES)
    # The organisers' forms name what is typed or chosen as written: image and text
    # formats, the letters of a date pattern (YYYY-MM-DD, whose hyphens sit between
    # Latin letters), web addresses' schemes, standards and authenticator apps.
    | {"PNG", "JPEG", "WebP", "HTML", "UTF", "YYYY", "MM", "DD", "http", "https"}
    | {"UTC", "ISO", "FreeOTP", "Aegis"}
)
FORM_EXAMPLES = frozenset(
    {"PK", "GB", "US"}
    # time zones, and the columns a bank statement is read by
    | {"Europe", "London", "America", "Toronto", "Asia", "Karachi"}
    | {"date", "amount", "paid", "in", "out", "description", "reference", "balance"}
)
RTL_LANGUAGES = frozenset({"ur", "ar", "fa", "ps", "sd", "he"})
# Django's Urdu month names; in Urdu order the day comes before them ("5 جون 2025"),
# so a month name followed by a day ("جون 5، 2025") is the English order.
URDU_MONTHS = "جنوری|فروری|مارچ|اپریل|مئی|جون|جولائی|اگست|ستمبر|اکتوبر|نومبر|دسمبر"
MONTH_FIRST = re.compile(rf"(?:{URDU_MONTHS})\s+\d{{1,2}}\b")
MAX_PAGES = 70
MAX_PER_PATH = 2
MAX_ORGANISER_PAGES = 150
# Downloads, not pages: not fetched.
NOT_PAGES = (".pdf", ".csv", ".json", ".ics", ".svg")


def _isolates(tag: str, attrs: dict[str, str | None], rtl_page: bool = True) -> bool:
    if tag in {"html", "body"}:
        return False
    if tag == "bdi" or "dir" in attrs:
        return True
    lang = (attrs.get("lang") or "").split("-")[0].lower()
    return bool(lang) and (lang not in RTL_LANGUAGES) == rtl_page


class _Runs(HTMLParser):
    """Latin runs outside any isolating element, with the text around them; and links."""

    def __init__(self, rtl_page: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        # On an English page the runs to isolate are Urdu's (Arabic script), and no
        # interface word is written in it.
        self.rtl_page = rtl_page
        self.script = LATIN if rtl_page else ARABIC
        # (tag, isolates, is a form's help text) of every open element
        self.stack: list[tuple[str, bool, bool]] = []
        self.loose: list[str] = []
        self.hrefs: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag == "body":
            self.in_body = True
        if tag in VOID:
            return
        help_text = tag == "small" or "helptext" in (values.get("class") or "").split()
        self.stack.append((tag, _isolates(tag, values, self.rtl_page), help_text))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self.in_body or any(tag in HIDDEN for tag, _, _ in self.stack):
            return
        if MONTH_FIRST.search(data):
            self.loose.append(f"date in English order: {data.strip()[:80]!r}")
        if any(isolated for _, isolated, _ in self.stack):
            return
        allowed = INTERFACE_WORDS if self.rtl_page else frozenset()
        if self.rtl_page and any(help_text for _, _, help_text in self.stack):
            allowed = INTERFACE_WORDS | FORM_EXAMPLES
        if any(run not in allowed for run in self.script.findall(data)):
            path = "/".join(tag for tag, _, _ in self.stack[2:])
            self.loose.append(f"{path}: {data.strip()[:80]!r}")


def _crawl(
    client: Client,
    start: tuple[str, ...] = ("/ur/", "/ur/accounts/password-reset/"),
    max_pages: int = MAX_PAGES,
    kind: Callable[[str], str] = lambda path: path,
    prefix: str = "/ur/",
) -> dict[str, list[str]]:
    """Latin runs left unisolated, by page, from ``start`` along links that stay in
    Urdu: at most ``max_pages`` pages, and ``MAX_PER_PATH`` of each ``kind`` of path."""
    found: dict[str, list[str]] = {}
    queue: deque[str] = deque(start)
    seen = set(queue)
    per_path: dict[str, int] = {}
    visited = 0
    while queue and visited < max_pages:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        runs = _Runs(rtl_page=prefix == "/ur/")
        runs.feed(response.content.decode())
        if runs.loose:
            found[url] = runs.loose
        for href in runs.hrefs:
            target = urldefrag(href)[0]
            parts = urlsplit(target)
            in_language = parts.path.startswith("/ur/") == (prefix == "/ur/")
            if parts.scheme or parts.netloc or not in_language:
                continue
            if target in seen or parts.path.endswith(NOT_PAGES):
                continue
            path = kind(parts.path)
            if per_path.get(path, 0) >= MAX_PER_PATH:
                continue
            per_path[path] = per_path.get(path, 0) + 1
            seen.add(target)
            queue.append(target)
    found["(visited)"] = [str(visited)]
    return found


def test_no_english_run_in_an_urdu_public_page_is_left_unisolated(demo: None) -> None:
    found = _crawl(Client())
    visited = int(found.pop("(visited)")[0])
    assert visited >= 20
    report = "\n".join(f"{url}\n  " + "\n  ".join(runs) for url, runs in found.items())
    assert found == {}, report


def test_the_new_password_page_has_no_english_left_in_urdu(db: None) -> None:
    """The page a reset link opens labels its fields in Urdu (Django's own catalogue
    has no Urdu for them)."""
    user = UserFactory(username="amina")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    response = Client().get(f"/ur/accounts/password-reset/{uid}/{token}/", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="new_password2"' in page
    runs = _Runs()
    runs.feed(page)
    assert runs.loose == []


def _organiser() -> User:
    """The demo's coordinator, given every other organiser's role, with some work to do."""
    campaign = Campaign.objects.get(slug=CAMPAIGN["slug"])
    author = Organisation.objects.get(slug=OPEN_LETTER_AUTHOR)
    user = User.objects.get(username=COORDINATOR_USERNAME)
    grant(user, Role.DOCUMENTER, campaign=campaign)
    grant(user, Role.ORG_ADMIN, organisation=author)
    grant(user, Role.TREASURER, organisation=author, campaign=campaign)
    statement_publish(
        by=user,
        campaign=campaign,
        organisation=author,
        title="Free them all",
        body="We stand with every prisoner.",
    )
    letter_create(
        by=user,
        campaign=campaign,
        authors=[author],
        texts={"en": ("A draft appeal", "The Prime Minister", "Release them.")},
    )
    cases.person_save(
        by=user,
        source=cases.SourceFacts("Dawn, 5 June 2025", "Dawn"),
        campaign=campaign,
        name="Waiting Reviewer",
        summary="Arrested at a protest.",
    )
    return user


def test_no_english_run_in_an_urdu_organisers_page_is_left_unisolated(demo: None) -> None:
    found = _crawl(
        sign_in(Client(), _organiser()),
        start=("/ur/accounts/",),
        max_pages=MAX_ORGANISER_PAGES,
        kind=lambda path: re.sub(r"/\d+/", "/N/", path),
    )
    visited = int(found.pop("(visited)")[0])
    assert visited >= 80
    report = "\n".join(f"{url}\n  " + "\n  ".join(runs) for url, runs in found.items())
    assert found == {}, report


def test_no_urdu_run_in_an_english_page_is_left_unisolated(demo: None) -> None:
    """The reverse, on the public pages in English: Urdu text (a name given only in
    Urdu, an Urdu version shown for want of an English one) sits in an element with
    ``lang="ur" dir="rtl"`` (or ``<bdi>``). An organisation named only in Urdu, a
    member of the demo campaign, is on the directory, its own page and the campaign's."""
    campaign = Campaign.objects.get(slug=CAMPAIGN["slug"])
    urdu_only = Organisation.objects.create(slug="mkp-urdu", name="مزدور کسان پارٹی")
    CampaignMembership.objects.create(campaign=campaign, organisation=urdu_only)
    public_changed()
    client = Client()
    marked = re.compile('lang="ur" dir="rtl">(<a [^>]*>)?مزدور کسان پارٹی<')
    for path in ("/organisations/", "/organisations/mkp-urdu/", campaign.get_absolute_url()):
        assert marked.search(client.get(path).content.decode()), path
    found = _crawl(client, start=("/", "/organisations/mkp-urdu/"), prefix="/")
    visited = int(found.pop("(visited)")[0])
    assert visited >= 20
    report = "\n".join(f"{url}\n  " + "\n  ".join(runs) for url, runs in found.items())
    assert found == {}, report

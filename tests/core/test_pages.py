"""Public pages: languages, direction, headers, same-origin references."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/ur/",
    "/campaigns/free-political-prisoners-pakistan/",
    "/ur/campaigns/free-political-prisoners-pakistan/",
    "/campaigns/free-political-prisoners-pakistan/history/",
    "/organisations/",
    "/organisations/sl-b/",
    "/correspondence/",
    "/register/",
    "/ur/register/",
    "/register/ehsan-ali/",
    "/register/statistics/",
    "/accounts/login/",
    "/ur/accounts/login/",
    "/accounts/password-reset/",
    "/no-such-page/",
    "/ur/no-such-page/",
]


class _References(HTMLParser):
    """Every URL a page makes the browser fetch or follow."""

    URL_ATTRIBUTES = {"href", "src", "action", "srcset", "poster", "data", "formaction"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self.inline_styles = 0
        self.event_handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in self.URL_ATTRIBUTES and value is not None:
                self.urls.extend(part.strip().split(" ")[0] for part in value.split(","))
            if name == "style":
                self.inline_styles += 1
            if name.startswith("on"):
                self.event_handlers.append(name)
        if tag == "script" and not dict(attrs).get("src"):
            self.inline_scripts += 1
        if tag == "style":
            self.inline_styles += 1


def _references(html: str) -> _References:
    parser = _References()
    parser.feed(html)
    return parser


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("path", PAGES)
def test_pages_reference_only_their_own_origin(client: Client, path: str) -> None:
    """No page points the browser at another origin, and none carries inline code."""
    response = client.get(path)
    assert response.status_code in {200, 404}
    refs = _references(response.content.decode())
    assert refs.urls, "a page with no links at all means the parser saw nothing"
    for url in refs.urls:
        parts = urlsplit(url)
        assert parts.scheme == "", f"{path} references {url}"
        assert parts.netloc == "", f"{path} references {url}"
    assert refs.inline_scripts == 0
    assert refs.inline_styles == 0
    assert refs.event_handlers == []


def test_stylesheets_reference_only_their_own_origin() -> None:
    """Our CSS pulls fonts and images from this origin only."""
    from django.contrib.staticfiles import finders

    for name in [
        "habeas/site.css",
        "habeas/fonts.css",
        "habeas/pdf-fonts.css",
        "vendor/modern-normalize/modern-normalize.css",
    ]:
        path = finders.find(name)
        assert path, name
        css = Path(path).read_text(encoding="utf-8")
        for found in re.findall(r"url\(([^)]*)\)", css):
            url = found.strip("\"' ")
            assert urlsplit(url).scheme == "", f"{name}: {url}"
            assert not url.startswith("//"), f"{name}: {url}"
        assert "@import" not in css


@pytest.mark.usefixtures("demo")
def test_csp_forbids_inline_code_and_other_origins(client: Client) -> None:
    """The Content-Security-Policy allows only this origin and never unsafe-inline."""
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in policy.split(";") if part.strip()
    )
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "http" not in policy
    assert "*" not in policy


def test_security_headers(client: Client) -> None:
    """Every response says no framing, no sniffing, no referrer to others."""
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.usefixtures("demo")
def test_home_shows_the_demo_campaign_in_english(client: Client) -> None:
    """The home page leads with the letter's campaign: demands, coalition, prisoners, cities."""
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Free the political prisoners in Pakistan" in html
    assert "Free Ehsan Ali, comrades of the AAC-GB, and leftist political prisoners!" in html
    assert "Awami Action Committee Gilgit-Baltistan" in html
    assert "Salaar Fayyaz Ali" in html
    assert "Asif Sakhi" in html
    for city in ["London", "New York", "Berlin", "Toronto"]:
        assert city in html
    assert "Open Letter to the Revolutionary Communist International" in html


@pytest.mark.usefixtures("demo")
def test_urdu_pages_are_right_to_left(client: Client) -> None:
    """Urdu pages say so, run right to left, and translate the interface."""
    response = client.get("/ur/")
    html = response.content.decode()
    assert response["Content-Language"] == "ur"
    assert '<html lang="ur" dir="rtl">' in html
    assert "مشترکہ مطالبات" in html  # "Common demands"
    assert "پاکستان کے سیاسی قیدیوں کو رہا کرو" in html  # the campaign's Urdu title


def test_language_switch_is_plain_links(client: Client) -> None:
    """Switching language works without JavaScript: each page links its other-language twin."""
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/ur/accounts/login/"' in html
    html = client.get("/ur/accounts/login/").content.decode()
    assert 'href="/accounts/login/"' in html


def test_unprefixed_pages_stay_english_whatever_the_browser_asks(client: Client) -> None:
    """A page's language follows its address, so a link shared is read as it was sent."""
    response = client.get("/", headers={"accept-language": "ur"})
    assert response["Content-Language"] == "en"


def test_home_without_campaigns_says_so(client: Client) -> None:
    """An empty site explains itself instead of showing a blank page."""
    html = client.get("/").content.decode()
    assert "No campaign yet" in html


@pytest.mark.parametrize(
    ("path", "text"), [("/nothing/", "Page not found"), ("/ur/nothing/", "صفحہ نہیں ملا")]
)
def test_not_found_page_is_in_the_visitors_language(client: Client, path: str, text: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert text in response.content.decode()


def test_draft_campaign_is_not_public(client: Client) -> None:
    """A draft campaign's address answers 404, like one that does not exist."""
    from habeas.coalition.models import Campaign

    Campaign.objects.create(title="Draft", slug="draft", status=Campaign.Status.DRAFT)
    assert client.get("/campaigns/draft/").status_code == 404
    assert "Draft" not in client.get("/").content.decode()


def test_form_without_csrf_token_is_refused_in_plain_words(db: Any) -> None:
    """A post without its CSRF token is refused, explained in the visitor's language."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/ur/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "فارم" in response.content.decode()


def test_static_files_are_served_with_long_cache(client: Client) -> None:
    """Whitenoise serves the vendored font from this origin."""
    response = client.get(
        "/static/vendor/noto-naskh-arabic/files/noto-naskh-arabic-urdu-400-normal.woff2"
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body[:4] == b"wOF2"

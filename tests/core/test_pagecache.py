"""The public-page cache: no cookie for visitors, conditional GET, compression,
bounded variants, bypasses, the sign form's fresh stamp, `habeas cache clear`,
on the database cache and on Redis.

The pages' own "a publication changes the next response" tests live beside
each app; these pin the mechanism in habeas/core/pagecache.py.
"""

from __future__ import annotations

import datetime
import gzip
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape
from io import StringIO
from typing import Any
from urllib.parse import urljoin, urlsplit
from uuid import uuid4

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone, translation
from freezegun import freeze_time

from habeas.actions.models import Action
from habeas.cases.models import Person
from habeas.core.pagecache import VARIANTS_PER_PATH, PublicPageCacheMiddleware
from habeas.core.ratelimit import Limit, hit
from habeas.letters.models import Endorsement, Letter
from habeas.letters.queries.public import ENDORSEMENTS_CAP
from habeas.letters.services.tally import tally_fold_due
from habeas.letters.views.signing import _started_at
from tests.conftest import REDIS_FOR_TESTS, redis_for_tests
from tests.core import pagecache_urls
from tests.factories import UserFactory, sign_in
from tests.letters.public_data import sign

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 5, 30, 12, 0, 0, tzinfo=datetime.UTC)
TEST_URLS = "tests.core.pagecache_urls"
PAGES_TABLE = "habeas_pages"


# --- Back ends ------------------------------------------------------------------


@dataclass
class Backend:
    """The ``pages`` cache a test runs on, and how to count the pages it holds."""

    name: str
    count_pages: Callable[[], int]


def _database_pages() -> int:
    """Stored pages in the database cache's table, counted by SQL, not through the cache."""
    table = connection.ops.quote_name(PAGES_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} WHERE cache_key LIKE %s",  # noqa: S608
            ["%:page:%"],
        )
        return int(cursor.fetchone()[0])


def _redis_client() -> Any:
    """A client for the tests' Redis database; the test skips loudly when none answers."""
    return redis_for_tests("REDIS PAGE-CACHE TESTS")


@pytest.fixture(params=["database", "redis"])
def backend(request: Any, settings: Any) -> Iterator[Backend]:
    """The database cache (the default) or Redis, each test's keys under its own prefix.

    Under Redis the ``default`` alias (sign-in counters) shares the database with
    ``pages``, as in production, each under its own prefix. Nothing here flushes
    the Redis database: other test runs may share it.
    """
    if request.param == "database":
        caches["pages"].clear()
        yield Backend("database", _database_pages)
        caches["pages"].clear()
        return
    client = _redis_client()
    prefix = f"test-pages-{uuid4().hex}"
    default_prefix = f"test-default-{uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_FOR_TESTS,
            "KEY_PREFIX": default_prefix,
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_FOR_TESTS,
            "KEY_PREFIX": prefix,
        },
    }

    def count_pages() -> int:
        return sum(1 for _ in client.scan_iter(match=f"{prefix}:*:page:*", count=1000))

    yield Backend("redis", count_pages)
    for each in (prefix, default_prefix):
        keys = list(client.scan_iter(match=f"{each}:*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture
def database_pages() -> Iterator[None]:
    """The database cache, emptied before and after."""
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def test_urls(settings: Any) -> Iterator[list[str]]:
    """The site's URLs plus the test pages of tests/core/pagecache_urls.py; yields
    the record of their renders."""
    settings.ROOT_URLCONF = TEST_URLS
    pagecache_urls.RENDERS.clear()
    yield pagecache_urls.RENDERS
    pagecache_urls.RENDERS.clear()


# --- Helpers --------------------------------------------------------------------


def _rendered(client: Client, path: str, **extra: Any) -> tuple[Any, bool]:
    """The response, and whether the page was rendered: whether a query other than
    the page cache's own reached the database."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    others = [q["sql"] for q in queries.captured_queries if PAGES_TABLE not in q["sql"]]
    return response, bool(others)


def _directives(response: Any, header: str) -> set[str]:
    return {part.strip().lower() for part in response.get(header, "").split(",") if part.strip()}


def _body(response: Any) -> bytes:
    """The body as the client reads it, unzipped when it came gzipped."""
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content)
    return bytes(response.content)


def _no_cookie(response: Any) -> bool:
    return not response.cookies and "Set-Cookie" not in response.headers


@pytest.fixture
def letter(demo: None) -> Letter:
    """The demo's open letter with three confirmed signatures, counted, and more
    verified endorsements than its page shows (so it links to their own page)."""
    letter = Letter.objects.get()
    for country in ("PK", "GB", "DE"):
        sign(letter, country=country)
    tally_fold_due()
    Endorsement.objects.bulk_create(
        Endorsement(
            letter=letter,
            name=f"Union Branch {n}",
            kind="UNION",
            country="GB",
            status=Endorsement.Status.VERIFIED,
            contact_email=f"branch{n}@union.example",
        )
        for n in range(ENDORSEMENTS_CAP + 1)
    )
    return letter


# --- 1. No cookie on any public GET ---------------------------------------------

CRAWL_LIMIT = 400
# Sign-in, account and admin pages are not for visitors: a link to them is not followed.
NOT_FOR_VISITORS = re.compile(r"^/(ur/)?(accounts|admin)/")
# Links, and forms' actions: a form's own page is where a failed submission lands.
HREF = re.compile(r"""(?:href|action)=["']([^"']*)["']""")


def _public_views() -> dict[Callable[..., Any], str]:
    """Every view marked @public_page in habeas.urls, with its URL's name."""
    found: dict[Callable[..., Any], str] = {}

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "public_page"):
                found[pattern.callback] = f"{namespace}{pattern.name}"

    walk(get_resolver("habeas.urls").url_patterns, "")
    return found


def _view_of(path: str) -> Callable[..., Any]:
    language = translation.get_language_from_path(path) or django_settings.LANGUAGE_CODE
    with translation.override(language):
        return resolve(path).func


def _links(html: str, here: str) -> Iterator[str]:
    """Same-site links of a page, as path and query, without their fragment."""
    for raw in HREF.findall(html):
        parts = urlsplit(urljoin(here, unescape(raw)))
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue
        if not parts.path.startswith("/") or parts.path.startswith(("/static/", "/media/")):
            continue
        if NOT_FOR_VISITORS.match(parts.path):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.usefixtures("database_pages")
def test_no_public_page_sets_a_cookie_for_a_visitor(letter: Letter) -> None:
    """A visitor who follows every link from the English and Urdu home pages (at most
    400 pages, each twice: rendered, then from the cache) is never sent a cookie,
    never answered 5xx, leaves no session behind, and reaches every @public_page,
    each answered through the page cache."""
    public = _public_views()
    # The demo's actions have no date, hence no calendar file: this one has both.
    Action.objects.create(
        campaign=letter.campaign,
        title="Vigil",
        city="Lahore",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        time_zone="Asia/Karachi",
    )
    client = Client()
    sessions = Session.objects.count()
    # The "check your e-mail" pages are reached by the sign and pledge forms' redirects,
    # not by a link.
    fund = f"/fund/{letter.campaign.slug}/pledge/sent/"
    queue = [
        "/",
        "/ur/",
        f"/letters/{letter.slug}/signed/",
        f"/ur/letters/{letter.slug}/signed/",
        fund,
        f"/ur{fund}",
    ]
    seen: set[str] = set()
    reached: Counter[str] = Counter()
    failures: list[str] = []
    while queue and len(seen) < CRAWL_LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        for attempt in ("first", "again"):
            response = client.get(url)
            if not _no_cookie(response):
                failures.append(f"{url} ({attempt}) set {sorted(response.cookies)}")
            if response.status_code >= 500:
                failures.append(f"{url} ({attempt}) answered {response.status_code}")
        if response.status_code in (301, 302, 303, 307, 308):
            target = urlsplit(urljoin(url, response["Location"]))
            if not NOT_FOR_VISITORS.match(target.path):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
            continue
        if response.status_code != 200:
            continue
        view = _view_of(urlsplit(url).path)
        if view in public:
            reached[public[view]] += 1
            if "ETag" not in response.headers:
                failures.append(f"{url} was not answered through the page cache")
        if "text/html" in response.get("Content-Type", ""):
            queue.extend(_links(_body(response).decode(), url))
    assert not failures, failures
    assert not client.cookies, client.cookies
    assert Session.objects.count() == sessions
    missing = sorted(set(public.values()) - set(reached))
    assert not missing, f"public pages no link reached: {missing} ({len(seen)} crawled)"


# --- 2. Conditional GET -----------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_a_repeat_visit_with_the_etag_gets_304_without_a_body(backend: Backend) -> None:
    """A visitor's page carries a weak ETag; sending it back gets 304 with no body,
    the same ETag, and no render."""
    client = Client()
    first = client.get("/")
    assert first.status_code == 200
    etag = first["ETag"]
    assert re.fullmatch(r'W/"[0-9a-f]{40}"', etag), etag
    again, rendered = _rendered(client, "/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert not rendered
    # A client may send several tags; one match is enough.
    listed = client.get("/", HTTP_IF_NONE_MATCH=f'W/"{"0" * 40}", {etag}')
    assert listed.status_code == 304


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "sent",
    [
        'W/"0000000000000000000000000000000000000000"',
        '"not-ours"',
        "garbage \x7f;;,,",
        "",
    ],
)
def test_another_or_garbage_if_none_match_gets_the_whole_page(backend: Backend, sent: str) -> None:
    """An If-None-Match that is not the page's current ETag gets the page itself (200)."""
    client = Client()
    etag = client.get("/")["ETag"]
    response = client.get("/", HTTP_IF_NONE_MATCH=sent)
    assert response.status_code == 200
    assert b"</html>" in _body(response)
    assert response["ETag"] == etag


@pytest.mark.usefixtures("demo")
def test_an_etag_from_another_page_does_not_match(backend: Backend) -> None:
    """The home page's ETag sent to the register gets the register (200), not a 304."""
    client = Client()
    home = client.get("/")["ETag"]
    register = client.get("/register/", HTTP_IF_NONE_MATCH=home)
    assert register.status_code == 200
    assert register["ETag"] != home


@pytest.mark.usefixtures("demo")
def test_a_visitor_page_may_be_kept_30_seconds_by_a_shared_cache(backend: Backend) -> None:
    """Visitor pages say `public, s-maxage=30`, and a browser revalidates each time
    (max-age=0, must-revalidate) so a publication shows on its next request."""
    for path in ("/", "/ur/", "/register/"):
        directives = _directives(Client().get(path), "Cache-Control")
        assert {"public", "s-maxage=30", "max-age=0", "must-revalidate"} <= directives, path
        assert not {"private", "no-store"} & directives, path


@pytest.mark.usefixtures("demo")
def test_a_signed_in_users_page_is_private_and_has_no_etag(backend: Backend) -> None:
    """A signed-in user's public page says `private, no-store`, carries no ETag from the
    cache, and their If-None-Match with a visitor's ETag is not answered 304."""
    visitor_etag = Client().get("/")["ETag"]
    client = sign_in(Client(), UserFactory())
    for path in ("/", "/register/"):
        response = client.get(path, HTTP_IF_NONE_MATCH=visitor_etag)
        assert response.status_code == 200, path
        directives = _directives(response, "Cache-Control")
        assert {"private", "no-store"} <= directives, (path, directives)
        assert "public" not in directives
        assert "ETag" not in response.headers, path


# --- 3. Compression ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html"),
        ("/ur/register/", "text/html"),
        ("/letters/{slug}/", "text/html"),
        ("/letters/{slug}/count.json", "application/json"),
        ("/letters/{slug}/badge.svg", "image/svg+xml"),
    ],
)
def test_public_pages_come_gzipped_to_a_client_that_asks(
    backend: Backend, letter: Letter, path: str, content_type: str
) -> None:
    """With `Accept-Encoding: gzip` a visitor's HTML, JSON and SVG come gzipped, and
    unzip to the very bytes a client that did not ask is sent plain; each answer's
    Content-Length is its own body's, whether rendered or from the cache."""
    path = path.format(slug=letter.slug)
    client = Client()
    with freeze_time(NOON):  # the letter's sign form holds the second it is served
        zipped = [client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br") for _ in range(2)]
        plain = [client.get(path) for _ in range(2)]
    for response in zipped:
        assert response.status_code == 200
        assert response["Content-Type"].startswith(content_type)
        assert response["Content-Encoding"] == "gzip"
        assert int(response["Content-Length"]) == len(response.content)
        assert gzip.decompress(response.content) == plain[0].content
    for response in plain:
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers
        assert int(response["Content-Length"]) == len(response.content)
        assert response.content == plain[0].content
    assert zipped[0]["ETag"] == plain[0]["ETag"]


@pytest.mark.usefixtures("demo")
def test_gzip_is_sent_only_when_the_client_lists_it(backend: Backend) -> None:
    """`identity`, `br`, or a name that merely contains "gzip" gets the plain page."""
    client = Client()
    client.get("/", HTTP_ACCEPT_ENCODING="gzip")  # stored gzipped
    for accepted in ("identity", "br", "x-gzip-not", "deflate"):
        response = client.get("/", HTTP_ACCEPT_ENCODING=accepted)
        assert "Content-Encoding" not in response.headers, accepted
        assert response.content.lstrip().startswith(b"<!DOCTYPE html>"), accepted
    quality = client.get("/", HTTP_ACCEPT_ENCODING="br;q=1.0, gzip;q=0.8")
    assert quality["Content-Encoding"] == "gzip"


@pytest.mark.usefixtures("demo")
def test_a_signed_in_users_page_is_never_gzipped_here(backend: Backend) -> None:
    """A signed-in user who accepts gzip gets their page plain (their pages may hold
    secrets, and compressing them is what BREACH needs)."""
    client = sign_in(Client(), UserFactory())
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert b"Signed in as" in response.content


@pytest.mark.usefixtures("demo")
def test_visitor_pages_vary_on_cookie_and_accept_encoding(backend: Backend) -> None:
    """A visitor's page, rendered, from the cache, or a 304, says `Vary: Cookie,
    Accept-Encoding`, so no shared cache gives a signed-in page or a gzipped body to
    the wrong client."""
    client = Client()
    first = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    cached = client.get("/")
    not_modified = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    for response in (first, cached, not_modified):
        assert {"cookie", "accept-encoding"} <= _directives(response, "Vary")


# --- Keys ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_each_host_and_each_day_has_its_own_copy(backend: Backend) -> None:
    """The same path asked for under another host name, or on the next day, is rendered
    afresh with its own ETag: a page may name its host and its date."""
    client = Client()
    with freeze_time(NOON):
        first = client.get("/")
        assert not _rendered(client, "/")[1]
        other_host, rendered = _rendered(client, "/", HTTP_HOST="localhost")
        assert rendered
        assert other_host["ETag"] != first["ETag"]
    with freeze_time(NOON + datetime.timedelta(days=1)):
        next_day, rendered = _rendered(client, "/")
        assert rendered
        assert next_day["ETag"] != first["ETag"]


@pytest.mark.usefixtures("demo")
def test_english_and_urdu_pages_are_kept_apart(backend: Backend) -> None:
    """The Urdu page, stored or not, is the Urdu one: `dir="rtl"`, never the English copy."""
    client = Client()
    for _ in range(2):
        english = client.get("/register/").content.decode()
        urdu = client.get("/ur/register/").content.decode()
        assert 'dir="rtl"' in urdu
        assert 'dir="rtl"' not in english


# --- 4. Bad input and bounded variants -----------------------------------------------


@pytest.mark.usefixtures("demo")
def test_unknown_and_garbage_parameters_make_no_new_entry(backend: Backend) -> None:
    """Parameters a page does not read, garbage bytes among them, and empty values
    of ones it does read, are answered with the bare page: the same ETag, the same
    body, and no new entry in the cache. An over-long value of a parameter it reads
    is cut: a garbage sort or page number still shows the bare page's rows, and a
    search of 5,000 characters is searched for its first 200, saying so."""
    client = Client()
    bare = client.get("/register/")
    stored = backend.count_pages()
    assert stored == 1
    garbage = [
        "?%ff%fe=%ff%fe&%E2%80%AE=%E2%80%AE&;;;&&==&a[]=%3Cscript%3E",
        "?utm_source=x&fbclid=" + "y" * 300 + "&%C0%80=1",
        "?" + "&".join(f"a{n}={n}" for n in range(500)),
        "?q=&page=&status=",
    ]
    for query in garbage:
        response, rendered = _rendered(client, "/register/" + query)
        assert response.status_code == 200, query[:40]
        assert response["ETag"] == bare["ETag"], query[:40]
        assert response.content == bare.content, query[:40]
        assert not rendered, query[:40]
    assert backend.count_pages() == stored
    cut = client.get("/register/?sort=" + "%ff" * 3000 + "&page=" + "9" * 300)
    assert cut.status_code == 200
    listed = re.compile(r'<a href="/register/[^/"]+/" lang="en" dir="ltr">([^<]*)</a>')
    assert listed.findall(cut.content.decode()) == listed.findall(bare.content.decode())
    assert listed.findall(bare.content.decode())
    searched = client.get("/register/?q=" + "x" * 5000)
    assert searched.status_code == 200
    assert "Only the first 200 characters of the search were used." in searched.content.decode()
    assert "No verified record matches." in searched.content.decode()
    assert backend.count_pages() == stored + 2


@pytest.mark.usefixtures("demo")
def test_a_nul_anywhere_in_the_query_is_refused_and_not_stored(backend: Backend) -> None:
    """A visitor's NUL in any parameter, one the page reads or not, gets
    RefuseNulMiddleware's 400 in the reader's language, which is not stored."""
    client = Client()
    for query in ({"q": "Ali\x00"}, {"page\x00": "1"}, {"anything": "\x00"}):
        for path, words in (("/register/", "NUL character"), ("/ur/register/", 'lang="ur"')):
            refused = client.get(path, query)
            assert refused.status_code == 400, (path, query)
            assert words in refused.content.decode()
            assert "ETag" not in refused.headers
            assert _no_cookie(refused)
    assert backend.count_pages() == 0


@pytest.mark.usefixtures("demo")
def test_thousands_of_parameters_are_refused_and_make_no_entry(backend: Backend) -> None:
    """Five thousand parameters (past Django's 1,000) get a 400 in the reader's language
    before any render, set no cookie and make no entry in the cache."""
    client = Client()
    query = "&".join(f"a{n}={n}" for n in range(5000))
    for path, words in (("/register/", "Bad request"), ("/ur/register/", 'lang="ur"')):
        # A thread keeps the language of its last request; start from the other one.
        translation.activate("ur" if words == "Bad request" else "en")
        try:
            response, rendered = _rendered(client, f"{path}?{query}")
        finally:
            translation.deactivate()
        assert response.status_code == 400, path
        assert words in response.content.decode()
        assert not rendered
        assert _no_cookie(response)
    assert backend.count_pages() == 0


def test_the_view_sees_only_its_own_parameters(backend: Backend, test_urls: list[str]) -> None:
    """A public view is given only the parameters it declares, the first value of
    each, cut to 200 characters; whatever else came is gone before it runs."""
    client = Client()
    response = client.get(
        "/pagecache-test/echo/?zz=1&q=first&q=second&a%01b=c&QQ=2&" + "x" * 100 + "=1"
    )
    assert response.status_code == 200
    assert response.json() == {"GET": [["q", ["first"]]], "QUERY_STRING": "q=first"}
    assert client.get("/pagecache-test/echo/?q=" + "y" * 201).json() == {
        "GET": [["q", ["y" * 200]]],
        "QUERY_STRING": "q=" + "y" * 200,
    }
    assert test_urls == ["echo", "echo"]


@pytest.mark.usefixtures("demo")
def test_distinct_values_of_a_known_parameter_are_kept_to_a_budget(backend: Backend) -> None:
    """A hundred different searches of the register each get their own right answer,
    but the cache keeps only VARIANTS_PER_PATH of them."""
    assert Person.objects.filter(name__in=["Ehsan Ali", "Asif Sakhi"]).count() == 2
    client = Client()
    etags = set()
    for n in range(100):
        # Punctuation changes the query, not the words searched for.
        wanted, other = ("Ehsan", "Asif") if n % 2 else ("Asif", "Ehsan")
        response = client.get("/register/", {"q": wanted + "-" * n})
        assert response.status_code == 200, n
        html = response.content.decode()
        assert f"{wanted} " in html, n
        assert f"{other} " not in html, n
        etags.add(response["ETag"])
    assert len(etags) == 100
    assert backend.count_pages() == VARIANTS_PER_PATH
    # The bare page is not a variant: it is kept even when the budget is spent.
    client.get("/register/")
    assert backend.count_pages() == VARIANTS_PER_PATH + 1


# --- 5. Bypass ----------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_a_signed_in_user_is_never_served_a_stored_page(backend: Backend) -> None:
    """Once a visitor's copy is stored, a signed-in user still gets the page rendered for
    them, with their name on it, and nothing new is stored."""
    Client().get("/")
    stored = backend.count_pages()
    user = UserFactory(username="organiser-on-the-page")
    response, rendered = _rendered(sign_in(Client(), user), "/")
    assert rendered
    assert b"organiser-on-the-page" in response.content
    assert backend.count_pages() == stored


@pytest.mark.usefixtures("demo")
def test_any_session_cookie_bypasses_the_cache(backend: Backend) -> None:
    """A request with a session cookie, even one that names no session, is rendered,
    not served from the cache, and its answer is not stored."""
    Client().get("/")
    stored = backend.count_pages()
    client = Client()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "no-such-session"
    response, rendered = _rendered(client, "/")
    assert response.status_code == 200
    assert rendered
    assert backend.count_pages() == stored


@pytest.mark.usefixtures("demo")
def test_a_messages_cookie_shows_its_message_not_a_stored_page(backend: Backend) -> None:
    """A visitor carrying a flash message (the `messages` cookie) gets the page rendered
    with it; the next visitor's copy, from the cache, has no message."""
    Client().get("/")
    stored = backend.count_pages()
    note = "A message for this visitor only"
    storage = CookieStorage(HttpRequest())
    storage.add(message_levels.INFO, note)
    carrier = HttpResponse()
    storage.update(carrier)
    client = Client()
    client.cookies["messages"] = carrier.cookies["messages"].value
    response, rendered = _rendered(client, "/")
    assert rendered
    assert note in response.content.decode()
    assert backend.count_pages() == stored
    assert note not in Client().get("/").content.decode()


def test_a_page_that_sets_a_cookie_is_not_stored(backend: Backend, test_urls: list[str]) -> None:
    """A response that sets a cookie is sent to its own visitor only: the next visitor's
    request renders again, and no entry is made."""
    for _ in range(2):
        response = Client().get("/pagecache-test/sets-cookie/")
        assert response.status_code == 200
        assert "chosen" in response.cookies
    assert test_urls == ["sets_cookie", "sets_cookie"]
    assert backend.count_pages() == 0
    Client().get("/pagecache-test/plain/")
    Client().get("/pagecache-test/plain/")
    assert test_urls[2:] == ["plain"]
    assert backend.count_pages() == 1


def test_a_page_its_view_marks_private_is_not_stored(
    backend: Backend, test_urls: list[str]
) -> None:
    """A response whose view says `Cache-Control: private` renders for each visitor."""
    for _ in range(2):
        assert Client().get("/pagecache-test/private/").status_code == 200
    assert test_urls == ["private", "private"]
    assert backend.count_pages() == 0


@pytest.mark.usefixtures("demo")
def test_a_not_found_page_is_not_stored(backend: Backend) -> None:
    """A 404 from a public view is rendered each time and never kept."""
    for path in ("/register/no-such-person/", "/letters/no-such-letter/count.json"):
        for _ in range(2):
            response, rendered = _rendered(Client(), path)
            assert response.status_code == 404, path
            assert rendered, path
    assert backend.count_pages() == 0


def _wsgi(method: str, path: str, **extra: Any) -> tuple[str, dict[str, str], bytes]:
    """Status, headers and body exactly as Django's WSGI handler gives them to the server
    (the test client drops a HEAD's body itself, which would hide one sent)."""
    environ = RequestFactory().generic(method, path, **extra).environ
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None, /
    ) -> Callable[[bytes], object]:
        started.append((status, headers))
        return lambda data: None

    # As the test client does: the test's transaction must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        answer = WSGIHandler()(environ, start_response)
        body = b"".join(answer)
        answer.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status, headers = started[0]
    return status, dict(headers), body


@pytest.mark.usefixtures("demo")
def test_head_from_the_cache_gives_the_headers_without_the_body(backend: Backend) -> None:
    """HEAD on a stored page: the GET's status, type, length and ETag, no body, no render."""
    client = Client()
    page = client.get("/register/", HTTP_ACCEPT_ENCODING="gzip")
    assert page.content
    with CaptureQueriesContext(connection) as queries:
        status, headers, body = _wsgi("HEAD", "/register/", HTTP_ACCEPT_ENCODING="gzip")
    assert not [q for q in queries.captured_queries if PAGES_TABLE not in q["sql"]]
    assert status == "200 OK"
    assert body == b""
    for header in ("Content-Type", "Content-Length", "Content-Encoding", "ETag", "Vary"):
        assert headers[header] == page[header], header


@pytest.mark.usefixtures("demo")
def test_a_page_first_asked_for_by_head_is_stored_whole(backend: Backend) -> None:
    """A HEAD that renders a page stores the whole page: the next GET has the body."""
    client = Client()
    status, head, body = _wsgi("HEAD", "/register/statistics/")
    assert status == "200 OK"
    assert body == b""
    response, rendered = _rendered(client, "/register/statistics/")
    assert not rendered
    assert b"</html>" in response.content
    assert int(response["Content-Length"]) == len(response.content) == int(head["Content-Length"])


# --- 6. The sign form's served-at time ----------------------------------------------


STARTED = re.compile(r'name="started" value="([^"]*)"')


@pytest.mark.parametrize("page", ["/letters/{slug}/", "/ur/letters/{slug}/sign/"])
@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_a_stored_sign_form_carries_a_fresh_valid_stamp_each_time(
    backend: Backend, letter: Letter, page: str, encoding: str
) -> None:
    """The sign form served from the cache holds the second of each answer, signed so
    the signing view accepts it; the marker it is stored with never reaches a visitor."""
    path = page.format(slug=letter.slug)
    later = NOON + datetime.timedelta(seconds=7)
    stamps = []
    for at in (NOON, later):
        with freeze_time(at):
            response, rendered = _rendered(Client(), path, HTTP_ACCEPT_ENCODING=encoding)
        assert response.status_code == 200
        assert rendered == (at == NOON)
        html = _body(response).decode()
        assert "habeas-late-" not in html
        stamps.append(STARTED.findall(html))
    first, second = stamps
    assert len(first) == len(second) == 1
    assert first != second
    with freeze_time(later + datetime.timedelta(minutes=1)):
        assert _started_at(first[0]) == NOON
        assert _started_at(second[0]) == later


def test_a_sign_form_the_cache_does_not_serve_carries_a_real_stamp(
    backend: Backend, letter: Letter
) -> None:
    """A signed-in reader, or a visitor with a session cookie, gets the sign form rendered
    for them with a valid stamp of that moment, never the marker a stored page holds."""
    signed_in = sign_in(Client(), UserFactory())
    with_cookie = Client()
    with_cookie.cookies[django_settings.SESSION_COOKIE_NAME] = "no-such-session"
    for client in (signed_in, with_cookie):
        for path in (f"/letters/{letter.slug}/", f"/letters/{letter.slug}/sign/"):
            with freeze_time(NOON):
                html = client.get(path).content.decode()
            assert "habeas-late-" not in html, path
            stamps = STARTED.findall(html)
            assert len(stamps) == 1, path
            with freeze_time(NOON + datetime.timedelta(seconds=5)):
                assert _started_at(stamps[0]) == NOON, path


def test_a_late_field_is_filled_in_on_answers_that_are_not_stored(
    backend: Backend, test_urls: list[str]
) -> None:
    """A page with the served-at field that is not stored (past the variants budget, or
    a 404) is still sent with a valid stamp, never with the marker."""
    answers = [
        Client().get("/pagecache-test/late/", {"q": f"variant {n}"})
        for n in range(VARIANTS_PER_PATH + 2)
    ]
    answers.append(Client().get("/pagecache-test/late/", {"q": "gone"}))
    assert backend.count_pages() == VARIANTS_PER_PATH
    assert answers[-1].status_code == 404
    for response in answers:
        html = response.content.decode()
        assert "habeas-late-" not in html
        stamp = STARTED.search(html)
        assert stamp
        assert _started_at(stamp.group(1)) is not None


def test_a_page_is_stored_gzipped_once_and_a_sign_form_plain(
    backend: Backend, letter: Letter
) -> None:
    """What the cache holds: a page without late fields gzipped (compressed once, not
    for each answer); a page with the sign form plain, with the marker in place of the
    stamp, so each answer can fill it."""

    def stored(path: str) -> Any:
        assert "ETag" in Client().get(path)
        key = PublicPageCacheMiddleware._key(RequestFactory().get(path), "")
        _tokens, entry = caches["pages"].get(f"page:{key}")
        return entry

    home = stored("/")
    assert home.gzipped
    assert gzip.decompress(home.body) == Client().get("/").content
    form = stored(f"/letters/{letter.slug}/")
    assert not form.gzipped
    assert b"habeas-late-letters-started-field" in form.body


# --- 7. habeas cache clear ------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_cache_clear_renders_every_page_afresh_and_keeps_sign_in_counters(
    backend: Backend,
) -> None:
    """After `habeas cache clear` the next visitor's request renders again, the command
    says so, and the sign-in counters in the default cache are still counting."""
    limits = [Limit(3, 60)]
    client = Client()
    with freeze_time(NOON):
        for _ in range(3):
            assert not hit("sign-in", "someone", limits)
        client.get("/")
        assert not _rendered(client, "/")[1]
        out = StringIO()
        call_command("cache", "clear", stdout=out)
        assert "renders afresh" in out.getvalue()
        assert backend.count_pages() == 0
        response, rendered = _rendered(client, "/")
        assert response.status_code == 200
        assert rendered
        assert hit("sign-in", "someone", limits), "the fourth attempt is still over"

"""Whole public pages kept for visitors, invalidated by generation.

Every visitor who is not signed in sees the same public page, so Habeas
renders it once and keeps the response in the ``pages`` cache, under a key
made of the scheme and host, the path (which holds the language prefix),
the page's own query parameters (every other one is dropped, before the
view sees it) and the day. Beside the page it keeps the *generations* it was rendered under:
random tokens that a service replaces, once its transaction commits,
whenever it changes what the public sees. A stored page is served only
while the current generations are the ones it was stored with; one cache
read fetches both.

- ``public_changed()`` replaces the ``site`` generation: every public page
  renders afresh on its next request. Publications are rare (an organiser's
  click), so one site-wide generation costs one render per page per
  publication, and no page can be forgotten by a narrower scope.
- ``public_counts_changed()`` replaces only the ``counts`` generation, which
  only pages that show live tallies (``@public_page(counts=True)``) depend on:
  a flood of signatures, folded every two seconds, leaves the register and
  the united-front page in the cache.

Because a generation is a fresh random token and not a counter, two writers
that change it at once can never leave it at a value some reader has already
used to store a page rendered before their writes. A reader takes the
generations before it renders, so a page stored under them can be older than
the data only if a newer generation has already replaced them.

A request is served from here only if it is a GET or HEAD without a session
or messages cookie; a page is stored only if its response is a 200 that sets
no cookie. A signed-in user's request never touches the cache, and is never
compressed here (BREACH needs a secret in the page; public pages hold none).

The ETag is a digest of the key and the generations, so a repeat visit is
answered ``304`` after one cache read and no render. A streamed response
(a large download) is never stored, but is sent with the same ETag, so a
repeat download of unchanged data is answered ``304`` too.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode
from uuid import uuid4

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import TooManyFieldsSent
from django.db import transaction
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
)
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

CACHE_ALIAS = "pages"
_Response = TypeVar("_Response", bound=HttpResponseBase)
SITE = "site"
COUNTS = "counts"
# How long a stored page may live at most; the day in its key ends it sooner.
PAGE_TIMEOUT = 24 * 60 * 60
# Distinct query strings kept per path and day; past it, pages still
# render but are not stored, so garbage queries cannot fill the cache.
VARIANTS_PER_PATH = 32
# A parameter value is cut to this length, in the key and for the view: a
# search typed into the address at 2,000 characters is searched for its
# first 200 (and the register says so) rather than silently dropped.
MAX_VALUE_LENGTH = 200
# A shared proxy in front of Habeas may keep a public page this long.
PROXY_SECONDS = 30
COMPRESSIBLE = ("text/html", "application/json", "image/svg+xml", "text/csv", "text/plain")
# Headers made afresh for each answer, never taken from the stored page.
_OWN_HEADERS = frozenset(
    {
        "cache-control",
        "content-encoding",
        "content-length",
        "date",
        "etag",
        "expires",
        "last-modified",
        "set-cookie",
        "vary",
    }
)


@dataclass(frozen=True)
class Policy:
    """How a public view is cached: the query parameters it reads and whether it
    shows live tallies."""

    params: frozenset[str]
    counts: bool
    max_age: int = 0


def public_page(
    *, params: Iterable[str] = (), counts: bool = False, max_age: int = 0
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Mark a view as a public page that visitors may be served from the cache.

    ``params`` names every query parameter the view reads; the others are
    removed from a visitor's request before the view runs, so they can neither
    change the page nor make new cache entries. ``counts`` says the page shows
    a live tally and must follow ``public_counts_changed``. ``max_age`` is how
    many seconds a browser may keep the page without asking again (0: it asks
    each time, and gets a 304 when nothing changed). Put it outermost, above
    any other decorator.
    """
    policy = Policy(params=frozenset(params), counts=counts, max_age=max_age)

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        view.public_page = policy  # type: ignore[attr-defined]
        return view

    return decorate


# --- Generations ------------------------------------------------------------


def _cache() -> BaseCache:
    return caches[CACHE_ALIAS]


def _generation_key(scope: str) -> str:
    return f"generation:{scope}"


def _replace(scopes: Iterable[str]) -> None:
    _cache().set_many({_generation_key(scope): uuid4().hex for scope in scopes}, timeout=None)


def public_changed() -> None:
    """Every public page renders afresh on its next request.

    Call it from each service that changes what the public sees, inside its
    transaction. The generations are replaced at once and again once the
    transaction commits: the first makes the change visible to whatever
    reads on the same connection before the commit (a command, a test), and
    retires nothing a reader could rely on; the second retires any page a
    reader rendered meanwhile from the data as it was before the commit.
    """
    _replace_now_and_on_commit((SITE, COUNTS))


def public_counts_changed() -> None:
    """Pages that show live tallies render afresh on their next request (as
    ``public_changed``, for the ``counts`` generation alone)."""
    _replace_now_and_on_commit((COUNTS,))


def _replace_now_and_on_commit(scopes: tuple[str, ...]) -> None:
    _replace(scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _replace(scopes))


def generations(
    scopes: Iterable[str], also: Iterable[str] = ()
) -> tuple[dict[str, str], dict[str, Any]]:
    """The current token of each scope, making one where none is kept (first use,
    a cleared or culled cache), and whatever the cache holds under the keys
    ``also``, read in the same round trip."""
    cache = _cache()
    wanted = list(scopes)
    found = cache.get_many([*(_generation_key(scope) for scope in wanted), *also])
    result: dict[str, str] = {}
    for scope in wanted:
        token = found.get(_generation_key(scope))
        if token is None:
            cache.add(_generation_key(scope), uuid4().hex, timeout=None)
            token = cache.get(_generation_key(scope))
        result[scope] = str(token)
    return result, found


def clear() -> None:
    """Forget every stored page and generation (``habeas cache clear``).

    Nothing else goes: on Redis only this module's keys are deleted, since
    Django's ``clear`` there empties the whole database, which the sign-in
    counters and the task queue share.
    """
    cache = _cache()
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    redis_cache: Any = cache
    client = redis_cache._cache.get_client(write=True)
    for kind in ("page", "generation", "variants"):
        pattern = cache.make_key(f"{kind}:*")
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)


# --- Late fields ------------------------------------------------------------

# A value that must be fresh in every answer (the sign form's served-at time)
# is stored as a marker and filled in as the page is sent.
_LATE: dict[str, Callable[[], str]] = {}


def late_field(name: str, make: Callable[[], str]) -> None:
    """Register ``make`` to fill the ``{% late name %}`` marker in every answer."""
    _LATE[name] = make


def late_marker(name: str) -> str:
    """The text a template puts where the late field ``name`` goes."""
    if name not in _LATE:
        raise KeyError(name)
    return f"habeas-late-{name}-field"


def late_value(request: HttpRequest, name: str) -> str:
    """What a view puts where the late field ``name`` goes: the marker on a
    page that may be stored, the value itself on any other."""
    if getattr(request, "public_page", False):
        return late_marker(name)
    return _LATE[name]()


def _fill_late(body: bytes) -> bytes:
    if b"habeas-late-" not in body:
        return body
    for name, make in _LATE.items():
        marker = late_marker(name).encode()
        if marker in body:
            body = body.replace(marker, make().encode())
    return body


# --- The middleware -----------------------------------------------------------


def _policy_of(request: HttpRequest) -> Policy | None:
    if request.method not in ("GET", "HEAD"):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    path = request.path_info
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    policy = getattr(match.func, "public_page", None)
    return policy if isinstance(policy, Policy) else None


def canonical_query(query: QueryDict, params: frozenset[str]) -> str:
    """The query string a page is keyed by: only its own parameters, the first
    value of each cut to MAX_VALUE_LENGTH, in a fixed order."""
    kept: list[tuple[str, str]] = []
    for name in sorted(params):
        for value in query.getlist(name)[:1]:
            if value:
                kept.append((name, value[:MAX_VALUE_LENGTH]))
    return urlencode(kept)


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]


def _accepts_gzip(request: HttpRequest) -> bool:
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    return any(part.split(";")[0].strip() == "gzip" for part in accepted.split(","))


def _compressible(response: HttpResponseBase) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return content_type in COMPRESSIBLE


@dataclass
class _Entry:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    gzipped: bool


class PublicPageCacheMiddleware:
    """Serve and store whole public pages for visitors; see the module docstring.

    Sits just after WhiteNoise, before sessions, so a page served from here
    costs a URL match and one cache read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        policy = _policy_of(request)
        if policy is None:
            return self.get_response(request)
        if "%00" in request.META.get("QUERY_STRING", ""):
            # The NUL guard further in answers with its 400 in the reader's language.
            return self.get_response(request)
        try:
            query = canonical_query(request.GET, policy.params)
        except TooManyFieldsSent:
            # Django answers 400 further in, once the reader's language is set.
            return self.get_response(request)
        # The view sees only what the key holds.
        request.META["QUERY_STRING"] = query
        request.__dict__.pop("GET", None)
        request.public_page = True  # type: ignore[attr-defined]
        scopes = (SITE, COUNTS) if policy.counts else (SITE,)
        key = "page:" + self._key(request, query)
        # One read: the generations and the last page stored for this address,
        # which is current only if it was stored under the same generations.
        tokens, found = generations(scopes, also=[key])
        etag = f'W/"{_digest([key, *(tokens[scope] for scope in scopes)])}"'
        if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
            return self._finish(HttpResponse(status=304), etag, policy)
        stored = found.get(key)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == tokens:
            return self._answer(request, stored[1], etag, policy)
        response = self.get_response(request)
        if not isinstance(response, HttpResponse):
            # A streamed body (a whole ledger) is never stored, but it carries the
            # same validators: a repeat visit is answered 304 after one cache read.
            if isinstance(response, StreamingHttpResponse) and self._storable(request, response):
                return self._finish(response, etag, policy)
            return response
        if not self._storable(request, response):
            response.content = _fill_late(response.content)
            return response
        entry = self._entry(response)
        # An address seen before replaces its own entry; a new one needs room.
        if stored is not None or self._within_budget(request):
            _cache().set(key, (tokens, entry), timeout=PAGE_TIMEOUT)
        return self._answer(request, entry, etag, policy)

    @staticmethod
    def _key(request: HttpRequest, query: str) -> str:
        return _digest(
            [
                # Links built from the request (share links) carry both.
                request.scheme or "",
                request.get_host(),
                request.path,
                query,
                translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE,
                timezone.localdate().isoformat(),
            ]
        )

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
        if response.status_code != 200 or response.cookies:
            return False
        cache_control = response.get("Cache-Control", "")
        if "private" in cache_control or "no-store" in cache_control:
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)

    @staticmethod
    def _entry(response: HttpResponse) -> _Entry:
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in _OWN_HEADERS
        ]
        body = response.content
        # A page with late fields is kept plain: they are filled on every answer.
        gzipped = _compressible(response) and b"habeas-late-" not in body
        if gzipped:
            body = gzip.compress(body, compresslevel=6, mtime=0)
        return _Entry(response.status_code, headers, body, gzipped)

    @staticmethod
    def _within_budget(request: HttpRequest) -> bool:
        """Whether one more query variant of this path may be stored today."""
        if not request.META.get("QUERY_STRING"):
            return True
        cache = _cache()
        counter = "variants:" + _digest(
            [request.get_host(), request.path, timezone.localdate().isoformat()]
        )
        cache.add(counter, 0, timeout=PAGE_TIMEOUT)
        try:
            return cache.incr(counter) <= VARIANTS_PER_PATH
        except ValueError:
            return False

    def _answer(
        self, request: HttpRequest, entry: _Entry, etag: str, policy: Policy
    ) -> HttpResponse:
        body = entry.body
        gzipped = entry.gzipped
        if gzipped and not _accepts_gzip(request):
            body, gzipped = gzip.decompress(body), False
        elif not gzipped and _LATE:
            body = _fill_late(body)
            if _accepts_gzip(request) and self._compressible_headers(entry.headers):
                body, gzipped = gzip.compress(body, compresslevel=6, mtime=0), True
        response = HttpResponse(b"" if request.method == "HEAD" else body, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        if gzipped:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
        return self._finish(response, etag, policy)

    @staticmethod
    def _compressible_headers(headers: list[tuple[str, str]]) -> bool:
        for name, value in headers:
            if name.lower() == "content-type":
                return value.split(";")[0].strip() in COMPRESSIBLE
        return False

    @staticmethod
    def _finish(response: _Response, etag: str, policy: Policy) -> _Response:
        response["ETag"] = etag
        response["Cache-Control"] = (
            f"public, max-age={policy.max_age}, s-maxage={PROXY_SECONDS}, must-revalidate"
        )
        patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
        return response

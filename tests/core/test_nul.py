"""A NUL byte anywhere gets a clear 400 in the user's language, never a 500."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client

from habeas.cases.models import Person
from habeas.coalition.models import Campaign, Organisation, Role
from habeas.demo.loader import COORDINATOR_USERNAME
from tests.factories import grant, sign_in

pytestmark = pytest.mark.django_db

NUL = "\x00"
EXPLANATION = "NUL character"
HREF = re.compile(r'href="(/[^"#]*)"')
FORM = re.compile(r'<form[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)
ACTION = re.compile(r'action="([^"]*)"')
FIELD = re.compile(r'<(?:input|textarea|select)[^>]*name="([^"]+)"', re.I)
# Pages that sign out or move between languages add nothing to the crawl.
SKIP = ("/static/", "/media/", "/admin/", "/accounts/logout/", "/ur/")


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _organiser(demo: None) -> Client:
    """The demo coordinator, who is also documenter, case team and an organisation's admin."""
    user = get_user_model()._default_manager.get(username=COORDINATOR_USERNAME)
    campaign = Campaign.objects.get()
    organisation = Organisation.objects.order_by("pk").first()
    grant(user, Role.DOCUMENTER, campaign=campaign)
    grant(user, Role.CASE_TEAM, campaign=campaign)
    grant(user, Role.ORG_ADMIN, organisation=organisation)
    return sign_in(Client(), user)


def _crawl(client: Client, start: list[str], limit: int) -> dict[str, str]:
    """Pages reached from ``start`` by their links (at most ``limit``), with their HTML."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP):
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        seen[path] = html
        for link in HREF.findall(html):
            link = urlsplit(unescape(link)).path
            if link not in seen:
                queue.append(link)
    return seen


def _assert_refused(response: Any, what: str) -> None:
    assert response.status_code == 400, what
    html = response.content.decode()
    assert "Bad request" in html, what
    assert EXPLANATION in html, what
    assert NUL not in html, what


def test_a_nul_in_any_path_query_string_or_form_field_is_a_clear_400(demo: None) -> None:
    """Crawling the demo as its organiser: every page answers 400 to a NUL in its path
    and in its query string, and every form on it to a NUL in each field; nothing changes."""
    client = _organiser(demo)
    person = Person.objects.order_by("pk").first()
    assert person is not None
    pages = _crawl(
        client,
        ["/", "/accounts/", "/register/", f"/register/working/{person.pk}/", "/correspondence/"],
        limit=60,
    )
    assert len(pages) >= 30
    before = _row_counts()
    forms = 0
    for path, html in pages.items():
        _assert_refused(client.get(path, {"q": "Ali" + NUL}), f"query {path}")
        _assert_refused(client.get(path, {"page" + NUL: "1"}), f"query name {path}")
        _assert_refused(client.get(path.rstrip("/") + quote(NUL) + "/"), f"path {path}")
        for form in FORM.findall(html):
            names = set(FIELD.findall(form)) - {"csrfmiddlewaretoken"}
            action = ACTION.search(form)
            target = unescape(action.group(1)) if action and action.group(1) else path
            for name in names or {"anything"}:
                forms += 1
                _assert_refused(client.post(target, {name: "Free" + NUL + "them"}), target)
    assert forms >= 20
    assert _row_counts() == before


def test_the_nul_page_speaks_the_users_language(demo: None) -> None:
    """An Urdu page with a NUL in its query string answers 400 in Urdu, right to left."""
    response = Client().get("/ur/register/", {"q": NUL})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'lang="ur"' in html
    assert 'dir="rtl"' in html


def test_a_nul_in_a_sign_in_form_is_refused_without_a_lock_out_count(db: None) -> None:
    """The sign-in form answers 400 to a NUL in the username, before anything is counted."""
    before = _row_counts()
    response = Client().post(
        "/accounts/login/", {"username": "admin" + NUL, "password": "correct horse"}
    )
    _assert_refused(response, "login")
    assert _row_counts() == before

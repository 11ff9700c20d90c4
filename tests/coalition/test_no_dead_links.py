"""No dead links: every link a role is shown leads somewhere that role may go.

For each role, a crawler starts at the home page and the roles page and
follows every same-origin link (GET only, a bounded number of pages), and
asserts that none answers 403, that none found on our own pages answers 404,
and that none shown to a signed-in visitor sends them to sign in.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

from habeas.cases import services as cases_services
from habeas.coalition import services
from habeas.coalition.models import Role
from habeas.core.models import Source
from habeas.fund.services.setup import fund_open
from tests.coalition.test_united_front import make_front
from tests.factories import CampaignFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

# Enough to reach every kind of page from the start pages; each list's further
# pages and filters add nothing new to try.
MAX_PAGES = 80
MAX_PER_PATH = 2
# Files, not pages: served by the web server, and the language switch (crawled
# for Urdu on its own).
SKIP_PREFIXES = ("/static/", "/media/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _same_origin(href: str) -> str | None:
    """The path and query of a link to this site, without its fragment; None otherwise."""
    href = urldefrag(href)[0]
    if not href:
        return None
    parts = urlsplit(href)
    if parts.scheme and parts.scheme not in {"http", "https"}:
        return None
    if parts.netloc and parts.netloc != "testserver":
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Crawl:
    visited: int = 0
    dead: list[str] = field(default_factory=list)


def _crawl(client: Client, starts: list[str], *, urdu: bool) -> Crawl:
    crawl = Crawl()
    queue: deque[tuple[str, str]] = deque((start, "(start)") for start in starts)
    seen: set[str] = set(starts)
    per_path: dict[str, int] = {}
    while queue and crawl.visited < MAX_PAGES:
        url, found_on = queue.popleft()
        response = client.get(url)
        crawl.visited += 1
        status = response.status_code
        if status == 403 or (status == 404 and found_on != "(start)"):
            crawl.dead.append(f"{url} answered {status}, linked from {found_on}")
            continue
        if status in {301, 302, 303, 307, 308}:
            location = response["Location"]
            if "/accounts/login/" in location and "/accounts/login/" not in url:
                crawl.dead.append(f"{url} sends to sign in, linked from {found_on}")
            continue
        content_type = response.get("Content-Type", "")
        if status != 200 or not content_type.startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target = _same_origin(href)
            if target is None or target in seen or target.startswith(SKIP_PREFIXES):
                continue
            if target.startswith("/ur/") != urdu:
                continue
            path = target.split("?")[0]
            if per_path.get(path, 0) >= MAX_PER_PATH:
                continue
            per_path[path] = per_path.get(path, 0) + 1
            seen.add(target)
            queue.append((target, url))
    return crawl


@pytest.fixture
def world() -> dict[str, Any]:
    """A campaign with two member organisations, a demand, a statement, a hidden
    slogan, a documented person and an open fund; one user per role."""
    front = make_front()
    users = dict(front.users)
    campaign = front.campaign
    editor_a = users["editor_a"]
    demand = services.demand_propose(
        by=editor_a, campaign=campaign, organisation=front.a, text="Free all prisoners"
    )
    services.position_record(
        by=users["editor_b"], demand=demand, organisation=front.b, stance="ENDORSES"
    )
    services.statement_publish(
        by=editor_a, campaign=campaign, organisation=front.a, title="Our word", body="Body"
    )
    hidden = services.demand_propose(
        by=editor_a, campaign=campaign, organisation=front.a, text="A slogan to hide"
    )
    services.item_hide(
        by=users["coordinator"], item=hidden, reason="Off topic", site_url="http://testserver/"
    )
    services.correspondence_publish(
        by=editor_a, organisation=front.a, subject="To B", body="Hello", to_organisation=front.b
    )
    for name, role in (
        ("documenter", Role.DOCUMENTER),
        ("case_team", Role.CASE_TEAM),
        ("moderator", Role.MODERATOR),
    ):
        users[name] = UserFactory(username=name)
        grant(users[name], role, campaign=campaign)
    cases_services.person_save(
        by=users["documenter"],
        source=Source.objects.create(title="Court record"),
        campaign=campaign,
        name="A documented person",
    )
    users["treasurer"] = UserFactory(username="treasurer")
    grant(users["treasurer"], Role.TREASURER, organisation=front.a, campaign=campaign)
    fund_open(campaign=campaign, by=users["coordinator"], reporting_currency="GBP")
    users["site_admin"] = UserFactory(username="site_admin")
    grant(users["site_admin"], Role.SITE_ADMIN)
    users["plain"] = UserFactory(username="plain")
    # A coordinator of a draft campaign: its pages are theirs, not the public's.
    users["draft_coordinator"] = UserFactory(username="draft_coordinator")
    grant(
        users["draft_coordinator"],
        Role.COORDINATOR,
        campaign=CampaignFactory(slug="draft-campaign", status="DRAFT"),
    )
    return users


ROLES = [
    "anonymous",
    "plain",
    "documenter",
    "case_team",
    "coordinator",
    "moderator",
    "admin_a",
    "editor_a",
    "treasurer",
    "site_admin",
    "draft_coordinator",
]


@pytest.mark.parametrize(
    ("role", "urdu"),
    [(role, False) for role in ROLES] + [("editor_a", True), ("coordinator", True)],
)
def test_no_link_shown_to_a_role_is_refused_to_it(
    world: dict[str, Any], role: str, urdu: bool
) -> None:
    client = Client()
    if role != "anonymous":
        sign_in(client, world[role])
    prefix = "/ur" if urdu else ""
    starts = [f"{prefix}/"] + ([f"{prefix}/accounts/"] if role != "anonymous" else [])
    crawl = _crawl(client, starts, urdu=urdu)
    assert crawl.dead == []
    assert crawl.visited > 10

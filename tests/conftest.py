"""Fixtures for real parts: an SMTP server on loopback and Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"
CHROMIUM = os.environ.get("HABEAS_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("HABEAS_REQUIRE_BROWSER") == "1"
REQUIRE_REDIS = os.environ.get("HABEAS_REQUIRE_REDIS") == "1"
# Each pytest-xdist worker (gw0, gw1, …) empties a Redis database of its own:
# gw0 uses 15, gw1 14, and so on down; a run without workers uses 15.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_FOR_TESTS = os.environ.get(
    "HABEAS_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - _WORKER % 15}"
)


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_sites_language() -> Iterator[None]:
    """Start and leave every test in the site's language.

    The locale middleware activates the language of each request it serves, in
    the thread; a test that visits an Urdu page would otherwise leave Urdu on for
    the next test's direct calls to services, whose messages it reads.
    """
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_pages_kept_from_an_earlier_test(request: pytest.FixtureRequest) -> None:
    """Empty the public-page cache before each transactional test.

    Its table is no model's, so the flush between transactional tests leaves it:
    a page an earlier test stored would be served for rows this test made.
    Other tests run inside a transaction that rolls the table back.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction", False):
        return
    request.getfixturevalue("transactional_db")
    from tests.pages import forget_pages

    forget_pages()


@dataclass
class Mailbox:
    """What the loopback SMTP server received, parsed."""

    messages: list[Message] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1; Django's mail goes to it."""
    mailbox = Mailbox()
    with socket.socket() as probe:  # aiosmtpd cannot start on port 0 itself
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield mailbox
    finally:
        controller.stop()


def redis_for_tests(what: str) -> Any:
    """A client for the tests' Redis database. When none answers, the test is skipped
    with a banner naming ``what`` did not run, or fails under HABEAS_REQUIRE_REDIS=1."""
    import redis

    client = redis.Redis.from_url(REDIS_FOR_TESTS)
    try:
        client.ping()
    except redis.ConnectionError:
        message = f"{what} NOT RUN: no Redis at {REDIS_FOR_TESTS}"
        print(f"\n{'!' * 72}\n{message}\n{'!' * 72}")
        if REQUIRE_REDIS:
            pytest.fail(message)
        pytest.skip(message)
    return client


@pytest.fixture
def redis_queue(settings: Any) -> Iterator[Any]:
    """An emptied Redis database for RQ; skipped loudly when no Redis answers."""
    client = redis_for_tests("RQ TESTS")
    client.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_FOR_TESTS}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield client
    client.flushdb()


def _browser_missing_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (Debian package 'chromium')"
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; skipped loudly when absent.

    Under HABEAS_REQUIRE_BROWSER=1 (as .ci/run sets) a missing browser fails
    the run instead of skipping.
    """
    reason = _browser_missing_reason()
    if reason:
        message = f"BROWSER TESTS NOT RUN: {reason}"
        print(f"\n{'!' * 72}\n{message}\n{'!' * 72}")
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the test's own
    # database calls stay synchronous, so Django's async guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser page with JavaScript off, as on a cautious phone."""
    context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def demo(db: None) -> None:
    """The demo campaign, loaded as `habeas demo` loads it."""
    from habeas.demo.loader import load_demo

    load_demo()


def pytest_report_header(config: Any) -> list[str]:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    chromium = shutil.which(CHROMIUM) or "missing"
    return [f"habeas: database={engine} chromium={chromium} require_browser={REQUIRE_BROWSER}"]

"""Letters that open and close by the clock: the clock's job renews the kept pages."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from freezegun import freeze_time

from habeas.core import pagecache
from habeas.core.clock import jobs_from_settings
from habeas.letters.models import Letter
from habeas.letters.services import letters as letter_services
from habeas.letters.services.window import FINGERPRINT_KEY, letters_window_check
from tests.core.pagecache_world import LETTER_TEXT, World, generations, make_world
from tests.pages import forget_pages

pytestmark = pytest.mark.django_db

# Mid-morning, so every step below falls on one day (a page's key holds the day).
T0 = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def frozen() -> Iterator[Any]:
    with freeze_time(T0) as frozen:
        yield frozen


@pytest.fixture
def world(frozen: Any) -> Iterator[World]:
    forget_pages()
    yield make_world()
    forget_pages()


@pytest.fixture
def check(django_capture_on_commit_callbacks: Any) -> Callable[[], bool]:
    """The clock's job, run as the clock runs it: outside any transaction, so the
    generation it replaces is replaced at once (the test's own transaction never
    commits, so its on-commit callbacks are run here)."""

    def run() -> bool:
        with django_capture_on_commit_callbacks(execute=True):
            return letters_window_check()

    return run


def _letter(
    world: World,
    *,
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
) -> Letter:
    """A letter published now, with the opening and closing times given."""
    letter = letter_services.letter_create(
        by=world.users["editor_a"],
        campaign=world.campaign,
        authors=[world.a],
        texts={"en": ("A letter on time", *LETTER_TEXT[1:])},
        opens_at=opens_at,
        closes_at=closes_at,
    )
    return letter_services.letter_publish(by=world.users["editor_a"], letter=letter)


def _page(path: str) -> tuple[str, str]:
    response = Client().get(path)
    assert response.status_code == 200
    return response["ETag"], response.content.decode()


def test_the_job_is_on_the_clock() -> None:
    """The clock runs the check every 30 seconds."""
    jobs = {job.name: job for job in jobs_from_settings()}
    assert jobs["letters-window"].every == 30
    assert jobs["letters-window"].run is letters_window_check


def test_a_letter_opening_at_its_time_shows_its_sign_form_after_the_next_check(
    world: World, frozen: Any, django_capture_on_commit_callbacks: Any, check: Callable[[], bool]
) -> None:
    """A kept page says "not yet" until the letter's opening time has passed and the
    clock's job has run; then every page that shows the letter is renewed."""
    with django_capture_on_commit_callbacks(execute=True):
        letter = _letter(world, opens_at=T0 + HOUR)
    check()
    paths = [f"/letters/{letter.slug}/", f"/letters/{letter.slug}/sign/", "/letters/"]
    kept = {path: _page(path) for path in paths}
    assert "does not take signatures yet" in kept[paths[0]][1]
    assert "This letter is not open for signing." in kept[paths[1]][1]
    assert "not open yet" in kept[paths[2]][1]
    assert check() is False

    frozen.move_to(T0 + HOUR + datetime.timedelta(seconds=1))
    # Nothing was written: until the job runs, the kept pages stand.
    assert {path: _page(path) for path in paths} == kept
    assert check() is True
    renewed = {path: _page(path)[1] for path in paths}
    assert "Open letter · open for signing" in renewed[paths[0]]
    assert 'action="/letters/a-letter-on-time/sign/#sign"' in renewed[paths[1]]
    assert "open for signing" in renewed[paths[2]]
    assert check() is False


def test_a_letter_closing_at_its_time_leaves_the_campaign_page(
    world: World, frozen: Any, django_capture_on_commit_callbacks: Any, check: Callable[[], bool]
) -> None:
    """The campaign page lists letters open for signing; one whose closing time has
    passed leaves it at the next check."""
    with django_capture_on_commit_callbacks(execute=True):
        _letter(world, closes_at=T0 + HOUR)
    check()
    path = f"/campaigns/{world.campaign.slug}/"
    assert "A letter on time" in _page(path)[1]
    frozen.move_to(T0 + 2 * HOUR)
    assert "A letter on time" in _page(path)[1]
    assert check() is True
    assert "A letter on time" not in _page(path)[1]


def test_a_time_passing_is_seen_though_another_letter_left_meanwhile(
    world: World, frozen: Any, django_capture_on_commit_callbacks: Any, check: Callable[[], bool]
) -> None:
    """Between two checks one letter closes by hand and another opens by its time: the
    check still sees the opening (a count of open letters would not)."""
    with django_capture_on_commit_callbacks(execute=True):
        opening = _letter(world, opens_at=T0 + HOUR)
    check()
    frozen.move_to(T0 + 2 * HOUR)
    letter_services.letter_close(by=world.users["editor_a"], letter=world.letter)
    before = generations()
    assert check() is True
    assert generations()[pagecache.SITE] != before[pagecache.SITE]
    assert "Open letter · open for signing" in _page(f"/letters/{opening.slug}/")[1]


def test_a_check_with_nothing_passed_renews_nothing(
    world: World, frozen: Any, check: Callable[[], bool]
) -> None:
    """Without a time passing, the check leaves every kept page, however often it runs."""
    check()
    before = generations()
    frozen.move_to(T0 + HOUR)
    assert check() is False
    assert check() is False
    assert generations() == before


def test_two_clocks_at_once_renew_at_most_twice_and_never_miss_a_change(
    world: World, frozen: Any, django_capture_on_commit_callbacks: Any, check: Callable[[], bool]
) -> None:
    """Two clocks may both see a change, or one may store a fingerprint older than the
    other's: either way the pages are renewed, at worst once more than needed."""
    with django_capture_on_commit_callbacks(execute=True):
        _letter(world, opens_at=T0 + HOUR)
    check()
    stale = caches[pagecache.CACHE_ALIAS].get(FINGERPRINT_KEY)
    frozen.move_to(T0 + 2 * HOUR)
    assert check() is True
    # The slower clock read the old state and writes its fingerprint last.
    caches[pagecache.CACHE_ALIAS].set(FINGERPRINT_KEY, stale, timeout=None)
    assert check() is True
    assert check() is False


def test_a_cleared_cache_starts_the_check_afresh(world: World, check: Callable[[], bool]) -> None:
    """After ``habeas cache clear`` the first check renews (nothing is kept anyway)."""
    check()
    pagecache.clear()
    assert check() is True
    assert check() is False

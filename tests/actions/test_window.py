"""Actions that start and end by the clock: the clock's job renews the kept pages."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from freezegun import freeze_time

from habeas.actions.models import Action
from habeas.actions.queries.public import STILL_ON
from habeas.actions.services.window import actions_window_check
from habeas.core.clock import jobs_from_settings
from tests.factories import CampaignFactory, OrganisationFactory
from tests.pages import forget_pages

pytestmark = pytest.mark.django_db

# Mid-morning, so every step below falls on one day (a page's key holds the day).
T0 = datetime.datetime(2026, 3, 10, 6, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def frozen() -> Iterator[Any]:
    forget_pages()
    with freeze_time(T0) as frozen:
        yield frozen
    forget_pages()


@pytest.fixture
def check(django_capture_on_commit_callbacks: Any) -> Callable[[], bool]:
    """The clock's job as the clock runs it (outside the test's transaction)."""

    def run() -> bool:
        with django_capture_on_commit_callbacks(execute=True):
            return actions_window_check()

    return run


def _page(path: str) -> tuple[str, str]:
    response = Client().get(path)
    assert response.status_code == 200
    return response["ETag"], response.content.decode()


def test_the_job_is_on_the_clock() -> None:
    """The clock runs the check every 30 seconds."""
    jobs = {job.name: job for job in jobs_from_settings()}
    assert jobs["actions-window"].every == 30
    assert jobs["actions-window"].run is actions_window_check


def test_an_action_starting_closes_its_form_and_leaves_upcoming_after_the_next_check(
    frozen: Any, check: Callable[[], bool]
) -> None:
    """A kept page offers the RSVP form until the start has passed and the job has run;
    the upcoming list keeps the action while it is on, and drops it once it is over."""
    campaign = CampaignFactory()
    action = Action.objects.create(
        campaign=campaign,
        title="Vigil at noon",
        city="London",
        country="GB",
        starts_at=T0 + HOUR,
        time_zone="Europe/London",
    )
    action.organisations.add(OrganisationFactory())
    check()
    page, upcoming = f"/actions/{action.pk}/", "/actions/"
    kept = {path: _page(path) for path in (page, upcoming)}
    assert "I will come" in kept[page][1]
    assert "Vigil at noon" in kept[upcoming][1]
    assert check() is False

    frozen.move_to(T0 + HOUR + datetime.timedelta(seconds=1))
    # Nothing was written: until the job runs, the kept pages stand.
    assert {path: _page(path) for path in (page, upcoming)} == kept
    assert check() is True
    assert "I will come" not in _page(page)[1]
    assert "This action has already taken place." in _page(page)[1]
    assert "Vigil at noon" in _page(upcoming)[1]
    assert check() is False

    frozen.move_to(T0 + HOUR + STILL_ON + datetime.timedelta(seconds=1))
    assert "Vigil at noon" in _page(upcoming)[1]
    assert check() is True
    assert "Vigil at noon" not in _page(upcoming)[1]
    assert check() is False


def test_an_end_passing_renews_the_pages(frozen: Any, check: Callable[[], bool]) -> None:
    """An action with an end leaves the upcoming list once that end has passed."""
    campaign = CampaignFactory()
    Action.objects.create(
        campaign=campaign,
        title="All-day picket",
        city="Lahore",
        country="PK",
        starts_at=T0 - HOUR,
        ends_at=T0 + 8 * HOUR,
        time_zone="Asia/Karachi",
    )
    check()
    assert "All-day picket" in _page("/actions/")[1]
    frozen.move_to(T0 + 8 * HOUR + datetime.timedelta(seconds=1))
    assert check() is True
    assert "All-day picket" not in _page("/actions/")[1]

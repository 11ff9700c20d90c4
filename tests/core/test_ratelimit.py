"""The rate limiter on the cache: windows, expiry, keyed subjects, on both backends."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from freezegun import freeze_time

from habeas.core import ratelimit
from habeas.core.ratelimit import Check, Limit, hit, hits
from tests.conftest import REDIS_FOR_TESTS, redis_for_tests

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 5, 30, 12, 0, 0, tzinfo=datetime.UTC)
PER_MINUTE = Limit(3, 60)
PER_DAY = Limit(5, 86_400)


@pytest.fixture(params=["database", "redis"])
def backend(request: Any, settings: Any) -> Iterator[str]:
    """The database cache (the default) or Redis at db 15, skipped loudly when absent."""
    if request.param == "redis":
        client = redis_for_tests("REDIS RATE-LIMIT TESTS")
        client.flushdb()
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_FOR_TESTS,
            }
        }
        yield request.param
        client.flushdb()
    else:
        caches["default"].clear()
        yield request.param


def test_a_subject_is_over_once_it_passes_the_count(backend: str) -> None:
    """Three events a minute pass; the fourth is over."""
    with freeze_time(START):
        assert [hit("test", "subject", [PER_MINUTE]) for _ in range(4)] == [
            False,
            False,
            False,
            True,
        ]


def test_subjects_and_scopes_are_counted_apart(backend: str) -> None:
    """Another subject, or the same subject in another scope, has its own count."""
    with freeze_time(START):
        for _ in range(3):
            hit("test", "one", [PER_MINUTE])
        assert hit("test", "one", [PER_MINUTE])
        assert not hit("test", "two", [PER_MINUTE])
        assert not hit("other", "one", [PER_MINUTE])


def test_a_new_window_starts_again(backend: str) -> None:
    """The next minute has its own count: the burst limit lifts, the daily one stays."""
    with freeze_time(START) as clock:
        for _ in range(3):
            assert not hit("test", "subject", [PER_MINUTE, PER_DAY])
        assert hit("test", "subject", [PER_MINUTE, PER_DAY])  # 4th this minute
        clock.tick(datetime.timedelta(seconds=60))
        assert not hit("test", "subject", [PER_MINUTE, PER_DAY])  # 5th today
        assert hit("test", "subject", [PER_MINUTE, PER_DAY])  # 6th today
        clock.tick(datetime.timedelta(days=1))
        assert not hit("test", "subject", [PER_MINUTE, PER_DAY])


def test_events_over_the_limit_still_count(backend: str) -> None:
    """A flood stays over its sustained limit while it goes on."""
    with freeze_time(START) as clock:
        for minute in range(4):
            for _ in range(3):
                hit("test", "flood", [PER_MINUTE, PER_DAY])
            clock.tick(datetime.timedelta(seconds=60 * (minute + 1)))
        assert hit("test", "flood", [PER_MINUTE, PER_DAY])


def test_now_places_the_event(backend: str) -> None:
    """An explicit ``now`` picks the window, whatever the clock says."""
    for _ in range(3):
        assert not hit("test", "subject", [PER_MINUTE], now=START)
    assert hit("test", "subject", [PER_MINUTE], now=START)
    assert not hit("test", "subject", [PER_MINUTE], now=START + datetime.timedelta(minutes=1))


def test_hits_answers_each_subject_in_order(backend: str) -> None:
    """Several subjects in one call each get their own answer; no limits, never over."""
    with freeze_time(START):
        for _ in range(3):
            hit("test", "busy", [PER_MINUTE])
        answers = hits(
            [
                Check("test", "calm", [PER_MINUTE]),
                Check("test", "busy", [PER_MINUTE, PER_DAY]),
                Check("test", "unlimited", []),
                Check("test", "calm", [PER_MINUTE]),
            ]
        )
        assert answers == [False, True, False, False]
        assert hits([]) == []
        assert hits([Check("test", "x", [])]) == [False]


def test_the_cache_sees_only_keyed_hashes(backend: str) -> None:
    """The subject never reaches the cache; only a keyed hash of it does."""
    with freeze_time(START):
        hit("test", "203.0.113.9", [PER_MINUTE])
    if backend == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_FOR_TESTS, decode_responses=True)
        keys = [str(key) for key in client.keys("*")]
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM habeas_cache")
            keys = [row[0] for row in cursor.fetchall()]
    assert keys
    assert all("habeas:rl:test:" in key for key in keys)
    assert not any("203.0.113.9" in key for key in keys)


def test_entries_expire_with_their_window(backend: str) -> None:
    """Redis keys expire with their own window; a database entry with its longest one."""
    if backend == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_FOR_TESTS)
        hit("test", "subject", [PER_MINUTE, PER_DAY])
        ttls = sorted(client.ttl(key) for key in client.keys("*"))
        assert len(ttls) == 2
        assert 0 < ttls[0] <= 60
        assert 60 < ttls[1] <= 86_400
    else:
        with freeze_time(START) as clock:
            hit("test", "subject", [PER_MINUTE])
            clock.tick(datetime.timedelta(seconds=61))
            with connection.cursor() as cursor:
                cursor.execute("SELECT cache_key FROM habeas_cache")
                (key,) = [row[0] for row in cursor.fetchall()]
            # Expired: the cache no longer returns the entry.
            assert caches["default"].get(key.split(":", 2)[2]) is None


def test_one_round_trip_to_read_and_one_to_write(backend: str, monkeypatch: Any) -> None:
    """The database cache is read once for every subject of a call, and written once."""
    if backend == "redis":
        pytest.skip("Redis pipelines every window in one MULTI; see the count test.")
    cache = caches["default"]
    calls: list[str] = []
    real_get_many, real_set_many = cache.get_many, cache.set_many

    def get_many(*args: Any, **kwargs: Any) -> Any:
        calls.append("get")
        return real_get_many(*args, **kwargs)

    def set_many(*args: Any, **kwargs: Any) -> Any:
        calls.append("set")
        return real_set_many(*args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    monkeypatch.setattr(cache, "set_many", set_many)
    hits([Check("test", "a", [PER_MINUTE, PER_DAY]), Check("test", "b", [PER_MINUTE, PER_DAY])])
    assert calls == ["get", "set"]


def test_redis_counts_in_one_pipeline(backend: str, monkeypatch: Any) -> None:
    """Redis gets one MULTI for every window of every subject of a call."""
    if backend != "redis":
        pytest.skip("Only Redis pipelines.")
    import redis.client

    executed: list[int] = []
    real_execute = redis.client.Pipeline.execute

    def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        executed.append(len(self.command_stack))
        return real_execute(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", execute)
    hits([Check("test", "a", [PER_MINUTE, PER_DAY]), Check("test", "b", [PER_MINUTE])])
    assert executed == [6]  # SET NX + INCR for each of three windows


@pytest.mark.parametrize(
    ("count", "seconds"), [(0, 60), (1, 0), (-1, 60)], ids=["no-count", "no-window", "negative"]
)
def test_a_limit_must_be_positive(count: int, seconds: int) -> None:
    """A limit of nothing is a mistake in the configuration, refused at once."""
    with pytest.raises(ValueError, match="positive"):
        Limit(count, seconds)


@pytest.mark.parametrize("scope", ["", "Has Space", "x" * 41, "a:b"])
def test_a_scope_is_a_short_plain_name(scope: str) -> None:
    """Scopes become part of cache keys: plain lower-case names only."""
    with pytest.raises(ValueError, match="scope"):
        ratelimit.hit(scope, "subject", [PER_MINUTE])

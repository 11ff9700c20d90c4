"""The suspect reasons a submission gets: honeypot, haste, disposable mail, rates."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import caches

from habeas.core import disposable
from habeas.core.ratelimit import Limit
from habeas.letters import abuse
from habeas.letters.abuse import assess
from habeas.letters.models import Signature

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 30, 12, 0, 30, tzinfo=datetime.UTC)
SERVED = NOW - datetime.timedelta(seconds=40)
Suspect = Signature.Suspect


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    caches["default"].clear()


def _assess(**overrides: Any) -> Signature.Suspect:
    values: dict[str, Any] = {
        "ip_hash": "fd00::1",
        "email_domain": "example.org",
        "honeypot": "",
        "started_at": SERVED,
        "now": NOW,
    }
    values.update(overrides)
    return assess(**values)


def test_a_person_filling_the_form_is_not_suspect() -> None:
    """Nothing filled that people cannot see, time taken, a real domain: not suspect."""
    assert _assess() == Suspect.NONE


@pytest.mark.parametrize("value", ["x", "https://spam.example", " y "])
def test_a_filled_honeypot_is_suspect(value: str) -> None:
    """Anything in the hidden field marks the submission."""
    assert _assess(honeypot=value) == Suspect.HONEYPOT


def test_a_honeypot_of_whitespace_counts_as_empty() -> None:
    """Autofill that leaves a space is not a bot's doing."""
    assert _assess(honeypot="  ") == Suspect.NONE


@pytest.mark.parametrize("seconds", [0, 1, 2.9])
def test_a_form_sent_too_soon_is_suspect(seconds: float) -> None:
    """Less than three seconds between serving and sending the form is no person."""
    assert _assess(started_at=NOW - datetime.timedelta(seconds=seconds)) == Suspect.TOO_FAST


def test_three_seconds_is_enough() -> None:
    """At the minimum fill time exactly, the submission passes."""
    assert _assess(started_at=NOW - datetime.timedelta(seconds=3)) == Suspect.NONE


def test_a_missing_or_forged_timestamp_is_too_fast() -> None:
    """No valid served-at time (the lead's form gives None) is treated as haste."""
    assert _assess(started_at=None) == Suspect.TOO_FAST


def test_a_timestamp_from_the_future_is_too_fast() -> None:
    """A served-at time after now is not a person's form."""
    assert _assess(started_at=NOW + datetime.timedelta(minutes=5)) == Suspect.TOO_FAST


def test_the_minimum_fill_time_can_be_set(settings: Any) -> None:
    """The benchmark sets it to zero."""
    settings.HABEAS_LETTER_LIMITS = {"min_fill_seconds": 0}
    assert _assess(started_at=NOW) == Suspect.NONE


@pytest.mark.parametrize(
    "domain", ["mailinator.com", "MAILINATOR.COM", "inbox.mailinator.com", "guerrillamail.com"]
)
def test_a_disposable_domain_is_suspect(domain: str) -> None:
    """Listed domains and their sub-domains are disposable, in any case."""
    assert _assess(email_domain=domain) == Suspect.DISPOSABLE


@pytest.mark.parametrize(
    "domain", ["gmail.com", "outlook.com", "yahoo.com", "proton.me", "unite.org.uk", "com"]
)
def test_ordinary_domains_are_not_disposable(domain: str) -> None:
    """The big providers and an organisation's own domain are not on the list."""
    assert not disposable.is_disposable(domain)


def test_the_bundled_list_is_large_and_names_its_source() -> None:
    """The list comes from a named, versioned source and holds thousands of domains."""
    head = disposable.DISPOSABLE_LIST.read_text(encoding="utf-8").splitlines()[0]
    assert "disposable-email-domains" in head
    assert len(disposable.disposable_domains()) > 1000
    assert not disposable.disposable_domains() & abuse.LARGE_PROVIDERS


def test_the_first_reason_names_the_submission() -> None:
    """A honeypot beats haste, haste beats a disposable domain."""
    assert (
        _assess(honeypot="x", started_at=None, email_domain="mailinator.com") == Suspect.HONEYPOT
    )
    assert _assess(started_at=None, email_domain="mailinator.com") == Suspect.TOO_FAST


def test_caught_submissions_do_not_count_against_the_rates(settings: Any) -> None:
    """A bot the cheap checks catch spends none of its address's allowance."""
    settings.HABEAS_LETTER_LIMITS = {"ip": [(1, 60)]}
    for _ in range(3):
        assert _assess(honeypot="x") == Suspect.HONEYPOT
        assert _assess(started_at=None) == Suspect.TOO_FAST
        assert _assess(email_domain="mailinator.com") == Suspect.DISPOSABLE
    assert _assess() == Suspect.NONE


def test_too_many_from_one_address_is_suspect() -> None:
    """The eleventh submission in a minute from one address is over its burst limit."""
    domains = [f"org{n}.example" for n in range(11)]
    answers = [_assess(email_domain=domain) for domain in domains]
    assert answers == [Suspect.NONE] * 10 + [Suspect.IP_RATE]
    assert _assess(ip_hash="fd00::2", email_domain="other.example") == Suspect.NONE


def test_the_address_limit_is_per_day_as_well() -> None:
    """Past a hundred a day from one address, even slowly, it is suspect."""
    answers = [
        _assess(email_domain=f"org{n}.example", now=NOW + datetime.timedelta(minutes=n))
        for n in range(101)
    ]
    assert Suspect.IP_RATE not in answers[:100]
    assert answers[100] == Suspect.IP_RATE


def test_too_many_from_one_small_domain_is_suspect() -> None:
    """The 31st signature in a minute from one small domain is over its limit."""
    answers = [_assess(ip_hash=f"fd00::{n:x}", email_domain="tiny.example") for n in range(31)]
    assert answers == [Suspect.NONE] * 30 + [Suspect.DOMAIN_RATE]


def test_big_providers_take_thousands() -> None:
    """Hundreds signing from gmail.com within the minute (a small domain allows 30) pass."""
    answers = {_assess(ip_hash=f"fd00::{n:x}", email_domain="gmail.com") for n in range(200)}
    assert answers == {Suspect.NONE}


def test_an_address_over_its_limit_names_the_address() -> None:
    """When both address and domain are over, the address is the reason."""
    settings_limits = {"ip": [(1, 60)], "domain": [(1, 60)]}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(abuse, "_configured", lambda: settings_limits)
        assert _assess() == Suspect.NONE
        assert _assess() == Suspect.IP_RATE
        assert _assess(ip_hash="fd00::9") == Suspect.DOMAIN_RATE


def test_limits_can_be_set(settings: Any) -> None:
    """HABEAS_LETTER_LIMITS replaces the named limits; the others stay."""
    settings.HABEAS_LETTER_LIMITS = {"ip": [(1_000_000, 60)], "large_domain": [(2, 60)]}
    assert abuse.ip_limits() == (Limit(1_000_000, 60),)
    assert abuse.domain_limits("gmail.com") == (Limit(2, 60),)
    assert abuse.domain_limits("tiny.example") == abuse.DOMAIN_LIMITS
    answers = [_assess(email_domain="gmail.com") for _ in range(3)]
    assert answers == [Suspect.NONE, Suspect.NONE, Suspect.DOMAIN_RATE]


def test_no_address_or_domain_is_not_rate_limited(settings: Any) -> None:
    """Without an address pseudonym or a domain there is nothing to count."""
    settings.HABEAS_LETTER_LIMITS = {"ip": [(1, 60)], "domain": [(1, 60)]}
    assert {_assess(ip_hash="", email_domain="") for _ in range(3)} == {Suspect.NONE}

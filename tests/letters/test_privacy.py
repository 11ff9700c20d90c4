"""The privacy jobs: unconfirmed signatures expire, addresses are forgotten, old letters
are anonymised, and the counts never move."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Count
from freezegun import freeze_time

from habeas.letters.addresses import address_domain, address_key
from habeas.letters.models import Letter, Signature
from habeas.letters.services import privacy
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
PERSONAL = ("name", "email", "email_key", "email_domain", "city", "affiliation", "ip_hash")
KEPT = ("status", "country", "confirmed_at", "created_at", "counted", "suspect", "invalidation_id")

_serial = iter(range(1_000_000))


def _letter(**fields: Any) -> Letter:
    values: dict[str, Any] = {
        "campaign": CampaignFactory(),
        "slug": f"letter-{next(_serial)}",
        "status": Letter.Status.OPEN,
        "created_by": UserFactory(),
    }
    values.update(fields)
    return Letter.objects.create(**values)


def _sign(letter: Letter, *, age: datetime.timedelta, status: str = "CONFIRMED") -> Signature:
    email = f"Signer.{next(_serial)}+tag@Example.org"
    at = NOW - age
    return Signature.objects.create(
        letter=letter,
        name="Ayesha Khan",
        email=email,
        email_key=address_key(email),
        email_domain=address_domain(email),
        country="PK",
        city="Gilgit",
        affiliation="Student union",
        show_name=True,
        send_updates=True,
        language="ur",
        status=status,
        ip_hash="fd00::1",
        created_at=at,
        confirmed_at=at if status == Signature.Status.CONFIRMED else None,
        counted=status == Signature.Status.CONFIRMED,
    )


def _kept(letter: Letter) -> list[tuple[Any, ...]]:
    return list(Signature.objects.filter(letter=letter).order_by("pk").values_list("pk", *KEPT))


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of two, so the tests cross batch boundaries."""
    monkeypatch.setattr(privacy, "BATCH", 2)


# --- unconfirmed signatures ---------------------------------------------------


def test_unconfirmed_signatures_expire_after_seven_days(small_batches: None) -> None:
    """Pending signatures older than seven days go; younger ones and confirmed ones stay."""
    letter = _letter()
    old = [_sign(letter, age=8 * DAY, status="PENDING") for _ in range(5)]
    young = _sign(letter, age=6 * DAY, status="PENDING")
    confirmed = _sign(letter, age=60 * DAY)
    withdrawn = _sign(letter, age=60 * DAY, status="WITHDRAWN")
    assert privacy.unconfirmed_expire(NOW) == 5
    left = set(Signature.objects.values_list("pk", flat=True))
    assert left == {young.pk, confirmed.pk, withdrawn.pk}
    assert not left & {signature.pk for signature in old}
    assert privacy.unconfirmed_expire(NOW) == 0


def test_expiry_is_measured_from_signing(small_batches: None) -> None:
    """Exactly seven days old is not yet expired; a moment later it is."""
    letter = _letter()
    _sign(letter, age=7 * DAY, status="PENDING")
    assert privacy.unconfirmed_expire(NOW) == 0
    with freeze_time(NOW + datetime.timedelta(seconds=1)):
        assert privacy.unconfirmed_expire() == 1


# --- address pseudonyms ---------------------------------------------------------


def test_addresses_are_forgotten_after_thirty_days(small_batches: None) -> None:
    """Older signatures lose their address hash, and nothing else."""
    letter = _letter()
    old = [_sign(letter, age=31 * DAY) for _ in range(5)]
    young = _sign(letter, age=29 * DAY)
    kept = _kept(letter)
    assert privacy.addresses_forget(NOW) == 5
    for signature in old:
        signature.refresh_from_db()
        assert signature.ip_hash == ""
        assert signature.name == "Ayesha Khan"
    young.refresh_from_db()
    assert young.ip_hash == "fd00::1"
    assert _kept(letter) == kept
    assert privacy.addresses_forget(NOW) == 0


# --- anonymising old letters ----------------------------------------------------


def _closed(days_ago: int, **fields: Any) -> Letter:
    return _letter(
        status=Letter.Status.CLOSED,
        closed_at=NOW - days_ago * DAY,
        closed_by=UserFactory(),
        **fields,
    )


def test_letters_closed_half_a_year_ago_are_anonymised(small_batches: None) -> None:
    """Every personal field goes; status, country, dates and counted stay; marked done."""
    letter = _closed(184)
    signatures = [_sign(letter, age=300 * DAY) for _ in range(3)]
    signatures.append(_sign(letter, age=300 * DAY, status="WITHDRAWN"))
    kept = _kept(letter)
    result = privacy.letters_anonymise(NOW)
    assert result == privacy.Anonymised(letters=1, signatures=4)
    assert _kept(letter) == kept
    for signature in Signature.objects.filter(letter=letter):
        assert all(getattr(signature, field) in ("", None) for field in PERSONAL)
        assert not signature.show_name
        assert not signature.send_updates
    letter.refresh_from_db()
    assert letter.anonymised_at == NOW
    assert privacy.letters_anonymise(NOW) == privacy.Anonymised(letters=0, signatures=0)


def test_open_and_recently_closed_letters_keep_their_signatures() -> None:
    """Closed 182 days ago, open, or a draft: nothing changes."""
    letters = [_closed(182), _letter(), _letter(status=Letter.Status.DRAFT)]
    for letter in letters:
        _sign(letter, age=400 * DAY)
    assert privacy.letters_anonymise(NOW) == privacy.Anonymised(letters=0, signatures=0)
    assert not Signature.objects.filter(name="").exists()
    assert not Letter.objects.filter(anonymised_at__isnull=False).exists()


def test_a_letter_past_its_announced_end_counts_as_closed() -> None:
    """A letter whose closing date passed half a year ago is anonymised even if open."""
    letter = _letter(
        opens_at=NOW - 400 * DAY, closes_at=NOW - 200 * DAY, status=Letter.Status.OPEN
    )
    _sign(letter, age=300 * DAY)
    assert privacy.letters_anonymise(NOW).signatures == 1


def test_an_anonymised_address_may_sign_again() -> None:
    """Its key is gone, so the one-per-address constraint no longer holds it."""
    letter = _closed(200)
    signature = _sign(letter, age=300 * DAY)
    privacy.letters_anonymise(NOW)
    signature.refresh_from_db()
    assert signature.email_key is None
    assert Signature.objects.filter(letter=letter, email_key__isnull=True).count() == 1


# --- all together ----------------------------------------------------------------


def test_the_daily_run_does_all_three_and_leaves_counts(small_batches: None) -> None:
    """The daily job runs every rule; confirmed counts per letter and country stay."""
    old_letter = _closed(190)
    open_letter = _letter()
    for _ in range(3):
        _sign(old_letter, age=250 * DAY)
        _sign(open_letter, age=40 * DAY)
        _sign(open_letter, age=10 * DAY, status="PENDING")

    def counts() -> list[tuple[int, str, int]]:
        rows = (
            Signature.objects.filter(status="CONFIRMED", counted=True)
            .values("letter", "country")
            .annotate(n=Count("id"))
            .order_by("letter", "country")
        )
        return [(row["letter"], row["country"], row["n"]) for row in rows]

    before = counts()
    with freeze_time(NOW):
        run = privacy.daily_privacy()
    assert run.expired == 3
    assert run.forgotten == 6  # every signature older than 30 days, either letter
    assert run.anonymised == privacy.Anonymised(letters=1, signatures=3)
    assert counts() == before
    assert [n for _letter, _country, n in before] == [3, 3]

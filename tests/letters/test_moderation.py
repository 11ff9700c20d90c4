"""Moderating signatures: the report, dry runs, batches and their undoing, the page."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from habeas.coalition.models import Campaign, Role
from habeas.letters.addresses import address_domain, address_key
from habeas.letters.models import Letter, Signature, SignatureInvalidation
from habeas.letters.queries import moderation as queries
from habeas.letters.services import moderation as services
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 30, 12, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
BAD = "fd00::bad"
GOOD = "fd00::1"
SNAPSHOT = ("status", "suspect", "invalidation_id", "counted", "name", "email_key", "ip_hash")


def _letter(campaign: Campaign | None = None, slug: str = "free-them") -> Letter:
    return Letter.objects.create(
        campaign=campaign or CampaignFactory(),
        slug=slug,
        status=Letter.Status.OPEN,
        created_by=UserFactory(),
        published_at=NOW - datetime.timedelta(days=2),
    )


_serial = iter(range(1_000_000))


def _sign(
    letter: Letter,
    *,
    email: str | None = None,
    ip_hash: str = GOOD,
    at: datetime.datetime = NOW - 10 * MINUTE,
    status: str = Signature.Status.CONFIRMED,
    suspect: str = "",
) -> Signature:
    email = email or f"signer{next(_serial)}@example.org"
    return Signature.objects.create(
        letter=letter,
        name="A Signer",
        email=email,
        email_key=address_key(email),
        email_domain=address_domain(email),
        country="PK",
        language="en",
        status=status,
        suspect=suspect,
        ip_hash=ip_hash,
        created_at=at,
        confirmed_at=at if status == Signature.Status.CONFIRMED else None,
    )


def _snapshot(letter: Letter) -> list[tuple[Any, ...]]:
    return list(
        Signature.objects.filter(letter=letter).order_by("pk").values_list("pk", *SNAPSHOT)
    )


def _moderator(letter: Letter) -> Any:
    user = UserFactory()
    grant(user, Role.MODERATOR, campaign=letter.campaign)
    return user


@pytest.fixture
def letter() -> Letter:
    return _letter()


@pytest.fixture
def flood(letter: Letter) -> dict[str, list[Signature]]:
    """Three ordinary signers; six confirmed, one pending and one suspect from one address."""
    return {
        "ordinary": [_sign(letter, ip_hash=f"fd00::{n + 10:x}") for n in range(3)],
        "flood": [
            _sign(letter, email=f"bot{n}@bad.example", ip_hash=BAD, at=NOW - n * MINUTE)
            for n in range(6)
        ],
        "pending": [
            _sign(letter, email="late@bad.example", ip_hash=BAD, status=Signature.Status.PENDING)
        ],
        "suspect": [
            _sign(
                letter, email="quick@bad.example", ip_hash=BAD, suspect=Signature.Suspect.TOO_FAST
            )
        ],
    }


def _criteria(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"from_at": None, "until_at": None, "ip_hash": "", "email_domain": ""}
    values.update(overrides)
    return values


# --- the dry run -------------------------------------------------------------


def test_the_dry_run_counts_matching_signatures_that_count(letter: Letter, flood: Any) -> None:
    """Only confirmed, unsuspected, uninvalidated matches are counted."""
    moderator = _moderator(letter)
    assert (
        services.invalidation_preview(by=moderator, letter=letter, **_criteria(ip_hash=BAD)) == 6
    )


def test_the_dry_run_changes_nothing(letter: Letter, flood: Any) -> None:
    """No batch is made, no signature is touched, not even marked for the tally."""
    before = _snapshot(letter)
    services.invalidation_preview(by=_moderator(letter), letter=letter, **_criteria(ip_hash=BAD))
    assert _snapshot(letter) == before
    assert not Signature.objects.filter(tally_due=True).exists()
    assert not SignatureInvalidation.objects.exists()


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"email_domain": "bad.example"}, 6),
        ({"email_domain": "BAD.example."}, 6),
        ({"ip_hash": BAD.upper()}, 6),
        ({"from_at": NOW - 3 * MINUTE}, 4),  # bots 0..3 (at NOW - n minutes, n <= 3)
        ({"until_at": NOW - 3 * MINUTE}, 5),  # bots 4, 5 and the 3 ordinary signers
        ({"from_at": NOW - 3 * MINUTE, "until_at": NOW - MINUTE}, 2),  # bots 2 and 3
        ({"ip_hash": BAD, "from_at": NOW - MINUTE}, 2),  # every criterion must hold
        ({"email_domain": "example.org", "ip_hash": BAD}, 0),
        ({"email_domain": "nobody.example"}, 0),
    ],
)
def test_each_criterion_narrows_the_batch(
    letter: Letter, flood: Any, criteria: dict[str, Any], expected: int
) -> None:
    """Window start inclusive, end exclusive; hash and domain exact, in any case."""
    moderator = _moderator(letter)
    count = services.invalidation_preview(by=moderator, letter=letter, **_criteria(**criteria))
    assert count == expected


def test_other_letters_are_never_in_the_batch(letter: Letter, flood: Any) -> None:
    """The same address on another letter is that letter's business."""
    other = _letter(letter.campaign, slug="another")
    stranger = _sign(other, ip_hash=BAD)
    services.signatures_invalidate(
        by=_moderator(letter), letter=letter, reason="Flood", **_criteria(ip_hash=BAD)
    )
    stranger.refresh_from_db()
    assert stranger.invalidation_id is None
    assert not stranger.tally_due


# --- invalidating and undoing -----------------------------------------------


def test_a_batch_takes_every_match_and_records_who_and_why(letter: Letter, flood: Any) -> None:
    """Confirmed, pending and suspect matches join; the tally is told; the record says all."""
    moderator = _moderator(letter)
    with freeze_time(NOW):
        batch = services.signatures_invalidate(
            by=moderator,
            letter=letter,
            reason="  One address, six names.  ",
            **_criteria(ip_hash=BAD),
        )
    batch.refresh_from_db()
    assert batch.matched == 8
    assert batch.created_by == moderator
    assert batch.created_at == NOW
    assert batch.reason == "One address, six names."
    assert batch.ip_hash == BAD
    assert batch.undone_at is None
    taken = [*flood["flood"], *flood["pending"], *flood["suspect"]]
    for signature in taken:
        signature.refresh_from_db()
        assert signature.invalidation == batch
        assert signature.tally_due
        assert not signature.counts
    for signature in flood["ordinary"]:
        signature.refresh_from_db()
        assert signature.invalidation is None
        assert not signature.tally_due


def test_a_signature_stays_in_its_first_batch(letter: Letter, flood: Any) -> None:
    """A second, overlapping batch takes only what no standing batch holds."""
    moderator = _moderator(letter)
    first = services.signatures_invalidate(
        by=moderator, letter=letter, reason="Flood", **_criteria(ip_hash=BAD)
    )
    second = services.signatures_invalidate(
        by=moderator, letter=letter, reason="All of it", **_criteria(from_at=NOW - 60 * MINUTE)
    )
    assert (first.matched, second.matched) == (8, 3)
    assert first.signatures.count() == 8
    assert (
        services.invalidation_preview(by=moderator, letter=letter, **_criteria(ip_hash=BAD)) == 0
    )


def test_undo_restores_every_signature(letter: Letter, flood: Any) -> None:
    """Invalidate then undo leaves every signature as it was; the tally is told again."""
    moderator = _moderator(letter)
    before = _snapshot(letter)
    batch = services.signatures_invalidate(
        by=moderator, letter=letter, reason="Flood", **_criteria(email_domain="bad.example")
    )
    assert _snapshot(letter) != before
    Signature.objects.update(tally_due=False)  # as if the tally had run meanwhile
    with freeze_time(NOW):
        services.invalidation_undo(by=moderator, invalidation=batch)
    assert _snapshot(letter) == before
    assert Signature.objects.filter(letter=letter, tally_due=True).count() == 8
    batch.refresh_from_db()
    assert (batch.undone_at, batch.undone_by, batch.matched) == (NOW, moderator, 8)
    assert (
        services.invalidation_preview(by=moderator, letter=letter, **_criteria(ip_hash=BAD)) == 6
    )


def test_a_batch_is_undone_once(letter: Letter, flood: Any) -> None:
    """A second undo is refused and changes nothing."""
    moderator = _moderator(letter)
    batch = services.signatures_invalidate(
        by=moderator, letter=letter, reason="Flood", **_criteria(ip_hash=BAD)
    )
    services.invalidation_undo(by=moderator, invalidation=batch)
    undone_at = SignatureInvalidation.objects.get().undone_at
    with pytest.raises(ValidationError, match="already undone"):
        services.invalidation_undo(by=moderator, invalidation=batch)
    assert SignatureInvalidation.objects.get().undone_at == undone_at


def test_undoing_an_old_batch_leaves_a_newer_one_alone(letter: Letter, flood: Any) -> None:
    """After an undo, a newer batch may take the freed signatures; undoing the old one
    again is refused, and the newer batch keeps them."""
    moderator = _moderator(letter)
    old = services.signatures_invalidate(
        by=moderator, letter=letter, reason="Flood", **_criteria(ip_hash=BAD)
    )
    services.invalidation_undo(by=moderator, invalidation=old)
    new = services.signatures_invalidate(
        by=moderator, letter=letter, reason="Flood, again", **_criteria(ip_hash=BAD)
    )
    with pytest.raises(ValidationError):
        services.invalidation_undo(by=moderator, invalidation=old)
    assert new.signatures.count() == 8


# --- bad input ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ({}, None),
        ({"ip_hash": "   ", "email_domain": " "}, None),
        ({"from_at": NOW, "until_at": NOW - MINUTE}, "until_at"),
        ({"from_at": NOW, "until_at": NOW}, "until_at"),
        ({"ip_hash": "not a hash"}, "ip_hash"),
        ({"ip_hash": "203.0.113.9"}, "ip_hash"),
        ({"ip_hash": ":::"}, "ip_hash"),
        ({"ip_hash": "f" * 65}, "ip_hash"),
        ({"email_domain": "bot@bad.example"}, "email_domain"),
        ({"email_domain": "bad example"}, "email_domain"),
    ],
)
def test_bad_criteria_are_refused_and_change_nothing(
    letter: Letter, flood: Any, criteria: dict[str, Any], field: str | None
) -> None:
    """No criterion, a window that ends before it starts, a malformed hash or domain."""
    moderator = _moderator(letter)
    before = _snapshot(letter)
    for call in (
        lambda: services.invalidation_preview(
            by=moderator, letter=letter, **_criteria(**criteria)
        ),
        lambda: services.signatures_invalidate(
            by=moderator, letter=letter, reason="Flood", **_criteria(**criteria)
        ),
    ):
        with pytest.raises(ValidationError) as caught:
            call()
        if field is None:
            assert not hasattr(caught.value, "error_dict")
        else:
            assert field in caught.value.message_dict
    assert _snapshot(letter) == before
    assert not SignatureInvalidation.objects.exists()


@pytest.mark.parametrize("reason", ["", "   \n", "x" * 2001])
def test_a_batch_needs_a_reason(letter: Letter, flood: Any, reason: str) -> None:
    """No reason, or one too long, is refused; nothing is written."""
    before = _snapshot(letter)
    with pytest.raises(ValidationError) as caught:
        services.signatures_invalidate(
            by=_moderator(letter), letter=letter, reason=reason, **_criteria(ip_hash=BAD)
        )
    assert "reason" in caught.value.message_dict
    assert _snapshot(letter) == before
    assert not SignatureInvalidation.objects.exists()


# --- who may ----------------------------------------------------------------


def _user(kind: str, letter: Letter) -> Any:
    user = UserFactory()
    if kind == "editor":
        organisation = OrganisationFactory()
        letter.authors.add(organisation)
        grant(user, Role.ORG_EDITOR, organisation=organisation)
    elif kind == "other coordinator":
        grant(user, Role.COORDINATOR, campaign=CampaignFactory())
    elif kind == "coordinator":
        grant(user, Role.COORDINATOR, campaign=letter.campaign)
    elif kind == "moderator":
        grant(user, Role.MODERATOR, campaign=letter.campaign)
    elif kind == "site admin":
        grant(user, Role.SITE_ADMIN)
    return user


REFUSED = ["nobody", "editor", "other coordinator"]
ALLOWED = ["coordinator", "moderator", "site admin"]


@pytest.mark.parametrize("kind", REFUSED)
def test_only_the_campaigns_moderators_may_moderate(letter: Letter, flood: Any, kind: str) -> None:
    """A signed-in stranger, the letter's own editor and another campaign's coordinator
    are refused by every moderation service; nothing changes."""
    user = _user(kind, letter)
    batch = services.signatures_invalidate(
        by=_moderator(letter), letter=letter, reason="Flood", **_criteria(ip_hash=BAD)
    )
    before = _snapshot(letter)
    with pytest.raises(PermissionDenied):
        services.invalidation_preview(by=user, letter=letter, **_criteria(ip_hash=BAD))
    with pytest.raises(PermissionDenied):
        services.signatures_invalidate(
            by=user, letter=letter, reason="Flood", **_criteria(email_domain="example.org")
        )
    with pytest.raises(PermissionDenied):
        services.invalidation_undo(by=user, invalidation=batch)
    assert _snapshot(letter) == before
    assert SignatureInvalidation.objects.get().undone_at is None


def test_an_anonymous_visitor_may_not_moderate(letter: Letter, flood: Any) -> None:
    """No user at all is refused like any other."""
    with pytest.raises(PermissionDenied):
        services.invalidation_preview(by=AnonymousUser(), letter=letter, **_criteria(ip_hash=BAD))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ALLOWED)
def test_coordinators_moderators_and_site_admins_may(
    letter: Letter, flood: Any, kind: str
) -> None:
    """The campaign's coordinators and moderators, and site admins, invalidate and undo."""
    user = _user(kind, letter)
    assert services.invalidation_preview(by=user, letter=letter, **_criteria(ip_hash=BAD)) == 6
    batch = services.signatures_invalidate(
        by=user, letter=letter, reason="Flood", **_criteria(ip_hash=BAD)
    )
    undone = services.invalidation_undo(by=user, invalidation=batch)
    assert undone.undone_by == user


# --- the report -------------------------------------------------------------


def test_the_report_names_busy_addresses_and_domains(letter: Letter) -> None:
    """Above the hour's thresholds, with how many count now; the quiet stay out."""
    for n in range(6):
        _sign(letter, email=f"a{n}@busy.example", ip_hash=BAD, at=NOW - (n + 1) * MINUTE)
    _sign(letter, email="x@busy.example", ip_hash=BAD, status=Signature.Status.PENDING)
    for n in range(21):
        _sign(letter, email=f"b{n}@small.example", ip_hash=f"fd00::{n + 100:x}")
    for n in range(5):
        _sign(letter, email=f"c{n}@quiet.example", ip_hash="fd00::5")
    report = queries.signing_report(letter, window=queries.HOUR, now=NOW)
    assert report.addresses == [queries.Source(BAD, 7, 6)]
    assert [(d.value, d.signatures) for d in report.domains] == [("small.example", 21)]
    assert report.since == NOW - queries.HOUR


def test_the_report_keeps_to_its_window_and_letter(letter: Letter) -> None:
    """Signatures before the window, after it, or on another letter do not add up."""
    other = _letter(slug="other")
    for n in range(6):
        _sign(letter, ip_hash=BAD, at=NOW - queries.HOUR - (n + 1) * MINUTE)
        _sign(other, ip_hash=BAD)
    _sign(letter, ip_hash=BAD, at=NOW)  # the window ends before now
    assert not queries.signing_report(letter, window=queries.HOUR, now=NOW)
    day = queries.signing_report(letter, window=queries.DAY, now=NOW)
    assert not day.addresses  # 6 in a day is below the day's threshold


def test_big_providers_have_their_own_threshold(letter: Letter) -> None:
    """Fifty from gmail.com in an hour is ordinary; fifty from a small domain is not."""
    for n in range(50):
        _sign(letter, email=f"p{n}@gmail.com", ip_hash=f"fd00::{n + 1:x}")
        _sign(letter, email=f"q{n}@union.example", ip_hash=f"fd01::{n + 1:x}")
    report = queries.signing_report(letter, window=queries.HOUR, now=NOW)
    assert [d.value for d in report.domains] == ["union.example"]


def test_forgotten_addresses_are_not_reported(letter: Letter) -> None:
    """Signatures whose address hash was dropped do not add up under an empty hash."""
    for _ in range(6):
        _sign(letter, ip_hash="")
    assert not queries.signing_report(letter, window=queries.HOUR, now=NOW).addresses


def test_suspect_counts_by_reason(letter: Letter) -> None:
    """Pending and confirmed suspects, by reason in the reasons' order; withdrawn left out."""
    _sign(letter, suspect=Signature.Suspect.HONEYPOT)
    _sign(letter, suspect=Signature.Suspect.IP_RATE, status=Signature.Status.PENDING)
    _sign(letter, suspect=Signature.Suspect.IP_RATE)
    _sign(letter, suspect=Signature.Suspect.IP_RATE, status=Signature.Status.WITHDRAWN)
    _sign(letter)
    assert queries.suspect_counts(letter) == [
        (str(Signature.Suspect.IP_RATE.label), 2),
        (str(Signature.Suspect.HONEYPOT.label), 1),
    ]


def test_the_hourly_report_names_letters_not_sources(
    letter: Letter, caplog: pytest.LogCaptureFixture
) -> None:
    """Open letters with busy sources are logged, with counts only; closed ones are skipped."""
    closed = _letter(slug="closed")
    closed.status = Letter.Status.CLOSED
    closed.save(update_fields=["status"])
    quiet = _letter(slug="quiet")
    _sign(quiet)
    for n in range(6):
        _sign(letter, ip_hash=BAD, email=f"h{n}@example.org")
        _sign(closed, ip_hash=BAD, email=f"h{n}@example.org")
    with caplog.at_level(logging.WARNING, logger="habeas.letters.queries.moderation"):
        found = queries.hourly_report(NOW)
    assert list(found) == ["free-them"]
    assert "free-them" in caplog.text
    assert "1 addresses" in caplog.text
    assert BAD not in caplog.text


# --- the page ----------------------------------------------------------------


def _url(letter: Letter) -> str:
    return reverse("letters:moderate", kwargs={"slug": letter.slug})


def _undo_url(letter: Letter, batch: SignatureInvalidation) -> str:
    return reverse(
        "letters:moderate_undo", kwargs={"slug": letter.slug, "invalidation_id": batch.pk}
    )


def _form(**overrides: Any) -> dict[str, str]:
    data = {"from_at": "", "until_at": "", "ip_hash": BAD, "email_domain": "", "reason": "Flood"}
    data.update(overrides)
    return data


def test_an_anonymous_visitor_is_sent_to_sign_in(letter: Letter) -> None:
    """The page and the undo button ask for a sign-in first."""
    batch = services.signatures_invalidate(
        by=_moderator(letter), letter=letter, reason="Flood", **_criteria(ip_hash=BAD)
    )
    for response in (
        Client().get(_url(letter)),
        Client().post(_url(letter), _form()),
        Client().post(_undo_url(letter, batch)),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert SignatureInvalidation.objects.get().undone_at is None


@pytest.mark.parametrize("kind", ["nobody", "editor", "other coordinator"])
def test_the_wrong_user_is_refused(letter: Letter, flood: Any, kind: str) -> None:
    """Someone signed in without the right role gets 403 everywhere, and nothing changes."""
    batch = services.signatures_invalidate(
        by=_moderator(letter), letter=letter, reason="Flood", **_criteria(email_domain="x.example")
    )
    client = sign_in(Client(), _user(kind, letter))
    before = _snapshot(letter)
    assert client.get(_url(letter)).status_code == 403
    assert client.post(_url(letter), _form(step="confirm")).status_code == 403
    assert client.post(_undo_url(letter, batch)).status_code == 403
    assert _snapshot(letter) == before
    assert SignatureInvalidation.objects.get().undone_at is None


@pytest.mark.parametrize("kind", ALLOWED)
def test_the_right_user_sees_the_page(letter: Letter, flood: Any, kind: str) -> None:
    """Coordinators, moderators and site admins see the report, suspects and the form."""
    client = sign_in(Client(), _user(kind, letter))
    with freeze_time(NOW):
        response = client.get(_url(letter))
    assert response.status_code == 200
    page = response.content.decode()
    assert BAD in page  # six from one address within the hour
    assert str(Signature.Suspect.TOO_FAST.label) in page
    assert 'name="step" value="preview"' in page
    assert (
        "?from_at=2026-05-30T11%3A00&amp;until_at=2026-05-30T12%3A00&amp;ip_hash=fd00%3A%3Abad"
        in page
    )
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_an_unknown_letter_or_batch_is_not_found(letter: Letter) -> None:
    """An unknown slug, or another letter's batch, is 404."""
    moderator = _moderator(letter)
    other = _letter(slug="other")
    batch = services.signatures_invalidate(
        by=_moderator(other),
        letter=other,
        reason="Flood",
        **_criteria(ip_hash=BAD),
    )
    client = sign_in(Client(), moderator)
    assert client.get("/letters/no-such-letter/moderate/").status_code == 404
    assert client.post(_undo_url(letter, batch)).status_code == 404
    assert SignatureInvalidation.objects.get().undone_at is None


def test_a_report_link_fills_the_form_in(letter: Letter) -> None:
    """The criteria in the query string appear in the form."""
    client = sign_in(Client(), _moderator(letter))
    response = client.get(_url(letter), {"ip_hash": BAD, "from_at": "2026-05-30T11:00"})
    page = response.content.decode()
    assert f'value="{BAD}"' in page
    assert 'value="2026-05-30T11:00"' in page


def test_the_first_submit_is_a_dry_run(letter: Letter, flood: Any) -> None:
    """It shows the count and a confirm button carrying the same criteria; nothing changes."""
    client = sign_in(Client(), _moderator(letter))
    before = _snapshot(letter)
    response = client.post(_url(letter), _form(step="preview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "6 signatures that count now match" in page
    assert 'name="step" value="confirm"' in page
    assert f'type="hidden" name="ip_hash" value="{BAD}"' in page
    assert _snapshot(letter) == before
    assert not SignatureInvalidation.objects.exists()


def test_confirming_invalidates_and_says_so(letter: Letter, flood: Any) -> None:
    """The confirm button makes the batch, says how many, and lists it with an undo button."""
    moderator = _moderator(letter)
    client = sign_in(Client(), moderator)
    response = client.post(_url(letter), _form(step="confirm"), follow=True)
    page = response.content.decode()
    assert "8 signatures were invalidated" in page
    batch = SignatureInvalidation.objects.get()
    assert (batch.matched, batch.created_by, batch.reason) == (8, moderator, "Flood")
    assert _undo_url(letter, batch) in page


def test_undo_on_the_page(letter: Letter, flood: Any) -> None:
    """The undo button restores the batch and says so; a second press says it was done."""
    moderator = _moderator(letter)
    before = _snapshot(letter)
    batch = services.signatures_invalidate(
        by=moderator, letter=letter, reason="Flood", **_criteria(ip_hash=BAD)
    )
    client = sign_in(Client(), moderator)
    assert client.get(_undo_url(letter, batch)).status_code == 405
    page = client.post(_undo_url(letter, batch), follow=True).content.decode()
    assert "Undone" in page
    assert "undone by" in page
    assert _snapshot(letter) == before
    page = client.post(_undo_url(letter, batch), follow=True).content.decode()
    assert "already undone" in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (_form(ip_hash=""), "Give at least one of"),
        (_form(reason=""), "Say why these signatures do not count."),
        (
            _form(from_at="2026-05-30T12:00", until_at="2026-05-30T11:00"),
            "must come after its start",
        ),
        (_form(ip_hash="not a hash"), "This is not an address hash"),
        (_form(from_at="yesterday"), "Enter a valid date/time."),
        (_form(ip_hash="f" * 65), "at most 64 characters"),
    ],
)
def test_bad_input_on_the_page(
    letter: Letter, flood: Any, data: dict[str, str], error: str
) -> None:
    """Each mistake is named, the answer is 400, and nothing is stored, dry run or confirm."""
    client = sign_in(Client(), _moderator(letter))
    before = _snapshot(letter)
    for step in ("preview", "confirm"):
        response = client.post(_url(letter), {**data, "step": step})
        assert response.status_code == 400
        page = response.content.decode()
        assert error in page
        assert "Nothing was changed" in page
    assert _snapshot(letter) == before
    assert not SignatureInvalidation.objects.exists()


def test_a_draft_is_not_found_for_its_moderators() -> None:
    """A draft has no signatures to moderate, and its address stays hidden."""
    letter = _letter()
    letter.status = Letter.Status.DRAFT
    letter.save(update_fields=["status"])
    client = sign_in(Client(), _moderator(letter))
    assert client.get(_url(letter)).status_code == 404

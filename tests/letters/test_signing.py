"""Signing an open letter: without an account, confirmed by e-mail, one per address."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from habeas.letters import tokens
from habeas.letters.addresses import address_key, canonical_address
from habeas.letters.models import Letter, LetterText, Signature
from habeas.letters.services import signing
from habeas.letters.tasks import deliver_confirmations, mail_sweep
from habeas.letters.views.signing import _started_stamp
from tests.conftest import Mailbox
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db

ORIGIN: dict[str, Any] = {"HTTP_ORIGIN": "http://testserver"}


def open_letter(slug: str = "free-them", **fields: Any) -> Letter:
    # The database cache outlives a transactional test: start from no
    # rate-limit counts and no queued delivery.
    cache.clear()
    campaign = CampaignFactory()
    author = OrganisationFactory()
    member(campaign, author)
    fields.setdefault("status", Letter.Status.OPEN)
    letter = Letter.objects.create(
        campaign=campaign,
        slug=slug,
        created_by=UserFactory(),
        published_at=timezone.now(),
        **fields,
    )
    letter.authors.add(author)
    LetterText.objects.create(letter=letter, language="en", title="Free them", body="We ask.")
    LetterText.objects.create(
        letter=letter, language="ur", title="انہیں رہا کرو", body="ہم کہتے ہیں"
    )
    return letter


def form(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Amina Khan",
        "email": "amina@example.org",
        "country": "Pakistan",
        "city": "Lahore",
        "affiliation": "",
        "website": "",
        "started": _started_stamp(timezone.now() - timedelta(minutes=1)),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def sign(client: Client, letter: Letter, prefix: str = "", **changes: Any) -> Any:
    return client.post(f"{prefix}/letters/{letter.slug}/sign/", form(**changes), **ORIGIN)


def run_worker() -> None:
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )


def deliver() -> None:
    """What the clock and the task worker do for due mail: queue a delivery, run it."""
    mail_sweep()
    run_worker()


def _body(message: Any) -> str:
    return str(message.get_payload(decode=True).decode())


@pytest.mark.parametrize(("prefix", "subject"), [("", "Confirm your signature"), ("/ur", None)])
@pytest.mark.django_db(transaction=True)
def test_sign_mail_confirm_is_counted(smtp_server: Mailbox, prefix: str, subject: str) -> None:
    """A signature made on the page is mailed, in the page's language, and confirmed by a POST."""
    letter = open_letter()
    client = Client()
    response = sign(client, letter, prefix, show_name="on")
    assert response.status_code == 303
    assert response["Location"] == f"{prefix}/letters/free-them/signed/"
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert signature.language == ("ur" if prefix else "en")
    assert signature.country == "PK"
    assert smtp_server.messages == []
    deliver()
    [message] = smtp_server.messages
    assert message["To"] == "amina@example.org"
    if subject:
        assert message["Subject"] == subject
    else:
        assert message["Subject"] != "Confirm your signature"
    body = _body(message)
    link = re.search(r"http://testserver((?:/ur)?/letters/confirm/[^/\s]+/)", body)
    manage = re.search(r"http://testserver((?:/ur)?/letters/signature/[^/\s]+/)", body)
    assert link
    assert manage
    assert link.group(1).startswith(f"{prefix}/letters/")
    # A scanner following the link sees a button and confirms nothing.
    page = client.get(link.group(1))
    assert page.status_code == 200
    assert b'<form method="post">' in page.content
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    confirmed = client.post(link.group(1), **ORIGIN)
    assert confirmed.status_code == 200
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.tally_due
    assert signature.counts
    # The link works once.
    assert client.post(link.group(1), **ORIGIN).status_code == 404
    assert client.get(link.group(1)).status_code == 404
    # Delivering again sends nothing more.
    deliver()
    assert len(smtp_server.messages) == 1
    # The clock folds the confirmation into the counts the public reads.
    assert client.get(f"{prefix}/letters/free-them/count.json").json()["total"] == 0
    call_command("clock", once=True)
    assert client.get(f"{prefix}/letters/free-them/count.json").json()["total"] == 1
    assert "Amina Khan" in client.get(f"{prefix}/letters/free-them/").content.decode()
    # Withdrawing through the mailed link takes it out again.
    client.post(manage.group(1), {"action": "withdraw"}, **ORIGIN)
    call_command("clock", once=True)
    assert client.get(f"{prefix}/letters/free-them/count.json").json()["total"] == 0
    assert "Amina Khan" not in client.get(f"{prefix}/letters/free-them/").content.decode()
    assert Signature.objects.count() == 0


def test_the_answer_is_the_same_whether_the_address_had_signed() -> None:
    """Nobody learns from the answer whether an address signed: every submission gets a 303."""
    letter = open_letter()
    first = sign(Client(), letter)
    again = sign(Client(), letter, email="AMINA@example.org")
    other = sign(Client(), letter, email="someone.else@example.org")
    assert first.status_code == again.status_code == other.status_code == 303
    assert first["Location"] == again["Location"] == other["Location"]
    assert first.content == again.content == other.content
    assert Signature.objects.count() == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Amina@Example.org", "amina@example.org"),
        ("a.mina+letters@googlemail.com", "amina@gmail.com"),
        ("amina+x@example.org", "amina@example.org"),
        ("\uff21\uff2d\uff29\uff2e\uff21@example.org", "amina@example.org"),
    ],
)
def test_one_signature_per_canonical_address(first: str, second: str) -> None:
    """Spellings of one mailbox make one signature."""
    letter = open_letter()
    sign(Client(), letter, email=first)
    sign(Client(), letter, email=second)
    assert Signature.objects.count() == 1
    assert canonical_address(first) == canonical_address(second)


def test_dots_count_where_the_provider_keeps_them() -> None:
    """Dots fold away only at providers that ignore them."""
    letter = open_letter()
    sign(Client(), letter, email="a.mina@example.org")
    sign(Client(), letter, email="amina@example.org")
    assert Signature.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_submissions_make_one_signature() -> None:
    """Eight submissions of one address at once leave one row (the database decides)."""
    letter = open_letter()
    barrier = threading.Barrier(8)
    results: list[Any] = []
    errors: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            barrier.wait()
            results.append(
                signing.signature_submit(
                    letter=letter,
                    facts=signing.SignatureFacts(
                        name=f"Amina {n}", email=f"Amina+{n}@example.org", country="PK"
                    ),
                    ip_hash=f"fd00::{n}",
                    started_at=timezone.now() - timedelta(minutes=1),
                )
            )
        except BaseException as error:  # a failure in a thread must fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Signature.objects.count() == 1
    assert sum(created for _signature, created in results) == 1
    assert {signature.pk for signature, _created in results} == {Signature.objects.get().pk}


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {},
    ],
)
def test_a_post_from_another_origin_is_refused(headers: dict[str, Any]) -> None:
    """A form posted from another site (or by no browser) is refused and records nothing."""
    letter = open_letter()
    response = Client().post(f"/letters/{letter.slug}/sign/", form(), **headers)
    assert response.status_code == 403
    assert b"Nothing was recorded" in response.content
    assert Signature.objects.count() == 0


def test_same_origin_by_fetch_metadata_is_taken() -> None:
    letter = open_letter()
    response = Client().post(
        f"/letters/{letter.slug}/sign/", form(), HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert response.status_code == 303
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": None}, b"This field is required."),
        ({"name": "   "}, b"This field is required."),
        ({"name": "\u200b\u200b"}, b"Write something visible here."),
        ({"name": "x" * 10_000}, b"at most 200 characters"),
        ({"name": "Amina \u202eKhan"}, b"direction controls"),
        ({"email": None}, b"This field is required."),
        ({"email": "not-an-address"}, b"Enter a valid email address."),
        ({"email": "a@" + "b" * 300 + ".org"}, b"at most 254 characters"),
        ({"country": None}, b"This field is required."),
        ({"country": "Atlantis"}, b"We do not know this country."),
        ({"city": "c" * 101}, b"at most 100 characters"),
        ({"affiliation": "a" * 201}, b"at most 200 characters"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_stores_nothing(
    changes: dict[str, Any], message: bytes
) -> None:
    letter = open_letter()
    response = sign(Client(), letter, **changes)
    assert response.status_code == 400
    assert message in response.content
    assert b"nothing was signed yet" in response.content
    assert Signature.objects.count() == 0


def test_bad_input_is_explained_in_urdu_on_an_urdu_page() -> None:
    letter = open_letter()
    response = sign(Client(), letter, "/ur", country="Atlantis")
    assert response.status_code == 400
    assert b"We do not know this country." not in response.content
    assert Signature.objects.count() == 0


@pytest.mark.parametrize(
    "name", ["Ali علی Алі", "محمد علی", "José Ñúñez", "李小龍", "Ali (عرف) O'Brien-Smith"]
)
def test_mixed_script_names_are_accepted(name: str) -> None:
    letter = open_letter()
    assert sign(Client(), letter, name=name).status_code == 303
    assert Signature.objects.get().name == name


@pytest.mark.parametrize("country", ["PK", "pk", "Pakistan", "pakistan", "پاکستان", "GB"])
def test_a_country_is_found_by_code_or_name_in_either_language(country: str) -> None:
    letter = open_letter()
    assert sign(Client(), letter, country=country).status_code == 303
    assert len(Signature.objects.get().country) == 2


def test_a_closed_letter_takes_no_signature() -> None:
    letter = open_letter(status=Letter.Status.CLOSED)
    response = sign(Client(), letter)
    assert response.status_code == 409
    assert b"This letter is not open for signing." in response.content
    assert Signature.objects.count() == 0


def test_a_letter_past_its_closing_time_takes_no_signature() -> None:
    letter = open_letter(closes_at=timezone.now() - timedelta(minutes=1))
    assert sign(Client(), letter).status_code == 409
    assert Signature.objects.count() == 0


def test_a_letter_not_yet_open_takes_no_signature() -> None:
    letter = open_letter(opens_at=timezone.now() + timedelta(days=1))
    assert sign(Client(), letter).status_code == 409
    assert Signature.objects.count() == 0


def test_a_draft_cannot_be_signed_or_seen() -> None:
    letter = open_letter(status=Letter.Status.DRAFT)
    assert sign(Client(), letter).status_code == 404
    assert Client().get(f"/letters/{letter.slug}/sign/").status_code == 404
    assert Signature.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_filled_honeypot_is_kept_as_suspect_and_not_mailed(smtp_server: Mailbox) -> None:
    """A program that fills in the hidden field gets the same answer; nothing is mailed."""
    letter = open_letter()
    response = sign(Client(), letter, website="http://spam.example")
    assert response.status_code == 303
    signature = Signature.objects.get()
    assert signature.suspect == Signature.Suspect.HONEYPOT
    assert signature.mail_due_at is None
    deliver()
    assert smtp_server.messages == []


@pytest.mark.parametrize("started", ["", "forged:value", "now"])
def test_a_form_sent_too_fast_or_without_its_stamp_is_suspect(started: str) -> None:
    letter = open_letter()
    stamp = _started_stamp(timezone.now()) if started == "now" else started
    assert sign(Client(), letter, started=stamp).status_code == 303
    assert Signature.objects.get().suspect == Signature.Suspect.TOO_FAST


def test_forged_and_altered_tokens_lead_nowhere() -> None:
    letter = open_letter()
    sign(Client(), letter)
    signature = Signature.objects.get()
    token = tokens.confirm_token(signature)
    for bad in ["nonsense", token[:-2] + "xx", tokens.manage_token(signature)]:
        assert Client().post(f"/letters/confirm/{bad}/", **ORIGIN).status_code == 404
    assert (
        Client().post(f"/letters/signature/{token}/", {"action": "erase"}, **ORIGIN).status_code
        == 404
    )
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    assert signature.email


def test_an_expired_confirmation_link_leads_nowhere() -> None:
    letter = open_letter()
    sign(Client(), letter)
    signature = Signature.objects.get()
    token = tokens.confirm_token(signature)
    with freeze_time(timezone.now() + timedelta(days=7, seconds=1)):
        response = Client().post(f"/letters/confirm/{token}/", **ORIGIN)
    assert response.status_code == 404
    assert b"expired" in response.content
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_confirming_from_another_origin_is_refused() -> None:
    letter = open_letter()
    sign(Client(), letter)
    signature = Signature.objects.get()
    token = tokens.confirm_token(signature)
    response = Client().post(f"/letters/confirm/{token}/", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def _confirmed(letter: Letter, email: str = "amina@example.org") -> Signature:
    sign(Client(), letter, email=email, show_name="on")
    signature = Signature.objects.get(email_key=address_key(email), letter=letter)
    return signing.signature_confirm(signature=signature)


def test_a_signer_withdraws_one_signature() -> None:
    """Withdrawing deletes the name and address at once and takes the signature out."""
    letter = open_letter()
    signature = _confirmed(letter)
    token = tokens.manage_token(signature)
    assert Client().get(f"/letters/signature/{token}/").status_code == 200
    response = Client().post(f"/letters/signature/{token}/", {"action": "withdraw"}, **ORIGIN)
    assert response.status_code == 200
    signature.refresh_from_db()
    assert signature.status == Signature.Status.WITHDRAWN
    assert (signature.name, signature.email, signature.email_key) == ("", "", None)
    assert not signature.counts
    assert signature.tally_due
    # The link is spent once the address is gone.
    assert Client().get(f"/letters/signature/{token}/").status_code == 404


def test_erasing_removes_every_signature_of_the_address() -> None:
    first = open_letter("first")
    second = open_letter("second")
    mine = _confirmed(first)
    _confirmed(second, email="AMINA+other@example.org")
    theirs = _confirmed(first, email="someone@example.org")
    token = tokens.manage_token(mine)
    response = Client().post(f"/letters/signature/{token}/", {"action": "erase"}, **ORIGIN)
    assert response.status_code == 200
    assert set(Signature.objects.values_list("status", flat=True)) == {
        Signature.Status.ERASED,
        Signature.Status.CONFIRMED,
    }
    assert Signature.objects.filter(status=Signature.Status.ERASED).count() == 2
    assert not Signature.objects.filter(status=Signature.Status.ERASED).exclude(name="").exists()
    theirs.refresh_from_db()
    assert theirs.status == Signature.Status.CONFIRMED


def test_an_unknown_manage_action_changes_nothing() -> None:
    letter = open_letter()
    signature = _confirmed(letter)
    token = tokens.manage_token(signature)
    response = Client().post(f"/letters/signature/{token}/", {"action": "delete-all"}, **ORIGIN)
    assert response.status_code == 400
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED


@pytest.mark.django_db(transaction=True)
def test_a_signer_who_signs_again_gets_the_mail_again_a_few_times(smtp_server: Mailbox) -> None:
    letter = open_letter()
    for _attempt in range(signing.MAX_CONFIRMATION_MAILS + 2):
        sign(Client(), letter)
        deliver()
    assert len(smtp_server.messages) == signing.MAX_CONFIRMATION_MAILS
    assert Signature.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_mail_is_retried_after_a_server_failure_and_sent_once(
    smtp_server: Mailbox, settings: Any
) -> None:
    """An unreachable mail server: the mail is due again later; once through, never again."""
    letter = open_letter()
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    sign(Client(), letter)
    deliver()
    signature = Signature.objects.get()
    assert signature.mail_attempts == 1
    assert signature.mail_due_at is not None
    assert signature.mail_due_at > timezone.now()
    assert smtp_server.messages == []
    # Not due yet: the sweep queues nothing.
    assert not mail_sweep()
    settings.EMAIL_PORT = port
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        deliver()
        assert len(smtp_server.messages) == 1
        # Two delivery runs at once, or one run twice, still send one mail.
        deliver_confirmations.enqueue()
        deliver_confirmations.enqueue()
        run_worker()
    assert len(smtp_server.messages) == 1
    signature.refresh_from_db()
    assert signature.mail_due_at is None


@pytest.mark.django_db(transaction=True)
def test_mail_is_given_up_after_its_last_retry(smtp_server: Mailbox, settings: Any) -> None:
    letter = open_letter()
    settings.EMAIL_PORT = 1
    sign(Client(), letter)
    now = timezone.now()
    for minutes in (0, 2, 8, 40):
        with freeze_time(now + timedelta(minutes=minutes)):
            deliver()
    signature = Signature.objects.get()
    assert signature.mail_attempts == len(signing.MAIL_RETRY_DELAYS) + 1
    assert signature.mail_due_at is None


@pytest.mark.django_db(transaction=True)
def test_one_sweep_queues_one_delivery_for_many_mails(smtp_server: Mailbox) -> None:
    """Many signatures, one queued task, one SMTP connection's worth of mail."""
    from django_tasks_db.models import DBTaskResult

    letter = open_letter()
    for n in range(5):
        sign(Client(), letter, email=f"signer{n}@example.org")
    assert mail_sweep()
    assert not mail_sweep()  # one is queued already
    assert DBTaskResult.objects.count() == 1
    run_worker()
    assert len(smtp_server.messages) == 5
    assert not mail_sweep()  # nothing due


@pytest.mark.parametrize("path", ["sign/", "signed/"])
def test_signing_pages_set_no_cookie(path: str) -> None:
    letter = open_letter()
    response = Client().get(f"/letters/{letter.slug}/{path}")
    assert response.status_code == 200
    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_signing_sets_no_cookie_at_any_step() -> None:
    letter = open_letter()
    client = Client()
    answers = [sign(client, letter), client.get(f"/letters/{letter.slug}/signed/")]
    signature = Signature.objects.get()
    token = tokens.confirm_token(signature)
    answers += [
        client.get(f"/letters/confirm/{token}/"),
        client.post(f"/letters/confirm/{token}/", **ORIGIN),
    ]
    manage = tokens.manage_token(Signature.objects.get())
    answers += [client.get(f"/letters/signature/{manage}/")]
    assert [answer.cookies for answer in answers] == [{}] * len(answers)
    assert client.cookies == {}


def test_confirming_deletes_the_address_unless_updates_were_asked_for() -> None:
    """After confirmation only the keyed hash stays, unless the signer wants updates."""
    letter = open_letter()
    quiet = _confirmed(letter)
    sign(Client(), letter, email="news@example.org", send_updates="on")
    wants = signing.signature_confirm(
        signature=Signature.objects.get(email_key=address_key("news@example.org"))
    )
    assert quiet.email == ""
    assert quiet.email_key == address_key("amina@example.org")
    assert wants.email == "news@example.org"
    # The address still counts as signed: signing again makes no second row.
    sign(Client(), letter)
    assert Signature.objects.count() == 2


def test_a_letter_of_a_campaign_back_in_draft_is_private_again() -> None:
    """A campaign returned to draft takes its letters out of every public page."""
    from habeas.coalition.models import Campaign

    letter = open_letter()
    Campaign.objects.filter(pk=letter.campaign_id).update(status=Campaign.Status.DRAFT)
    for path in ["", "sign/", "signatories/", "count.json", "badge.svg"]:
        assert Client().get(f"/letters/{letter.slug}/{path}").status_code == 404, path
    assert sign(Client(), letter).status_code == 404
    assert letter.slug not in Client().get("/letters/").content.decode()
    assert Signature.objects.count() == 0

"""RSVPs to actions: counted without an account, cancelled with one click, reminded
the day before, names and addresses deleted 14 days after; never listed anywhere."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from habeas.actions.models import Action, Rsvp
from habeas.actions.services import rsvps as services
from habeas.actions.tasks.rsvps import action_page_path
from habeas.actions.tokens import rsvp_token
from habeas.coalition.models import Campaign, Role
from tests.conftest import Mailbox
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    grant,
    member,
    sign_in,
)

pytestmark = pytest.mark.django_db

ORIGIN: dict[str, Any] = {"HTTP_ORIGIN": "http://testserver"}
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CANARY_NAME = "Canary Zarghuna Qazalbash"
CANARY_EMAIL = "canary-rsvp-7731@example.org"


def an_action(**fields: Any) -> Action:
    """A planned action in London two days from now (NOW or the real time)."""
    cache.clear()  # rate-limit counts kept in the database cache
    campaign = fields.pop("campaign", None) or CampaignFactory()
    organiser = OrganisationFactory()
    member(campaign, organiser)
    fields.setdefault("starts_at", timezone.now() + timedelta(days=2))
    fields.setdefault("time_zone", "Europe/London")
    action = Action.objects.create(
        campaign=campaign,
        title=fields.pop("title", "Vigil for the prisoners"),
        city="London",
        venue="Parliament Square",
        **fields,
    )
    action.organisations.add(organiser)
    return action


def rsvp_url(action: Action, prefix: str = "") -> str:
    return f"{prefix}/actions/{action.pk}/rsvp/"


def post_rsvp(client: Client, action: Action, prefix: str = "", **data: Any) -> Any:
    form = {"name": "", "email": "", "website": ""}
    form.update(data)
    return client.post(rsvp_url(action, prefix), form, **ORIGIN)


def manage_url(rsvp: Rsvp, prefix: str = "") -> str:
    return f"{prefix}/actions/rsvp/{rsvp_token(rsvp)}/"


def run_worker() -> None:
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )


def body(message: Any) -> str:
    return str(message.get_payload(decode=True).decode())


def subject(message: Any) -> str:
    return str(make_header(decode_header(message["Subject"])))


def count(action: Action) -> int:
    action.refresh_from_db()
    return action.rsvp_count


# --- Counting and cancelling -----------------------------------------------------------


def test_an_rsvp_is_counted_and_one_click_cancels_it_once() -> None:
    """The form counts the visitor and sends them to their RSVP's page; its one button
    takes them out of the count and deletes their name and address; again, nothing more."""
    action = an_action()
    client = Client()
    response = post_rsvp(client, action, name="Amina", email="amina@example.org")
    assert response.status_code == 303
    first = Rsvp.objects.get()
    assert response["Location"] == manage_url(first)
    assert response["Cache-Control"] == "private, no-store"
    assert count(action) == 1
    assert (first.name, first.email, first.language) == ("Amina", "amina@example.org", "en")
    # Someone else comes too.
    assert post_rsvp(Client(), action).status_code == 303
    assert count(action) == 2

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in page
    html = page.content.decode()
    assert "You are counted for" in html
    assert "Vigil for the prisoners" in html
    assert "Cancel my RSVP" in html
    assert html.count("<form") == 1  # a single button; no CSRF token needed
    assert "Amina" not in html
    assert "amina@example.org" not in html

    done = client.post(response["Location"], **ORIGIN)
    assert done.status_code == 200
    assert done["Cache-Control"] == "private, no-store"
    assert "Your RSVP is cancelled" in done.content.decode()
    first.refresh_from_db()
    assert first.cancelled_at is not None
    assert (first.name, first.email) == ("", "")
    assert count(action) == 1
    # Cancelling twice counts once.
    again = client.post(response["Location"], **ORIGIN)
    assert again.status_code == 200
    assert count(action) == 1
    assert services.rsvp_cancel(rsvp=first) is False
    assert count(action) == 1
    # The page says it is cancelled and offers no button.
    after = client.get(response["Location"]).content.decode()
    assert "Your RSVP is cancelled" in after
    assert '<form method="post">' not in after


def test_an_rsvp_made_on_the_urdu_page_is_in_urdu() -> None:
    """The RSVP keeps the page's language, for its mails; its page names the action
    by its Urdu title."""
    action = an_action(title_ur="قیدیوں کے لیے شمع")
    response = post_rsvp(Client(), action, "/ur", email="amina@example.org")
    assert response.status_code == 303
    assert response["Location"].startswith("/ur/actions/rsvp/")
    assert Rsvp.objects.get().language == "ur"
    page = Client().get(response["Location"]).content.decode()
    assert "قیدیوں کے لیے شمع" in page
    assert 'dir="rtl"' in page


def test_the_form_shows_the_count_and_optional_fields() -> None:
    """The action page's part: the count, the optional name and address, a hidden honeypot."""
    action = an_action()
    Action.objects.filter(pk=action.pk).update(rsvp_count=7)
    action.refresh_from_db()
    html = render_part(action)
    assert "7 people are going." in html
    assert f'action="/actions/{action.pk}/rsvp/#rsvp"' in html
    assert 'name="name"' in html
    assert 'name="email"' in html
    assert "deleted 14 days after the action" in html
    assert 'class="letters-hp"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "required" not in html


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"status": Action.Status.CANCELLED}, "This action was cancelled."),
        ({"status": Action.Status.HAPPENED}, "This action has already taken place."),
        ({"starts_at": None, "time_zone": ""}, "The date of this action is not known"),
    ],
)
def test_the_part_says_why_an_action_takes_no_rsvps(fields: dict[str, Any], why: str) -> None:
    """A cancelled, past or undated action shows a plain sentence and no form; its
    count shows once someone had said they would come, never a bare "0"."""
    action = an_action(**fields)
    html = render_part(action)
    assert "people are going" not in html
    assert why in html
    assert "<form" not in html
    action.rsvp_count = 3
    html = render_part(action)
    assert "3 people are going." in html
    assert why in html


def render_part(action: Action) -> str:
    with translation.override("en"):
        return Template("{% load actions_parts %}{% rsvp_form action %}").render(
            Context({"action": action})
        )


# --- Refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"status": Action.Status.CANCELLED}, "This action was cancelled."),
        ({"status": Action.Status.HAPPENED}, "This action has already taken place."),
        ({"starts_at": "past"}, "This action has already taken place."),
        ({"starts_at": None, "time_zone": ""}, "The date of this action is not known"),
    ],
)
def test_an_rsvp_to_an_action_that_takes_none_is_refused_clearly(
    fields: dict[str, Any], why: str
) -> None:
    """Cancelled, happened, started or undated: a clear message, nothing stored."""
    if fields.get("starts_at") == "past":
        fields["starts_at"] = timezone.now() - timedelta(minutes=5)
    action = an_action(**fields)
    response = post_rsvp(Client(), action, name="Amina", email="amina@example.org")
    assert response.status_code == 409
    html = response.content.decode()
    assert why in html
    assert "Nothing was recorded." in html
    assert not Rsvp.objects.exists()
    assert count(action) == 0
    with pytest.raises(ValidationError, match=re.escape(why)):
        services.rsvp_submit(action=action, name="", email="", language="en")
    assert not Rsvp.objects.exists()


def test_an_action_of_a_draft_campaign_is_not_found() -> None:
    """The RSVP form of a draft campaign's action is a 404; the service refuses it too."""
    action = an_action(campaign=CampaignFactory(status=Campaign.Status.DRAFT))
    assert post_rsvp(Client(), action).status_code == 404
    with pytest.raises(ValidationError, match="not public"):
        services.rsvp_submit(action=action, name="", email="", language="en")
    assert not Rsvp.objects.exists()
    assert count(action) == 0


def test_an_unknown_action_is_not_found() -> None:
    assert Client().post("/actions/999999/rsvp/", {}, **ORIGIN).status_code == 404


def test_a_cancellation_committed_after_the_check_wins() -> None:
    """The counting statement checks the action again: an RSVP to an action
    cancelled since it was read is refused and not counted."""
    action = an_action()
    Action.objects.filter(pk=action.pk).update(status=Action.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        services.rsvp_submit(action=action, name="", email="", language="en")
    assert not Rsvp.objects.exists()
    assert count(action) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {},
    ],
)
def test_a_cross_site_post_is_refused(headers: dict[str, Any]) -> None:
    """The form counts only from this site's page: another site's POST is a 403,
    for the RSVP and for cancelling one, and changes nothing."""
    action = an_action()
    response = Client().post(rsvp_url(action), {"name": "Amina"}, **headers)
    assert response.status_code == 403
    assert "Nothing was recorded" in response.content.decode()
    assert not Rsvp.objects.exists()
    assert count(action) == 0

    made = services.rsvp_submit(action=action, name="Amina", email="", language="en")
    refused = Client().post(manage_url(made), **headers)
    assert refused.status_code == 403
    made.refresh_from_db()
    assert made.cancelled_at is None
    assert made.name == "Amina"
    assert count(action) == 1


def test_the_form_takes_posts_only() -> None:
    action = an_action()
    assert Client().get(rsvp_url(action)).status_code == 405


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "x" * 300}, "at most 100 characters"),
        ({"email": "not an address"}, "Enter a valid email address."),
        ({"email": "someone@mailinator.com"}, "Use an address that lasts until the action"),
        ({"website": "http://spam.example"}, "This RSVP could not be taken."),
        ({"name": "Amina\u202ekcaj"}, "invisible direction controls"),
    ],
)
def test_bad_input_is_answered_with_the_form_and_stores_nothing(
    data: dict[str, str], message: str
) -> None:
    """A long name, a bad or disposable address, a filled honeypot: the form again
    with what is wrong, nothing stored, nothing counted."""
    action = an_action()
    response = post_rsvp(Client(), action, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "nothing was recorded yet" in html
    assert not Rsvp.objects.exists()
    assert count(action) == 0


def test_the_service_checks_what_the_form_checks() -> None:
    """A caller other than the form is refused the same bad input."""
    action = an_action()
    for name, email, honeypot in (
        ("x" * 101, "", ""),
        ("", "nope", ""),
        ("", "a@mailinator.com", ""),
        ("", "", "filled"),
    ):
        with pytest.raises(ValidationError):
            services.rsvp_submit(
                action=action, name=name, email=email, language="en", honeypot=honeypot
            )
    assert not Rsvp.objects.exists()
    assert count(action) == 0


def test_one_network_may_rsvp_only_so_often() -> None:
    """The eleventh RSVP from one client address in a minute is refused, nothing stored."""
    action = an_action()
    with freeze_time(NOW):
        action.starts_at = NOW + timedelta(days=2)
        action.save(update_fields=["starts_at"])
        client = Client()
        for _ in range(10):
            assert post_rsvp(client, action).status_code == 303
        refused = post_rsvp(client, action)
        assert refused.status_code == 400
        assert "Too many RSVPs" in refused.content.decode()
        assert Rsvp.objects.count() == 10
        assert count(action) == 10
        # Another network is not held up.
        assert post_rsvp(Client(REMOTE_ADDR="192.0.2.77"), action).status_code == 303


# --- The manage link ---------------------------------------------------------------------


def test_a_manage_link_cancels_only_its_own_rsvp() -> None:
    """One person's link shows and cancels their RSVP alone; a forged or altered
    token is a 404 and cancels nothing."""
    action = an_action()
    mine = services.rsvp_submit(action=action, name="Mine", email="", language="en")
    theirs = services.rsvp_submit(action=action, name="Theirs", email="", language="en")
    client = Client()
    assert client.post(manage_url(mine), **ORIGIN).status_code == 200
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.cancelled_at is not None
    assert theirs.cancelled_at is None
    assert theirs.name == "Theirs"
    assert count(action) == 1
    token = rsvp_token(theirs)
    value, _sep, signature = token.rpartition(":")
    forged = [
        "nonsense",
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        rsvp_token(mine).rpartition(":")[0] + ":" + signature,
        value + ":" + rsvp_token(mine).rpartition(":")[2],
    ]
    for bad in forged:
        assert client.get(f"/actions/rsvp/{bad}/").status_code == 404
        assert client.post(f"/actions/rsvp/{bad}/", **ORIGIN).status_code == 404
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None
    assert count(action) == 1


def test_a_link_to_a_deleted_rsvp_stops_working() -> None:
    action = an_action()
    made = services.rsvp_submit(action=action, name="", email="", language="en")
    url = manage_url(made)
    Rsvp.objects.filter(pk=made.pk).delete()
    assert Client().get(url).status_code == 404


# --- Mail ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_address_gets_an_acknowledgement_with_its_cancel_link(smtp_server: Mailbox) -> None:
    """The worker mails the acknowledgement, whose link cancels the RSVP; no address,
    no mail."""
    action = an_action()
    client = Client()
    post_rsvp(client, action, name="Amina", email="amina@example.org")
    post_rsvp(Client(REMOTE_ADDR="192.0.2.9"), action, name="No address")
    assert smtp_server.messages == []
    run_worker()
    [message] = smtp_server.messages
    assert message["To"] == "amina@example.org"
    assert subject(message) == "You are counted for Vigil for the prisoners"
    text = body(message)
    link = re.search(r"http://testserver(/actions/rsvp/[^/\s]+/)", text)
    assert link
    assert client.post(link.group(1), **ORIGIN).status_code == 200
    assert count(action) == 1
    assert Rsvp.objects.filter(cancelled_at__isnull=False).count() == 1


def _dated(starts_at: datetime, **fields: Any) -> Action:
    return an_action(starts_at=starts_at, **fields)


@pytest.mark.django_db(transaction=True)
def test_the_reminder_goes_the_day_before_once_in_each_rsvps_language(
    smtp_server: Mailbox,
) -> None:
    """24 hours before the action the clock queues the reminders and the worker sends
    them, in English and Urdu, with the place's local time, the place and the cancel
    link; cancelled RSVPs and RSVPs without an address get none; nothing goes twice."""
    starts = datetime(2026, 6, 3, 17, 30, tzinfo=UTC)  # 18:30 in London (BST)
    with freeze_time(starts - timedelta(days=2)):
        action = _dated(starts, title_ur="قیدیوں کے لیے شمع")
        english = services.rsvp_submit(
            action=action, name="Amina", email="amina@example.org", language="en"
        )
        urdu = services.rsvp_submit(
            action=action, name="Bilal", email="bilal@example.org", language="ur"
        )
        gone = services.rsvp_submit(
            action=action, name="Gone", email="gone@example.org", language="en"
        )
        services.rsvp_cancel(rsvp=gone)
        services.rsvp_submit(action=action, name="Silent", email="", language="en")
        run_worker()  # the acknowledgements
        smtp_server.messages.clear()
    with freeze_time(starts - timedelta(hours=24, minutes=1)):
        call_command("clock", once=True)
        run_worker()
        assert smtp_server.messages == []
    with freeze_time(starts - timedelta(hours=23, minutes=59)):
        call_command("clock", once=True)
        run_worker()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "amina@example.org",
        "bilal@example.org",
    ]
    by_address = {m["To"]: m for m in smtp_server.messages}
    en = by_address["amina@example.org"]
    assert subject(en) == "Tomorrow: Vigil for the prisoners"
    en_text = body(en)
    assert "June 3, 2026, 6:30 p.m. (Europe/London)" in en_text
    assert "Europe/London" in en_text
    assert "Parliament Square" in en_text
    assert "Hello Amina," in en_text
    link = re.search(r"http://testserver(/actions/rsvp/[^/\s]+/)", en_text)
    assert link
    if action_page_path(action):  # once the public action page is routed
        assert f"http://testserver/actions/{action.pk}/" in en_text
    ur = by_address["bilal@example.org"]
    ur_text = body(ur)
    assert "قیدیوں کے لیے شمع" in subject(ur)
    # The time in Urdu (the new sentences are translated by the lead at the end).
    assert "3 جون 2026، 6:30 شام" in ur_text
    assert "http://testserver/ur/actions/rsvp/" in ur_text
    assert "Europe/London" in ur_text
    for rsvp in (english, urdu):
        rsvp.refresh_from_db()
        assert rsvp.reminded_at is not None
    # The next minutes send nothing again.
    with freeze_time(starts - timedelta(hours=23)):
        assert services.rsvps_remind_due() == 0
        call_command("clock", once=True)
        run_worker()
    assert len(smtp_server.messages) == 2
    # The link in the reminder cancels with one click.
    client = Client()
    with freeze_time(starts - timedelta(hours=22)):
        assert client.post(link.group(1), **ORIGIN).status_code == 200
    english.refresh_from_db()
    assert english.cancelled_at is not None


def test_two_clocks_claim_each_reminder_once() -> None:
    """A second run, as from a second clock, finds nothing left to claim."""
    starts = NOW + timedelta(hours=10)
    with freeze_time(NOW - timedelta(days=1)):
        action = _dated(starts)
        for n in range(3):
            services.rsvp_submit(action=action, name="", email=f"p{n}@example.org", language="en")
    with freeze_time(NOW):
        first = services.rsvp_reminders_claim(now=timezone.now(), limit=2)
        second = services.rsvp_reminders_claim(now=timezone.now(), limit=2)
        third = services.rsvp_reminders_claim(now=timezone.now(), limit=2)
    assert len(first) == 2
    assert len(second) == 1
    assert third == []
    assert not set(first) & set(second)


def test_no_reminder_for_an_action_started_cancelled_or_far_off() -> None:
    """Only PLANNED actions starting within the next 24 hours owe reminders."""
    with freeze_time(NOW - timedelta(days=3)):
        soon = _dated(NOW + timedelta(hours=5))
        far = _dated(NOW + timedelta(hours=25))
        called_off = _dated(NOW + timedelta(hours=5))
        started = _dated(NOW - timedelta(minutes=1) + timedelta(days=0))
        for action in (soon, far, called_off, started):
            services.rsvp_submit(action=action, name="", email="p@example.org", language="en")
    Action.objects.filter(pk=called_off.pk).update(status=Action.Status.CANCELLED)
    with freeze_time(NOW):
        claimed = services.rsvp_reminders_claim(now=timezone.now(), limit=100)
    assert [Rsvp.objects.get(pk=pk).action_id for pk in claimed] == [soon.pk]


@pytest.mark.django_db(transaction=True)
def test_a_reminder_the_server_refused_is_owed_again(settings: Any) -> None:
    """With no mail server the reminders wait for the next clock run."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard: nothing listens
    starts = NOW + timedelta(hours=10)
    with freeze_time(NOW - timedelta(days=1)):
        action = _dated(starts)
        made = services.rsvp_submit(action=action, name="", email="p@example.org", language="en")
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()  # the acknowledgement
    with freeze_time(NOW):
        assert services.rsvps_remind_due() == 1
        run_worker()
    made.refresh_from_db()
    assert made.reminded_at is None


def test_a_claim_the_queue_refused_is_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the task cannot be queued, the reminders stay owed for the next minute."""
    from habeas.actions.tasks import rsvps as tasks

    with freeze_time(NOW - timedelta(days=1)):
        action = _dated(NOW + timedelta(hours=10))
        made = services.rsvp_submit(action=action, name="", email="p@example.org", language="en")

    class Refusing:
        def enqueue(self, **kwargs: Any) -> None:
            raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "send_rsvp_reminders", Refusing())
    with freeze_time(NOW), pytest.raises(ConnectionError):
        services.rsvps_remind_due()
    made.refresh_from_db()
    assert made.reminded_at is None


# --- Deleting names and addresses -----------------------------------------------------------


def test_names_and_addresses_go_14_days_after_the_action_and_the_count_stays() -> None:
    """The daily job blanks every RSVP of an action ended 14 days ago, not sooner."""
    starts = NOW
    with freeze_time(NOW - timedelta(days=2)):
        ended = _dated(starts, ends_at=starts + timedelta(hours=2))
        no_end = _dated(starts)
        later = _dated(starts + timedelta(days=5))
        for action in (ended, no_end, later):
            services.rsvp_submit(
                action=action, name=CANARY_NAME, email=CANARY_EMAIL, language="en"
            )
    with freeze_time(starts + timedelta(days=14) - timedelta(minutes=1)):
        call_command("clock", once=True)
        assert services.rsvps_erase_due() == 0
    assert Rsvp.objects.filter(name=CANARY_NAME).count() == 3
    # 14 days after the start of an action with no end; after the end of one with an end.
    with freeze_time(starts + timedelta(days=14, hours=1)):
        call_command("clock", once=True)
    assert Rsvp.objects.filter(name=CANARY_NAME).count() == 2
    assert Rsvp.objects.get(action=no_end).name == ""
    with freeze_time(starts + timedelta(days=14, hours=3)):
        assert services.rsvps_erase_due() == 1
    kept = {r.action_id: (r.name, r.email) for r in Rsvp.objects.all()}
    assert kept[ended.pk] == ("", "")
    assert kept[no_end.pk] == ("", "")
    assert kept[later.pk] == (CANARY_NAME, CANARY_EMAIL)
    for action in (ended, no_end):
        action.refresh_from_db()
        assert action.rsvp_count == 1
        assert action.rsvps_erased_at is not None
    later.refresh_from_db()
    assert later.rsvps_erased_at is None
    assert later.rsvp_count == 1
    # Again: nothing left to blank.
    with freeze_time(starts + timedelta(days=15)):
        assert services.rsvps_erase_due() == 0


def test_a_cancelled_actions_rsvps_go_14_days_after_it_was_cancelled() -> None:
    with freeze_time(NOW):
        action = _dated(NOW + timedelta(days=60))
        services.rsvp_submit(action=action, name=CANARY_NAME, email=CANARY_EMAIL, language="en")
        Action.objects.filter(pk=action.pk).update(
            status=Action.Status.CANCELLED, cancelled_at=NOW
        )
    with freeze_time(NOW + timedelta(days=13)):
        assert services.rsvps_erase_due() == 0
    with freeze_time(NOW + timedelta(days=14, minutes=1)):
        assert services.rsvps_erase_due() == 1
    assert Rsvp.objects.get().name == ""
    assert count(action) == 1


# --- Nobody sees who comes --------------------------------------------------------------------


def test_no_page_shows_an_rsvp_name_or_address(admin_client: Client) -> None:
    """The action's page and RSVP part, the form page, another RSVP's page, the
    organisers' pages and the admin never show a name or address given with an RSVP."""
    action = an_action()
    services.rsvp_submit(action=action, name=CANARY_NAME, email=CANARY_EMAIL, language="en")
    other = services.rsvp_submit(action=action, name="", email="", language="en")
    action.refresh_from_db()
    editor = UserFactory()
    grant(editor, Role.ORG_EDITOR, organisation=action.organisations.get())
    organiser = sign_in(Client(), editor)
    responses = [
        Client().get(manage_url(other)),
        post_rsvp(Client(), action, name="x" * 300),
        organiser.get(reverse("my_roles")),
        admin_client.get("/admin/"),
        Client().get(reverse("actions:detail", kwargs={"action_id": action.pk})),
        organiser.get(reverse("actions:detail", kwargs={"action_id": action.pk})),
        organiser.get(reverse("actions:mine")),
        organiser.get(reverse("actions:edit", kwargs={"action_id": action.pk})),
        admin_client.get(f"/admin/actions/action/{action.pk}/change/"),
    ]
    assert [r.status_code for r in responses] == [200, 400, 200, 200, 200, 200, 200, 200, 200]
    pages = [render_part(action)] + [r.content.decode() for r in responses]
    for html in pages:
        assert CANARY_NAME not in html
        assert CANARY_EMAIL not in html
    assert "2 people are going." in pages[0]
    assert Rsvp not in admin.site._registry


@pytest.mark.django_db(transaction=True)
def test_a_second_clock_skips_the_reminders_the_first_holds() -> None:
    """On PostgreSQL a claim skips rows another clock has locked, instead of waiting
    for them or claiming them too."""
    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite runs one writer at a time")
    import threading

    starts = NOW + timedelta(hours=10)
    with freeze_time(NOW - timedelta(days=1)):
        action = _dated(starts)
        made = [
            services.rsvp_submit(action=action, name="", email=f"p{n}@example.org", language="en")
            for n in range(3)
        ]
    held = threading.Event()
    release = threading.Event()

    def first_clock() -> None:
        try:
            with transaction.atomic():
                list(
                    Rsvp.objects.select_for_update()
                    .filter(pk__in=[made[0].pk, made[1].pk])
                    .values_list("pk", flat=True)
                )
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_clock)
    thread.start()
    try:
        assert held.wait(10)
        claimed = services.rsvp_reminders_claim(now=NOW, limit=10)
    finally:
        release.set()
        thread.join()
    assert claimed == [made[2].pk]

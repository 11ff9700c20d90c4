"""Pledges: made without an account, confirmed by a mailed link, reminded once, cancelled
with one click, marked received by a treasurer (which posts the contribution), and
lapsing unpaid; the pledger's address is shown nowhere and erased when the pledge closes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation
from freezegun import freeze_time

from habeas.coalition.models import Campaign, Role
from habeas.fund import tokens
from habeas.fund.models import Account, Balance, Contribution, Entry, FundEvent, Pledge
from habeas.fund.services import pledges as services
from habeas.fund.services.setup import account_add
from tests.conftest import Mailbox
from tests.core.test_secrets_at_rest import database_dump
from tests.factories import grant, sign_in
from tests.fund.conftest import Books

pytestmark = pytest.mark.django_db

ORIGIN: dict[str, Any] = {"HTTP_ORIGIN": "http://testserver"}
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CANARY_NAME = "Canary Zarghuna Qazalbash"
CANARY_EMAIL = "canary-pledge-5521@example.org"
HOW_TO_PAY = "Defence Fund, Co-operative Bank\nSort code 08-92-99, account 65746234"
HOW_TO_PAY_UR = "دفاعی فنڈ، کوآپریٹو بینک"
CONFIRM_LINK = re.compile(r"http://testserver((?:/ur)?/fund/pledge/confirm/[^/\s]+/)")
MANAGE_LINK = re.compile(r"http://testserver((?:/ur)?/fund/pledge/manage/[^/\s]+/)")
PLEDGE_URL = "/fund/free-them/pledge/"


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    """Rate-limit counters live in the database cache, which no test flush empties."""
    cache.clear()


@pytest.fixture
def fund(books: Books) -> Books:
    """The books, with the campaign's published payment details."""
    books.fund.how_to_pay = HOW_TO_PAY
    books.fund.how_to_pay_ur = HOW_TO_PAY_UR
    books.fund.save(update_fields=["how_to_pay", "how_to_pay_ur"])
    return books


def post_pledge(client: Client, prefix: str = "", slug: str = "free-them", **data: Any) -> Any:
    form = {
        "amount": "25.00",
        "currency": "GBP",
        "name": "",
        "email": "amina@example.org",
        "website": "",
    }
    form.update(data)
    return client.post(f"{prefix}/fund/{slug}/pledge/", form, **ORIGIN)


def make(books: Books, **fields: Any) -> Pledge:
    """A pending pledge, made through the service."""
    values: dict[str, Any] = {
        "amount": "25.00",
        "currency": "GBP",
        "name": "",
        "email": "amina@example.org",
        "name_public": False,
        "language": "en",
    }
    values.update(fields)
    return services.pledge_submit(fund=books.fund, **values)


def confirmed(books: Books, **fields: Any) -> Pledge:
    """A confirmed pledge, confirmed through its link's service."""
    pledge = make(books, **fields)
    return services.pledge_confirm(token=tokens.confirm_token(pledge))


def confirm_url(pledge: Pledge) -> str:
    return f"/fund/pledge/confirm/{tokens.confirm_token(pledge)}/"


def manage_url(pledge: Pledge) -> str:
    return f"/fund/pledge/manage/{tokens.manage_token(pledge)}/"


def run_worker() -> None:
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )


def body(message: Any) -> str:
    return str(message.get_payload(decode=True).decode())


def subject(message: Any) -> str:
    return str(make_header(decode_header(message["Subject"])))


def assert_private(response: Any) -> None:
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in response


def render_part(books: Books) -> str:
    books.fund.campaign.refresh_from_db()
    with translation.override("en"):
        return Template("{% load fund_pledge %}{% pledge_form fund %}").render(
            Context({"fund": books.fund})
        )


def received_url(pledge: Pledge, slug: str = "free-them") -> str:
    return f"/fund/{slug}/treasury/pledges/{pledge.pk}/received/"


def receive_form(books: Books, **data: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "account": books.bank.pk,
        "received_on": books.today.isoformat(),
        "amount": "25.00",
    }
    form.update(data)
    return form


# --- The whole path -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_pledge_mail_confirm_how_to_pay_reminder_cancel(fund: Books, smtp_server: Mailbox) -> None:
    """A visitor pledges on the page, the worker mails the confirmation link (the queue
    holds only the pledge's id), the link's button confirms and leads to how to pay with
    the reference; 14 days on, one reminder with how to pay and a cancel link; a second
    run sends nothing; the cancel button closes the pledge and erases the address."""
    from django_tasks_db.models import DBTaskResult

    with freeze_time(NOW):
        form_page = Client().get(PLEDGE_URL)
        assert form_page.status_code == 200
        assert "Set-Cookie" not in form_page
        html = form_page.content.decode()
        assert "csrfmiddlewaretoken" not in html
        assert '<option value="GBP" selected>' in html
        assert "never asks for card details" in html
        assert "Sort code 08-92-99" in html

        client = Client()
        response = post_pledge(client, name="Amina", email="amina@example.org")
        assert response.status_code == 303
        assert response["Location"] == "/fund/free-them/pledge/sent/"
        assert "Check your e-mail" in client.get(response["Location"]).content.decode()
        pledge = Pledge.objects.get()
        assert pledge.status == Pledge.Status.PENDING
        assert (pledge.amount_minor, pledge.currency, pledge.language) == (2500, "GBP", "en")
        [queued] = DBTaskResult.objects.all()
        assert queued.args_kwargs == {"args": [], "kwargs": {"pledge_id": pledge.pk}}
        assert smtp_server.messages == []
        run_worker()

    [mail] = smtp_server.messages
    assert mail["To"] == "amina@example.org"
    assert subject(mail) == "Confirm your pledge to Free the prisoners"
    text = body(mail)
    assert "Hello Amina," in text
    assert "GBP 25.00" in text
    found = CONFIRM_LINK.search(text)
    assert found
    link = found.group(1)
    # No token or link at rest: the worker made it and stored nothing.
    assert link.split("/")[-2] not in database_dump()

    with freeze_time(NOW + timedelta(hours=1)):
        page = client.get(link)
        assert page.status_code == 200
        assert_private(page)
        html = page.content.decode()
        assert "Confirm my pledge" in html
        assert "GBP 25.00" in html
        assert "amina@example.org" not in html
        assert "Amina" not in html
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.PENDING  # a GET confirms nothing

        done = client.post(link, **ORIGIN)
        assert done.status_code == 303
        assert_private(done)
        manage = done["Location"]
        assert manage.startswith("/fund/pledge/manage/")
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.CONFIRMED
        # The link works once.
        again = client.get(link)
        assert again.status_code == 404
        assert "This link does not work" in again.content.decode()
        assert client.post(link, **ORIGIN).status_code == 404

        how = client.get(manage)
        assert how.status_code == 200
        assert_private(how)
        html = how.content.decode()
        assert f"P-{pledge.pk}" in html
        assert "GBP 25.00" in html
        assert "Sort code 08-92-99" in html
        assert "Cancel my pledge" in html
        assert "amina@example.org" not in html
        assert html.count("<form") == 1

    smtp_server.messages.clear()
    with freeze_time(NOW + timedelta(days=14)):
        call_command("clock", once=True)
        run_worker()
        assert smtp_server.messages == []
    with freeze_time(NOW + timedelta(days=14, hours=2)):
        call_command("clock", once=True)
        run_worker()
    [reminder] = smtp_server.messages
    assert reminder["To"] == "amina@example.org"
    assert subject(reminder) == "Your pledge to Free the prisoners: how to pay"
    text = body(reminder)
    assert f"P-{pledge.pk}" in text
    assert "Sort code 08-92-99" in text
    assert "only reminder" in text
    found = MANAGE_LINK.search(text)
    assert found
    cancel_link = found.group(1)
    # A second run, and a third, send nothing.
    with freeze_time(NOW + timedelta(days=14, hours=3)):
        assert services.pledges_remind_due() == 0
        call_command("clock", once=True)
        run_worker()
    assert len(smtp_server.messages) == 1

    with freeze_time(NOW + timedelta(days=15)):
        cancelled = client.post(cancel_link, **ORIGIN)
        assert cancelled.status_code == 200
        assert_private(cancelled)
        assert "Your pledge is cancelled" in cancelled.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.CANCELLED
    assert (pledge.email, pledge.name) == ("", "")
    assert pledge.closed_at is not None
    # The link stops working once the pledge is closed.
    assert client.get(cancel_link).status_code == 404
    assert client.get(manage).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_pledge_made_on_the_urdu_page_is_mailed_in_urdu(
    fund: Books, smtp_server: Mailbox
) -> None:
    """The pledge keeps the page's language: its mail links to the Urdu pages, which
    show the Urdu payment details."""
    Campaign.objects.filter(pk=fund.campaign.pk).update(title_ur="قیدیوں کی رہائی")
    page = Client().get("/ur/fund/free-them/pledge/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'dir="rtl"' in html
    assert 'lang="ur"' in html
    assert HOW_TO_PAY_UR in html
    assert 'action="/ur/fund/free-them/pledge/#pledge"' in html

    response = post_pledge(Client(), "/ur", email="bilal@example.org")
    assert response.status_code == 303
    assert response["Location"] == "/ur/fund/free-them/pledge/sent/"
    assert Pledge.objects.get().language == "ur"
    run_worker()
    [mail] = smtp_server.messages
    assert "قیدیوں کی رہائی" in subject(mail)
    found = CONFIRM_LINK.search(body(mail))
    assert found
    assert found.group(1).startswith("/ur/fund/pledge/confirm/")
    client = Client()
    done = client.post(found.group(1), **ORIGIN)
    assert done.status_code == 303
    assert done["Location"].startswith("/ur/fund/pledge/manage/")
    assert HOW_TO_PAY_UR in client.get(done["Location"]).content.decode()


def test_a_treasurer_marks_a_pledge_received_and_the_contribution_is_posted(
    fund: Books,
) -> None:
    """Pledge, confirm, then a treasurer marks it received: a contribution entry is posted
    for the amount that arrived, naming the pledger publicly because they agreed; the
    pledge is RECEIVED, linked, its address erased, and the step recorded."""
    response = post_pledge(Client(), name="Amina Rahman", name_public="on")
    assert response.status_code == 303
    pledge = Pledge.objects.get()
    assert pledge.name_public is True
    assert Client().post(confirm_url(pledge), **ORIGIN).status_code == 303

    treasurer = sign_in(Client(), fund.ta)
    listing = treasurer.get("/fund/free-them/treasury/pledges/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert f"P-{pledge.pk}" in html
    assert "Amina Rahman" in html
    assert "GBP 25.00" in html
    assert "amina@example.org" not in html

    form = treasurer.get(received_url(pledge))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="organisation"' not in html  # one organisation to act for: no choice
    assert 'value="25.00"' in html  # the pledged amount, by default
    assert "Bank (GBP)" in html
    assert "amina@example.org" not in html

    done = treasurer.post(received_url(pledge), receive_form(fund, amount="30.00"))
    assert done.status_code == 302
    assert done["Location"] == "/fund/free-them/treasury/pledges/"
    after = treasurer.get(done["Location"]).content.decode()
    assert (
        f"Pledge <bdi>P-{pledge.pk}</bdi> marked received: "
        "<bdi>GBP 30.00</bdi> posted as entry #1." in after
    )
    assert "No pledge is waiting to be received." in after

    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RECEIVED
    assert pledge.email == ""
    contribution = pledge.contribution
    assert contribution is not None
    assert (contribution.amount_minor, contribution.currency) == (3000, "GBP")
    assert (contribution.donor_name, contribution.name_public) == ("Amina Rahman", True)
    assert contribution.method == Contribution.Method.BANK_TRANSFER
    assert contribution.entry.description == "Contribution from Amina Rahman"
    assert contribution.entry.posted_for == fund.a
    lines = {line.account.code: line.amount_minor for line in contribution.entry.lines.all()}
    assert lines == {"bank-gbp": 3000, "contributions": -3000}
    assert Balance.objects.get(account=fund.bank, currency="GBP").balance_minor == 3000
    event = FundEvent.objects.get(kind=FundEvent.Kind.PLEDGE_RECEIVED)
    assert event.organisation == fund.a
    assert event.by == fund.ta
    assert event.entry == contribution.entry
    assert f"P-{pledge.pk}" in event.summary
    # Received once: a second time is refused, nothing more posted.
    again = treasurer.post(received_url(pledge), receive_form(fund))
    assert again.status_code == 409
    assert "This pledge is not waiting to be received." in again.content.decode()
    assert Entry.objects.count() == 1


def test_a_pledger_who_did_not_agree_is_not_named(fund: Books) -> None:
    """Without the box ticked the contribution is posted unnamed; an empty amount means
    the amount pledged; a cash account records the money as cash."""
    pledge = confirmed(fund, name="Bilal Ahmed", amount="12.50")
    contribution = services.pledge_receive(
        pledge=pledge,
        by=fund.ta,
        organisation=fund.a,
        account=fund.cash,
        received_on=fund.today,
    )
    assert contribution.amount_minor == 1250
    assert (contribution.donor_name, contribution.name_public) == ("Bilal Ahmed", False)
    assert contribution.entry.description == "Contribution (donor not named)"
    assert contribution.method == Contribution.Method.CASH
    assert "Bilal" not in contribution.entry.description
    anonymous = confirmed(fund, email="c@example.org")
    gift = services.pledge_receive(
        pledge=anonymous,
        by=fund.tb,
        organisation=fund.b,
        account=fund.bank,
        received_on=fund.today,
    )
    assert (gift.donor_name, gift.name_public) == ("", False)


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "0"}, "The amount must be more than zero."),
        ({"amount": "-5"}, "The amount must be more than zero."),
        ({"amount": "10.005"}, "GBP has 2 decimal places; this amount has more."),
        ({"amount": "100.5", "currency": "JPY"}, "JPY has no decimal places"),
        ({"currency": "XYZ"}, "“<bdi>XYZ</bdi>” is not a currency this fund keeps."),
        ({"amount": "lots"}, "Enter an amount such as 25 or 25.50."),
        ({"amount": ""}, "This field is required."),
        ({"email": "not an address"}, "Enter a valid email address."),
        ({"email": ""}, "This field is required."),
        ({"email": "someone@mailinator.com"}, "Use an address that lasts"),
        ({"website": "http://spam.example"}, "This pledge could not be taken."),
        ({"name_public": "on"}, "There is no name to show"),
        ({"name": "x" * 300}, "at most 200 characters"),
        ({"name": "Amina\u202ekcaj"}, "invisible direction controls"),
    ],
)
def test_bad_input_is_answered_with_the_form_and_stores_nothing(
    fund: Books, data: dict[str, str], message: str
) -> None:
    """Zero, negative, too many decimals, an unknown currency, not a number, a missing,
    bad or disposable address, a filled honeypot, a public name with no name, a long
    name, direction controls: the form again with what is wrong, nothing stored."""
    response = post_pledge(Client(), **data)
    assert response.status_code == 400
    assert_private(response)
    html = response.content.decode()
    assert message in html
    assert "nothing was recorded yet" in html
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "0"}, "more than zero"),
        ({"amount": "-1"}, "more than zero"),
        ({"amount": "1.001"}, "decimal places"),
        ({"amount": "1.5", "currency": "JPY"}, "no decimal places"),
        ({"currency": "XYZ"}, "not a currency"),
        ({"amount": "1" + "0" * 13}, "too large"),
        ({"amount": "1e400"}, "Enter an amount"),
        ({"amount": "NaN"}, "Enter an amount"),
        ({"email": ""}, "Give your e-mail address"),
        ({"email": "nope"}, "valid e-mail address"),
        ({"email": "a@mailinator.com"}, "address that lasts"),
        ({"email": "a" * 250 + "@example.org"}, "valid e-mail address"),
        ({"honeypot": "filled"}, "could not be taken"),
        ({"name_public": True}, "no name to show"),
        ({"name": "x" * 201}, "At most 200 characters"),
        ({"name": "Amina\u2066"}, "direction controls"),
    ],
)
def test_the_service_checks_what_the_form_checks(
    fund: Books, fields: dict[str, Any], message: str
) -> None:
    """A caller other than the form is refused the same bad input, and nothing is stored."""
    with pytest.raises(ValidationError, match=re.escape(message)):
        make(fund, **fields)
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {},
    ],
)
def test_a_cross_site_post_is_refused(fund: Books, headers: dict[str, Any]) -> None:
    """The form, the confirm button and the cancel button work only from this site's pages:
    another site's POST is a 403 and changes nothing."""
    form = {"amount": "25", "currency": "GBP", "email": "amina@example.org", "website": ""}
    response = Client().post(PLEDGE_URL, form, **headers)
    assert response.status_code == 403
    assert "Nothing was recorded" in response.content.decode()
    assert not Pledge.objects.exists()

    pending = make(fund)
    assert Client().post(confirm_url(pending), **headers).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Pledge.Status.PENDING

    promised = confirmed(fund, email="other@example.org")
    assert Client().post(manage_url(promised), **headers).status_code == 403
    promised.refresh_from_db()
    assert promised.status == Pledge.Status.CONFIRMED
    assert promised.email == "other@example.org"


def test_a_draft_campaigns_fund_is_not_found(fund: Books) -> None:
    """A draft campaign's pledge page is a 404, GET or POST; the service refuses too."""
    Campaign.objects.filter(pk=fund.campaign.pk).update(status=Campaign.Status.DRAFT)
    fund.fund.campaign.refresh_from_db()
    assert Client().get(PLEDGE_URL).status_code == 404
    assert post_pledge(Client()).status_code == 404
    with pytest.raises(ValidationError, match="not public"):
        make(fund)
    assert not Pledge.objects.exists()


def test_a_closed_campaign_takes_no_pledges(fund: Books) -> None:
    """A closed campaign's page says so and shows no form; a POST is a 409 with the
    reason, nothing stored; a pending pledge can no longer be confirmed."""
    pending = make(fund)
    Campaign.objects.filter(pk=fund.campaign.pk).update(status=Campaign.Status.CLOSED)
    fund.fund.campaign.refresh_from_db()
    page = Client().get(PLEDGE_URL).content.decode()
    assert "This campaign has closed and takes no more pledges." in page
    assert "<form" not in page.split("<main", 1)[1]
    refused = post_pledge(Client(), email="new@example.org")
    assert refused.status_code == 409
    assert "closed and takes no more pledges" in refused.content.decode()
    assert "Nothing was recorded." in refused.content.decode()
    with pytest.raises(ValidationError, match="closed") as caught:
        make(fund, email="new@example.org")
    assert caught.value.code == "closed"
    assert Pledge.objects.count() == 1
    page = Client().get(confirm_url(pending)).content.decode()
    assert "closed and takes no more pledges" in page
    assert "Confirm my pledge" not in page
    assert Client().post(confirm_url(pending), **ORIGIN).status_code == 409
    pending.refresh_from_db()
    assert pending.status == Pledge.Status.PENDING
    assert "closed and takes no more pledges" in render_part(fund)
    assert "<form" not in render_part(fund)


def test_a_campaign_closed_after_the_page_was_read_takes_no_pledge(fund: Books) -> None:
    """The write checks the campaign again: a pledge to a fund read while its campaign
    was active, closed meanwhile, is refused and not stored."""
    stale = fund.fund
    assert stale.campaign.status == Campaign.Status.ACTIVE
    Campaign.objects.filter(pk=stale.campaign_id).update(status=Campaign.Status.CLOSED)
    with pytest.raises(ValidationError, match="closed") as caught:
        make(fund)
    assert caught.value.code == "closed"
    assert not Pledge.objects.exists()


def test_an_unknown_fund_is_not_found(fund: Books) -> None:
    assert Client().get("/fund/no-such-campaign/pledge/").status_code == 404
    assert post_pledge(Client(), slug="no-such-campaign").status_code == 404


def test_one_network_may_pledge_only_so_often(fund: Books) -> None:
    """The eleventh pledge from one client address in a minute is refused, nothing stored;
    another network is not held up."""
    with freeze_time(NOW):
        client = Client()
        for n in range(10):
            assert post_pledge(client, email=f"p{n}@example.org").status_code == 303
        refused = post_pledge(client, email="p10@example.org")
        assert refused.status_code == 400
        assert "Too many pledges" in refused.content.decode()
        assert Pledge.objects.count() == 10
        other = Client(REMOTE_ADDR="192.0.2.77")
        assert post_pledge(other, email="p11@example.org").status_code == 303


def test_one_address_is_sent_only_so_many_links(fund: Books) -> None:
    """Nobody can flood one address with confirmation mail: the sixth pledge for it in a
    day is refused, from whatever network."""
    with freeze_time(NOW):
        for n in range(5):
            client = Client(REMOTE_ADDR=f"192.0.2.{n + 1}")
            assert post_pledge(client, email="target@example.org").status_code == 303
        refused = post_pledge(Client(REMOTE_ADDR="198.51.100.1"), email="Target@example.org")
        assert refused.status_code == 400
        assert "Too many pledges" in refused.content.decode()
    assert Pledge.objects.count() == 5


# --- The part other pages embed --------------------------------------------------------------


def test_the_form_part_carries_nothing_of_any_visitor(fund: Books) -> None:
    """``{% pledge_form fund %}``: the form with the reporting currency chosen, a hidden
    honeypot, no CSRF token, and the promise that no card data is taken."""
    html = render_part(fund)
    assert 'action="/fund/free-them/pledge/#pledge"' in html
    assert '<option value="GBP" selected>' in html
    assert 'name="amount"' in html
    assert 'name="name_public"' in html
    assert 'class="letters-hp"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "never asks for card details" in html
    # Its own ids, its help text announced, and no maxlength on the list.
    assert '<select name="currency" id="pledge-currency">' in html
    assert 'aria-describedby="pledge-email_helptext"' in html
    assert 'id="pledge-email_helptext"' in html
    assert Template("{% load fund_pledge %}{{ pledge|pledge_reference }}").render(
        Context({"pledge": Pledge(pk=42)})
    ) == ("P-42")


def test_the_pledge_page_is_kept_for_every_visitor(fund: Books) -> None:
    """The page sets no cookie and is served again from the page cache, alike for all."""
    first = Client().get(PLEDGE_URL)
    second = Client().get(PLEDGE_URL)
    assert first.status_code == second.status_code == 200
    assert "Set-Cookie" not in first
    assert first.content == second.content


# --- The links ---------------------------------------------------------------------------------


def test_a_confirm_link_expires_after_seven_days(fund: Books) -> None:
    """After 7 days the link gets a clear page and confirms nothing."""
    with freeze_time(NOW):
        pledge = make(fund)
        url = confirm_url(pledge)
    with freeze_time(NOW + timedelta(days=7, minutes=1)):
        page = Client().get(url)
        assert page.status_code == 404
        assert_private(page)
        assert "It may have expired" in page.content.decode()
        assert Client().post(url, **ORIGIN).status_code == 404
        with pytest.raises(ValidationError) as caught:
            services.pledge_confirm(token=url.split("/")[-2])
        assert caught.value.code == "link"
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PENDING


def test_forged_links_confirm_and_cancel_nothing(fund: Books) -> None:
    """A made-up, altered or spliced token, or one pledge's link used as another kind,
    gets the clear page (404) and changes nothing."""
    mine = make(fund, email="mine@example.org")
    theirs = make(fund, email="theirs@example.org")
    token = tokens.confirm_token(theirs)
    value, _sep, signature = token.rpartition(":")
    promised = confirmed(fund, email="promised@example.org")
    manage = tokens.manage_token(promised)
    forged = [
        "nonsense",
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        tokens.confirm_token(mine).rpartition(":")[0] + ":" + signature,
        value + ":" + tokens.confirm_token(mine).rpartition(":")[2],
        manage,  # a manage link is not a confirm link
    ]
    for bad in forged:
        assert Client().get(f"/fund/pledge/confirm/{bad}/").status_code == 404
        assert Client().post(f"/fund/pledge/confirm/{bad}/", **ORIGIN).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Pledge.Status.PENDING
    for bad in ["nonsense", manage[:-2] + "xx", tokens.confirm_token(mine)]:
        assert Client().get(f"/fund/pledge/manage/{bad}/").status_code == 404
        assert Client().post(f"/fund/pledge/manage/{bad}/", **ORIGIN).status_code == 404
        with pytest.raises(ValidationError):
            services.pledge_cancel(token=bad)
    promised.refresh_from_db()
    assert promised.status == Pledge.Status.CONFIRMED


def test_a_link_works_only_for_the_row_it_was_made_for(fund: Books) -> None:
    """A link is bound to its pledge's address and times, not just its id: once the row
    under that id is another (SQLite reuses the ids of deleted rows), it works no more."""
    pending = make(fund, email="first@example.org")
    confirm = confirm_url(pending)
    Pledge.objects.filter(pk=pending.pk).update(
        email="second@example.org", created_at=pending.created_at + timedelta(seconds=1)
    )
    assert Client().get(confirm).status_code == 404
    promised = confirmed(fund, email="third@example.org")
    manage = manage_url(promised)
    assert Client().get(manage).status_code == 200
    Pledge.objects.filter(pk=promised.pk).update(email="fourth@example.org")
    assert Client().get(manage).status_code == 404
    assert Client().post(manage, **ORIGIN).status_code == 404
    promised.refresh_from_db()
    assert promised.status == Pledge.Status.CONFIRMED


def test_a_second_confirmation_racing_the_first_changes_nothing(
    fund: Books, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two presses of the confirm button at once: the link is checked again under the
    row's lock, so the second is refused and the first's page (bound to its time of
    confirmation) keeps working."""
    pledge = make(fund)
    token = tokens.confirm_token(pledge)
    stale = tokens.pledge_for_confirm_token(token)  # read before the first press commits
    first = services.pledge_confirm(token=token)
    manage = manage_url(first)
    monkeypatch.setattr(tokens, "pledge_for_confirm_token", lambda _token: stale)
    with pytest.raises(ValidationError) as caught:
        services.pledge_confirm(token=token)
    assert caught.value.code == "link"
    pledge.refresh_from_db()
    assert pledge.confirmed_at == first.confirmed_at
    assert Client().get(manage).status_code == 200


def test_a_pending_pledge_has_no_manage_link(fund: Books) -> None:
    """Only a confirmed pledge can be seen or cancelled through its own page."""
    pending = make(fund)
    assert Client().get(manage_url(pending)).status_code == 404


def test_a_received_pledges_link_stops_working(fund: Books) -> None:
    """Once received the pledge is closed: its link gets the clear page and cancels nothing."""
    pledge = confirmed(fund)
    url = manage_url(pledge)
    services.pledge_receive(
        pledge=pledge, by=fund.ta, organisation=fund.a, account=fund.bank, received_on=fund.today
    )
    page = Client().get(url)
    assert page.status_code == 404
    assert "stops working once the pledge is received" in page.content.decode()
    assert Client().post(url, **ORIGIN).status_code == 404
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RECEIVED


# --- Reminders and expiry ------------------------------------------------------------------------


def test_two_clocks_claim_each_reminder_once(fund: Books) -> None:
    """A second claim, as from a second clock, finds nothing the first took; pledges
    confirmed less than 14 days ago, unconfirmed or closed owe nothing."""
    with freeze_time(NOW - timedelta(days=20)):
        due = [confirmed(fund, email=f"p{n}@example.org") for n in range(3)]
        make(fund, email="pending@example.org")
        gone = confirmed(fund, email="gone@example.org")
        services.pledge_cancel(token=tokens.manage_token(gone))
    with freeze_time(NOW - timedelta(days=13)):
        confirmed(fund, email="recent@example.org")
    first = services.pledge_reminders_claim(now=NOW, limit=2)
    second = services.pledge_reminders_claim(now=NOW, limit=2)
    third = services.pledge_reminders_claim(now=NOW, limit=2)
    assert len(first) == 2
    assert len(second) == 1
    assert third == []
    assert sorted(first + second) == sorted(p.pk for p in due)


def test_a_reminder_claim_the_queue_refused_is_undone(
    fund: Books, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the task cannot be queued, the reminder stays owed for the next run."""
    from habeas.fund.tasks import pledges as tasks

    with freeze_time(NOW - timedelta(days=15)):
        pledge = confirmed(fund)

    class Refusing:
        def enqueue(self, **kwargs: Any) -> None:
            raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "send_pledge_reminders", Refusing())
    with freeze_time(NOW), pytest.raises(ConnectionError):
        services.pledges_remind_due()
    pledge.refresh_from_db()
    assert pledge.reminded_at is None


@pytest.mark.django_db(transaction=True)
def test_a_reminder_the_server_refused_is_owed_again(fund: Books, settings: Any) -> None:
    """With no mail server the reminder waits for the next clock run."""
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard: nothing listens
    with freeze_time(NOW - timedelta(days=15)):
        pledge = confirmed(fund)
        DBTaskResult.objects.all().delete()  # the confirmation mail
    with freeze_time(NOW):
        assert services.pledges_remind_due() == 1
        run_worker()
    pledge.refresh_from_db()
    assert pledge.reminded_at is None


def test_unconfirmed_pledges_go_after_seven_days_unpaid_ones_lapse_after_ninety(
    fund: Books,
) -> None:
    """The daily job deletes pledges never confirmed within 7 days, and lets confirmed
    pledges not received 90 days after confirmation lapse, their address and name
    erased; received and cancelled pledges stay as they are; not a day sooner."""
    with freeze_time(NOW):
        pending = make(fund, email="pending@example.org")
        promised = confirmed(fund, name=CANARY_NAME, email=CANARY_EMAIL)
        received = confirmed(fund, name="Paid", email="paid@example.org")
        services.pledge_receive(
            pledge=received,
            by=fund.ta,
            organisation=fund.a,
            account=fund.bank,
            received_on=timezone.localdate(),
        )
    with freeze_time(NOW + timedelta(days=7) - timedelta(minutes=1)):
        call_command("clock", once=True)
        assert Pledge.objects.filter(pk=pending.pk).exists()
    with freeze_time(NOW + timedelta(days=7, minutes=1)):
        assert services.pledges_expire_due() == {"deleted": 1, "expired": 0}
    assert not Pledge.objects.filter(pk=pending.pk).exists()
    with freeze_time(NOW + timedelta(days=90) - timedelta(minutes=1)):
        call_command("clock", once=True)
    promised.refresh_from_db()
    assert (promised.status, promised.email) == (Pledge.Status.CONFIRMED, CANARY_EMAIL)
    with freeze_time(NOW + timedelta(days=90, minutes=1)):
        call_command("clock", once=True)
    promised.refresh_from_db()
    assert promised.status == Pledge.Status.EXPIRED
    assert (promised.email, promised.name, promised.name_public) == ("", "", False)
    assert promised.closed_at is not None
    received.refresh_from_db()
    assert received.status == Pledge.Status.RECEIVED
    assert received.name == "Paid"
    with freeze_time(NOW + timedelta(days=91)):
        assert services.pledges_expire_due() == {"deleted": 0, "expired": 0}


def test_the_durations_are_settings(fund: Books, settings: Any) -> None:
    """FUND_PLEDGE_CONFIRM_WITHIN, _REMIND_AFTER and _EXPIRE_AFTER change when links
    expire, reminders go and pledges lapse."""
    settings.FUND_PLEDGE_CONFIRM_WITHIN = timedelta(days=2)
    settings.FUND_PLEDGE_REMIND_AFTER = timedelta(days=3)
    settings.FUND_PLEDGE_EXPIRE_AFTER = timedelta(days=10)
    with freeze_time(NOW):
        pending = make(fund, email="pending@example.org")
        url = confirm_url(pending)
        promised = confirmed(fund)
    with freeze_time(NOW + timedelta(days=2, minutes=1)):
        assert Client().get(url).status_code == 404
    with freeze_time(NOW + timedelta(days=3, minutes=1)):
        assert services.pledge_reminders_claim(now=timezone.now(), limit=10) == [promised.pk]
    with freeze_time(NOW + timedelta(days=10, minutes=1)):
        assert services.pledges_expire_due() == {"deleted": 1, "expired": 1}


# --- The treasurers' side ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "coordinator", "site_admin", "nobody", "tx"])
def test_the_treasurer_pages_refuse_everyone_else(fund: Books, who: str) -> None:
    """An editor, the coordinator, a site admin, someone with no role and another
    campaign's treasurer are refused (403) the list and the form, and their POST posts
    nothing."""
    pledge = confirmed(fund)
    client = sign_in(Client(), getattr(fund, who))
    assert client.get("/fund/free-them/treasury/pledges/").status_code == 403
    assert client.get(received_url(pledge)).status_code == 403
    refused = client.post(received_url(pledge), receive_form(fund))
    assert refused.status_code == 403
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.CONFIRMED
    assert not Entry.objects.exists()


def test_the_treasurer_pages_send_visitors_to_sign_in(fund: Books) -> None:
    pledge = confirmed(fund)
    for url in ("/fund/free-them/treasury/pledges/", received_url(pledge)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert Client().post(received_url(pledge), receive_form(fund)).status_code == 302
    assert not Entry.objects.exists()


def test_a_treasurer_reaches_only_their_own_funds_pledges(fund: Books) -> None:
    """Another fund's pledge under this fund's address, or an unknown one, is a 404."""
    pledge = confirmed(fund)
    other = services.pledge_submit(
        fund=fund.other_fund,
        amount="5",
        currency="GBP",
        name="",
        email="x@example.org",
        name_public=False,
        language="en",
    )
    services.pledge_confirm(token=tokens.confirm_token(other))
    client = sign_in(Client(), fund.ta)
    listed = client.get("/fund/free-them/treasury/pledges/").content.decode()
    assert f"P-{pledge.pk}<" in listed
    assert f"P-{other.pk}<" not in listed
    assert client.get(received_url(other)).status_code == 404
    assert client.get("/fund/free-them/treasury/pledges/999999/received/").status_code == 404
    assert client.get("/fund/no-such/treasury/pledges/").status_code == 404
    # The other campaign's treasurer does not reach this fund's pledge through theirs.
    outsider = sign_in(Client(), fund.tx)
    assert outsider.get(received_url(pledge, slug="another")).status_code == 404


def test_a_treasurer_of_a_cannot_mark_received_as_b(fund: Books) -> None:
    """The service refuses a treasurer acting for an organisation they do not keep books
    for; the page offers only their own, and ignores another's id when there is one."""
    pledge = confirmed(fund)
    with pytest.raises(PermissionDenied):
        services.pledge_receive(
            pledge=pledge,
            by=fund.ta,
            organisation=fund.b,
            account=fund.bank,
            received_on=fund.today,
        )
    assert not Entry.objects.exists()
    # A treasurer of A and C chooses between them, never B.
    grant(fund.ta2, Role.TREASURER, organisation=fund.c, campaign=fund.campaign)
    both = sign_in(Client(), fund.ta2)
    html = both.get(received_url(pledge)).content.decode()
    assert 'name="organisation"' in html
    assert fund.a.name.replace("'", "&#x27;") in html
    assert fund.b.name.replace("'", "&#x27;") not in html
    refused = both.post(received_url(pledge), receive_form(fund, organisation=fund.b.pk))
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()
    assert not Entry.objects.exists()
    # With one organisation to act for, an id slipped in changes nothing: it is theirs.
    done = sign_in(Client(), fund.ta).post(
        received_url(pledge), receive_form(fund, organisation=fund.b.pk)
    )
    assert done.status_code == 302
    assert Entry.objects.get().posted_for == fund.a


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": "10.001"}, "GBP has 2 decimal places"),
        ({"amount": "0"}, "more than zero"),
        ({"amount": "abc"}, "Enter an amount"),
        ({"received_on": "2999-01-01"}, "cannot be in the future"),
        ({"received_on": "yesterday"}, "Enter a valid date."),
        ({"account": "usd"}, "Select a valid choice"),
        ({"account": "legal"}, "Select a valid choice"),
    ],
)
def test_bad_receipts_post_nothing(fund: Books, change: dict[str, str], message: str) -> None:
    """A bad amount or date, an account of another currency or one that holds no money:
    the form again with what is wrong, nothing posted."""
    usd = account_add(
        fund=fund.fund, by=fund.ta, organisation=fund.a, kind="BANK", name="Bank", currency="USD"
    )
    pledge = confirmed(fund)
    if change.get("account") == "usd":
        change["account"] = str(usd.pk)
    elif change.get("account") == "legal":
        change["account"] = str(fund.legal.pk)
    response = sign_in(Client(), fund.ta).post(received_url(pledge), receive_form(fund, **change))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "nothing was posted" in html
    assert not Entry.objects.exists()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.CONFIRMED


def test_the_receive_service_refuses_what_the_page_cannot_send(fund: Books) -> None:
    """A pending pledge, an account of another currency, kind or fund: refused, nothing
    posted."""
    usd = account_add(
        fund=fund.fund, by=fund.ta, organisation=fund.a, kind="BANK", name="Bank", currency="USD"
    )
    pending = make(fund, email="pending@example.org")
    pledge = confirmed(fund)
    common = {"by": fund.ta, "organisation": fund.a, "received_on": fund.today}
    with pytest.raises(ValidationError, match="Only a confirmed pledge"):
        services.pledge_receive(pledge=pending, account=fund.bank, **common)
    with pytest.raises(ValidationError, match="holds USD only; this pledge is in GBP"):
        services.pledge_receive(pledge=pledge, account=usd, **common)
    for wrong in (fund.legal, fund.account("pledges-receivable")):
        with pytest.raises(ValidationError, match="bank or cash account"):
            services.pledge_receive(pledge=pledge, account=wrong, **common)
    with pytest.raises(PermissionDenied):
        services.pledge_receive(
            pledge=pledge, account=fund.other_fund.accounts.get(code="bank-gbp"), **common
        )
    assert not Entry.objects.exists()
    assert Account.objects.filter(pk=usd.pk).exists()


def test_the_list_pages_fifty_at_a_time_and_finds_a_reference(
    fund: Books, django_assert_max_num_queries: Any
) -> None:
    """Outstanding pledges only, oldest first, 50 a page, in a bounded number of queries;
    a reference finds its pledge, an unknown one nothing."""
    now = timezone.now()
    Pledge.objects.bulk_create(
        Pledge(
            fund=fund.fund,
            amount_minor=100 + n,
            currency="GBP",
            name=f"Pledger {n:02d}" if n % 2 else "",
            email=f"p{n}@example.org",
            language="en",
            status=Pledge.Status.CONFIRMED,
            confirmed_at=now - timedelta(minutes=60 - n),
        )
        for n in range(51)
    )
    Pledge.objects.create(
        fund=fund.fund, amount_minor=1, currency="GBP", email="w@example.org", language="en"
    )
    client = sign_in(Client(), fund.ta)
    client.get("/fund/free-them/treasury/pledges/")  # warm the session
    with django_assert_max_num_queries(12):
        first = client.get("/fund/free-them/treasury/pledges/")
    html = first.content.decode()
    assert html.count("Mark received") == 50
    assert "Page 1 of 2" in html
    assert "anonymous" in html
    assert "Pledger 01" in html
    assert "@example.org" not in html
    second = client.get("/fund/free-them/treasury/pledges/?page=2").content.decode()
    assert second.count("Mark received") == 1
    last = Pledge.objects.filter(status=Pledge.Status.CONFIRMED).order_by("-confirmed_at").first()
    assert last is not None
    assert f"P-{last.pk}<" in second
    found = client.get(f"/fund/free-them/treasury/pledges/?reference=p-{last.pk}").content
    assert found.decode().count("Mark received") == 1
    none = client.get("/fund/free-them/treasury/pledges/?reference=nothing").content.decode()
    assert "No outstanding pledge has the reference" in none


# --- Nobody sees a pledger's address ----------------------------------------------------------


def test_no_page_shows_a_pledgers_address(fund: Books, admin_client: Client) -> None:
    """The pledge pages, the pledger's own pages, the treasurers' list and form, and the
    admin never show the address; the name only to treasurers, never publicly unless agreed."""
    pledge = confirmed(fund, name=CANARY_NAME, email=CANARY_EMAIL)
    treasurer = sign_in(Client(), fund.ta)
    responses = {
        "form": Client().get(PLEDGE_URL),
        "urdu form": Client().get("/ur" + PLEDGE_URL),
        "sent": Client().get("/fund/free-them/pledge/sent/"),
        "manage": Client().get(manage_url(pledge)),
        "bad post": post_pledge(Client(), email="x@example.org", amount="0"),
        "list": treasurer.get("/fund/free-them/treasury/pledges/"),
        "received form": treasurer.get(received_url(pledge)),
        "admin": admin_client.get("/admin/"),
        "admin events": admin_client.get("/admin/fund/fundevent/"),
        "admin entries": admin_client.get("/admin/fund/entry/"),
    }
    waiting = make(fund, name=CANARY_NAME, email=CANARY_EMAIL)
    responses["confirm"] = Client().get(confirm_url(waiting))
    treasurer.post(received_url(pledge), receive_form(fund))
    responses["after receipt"] = treasurer.get("/fund/free-them/treasury/pledges/")
    responses["admin events after"] = admin_client.get("/admin/fund/fundevent/")
    responses["admin entries after"] = admin_client.get("/admin/fund/entry/")
    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == {
        **dict.fromkeys(responses, 200),
        "bad post": 400,
    }
    for name, response in responses.items():
        html = response.content.decode()
        assert CANARY_EMAIL not in html, name
        if name not in {"list", "received form"}:
            assert CANARY_NAME not in html, name
    assert "Pledge" not in [model.__name__ for model in admin_registry()]


def admin_registry() -> list[Any]:
    from django.contrib import admin

    from habeas.coalition.admin import site

    return list(site._registry) + list(admin.site._registry)

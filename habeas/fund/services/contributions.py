"""Money in: contributions a treasurer records."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import Organisation
from habeas.coalition.services._checks import clean_text
from habeas.core.text import refuse_bidi_controls
from habeas.fund.models import Account, Contribution, Entry, Fund, FundEvent
from habeas.fund.money import check_currency, format_money, parse_amount
from habeas.fund.services._common import record, require_treasurer
from habeas.fund.services.ledger import Leg, check_booked_on, lock_fund, post_entry

DONOR_NAME_LIMIT = 200


def income_account(fund: Fund) -> Account:
    """The fund's contributions income account."""
    return fund.accounts.get(code="contributions")


def post_contribution(
    *,
    fund: Fund,
    by: User,
    organisation: Organisation,
    amount_minor: int,
    currency: str,
    account: Account,
    method: str,
    donor_name: str,
    donor_organisation: Organisation | None,
    name_public: bool,
    received_on: datetime.date,
) -> Contribution:
    """Post a contribution: debit ``account``, credit contributions income.

    Internal: the caller has checked ``by`` and locked the fund. The public
    description names the donor only if they agreed.
    """
    if account.fund_id != fund.pk:
        raise PermissionDenied
    if not account.holds_money:
        raise ValidationError(
            {"account": _("Money received goes to a bank, cash or promised-money account.")}
        )
    if method not in Contribution.Method.values:
        raise ValidationError({"method": _("Choose how it was paid.")})
    check_booked_on(received_on, field="received_on")
    donor_name = refuse_bidi_controls(
        clean_text(donor_name, field="donor_name", limit=DONOR_NAME_LIMIT, required=False),
        field="donor_name",
    )
    if name_public and not (donor_name or donor_organisation):
        raise ValidationError(
            {
                "name_public": _(
                    "There is no name to show: leave the box unticked for an anonymous gift."
                )
            }
        )
    # The ledger's words are stored once, in the site's language, whatever the
    # treasurer reads the site in: the public ledger does not change with its poster.
    with translation.override(settings.LANGUAGE_CODE):
        if name_public:
            shown = donor_name or str(donor_organisation)
            if donor_name and donor_organisation:
                shown = f"{donor_name} ({donor_organisation})"
            description = _("Contribution from %(donor)s") % {"donor": shown}
        else:
            description = _("Contribution (donor not named)")
    entry = post_entry(
        fund=fund,
        kind=Entry.Kind.CONTRIBUTION,
        booked_on=received_on,
        description=description,
        legs=[
            Leg(account, currency, amount_minor),
            Leg(income_account(fund), currency, -amount_minor),
        ],
        by=by,
        organisation=organisation,
    )
    return Contribution.objects.create(
        fund=fund,
        entry=entry,
        method=method,
        donor_name=donor_name,
        donor_organisation=donor_organisation,
        name_public=name_public,
        amount_minor=amount_minor,
        currency=currency,
    )


@transaction.atomic
def contribution_record(
    *,
    fund: Fund,
    by: User,
    organisation: Organisation,
    amount: str,
    currency: str,
    account: Account,
    method: str,
    donor_name: str = "",
    donor_organisation: Organisation | None = None,
    name_public: bool = False,
    received_on: datetime.date,
) -> Contribution:
    """Record money received into ``account`` and post it to the ledger.

    Raises PermissionDenied unless ``by`` is treasurer for ``organisation`` in
    the fund's campaign; ValidationError for an amount that is not a positive
    amount of ``currency`` with at most its decimal places, an unknown
    currency, an account of another currency or one that does not hold money,
    a future date, or a public name with no name given.
    """
    require_treasurer(by, fund, organisation)
    fund = lock_fund(fund)
    check_currency(currency)
    amount_minor = parse_amount(amount, currency)
    contribution = post_contribution(
        fund=fund,
        by=by,
        organisation=organisation,
        amount_minor=amount_minor,
        currency=currency,
        account=account,
        method=method,
        donor_name=donor_name,
        donor_organisation=donor_organisation,
        name_public=name_public,
        received_on=received_on,
    )
    record(
        fund,
        FundEvent.Kind.CONTRIBUTION,
        _("Contribution of %(amount)s recorded as entry #%(number)d.")
        % {"amount": format_money(amount_minor, currency), "number": contribution.entry.number},
        by=by,
        organisation=organisation,
        entry=contribution.entry,
    )
    return contribution

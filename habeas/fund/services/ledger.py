"""Posting to the ledger: the one place entries, lines and balances are written.

``post_entry`` checks that an entry balances in each currency, that every
line's account belongs to the fund and takes its currency, and keeps each
account's ``Balance`` and the fund's ``MonthTotal`` in the same transaction.
Posts to one fund are serialised by locking the fund's row, and a balance
that would go below zero is refused (and refused again by the database's
check), so two payments racing for the same money cannot both be made.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import Organisation
from habeas.core.pagecache import public_changed
from habeas.fund.models import Account, Balance, Entry, Fund, FundEvent, Line, MonthTotal
from habeas.fund.money import check_currency, format_money, parse_amount
from habeas.fund.services._common import record, require_treasurer

DESCRIPTION_LIMIT = 300
REASON_LIMIT = 500
MAX_LINES = 20


@dataclass(frozen=True)
class Leg:
    """One line to post: debits positive, credits negative, in minor units."""

    account: Account
    currency: str
    amount_minor: int


def lock_fund(fund: Fund) -> Fund:
    """The fund's row, locked until the transaction ends: posts to one fund run one at a time."""
    return Fund.objects.select_for_update().get(pk=fund.pk)


def check_legs(fund: Fund, legs: Sequence[Leg]) -> None:
    """ValidationError unless ``legs`` make a balanced entry of ``fund``."""
    if len(legs) < 2:
        raise ValidationError(_("An entry needs at least two lines."))
    if len(legs) > MAX_LINES:
        raise ValidationError(_("An entry has at most %(limit)d lines.") % {"limit": MAX_LINES})
    totals: dict[str, int] = defaultdict(int)
    for leg in legs:
        check_currency(leg.currency)
        if leg.account.fund_id != fund.pk:
            raise ValidationError(_("Every line must be on one of this fund's accounts."))
        if leg.account.currency and leg.account.currency != leg.currency:
            raise ValidationError(
                _("%(account)s holds %(currency)s only.")
                % {"account": leg.account.name, "currency": leg.account.currency}
            )
        if leg.amount_minor == 0:
            raise ValidationError(_("A line cannot be zero."))
        totals[leg.currency] += leg.amount_minor
    unbalanced = sorted(currency for currency, total in totals.items() if total != 0)
    if unbalanced:
        raise ValidationError(
            _(
                "This entry does not balance in %(currencies)s: "
                "its debits and credits must be equal in each currency."
            )
            % {"currencies": ", ".join(unbalanced)}
        )


@transaction.atomic
def post_entry(
    *,
    fund: Fund,
    kind: str,
    booked_on: datetime.date,
    description: str,
    legs: Sequence[Leg],
    by: User | None,
    organisation: Organisation | None,
    reverses: Entry | None = None,
    reason: str = "",
) -> Entry:
    """Post one balanced entry and move the balances it touches.

    Internal: callers check permissions first. Must run inside a transaction
    that has locked the fund (``lock_fund``). Raises ValidationError if the
    entry does not balance, uses another fund's account or a currency an
    account does not hold, or would take any account below zero; then it has
    written nothing (a savepoint undoes the balances already moved), even
    for a caller that catches the error and goes on.
    """
    check_legs(fund, legs)
    description = description.strip()
    if not description:
        raise ValidationError({"description": _("Say what this entry is, for the public.")})
    if len(description) > DESCRIPTION_LIMIT:
        raise ValidationError(
            {
                "description": _("At most %(limit)d characters, please.")
                % {"limit": DESCRIPTION_LIMIT}
            }
        )
    deltas: dict[tuple[int, str], int] = defaultdict(int)
    accounts = {leg.account.pk: leg.account for leg in legs}
    for leg in legs:
        sign = 1 if leg.account.debit_normal else -1
        deltas[(leg.account.pk, leg.currency)] += sign * leg.amount_minor
    for (account_id, currency), delta in sorted(deltas.items()):
        balance, _created = Balance.objects.get_or_create(account_id=account_id, currency=currency)
        if balance.balance_minor + delta < 0:
            raise ValidationError(
                _("This would take %(account)s below zero in %(currency)s: it holds %(balance)s.")
                % {
                    "account": accounts[account_id].name,
                    "currency": currency,
                    "balance": format_money(balance.balance_minor, currency),
                }
            )
        if delta:
            Balance.objects.filter(pk=balance.pk).update(balance_minor=F("balance_minor") + delta)
    number = (Entry.objects.filter(fund=fund).aggregate(top=Max("number"))["top"] or 0) + 1
    entry = Entry.objects.create(
        fund=fund,
        number=number,
        kind=kind,
        booked_on=booked_on,
        description=description,
        posted_by=by,
        posted_for=organisation,
        reverses=reverses,
        reason=reason,
    )
    Line.objects.bulk_create(
        Line(
            entry=entry, account=leg.account, currency=leg.currency, amount_minor=leg.amount_minor
        )
        for leg in legs
    )
    _add_to_month(fund, booked_on, legs)
    public_changed()
    return entry


def _add_to_month(fund: Fund, booked_on: datetime.date, legs: Sequence[Leg]) -> None:
    income: dict[str, int] = defaultdict(int)
    spending: dict[str, int] = defaultdict(int)
    for leg in legs:
        if leg.account.kind == Account.Kind.INCOME:
            income[leg.currency] -= leg.amount_minor
        elif leg.account.kind == Account.Kind.EXPENSE:
            spending[leg.currency] += leg.amount_minor
    month = booked_on.replace(day=1)
    for currency in sorted(set(income) | set(spending)):
        total, _created = MonthTotal.objects.get_or_create(
            fund=fund, month=month, currency=currency
        )
        MonthTotal.objects.filter(pk=total.pk).update(
            income_minor=F("income_minor") + income[currency],
            spending_minor=F("spending_minor") + spending[currency],
        )


def check_booked_on(booked_on: datetime.date, *, field: str = "booked_on") -> datetime.date:
    """``booked_on`` if it is not in the future nor before 2000; ValidationError otherwise."""
    if booked_on > timezone.localdate() + datetime.timedelta(days=1):
        raise ValidationError({field: _("The date cannot be in the future.")})
    if booked_on.year < 2000:
        raise ValidationError({field: _("Check the date: it is too long ago.")})
    return booked_on


@transaction.atomic
def transfer_post(
    *,
    fund: Fund,
    by: User,
    organisation: Organisation,
    booked_on: datetime.date,
    description: str,
    lines: Sequence[tuple[Account, str, str, str]],
) -> Entry:
    """Move money between the fund's own bank, cash and promised-money accounts.

    ``lines`` holds (account, currency, debit, credit) with one of debit and
    credit given as text. Only accounts that hold money may be used: spending
    is a payment request, which needs other organisations' approval.
    Raises PermissionDenied unless ``by`` is treasurer for ``organisation``;
    ValidationError for an amount that is not a positive amount of its
    currency, a line with both or neither side, an entry that does not
    balance in each currency, or one that would overdraw an account.
    """
    require_treasurer(by, fund, organisation)
    fund = lock_fund(fund)
    check_booked_on(booked_on)
    legs = []
    for account, currency, debit, credit in lines:
        if account.fund_id != fund.pk:
            raise PermissionDenied
        if not account.holds_money:
            raise ValidationError(
                _(
                    "A transfer moves money between the fund's bank, cash and promised-money "
                    "accounts; to spend, request a payment."
                )
            )
        check_currency(currency)
        debit, credit = debit.strip(), credit.strip()
        if bool(debit) == bool(credit):
            raise ValidationError(_("Give each line a debit or a credit, not both."))
        if debit:
            legs.append(Leg(account, currency, parse_amount(debit, currency, field="__all__")))
        else:
            legs.append(Leg(account, currency, -parse_amount(credit, currency, field="__all__")))
    entry = post_entry(
        fund=fund,
        kind=Entry.Kind.TRANSFER,
        booked_on=booked_on,
        description=description,
        legs=legs,
        by=by,
        organisation=organisation,
    )
    record(
        fund,
        FundEvent.Kind.TRANSFER,
        _("Transfer #%(number)d posted.") % {"number": entry.number},
        by=by,
        organisation=organisation,
        entry=entry,
    )
    return entry


@transaction.atomic
def entry_reverse(*, entry: Entry, by: User, organisation: Organisation, reason: str) -> Entry:
    """Undo a posted entry by posting its mirror image, pointing back to it.

    Raises PermissionDenied unless ``by`` is treasurer for ``organisation`` in
    the entry's fund; ValidationError without a reason, for a reversal or an
    entry already reversed, or when undoing it would take an account below
    zero (money already spent cannot be un-received).
    """
    fund = entry.fund
    require_treasurer(by, fund, organisation)
    fund = lock_fund(fund)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this entry is reversed.")})
    if len(reason) > REASON_LIMIT:
        raise ValidationError(
            {"reason": _("At most %(limit)d characters, please.") % {"limit": REASON_LIMIT}}
        )
    if entry.kind == Entry.Kind.REVERSAL:
        raise ValidationError(_("A reversal is not reversed; post the entry again instead."))
    if Entry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry has already been reversed."))
    legs = [
        Leg(line.account, line.currency, -line.amount_minor)
        for line in entry.lines.select_related("account")
    ]
    with translation.override(settings.LANGUAGE_CODE):  # stored once, in the site's language
        description = _("Reversal of entry #%(number)d") % {"number": entry.number}
    reversal = post_entry(
        fund=fund,
        kind=Entry.Kind.REVERSAL,
        booked_on=timezone.localdate(),
        description=description,
        legs=legs,
        by=by,
        organisation=organisation,
        reverses=entry,
        reason=reason,
    )
    record(
        fund,
        FundEvent.Kind.REVERSAL,
        _("Entry #%(number)d reversed by #%(reversal)d: %(reason)s")
        % {"number": entry.number, "reversal": reversal.number, "reason": reason},
        by=by,
        organisation=organisation,
        entry=reversal,
    )
    return reversal

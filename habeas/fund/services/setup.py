"""Opening a fund, its chart of accounts, its settings and its exchange rates."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from habeas.accounts.models import User
from habeas.coalition.models import Campaign, Organisation
from habeas.coalition.services._checks import clean_text, require
from habeas.core.pagecache import public_changed
from habeas.core.text import refuse_bidi_controls
from habeas.fund.models import MIN_APPROVALS, Account, ExchangeRate, Fund, FundEvent
from habeas.fund.money import check_currency, parse_amount
from habeas.fund.services._common import record, require_treasurer
from habeas.fund.services.ledger import check_booked_on

HOW_TO_PAY_LIMIT = 3000
ACCOUNT_NAME_LIMIT = 100
SOURCE_LIMIT = 200
MAX_APPROVALS = 20
MAX_ACCOUNTS = 100

# The chart every fund starts with: (code, kind, English name, Urdu name).
# Bank and cash accounts are opened in the reporting currency; treasurers add
# others for other currencies.
STANDARD_CHART = (
    ("contributions", Account.Kind.INCOME, gettext_noop("Contributions"), "عطیات"),
    (
        "pledges-receivable",
        Account.Kind.RECEIVABLE,
        gettext_noop("Pledges receivable"),
        "وعدہ شدہ رقوم",
    ),
    ("legal-fees", Account.Kind.EXPENSE, gettext_noop("Legal fees"), "قانونی اخراجات"),
    ("bail", Account.Kind.EXPENSE, gettext_noop("Bail and sureties"), "ضمانت"),
    ("family-support", Account.Kind.EXPENSE, gettext_noop("Family support"), "خاندانوں کی مدد"),
    ("travel", Account.Kind.EXPENSE, gettext_noop("Travel"), "سفر"),
    (
        "fees",
        Account.Kind.EXPENSE,
        gettext_noop("Bank and transfer fees"),
        "بینک اور ترسیل کی فیس",
    ),
)


def fund_create(*, campaign: Campaign, reporting_currency: str) -> Fund:
    """Create ``campaign``'s fund with the standard chart and a bank and a cash account
    in ``reporting_currency``, or return the fund it has. Internal: no permission
    check (the demo and ``fund_open`` call it)."""
    check_currency(reporting_currency, field="reporting_currency")
    with transaction.atomic():
        existing = Fund.objects.filter(campaign=campaign).first()
        if existing is not None:
            return existing
        fund = Fund.objects.create(campaign=campaign, reporting_currency=reporting_currency)
        for code, kind, name, name_ur in STANDARD_CHART:
            Account.objects.create(fund=fund, code=code, kind=kind, name=name, name_ur=name_ur)
        code = reporting_currency.lower()
        Account.objects.create(
            fund=fund,
            code=f"bank-{code}",
            kind=Account.Kind.BANK,
            name=f"Bank ({reporting_currency})",
            name_ur=f"بینک ({reporting_currency})",
            currency=reporting_currency,
        )
        Account.objects.create(
            fund=fund,
            code=f"cash-{code}",
            kind=Account.Kind.CASH,
            name=f"Cash ({reporting_currency})",
            name_ur=f"نقد ({reporting_currency})",
            currency=reporting_currency,
        )
        public_changed()
    return fund


@transaction.atomic
def fund_open(*, campaign: Campaign, by: User, reporting_currency: str) -> Fund:
    """Open ``campaign``'s defence fund, on a coordinator's word.

    Raises PermissionDenied unless ``by`` coordinates the campaign;
    ValidationError for an unknown currency or a fund already open.
    """
    require(by, "fund.open_fund", campaign)
    if Fund.objects.filter(campaign=campaign).exists():
        raise ValidationError(_("This campaign already has a fund."))
    fund = fund_create(campaign=campaign, reporting_currency=reporting_currency)
    record(fund, FundEvent.Kind.OPENED, _("Fund opened."), by=by)
    return fund


@transaction.atomic
def fund_settings_change(
    *,
    fund: Fund,
    by: User,
    goal: str,
    approvals_required: int,
    how_to_pay: str,
    how_to_pay_ur: str,
) -> Fund:
    """Set the goal (in the reporting currency, or none), how many organisations must
    approve a payment, and the published payment details; recorded, and a change
    of payment details is dated publicly.

    Raises PermissionDenied unless ``by`` coordinates the fund's campaign;
    ValidationError for a goal that is not a positive amount, fewer than two
    approving organisations, or payment details too long.
    """
    require(by, "fund.manage_fund", fund)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    goal_minor = (
        parse_amount(goal, fund.reporting_currency, field="goal") if goal.strip() else None
    )
    if not MIN_APPROVALS <= approvals_required <= MAX_APPROVALS:
        raise ValidationError(
            {
                "approvals_required": _(
                    "At least %(least)d organisations must approve a payment: no one spends alone."
                )
                % {"least": MIN_APPROVALS}
            }
        )
    how_to_pay = clean_text(how_to_pay, field="how_to_pay", limit=HOW_TO_PAY_LIMIT, required=False)
    how_to_pay_ur = clean_text(
        how_to_pay_ur, field="how_to_pay_ur", limit=HOW_TO_PAY_LIMIT, required=False
    )
    changes = []
    if goal_minor != fund.goal_minor:
        changes.append(_("goal"))
    if approvals_required != fund.approvals_required:
        changes.append(_("approvals needed"))
    if (how_to_pay, how_to_pay_ur) != (fund.how_to_pay, fund.how_to_pay_ur):
        changes.append(_("payment details"))
        fund.how_to_pay_changed_at = timezone.now()
    fund.goal_minor = goal_minor
    fund.approvals_required = approvals_required
    fund.how_to_pay = how_to_pay
    fund.how_to_pay_ur = how_to_pay_ur
    fund.save(
        update_fields=[
            "goal_minor",
            "approvals_required",
            "how_to_pay",
            "how_to_pay_ur",
            "how_to_pay_changed_at",
        ]
    )
    if changes:
        record(
            fund,
            FundEvent.Kind.SETTINGS,
            _("Changed: %(what)s.") % {"what": ", ".join(str(c) for c in changes)},
            by=by,
        )
        public_changed()
    return fund


@transaction.atomic
def account_add(
    *, fund: Fund, by: User, organisation: Organisation, kind: str, name: str, currency: str
) -> Account:
    """Add an account to the fund's chart (a bank or cash account in another currency,
    or a spending category).

    Raises PermissionDenied unless ``by`` is treasurer for ``organisation``;
    ValidationError for an unknown kind or currency, a bank or cash account
    without a currency, a name already used or holding direction controls (it
    is shown publicly), or a chart already at its limit.
    """
    require_treasurer(by, fund, organisation)
    if kind not in {Account.Kind.BANK, Account.Kind.CASH, Account.Kind.EXPENSE}:
        raise ValidationError(
            {"kind": _("Add a bank account, a cash account or a spending category.")}
        )
    name = refuse_bidi_controls(
        clean_text(name, field="name", limit=ACCOUNT_NAME_LIMIT), field="name"
    )
    if kind in {Account.Kind.BANK, Account.Kind.CASH}:
        if not currency:
            raise ValidationError({"currency": _("A bank or cash account holds one currency.")})
        check_currency(currency)
    else:
        currency = ""
    if fund.accounts.count() >= MAX_ACCOUNTS:
        raise ValidationError(_("This fund has as many accounts as it may have."))
    if fund.accounts.filter(name__iexact=name, currency=currency).exists():
        raise ValidationError({"name": _("The fund already has an account of that name.")})
    base = slugify(f"{name} {currency}")[:30] or "account"
    code = base
    number = 1
    while fund.accounts.filter(code=code).exists():
        number += 1
        code = f"{base}-{number}"
    try:
        with transaction.atomic():
            account = Account.objects.create(
                fund=fund, code=code, kind=kind, name=name, currency=currency
            )
    except IntegrityError:
        raise ValidationError(
            {"name": _("The fund already has an account of that name.")}
        ) from None
    record(
        fund,
        FundEvent.Kind.ACCOUNT,
        _("Account added: %(account)s.") % {"account": account},
        by=by,
        organisation=organisation,
    )
    public_changed()
    return account


@transaction.atomic
def rate_record(
    *,
    fund: Fund,
    by: User,
    organisation: Organisation,
    currency: str,
    rate: str,
    source: str,
    as_of: datetime.date,
) -> ExchangeRate:
    """Record the rate of ``currency`` in the fund's reporting currency, with its source
    and date: public totals use the latest rate of each currency.

    Raises PermissionDenied unless ``by`` is treasurer for ``organisation``;
    ValidationError for the reporting currency itself, an unknown currency, a
    rate that is not a positive number, a missing source or a future date.
    """
    require_treasurer(by, fund, organisation)
    check_currency(currency)
    if currency == fund.reporting_currency:
        raise ValidationError({"currency": _("The reporting currency needs no rate.")})
    try:
        value = Decimal(rate.strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError({"rate": _("Enter a rate such as 0.0036.")}) from None
    if not value.is_finite() or value <= 0 or value >= Decimal(10) ** 11:
        raise ValidationError({"rate": _("Enter a rate such as 0.0036.")})
    if -int(value.normalize().as_tuple().exponent) > 8:
        raise ValidationError({"rate": _("At most 8 decimal places, please.")})
    source = clean_text(source, field="source", limit=SOURCE_LIMIT)
    check_booked_on(as_of, field="as_of")
    exchange_rate = ExchangeRate.objects.create(
        fund=fund, currency=currency, rate=value, source=source, as_of=as_of, recorded_by=by
    )
    record(
        fund,
        FundEvent.Kind.RATE,
        _("Rate recorded: 1 %(currency)s = %(rate)s %(reporting)s (%(source)s, %(date)s).")
        % {
            "currency": currency,
            "rate": value,
            "reporting": fund.reporting_currency,
            "source": source,
            "date": as_of.isoformat(),
        },
        by=by,
        organisation=organisation,
    )
    public_changed()
    return exchange_rate

"""The defence fund: a double-entry ledger per campaign, and what feeds and drains it.

Money is kept in whole minor units of its currency (``habeas.fund.money``).
Every ``Entry`` is a set of ``Line`` rows whose amounts (debits positive,
credits negative) sum to zero in each currency; entries are written once by
the services and never changed: a mistake is undone by a reversing entry
that points to the one it undoes. ``Balance`` and ``MonthTotal`` are kept by
the same services in the same transaction, so the public page reads a few
rows however long the ledger grows; the database refuses a balance below
zero, so no race can overdraw an account.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habeas.coalition.models import Campaign, Organisation
from habeas.core.storage import private_storage
from habeas.fund.money import CURRENCY_CHOICES

CURRENCY_LENGTH = 3
MIN_APPROVALS = 2


def _private_storage() -> Any:
    return private_storage


class Fund(models.Model):
    """A campaign's defence fund: its goal, its rule for spending and how to pay in."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="fund")
    reporting_currency = models.CharField(
        _("reporting currency"), max_length=CURRENCY_LENGTH, choices=CURRENCY_CHOICES
    )
    goal_minor = models.BigIntegerField(_("goal"), null=True, blank=True)
    approvals_required = models.PositiveSmallIntegerField(
        _("organisations that must approve a payment"), default=MIN_APPROVALS
    )
    how_to_pay = models.TextField(_("how to pay in"), blank=True, max_length=3000)
    how_to_pay_ur = models.TextField(_("how to pay in, in Urdu"), blank=True, max_length=3000)
    how_to_pay_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("defence fund")
        verbose_name_plural = _("defence funds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approvals_required__gte=MIN_APPROVALS),
                name="fund_never_spent_by_one",
            ),
            models.CheckConstraint(
                condition=models.Q(goal_minor__isnull=True) | models.Q(goal_minor__gt=0),
                name="fund_goal_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.campaign)

    def get_absolute_url(self) -> str:
        return reverse("fund:public", kwargs={"slug": self.campaign.slug})


class Account(models.Model):
    """One account of a fund's chart. Bank and cash accounts hold one currency;
    the others may carry lines in any."""

    class Kind(models.TextChoices):
        BANK = "BANK", _("Bank account")
        CASH = "CASH", _("Cash")
        RECEIVABLE = "RECEIVABLE", _("Money promised")
        INCOME = "INCOME", _("Income")
        EXPENSE = "EXPENSE", _("Spending")

    # Kinds whose balance is money the fund holds (or is owed): debits raise it.
    HOLDING: ClassVar[frozenset[str]] = frozenset({Kind.BANK, Kind.CASH, Kind.RECEIVABLE})
    # Kinds whose normal balance is a debit; income's is a credit.
    DEBIT_NORMAL: ClassVar[frozenset[str]] = frozenset(
        {Kind.BANK, Kind.CASH, Kind.RECEIVABLE, Kind.EXPENSE}
    )

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="accounts")
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    name_ur = models.CharField(_("name in Urdu"), max_length=100, blank=True)
    currency = models.CharField(
        _("currency"), max_length=CURRENCY_LENGTH, choices=CURRENCY_CHOICES, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="account_code_once_per_fund"),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["BANK", "CASH"]) | ~models.Q(currency=""),
                name="account_money_has_a_currency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})" if self.currency else self.name

    @property
    def debit_normal(self) -> bool:
        return self.kind in self.DEBIT_NORMAL

    @property
    def holds_money(self) -> bool:
        return self.kind in self.HOLDING


_Posted = TypeVar("_Posted", bound=models.Model)


class PostedQuerySet(models.QuerySet[_Posted]):
    """Rows of posted entries: like ``save`` and ``delete`` on one row, changing or
    deleting them in bulk is refused (only raw SQL gets past)."""

    def update(self, **kwargs: Any) -> int:
        raise ValidationError(_("A posted entry is never changed: reverse it instead."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("A posted entry is never deleted: reverse it instead."))


class Entry(models.Model):
    """A posted journal entry: never changed, only reversed by another."""

    class Kind(models.TextChoices):
        CONTRIBUTION = "CONTRIBUTION", _("Contribution")
        DISBURSEMENT = "DISBURSEMENT", _("Payment")
        TRANSFER = "TRANSFER", _("Transfer between accounts")
        REVERSAL = "REVERSAL", _("Reversal")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    booked_on = models.DateField(_("date"))
    description = models.CharField(_("public description"), max_length=300)
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    posted_for = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    reason = models.CharField(_("reason for the reversal"), max_length=500, blank=True)

    objects = PostedQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="entry_number_once_per_fund"),
            models.CheckConstraint(
                condition=models.Q(kind="REVERSAL", reverses__isnull=False)
                | (~models.Q(kind="REVERSAL") & models.Q(reverses__isnull=True)),
                name="entry_reversal_points_back",
            ),
        ]
        indexes = [models.Index(fields=["fund", "booked_on"], name="entry_fund_date")]

    def __str__(self) -> str:
        return f"#{self.number} {self.description}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError(_("A posted entry is never changed: reverse it instead."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(_("A posted entry is never deleted: reverse it instead."))


class Line(models.Model):
    """One side of an entry: an amount of one currency on one account.

    Debits are positive, credits negative; never zero.
    """

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    currency = models.CharField(max_length=CURRENCY_LENGTH, choices=CURRENCY_CHOICES)
    amount_minor = models.BigIntegerField()

    objects = PostedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_minor=0), name="line_amount_not_zero"
            ),
        ]
        indexes = [models.Index(fields=["account", "currency"], name="line_account_currency")]

    def __str__(self) -> str:
        return f"{self.account}: {self.currency} {self.amount_minor}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError(_("A posted entry is never changed: reverse it instead."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(_("A posted entry is never deleted: reverse it instead."))


class Balance(models.Model):
    """An account's balance in one currency, on its normal side (what a bank
    account holds, what was raised, what was spent); kept by the posting service."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="balances")
    currency = models.CharField(max_length=CURRENCY_LENGTH, choices=CURRENCY_CHOICES)
    balance_minor = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["account", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "currency"], name="balance_once_per_account_currency"
            ),
            models.CheckConstraint(
                condition=models.Q(balance_minor__gte=0), name="balance_never_below_zero"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.currency} {self.balance_minor}"


class MonthTotal(models.Model):
    """Money raised and spent in one month and currency (net of reversals), for the
    public chart; kept by the posting service."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="month_totals")
    month = models.DateField()
    currency = models.CharField(max_length=CURRENCY_LENGTH, choices=CURRENCY_CHOICES)
    income_minor = models.BigIntegerField(default=0)
    spending_minor = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["month", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "month", "currency"], name="month_total_once"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.currency}"


class Contribution(models.Model):
    """Money received, as a treasurer recorded it, with the donor named publicly
    only if they agreed."""

    class Method(models.TextChoices):
        BANK_TRANSFER = "BANK_TRANSFER", _("Bank transfer")
        CASH = "CASH", _("Cash")
        OTHER = "OTHER", _("Other")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="contributions")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="contribution")
    method = models.CharField(_("how it was paid"), max_length=14, choices=Method.choices)
    donor_name = models.CharField(_("donor's name"), max_length=200, blank=True)
    donor_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name_public = models.BooleanField(_("the donor may be named publicly"), default=False)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=CURRENCY_LENGTH, choices=CURRENCY_CHOICES)

    class Meta:
        ordering = ["-entry__number"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="contribution_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount_minor}"


class Pledge(models.Model):
    """A supporter's promise to pay, made without an account and confirmed by e-mail.

    It posts nothing: only when a treasurer marks it received is a contribution
    entered. The address is kept only to confirm, remind and let the pledger
    cancel, and is erased once the pledge is received, cancelled or expires.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Waiting for confirmation")
        CONFIRMED = "CONFIRMED", _("Promised")
        RECEIVED = "RECEIVED", _("Received")
        CANCELLED = "CANCELLED", _("Cancelled")
        EXPIRED = "EXPIRED", _("Expired")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="pledges")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=CURRENCY_LENGTH, choices=CURRENCY_CHOICES)
    name = models.CharField(_("name"), max_length=200, blank=True)
    name_public = models.BooleanField(_("name me publicly as a donor"), default=False)
    email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    contribution = models.OneToOneField(
        Contribution, on_delete=models.PROTECT, null=True, blank=True, related_name="pledge"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="pledge_positive"),
            models.CheckConstraint(
                condition=~models.Q(status="RECEIVED") | models.Q(contribution__isnull=False),
                name="pledge_received_has_contribution",
            ),
        ]
        indexes = [models.Index(fields=["status", "confirmed_at"], name="pledge_due")]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount_minor} ({self.status})"


class Disbursement(models.Model):
    """A request to pay money out, paid only once enough organisations approve it.

    Its facts never change after the request, so every approver approves the
    same thing. The payee and the person it serves are private unless they
    agreed to be named.
    """

    class Status(models.TextChoices):
        REQUESTED = "REQUESTED", _("Waiting for approval")
        PAID = "PAID", _("Paid")
        DECLINED = "DECLINED", _("Declined")
        WITHDRAWN = "WITHDRAWN", _("Withdrawn")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="disbursements")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested for")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=CURRENCY_LENGTH, choices=CURRENCY_CHOICES)
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("paid from")
    )
    category = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    purpose = models.CharField(_("purpose"), max_length=500)
    serves = models.CharField(_("the person it serves"), max_length=200, blank=True)
    serves_public = models.BooleanField(
        _("the person it serves agreed to be named"), default=False
    )
    payee = models.CharField(_("payee"), max_length=200, blank=True)
    payee_public = models.BooleanField(_("the payee agreed to be named"), default=False)
    receipt = models.FileField(
        _("receipt or invoice"), storage=_private_storage, upload_to="fund/receipts/", blank=True
    )
    receipt_type = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    entry = models.OneToOneField(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="disbursement"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    close_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="disbursement_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="PAID") | models.Q(entry__isnull=False),
                name="disbursement_paid_has_entry",
            ),
        ]
        indexes = [models.Index(fields=["fund", "status"], name="disbursement_fund_status")]

    def __str__(self) -> str:
        return self.purpose


class Approval(models.Model):
    """One organisation's approval of a payment request, by one of its treasurers."""

    disbursement = models.ForeignKey(
        Disbursement, on_delete=models.PROTECT, related_name="approvals"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)

    class Meta:
        ordering = ["approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["disbursement", "organisation"], name="approval_once_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} approves {self.disbursement_id}"


class ExchangeRate(models.Model):
    """A rate a treasurer recorded, with its source and date: units of the fund's
    reporting currency per one unit of ``currency``."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="rates")
    currency = models.CharField(max_length=CURRENCY_LENGTH, choices=CURRENCY_CHOICES)
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=8)
    source = models.CharField(_("source"), max_length=200)
    as_of = models.DateField(_("date of the rate"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["currency", "-as_of", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} ({self.as_of})"


class Reconciliation(models.Model):
    """A bank statement checked against an account: what matched and what did not.

    The statement itself is not kept (it names other people); only its digest
    and the counts.
    """

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="reconciliations")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    statement_sha256 = models.CharField(max_length=64)
    statement_lines = models.PositiveIntegerField()
    matched = models.PositiveIntegerField()
    unmatched_statement = models.PositiveIntegerField()
    unmatched_ledger = models.PositiveIntegerField()
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-done_at"]

    def __str__(self) -> str:
        return f"{self.account}: {self.matched}/{self.statement_lines}"


class FundEvent(models.Model):
    """Every step a treasurer or coordinator took on the fund, for its treasurers to read."""

    class Kind(models.TextChoices):
        OPENED = "OPENED", _("Fund opened")
        SETTINGS = "SETTINGS", _("Settings changed")
        ACCOUNT = "ACCOUNT", _("Account added")
        CONTRIBUTION = "CONTRIBUTION", _("Contribution recorded")
        PLEDGE_RECEIVED = "PLEDGE_RECEIVED", _("Pledge marked received")
        TRANSFER = "TRANSFER", _("Transfer posted")
        REVERSAL = "REVERSAL", _("Entry reversed")
        REQUESTED = "REQUESTED", _("Payment requested")
        APPROVED = "APPROVED", _("Payment approved")
        PAID = "PAID", _("Payment made")
        DECLINED = "DECLINED", _("Payment declined")
        WITHDRAWN = "WITHDRAWN", _("Payment request withdrawn")
        RATE = "RATE", _("Exchange rate recorded")
        RECONCILED = "RECONCILED", _("Bank statement reconciled")
        RECEIPT_VIEWED = "RECEIPT_VIEWED", _("Receipt opened")

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(max_length=500)
    entry = models.ForeignKey(
        Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    disbursement = models.ForeignKey(
        Disbursement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["fund", "-at"], name="fund_event_recent")]

    def __str__(self) -> str:
        return self.summary

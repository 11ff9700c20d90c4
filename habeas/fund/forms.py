"""The treasurers' and coordinators' forms.

Forms only read what was typed; the services decide what is allowed (amounts
are passed on as text, for ``parse_amount`` to check against the currency).
Every treasurer's form says which organisation the treasurer acts for: a
choice among those they keep the books for, fixed when there is one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from habeas.coalition.models import Organisation
from habeas.core.text import validate_no_bidi_controls
from habeas.fund.models import Account, Contribution
from habeas.fund.money import CURRENCY_CHOICES
from habeas.fund.services.disbursements import NAME_LIMIT, PURPOSE_LIMIT, REASON_LIMIT
from habeas.fund.services.ledger import DESCRIPTION_LIMIT
from habeas.fund.services.setup import ACCOUNT_NAME_LIMIT, HOW_TO_PAY_LIMIT, SOURCE_LIMIT

URDU = {"dir": "rtl", "lang": "ur"}
TRANSFER_ROWS = 4
ROW_PARTS = ("account", "currency", "debit", "credit")
AMOUNT_LENGTH = 40
UNKNOWN_CURRENCY = _("“%(value)s” is not a currency this fund keeps.")
RECEIPT_TYPES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def account_label(account: Account) -> str:
    """An account's name in the reader's language, with its currency if it holds one."""
    name = account.name_ur if get_language() == "ur" and account.name_ur else account.name
    if account.currency and account.currency not in name:
        return f"{name} ({account.currency})"
    return name


class AccountChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return account_label(obj)


def _currency_field(**kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Currency"),
        choices=CURRENCY_CHOICES,
        error_messages={"invalid_choice": UNKNOWN_CURRENCY},
        **kwargs,
    )


def _amount_field(label: Any = None, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label or _("Amount"),
        max_length=AMOUNT_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Such as 250 or 1,250.50."),
        **kwargs,
    )


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Year-month-day, such as 2025-06-30."),
    )


class ActingForm(forms.Form):
    """A treasurer's form: the organisation they act for, among those they keep books for.

    ``organisations`` is what a posted choice is checked against; ``offered``, if
    given, the narrower list an unbound form shows. With one organisation the
    choice is fixed (a hidden field, still checked) and named as ``acting_for``.
    """

    organisation = forms.ModelChoiceField(
        label=_("Acting for"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": _("You do not keep the books for that organisation."),
            "required": _("Say which organisation you act for."),
        },
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        offered: list[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        shown = list(organisations) if offered is None else offered
        if offered is not None and not self.is_bound:
            organisations = organisations.filter(pk__in=[o.pk for o in offered])
        field.queryset = organisations  # type: ignore[attr-defined]
        self.acting_for: Organisation | None = None
        if len(shown) == 1:
            self.acting_for = shown[0]
            field.widget = forms.HiddenInput()
            field.initial = shown[0].pk


class ContributionForm(ActingForm):
    amount = _amount_field()
    currency = _currency_field()
    account = AccountChoiceField(
        label=_("Received into"),
        queryset=Account.objects.none(),
        error_messages={"invalid_choice": _("Choose one of the fund's accounts that hold money.")},
    )
    method = forms.ChoiceField(label=_("How it was paid"), choices=Contribution.Method.choices)
    donor_name = forms.CharField(
        label=_("Donor's name"),
        required=False,
        max_length=200,
        validators=[validate_no_bidi_controls],
        help_text=_("Leave empty for an anonymous gift."),
    )
    donor_organisation = forms.ModelChoiceField(
        label=_("Donor organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("None"),
    )
    name_public = forms.BooleanField(
        label=_("The donor may be named publicly"),
        required=False,
        help_text=_("Only if they said so. Otherwise the public ledger says “donor not named”."),
    )
    received_on = _date_field(_("Date received"))

    def __init__(
        self,
        *args: Any,
        accounts: QuerySet[Account],
        donors: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]
        self.fields["donor_organisation"].queryset = donors  # type: ignore[attr-defined]


class DisbursementForm(ActingForm):
    amount = _amount_field()
    currency = _currency_field()
    account = AccountChoiceField(
        label=_("Paid from"),
        queryset=Account.objects.none(),
        error_messages={"invalid_choice": _("Choose one of the fund's bank or cash accounts.")},
    )
    category = AccountChoiceField(
        label=_("Category"),
        queryset=Account.objects.none(),
        error_messages={"invalid_choice": _("Choose one of the fund's spending categories.")},
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=PURPOSE_LIMIT,
        validators=[validate_no_bidi_controls],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown publicly once paid, such as “Lawyer's fee for the bail hearing”."),
    )
    serves = forms.CharField(
        label=_("The person it serves"),
        required=False,
        max_length=NAME_LIMIT,
        validators=[validate_no_bidi_controls],
        help_text=_("If any. Private unless the box below is ticked."),
    )
    serves_public = forms.BooleanField(label=_("They agreed to be named publicly"), required=False)
    payee = forms.CharField(
        label=_("Payee"),
        required=False,
        max_length=NAME_LIMIT,
        validators=[validate_no_bidi_controls],
        help_text=_("Who is paid: a lawyer, a family. Private unless the box below is ticked."),
    )
    payee_public = forms.BooleanField(
        label=_("The payee agreed to be named publicly"), required=False
    )
    receipt = forms.FileField(
        label=_("Receipt or invoice"),
        required=False,
        widget=forms.FileInput(attrs={"accept": RECEIPT_TYPES}),
        help_text=_("A PDF, JPEG or PNG file. Only the fund's treasurers can open it."),
    )

    def __init__(
        self,
        *args: Any,
        accounts: QuerySet[Account],
        categories: QuerySet[Account],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class ApproveForm(ActingForm):
    pass


class DeclineForm(ActingForm):
    reason = forms.CharField(
        label=_("Why it is declined"),
        max_length=REASON_LIMIT,
        error_messages={"required": _("Say why it is declined.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(ActingForm):
    reason = forms.CharField(
        label=_("Why it is withdrawn (optional)"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReverseForm(ActingForm):
    reason = forms.CharField(
        label=_("Why it is reversed"),
        max_length=REASON_LIMIT,
        error_messages={"required": _("Say why this entry is reversed.")},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the reversal, for the other treasurers to read."),
    )


class TransferForm(ActingForm):
    """A journal entry among the fund's own accounts, in rows of account, currency,
    debit and credit; rows left empty are ignored."""

    booked_on = _date_field(_("Date"))
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_LIMIT,
        validators=[validate_no_bidi_controls],
        help_text=_("Public, such as “Cash paid into the bank”."),
    )

    def __init__(self, *args: Any, accounts: QuerySet[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, TRANSFER_ROWS + 1):
            self.fields[f"line{row}_account"] = AccountChoiceField(
                label=_("Account"),
                required=False,
                queryset=accounts,
                empty_label="—",
                error_messages={
                    "invalid_choice": _(
                        "Choose one of the fund's bank, cash or promised-money accounts."
                    )
                },
            )
            self.fields[f"line{row}_currency"] = _currency_field(
                required=False, help_text=_("Leave as it is for the account's own currency.")
            )
            self.fields[f"line{row}_currency"].choices = [  # type: ignore[attr-defined]
                ("", "—"),
                *CURRENCY_CHOICES,
            ]
            self.fields[f"line{row}_debit"] = _amount_field(_("Debit (in)"), required=False)
            self.fields[f"line{row}_credit"] = _amount_field(_("Credit (out)"), required=False)
            for part in ("currency", "debit", "credit"):
                self.fields[f"line{row}_{part}"].help_text = ""

    def rows(self) -> Iterator[tuple[int, list[forms.BoundField]]]:
        """Each row's number and its four fields, for the template."""
        for row in range(1, TRANSFER_ROWS + 1):
            yield (
                row,
                [self[f"line{row}_{part}"] for part in ROW_PARTS],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines: list[tuple[Account, str, str, str]] = []
        for row in range(1, TRANSFER_ROWS + 1):
            if any(f"line{row}_{part}" in self.errors for part in ROW_PARTS):
                continue
            account = data.get(f"line{row}_account")
            currency = data.get(f"line{row}_currency") or ""
            debit = (data.get(f"line{row}_debit") or "").strip()
            credit = (data.get(f"line{row}_credit") or "").strip()
            if account is None and not debit and not credit:
                continue
            if account is None:
                self.add_error(f"line{row}_account", _("Choose the account of this line."))
                continue
            currency = currency or account.currency
            if not currency:
                self.add_error(
                    f"line{row}_currency", _("Choose the currency: this account holds any.")
                )
                continue
            lines.append((account, currency, debit, credit))
        data["lines"] = lines
        return data


class AccountAddForm(ActingForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Account.Kind.BANK, Account.Kind.BANK.label),
            (Account.Kind.CASH, Account.Kind.CASH.label),
            (Account.Kind.EXPENSE, _("Spending category")),
        ],
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=ACCOUNT_NAME_LIMIT,
        validators=[validate_no_bidi_controls],
        help_text=_("Such as “Bank (PKR)” or “Medical care”."),
    )
    currency = forms.ChoiceField(
        label=_("Currency"),
        required=False,
        choices=[("", "—"), *CURRENCY_CHOICES],
        error_messages={"invalid_choice": UNKNOWN_CURRENCY},
        help_text=_("For a bank or cash account: the one currency it holds."),
    )


class RateForm(ActingForm):
    currency = _currency_field()
    rate = forms.CharField(
        label=_("Rate"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=SOURCE_LIMIT,
        validators=[validate_no_bidi_controls],
        help_text=_("Where the rate comes from, such as “State Bank of Pakistan”."),
    )
    as_of = _date_field(_("Date of the rate"))


class ReconcileForm(ActingForm):
    account = AccountChoiceField(
        label=_("Bank account"),
        queryset=Account.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the fund's bank accounts.")},
    )
    statement = forms.FileField(
        label=_("Bank statement (CSV)"),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "empty": _("The file is empty: upload the statement as your bank gives it.")
        },
        help_text=_(
            "A header line naming the columns: date, amount (or paid in and paid out), "
            "description. Dates as 2025-06-30 or 30/06/2025. The file is not kept."
        ),
    )

    def __init__(self, *args: Any, accounts: QuerySet[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]


class SettingsForm(forms.Form):
    goal = forms.CharField(
        label=_("Goal"),
        required=False,
        max_length=AMOUNT_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("In the fund's reporting currency; leave empty for no goal."),
    )
    approvals_required = forms.IntegerField(
        label=_("Organisations that must approve a payment"),
        help_text=_("At least two: no organisation spends alone."),
    )
    how_to_pay = forms.CharField(
        label=_("How to pay in"),
        required=False,
        max_length=HOW_TO_PAY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Published bank details. Never ask for card numbers."),
    )
    how_to_pay_ur = forms.CharField(
        label=_("How to pay in, in Urdu"),
        required=False,
        max_length=HOW_TO_PAY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5, **URDU}),
    )


class OpenForm(forms.Form):
    reporting_currency = forms.ChoiceField(
        label=_("Reporting currency"),
        choices=CURRENCY_CHOICES,
        initial="GBP",
        error_messages={"invalid_choice": UNKNOWN_CURRENCY},
        help_text=_(
            "Totals and the goal are shown in it. The fund starts with a bank and a cash "
            "account in it; treasurers add accounts in other currencies."
        ),
    )

"""The pledge form a visitor fills in, and the form a treasurer marks a pledge received with.

The pledge form checks only the shape of what was sent; the service
(habeas.fund.services.pledges) decides what is allowed and says why, in the
visitor's language, so a caller other than the form meets the same checks.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habeas.coalition.models import Organisation
from habeas.fund.models import Account, Pledge
from habeas.fund.money import CURRENCY_CHOICES, to_decimal
from habeas.fund.services.pledges import EMAIL_LIMIT, NAME_LIMIT

AMOUNT_LENGTH = 40


class PledgeForm(forms.Form):
    """A pledge as a visitor writes it: amount, currency, optional name, an address."""

    amount = forms.CharField(label=_("Amount"), max_length=AMOUNT_LENGTH)
    # Text, not a choice: an unknown currency is refused by the service, with its reason.
    currency = forms.CharField(
        label=_("Currency"), max_length=8, widget=forms.Select(choices=CURRENCY_CHOICES)
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=NAME_LIMIT,
        required=False,
        help_text=_("Leave it empty to give anonymously."),
    )
    name_public = forms.BooleanField(
        label=_("Name me publicly as a donor once the money arrives"), required=False
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=EMAIL_LIMIT,
        help_text=_(
            "For the link that confirms your pledge, one reminder and a link to cancel. "
            "Never shown or published; deleted once your pledge is received, cancelled "
            "or lapses."
        ),
    )
    # People never see this field (site.css hides .letters-hp); programs that
    # fill in every field do, and their pledge is not taken.
    website = forms.CharField(label=_("Leave this empty"), max_length=200, required=False)

    def __init__(self, *args: Any, currency: str = "", **kwargs: Any) -> None:
        # Its own ids: the public fund page may hold other forms beside it.
        kwargs.setdefault("auto_id", "pledge-%s")
        super().__init__(*args, **kwargs)
        if currency:
            self.fields["currency"].initial = currency
        # A list takes no maxlength; the service refuses what is not a currency.
        self.fields["currency"].widget.attrs.pop("maxlength", None)
        self.fields["amount"].widget.attrs.update(inputmode="decimal", autocomplete="off")
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["website"].widget.attrs.update(
            autocomplete="off", tabindex="-1", **{"aria-hidden": "true"}
        )


class PledgeReceivedForm(forms.Form):
    """What a treasurer says arrived for a pledge: where, when, how much, and for whom."""

    organisation = forms.ModelChoiceField(
        label=_("Acting for"), queryset=Organisation.objects.none(), empty_label=None
    )
    account = forms.ModelChoiceField(
        label=_("Received into"), queryset=Account.objects.none(), empty_label=None
    )
    received_on = forms.DateField(
        label=_("Date received"), widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.CharField(
        label=_("Amount received"),
        max_length=AMOUNT_LENGTH,
        help_text=_("What arrived, in the pledge's currency; it may differ from the pledge."),
    )

    def __init__(
        self,
        *args: Any,
        pledge: Pledge,
        accounts: QuerySet[Account],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: Any = self.fields["organisation"]
        choices.queryset = organisations
        self.only_organisation: Organisation | None = None
        listed = list(organisations[:2])
        if len(listed) == 1:
            # One organisation to act for: no choice to show.
            self.only_organisation = listed[0]
            del self.fields["organisation"]
        into: Any = self.fields["account"]
        into.queryset = accounts
        self.has_accounts = accounts.exists()
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["amount"].initial = to_decimal(pledge.amount_minor, pledge.currency)
        self.fields["amount"].widget.attrs.update(inputmode="decimal", autocomplete="off")

    def acting_for(self) -> Organisation:
        """The organisation the treasurer acts for (after ``is_valid``)."""
        if self.only_organisation is not None:
            return self.only_organisation
        chosen: Organisation = self.cleaned_data["organisation"]
        return chosen

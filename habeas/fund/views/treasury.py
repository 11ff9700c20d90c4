"""The treasurers' pages (the books of a campaign's fund) and the coordinators' settings.

Only the campaign's treasurers reach the books (``fund.keep_books``); each
form says which of their organisations they act for, and every service
checks it again. Coordinators set the goal, the approvals needed and the
payment details, and open a fund; they touch no money. Every write answers
with a message: a redirect when done, the form again with what is wrong
when not (a bank statement's results are shown at once, as the statement
is not kept).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from habeas.coalition.access import access_campaign
from habeas.coalition.models import Campaign
from habeas.core.forms import add_errors
from habeas.core.http import AuthedRequest
from habeas.core.text import format_isolated
from habeas.fund import forms
from habeas.fund.access import access_disbursement, access_entry, access_fund
from habeas.fund.models import Contribution, Disbursement, Fund
from habeas.fund.money import format_money, to_decimal
from habeas.fund.queries import treasury as queries
from habeas.fund.reconcile import MAX_BYTES
from habeas.fund.services import contributions, disbursements, ledger, setup
from habeas.fund.services.reconcile import statement_reconcile

READ = ["GET", "HEAD"]
WRITE = ["GET", "HEAD", "POST"]


def _posted(request: AuthedRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _acting(request: AuthedRequest, fund: Fund) -> Any:
    return queries.acting_organisations(request.user, fund)


def _form_refused(request: AuthedRequest) -> None:
    """Say, above the form shown again, that nothing was done."""
    messages.error(request, _("Nothing was recorded: see what is wrong below."))


def _errors_to_messages(request: AuthedRequest, form: Form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


def _page(
    request: AuthedRequest, template: str, fund: Fund, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(
        request, template, {"fund": fund, "campaign": fund.campaign, **context}, status=status
    )


def _today() -> str:
    return timezone.localdate().isoformat()


# --- The dashboard -------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(READ)
def treasury(request: AuthedRequest, slug: str) -> HttpResponse:
    """Balances, payment requests waiting and what each needs, the latest steps."""
    fund = access_fund(request.user, slug)
    return _page(
        request,
        "fund/treasury.html",
        fund,
        {
            "holdings": queries.holdings(fund),
            "waiting": queries.requests_waiting(fund),
            "events": queries.events_latest(fund),
            "acting": list(_acting(request, fund)),
        },
    )


# --- Money in -------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(WRITE)
def contribution_new(request: AuthedRequest, slug: str) -> HttpResponse:
    """Record money received, and post it to the ledger."""
    fund = access_fund(request.user, slug)
    form = forms.ContributionForm(
        _posted(request),
        organisations=_acting(request, fund),
        accounts=queries.holding_accounts(fund),
        donors=queries.member_organisations(fund),
        initial={
            "currency": fund.reporting_currency,
            "method": Contribution.Method.BANK_TRANSFER,
            "received_on": _today(),
        },
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                contribution = contributions.contribution_record(
                    fund=fund,
                    by=request.user,
                    organisation=data["organisation"],
                    amount=data["amount"],
                    currency=data["currency"],
                    account=data["account"],
                    method=data["method"],
                    donor_name=data["donor_name"],
                    donor_organisation=data["donor_organisation"],
                    name_public=data["name_public"],
                    received_on=data["received_on"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Contribution of %(amount)s recorded as entry #%(number)d.")
                    % {
                        "amount": format_money(contribution.amount_minor, contribution.currency),
                        "number": contribution.entry.number,
                    },
                )
                return redirect("fund:treasury", slug=slug)
        _form_refused(request)
    return _page(
        request,
        "fund/treasury_contribution.html",
        fund,
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- Money out ------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(WRITE)
def request_new(request: AuthedRequest, slug: str) -> HttpResponse:
    """Ask for a payment, with its receipt or invoice; it counts as one organisation's
    approval and waits for the others'."""
    fund = access_fund(request.user, slug)
    form = forms.DisbursementForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        organisations=_acting(request, fund),
        accounts=queries.paying_accounts(fund),
        categories=queries.spending_categories(fund),
        initial={"currency": fund.reporting_currency},
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                disbursement = disbursements.disbursement_request(
                    fund=fund,
                    by=request.user,
                    organisation=data["organisation"],
                    amount=data["amount"],
                    currency=data["currency"],
                    account=data["account"],
                    category=data["category"],
                    purpose=data["purpose"],
                    serves=data["serves"],
                    serves_public=data["serves_public"],
                    payee=data["payee"],
                    payee_public=data["payee_public"],
                    receipt=data["receipt"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Payment requested. It counts as your organisation's approval; "
                        "treasurers of other organisations must approve it before it is paid."
                    ),
                )
                return redirect("fund:request", slug=slug, disbursement_id=disbursement.pk)
        _form_refused(request)
    return _page(
        request,
        "fund/treasury_request_form.html",
        fund,
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_http_methods(READ)
def requests(request: AuthedRequest, slug: str) -> HttpResponse:
    """Payment requests waiting, paid, and declined or withdrawn, each list paged."""
    fund = access_fund(request.user, slug)
    return _page(
        request,
        "fund/treasury_requests.html",
        fund,
        {
            "waiting": queries.requests_page(fund, request.GET, "waiting"),
            "paid": queries.requests_page(fund, request.GET, "paid"),
            "closed": queries.requests_page(fund, request.GET, "closed"),
        },
    )


@never_cache
@login_required
@require_http_methods(READ)
def request_detail(request: AuthedRequest, slug: str, disbursement_id: int) -> HttpResponse:
    """Every fact of a request, private ones included, its approvals so far, and the
    forms the viewer may use (with the reason when they may not approve)."""
    fund = access_fund(request.user, slug)
    disbursement = access_disbursement(request.user, fund, disbursement_id)
    approvals = queries.request_approvals(disbursement)
    options = queries.request_options(request.user, disbursement, approvals)
    acting = _acting(request, fund)
    return _page(
        request,
        "fund/treasury_request.html",
        fund,
        {
            "d": disbursement,
            "approvals": approvals,
            "options": options,
            # Three forms on one page: each its own element ids.
            "approve_form": forms.ApproveForm(
                organisations=acting, offered=options.approve_as, auto_id="approve_%s"
            )
            if options.approve_as
            else None,
            "decline_form": forms.DeclineForm(
                organisations=acting, offered=options.decline_as, auto_id="decline_%s"
            )
            if options.decline_as
            else None,
            "withdraw_form": forms.WithdrawForm(
                organisations=acting, offered=[options.withdraw_as], auto_id="withdraw_%s"
            )
            if options.withdraw_as
            else None,
        },
    )


def _decide(
    request: AuthedRequest, slug: str, disbursement_id: int, form_class: type[forms.ActingForm]
) -> tuple[Disbursement, forms.ActingForm | None]:
    fund = access_fund(request.user, slug)
    disbursement = access_disbursement(request.user, fund, disbursement_id)
    form = form_class(request.POST, organisations=_acting(request, fund))
    if form.is_valid():
        return disbursement, form
    if form.has_error("organisation", "invalid_choice"):
        # Deciding in the name of an organisation one keeps no books for.
        raise PermissionDenied
    _errors_to_messages(request, form)
    return disbursement, None


def _to_request(slug: str, disbursement: Disbursement) -> HttpResponse:
    return redirect("fund:request", slug=slug, disbursement_id=disbursement.pk)


@login_required
@require_POST
def request_approve(request: AuthedRequest, slug: str, disbursement_id: int) -> HttpResponse:
    """Approve a request for one's organisation; it is paid once enough have."""
    disbursement, form = _decide(request, slug, disbursement_id, forms.ApproveForm)
    if form is None:
        return _to_request(slug, disbursement)
    try:
        disbursement = disbursements.disbursement_approve(
            disbursement=disbursement,
            by=request.user,
            organisation=form.cleaned_data["organisation"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if disbursement.status == Disbursement.Status.PAID and disbursement.entry:
            messages.success(
                request,
                _("Approved. Enough organisations have approved it: paid as entry #%(number)d.")
                % {"number": disbursement.entry.number},
            )
        else:
            messages.success(request, _("Approved. It waits for other organisations' approval."))
    return _to_request(slug, disbursement)


@login_required
@require_POST
def request_decline(request: AuthedRequest, slug: str, disbursement_id: int) -> HttpResponse:
    """Decline a request, with a reason; it will not be paid."""
    disbursement, form = _decide(request, slug, disbursement_id, forms.DeclineForm)
    if form is None:
        return _to_request(slug, disbursement)
    try:
        disbursements.disbursement_decline(
            disbursement=disbursement,
            by=request.user,
            organisation=form.cleaned_data["organisation"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Declined. The request will not be paid."))
    return _to_request(slug, disbursement)


@login_required
@require_POST
def request_withdraw(request: AuthedRequest, slug: str, disbursement_id: int) -> HttpResponse:
    """Withdraw one's organisation's request; it will not be paid."""
    disbursement, form = _decide(request, slug, disbursement_id, forms.WithdrawForm)
    if form is None:
        return _to_request(slug, disbursement)
    try:
        disbursements.disbursement_withdraw(
            disbursement=disbursement,
            by=request.user,
            organisation=form.cleaned_data["organisation"],
            reason=form.cleaned_data["reason"],
        )
    except PermissionDenied:
        messages.error(request, _("Only the organisation that asked for a payment withdraws it."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Withdrawn. The request will not be paid."))
    return _to_request(slug, disbursement)


@login_required
@require_http_methods(READ)
def receipt(request: AuthedRequest, slug: str, disbursement_id: int) -> FileResponse:
    """A request's receipt, as a download that no browser renders or runs, never cached;
    the opening is recorded."""
    fund = access_fund(request.user, slug)
    disbursement = access_disbursement(request.user, fund, disbursement_id)
    try:
        handle = disbursements.receipt_open(disbursement=disbursement, by=request.user)
    except ValidationError:
        raise Http404 from None
    extension = (disbursement.receipt.name or "receipt.bin").rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"receipt-{disbursement.pk}.{extension}",
        content_type=disbursement.receipt_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- The journal -----------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(READ)
def entries(request: AuthedRequest, slug: str) -> HttpResponse:
    """The journal, fifty entries a page, each with its lines; reversals marked."""
    fund = access_fund(request.user, slug)
    return _page(
        request,
        "fund/treasury_entries.html",
        fund,
        {"page": queries.entries_page(fund, request.GET)},
    )


@never_cache
@login_required
@require_http_methods(WRITE)
def entry_reverse(request: AuthedRequest, slug: str, entry_id: int) -> HttpResponse:
    """Ask for a reason, then undo an entry by posting its mirror image. A posted entry
    is never edited: this is the only way to correct one."""
    fund = access_fund(request.user, slug)
    entry = access_entry(request.user, fund, entry_id)
    reversal = queries.entry_reversal(entry)
    if reversal is not None or entry.reverses_id is not None:
        messages.error(
            request,
            _("This entry has already been reversed.")
            if reversal is not None
            else _("A reversal is not reversed; post the entry again instead."),
        )
        return redirect("fund:entries", slug=slug)
    form = forms.ReverseForm(_posted(request), organisations=_acting(request, fund))
    if request.method == "POST":
        if form.is_valid():
            try:
                posted = ledger.entry_reverse(
                    entry=entry,
                    by=request.user,
                    organisation=form.cleaned_data["organisation"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Entry #%(number)d reversed by entry #%(reversal)d.")
                    % {"number": entry.number, "reversal": posted.number},
                )
                return redirect("fund:entries", slug=slug)
        _form_refused(request)
    return _page(
        request,
        "fund/treasury_reverse.html",
        fund,
        {"entry": entry, "lines": queries.entry_lines(entry), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_http_methods(WRITE)
def transfer(request: AuthedRequest, slug: str) -> HttpResponse:
    """Post a balanced entry among the fund's own bank, cash and promised-money accounts."""
    fund = access_fund(request.user, slug)
    form = forms.TransferForm(
        _posted(request),
        organisations=_acting(request, fund),
        accounts=queries.holding_accounts(fund),
        initial={"booked_on": _today()},
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = ledger.transfer_post(
                    fund=fund,
                    by=request.user,
                    organisation=data["organisation"],
                    booked_on=data["booked_on"],
                    description=data["description"],
                    lines=data["lines"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("Transfer posted as entry #%(number)d.") % {"number": entry.number}
                )
                return redirect("fund:entries", slug=slug)
        _form_refused(request)
    return _page(
        request,
        "fund/treasury_transfer.html",
        fund,
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- The chart, rates, reconciliation, the record ----------------------------------


@never_cache
@login_required
@require_http_methods(WRITE)
def accounts(request: AuthedRequest, slug: str) -> HttpResponse:
    """The chart of accounts with their balances, and a form to add an account."""
    fund = access_fund(request.user, slug)
    form = forms.AccountAddForm(_posted(request), organisations=_acting(request, fund))
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                account = setup.account_add(
                    fund=fund,
                    by=request.user,
                    organisation=data["organisation"],
                    kind=data["kind"],
                    name=data["name"],
                    currency=data["currency"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, format_isolated(_("Account added: %(account)s."), account=account)
                )
                return redirect("fund:accounts", slug=slug)
        _form_refused(request)
    return _page(
        request,
        "fund/treasury_accounts.html",
        fund,
        {"accounts": queries.chart(fund), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_http_methods(WRITE)
def rates(request: AuthedRequest, slug: str) -> HttpResponse:
    """The exchange rates recorded, and a form to record one."""
    fund = access_fund(request.user, slug)
    form = forms.RateForm(
        _posted(request), organisations=_acting(request, fund), initial={"as_of": _today()}
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                setup.rate_record(
                    fund=fund,
                    by=request.user,
                    organisation=data["organisation"],
                    currency=data["currency"],
                    rate=data["rate"],
                    source=data["source"],
                    as_of=data["as_of"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Rate recorded."))
                return redirect("fund:rates", slug=slug)
        _form_refused(request)
    return _page(
        request,
        "fund/treasury_rates.html",
        fund,
        {"page": queries.rates_page(fund, request.GET), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_http_methods(WRITE)
def reconcile(request: AuthedRequest, slug: str) -> HttpResponse:
    """Check a bank account against the bank's statement CSV: the results are shown at
    once and the statement is not kept (only its digest and the counts)."""
    fund = access_fund(request.user, slug)
    form = forms.ReconcileForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        organisations=_acting(request, fund),
        accounts=queries.bank_accounts(fund),
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            upload = data["statement"]
            try:
                result = statement_reconcile(
                    fund=fund,
                    by=request.user,
                    organisation=data["organisation"],
                    account=data["account"],
                    data=upload.read(MAX_BYTES + 1),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                done = result.reconciliation
                messages.success(
                    request,
                    _("Statement checked: %(matched)d of %(lines)d lines matched.")
                    % {"matched": done.matched, "lines": done.statement_lines},
                )
                return _page(
                    request,
                    "fund/treasury_reconciled.html",
                    fund,
                    {"result": result, "account": data["account"]},
                )
        _form_refused(request)
    return _page(
        request,
        "fund/treasury_reconcile.html",
        fund,
        {"form": form, "done": queries.reconciliations_latest(fund)},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_http_methods(READ)
def activity(request: AuthedRequest, slug: str) -> HttpResponse:
    """Everything done on the fund, fifty steps a page, the latest first."""
    fund = access_fund(request.user, slug)
    return _page(
        request,
        "fund/treasury_activity.html",
        fund,
        {"page": queries.events_page(fund, request.GET)},
    )


# --- Coordinators ------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(WRITE)
def settings(request: AuthedRequest, slug: str) -> HttpResponse:
    """The goal, the organisations needed to approve a payment, how to pay in."""
    fund = access_fund(request.user, slug, "fund.manage_fund")
    goal = (
        str(to_decimal(fund.goal_minor, fund.reporting_currency))
        if fund.goal_minor is not None
        else ""
    )
    form = forms.SettingsForm(
        _posted(request),
        initial={
            "goal": goal,
            "approvals_required": fund.approvals_required,
            "how_to_pay": fund.how_to_pay,
            "how_to_pay_ur": fund.how_to_pay_ur,
        },
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                setup.fund_settings_change(
                    fund=fund,
                    by=request.user,
                    goal=data["goal"],
                    approvals_required=data["approvals_required"],
                    how_to_pay=data["how_to_pay"],
                    how_to_pay_ur=data["how_to_pay_ur"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The fund's settings are saved."))
                return redirect("fund:settings", slug=slug)
        _form_refused(request)
    return _page(
        request,
        "fund/settings_fund.html",
        fund,
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _campaign_to_open(request: AuthedRequest, slug: str) -> Campaign:
    try:
        return access_campaign(request.user, slug, "fund.open_fund")
    except PermissionDenied:
        if queries.is_draft(slug):
            raise Http404 from None
        raise


@never_cache
@login_required
@require_http_methods(WRITE)
def open_fund(request: AuthedRequest, slug: str) -> HttpResponse:
    """Open a defence fund for a campaign that has none, in a reporting currency."""
    campaign = _campaign_to_open(request, slug)
    if queries.fund_of(campaign) is not None:
        messages.info(request, _("This campaign already has a fund."))
        return redirect("fund:settings", slug=slug)
    form = forms.OpenForm(_posted(request))
    if request.method == "POST":
        if form.is_valid():
            try:
                setup.fund_open(
                    campaign=campaign,
                    by=request.user,
                    reporting_currency=form.cleaned_data["reporting_currency"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The fund is open. Its treasurers keep the books; "
                        "set its goal and how to pay in here."
                    ),
                )
                return redirect("fund:settings", slug=slug)
        messages.error(request, _("The fund was not opened: see what is wrong below."))
    return render(
        request,
        "fund/settings_open.html",
        {"campaign": campaign, "form": form},
        status=400 if request.method == "POST" else 200,
    )

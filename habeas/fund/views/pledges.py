"""Pledging without an account: the form, "check your e-mail", the mailed links; and the
treasurers' list of outstanding pledges, where each is marked received.

The pledge page, like the public fund page that embeds its form, is the same
for every visitor, so the form carries no CSRF token and sets no cookie: a
POST is refused unless the browser says it came from this site
(habeas.core.origin). The confirmation and manage pages are one person's,
reached only through the token in their link: never kept, never cached by
a browser, never naming their address to another site.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from habeas.core.forms import add_errors
from habeas.core.http import AuthedRequest
from habeas.core.origin import same_origin
from habeas.core.pagecache import public_page
from habeas.core.privacy import client_address_pseudonym
from habeas.core.text import format_isolated
from habeas.fund import tokens
from habeas.fund.access import access_fund, access_pledge, access_public_fund
from habeas.fund.models import Fund, Pledge
from habeas.fund.money import format_money
from habeas.fund.pledge_forms import PledgeForm, PledgeReceivedForm
from habeas.fund.queries import pledges as queries
from habeas.fund.rules import treasurer_organisations
from habeas.fund.services import pledges as services
from habeas.fund.tasks.pledges import campaign_title, fund_page_path, how_to_pay


def pledge_part_context(fund: Fund, form: PledgeForm | None = None) -> dict[str, Any]:
    """What ``fund/pledge_form.html`` needs: the form, or why the fund takes no pledges.

    The same for every visitor (no token, no cookie), so a cached page may embed it.
    """
    return {
        "fund": fund,
        "pledge_refusal": services.pledge_refusal(fund),
        "pledge_form": form if form is not None else PledgeForm(currency=fund.reporting_currency),
    }


def _fund_context(fund: Fund) -> dict[str, Any]:
    language = get_language() or "en"
    return {
        "fund": fund,
        "title": campaign_title(fund.campaign, language),
        "how_to_pay": how_to_pay(fund, language),
        "fund_path": fund_page_path(fund),
    }


def _private(response: HttpResponse) -> HttpResponse:
    """One person's page: no cache keeps it, and no link on it names it to another site."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _refused_origin(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return _private(render(request, "fund/pledge_refused_origin.html", context, status=403))


def _link_invalid(request: HttpRequest) -> HttpResponse:
    context = {"confirm_days": tokens.confirm_within().days}
    return _private(render(request, "fund/pledge_link_invalid.html", context, status=404))


def _form_page(request: HttpRequest, fund: Fund, form: PledgeForm, status: int) -> HttpResponse:
    context = {**_fund_context(fund), **pledge_part_context(fund, form)}
    return _private(render(request, "fund/pledge.html", context, status=status))


@public_page()
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def pledge(request: HttpRequest, slug: str) -> HttpResponse:
    """The pledge form on its own page; its POST records a pending pledge and sends the
    visitor to "check your e-mail" (303).

    Bad input, or a campaign that takes no pledges, is answered with the form
    and what is wrong (400, or 409 for the campaign), nothing stored; a POST
    from another site with 403.
    """
    fund = access_public_fund(slug)
    if request.method != "POST":
        context = {**_fund_context(fund), **pledge_part_context(fund)}
        return render(request, "fund/pledge.html", context)
    if not same_origin(request):
        return _refused_origin(request, _fund_context(fund))
    form = PledgeForm(request.POST, currency=fund.reporting_currency)
    if services.pledge_refusal(fund) is not None:
        return _form_page(request, fund, form, 409)
    if not form.is_valid():
        return _form_page(request, fund, form, 400)
    data = form.cleaned_data
    try:
        services.pledge_submit(
            fund=fund,
            amount=data["amount"],
            currency=data["currency"],
            name=data["name"],
            email=data["email"],
            name_public=data["name_public"],
            language=get_language() or "en",
            client_key=client_address_pseudonym(request),
            honeypot=data["website"],
        )
    except ValidationError as error:
        add_errors(form, error)
        return _form_page(
            request, fund, form, 409 if getattr(error, "code", None) == "closed" else 400
        )
    answer = HttpResponseRedirect(reverse("fund:pledge_sent", kwargs={"slug": slug}))
    answer.status_code = 303  # See Other: the browser GETs the answer page
    return answer


@public_page()
@require_http_methods(["GET", "HEAD"])
def pledge_sent(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Check your e-mail": the answer every pledge gets."""
    fund = access_public_fund(slug)
    context = {**_fund_context(fund), "confirm_days": tokens.confirm_within().days}
    return render(request, "fund/pledge_sent.html", context)


def _pledge_context(pledge: Pledge) -> dict[str, Any]:
    """What a pledger's own pages show: the fund, amount, reference and how to pay;
    never the pledger's name or address (the link may be forwarded)."""
    return {
        **_fund_context(pledge.fund),
        "pledge": pledge,
        "amount": format_money(pledge.amount_minor, pledge.currency),
        "reference": services.pledge_reference(pledge),
        "expire_days": services.expire_after().days,
    }


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: a page whose button confirms (a POST), so that mail scanners
    that follow links neither confirm the pledge nor use up the link; once
    confirmed, 303 to the pledge's own page, which shows how to pay.

    A forged, altered, expired or used link gets a page saying so (404).
    """
    found = tokens.pledge_for_confirm_token(token)
    if found is None:
        return _link_invalid(request)
    context = {**_pledge_context(found), "pledge_refusal": services.pledge_refusal(found.fund)}
    if request.method != "POST":
        return _private(render(request, "fund/pledge_confirm.html", context))
    if not same_origin(request):
        return _refused_origin(request, context)
    try:
        confirmed = services.pledge_confirm(token=token)
    except ValidationError as error:
        if getattr(error, "code", None) == "closed":
            return _private(render(request, "fund/pledge_confirm.html", context, status=409))
        return _link_invalid(request)
    answer = HttpResponseRedirect(
        reverse("fund:pledge_manage", kwargs={"token": tokens.manage_token(confirmed)})
    )
    answer.status_code = 303
    return _private(answer)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_manage(request: HttpRequest, token: str) -> HttpResponse:
    """A confirmed pledge's own page: how to pay, the reference to quote, and one button
    that cancels it (a POST from this site), answered with a confirmation page.

    Once the pledge is received, cancelled or lapsed, the link gets a page
    saying it no longer works (404).
    """
    found = tokens.pledge_for_manage_token(token)
    if found is None:
        return _link_invalid(request)
    context = _pledge_context(found)
    if request.method != "POST":
        return _private(render(request, "fund/pledge_manage.html", context))
    if not same_origin(request):
        return _refused_origin(request, context)
    try:
        services.pledge_cancel(token=token)
    except ValidationError:
        return _link_invalid(request)
    return _private(render(request, "fund/pledge_cancelled.html", context))


# --- The treasurers' pages -------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def pledges(request: AuthedRequest, slug: str) -> HttpResponse:
    """The fund's outstanding pledges, 50 a page, for its treasurers: reference, name or
    "anonymous", amount and date confirmed; ``?reference=P-42`` finds one."""
    fund = access_fund(request.user, slug)
    reference = request.GET.get("reference", "")[:40]
    page = queries.pledges_outstanding(fund, page=request.GET.get("page"), reference=reference)
    rows = [
        {
            "pledge": pledge,
            "reference": services.pledge_reference(pledge),
            "amount": format_money(pledge.amount_minor, pledge.currency),
        }
        for pledge in page.object_list
    ]
    return render(
        request,
        "fund/pledges.html",
        {"fund": fund, "page": page, "rows": rows, "reference": reference},
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_received(request: AuthedRequest, slug: str, pledge_id: int) -> HttpResponse:
    """Mark one outstanding pledge received: into which account, on which day, how much,
    acting for which organisation; then back to the list with a message."""
    fund = access_fund(request.user, slug)
    found = access_pledge(request.user, fund, pledge_id)
    form = PledgeReceivedForm(
        request.POST or None,
        pledge=found,
        accounts=queries.pledge_accounts(fund, found.currency),
        organisations=treasurer_organisations(request.user, fund),
    )
    outstanding = found.status == Pledge.Status.CONFIRMED
    status = 200
    if request.method == "POST" and not outstanding:
        status = 409  # received, cancelled or lapsed meanwhile: the page says so
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                contribution = services.pledge_receive(
                    pledge=found,
                    by=request.user,
                    organisation=form.acting_for(),
                    account=data["account"],
                    received_on=data["received_on"],
                    amount=data["amount"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    format_isolated(
                        _(
                            "Pledge %(reference)s marked received: "
                            "%(amount)s posted as entry #%(number)d."
                        ),
                        reference=services.pledge_reference(found),
                        amount=format_money(contribution.amount_minor, contribution.currency),
                        number=contribution.entry.number,
                    ),
                )
                return redirect("fund:pledges", slug=slug)
    context = {
        "fund": fund,
        "pledge": found,
        "reference": services.pledge_reference(found),
        "amount": format_money(found.amount_minor, found.currency),
        "outstanding": outstanding,
        "form": form,
    }
    return render(request, "fund/pledge_received.html", context, status=status)

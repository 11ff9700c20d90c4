"""The public fund page and the public ledger download.

Both are the same bytes for every visitor, so each is a ``@public_page``:
kept in the page cache until a posting service renews public pages. A draft
campaign's fund and an unknown slug answer 404. What the page may show is
decided in ``habeas.fund.queries.public``; this module only renders it.
"""

from __future__ import annotations

from django import shortcuts
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from habeas.core.pagecache import public_page
from habeas.fund import chart
from habeas.fund.access import access_public_fund
from habeas.fund.queries import public as queries

CSV_TYPE = "text/csv; charset=utf-8"


@public_page(params=[queries.PAYMENTS_PARAM, queries.DONORS_PARAM], counts=True)
def fund_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A campaign's fund: balances, raised against the goal, the monthly chart, the
    rates used, payments made, named donors, promised pledges and how to pay."""
    fund = access_public_fund(slug)
    urdu = (get_language() or "en") == "ur"
    campaign = fund.campaign
    summary = queries.fund_summary(fund)
    currency = fund.reporting_currency
    # The payment details in the reader's language where given, else in the other.
    ordered = [(fund.how_to_pay_ur, "ur"), (fund.how_to_pay, "en")]
    if not urdu:
        ordered.reverse()
    how_to_pay, how_to_pay_language = next(
        ((text, language) for text, language in ordered if text.strip()), ("", "")
    )
    return shortcuts.render(
        request,
        "fund/public.html",
        {
            "fund": fund,
            "campaign": campaign,
            "title": campaign.title_ur if urdu and campaign.title_ur else campaign.title,
            "urdu": urdu,
            "summary": summary,
            "chart": chart.month_chart(
                [(m.month, m.income.minor, m.spending.minor) for m in summary.months],
                currency=currency,
                title=_("Income and spending per month, in %(currency)s") % {"currency": currency},
            ),
            "chart_months": queries.CHART_MONTHS,
            "payments": queries.payments_paid(fund, request.GET),
            "donors": queries.donors_named(fund, request.GET),
            "how_to_pay": how_to_pay,
            "how_to_pay_language": how_to_pay_language,
        },
    )


@public_page()
def ledger_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The fund's whole public ledger as CSV, one row per line, streamed."""
    fund = access_public_fund(slug)
    response = StreamingHttpResponse(queries.ledger_csv(fund), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{fund.campaign.slug}-ledger.csv"'
    return response

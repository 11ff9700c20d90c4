"""The fund's income and spending per month, drawn as SVG on the server.

Readable with JavaScript off and within the site's CSP: colours and sizes
are SVG presentation attributes, never ``style``. The drawing is
left-to-right on Urdu pages too (the page puts it in ``dir="ltr"``). Axis
labels are short enough to fit (``2025-05``, ``12.5k``); each bar's
``<title>`` gives the full month and amount, and the page prints the same
figures in a table for screen readers and for anyone without graphics.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from habeas.fund.money import CURRENCIES, format_money

WIDTH = 720
HEIGHT = 280
LEFT = 64
RIGHT = 12
TOP = 36
BOTTOM = 36
TICKS = 4
FONT_SIZE = 11
# About how wide one character of an axis label is, at FONT_SIZE.
CHAR_WIDTH = 7
INCOME_FILL = "#2f6b3a"
SPENDING_FILL = "#8b1e1e"
AXIS_STROKE = "#5b5b61"
GRID_STROKE = "#e3ddd2"
# Months between two labels on the axis: whole quarters, halves or years.
LABEL_STEPS = (1, 2, 3, 4, 6, 12, 24, 60)
TITLE_ID = "fund-chart-title"
DESC_ID = "fund-chart-desc"


def _nice_step(span: int) -> int:
    """A round step (1, 2 or 5 times a power of ten) that cuts ``span`` into at most
    TICKS parts."""
    raw = max(1, -(-span // TICKS))
    magnitude = int(10 ** (len(str(raw)) - 1))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover — the loop always returns


def _compact(minor: int, currency: str) -> str:
    """``minor`` units as a short axis label in major units: 950, 12.5k, 3M."""
    major = Decimal(minor).scaleb(-CURRENCIES.get(currency, 2))
    for size, suffix in ((Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "M"), (Decimal(1000), "k")):
        if abs(major) >= size:
            return f"{(major / size).quantize(Decimal('0.1')).normalize():f}{suffix}"
    return f"{major.quantize(Decimal('0.1')).normalize():f}"


def _month_label(month: datetime.date, step: int) -> str:
    return str(month.year) if step >= 12 else f"{month.year}-{month.month:02d}"


def _num(value: float) -> str:
    return f"{value:.1f}"


def month_chart(
    months: Sequence[tuple[datetime.date, int, int]], *, currency: str, title: str
) -> SafeString:
    """Income and spending of each month in ``months`` ((first day of the month,
    income, spending) in minor units of ``currency``) as paired bars, with a
    legend, a labelled value axis and month labels that fit; an empty string
    when there is no month. A negative month (a reversal booked later than what
    it undoes) is drawn below the zero line."""
    if not months:
        return mark_safe("")
    values = [value for _month, income, spending in months for value in (income, spending)]
    low, high = min(0, *values), max(0, *values)
    step = _nice_step(high - low or 1)
    top = -(-high // step) * step if high > 0 else 0
    bottom = (low // step) * step if low < 0 else 0
    if top == bottom:
        top = step
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def y(value: int) -> float:
        return TOP + (top - value) * plot_height / (top - bottom)

    group = plot_width / len(months)
    bar = max(1.0, group * 0.4)
    label_chars = 4 if len(months) > 24 else 7
    needed = (label_chars * CHAR_WIDTH + 8) / group
    label_step = next((s for s in LABEL_STEPS if s >= needed), LABEL_STEPS[-1])
    income_name, spending_name = _("Income"), _("Spending")
    first, last = months[0][0], months[-1][0]
    description = _(
        "Income and spending in each month from %(first)s to %(last)s, in %(currency)s. "
        "The table below gives the same figures."
    ) % {
        "first": date_format(first, "F Y"),
        "last": date_format(last, "F Y"),
        "currency": currency,
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fund-chart" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{TITLE_ID} {DESC_ID}" font-size="{FONT_SIZE}">'
        f'<title id="{TITLE_ID}">{escape(title)}</title>'
        f'<desc id="{DESC_ID}">{escape(description)}</desc>',
        # The legend, above the plot.
        f'<rect x="{LEFT}" y="8" width="12" height="12" fill="{INCOME_FILL}"/>'
        f'<text x="{LEFT + 18}" y="18">{escape(income_name)}</text>'
        f'<rect x="{LEFT + 140}" y="8" width="12" height="12" fill="{SPENDING_FILL}"/>'
        f'<text x="{LEFT + 158}" y="18">{escape(spending_name)}</text>'
        f'<text x="{WIDTH - RIGHT}" y="18" text-anchor="end">{escape(currency)}</text>',
    ]
    value = bottom
    while value <= top:
        at = _num(y(value))
        parts.append(
            f'<line x1="{LEFT}" y1="{at}" x2="{WIDTH - RIGHT}" y2="{at}" '
            f'stroke="{AXIS_STROKE if value == 0 else GRID_STROKE}"/>'
            f'<text x="{LEFT - 6}" y="{_num(y(value) + 4)}" text-anchor="end">'
            f"{escape(_compact(value, currency))}</text>"
        )
        value += step
    zero = y(0)
    for index, (month, income, spending) in enumerate(months):
        left = LEFT + index * group + (group - 2 * bar) / 2
        name = date_format(month, "F Y")
        for offset, amount, fill, label in (
            (0.0, income, INCOME_FILL, income_name),
            (bar, spending, SPENDING_FILL, spending_name),
        ):
            if not amount:
                continue
            edge = y(amount)
            parts.append(
                f'<rect x="{_num(left + offset)}" y="{_num(min(edge, zero))}" '
                f'width="{_num(bar)}" height="{_num(max(abs(zero - edge), 0.5))}" '
                f'fill="{fill}"><title>'
                f"{escape(name)} — {escape(label)}: {escape(format_money(amount, currency))}"
                "</title></rect>"
            )
        if (month.year * 12 + month.month - 1) % label_step == 0 or len(months) == 1:
            parts.append(
                f'<text x="{_num(LEFT + (index + 0.5) * group)}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle"><title>{escape(name)}</title>'
                f"{escape(_month_label(month, label_step))}</text>"
            )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="{AXIS_STROKE}"/></svg>'
    )
    # Every text above is escaped; the rest are numbers and constants.
    return mark_safe("".join(parts))  # noqa: S308

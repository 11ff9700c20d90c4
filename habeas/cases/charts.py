"""Charts drawn as SVG on the server: readable with JavaScript off, no inline styles.

Colours and sizes are presentation attributes, never ``style``. The page
puts each chart in ``dir="ltr"`` and prints the same figures in a table for
screen readers and anyone without graphics. A label too long for its room
is shortened with an ellipsis, and its whole text is in the ``<title>`` of
its bar (a tooltip, read by screen readers).
"""

from __future__ import annotations

import datetime
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FONT_SIZE = 12
# About how wide one character is at FONT_SIZE (a little wider than most
# Latin letters, so that a label measured with it fits).
CHAR_WIDTH = 7
VERIFIED_FILL = "#8b1e1e"
REPORTED_FILL = "#d9a3a3"
TOTAL_STROKE = "#8b1e1e"
VERIFIED_STROKE = "#2f6b3a"
AXIS_STROKE = "#5b5b61"


def shortened(text: str, room: float) -> str:
    """``text`` cut to fit ``room`` pixels at FONT_SIZE, ending in an ellipsis if cut."""
    fits = max(int(room // CHAR_WIDTH), 2)
    return text if len(text) <= fits else text[: fits - 1].rstrip() + "…"


def line_chart(
    points: list[tuple[datetime.date, int, int]],
    *,
    title: str,
    width: int = 720,
    height: int = 240,
) -> SafeString:
    """Persons detained on each day ((day, verified, reported)): a line for all of
    them and one for the verified, with a legend and labelled axes."""
    if not points:
        return mark_safe("")
    top = max(verified + reported for _day, verified, reported in points) or 1
    left = max(40, len(str(top)) * CHAR_WIDTH + 12)
    pad, legend = 30, 24
    span = max(len(points) - 1, 1)
    plot_height = height - pad - legend - pad

    def coords(values: list[int]) -> str:
        return " ".join(
            f"{left + i * (width - left - pad) / span:.1f},"
            f"{height - pad - n * plot_height / top:.1f}"
            for i, n in enumerate(values)
        )

    total = coords([v + r for _d, v, r in points])
    verified = coords([v for _d, v, _r in points])
    first, last = points[0][0].isoformat(), points[-1][0].isoformat()
    all_name, verified_name = _("In all"), _("Verified")
    svg = (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-size="{FONT_SIZE}">'
        f"<title>{escape(title)}</title>"
        f'<line x1="{left}" y1="14" x2="{left + 24}" y2="14" stroke="{TOTAL_STROKE}" '
        f'stroke-width="2"/>'
        f'<text x="{left + 30}" y="18">{escape(all_name)}</text>'
        f'<line x1="{left + 150}" y1="14" x2="{left + 174}" y2="14" '
        f'stroke="{VERIFIED_STROKE}" stroke-width="2"/>'
        f'<text x="{left + 180}" y="18">{escape(verified_name)}</text>'
        f'<line x1="{left}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        f'stroke="{AXIS_STROKE}"/>'
        f'<line x1="{left}" y1="{pad + legend}" x2="{left}" y2="{height - pad}" '
        f'stroke="{AXIS_STROKE}"/>'
        f'<polyline fill="none" stroke="{TOTAL_STROKE}" stroke-width="2" points="{total}"/>'
        f'<polyline fill="none" stroke="{VERIFIED_STROKE}" stroke-width="2" '
        f'points="{verified}"/>'
        f'<text x="{left}" y="{height - pad + 16}">{first}</text>'
        f'<text x="{width - pad}" y="{height - pad + 16}" text-anchor="end">{last}</text>'
        f'<text x="{left - 6}" y="{pad + legend + 4}" text-anchor="end">{top}</text>'
        f'<text x="{left - 6}" y="{height - pad}" text-anchor="end">0</text>'
        "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 — every value above is a number, a date or escaped


def bar_chart(rows: list[tuple[str, int, int]], *, title: str, width: int = 720) -> SafeString:
    """Horizontal bars, one per (name, verified, reported) row: the verified part
    dark, the reported part light, each labelled with its name and counts."""
    if not rows:
        return mark_safe("")
    bar, gap, label_width, count_width = 18, 6, 220, 90
    height = len(rows) * (bar + gap) + gap
    top = max(verified + reported for _name, verified, reported in rows) or 1
    room = width - label_width - count_width
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-size="{FONT_SIZE}">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (name, verified, reported) in enumerate(rows):
        y = gap + i * (bar + gap)
        dark = room * verified / top
        light = room * reported / top
        full = _("%(name)s: %(verified)s verified, %(reported)s reported") % {
            "name": name,
            "verified": verified,
            "reported": reported,
        }
        parts.append(
            f"<g><title>{escape(full)}</title>"
            f'<text x="{label_width - 8}" y="{y + bar - 4}" text-anchor="end">'
            f"{escape(shortened(str(name), label_width - 12))}</text>"
            f'<rect x="{label_width}" y="{y}" width="{dark:.1f}" height="{bar}" '
            f'fill="{VERIFIED_FILL}"/>'
            f'<rect x="{label_width + dark:.1f}" y="{y}" width="{light:.1f}" height="{bar}" '
            f'fill="{REPORTED_FILL}"/>'
            f'<text x="{label_width + dark + light + 6:.1f}" y="{y + bar - 4}">'
            f"{verified} + {reported}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — names are escaped, the rest numbers

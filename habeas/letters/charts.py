"""SVG drawn on the server for the letter pages: the signatures chart and the counter badge.

Readable with JavaScript off and loaded from nowhere else; no inline styles
(the CSP allows none), only presentation attributes. Every text is escaped,
numbers are formatted here.
"""

from __future__ import annotations

import datetime
from html import escape

from django.utils.safestring import SafeString, mark_safe

INK, MUTED, ACCENT = "#1d1d1f", "#5b5b61", "#8b1e1e"


def signatures_chart(
    points: list[tuple[datetime.date, int]],
    *,
    title: str,
    width: int = 640,
    height: int = 200,
) -> SafeString:
    """The running total of signatures at the end of each day, as one line with its
    axes labelled (first and last day, zero and the highest total)."""
    if not points:
        return mark_safe("")
    pad = 44
    top = max(n for _day, n in points) or 1
    first_day = points[0][0]
    span = max((points[-1][0] - first_day).days, 1)

    def x(day: datetime.date) -> float:
        return pad + (day - first_day).days * (width - 2 * pad) / span

    def y(n: int) -> float:
        return height - pad - n * (height - 2 * pad) / top

    coords = " ".join(f"{x(day):.1f},{y(n):.1f}" for day, n in points)
    label = escape(title)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{label}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{label}</title>",
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        f'stroke="{MUTED}"/>',
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="{MUTED}"/>',
    ]
    if len(points) == 1:
        day, n = points[0]
        parts.append(f'<circle cx="{x(day):.1f}" cy="{y(n):.1f}" r="4" fill="{ACCENT}"/>')
    else:
        parts.append(
            f'<polyline fill="none" stroke="{ACCENT}" stroke-width="2" points="{coords}"/>'
        )
    parts += [
        f'<text x="{pad}" y="{height - pad + 18}" font-size="12" fill="{INK}">'
        f"{escape(first_day.isoformat())}</text>",
        f'<text x="{width - pad}" y="{height - pad + 18}" font-size="12" fill="{INK}" '
        f'text-anchor="end">{escape(points[-1][0].isoformat())}</text>',
        f'<text x="{pad - 6}" y="{pad + 4}" font-size="12" fill="{INK}" '
        f'text-anchor="end">{top}</text>',
        f'<text x="{pad - 6}" y="{height - pad}" font-size="12" fill="{INK}" '
        f'text-anchor="end">0</text>',
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped or a number


def badge(label: str, count: int) -> str:
    """A small counter badge: ``label`` on the left, ``count`` on the right.

    A whole SVG document, for /letters/<slug>/badge.svg.
    """
    number = f"{max(count, 0):,}"
    # A rough width per character is enough: the text is short and centred.
    left = 12 + 7 * len(label)
    right = 12 + 8 * len(number)
    width = left + right
    text = escape(label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" '
        f'role="img" aria-label="{text}: {number}">'
        f"<title>{text}: {number}</title>"
        f'<rect width="{left}" height="20" fill="{MUTED}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{ACCENT}"/>'
        f'<g fill="#fff" font-family="sans-serif" font-size="11" text-anchor="middle">'
        f'<text x="{left / 2:.1f}" y="14">{text}</text>'
        f'<text x="{left + right / 2:.1f}" y="14">{number}</text>'
        "</g></svg>"
    )

"""Charts drawn as SVG on the server: readable with JavaScript off, no inline styles."""

from __future__ import annotations

import datetime
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe


def line_chart(
    points: list[tuple[datetime.date, int]], *, title: str, width: int = 720, height: int = 220
) -> SafeString:
    """The number detained on each day, as one polyline with its axes labelled."""
    pad = 40
    if not points:
        return mark_safe("")
    top = max(n for _, n in points) or 1
    span = max(len(points) - 1, 1)
    coords = " ".join(
        f"{pad + i * (width - 2 * pad) / span:.1f},"
        f"{height - pad - n * (height - 2 * pad) / top:.1f}"
        for i, (_, n) in enumerate(points)
    )
    first, last = points[0][0].isoformat(), points[-1][0].isoformat()
    svg = (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        f'stroke="#5b5b61"/>'
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#5b5b61"/>'
        f'<polyline fill="none" stroke="#8b1e1e" stroke-width="2" points="{coords}"/>'
        f'<text x="{pad}" y="{height - pad + 16}" font-size="12">{first}</text>'
        f'<text x="{width - pad}" y="{height - pad + 16}" font-size="12" '
        f'text-anchor="end">{last}</text>'
        f'<text x="{pad - 6}" y="{pad + 4}" font-size="12" text-anchor="end">{top}</text>'
        f'<text x="{pad - 6}" y="{height - pad}" font-size="12" text-anchor="end">0</text>'
        "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 — every value above is a number or escaped


def bar_chart(rows: list[tuple[str, int]], *, title: str, width: int = 720) -> SafeString:
    """Horizontal bars, one per row, labelled with the name and the count."""
    if not rows:
        return mark_safe("")
    bar, gap, label_width = 18, 6, 220
    height = len(rows) * (bar + gap) + gap
    top = max(n for _, n in rows) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (name, n) in enumerate(rows):
        y = gap + i * (bar + gap)
        length = (width - label_width - 60) * n / top
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar - 4}" font-size="12" '
            f'text-anchor="end">{escape(str(name))[:40]}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}" '
            f'fill="#8b1e1e"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar - 4}" '
            f'font-size="12">{n}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — names are escaped, the rest numbers

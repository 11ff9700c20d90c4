"""Template tags for the united-front page (see habeas.coalition.render)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from habeas.coalition import render
from habeas.coalition.queries import DemandRow

register = template.Library()


@register.simple_tag(takes_context=True)
def demand_text(context: Any, row: DemandRow) -> SafeString:
    return render.demand_text(context["uf_view"], row)


@register.simple_tag(takes_context=True)
def demands_note(context: Any, rows: list[DemandRow]) -> SafeString:
    return render.demands_note(context["uf_view"], rows)

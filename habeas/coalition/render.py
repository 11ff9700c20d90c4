"""The united-front page's large parts, rendered in Python.

A coalition of 50 organisations and 200 demands has 10,000 positions; the
template engine takes about 30 microseconds a node, so the matrix, the
demand texts and the reasons are built here with every value escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from habeas.coalition.models import Position
from habeas.coalition.queries import DemandRow, DemandStatus, UnitedFront


@dataclass
class View:
    """What the visitor may see and do, fixed once per page."""

    slug: str
    language: str
    signed_in: bool
    editable_ids: set[int]
    can_moderate: bool
    request: Any
    # Whether the visitor edits for a member organisation, and so may state its position.
    can_publish: bool = False

    def reads_hidden(self, organisation_id: int) -> bool:
        """Whether the visitor may read a hidden item of this organisation: its own
        editors, and those who moderate the campaign (who hid it or may show it again)."""
        return self.can_moderate or organisation_id in self.editable_ids

    def __post_init__(self) -> None:
        self.stances = {value: escape(str(label)) for value, label in Position.Stance.choices}
        self.statuses = {
            DemandStatus.COMMON: escape(_("common")),
            DemandStatus.OWN: escape(_("own slogan")),
            DemandStatus.PROPOSED: escape(_("proposed")),
        }


def _notice(view: View, notice: Any) -> str:
    return render_to_string(
        "_notice.html",
        {
            "notice": notice,
            "can_moderate": view.can_moderate,
            "editable_ids": view.editable_ids,
        },
        request=view.request,
    )


def _hidden_from_public(html: str) -> str:
    """An item's escaped ``html`` shown to those who may read it while it is hidden."""
    label = escape(_("Hidden from the public; shown to you:"))
    return f'<p class="hidden-text"><span class="kind">{label}</span> {html}</p>'


def demand_text(view: View, row: DemandRow) -> SafeString:
    """A demand's words (in Urdu where given and wanted), proposer, wording and links."""
    demand = row.demand
    if row.notice is not None:
        notice = _notice(view, row.notice)
        if view.reads_hidden(demand.proposed_by_id):
            notice += _hidden_from_public(f'<q lang="en" dir="ltr">{escape(demand.text)}</q>')
        return mark_safe(notice)  # noqa: S308 — a rendered template and escaped text
    urdu = view.language == "ur" and demand.text_ur
    quote = (
        f'<q lang="ur" dir="rtl">{escape(demand.text_ur)}</q>'
        if urdu
        else f'<q lang="en" dir="ltr">{escape(demand.text)}</q>'
    )
    proposer = demand.proposed_by.short_name or demand.proposed_by.name
    parts = [quote, f' <span class="by">— <span lang="en" dir="ltr">{escape(proposer)}</span>']
    if demand.version > 1:
        parts.append(", " + escape(_("wording %(n)s") % {"n": demand.version}))
    if row.status == DemandStatus.COMMON:
        parts.append(
            ", "
            + escape(
                ngettext(
                    "endorsed by %(n)s organisation",
                    "endorsed by %(n)s organisations",
                    row.endorsers,
                )
                % {"n": row.endorsers}
            )
        )
    parts.append("</span>")
    if demand.proposed_by_id in view.editable_ids:
        url = reverse(
            "coalition:demand_reword", kwargs={"slug": view.slug, "demand_id": demand.pk}
        )
        reword = escape(_("reword"))
        parts.append(f' <a class="act" href="{url}">{reword}</a>')
    if view.can_moderate:
        url = reverse(
            "coalition:item_hide",
            kwargs={"slug": view.slug, "kind": "demand", "item_id": demand.pk},
        )
        hide = escape(_("hide"))
        parts.append(f' <a class="act" href="{url}">{hide}</a>')
    return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped


def demands_note(view: View, rows: list[DemandRow]) -> SafeString:
    """One visible note under a list of demands when, on an Urdu page, any of them is
    shown in English for want of an Urdu version (each such item carries ``lang="en"``);
    nothing otherwise. Hidden demands show no words, so they need no note."""
    if view.language != "ur" or all(
        row.notice is not None or row.demand.text_ur.strip() for row in rows
    ):
        return mark_safe("")
    note = escape(_("Demands with no Urdu version yet are shown in English."))
    return mark_safe(f'<p class="lang-note">{note}</p>')  # noqa: S308 — escaped above


def _label(text: str) -> str:
    """A cell's column named inside the cell: hidden on a wide screen, where the column
    heading names it, and shown on a phone, where the row becomes a list (site.css).
    Text-mode browsers ignore the stylesheet and show it, which is what they need."""
    return f'<span class="l">{text}: </span>'


def matrix_body(view: View, front: UnitedFront) -> SafeString:
    """The rows of the demands x organisations table, each cell labelled by its column."""
    members = [
        _label(f"<bdi>{escape(m.organisation.short_name or m.organisation.name)}</bdi>")
        for m in front.members
    ]
    proposed_by = _label(escape(_("Proposed by")))
    standing = _label(escape(_("Standing")))
    # Outside the f-strings: xgettext does not look inside them.
    not_stated = escape(_("not stated"))
    earlier = escape(_("earlier wording"))
    old = f' <span class="old">({earlier})</span>'
    your_position = escape(_("your position"))
    # One-letter classes: this markup repeats once per member per demand.
    stance = Position.Stance
    short: dict[str, str] = {stance.ENDORSES: "e", stance.NO_POSITION: "n", stance.DISAGREES: "d"}
    parts: list[str] = []
    for row in front.rows:
        demand = row.demand
        proposer = escape(demand.proposed_by.short_name or demand.proposed_by.name)
        link = ""
        if view.can_publish:
            url = reverse(
                "coalition:position_record", kwargs={"slug": view.slug, "demand_id": demand.pk}
            )
            link = f' <a class="act" href="{url}">{your_position}</a>'
        parts.append(
            f'<tr id="demand-{demand.pk}"><th scope="row">{demand_text(view, row)}{link}</th>'
            f'<td>{proposed_by}<span lang="en" dir="ltr">{proposer}</span></td>'
            f"<td>{standing}{view.statuses[row.status]}</td>"
        )
        for label, cell in zip(members, row.cells, strict=True):
            if cell is None:
                parts.append(f'<td class="u">{label}{not_stated}</td>')
            else:
                parts.append(
                    f'<td class="{short[cell.stance]}">{label}{view.stances[cell.stance]}'
                    + (old if cell.is_old else "")
                    + "</td>"
                )
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped


def reasons_list(view: View, front: UnitedFront) -> SafeString:
    """Every public reason given, with its organisation, position and demand."""
    hide = escape(_("hide"))
    hidden_item = escape(_("a hidden item"))
    parts: list[str] = []
    for reason in front.reasons:
        cell = reason.cell
        # A hidden demand's words stay hidden here too.
        demand = (
            f"<em>{hidden_item}</em>"
            if reason.demand_hidden and not view.reads_hidden(reason.demand.proposed_by_id)
            else f'<q lang="en" dir="ltr">{escape(reason.demand.text)}</q>'
        )
        head = (
            f'<li><strong lang="en" dir="ltr">{escape(reason.organisation.name)}</strong> — '
            f"{view.stances[cell.stance]}: {demand}. "
        )
        if cell.notice is not None:
            body = _notice(view, cell.notice)
            if view.reads_hidden(cell.organisation_id):
                body += _hidden_from_public(
                    f'<span lang="en" dir="ltr">{escape(cell.reason)}</span>'
                )
        else:
            body = f'<span lang="en" dir="ltr">{escape(cell.reason)}</span>'
            if view.can_moderate:
                url = reverse(
                    "coalition:item_hide",
                    kwargs={"slug": view.slug, "kind": "position", "item_id": cell.position_id},
                )
                body += f' <a class="act" href="{url}">{hide}</a>'
        parts.append(head + body + "</li>")
    return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped

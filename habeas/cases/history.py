"""What changed between the verified versions of a public record.

Each version keeps the public data whole (PublicVersion.data). To show the
history, a version is laid out as labelled lines of plain text, one fact a
line, and each version is compared with the one before it: the lines it
added and the lines it removed. Nothing here reads the working record, so
unverified and restricted facts cannot appear in the history.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from habeas.cases.dates import shown
from habeas.cases.models import Certainty, Person, PublicVersion, Status


@dataclass(frozen=True)
class Line:
    label: str
    value: str


@dataclass(frozen=True)
class VersionChanges:
    version: PublicVersion
    first: bool
    added: list[Line]
    removed: list[Line]


def _date(d: dict[str, Any]) -> str:
    return shown(d.get("date"), d.get("precision") or "UNKNOWN")


def _cited(text: str, fact: dict[str, Any]) -> str:
    """A fact's text with its source and, where given, verified or reported."""
    source = fact.get("source") or {}
    cite = source.get("title") or ""
    certainty = fact.get("certainty")
    parts = [text, f"[{cite}]" if cite else ""]
    if certainty == Certainty.VERIFIED:
        parts.append(_("verified"))
    elif certainty:
        parts.append(_("reported"))
    return " ".join(p for p in parts if p)


def lines(data: dict[str, Any]) -> list[Line]:
    """One version's public facts as labelled lines, in the order the page shows them."""
    out: list[Line] = []

    def add(label: str, value: object) -> None:
        if value not in (None, "", []):
            out.append(Line(label, str(value)))

    add(_("Name"), data.get("name"))
    add(_("Name in Urdu script"), data.get("name_ur"))
    for alias in data.get("aliases", []):
        add(_("Also known as"), alias)
    gender = data.get("gender")
    if gender and gender != Person.Gender.UNKNOWN:
        add(_("Gender"), dict(Person.Gender.choices).get(gender, gender))
    add(_("Year of birth"), data.get("birth_year"))
    add(_("Home region"), data.get("home_region"))
    add(_("Occupation"), data.get("occupation"))
    add(_("Biography"), data.get("summary"))
    add(_("Photo"), _("shown") if data.get("photo") else "")
    add(_("Source of the record"), _cited("", data))
    for a in data.get("affiliations", []):
        role = f" ({a['role']})" if a.get("role") else ""
        add(_("Organisation"), _cited(f"{a['organisation']}{role}", a))
    for r in data.get("recognitions", []):
        text = r["organisation"]
        if r.get("since"):
            text += ", " + _("since %(date)s") % {"date": shown(r["since"], "DAY")}
        if r.get("criterion"):
            text += f": {r['criterion']}"
        add(_("Recognised by"), _cited(text, r))
    statuses = dict(Status.choices)
    for d in data.get("detentions", []):
        arrest = _date(d.get("arrested") or {})
        if d.get("place"):
            arrest += f", {d['place']}"
        add(_("Arrest"), _cited(arrest, d))
        prefix = _("Arrest of %(arrest)s") % {"arrest": arrest}
        add(f"{prefix}: {_('by')}", d.get("authority"))
        add(f"{prefix}: {_('held at')}", d.get("facility"))
        add(f"{prefix}: {_('sentence')}", d.get("sentence"))
        for c in d.get("charges", []):
            text = f"{c['law']} {c['section']}".strip()
            if c.get("description"):
                text += f" — {c['description']}"
            add(f"{prefix}: {_('charge')}", text)
        for s in d.get("statuses", []):
            label = statuses.get(s["status"], s["status"])
            add(f"{prefix}: {_('status')}", _cited(f"{_date(s)} — {label}", s))
        for e in d.get("events", []):
            text = f"{_date(e)} — {e['description']}"
            if e.get("next_hearing_on"):
                text += (
                    " ("
                    + _("next hearing %(date)s") % {"date": shown(e["next_hearing_on"], "DAY")}
                    + ")"
                )
            add(f"{prefix}: {_('event')}", _cited(text, e))
    return out


def _minus(a: list[Line], b: list[Line]) -> list[Line]:
    """The lines of ``a`` not in ``b``, counting repeats, in ``a``'s order."""
    left = Counter(b)
    out = []
    for line in a:
        if left[line]:
            left[line] -= 1
        else:
            out.append(line)
    return out


def changes(versions: list[PublicVersion], before: PublicVersion | None) -> list[VersionChanges]:
    """Each version (newest first) with what it changed from the one before.

    ``before`` is the version just older than the oldest in ``versions``
    (None when that one is the first), so one page of a long history
    compares its last entry too.
    """
    out = []
    older = [*versions[1:], before]
    for version, previous in zip(versions, older, strict=True):
        now = lines(version.data)
        if previous is None:
            out.append(VersionChanges(version, True, now, []))
        else:
            then = lines(previous.data)
            out.append(VersionChanges(version, False, _minus(now, then), _minus(then, now)))
    return out

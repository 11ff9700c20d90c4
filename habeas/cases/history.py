"""What changed between the verified versions of a public record, and what
verifying will change.

Each version keeps the public data whole (PublicVersion.data). To show the
history, a version is laid out as labelled lines of plain text, one fact a
line, and each version is compared with the one before it: the lines it
added and the lines it removed. The history reads only public data, so
unverified and restricted facts cannot appear in it. The second
documenter's review (``review``) lays out the working record's public facts
the same way and compares them with what is public now, so the review and
the public history speak the same language.
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
    # The value's language when it is one script only ("en" for Latin names,
    # "ur" for the name in Urdu script); "" for text that mixes them.
    lang: str = ""


@dataclass(frozen=True)
class VersionChanges:
    version: PublicVersion
    first: bool
    added: list[Line]
    removed: list[Line]


# The one place a public date becomes text, for the history and the review.
def _date(d: dict[str, Any]) -> str:
    return shown(d.get("date"), d.get("precision") or "UNKNOWN")


def _cited(text: str, fact: dict[str, Any]) -> str:
    """A fact's text with its source (title, publisher, date and address, as the
    person page shows them) and, where given, verified or reported."""
    source = fact.get("source") or {}
    cite = ", ".join(
        str(source[key])
        for key in ("title", "publisher", "published_on", "url")
        if source.get(key)
    )
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

    def add(label: str, value: object, lang: str = "") -> None:
        if value not in (None, "", []):
            out.append(Line(label, str(value), lang))

    add(_("Name"), data.get("name"), "en")
    add(_("Name in Urdu script"), data.get("name_ur"), "ur")
    for alias in data.get("aliases", []):
        add(_("Also known as"), alias, "en")
    gender = data.get("gender")
    if gender and gender != Person.Gender.UNKNOWN:
        add(_("Gender"), dict(Person.Gender.choices).get(gender, gender))
    add(_("Year of birth"), data.get("birth_year"))
    add(_("Home region"), data.get("home_region"))
    add(_("Occupation"), data.get("occupation"))
    add(_("Biography"), data.get("summary"))
    add(_("Biography in Urdu"), data.get("summary_ur"), "ur")
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
        # Outside the f-strings: xgettext does not look inside them.
        by, held_at, sentence = _("by"), _("held at"), _("sentence")
        charge, status, event = _("charge"), _("status"), _("event")
        add(f"{prefix}: {by}", d.get("authority"))
        add(f"{prefix}: {held_at}", d.get("facility"))
        add(f"{prefix}: {sentence}", d.get("sentence"))
        for c in d.get("charges", []):
            text = f"{c['law']} {c['section']}".strip()
            if c.get("description"):
                text += f" — {c['description']}"
            add(f"{prefix}: {charge}", text)
        for s in d.get("statuses", []):
            label = statuses.get(s["status"], s["status"])
            add(f"{prefix}: {status}", _cited(f"{_date(s)} — {label}", s))
        for e in d.get("events", []):
            text = f"{_date(e)} — {e['description']}"
            if e.get("next_hearing_on"):
                text += (
                    " ("
                    + _("next hearing %(date)s") % {"date": shown(e["next_hearing_on"], "DAY")}
                    + ")"
                )
            add(f"{prefix}: {event}", _cited(text, e))
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
    if not versions:  # a working record never verified
        return []
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


@dataclass(frozen=True)
class Review:
    """What verifying a working record will change on its public record.

    ``public`` says whether anything is public now. ``changed`` pairs a fact
    as the public sees it now with the same fact after verification;
    ``added`` and ``removed`` are facts with no counterpart; ``facts`` is
    every public fact after verification.
    """

    public: bool
    changed: list[tuple[Line, Line]]
    added: list[Line]
    removed: list[Line]
    facts: list[Line]

    @property
    def unchanged(self) -> bool:
        return not (self.changed or self.added or self.removed)


def review(now: dict[str, Any] | None, after: dict[str, Any]) -> Review:
    """Compare the public facts now (None when never published) with ``after``,
    the working record's public facts as verification would publish them.

    A removed line and an added line with the same label are one fact
    changed (a name respelled, a source corrected), paired in the order the
    page shows them; any others are added or removed. A replaced photo is a
    change although both read "shown".
    """
    then = lines(now) if now is not None else []
    soon = lines(after)
    added = _minus(soon, then)
    removed = _minus(then, soon)
    changed: list[tuple[Line, Line]] = []
    for old in list(removed):
        new = next((line for line in added if line.label == old.label), None)
        if new is not None:
            changed.append((old, new))
            removed.remove(old)
            added.remove(new)
    photos = (now or {}).get("photo"), after.get("photo")
    if all(photos) and photos[0] != photos[1]:
        label = _("Photo")
        changed.append((Line(label, _("shown")), Line(label, _("a new photo"))))
    return Review(now is not None, changed, added, removed, soon)

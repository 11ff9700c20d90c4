"""Where a person's facts come from: the sources a working record cites (for the
documenters' "same source as before") and the public page's numbered list."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from django.db.models import Q, QuerySet

from habeas.cases.models import (
    Affiliation,
    CaseEvent,
    Detention,
    Person,
    Recognition,
    StatusChange,
)
from habeas.core.models import Source

# How many of a record's sources its forms offer: the newest; older ones are typed.
CITED_CHOICES = 20


def cited_sources(person: Person) -> QuerySet[Source]:
    """The sources ``person``'s working record cites, newest first.

    The only sources a documenter may pick by id for this record: sources
    are shared by every campaign's records, and one cited on another
    campaign's record (its address perhaps private) is not offered, nor
    accepted when an id is forged.
    """
    if person.pk is None:
        return Source.objects.none()
    on_record = (
        Q(pk=person.source_id)
        | Q(pk__in=Detention.objects.filter(person=person).values("source"))
        | Q(pk__in=StatusChange.objects.filter(detention__person=person).values("source"))
        | Q(pk__in=CaseEvent.objects.filter(detention__person=person).values("source"))
        | Q(pk__in=Recognition.objects.filter(person=person).values("source"))
        | Q(pk__in=Affiliation.objects.filter(person=person).values("source"))
    )
    return Source.objects.filter(on_record).order_by("-created_at", "-pk")


def _key(source: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(source.get(name) for name in ("title", "publisher", "url", "published_on"))


def _dated(source: dict[str, Any]) -> dict[str, Any]:
    """``published_on`` as a date (the published JSON holds it as ISO text), so the
    page can format it in the reader's language; None if it cannot be read."""
    published = source.get("published_on")
    if not isinstance(published, str):
        return {}
    try:
        return {"published_on": datetime.date.fromisoformat(published)}
    except ValueError:
        return {"published_on": None}


def numbered(data: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A public record's data with each fact's source numbered, and the list of sources.

    Sources are numbered in the order the page first cites them (the
    person, organisations, recognitions, then each detention with its
    statuses and events); a source cited twice keeps its first number. Each
    cited source in the returned copy carries ``number``; the list holds each
    source once, with its number. ``data`` itself is not changed (it may be
    shared with a cached record).
    """
    data = copy.deepcopy(data)
    numbers: dict[tuple[Any, ...], int] = {}
    listed: list[dict[str, Any]] = []

    def cite(fact: dict[str, Any]) -> None:
        source = fact.get("source")
        if not source:
            return
        key = _key(source)
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            listed.append({**source, "number": numbers[key], **_dated(source)})
        source["number"] = numbers[key]

    cite(data)
    for fact in (*data.get("affiliations", []), *data.get("recognitions", [])):
        cite(fact)
    for detention in data.get("detentions", []):
        cite(detention)
        for fact in (*detention.get("statuses", []), *detention.get("events", [])):
            cite(fact)
    return data, listed

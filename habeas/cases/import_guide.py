"""What the import guide page says, read from the importer itself.

The columns are ``importer.REQUIRED`` and ``importer.OPTIONAL``, their limits
the models' (``importer.LIMITED``, ``importer.CUT``), their vocabularies the
models' choices, and the example errors the importer's own output on a
sample file: the page cannot list a column the importer does not read, or
miss one it does. ``EXPLAINED`` says in words what each column holds; a
column the importer gains without a line here is still listed (and fails a
test until it is explained).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from habeas.cases import importer
from habeas.cases.models import Person, Status

# The columns read as dates (``importer.parse_date``).
DATED = {"arrested_on", "status_on", "source_published_on"}

EXPLAINED: dict[str, Promise] = {
    "external_id": _(
        "Your own id for the row, unique in the file. Importing a file with the same "
        "id again updates that person and arrest instead of adding a copy."
    ),
    "name": _("The person's name in Latin script."),
    "source_title": _("The title of the source every fact in the row comes from."),
    "name_ur": _("The name in Urdu script."),
    "aliases": _("Other names, separated by semicolons (;)."),
    "gender": _("One of the values listed; empty means UNKNOWN."),
    "birth_year": _("The year of birth, from 1900 to this year."),
    "home_region": _("The region the person comes from."),
    "occupation": _("The person's occupation."),
    "summary": _("The public biography."),
    "summary_ur": _(
        "The public biography in Urdu. Left empty, Urdu pages show the English one, "
        "marked as English."
    ),
    "affiliation": _(
        "An organisation on Habeas the person belongs to, by the last part of its "
        "page's address (/organisations/this-part/)."
    ),
    "affiliation_role": _("Their role in that organisation."),
    "campaign": _(
        "The campaign that documents the person, by the last part of its page's "
        "address (/campaigns/this-part/): one you document for."
    ),
    "arrested_on": _("When they were arrested."),
    "place": _("Where they were arrested."),
    "authority": _("Who arrested them."),
    "facility": _(
        "Where they are held, by the facility's name. A name not yet on Habeas is "
        "added, with no postal address until a site admin gives one."
    ),
    "charges": _(
        "The charges, each as law|section|description, separated by semicolons: "
        "PPC|124-A|sedition; ATA|11-F."
    ),
    "status": _("One of the values listed; empty means DETAINED."),
    "status_on": _("Since when the status holds; empty means since the arrest."),
    "source_publisher": _("Who published the source."),
    "source_url": _("The source's address, http or https."),
    "source_published_on": _("When the source was published."),
    "certainty": _("VERIFIED or REPORTED; empty means REPORTED."),
}

VALUES: dict[str, list[str]] = {
    "gender": list(Person.Gender.values),
    "status": list(Status.values),
    "certainty": ["VERIFIED", "REPORTED"],
}

# A small file with one mistake, checked by the importer to show its errors as
# the console prints them.
SAMPLE = (
    "external_id,name,source_title,arrested_on,status\n"
    "hrcp-0001,Ali Wazir,HRCP report 2025,2025-05-12,DETAINED\n"
    "hrcp-0002,Idris Khattak,HRCP report 2025,2025-13,DETAINED\n"
)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    explained: Promise | str
    values: list[str]
    limit: int | None
    cut: bool  # a longer value is cut to ``limit``, not refused
    dated: bool


def columns() -> list[Column]:
    """Every column the importer reads, the required first, in its own order."""
    limited = {**importer.LIMITED, **importer.CUT}
    return [
        Column(
            name=name,
            required=name in importer.REQUIRED,
            explained=EXPLAINED.get(name, ""),
            values=VALUES.get(name, []),
            limit=importer._limit(name) if name in limited else None,
            cut=name in importer.CUT,
            dated=name in DATED,
        )
        for name in [*importer.REQUIRED, *importer.OPTIONAL]
    ]


def sample_output() -> str:
    """What ``habeas import-cases persons.csv`` prints for ``SAMPLE``: the command's
    own report of the importer's errors, and its last line as Django prints it."""
    checked = importer.check(SAMPLE.encode(), campaigns={}, organisations={})
    err = io.StringIO()
    command = import_module("habeas.cases.management.commands.import-cases").Command(stderr=err)
    try:
        command._report(checked.errors, Path("persons.csv"))
    except CommandError as error:
        err.write(f"{type(error).__name__}: {error}\n")
    return err.getvalue()

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
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
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
    "gender": _("One of the values listed; empty means %(default)s."),
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
        "page's address (%(path)s)."
    ),
    "affiliation_role": _("Their role in that organisation."),
    "campaign": _(
        "The campaign that documents the person, by the last part of its page's "
        "address (%(path)s): one you document for."
    ),
    "arrested_on": _("When they were arrested."),
    "place": _("Where they were arrested."),
    "authority": _("Who arrested them."),
    "facility": _(
        "Where they are held, by the facility's name. A name not yet on Habeas is "
        "added, with no postal address until a site admin gives one."
    ),
    "charges": _(
        "The charges, each as law|section|description, separated by semicolons: %(example)s."
    ),
    "status": _("One of the values listed; empty means %(default)s."),
    "status_on": _("Since when the status holds; empty means since the arrest."),
    "source_publisher": _("Who published the source."),
    "source_url": _("The source's address, %(http)s or %(https)s."),
    "source_published_on": _("When the source was published."),
    "certainty": _("%(verified)s or %(reported)s; empty means %(reported)s."),
}

# What EXPLAINED's words name as it is typed (codes, addresses, an example), shown
# as code, left to right, in either language.
TYPED: dict[str, dict[str, str]] = {
    "gender": {"default": "UNKNOWN"},
    "affiliation": {"path": "/organisations/this-part/"},
    "campaign": {"path": "/campaigns/this-part/"},
    "charges": {"example": "PPC|124-A|sedition; ATA|11-F"},
    "status": {"default": "DETAINED"},
    "source_url": {"http": "http", "https": "https"},
    "certainty": {"verified": "VERIFIED", "reported": "REPORTED"},
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
    explained: str
    values: list[str]
    limit: int | None
    cut: bool  # a longer value is cut to ``limit``, not refused
    dated: bool


def _explained(name: str) -> str:
    """What a column holds in the active language, anything typed as written in a
    ``<code lang="en" dir="ltr">``."""
    explained = str(EXPLAINED.get(name, ""))
    if name not in TYPED:
        return explained
    codes = {
        key: format_html('<code lang="en" dir="ltr">{}</code>', value)
        for key, value in TYPED[name].items()
    }
    # The translated text is escaped here, and every code above.
    return mark_safe(conditional_escape(explained) % codes)  # noqa: S308


def columns() -> list[Column]:
    """Every column the importer reads, the required first, in its own order."""
    limited = {**importer.LIMITED, **importer.CUT}
    return [
        Column(
            name=name,
            required=name in importer.REQUIRED,
            explained=_explained(name),
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

"""Dates known to the day, the month or the year, and no further.

An imprecise date is stored as the first day of its month or year, with
its precision (``Precision``). Nothing may read that first day as the date:
this module is where a date is turned into text (``shown``), into the
partial ISO 8601 form exports carry (``partial_iso``: ``2025``,
``2025-06``, ``2025-06-05``), into a count of days (``detained_for``), and
where dates that cannot be true are refused (``date_problems``).
"""

from __future__ import annotations

import calendar
import datetime
import enum
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from habeas.cases.models import NOT_HELD, Precision

DateLike = datetime.date | str | None


def as_date(value: DateLike) -> datetime.date | None:
    """A date, from a date or its ISO 8601 text (a public record's data keeps text)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def known(value: DateLike, precision: str) -> bool:
    """Whether any of the date is known."""
    return as_date(value) is not None and precision in {
        Precision.DAY,
        Precision.MONTH,
        Precision.YEAR,
    }


def last_day(value: datetime.date, precision: str) -> datetime.date:
    """The latest day a date known to ``precision`` may be."""
    if precision == Precision.YEAR:
        return datetime.date(value.year, 12, 31)
    if precision == Precision.MONTH:
        return datetime.date(
            value.year, value.month, calendar.monthrange(value.year, value.month)[1]
        )
    return value


def first_day(value: datetime.date, precision: str) -> datetime.date:
    """The earliest day a date known to ``precision`` may be."""
    if precision == Precision.YEAR:
        return datetime.date(value.year, 1, 1)
    if precision == Precision.MONTH:
        return datetime.date(value.year, value.month, 1)
    return value


def partial_iso(value: DateLike, precision: str) -> str | None:
    """The date as far as it is known, in ISO 8601 (``2025``, ``2025-06``,
    ``2025-06-05``), as Popolo writes dates; None when nothing is known."""
    day = as_date(value)
    if day is None or not known(day, precision):
        return None
    if precision == Precision.YEAR:
        return f"{day.year:04d}"
    if precision == Precision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def shown(value: DateLike, precision: str) -> str:
    """The date as far as it is known, in the active language: "5 June 2025",
    "June 2025" (with the month's name in Urdu on Urdu pages), "2025", or
    "date not known"."""
    day = as_date(value)
    if day is None or not known(day, precision):
        return _("date not known")
    if precision == Precision.YEAR:
        return str(day.year)
    if precision == Precision.MONTH:
        return formats.date_format(day, "YEAR_MONTH_FORMAT")
    return formats.date_format(day, "DATE_FORMAT")


@dataclass(frozen=True)
class DaysDetained:
    """How long a person has been (or was) held, never more than the dates say.

    ``days`` is None when the arrest's period is not yet over: "since
    June 2025" is all that is known. With ``at_least``, the count is the
    least the dates allow.
    """

    days: int | None
    at_least: bool
    since: datetime.date
    since_precision: str

    def __str__(self) -> str:
        if self.days is None:
            return _("since %(date)s") % {"date": shown(self.since, self.since_precision)}
        if self.at_least:
            return ngettext("at least %(n)d day", "at least %(n)d days", self.days) % {
                "n": self.days
            }
        return ngettext("%(n)d day", "%(n)d days", self.days) % {"n": self.days}


def detained_for(
    *,
    arrested: DateLike,
    arrested_precision: str,
    released: DateLike,
    released_precision: str,
    held: bool,
    today: datetime.date,
) -> DaysDetained | None:
    """Days from an arrest to its release (or to ``today`` while held).

    An imprecise arrest counts from the last day its period allows, an
    imprecise release to the first: the count is then "at least". While
    the arrest's period is not over (or ends after the release), no count
    is claimed: "since June 2025". None when the arrest date is unknown,
    or when the person was released on a day nobody recorded.
    """
    arrest = as_date(arrested)
    if arrest is None or not known(arrest, arrested_precision):
        return None
    release = as_date(released)
    if release is not None and known(release, released_precision):
        end, exact_end = first_day(release, released_precision), released_precision == "DAY"
    elif held:
        end, exact_end = today, True
    else:
        return None  # released, but when is not known: any count could be too long
    start = last_day(arrest, arrested_precision)
    if start > end:
        if release is not None:
            return None  # held and released within one period: too short to count
        return DaysDetained(None, False, arrest, arrested_precision)
    exact = exact_end and arrested_precision == Precision.DAY
    return DaysDetained((end - start).days, not exact, arrest, arrested_precision)


class DateProblem(enum.Enum):
    """A date that cannot be true."""

    FUTURE_ARREST = "arrest in the future"
    FUTURE_CHANGE = "change of status in the future"
    RELEASE_BEFORE_ARREST = "release before the arrest"

    def message(self) -> str:
        """What is wrong, in the active language."""
        if self is DateProblem.FUTURE_ARREST:
            return _("The arrest date is in the future.")
        if self is DateProblem.FUTURE_CHANGE:
            return _("The date of the change is in the future.")
        return _("The release is dated before the arrest.")


def date_problems(
    *,
    arrested: datetime.date | None,
    arrested_precision: str,
    status: str = "",
    status_on: datetime.date | None = None,
    status_precision: str = Precision.UNKNOWN,
    today: datetime.date,
) -> dict[str, DateProblem]:
    """What cannot be true of an arrest and a change of its status, by field
    ("arrested_on", "status_on"); empty when nothing is wrong.

    An arrest or a change of status may not begin after today, and a
    release (any status in which the person is no longer held) may not end
    before the arrest begins. Imprecise dates are taken at their widest:
    "2025" is refused as a release only before an arrest in 2026.
    """
    problems: dict[str, DateProblem] = {}
    if arrested is not None and known(arrested, arrested_precision) and arrested > today:
        problems["arrested_on"] = DateProblem.FUTURE_ARREST
    if status_on is not None and known(status_on, status_precision):
        if status_on > today:
            problems["status_on"] = DateProblem.FUTURE_CHANGE
        elif (
            status in NOT_HELD
            and arrested is not None
            and known(arrested, arrested_precision)
            and last_day(status_on, status_precision) < first_day(arrested, arrested_precision)
        ):
            problems["status_on"] = DateProblem.RELEASE_BEFORE_ARREST
    return problems

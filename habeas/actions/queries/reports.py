"""Reads of actions' reports and photos: the public part and the organisers' part."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from habeas.actions.models import Action, Photo, Report
from habeas.actions.services.reports import MAX_PHOTOS_PER_REPORT, reporting_open
from habeas.coalition.models import Organisation
from habeas.coalition.queries import Visitor, editable_organisations

# An action has a handful of organisers, each with at most one report.
MAX_REPORTS = 50
# Withdrawn photos listed to a report's editors, the latest first.
MAX_WITHDRAWN_LISTED = 30


def reports_public(action: Action) -> list[Report]:
    """The reports on ``action``, oldest first, each under its organisation, with
    its photos that are not withdrawn in ``report.public_photos`` (with the photo
    each blurred one came from). Bounded: at most MAX_REPORTS reports and
    MAX_PHOTOS_PER_REPORT photos each; three queries whatever the counts."""
    photos = (
        Photo.objects.filter(withdrawn_at__isnull=True)
        .exclude(image="")
        .order_by("uploaded_at", "pk")
    )
    return list(
        Report.objects.filter(action=action)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("photos", queryset=photos[:MAX_PHOTOS_PER_REPORT], to_attr="public_photos")
        )
        .order_by("created_at", "pk")[:MAX_REPORTS]
    )


def organisations_reporting_for(user: Visitor, action: Action) -> list[Organisation]:
    """The action's organising organisations ``user`` may report for (editor or
    admin), by name; none if reports cannot be written on it yet or the user is
    not signed in. One query at most."""
    if not getattr(user, "is_authenticated", False) or not reporting_open(action):
        return []
    return list(
        action.organisations.filter(pk__in=editable_organisations(user).values("pk")).order_by(
            "name", "pk"
        )
    )


def report_of(action: Action, organisation: Organisation) -> Report | None:
    """``organisation``'s report on ``action``, if it wrote one."""
    return Report.objects.filter(action=action, organisation=organisation).first()


def report_photos(report: Report) -> QuerySet[Photo]:
    """For the report's editors: its photos that are not withdrawn, oldest first
    (at most MAX_PHOTOS_PER_REPORT of them exist), with the photo each came from."""
    return (
        Photo.objects.filter(report=report, withdrawn_at__isnull=True)
        .select_related("blurred_from")
        .order_by("uploaded_at", "pk")
    )


def report_withdrawn_photos(report: Report) -> list[Photo]:
    """For the report's editors: its latest withdrawn photos (at most MAX_WITHDRAWN_LISTED)."""
    return list(
        Photo.objects.filter(report=report, withdrawn_at__isnull=False).order_by(
            "-withdrawn_at", "-pk"
        )[:MAX_WITHDRAWN_LISTED]
    )

"""The moderator's page of a letter: who signs unusually often, suspects, batches."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from habeas.core.forms import add_errors
from habeas.core.http import AuthedRequest
from habeas.letters import access
from habeas.letters.models import Letter
from habeas.letters.moderation_forms import DATETIME_LOCAL, InvalidationForm
from habeas.letters.queries import moderation as queries
from habeas.letters.services import moderation as services

PERM = "letters.moderate_signatures"
CRITERIA = ("from_at", "until_at", "ip_hash", "email_domain")


def _local(moment: datetime, *, up: bool = False) -> str:
    """``moment`` as a datetime-local value, to the minute (rounded up with ``up``)."""
    moment = timezone.localtime(moment)
    floor = moment.replace(second=0, microsecond=0)
    if up and floor != moment:
        floor += timedelta(minutes=1)
    return floor.strftime(DATETIME_LOCAL)


def _rows(report: queries.Report, field: str) -> list[dict[str, Any]]:
    """The report's sources with a link that fills the form in for their batch."""
    sources = report.addresses if field == "ip_hash" else report.domains
    window = {"from_at": _local(report.since), "until_at": _local(report.until, up=True)}
    return [
        {"source": source, "link": "?" + urlencode({**window, field: source.value})}
        for source in sources
    ]


def _page(
    request: AuthedRequest,
    letter: Letter,
    form: InvalidationForm,
    preview: int | None = None,
) -> HttpResponse:
    now = timezone.now()
    reports = [
        queries.signing_report(letter, window=window, now=now)
        for window in (queries.HOUR, queries.DAY)
    ]
    return render(
        request,
        "letters/moderate.html",
        {
            "letter": letter,
            "reports": [
                {
                    "report": report,
                    "addresses": _rows(report, "ip_hash"),
                    "domains": _rows(report, "email_domain"),
                }
                for report in reports
            ],
            "suspects": queries.suspect_counts(letter),
            "form": form,
            "preview": preview,
            "batches": queries.invalidations_page(letter, request.GET),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@login_required
def moderate(request: AuthedRequest, slug: str) -> HttpResponse:
    """The report and the batch form. A first POST counts (a dry run); "confirm" acts."""
    letter = access.access_letter(request.user, slug, PERM)
    if request.method != "POST":
        initial = {name: request.GET[name] for name in CRITERIA if request.GET.get(name)}
        return _page(request, letter, InvalidationForm(initial=initial))
    form = InvalidationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed; see what is wrong below."))
        return _page(request, letter, form)
    data = form.cleaned_data
    criteria = {name: data[name] for name in CRITERIA}
    try:
        if request.POST.get("step") == "confirm":
            batch = services.signatures_invalidate(
                by=request.user, letter=letter, reason=data["reason"], **criteria
            )
        else:
            preview = services.invalidation_preview(by=request.user, letter=letter, **criteria)
    except ValidationError as error:
        add_errors(form, error)
        messages.error(request, _("Nothing was changed; see what is wrong below."))
        return _page(request, letter, form)
    if request.POST.get("step") == "confirm":
        messages.success(
            request,
            ngettext(
                "%(count)d signature was invalidated; it no longer counts.",
                "%(count)d signatures were invalidated; they no longer count.",
                batch.matched,
            )
            % {"count": batch.matched},
        )
        return redirect("letters:moderate", slug=letter.slug)
    messages.info(
        request,
        ngettext(
            "%(count)d signature that counts now matches. Nothing has changed yet.",
            "%(count)d signatures that count now match. Nothing has changed yet.",
            preview,
        )
        % {"count": preview},
    )
    return _page(request, letter, form, preview=preview)


@require_POST
@login_required
def undo(request: AuthedRequest, slug: str, invalidation_id: int) -> HttpResponse:
    """Undo a batch: its signatures count again as their own state says."""
    letter = access.access_letter(request.user, slug, PERM)
    invalidation = access.access_invalidation(letter, invalidation_id)
    try:
        services.invalidation_undo(by=request.user, invalidation=invalidation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "Undone: the batch's %(count)d signature counts again if it is confirmed "
                "and not suspect.",
                "Undone: the batch's %(count)d signatures count again where they are "
                "confirmed and not suspect.",
                invalidation.matched,
            )
            % {"count": invalidation.matched},
        )
    return redirect("letters:moderate", slug=letter.slug)

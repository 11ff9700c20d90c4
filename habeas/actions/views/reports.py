"""Organisers' pages for reports: write the report, upload photos, blur or withdraw one.

A report and its photos are their organisation's own: only its editors reach
these pages (the anti-censorship rule; access.py and the services check it).
Signed-in pages: never cached, CSRF-protected multipart forms.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from habeas.actions.access import access_photo, access_reporting
from habeas.actions.models import Photo
from habeas.actions.queries import reports as queries
from habeas.actions.report_forms import BlurForm, PhotoForm, ReportForm, WithdrawForm
from habeas.actions.services import reports as services
from habeas.core.forms import add_errors
from habeas.core.http import AuthedRequest


def _report_url(photo: Photo) -> str:
    report = photo.report
    return reverse(
        "actions:report",
        kwargs={"action_id": report.action_id, "org_slug": report.organisation.slug},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report(request: AuthedRequest, action_id: int, org_slug: str) -> HttpResponse:
    """An organisation's report on an action: its words, and its photos to add,
    blur or withdraw. ``part`` says which form was sent ("report" or "photo")."""
    action, organisation = access_reporting(request.user, action_id, org_slug)
    current = queries.report_of(action, organisation)
    part = request.POST.get("part") if request.method == "POST" else None
    report_form = ReportForm(
        request.POST if part == "report" else None,
        initial={"body": current.body if current else ""},
    )
    photo_form = PhotoForm(
        request.POST if part == "photo" else None,
        request.FILES if part == "photo" else None,
    )
    status = 200
    if part == "report":
        if report_form.is_valid():
            try:
                if current is None:
                    services.report_post(
                        action=action,
                        organisation=organisation,
                        by=request.user,
                        body=report_form.cleaned_data["body"],
                    )
                    messages.success(request, _("Your report is published on the action's page."))
                else:
                    services.report_edit(
                        report=current, by=request.user, body=report_form.cleaned_data["body"]
                    )
                    messages.success(request, _("Your report is changed."))
            except ValidationError as error:
                add_errors(report_form, error)
            else:
                return redirect(request.path)
        status = 400
    elif part == "photo":
        if current is None:
            messages.error(request, _("Write the report first, then add its photos."))
        elif photo_form.is_valid():
            try:
                services.photo_add(
                    report=current,
                    by=request.user,
                    upload=photo_form.cleaned_data["image"],
                    caption=photo_form.cleaned_data["caption"],
                    alt_text=photo_form.cleaned_data["alt_text"],
                    keep_original=photo_form.cleaned_data["keep_original"],
                )
            except ValidationError as error:
                add_errors(photo_form, error)
            else:
                messages.success(
                    request, _("The photo is published, without any of its metadata.")
                )
                return redirect(request.path)
        status = 400
    elif request.method == "POST":
        messages.error(request, _("Nothing was sent: choose a form on this page."))
        return redirect(request.path)
    return render(
        request,
        "actions/report.html",
        {
            "action": action,
            "organisation": organisation,
            "report": current,
            "reporting_open": services.reporting_open(action),
            "report_form": report_form,
            "photo_form": photo_form,
            "photos": queries.report_photos(current) if current else [],
            "withdrawn": queries.report_withdrawn_photos(current) if current else [],
            "max_megabytes": settings.ACTIONS_PHOTO_MAX_BYTES // 1_000_000,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def photo_blur(request: AuthedRequest, photo_id: int) -> HttpResponse:
    """Blur areas of one of the organisation's photos: a blurred copy replaces it."""
    photo = access_photo(request.user, photo_id)
    if photo.withdrawn_at is not None:
        messages.error(request, _("This photo was withdrawn; it can no longer be blurred."))
        return redirect(_report_url(photo))
    form = BlurForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.photo_blur(
                photo=photo,
                by=request.user,
                regions=form.cleaned_data["regions"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The blurred photo replaces the original on the action's page.")
            )
            return redirect(_report_url(photo))
    return render(
        request,
        "actions/photo_blur.html",
        {"photo": photo, "form": form, "report_url": _report_url(photo)},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def photo_withdraw(request: AuthedRequest, photo_id: int) -> HttpResponse:
    """Ask, then take one of the organisation's photos off the public pages."""
    photo = access_photo(request.user, photo_id)
    if photo.withdrawn_at is not None:
        messages.info(request, _("This photo was already withdrawn."))
        return redirect(_report_url(photo))
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.photo_withdraw(
                photo=photo, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The photo is withdrawn and its public file deleted."))
            return redirect(_report_url(photo))
    return render(
        request,
        "actions/photo_withdraw.html",
        {"photo": photo, "form": form, "report_url": _report_url(photo)},
        status=400 if request.method == "POST" else 200,
    )

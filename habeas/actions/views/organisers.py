"""Organisers' pages: their organisations' actions; plan, edit, cancel, mark as happened.

An action is its organisers' own: only their editors reach these pages (the
anti-censorship rule); the services check again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from habeas.actions.access import access_action
from habeas.actions.forms import ActionCreateForm, ActionEditForm, CancelForm, local_input
from habeas.actions.models import Action
from habeas.actions.queries import organisers as queries
from habeas.actions.services import actions as services
from habeas.coalition.models import Organisation
from habeas.core.countries import country_name
from habeas.core.forms import add_errors
from habeas.core.http import AuthedRequest
from habeas.core.refusals import PUBLISH, role_needed

METHODS = ["GET", "HEAD", "POST"]


def _report(request: AuthedRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def mine(request: AuthedRequest) -> HttpResponse:
    """The actions of every organisation the user edits for, those to come first."""
    return render(
        request,
        "actions/mine.html",
        {
            "page": queries.actions_organised_by(request.user, request.GET),
            "can_organise": queries.may_organise(request.user),
        },
    )


@never_cache
@login_required
@require_http_methods(METHODS)
def create(request: AuthedRequest) -> HttpResponse:
    """Plan an action in a campaign (``?campaign=<slug>``, or chosen on the form)."""
    if not queries.may_organise(request.user):
        return role_needed(request, title=_("Organise an action"), needed=str(PUBLISH))
    campaign = None
    slug = request.GET.get("campaign", "")
    if slug:
        campaign = queries.campaign_to_organise_in(request.user, slug)
        if campaign is None:
            raise Http404
    campaigns = queries.campaigns_to_organise_in(request.user)
    form = ActionCreateForm(
        request.POST or None,
        campaign=campaign,
        campaigns=campaigns,
        organisations=queries.organising_choices(request.user, campaign),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(
                by=request.user,
                campaign=campaign or form.cleaned_data["campaign"],
                **form.action_fields(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Action saved. Those coming can now say so."))
            return redirect("actions:mine")
    return render(
        request,
        "actions/action_form.html",
        {
            "form": form,
            "campaign": campaign,
            "no_campaign": campaign is None and not campaigns.exists(),
            "title": _("Organise an action"),
            "submit": _("Save the action"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _initial(action: Action, organisations: list[Organisation]) -> dict[str, object]:
    return {
        "organisations": organisations,
        "title": action.title,
        "title_ur": action.title_ur,
        "kind": action.kind,
        "city": action.city,
        "country": country_name(action.country) if action.country else "",
        "venue": action.venue,
        "address": action.address,
        "latitude": action.latitude,
        "longitude": action.longitude,
        "time_zone": action.time_zone,
        "starts_at": local_input(action.starts_at, action.time_zone),
        "ends_at": local_input(action.ends_at, action.time_zone),
        "description": action.description,
        "description_ur": action.description_ur,
        "accessibility": action.accessibility,
    }


@never_cache
@login_required
@require_http_methods(METHODS)
def edit(request: AuthedRequest, action_id: int) -> HttpResponse:
    """Change an action; a change of time or place is announced to those coming."""
    action = access_action(request.user, action_id, "actions.edit_action")
    if action.status == Action.Status.CANCELLED:
        messages.error(request, _("This action was cancelled: it can no longer be changed."))
        return redirect("actions:mine")
    choices = queries.editing_choices(request.user, action)
    others = queries.organisers_beyond(request.user, action)
    mine_now = [o for o in queries.action_organisers(action) if o not in others]
    form = ActionEditForm(
        request.POST or None, initial=_initial(action, mine_now), organisations=choices
    )
    if request.method == "POST" and form.is_valid():
        fields = form.action_fields()
        fields["organisations"] = [*others, *fields["organisations"]]
        try:
            services.action_edit(
                action=action, by=request.user, note=form.cleaned_data["note"], **fields
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Action saved."))
            return redirect("actions:mine")
    return render(
        request,
        "actions/action_form.html",
        {
            "form": form,
            "action": action,
            "campaign": action.campaign,
            "others": others,
            "title": _("Edit the action"),
            "submit": _("Save the action"),
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_http_methods(METHODS)
def cancel(request: AuthedRequest, action_id: int) -> HttpResponse:
    """Ask, with a note for those coming; then cancel the action and tell them."""
    action = access_action(request.user, action_id, "actions.cancel_action")
    if action.status != Action.Status.PLANNED:
        messages.error(request, _("Only a planned action can be cancelled."))
        return redirect("actions:mine")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_cancel(action=action, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(
                request, _("Cancelled. Those who gave an address are being told by e-mail.")
            )
        return redirect("actions:mine")
    return render(
        request,
        "actions/organiser_confirm.html",
        {
            "action": action,
            "form": form,
            "question": _(
                "Cancel this action? It stays listed, marked as cancelled, and can no "
                "longer be changed. Everyone who gave an address is told by e-mail."
            ),
            "submit": _("Yes, cancel it"),
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_http_methods(METHODS)
def happened(request: AuthedRequest, action_id: int) -> HttpResponse:
    """Ask, then record that the action took place."""
    action = access_action(request.user, action_id, "actions.edit_action")
    if action.status != Action.Status.PLANNED:
        messages.error(request, _("Only a planned action can be marked as happened."))
        return redirect("actions:mine")
    if request.method == "POST":
        try:
            services.action_mark_happened(action=action, by=request.user)
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(request, _("Marked as happened: it is listed among past actions."))
        return redirect("actions:mine")
    return render(
        request,
        "actions/organiser_confirm.html",
        {
            "action": action,
            "question": _("Did this action take place? It will be listed among past actions."),
            "submit": _("Yes, it happened"),
        },
    )

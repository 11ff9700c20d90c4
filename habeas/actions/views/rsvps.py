"""RSVPs without an account: the form's answer, and the page that shows and cancels one.

The action page is kept for every visitor, so its RSVP form carries no CSRF
token and sets no cookie: a POST is refused unless the browser says it came
from this site (habeas.core.origin). The manage page is one person's,
reached only through the token in its link: never kept, never cached by a
browser, never naming its address to another site.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from habeas.actions.access import access_public_action
from habeas.actions.forms import RsvpForm
from habeas.actions.models import Action
from habeas.actions.services import rsvps as services
from habeas.actions.tasks.rsvps import action_page_path, action_title
from habeas.actions.tokens import rsvp_for_token, rsvp_token
from habeas.core.origin import same_origin
from habeas.core.privacy import client_address_pseudonym


def rsvp_part_context(action: Action, form: RsvpForm | None = None) -> dict[str, object]:
    """What ``actions/_rsvp.html`` needs: the count, the form, or why there is none."""
    return {
        "action": action,
        "rsvp_refusal": services.rsvp_refusal(action),
        "rsvp_form": form if form is not None else RsvpForm(),
        "action_path": action_page_path(action),
        "title": action_title(action, get_language() or "en"),
    }


def _form_page(request: HttpRequest, action: Action, form: RsvpForm, status: int) -> HttpResponse:
    return render(request, "actions/rsvp.html", rsvp_part_context(action, form), status=status)


def _private(response: HttpResponse) -> HttpResponse:
    """One person's page: no cache keeps it, and no link on it names it to another site."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@csrf_exempt
@require_http_methods(["POST"])
def rsvp(request: HttpRequest, action_id: int) -> HttpResponse:
    """The RSVP form's POST: count the visitor, then 303 to their RSVP's page.

    Bad input, or an action that takes no RSVPs, is answered with the form
    and what is wrong (400, or 409 for the action), nothing stored; a POST
    from another site with 403.
    """
    action = access_public_action(action_id)
    if not same_origin(request):
        return render(request, "actions/rsvp_refused_origin.html", {"action": action}, status=403)
    form = RsvpForm(request.POST)
    if services.rsvp_refusal(action) is not None:
        return _form_page(request, action, form, 409)
    if not form.is_valid():
        return _form_page(request, action, form, 400)
    try:
        made = services.rsvp_submit(
            action=action,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            language=get_language() or "en",
            ip_hash=client_address_pseudonym(request),
            honeypot=form.cleaned_data["website"],
        )
    except ValidationError as error:
        closed = getattr(error, "code", None) == "closed"
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field, errors)
        else:
            form.add_error(None, error)
        return _form_page(request, action, form, 409 if closed else 400)
    answer = HttpResponseRedirect(
        reverse("actions:rsvp_manage", kwargs={"token": rsvp_token(made)})
    )
    answer.status_code = 303  # See Other: the browser GETs the RSVP's page
    return _private(answer)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def rsvp_manage(request: HttpRequest, token: str) -> HttpResponse:
    """One RSVP's page: "you are counted", and one button that cancels it.

    An unknown or forged token is a 404. The POST (from this site only)
    cancels and answers with a confirmation page; cancelling again changes
    nothing.
    """
    found = rsvp_for_token(token)
    if found is None:
        raise Http404
    action = found.action
    context = {
        "rsvp": found,
        "action": action,
        "action_path": action_page_path(action),
        "title": action_title(action, get_language() or "en"),
    }
    if request.method != "POST":
        return _private(render(request, "actions/rsvp_manage.html", context))
    if not same_origin(request):
        refused = render(request, "actions/rsvp_refused_origin.html", context, status=403)
        return _private(refused)
    services.rsvp_cancel(rsvp=found)
    return _private(render(request, "actions/rsvp_cancelled.html", context))

"""The page shown in place of a form its visitor cannot use: which role it needs, who grants it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

# What each kind of "in the name of" form needs, and who grants it.
PUBLISH = _(
    "Only an editor or admin of an organisation can use this form, in that organisation's "
    "name. An organisation's admins grant the editor role, from its members page."
)
PUBLISH_IN_CAMPAIGN = _(
    "Only an editor or admin of an organisation that is a member of this campaign can use "
    "this form. An organisation's admins grant the editor role; they ask the campaign's "
    "coordinators for their organisation to join."
)
COMMIT = _(
    "Only an admin of an organisation can use this form, in that organisation's name. An "
    "organisation's admins make others admins; a site admin invites an organisation's "
    "first admin."
)
COMMIT_IN_CAMPAIGN = _(
    "Only an admin of an organisation that is a member of this campaign can use this form. "
    "An organisation's admins make others admins."
)
COMMIT_OUTSIDE_CAMPAIGN = _(
    "Only an admin of an organisation that is not yet a member of this campaign can ask "
    "for it to join. An organisation's admins make others admins; a site admin invites an "
    "organisation's first admin."
)


def role_needed(request: HttpRequest, *, title: str, needed: str, back: str = "") -> HttpResponse:
    """In place of a form the visitor can act for no organisation on: the role it needs
    and who grants it, with no form. A post answers 400 and has changed nothing."""
    return render(
        request,
        "core/role_needed.html",
        {"title": title, "needed": needed, "back": back},
        status=400 if request.method == "POST" else 200,
    )

"""Organiser pages: my roles, members and invitations, coordination, profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from habeas.coalition import access, queries, services
from habeas.coalition.forms import (
    AcceptInvitationForm,
    CampaignInviteForm,
    OrganisationForm,
    OrganisationInviteForm,
)
from habeas.coalition.models import TWO_FACTOR_ROLES, Campaign, Organisation


def _send_invitation(
    request: HttpRequest,
    form: OrganisationInviteForm | CampaignInviteForm,
    *,
    organisation: Organisation | None = None,
    campaign: Campaign | None = None,
) -> bool:
    """Invite as the valid ``form`` says; True when sent, else the form carries the error."""
    try:
        invitation, _link = services.invitation_create(
            by=request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            organisation=organisation,
            campaign=campaign,
            site_url=request.build_absolute_uri("/"),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(
        request,
        _("Invitation sent to %(email)s; the link works once, for seven days.")
        % {"email": invitation.email},
    )
    return True


def _report(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@never_cache
@login_required
def my_roles(request: HttpRequest) -> HttpResponse:
    """My organisations and roles, with links to what each role lets me do."""
    return render(request, "coalition/my_roles.html", {"grants": queries.roles_of(request.user)})


@never_cache
@login_required
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's people, its open invitations and the record of revocations."""
    organisation = access.access_organisation(request.user, slug, "coalition.manage_members")
    form = OrganisationInviteForm(campaigns=queries.campaigns_of(organisation))
    return _members_page(request, organisation=organisation, form=form)


def _members_page(
    request: HttpRequest, *, organisation: object, form: OrganisationInviteForm, status: int = 200
) -> HttpResponse:
    page = queries.organisation_members(organisation)  # type: ignore[arg-type]
    return render(
        request,
        "coalition/organisation_members.html",
        {"organisation": organisation, "page": page, "form": form},
        status=status,
    )


@require_POST
@login_required
def organisation_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite someone into an organisation's role by e-mail."""
    organisation = access.access_organisation(request.user, slug, "coalition.manage_members")
    form = OrganisationInviteForm(request.POST, campaigns=queries.campaigns_of(organisation))
    if form.is_valid() and _send_invitation(
        request, form, organisation=organisation, campaign=form.cleaned_data["campaign"]
    ):
        return redirect("coalition:organisation_members", slug=organisation.slug)
    return _members_page(request, organisation=organisation, form=form, status=400)


@require_POST
@login_required
def organisation_revoke(request: HttpRequest, slug: str, grant_id: int) -> HttpResponse:
    """Revoke a role in an organisation; the grant stays on record as revoked."""
    organisation = access.access_organisation(request.user, slug, "coalition.manage_members")
    grant = access.access_organisation_grant(request.user, organisation, grant_id)
    try:
        services.grant_revoke(grant=grant, by=request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("Role revoked."))
    return redirect("coalition:organisation_members", slug=organisation.slug)


@require_POST
@login_required
def organisation_withdraw_invitation(
    request: HttpRequest, slug: str, invitation_id: int
) -> HttpResponse:
    organisation = access.access_organisation(request.user, slug, "coalition.manage_members")
    invitation = access.access_invitation(request.user, invitation_id, organisation=organisation)
    services.invitation_withdraw(invitation=invitation, by=request.user)
    messages.success(request, _("Invitation withdrawn; its link no longer works."))
    return redirect("coalition:organisation_members", slug=organisation.slug)


@never_cache
@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit an organisation's profile (its own editors and admins only)."""
    organisation = access.access_organisation(request.user, slug, "coalition.edit_organisation")
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                by=request.user,
                short_name=form.cleaned_data["short_name"],
                kind=form.cleaned_data["kind"],
                country=form.cleaned_data["country"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("coalition:organisation_edit", slug=organisation.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "coalition/organisation_edit.html",
        {"organisation": organisation, "form": form},
        status=status,
    )


@never_cache
@login_required
def campaign_coordinate(request: HttpRequest, slug: str) -> HttpResponse:
    """The coordinator's page: the campaign's team and invitations to it."""
    campaign = access.access_campaign(request.user, slug, "coalition.coordinate_campaign")
    return _coordinate_page(request, campaign=campaign, form=CampaignInviteForm())


def _coordinate_page(
    request: HttpRequest, *, campaign: object, form: CampaignInviteForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "coalition/campaign_coordinate.html",
        {"campaign": campaign, "page": queries.campaign_members(campaign), "form": form},  # type: ignore[arg-type]
        status=status,
    )


@require_POST
@login_required
def campaign_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite someone into a campaign role by e-mail."""
    campaign = access.access_campaign(request.user, slug, "coalition.coordinate_campaign")
    form = CampaignInviteForm(request.POST)
    if form.is_valid() and _send_invitation(request, form, campaign=campaign):
        return redirect("coalition:campaign_coordinate", slug=campaign.slug)
    return _coordinate_page(request, campaign=campaign, form=form, status=400)


@require_POST
@login_required
def campaign_revoke(request: HttpRequest, slug: str, grant_id: int) -> HttpResponse:
    """Revoke a campaign role; the grant stays on record as revoked."""
    campaign = access.access_campaign(request.user, slug, "coalition.coordinate_campaign")
    grant = access.access_campaign_grant(request.user, campaign, grant_id)
    services.grant_revoke(grant=grant, by=request.user)
    messages.success(request, _("Role revoked."))
    return redirect("coalition:campaign_coordinate", slug=campaign.slug)


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Take an invited role: as the signed-in user, or by choosing a username and password."""
    try:
        invitation = services.invitation_by_token(token)
    except ValidationError as error:
        return render(
            request, "coalition/invitation_invalid.html", {"errors": error.messages}, status=410
        )
    signed_in = request.user.is_authenticated
    form = None if signed_in else AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            grant = services.invitation_accept(
                token=token,
                user=request.user if signed_in else None,
                username="" if form is None else form.cleaned_data["username"],
                password="" if form is None else form.cleaned_data["password1"],
            )
        except ValidationError as error:
            if form is None or not hasattr(error, "error_dict"):
                return render(
                    request,
                    "coalition/invitation_invalid.html",
                    {"errors": error.messages},
                    status=410,
                )
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if not signed_in:
                login(request, grant.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("You are now %(role)s for %(scope)s.")
                % {"role": grant.get_role_display(), "scope": grant.scope_label},
            )
            return redirect("my_roles")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "coalition/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "two_factor": invitation.role in TWO_FACTOR_ROLES,
        },
        status=status,
    )

"""Organiser pages: my roles, members and invitations, coordination, profile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from habeas.accounts.models import User
from habeas.cases import queries as cases_queries
from habeas.coalition import access, queries, services
from habeas.coalition.forms import (
    AcceptInvitationForm,
    AppealForm,
    CampaignForm,
    CampaignInviteForm,
    CampaignSettingsForm,
    ContactInviteForm,
    CorrectionForm,
    CorrespondenceForm,
    DemandForm,
    JoinForm,
    LeaveForm,
    OrganisationCreateForm,
    OrganisationForm,
    OrganisationInviteForm,
    OrganisationInviteToCampaignForm,
    PositionForm,
    ReasonForm,
    ReplyForm,
    RewordForm,
    StatementEditForm,
    StatementForm,
    encode_wordings,
)
from habeas.coalition.models import (
    TWO_FACTOR_ROLES,
    Campaign,
    CampaignMembership,
    Demand,
    HiddenNotice,
    Organisation,
    Position,
    RoleGrant,
    Statement,
)
from habeas.core import bilingual
from habeas.core.forms import add_errors
from habeas.core.http import AuthedRequest
from habeas.core.pagecache import public_page
from habeas.core.refusals import (
    COMMIT,
    COMMIT_IN_CAMPAIGN,
    COMMIT_OUTSIDE_CAMPAIGN,
    PUBLISH,
    PUBLISH_IN_CAMPAIGN,
    role_needed,
)
from habeas.core.text import format_isolated, strip_bidi_controls


def _send_invitation(
    request: AuthedRequest,
    form: OrganisationInviteForm | CampaignInviteForm,
    *,
    organisation: Organisation | None = None,
    campaign: Campaign | None = None,
) -> bool:
    """Invite as the valid ``form`` says; True when sent, else the form carries the error."""
    try:
        invitation = services.invitation_create(
            by=request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            organisation=organisation,
            campaign=campaign,
            site_url=request.build_absolute_uri("/"),
        )
    except ValidationError as error:
        add_errors(form, error)
        return False
    messages.success(
        request,
        format_isolated(
            _("Invitation sent to %(email)s; the link works once, for seven days."),
            email=invitation.email,
        ),
    )
    return True


def _report(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@never_cache
@login_required
def my_roles(request: AuthedRequest) -> HttpResponse:
    """My organisations and roles, with links to what each role lets me do."""
    rows = queries.roles_of(request.user)
    documents = any(row.documents for row in rows)
    keeps_cases = any(row.keeps_cases for row in rows)
    return render(
        request,
        "coalition/my_roles.html",
        {
            "rows": rows,
            "to_answer": queries.invitations_to_answer(request.user),
            "review_waiting": cases_queries.review_waiting(request.user) if documents else 0,
            "case_team_persons": cases_queries.case_team_persons(request.user)
            if keeps_cases
            else None,
        },
    )


@never_cache
@login_required
def organisation_members(request: AuthedRequest, slug: str) -> HttpResponse:
    """An organisation's people, its open invitations and the record of revocations."""
    organisation = access.access_organisation(request.user, slug, "coalition.manage_members")
    form = OrganisationInviteForm(campaigns=queries.campaigns_of(organisation, user=request.user))
    return _members_page(request, organisation=organisation, form=form)


def _members_page(
    request: HttpRequest, *, organisation: object, form: OrganisationInviteForm, status: int = 200
) -> HttpResponse:
    page = queries.organisation_members(organisation, request.GET, user=request.user)  # type: ignore[arg-type]
    return render(
        request,
        "coalition/organisation_members.html",
        {"organisation": organisation, "page": page, "form": form},
        status=status,
    )


@require_POST
@login_required
def organisation_invite(request: AuthedRequest, slug: str) -> HttpResponse:
    """Invite someone into an organisation's role by e-mail."""
    organisation = access.access_organisation(request.user, slug, "coalition.manage_members")
    form = OrganisationInviteForm(
        request.POST, campaigns=queries.campaigns_of(organisation, user=request.user)
    )
    if form.is_valid() and _send_invitation(
        request, form, organisation=organisation, campaign=form.cleaned_data["campaign"]
    ):
        return redirect("coalition:organisation_members", slug=organisation.slug)
    return _members_page(request, organisation=organisation, form=form, status=400)


@require_POST
@login_required
def organisation_revoke(request: AuthedRequest, slug: str, grant_id: int) -> HttpResponse:
    """Revoke a role in an organisation; the grant stays on record as revoked."""
    organisation = access.access_organisation(request.user, slug, "coalition.manage_members")
    grant = access.access_organisation_grant(request.user, organisation, grant_id)
    if request.POST.get("confirmed") != "yes":
        messages.error(request, _("Confirm that you mean to revoke this role."))
        return redirect(
            "coalition:organisation_revoke_confirm", slug=organisation.slug, grant_id=grant.pk
        )
    try:
        services.grant_revoke(grant=grant, by=request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("Role revoked."))
    return redirect("coalition:organisation_members", slug=organisation.slug)


@never_cache
@login_required
def organisation_revoke_confirm(request: AuthedRequest, slug: str, grant_id: int) -> HttpResponse:
    """Ask before revoking a role in an organisation (one's own above all)."""
    organisation = access.access_organisation(request.user, slug, "coalition.manage_members")
    grant = access.access_organisation_grant(request.user, organisation, grant_id)
    return _revoke_confirm_page(
        request,
        grant,
        action=reverse(
            "coalition:organisation_revoke",
            kwargs={"slug": organisation.slug, "grant_id": grant.pk},
        ),
        back=reverse("coalition:organisation_members", kwargs={"slug": organisation.slug}),
    )


def _revoke_confirm_page(
    request: AuthedRequest, grant: RoleGrant, *, action: str, back: str
) -> HttpResponse:
    return render(
        request,
        "coalition/revoke_confirm.html",
        {"grant": grant, "own": grant.user_id == request.user.pk, "action": action, "back": back},
    )


@require_POST
@login_required
def organisation_withdraw_invitation(
    request: AuthedRequest, slug: str, invitation_id: int
) -> HttpResponse:
    organisation = access.access_organisation(request.user, slug, "coalition.manage_members")
    invitation = access.access_invitation(request.user, invitation_id, organisation=organisation)
    services.invitation_withdraw(invitation=invitation, by=request.user)
    messages.success(request, _("Invitation withdrawn; its link no longer works."))
    return redirect("coalition:organisation_members", slug=organisation.slug)


@never_cache
@login_required
def organisation_edit(request: AuthedRequest, slug: str) -> HttpResponse:
    """Edit an organisation's profile (its own editors and admins only)."""
    organisation = access.access_organisation(request.user, slug, "coalition.edit_organisation")
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                by=request.user,
                short_name=form.cleaned_data["short_name"],
                kind=form.cleaned_data["kind"],
                country=form.cleaned_data["country"],
                website=form.cleaned_data["website"],
                description=form.cleaned_data["description"],
                description_ur=form.cleaned_data["description_ur"],
                logo=request.FILES.get("logo"),
            )
        except ValidationError as error:
            add_errors(form, error)
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
def campaign_coordinate(request: AuthedRequest, slug: str) -> HttpResponse:
    """The coordinator's page: the campaign's team and invitations to it."""
    campaign = access.access_campaign(request.user, slug, "coalition.coordinate_campaign")
    return _coordinate_page(request, campaign=campaign, form=CampaignInviteForm())


def _coordinate_page(
    request: HttpRequest,
    *,
    campaign: Campaign,
    form: CampaignInviteForm,
    contact_form: ContactInviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "coalition/campaign_coordinate.html",
        {
            "campaign": campaign,
            "page": queries.campaign_members(campaign, request.GET),
            "form": form,
            "organisation_form": OrganisationInviteToCampaignForm(),
            "contact_form": contact_form or ContactInviteForm(),
            "requests": queries.membership_requests(campaign, request.GET),
            "members": queries.campaign_memberships(
                campaign, request.GET, status=CampaignMembership.Status.ACTIVE, key="members"
            ),
            "invited": queries.campaign_memberships(
                campaign, request.GET, status=CampaignMembership.Status.INVITED, key="invited"
            ),
            # The record of shared case work is its coordinators' alone, not a site admin's.
            "sees_shares": request.user.has_perm("cases.see_shares", campaign),
        },
        status=status,
    )


def _to_organisations(campaign: Campaign) -> str:
    return reverse("coalition:campaign_coordinate", kwargs={"slug": campaign.slug}) + (
        "#organisations"
    )


@require_POST
@login_required
def organisation_contact_invite(request: AuthedRequest, slug: str) -> HttpResponse:
    """Invite an organisation that has no one on Habeas, through a contact's e-mail."""
    campaign = access.access_campaign(request.user, slug, "coalition.coordinate_campaign")
    form = ContactInviteForm(request.POST)
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            invitation = services.organisation_contact_invite(
                by=request.user,
                campaign=campaign,
                organisation=organisation,
                email=form.cleaned_data["email"],
                site_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                format_isolated(
                    _(
                        "%(organisation)s is invited through %(email)s; whoever accepts becomes "
                        "its first admin. The link works once, for seven days."
                    ),
                    organisation=organisation,
                    email=invitation.email,
                ),
            )
            return redirect(_to_organisations(campaign))
    messages.error(request, _("The organisation was not invited; see below."))
    return _coordinate_page(
        request, campaign=campaign, form=CampaignInviteForm(), contact_form=form, status=400
    )


@require_POST
@login_required
def membership_invitation_withdraw(
    request: AuthedRequest, slug: str, organisation_id: int
) -> HttpResponse:
    """A coordinator withdraws the campaign's invitation to an organisation."""
    campaign = access.access_campaign(request.user, slug, "coalition.coordinate_campaign")
    membership = access.access_membership(campaign, organisation_id)
    try:
        services.membership_invitation_withdraw(by=request.user, membership=membership)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(
            request,
            format_isolated(
                _("The invitation to %(organisation)s is withdrawn."),
                organisation=membership.organisation,
            ),
        )
    return redirect(_to_organisations(campaign))


@never_cache
@login_required
def membership_answer(request: AuthedRequest, slug: str, organisation_id: int) -> HttpResponse:
    """An organisation's admin answers a campaign's invitation: accept and join, or decline."""
    campaign = access.access_public_campaign(slug)
    membership = access.access_membership(campaign, organisation_id)
    if not request.user.has_perm("coalition.commit_organisation", membership.organisation):
        raise PermissionDenied
    return render(
        request,
        "coalition/membership_answer.html",
        {
            "campaign": campaign,
            "membership": membership,
            "open": membership.status == CampaignMembership.Status.INVITED,
            "common": queries.common_demands_to_endorse(campaign),
        },
    )


@require_POST
@login_required
def membership_decline(request: AuthedRequest, slug: str, organisation_id: int) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    membership = access.access_membership(campaign, organisation_id)
    try:
        services.membership_decline(by=request.user, membership=membership)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(
            request,
            format_isolated(
                _("%(organisation)s declined the invitation to join."),
                organisation=membership.organisation,
            ),
        )
    return redirect(campaign)


@require_POST
@login_required
def campaign_invite(request: AuthedRequest, slug: str) -> HttpResponse:
    """Invite someone into a campaign role by e-mail."""
    campaign = access.access_campaign(request.user, slug, "coalition.coordinate_campaign")
    form = CampaignInviteForm(request.POST)
    if form.is_valid() and _send_invitation(request, form, campaign=campaign):
        return redirect("coalition:campaign_coordinate", slug=campaign.slug)
    return _coordinate_page(request, campaign=campaign, form=form, status=400)


@require_POST
@login_required
def campaign_revoke(request: AuthedRequest, slug: str, grant_id: int) -> HttpResponse:
    """Revoke a campaign role; the grant stays on record as revoked."""
    campaign = access.access_campaign(request.user, slug, "coalition.coordinate_campaign")
    grant = access.access_campaign_grant(request.user, campaign, grant_id)
    if request.POST.get("confirmed") != "yes":
        messages.error(request, _("Confirm that you mean to revoke this role."))
        return redirect("coalition:campaign_revoke_confirm", slug=campaign.slug, grant_id=grant.pk)
    try:
        services.grant_revoke(grant=grant, by=request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("Role revoked."))
    return redirect(
        reverse("coalition:campaign_coordinate", kwargs={"slug": campaign.slug}) + "#team"
    )


@never_cache
@login_required
def campaign_revoke_confirm(request: AuthedRequest, slug: str, grant_id: int) -> HttpResponse:
    """Ask before revoking a campaign role (one's own above all)."""
    campaign = access.access_campaign(request.user, slug, "coalition.coordinate_campaign")
    grant = access.access_campaign_grant(request.user, campaign, grant_id)
    return _revoke_confirm_page(
        request,
        grant,
        action=reverse(
            "coalition:campaign_revoke", kwargs={"slug": campaign.slug, "grant_id": grant.pk}
        ),
        back=reverse("coalition:campaign_coordinate", kwargs={"slug": campaign.slug}) + "#team",
    )


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Take an invited role: as the signed-in user, or by choosing a username and password."""
    try:
        invitation = queries.invitation_by_token(token)
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
                user=request.user if request.user.is_authenticated else None,
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
            add_errors(form, error)
        else:
            if not signed_in:
                login(request, grant.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                format_isolated(
                    _("You are now %(role)s for %(scope)s."),
                    role=grant.get_role_display(),
                    scope=grant.scope_label,
                ),
            )
            joining = invitation.membership_campaign
            if joining is not None and joining.status != Campaign.Status.DRAFT:
                messages.info(
                    request,
                    format_isolated(
                        _("Now answer for %(organisation)s the invitation to join %(campaign)s."),
                        organisation=invitation.organisation,
                        campaign=joining,
                    ),
                )
                return redirect(
                    "coalition:membership_answer",
                    slug=joining.slug,
                    organisation_id=invitation.organisation_id,
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


# --- United front: acting for an organisation -------------------------------


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    intro: str = "",
    submit: str,
    back: str = "",
    status: int = 200,
    multipart: bool = False,
    preview: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.method == "POST" and status == 200:
        status = 400
    return render(
        request,
        "coalition/form_page.html",
        {
            "preview": preview,
            "form": form,
            "title": title,
            "intro": intro,
            "submit": submit,
            "back": back,
            "multipart": multipart,
        },
        status=status,
    )


def _handle(
    request: HttpRequest,
    form: Any,
    do: Callable[[dict[str, Any]], Any],
    *,
    success: str,
    then: Any,
    **page: Any,
) -> HttpResponse:
    """The shape of every organiser form: on a valid post run ``do`` (a service call) with
    the cleaned data; on success say so and redirect to ``then`` (or ``then(result)``);
    otherwise show the form again with the service's errors, as 400 after a post."""
    if request.method == "POST" and form.is_valid():
        try:
            result = do(form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(then(result) if callable(then) else then)
    return _form_page(request, form, **page)


def _member_organisations(user: User, campaign: Campaign) -> QuerySet[Organisation]:
    return queries.member_organisations(queries.editable_organisations(user), campaign)


@never_cache
@login_required
def demand_propose(request: AuthedRequest, slug: str) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    organisations = _member_organisations(request.user, campaign)
    if not organisations.exists():
        return role_needed(
            request,
            title=_("Propose a demand or slogan"),
            needed=str(PUBLISH_IN_CAMPAIGN),
            back=campaign.get_absolute_url(),
        )
    form = DemandForm(request.POST or None, organisations=organisations)
    return _handle(
        request,
        form,
        lambda data: services.demand_propose(
            by=request.user,
            campaign=campaign,
            organisation=data["organisation"],
            text=data["text"],
            text_ur=data["text_ur"],
        ),
        success=_("Demand proposed; your organisation endorses it."),
        then=campaign,
        title=_("Propose a demand or slogan"),
        submit=_("Propose"),
        intro=_(
            "It becomes common when the members endorse it; until then it is your "
            "organisation's own slogan."
        ),
        back=campaign.get_absolute_url(),
    )


@never_cache
@login_required
def demand_reword(request: AuthedRequest, slug: str, demand_id: int) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    demand = access.access_in_campaign(Demand, campaign, demand_id)
    if not request.user.has_perm("coalition.edit_item", demand):
        raise PermissionDenied
    form = RewordForm(
        request.POST or None, initial={"text": demand.text, "text_ur": demand.text_ur}
    )
    return _handle(
        request,
        form,
        lambda data: services.demand_reword(
            by=request.user, demand=demand, text=data["text"], text_ur=data["text_ur"]
        ),
        success=_("New wording saved. Other members endorse it anew."),
        then=campaign,
        title=_("Change the wording"),
        submit=_("Save"),
        intro=_(
            "Every wording is kept. Endorsements of the old wording do not "
            "count for the new one until renewed."
        ),
        back=campaign.get_absolute_url(),
    )


@require_POST
@login_required
def demand_withdraw(request: AuthedRequest, slug: str, demand_id: int) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    demand = access.access_in_campaign(Demand, campaign, demand_id)
    try:
        services.demand_withdraw(by=request.user, demand=demand)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("Withdrawn. It stays in the history."))
    return redirect(campaign)


@never_cache
@login_required
def position_record(request: AuthedRequest, slug: str, demand_id: int) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    demand = access.access_in_campaign(Demand, campaign, demand_id)
    organisations = _member_organisations(request.user, campaign)
    if not organisations.exists():
        return role_needed(
            request,
            title=_("Record a position"),
            needed=str(PUBLISH_IN_CAMPAIGN),
            back=campaign.get_absolute_url(),
        )
    form = PositionForm(request.POST or None, organisations=organisations)
    return _handle(
        request,
        form,
        lambda data: services.position_record(
            by=request.user,
            demand=demand,
            organisation=data["organisation"],
            stance=data["stance"],
            reason=data["reason"],
        ),
        success=_("Position recorded."),
        then=campaign,
        title=format_isolated(
            _("Your position on: %(demand)s"),
            demand=queries.demand_text_for(request.user, demand) or _("a hidden demand"),
        ),
        submit=_("Record"),
        back=campaign.get_absolute_url(),
    )


@never_cache
@login_required
def statement_publish(request: AuthedRequest, slug: str) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    organisations = _member_organisations(request.user, campaign)
    if not organisations.exists():
        return role_needed(
            request,
            title=_("Publish a statement"),
            needed=str(PUBLISH_IN_CAMPAIGN),
            back=campaign.get_absolute_url(),
        )
    form = StatementForm(request.POST or None, organisations=organisations)
    return _handle(
        request,
        form,
        lambda data: services.statement_publish(
            by=request.user,
            campaign=campaign,
            organisation=data["organisation"],
            title=data["title"],
            body=data["body"],
            title_ur=data["title_ur"],
            body_ur=data["body_ur"],
        ),
        success=_("Statement published."),
        then=campaign,
        title=_("Publish a statement"),
        submit=_("Publish"),
        back=campaign.get_absolute_url(),
    )


@never_cache
@login_required
def statement_edit(request: AuthedRequest, slug: str, statement_id: int) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    statement = access.access_in_campaign(Statement, campaign, statement_id)
    if not request.user.has_perm("coalition.edit_item", statement):
        raise PermissionDenied
    form = StatementEditForm(
        request.POST or None,
        initial={
            "title": statement.title,
            "body": statement.body,
            "title_ur": statement.title_ur,
            "body_ur": statement.body_ur,
        },
    )
    return _handle(
        request,
        form,
        lambda data: services.statement_edit(
            by=request.user,
            statement=statement,
            title=data["title"],
            body=data["body"],
            title_ur=data["title_ur"],
            body_ur=data["body_ur"],
        ),
        success=_("New version published; the old one is kept."),
        then=campaign,
        title=_("Edit the statement"),
        submit=_("Publish"),
        back=campaign.get_absolute_url(),
    )


@require_POST
@login_required
def statement_withdraw(request: AuthedRequest, slug: str, statement_id: int) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    statement = access.access_in_campaign(Statement, campaign, statement_id)
    try:
        services.statement_withdraw(by=request.user, statement=statement)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("Withdrawn. It stays in the history."))
    return redirect(campaign)


HIDEABLE = {"demand", "statement", "position"}


@never_cache
@login_required
def item_hide(request: AuthedRequest, slug: str, kind: str, item_id: int) -> HttpResponse:
    """A coordinator or moderator hides an item, with a public reason."""
    campaign = access.access_public_campaign(slug)
    if kind not in HIDEABLE:
        raise Http404
    item: Demand | Statement | Position
    if kind == "position":
        item = access.access_position(campaign, item_id)
    elif kind == "demand":
        item = access.access_in_campaign(Demand, campaign, item_id)
    else:
        item = access.access_in_campaign(Statement, campaign, item_id)
    if not request.user.has_perm("coalition.moderate_campaign", campaign):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.item_hide(
                    by=request.user,
                    item=item,
                    reason=form.cleaned_data["reason"],
                    site_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("Hidden. The public notice names you and your reason.")
                )
                return redirect(campaign)
        else:
            form.errors.pop("reason", None)
            form.add_error("reason", _("Say why the item is hidden; the reason is public."))
    return _form_page(
        request,
        form,
        title=_("Hide an item"),
        submit=_("Hide"),
        preview=_hide_preview(item),
        intro=_(
            "The item will be replaced by a public notice saying who hid it, when and why, "
            "its organisation's admins will be told, and it can appeal."
        ),
        back=campaign.get_absolute_url(),
    )


def _hide_preview(item: Demand | Statement | Position) -> dict[str, Any]:
    """What the hide form shows of the item it would hide: its words and whose they are."""
    if isinstance(item, Demand):
        return {"kind": _("Demand or slogan"), "text": item.text, "organisation": item.proposed_by}
    if isinstance(item, Statement):
        return {
            "kind": _("Statement"),
            "title": item.title,
            "text": item.body,
            "organisation": item.organisation,
        }
    return {
        "kind": _("Position"),
        "title": f"{item.get_stance_display()}: {item.demand.text}",
        "text": item.reason,
        "organisation": item.organisation,
    }


@never_cache
@login_required
def notice_appeal(request: AuthedRequest, slug: str, notice_id: int) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    notice = access.access_in_campaign(HiddenNotice, campaign, notice_id)
    if not request.user.has_perm("coalition.publish_for_organisation", notice.organisation):
        raise PermissionDenied
    return _handle(
        request,
        AppealForm(request.POST or None),
        lambda data: services.notice_appeal(by=request.user, notice=notice, text=data["text"]),
        success=_("Appeal recorded and shown with the notice."),
        then=campaign,
        title=_("Appeal against hiding"),
        submit=_("Appeal"),
        back=campaign.get_absolute_url(),
    )


@require_POST
@login_required
def notice_lift(request: AuthedRequest, slug: str, notice_id: int) -> HttpResponse:
    """Show a hidden item again; back to the moderation queue when asked from there
    (``back=queue``), else to the campaign page."""
    campaign = access.access_public_campaign(slug)
    notice = access.access_in_campaign(HiddenNotice, campaign, notice_id)
    services.notice_lift(by=request.user, notice=notice)
    messages.success(request, _("The item is shown again; the notice stays on record."))
    if request.POST.get("back") == "queue":
        return redirect("coalition:moderation_queue", slug=campaign.slug)
    return redirect(campaign)


@never_cache
@login_required
def moderation_queue(request: AuthedRequest, slug: str) -> HttpResponse:
    """A campaign's hidden items, for those who may show them again: its coordinators
    and moderators (and site admins, who may too)."""
    campaign = access.access_campaign(request.user, slug, "coalition.moderate_campaign")
    return render(
        request,
        "coalition/moderation_queue.html",
        {"campaign": campaign, "page": queries.moderation_queue(campaign, request.GET)},
    )


def _quoted(english: str, urdu: str) -> SafeString:
    """A demand quoted in a sentence: the reader's language version (or the other, with
    its note) in a ``<q>`` that carries its language, so that its marks are its own and
    its direction cannot move the sentence around it."""
    choice = bilingual.choose(english, urdu)
    quoted = format_html(
        '<q lang="{}" dir="{}">{}</q>',
        choice.language,
        choice.direction,
        strip_bidi_controls(choice.text),
    )
    if not choice.fallback:
        return quoted
    return format_html('{} <small class="lang-note">({})</small>', quoted, bilingual.note(choice))


@never_cache
@login_required
def campaign_join(request: AuthedRequest, slug: str) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    admin_of = queries.outside_organisations(
        queries.administered_organisations(request.user), campaign
    )
    if not admin_of.exists():
        return role_needed(
            request,
            title=_("Join the campaign"),
            needed=str(COMMIT_OUTSIDE_CAMPAIGN),
            back=campaign.get_absolute_url(),
        )
    common = queries.common_demands_to_endorse(campaign)
    shown = encode_wordings([[demand.pk, demand.version] for demand in common])
    form = JoinForm(
        request.POST or None, organisations=admin_of, initial={"common_demands": shown}
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_request(
                by=request.user,
                campaign=campaign,
                organisation=form.cleaned_data["organisation"],
                endorses_common=form.cleaned_data["endorses_common"],
                common_seen=form.cleaned_data["common_demands"],
            )
        except ValidationError as error:
            add_errors(form, error)
            # Show the demands as they are now, and let the next post agree to them.
            data = request.POST.copy()
            data["common_demands"] = shown
            form.data = data
        else:
            if membership.status == CampaignMembership.Status.ACTIVE:
                messages.success(request, _("Your organisation has joined the campaign."))
            else:
                messages.success(request, _("Request sent; a coordinator will answer."))
            return redirect(campaign)
    sentence = _(
        "Joining means endorsing the common demands: %(demands)s. It does not mean "
        "endorsing any other organisation's own slogans, nor any demand that becomes "
        "common later: your organisation's editors decide on those."
    )
    demands = format_html_join("; ", "{}", ((_quoted(d.text, d.text_ur),) for d in common))
    listed = demands or conditional_escape(_("none yet"))
    # The sentence escaped, the demands escaped in _quoted.
    intro = mark_safe(conditional_escape(sentence) % {"demands": listed})  # noqa: S308
    return _form_page(
        request,
        form,
        title=_("Join the campaign"),
        submit=_("Ask to join"),
        intro=intro,
        back=campaign.get_absolute_url(),
    )


@never_cache
@login_required
def campaign_leave(request: AuthedRequest, slug: str) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    admin_of = queries.member_organisations(
        queries.administered_organisations(request.user), campaign
    )
    if not admin_of.exists():
        return role_needed(
            request,
            title=_("Leave the campaign"),
            needed=str(COMMIT_IN_CAMPAIGN),
            back=campaign.get_absolute_url(),
        )
    form = LeaveForm(request.POST or None, organisations=admin_of)
    if request.method == "POST" and form.is_valid():
        membership = access.access_membership(campaign, form.cleaned_data["organisation"].pk)
        try:
            services.membership_leave(
                by=request.user, membership=membership, notice=form.cleaned_data["notice"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your organisation has left; its notice is public."))
            return redirect(campaign)
    return _form_page(
        request,
        form,
        title=_("Leave the campaign"),
        submit=_("Leave"),
        back=campaign.get_absolute_url(),
    )


@require_POST
@login_required
def membership_decide(request: AuthedRequest, slug: str, organisation_id: int) -> HttpResponse:
    campaign = access.access_campaign(request.user, slug, "coalition.coordinate_campaign")
    membership = access.access_membership(campaign, organisation_id)
    approve = request.POST.get("decision") == "approve"
    try:
        services.membership_decide(by=request.user, membership=membership, approve=approve)
    except ValidationError as error:
        _report(request, error)
    else:
        if approve:
            message = _("%(organisation)s has joined the campaign.")
        else:
            message = _("The request of %(organisation)s is declined.")
        messages.success(request, format_isolated(message, organisation=membership.organisation))
    return redirect(_to_organisations(campaign))


@require_POST
@login_required
def membership_invite(request: AuthedRequest, slug: str) -> HttpResponse:
    campaign = access.access_campaign(request.user, slug, "coalition.coordinate_campaign")
    form = OrganisationInviteToCampaignForm(request.POST)
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            membership = services.membership_invite(
                by=request.user, campaign=campaign, organisation=organisation
            )
        except ValidationError as error:
            _report(request, error)
        else:
            if membership.status == CampaignMembership.Status.ACTIVE:
                message = _("%(organisation)s had asked to join: it is now a member.")
            else:
                message = _(
                    "%(organisation)s is invited; its admins will find the invitation "
                    "on their roles page and on the campaign's page."
                )
            messages.success(request, format_isolated(message, organisation=organisation))
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return redirect(_to_organisations(campaign))


@require_POST
@login_required
def membership_accept(request: AuthedRequest, slug: str, organisation_id: int) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    membership = access.access_membership(campaign, organisation_id)
    try:
        services.membership_accept(
            by=request.user,
            membership=membership,
            endorses_common=request.POST.get("endorses_common") == "on",
        )
    except ValidationError as error:
        _report(request, error)
        if membership.status == CampaignMembership.Status.INVITED:
            return redirect(
                "coalition:membership_answer", slug=campaign.slug, organisation_id=organisation_id
            )
    else:
        messages.success(request, _("Your organisation has joined the campaign."))
    return redirect(campaign)


@never_cache
@login_required
def campaign_create(request: AuthedRequest) -> HttpResponse:
    admin_of = queries.administered_organisations(request.user)
    if not admin_of.exists():
        return role_needed(request, title=_("Start a campaign"), needed=str(COMMIT))
    form = CampaignForm(request.POST or None, organisations=admin_of)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                by=request.user,
                organisation=form.cleaned_data["organisation"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                title_ur=form.cleaned_data["title_ur"],
                summary_ur=form.cleaned_data["summary_ur"],
                start_on=form.cleaned_data["start_on"],
                quorum=form.cleaned_data["quorum"],
                status=form.cleaned_data["status"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Campaign started; you are its coordinator."))
            return redirect("coalition:campaign_coordinate", slug=campaign.slug)
    return _form_page(request, form, title=_("Start a campaign"), submit=_("Start"))


@never_cache
@login_required
def campaign_settings(request: AuthedRequest, slug: str) -> HttpResponse:
    """A coordinator changes the campaign's title and summary (in English and Urdu),
    status or quorum."""
    campaign = access.access_campaign(request.user, slug, "coalition.coordinate_campaign")
    form = CampaignSettingsForm(
        request.POST or None,
        initial={
            "title": campaign.title,
            "status": campaign.status,
            "summary": campaign.summary,
            "title_ur": campaign.title_ur,
            "summary_ur": campaign.summary_ur,
            "start_on": campaign.start_on,
            "quorum": campaign.quorum,
        },
    )
    return _handle(
        request,
        form,
        lambda data: services.campaign_update(
            by=request.user,
            campaign=campaign,
            title=data["title"],
            summary=data["summary"],
            title_ur=data["title_ur"],
            summary_ur=data["summary_ur"],
            start_on=data["start_on"],
            quorum=data["quorum"],
            status=data["status"],
        ),
        success=_("Campaign settings saved."),
        then=lambda found: reverse("coalition:campaign_coordinate", kwargs={"slug": found.slug}),
        title=_("Campaign settings"),
        submit=_("Save"),
        back=reverse("coalition:campaign_coordinate", kwargs={"slug": campaign.slug}),
    )


@never_cache
@login_required
def organisation_create(request: AuthedRequest) -> HttpResponse:
    """A site admin registers an organisation, then invites its first admin."""
    if not request.user.has_perm("coalition.create_organisation"):
        raise PermissionDenied
    return _handle(
        request,
        OrganisationCreateForm(request.POST or None),
        lambda data: services.organisation_create(
            by=request.user,
            name=data["name"],
            short_name=data["short_name"],
            kind=data["kind"],
            country=data["country"],
        ),
        success=_("Organisation registered. Invite its first admin now."),
        then=lambda found: reverse("coalition:organisation_members", kwargs={"slug": found.slug}),
        title=_("Register an organisation"),
        submit=_("Register"),
        intro=_(
            "Once registered, only the organisation's own editors change its profile "
            "and speak in its name."
        ),
    )


# --- Public pages -----------------------------------------------------------


@public_page(params=["kind", "country", "page"])
def organisation_directory(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    country = request.GET.get("country", "").upper()
    if kind not in Organisation.Kind.values:
        kind = ""
    found = queries.organisations_directory(kind=kind, country=country[:2])
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coalition/organisation_directory.html",
        {
            "page": page,
            "kind": kind,
            "country": country[:2],
            "kinds": Organisation.Kind.choices,
            "countries": queries.organisation_countries(),
        },
    )


@public_page()
def campaign_history(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access.access_public_campaign(slug)
    return render(
        request,
        "coalition/campaign_history.html",
        {"campaign": campaign, "history": queries.campaign_history(campaign, user=request.user)},
    )


@public_page(params=["page"])
def correspondence_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.correspondence_threads(), 25).get_page(request.GET.get("page"))
    return render(request, "coalition/correspondence_list.html", {"page": page})


@public_page()
def correspondence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    root = queries.correspondence_root(pk)
    if root is None:
        raise Http404
    return render(
        request,
        "coalition/correspondence.html",
        {
            "root": root,
            "thread": queries.correspondence_thread(root),
            # Reply and correct show only to those who can publish (one query, none
            # for an anonymous visitor).
            "editable_ids": queries.acting_organisation_ids(request.user).editable,
        },
    )


@never_cache
@login_required
def correspondence_write(request: AuthedRequest) -> HttpResponse:
    organisations = queries.editable_organisations(request.user)
    if not organisations.exists():
        return role_needed(request, title=_("Write an open letter"), needed=str(PUBLISH))
    form = CorrespondenceForm(request.POST or None, organisations=organisations)
    return _handle(
        request,
        form,
        lambda data: services.correspondence_publish(
            by=request.user,
            organisation=data["organisation"],
            subject=data["subject"],
            body=data["body"],
            to_organisation=data["to_organisation"],
            to_campaign=data["to_campaign"],
            signed=data["signed"],
        ),
        success=_("Open letter published."),
        then=lambda letter: letter,
        title=_("Write an open letter"),
        submit=_("Publish"),
        intro=_("A published letter is never edited; you can follow it with a correction."),
    )


@never_cache
@login_required
def correspondence_reply(request: AuthedRequest, pk: int) -> HttpResponse:
    parent = access.access_public_correspondence(pk)
    organisations = queries.editable_organisations(request.user)
    if not organisations.exists():
        return role_needed(
            request,
            title=format_isolated(_("Reply to: %(subject)s"), subject=parent),
            needed=str(PUBLISH),
            back=parent.get_absolute_url(),
        )
    form = ReplyForm(
        request.POST or None,
        organisations=organisations,
        initial={"subject": f"Re: {parent.subject}"[:300]},
    )
    return _handle(
        request,
        form,
        lambda data: services.correspondence_publish(
            by=request.user,
            organisation=data["organisation"],
            subject=data["subject"],
            body=data["body"],
            in_reply_to=parent,
            signed=data["signed"],
        ),
        success=_("Reply published."),
        then=lambda letter: letter,
        title=format_isolated(_("Reply to: %(subject)s"), subject=parent),
        submit=_("Publish"),
    )


@never_cache
@login_required
def correspondence_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    letter = access.access_correspondence(request.user, pk, "coalition.edit_item")
    return _handle(
        request,
        CorrectionForm(request.POST or None),
        lambda data: services.correspondence_correct(
            by=request.user, correspondence=letter, body=data["body"]
        ),
        success=_("Correction published with the letter."),
        then=letter,
        title=format_isolated(_("Correct: %(subject)s"), subject=letter),
        submit=_("Publish the correction"),
    )


def moved(request: HttpRequest, to: str, **kwargs: Any) -> HttpResponse:
    """An old address of a page that moved for good, answered with its new one.

    301 for reading (GET, HEAD); 308 for a form posted to the old address, so
    that the browser posts the same body to the new one instead of turning it
    into a GET and losing what was written.
    """
    url = reverse(to, kwargs=kwargs)
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return HttpResponsePermanentRedirect(
        url, preserve_request=request.method not in {"GET", "HEAD"}
    )

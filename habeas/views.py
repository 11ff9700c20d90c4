"""Pages that draw on several apps at once: home, campaign, organisation, and the
campaign's texts without a translation."""

from __future__ import annotations

from django import shortcuts
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from habeas.actions.queries.public import campaign_actions
from habeas.cases.queries import persons_affiliated_with, persons_defended_by
from habeas.coalition import render
from habeas.coalition.access import (
    access_campaign,
    access_public_campaign,
    access_public_organisation,
)
from habeas.coalition.models import Campaign
from habeas.coalition.queries import (
    acting_organisation_ids,
    campaign_featured,
    campaigns_besides,
    has_someone_on_habeas,
    invitations_to_answer,
    organisation_profile,
    united_front,
)
from habeas.core.http import AuthedRequest
from habeas.core.lists import PAGE_SIZE, Paged, paged
from habeas.core.pagecache import public_page
from habeas.fund.queries.public import campaign_fund
from habeas.letters.queries.organisers import endorsements_of_organisation
from habeas.letters.queries.public import letters_open_of
from habeas.translations import missing_translations


def _campaign_context(request: HttpRequest, campaign: Campaign) -> dict[str, object]:
    user = request.user
    front = united_front(campaign)
    can_moderate = user.has_perm("coalition.moderate_campaign", campaign)
    # Organisations whose items the visitor may edit: links show only for those,
    # and a form "in the name of" one only to those who can act for one.
    acting = acting_organisation_ids(user)
    editable_ids = acting.editable
    member_ids = {membership.organisation_id for membership in front.members}
    can_publish = bool(editable_ids & member_ids)
    view = render.View(
        slug=campaign.slug,
        language=get_language() or "en",
        signed_in=user.is_authenticated,
        editable_ids=editable_ids,
        can_moderate=can_moderate,
        request=request,
        can_publish=can_publish,
    )
    return {
        "featured": campaign,
        "front": front,
        "uf_view": view,
        "matrix_body": render.matrix_body(view, front),
        "reasons_list": render.reasons_list(view, front),
        "persons": persons_defended_by(campaign),
        "actions": campaign_actions(campaign),
        "fund": campaign_fund(campaign),
        "can_moderate": can_moderate,
        "can_coordinate": user.has_perm("coalition.coordinate_campaign", campaign),
        "to_answer": invitations_to_answer(user, campaign),
        "editable_ids": editable_ids,
        "can_publish": can_publish,
        "can_join": bool(acting.administered - member_ids),
        "can_leave": bool(acting.administered & member_ids),
    }


@public_page(params=["campaigns"])
def home(request: HttpRequest) -> HttpResponse:
    """The featured campaign's united front, and the other public campaigns by name."""
    featured = campaign_featured()
    context: dict[str, object] = {
        "featured": featured,
        "others": paged(
            campaigns_besides(featured),
            request.GET,
            "campaigns",
        )
        if featured
        else None,
    }
    if featured:
        context.update(_campaign_context(request, featured))
    return shortcuts.render(request, "home.html", context)


@public_page()
def campaign(request: HttpRequest, slug: str) -> HttpResponse:
    """A campaign's united-front page; a draft or unknown slug answers 404."""
    found = access_public_campaign(slug)
    context = _campaign_context(request, found)
    language = get_language() or "en"
    open_letters = letters_open_of(found, language=language)
    context["open_letters"] = open_letters
    # One note for the list when a letter has no text in the reader's language.
    context["letters_fall_back"] = language == "ur" and any(
        row.title_language != "ur" for row in open_letters
    )
    return shortcuts.render(request, "campaign.html", context)


@public_page()
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's public page: campaigns, statements, slogans, its prisoners."""
    found = access_public_organisation(slug)
    return shortcuts.render(
        request,
        "organisation.html",
        {
            "organisation": found,
            "persons": persons_affiliated_with(found),
            "endorsed_letters": endorsements_of_organisation(found),
            "has_someone": has_someone_on_habeas(found),
            **organisation_profile(found),
        },
    )


@never_cache
@login_required
def campaign_translations(request: AuthedRequest, slug: str) -> HttpResponse:
    """The campaign's public texts that exist in one language only, for its coordinators."""
    campaign = access_campaign(request.user, slug, "coalition.coordinate_campaign")
    report = missing_translations(campaign)
    page = Paged(
        Paginator(report.missing, PAGE_SIZE).get_page(request.GET.get("page")), "page", request.GET
    )
    return shortcuts.render(
        request,
        "campaign_translations.html",
        {"campaign": campaign, "report": report, "page": page},
    )

"""Reads for the organisers' pages: the actions a user's organisations organise, and
where and for whom they may organise one. Every list is bounded."""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils import timezone

from habeas.actions.models import Action
from habeas.coalition.models import Campaign, CampaignMembership, Organisation
from habeas.coalition.queries import Visitor, editable_organisations, member_organisations
from habeas.core.lists import Paged, paged


def may_organise(user: Visitor) -> bool:
    """Whether ``user`` edits for any organisation, and so may organise actions (one query)."""
    return editable_organisations(user).exists()


def actions_organised_by(user: Visitor, query: QueryDict) -> Paged:
    """The actions of every organisation ``user`` edits for, paged by ``?actions=``:
    the planned ones still to come first, nearest first; then the rest, latest first,
    those of unknown date last. Each carries its campaign and organisations."""
    now = timezone.now()
    coming = Q(status=Action.Status.PLANNED) & (Q(starts_at__gte=now) | Q(ends_at__gte=now))
    actions = (
        Action.objects.filter(
            pk__in=Action.objects.filter(organisations__in=editable_organisations(user)).values(
                "pk"
            )
        )
        .select_related("campaign")
        .prefetch_related("organisations")
        .annotate(
            later=Case(When(coming, then=Value(0)), default=Value(1), output_field=IntegerField()),
            coming_at=Case(When(coming, then=F("starts_at"))),
            # "It happened" is offered only once the action has started.
            started=Case(
                When(starts_at__lte=now, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by(
            "later",
            F("coming_at").asc(nulls_last=True),
            F("starts_at").desc(nulls_last=True),
            "city",
            "pk",
        )
    )
    return paged(actions, query, "actions")


def campaigns_to_organise_in(user: Visitor) -> QuerySet[Campaign]:
    """The campaigns, drafts included but not closed ones, in which an organisation
    ``user`` edits for is an active member."""
    return (
        Campaign.objects.filter(
            pk__in=CampaignMembership.objects.filter(
                organisation__in=editable_organisations(user),
                status=CampaignMembership.Status.ACTIVE,
            ).values("campaign")
        )
        .exclude(status=Campaign.Status.CLOSED)
        .order_by("title", "pk")
    )


def campaign_to_organise_in(user: Visitor, slug: str) -> Campaign | None:
    """The campaign ``slug`` if ``user`` may organise in it (see above), else None."""
    return campaigns_to_organise_in(user).filter(slug=slug).first()


def organising_choices(user: Visitor, campaign: Campaign | None) -> QuerySet[Organisation]:
    """The organisations ``user`` may name as organisers: those they edit for that are
    active members of ``campaign`` (of any campaign they may organise in, without one)."""
    mine = editable_organisations(user)
    if campaign is not None:
        return member_organisations(mine, campaign).order_by("name", "pk")
    return (
        mine.filter(
            memberships__status=CampaignMembership.Status.ACTIVE,
            memberships__campaign__in=campaigns_to_organise_in(user),
        )
        .distinct()
        .order_by("name", "pk")
    )


def action_organisers(action: Action) -> list[Organisation]:
    """The organisations organising ``action``, by name (a handful)."""
    return list(action.organisations.order_by("name", "pk"))


def editing_choices(user: Visitor, action: Action) -> QuerySet[Organisation]:
    """The organisations ``user`` may add to or remove from ``action``: those they edit
    for that are active members of its campaign, or already organise it."""
    return (
        editable_organisations(user)
        .filter(
            Q(
                memberships__campaign=action.campaign_id,
                memberships__status=CampaignMembership.Status.ACTIVE,
            )
            | Q(actions=action)
        )
        .distinct()
        .order_by("name", "pk")
    )


def organisers_beyond(user: Visitor, action: Action) -> list[Organisation]:
    """The organisers of ``action`` that ``user`` does not edit for: they stay whatever
    ``user`` changes (a handful)."""
    return list(
        action.organisations.exclude(pk__in=editable_organisations(user).values("pk")).order_by(
            "name", "pk"
        )
    )

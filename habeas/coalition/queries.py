"""Reads of campaigns and organisations that pages need."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import (
    ORGANISATION_ROLES,
    TWO_FACTOR_ROLES,
    Appeal,
    Campaign,
    CampaignMembership,
    Correspondence,
    Demand,
    DemandVersion,
    HiddenNotice,
    Invitation,
    Organisation,
    OrganisationVersion,
    Position,
    Role,
    RoleGrant,
    Statement,
    StatementVersion,
    token_digest,
)
from habeas.core.lists import Paged, capped, paged

# Whoever reads a page: signed in or not.
Visitor = User | AnonymousUser


def campaigns_public() -> QuerySet[Campaign]:
    """Campaigns the public may see: every one that is not a draft."""
    return Campaign.objects.exclude(status=Campaign.Status.DRAFT)


def campaigns_visible_to(user: Visitor | None) -> QuerySet[Campaign]:
    """Public campaigns, and the drafts ``user`` is inside of: holds an active role in
    (coordinator, moderator, documenter, case team, treasurer), or edits for one of
    its active member organisations. Nobody else ever sees a draft, site admins included."""
    if user is None or not user.is_authenticated:
        return campaigns_public()
    inside = Campaign.objects.filter(
        models.Q(grants__user=user, grants__revoked_at__isnull=True)
        | models.Q(
            memberships__status=CampaignMembership.Status.ACTIVE,
            memberships__organisation__in=editable_organisations(user),
        )
    ).values("pk")
    public = ~models.Q(status=Campaign.Status.DRAFT)
    return Campaign.objects.filter(public | models.Q(pk__in=inside))


def campaign_public_by_slug(slug: str) -> Campaign | None:
    """The public campaign with this slug, or None (drafts count as absent)."""
    return campaigns_public().select_related("source").filter(slug=slug).first()


def campaigns_besides(campaign: Campaign) -> QuerySet[Campaign]:
    """The public campaigns other than ``campaign``, by title."""
    return campaigns_public().exclude(pk=campaign.pk).order_by("title", "pk")


def campaign_featured() -> Campaign | None:
    """The campaign the home page leads with: the first active one, by title."""
    return (
        campaigns_public()
        .filter(status=Campaign.Status.ACTIVE)
        .select_related("source")
        .order_by("title")
        .first()
    )


def user_requires_two_factor(user: Visitor) -> bool:
    """True when the user holds any role above editor level (one query)."""
    if not user.is_authenticated:
        return False
    return RoleGrant.objects.active().filter(user=user, role__in=TWO_FACTOR_ROLES).exists()


@dataclass(frozen=True)
class RoleRow:
    """One of a user's roles, and which of its pages it opens."""

    grant: RoleGrant
    manages_members: bool
    edits_profile: bool
    registers_organisations: bool
    coordinates: bool
    moderates: bool = False
    documents: bool = False
    keeps_cases: bool = False
    # For an organisation's editors and admins: the public campaigns it is a member of,
    # where they propose demands, publish statements and state positions.
    campaigns: tuple[Campaign, ...] = ()


def roles_of(user: User) -> list[RoleRow]:
    """A user's active roles, with their organisations and campaigns (one query), and
    the public campaigns of the organisations they edit for (one more, only if any)."""
    grants = list(
        RoleGrant.objects.active()
        .filter(user=user)
        .select_related("organisation", "campaign")
        .order_by("organisation__name", "campaign__title", "role")
    )
    edited = {grant.organisation_id for grant in grants if grant.role in ORGANISATION_ROLES}
    campaigns: dict[int, list[Campaign]] = {}
    if edited:
        for membership in (
            CampaignMembership.objects.filter(
                organisation__in=edited, status=CampaignMembership.Status.ACTIVE
            )
            .exclude(campaign__status=Campaign.Status.DRAFT)
            .select_related("campaign")
            .order_by("campaign__title", "pk")
        ):
            campaigns.setdefault(membership.organisation_id, []).append(membership.campaign)
    return [
        RoleRow(
            grant=grant,
            manages_members=grant.role == Role.ORG_ADMIN,
            edits_profile=grant.role in ORGANISATION_ROLES,
            registers_organisations=grant.role == Role.SITE_ADMIN,
            coordinates=grant.role == Role.COORDINATOR,
            moderates=grant.role in {Role.COORDINATOR, Role.MODERATOR},
            documents=grant.role == Role.DOCUMENTER,
            keeps_cases=grant.role == Role.CASE_TEAM,
            campaigns=tuple(campaigns.get(grant.organisation_id or 0, []))
            if grant.role in ORGANISATION_ROLES
            else (),
        )
        for grant in grants
    ]


def invitation_by_token(token: str) -> Invitation:
    """The open invitation for this token.

    Raises ValidationError, with a message fit to show, when the token is
    unknown, used, withdrawn or expired.
    """
    invitation = (
        Invitation.objects.select_related(
            "organisation", "campaign", "invited_by", "membership_campaign"
        )
        .filter(token_sha256=token_digest(token))
        .first()
    )
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid. Check that it is complete."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.withdrawn_at is not None:
        raise ValidationError(_("This invitation was withdrawn."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired. Ask for a new one."))
    return invitation


@dataclass(frozen=True)
class MembersPage:
    """An organisation's or campaign's people: who holds what, who was invited, what changed.

    Each list is one page of its own (``?roles=``, ``?invitations=``, ``?revoked=``).
    """

    active: Paged
    revoked: Paged
    pending: Paged


def _members(
    grants: QuerySet[RoleGrant], invitations: QuerySet[Invitation], query: QueryDict
) -> MembersPage:
    grants = grants.select_related("user", "granted_by", "revoked_by", "campaign", "organisation")
    return MembersPage(
        active=paged(
            grants.filter(revoked_at__isnull=True).order_by("granted_at", "pk"), query, "roles"
        ),
        revoked=paged(
            grants.filter(revoked_at__isnull=False).order_by("-revoked_at", "-pk"),
            query,
            "revoked",
        ),
        pending=paged(
            invitations.filter(
                accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
            )
            .select_related("invited_by", "campaign", "organisation")
            .order_by("-pk"),
            query,
            "invitations",
        ),
    )


def organisation_members(
    organisation: Organisation, query: QueryDict, *, user: Visitor | None = None
) -> MembersPage:
    """Every grant in an organisation (treasurers included) and its open invitations,
    each list paged by ``query``.

    A treasurer's campaign that is a draft ``user`` is outside of is not named.
    """
    page = _members(
        RoleGrant.objects.filter(organisation=organisation),
        Invitation.objects.filter(organisation=organisation),
        query,
    )
    _unname_drafts(page, user)
    return page


def _unname_drafts(page: MembersPage, user: Visitor | None) -> None:
    rows: list[RoleGrant | Invitation] = [*page.active, *page.revoked, *page.pending]
    drafts = {
        row.campaign.pk
        for row in rows
        if row.campaign is not None and row.campaign.status == Campaign.Status.DRAFT
    }
    if not drafts:
        return
    visible = set(campaigns_visible_to(user).filter(pk__in=drafts).values_list("pk", flat=True))
    for row in rows:
        if row.campaign_id in drafts and row.campaign_id not in visible:
            row.campaign = None


def campaign_members(campaign: Campaign, query: QueryDict) -> MembersPage:
    """Every campaign-wide grant (coordinators, moderators, documenters, case team)
    and its open invitations, each list paged by ``query``."""
    return _members(
        RoleGrant.objects.filter(campaign=campaign, organisation__isnull=True),
        Invitation.objects.filter(campaign=campaign, organisation__isnull=True),
        query,
    )


def membership_requests(campaign: Campaign, query: QueryDict) -> Paged:
    """Organisations asking to join a campaign, the earliest first, paged by ``?requests=``."""
    return paged(
        CampaignMembership.objects.filter(
            campaign=campaign, status=CampaignMembership.Status.REQUESTED
        )
        .select_related("organisation")
        .order_by("created_at", "pk"),
        query,
        "requests",
    )


def campaign_memberships(campaign: Campaign, query: QueryDict, *, status: str, key: str) -> Paged:
    """A campaign's memberships in one status (members, invited), paged by ``?<key>=``."""
    return paged(
        CampaignMembership.objects.filter(campaign=campaign, status=status)
        .select_related("organisation")
        .order_by("organisation__name", "pk"),
        query,
        key,
    )


def invitations_to_answer(
    user: Visitor, campaign: Campaign | None = None
) -> QuerySet[CampaignMembership]:
    """Campaigns' open invitations to organisations ``user`` admins (in ``campaign`` if given)."""
    found = CampaignMembership.objects.filter(
        organisation__in=administered_organisations(user),
        status=CampaignMembership.Status.INVITED,
    ).exclude(campaign__status=Campaign.Status.DRAFT)
    if campaign is not None:
        found = found.filter(campaign=campaign)
    return found.select_related("organisation", "campaign").order_by("campaign__title", "pk")


def has_someone_on_habeas(organisation: Organisation) -> bool:
    """Whether anyone on Habeas speaks for the organisation: an active admin (never who)."""
    return (
        RoleGrant.objects.active()
        .filter(organisation=organisation, role=Role.ORG_ADMIN, campaign__isnull=True)
        .exists()
    )


def campaigns_of(organisation: Organisation, *, user: Visitor) -> QuerySet[Campaign]:
    """The campaigns an organisation is an active member of, as ``user`` may see them
    (a draft only for those inside it)."""
    return (
        campaigns_visible_to(user)
        .filter(
            memberships__organisation=organisation,
            memberships__status=CampaignMembership.Status.ACTIVE,
        )
        .order_by("title")
    )


# --- United front ----------------------------------------------------------


class DemandStatus:
    COMMON = "COMMON"
    OWN = "OWN"
    PROPOSED = "PROPOSED"


@dataclass(slots=True)
class Cell:
    """One organisation's current position on one demand, without a model instance:
    the united-front page has one per member per demand (10,000 at 50 x 200)."""

    position_id: int
    organisation_id: int
    stance: str
    reason: str
    is_old: bool
    notice: HiddenNotice | None


@dataclass
class DemandRow:
    """One demand with every member's position on it, and what that makes it."""

    demand: Demand
    status: str
    endorsers: int
    cells: list[Cell | None]
    notice: HiddenNotice | None = None


@dataclass
class Reason:
    """A public reason an organisation gave for its position."""

    organisation: Organisation
    stance: str
    demand: Demand
    cell: Cell
    demand_hidden: bool = False


@dataclass
class OrganisationBlock:
    """One member's own voice: its statements and own slogans, attributed."""

    membership: CampaignMembership
    statements: list[tuple[Statement, HiddenNotice | None]]
    slogans: list[DemandRow]


@dataclass
class UnitedFront:
    campaign: Campaign
    members: list[CampaignMembership]
    former_members: list[CampaignMembership]
    quorum: int
    rows: list[DemandRow]
    blocks: list[OrganisationBlock]
    reasons: list[Reason] = field(default_factory=list)

    @property
    def common_demands(self) -> list[DemandRow]:
        return [row for row in self.rows if row.status == DemandStatus.COMMON]


def united_front(campaign: Campaign) -> UnitedFront:
    """The coalition as the public sees it, in six queries whatever its size.

    A demand is *common* when at least the quorum (every active member, unless
    the campaign set a lower one) endorses its current wording; it is an
    organisation's *own slogan* when only its proposer endorses it.
    Positions on an earlier wording are shown but do not count.
    """
    memberships = list(
        CampaignMembership.objects.filter(campaign=campaign)
        .select_related("organisation")
        .order_by("joined_at", "pk")
    )
    members = [m for m in memberships if m.status == CampaignMembership.Status.ACTIVE]
    former = [m for m in memberships if m.status == CampaignMembership.Status.LEFT]
    organisations = {m.organisation_id: m.organisation for m in members}
    column = {org_id: i for i, org_id in enumerate(organisations)}
    quorum = min(campaign.quorum or len(members), len(members)) if members else 0

    demands = list(
        Demand.objects.filter(campaign=campaign, withdrawn_at__isnull=True)
        .select_related("proposed_by")
        .order_by("created_at", "pk")
    )
    versions = {d.pk: d.version for d in demands}
    notices = list(
        HiddenNotice.objects.filter(campaign=campaign, lifted_at__isnull=True)
        .select_related("hidden_by", "campaign")
        .prefetch_related("appeals")
    )
    by_demand = {n.demand_id: n for n in notices if n.demand_id}
    by_statement = {n.statement_id: n for n in notices if n.statement_id}
    by_position = {n.position_id: n for n in notices if n.position_id}

    width = len(members)
    cells: dict[int, list[Cell | None]] = {d.pk: [None] * width for d in demands}
    for pk, demand_id, organisation_id, stance, reason, version in Position.objects.filter(
        demand__campaign=campaign, is_current=True, organisation_id__in=list(organisations)
    ).values_list("id", "demand_id", "organisation_id", "stance", "reason", "version"):
        row = cells.get(demand_id)
        if row is not None:
            row[column[organisation_id]] = Cell(
                pk,
                organisation_id,
                stance,
                reason,
                version != versions[demand_id],
                by_position.get(pk),
            )

    endorses = Position.Stance.ENDORSES
    rows: list[DemandRow] = []
    reasons: list[Reason] = []
    for demand in demands:
        row_cells = cells[demand.pk]
        endorsing = [c for c in row_cells if c and c.stance == endorses and not c.is_old]
        if quorum and len(endorsing) >= quorum:
            status = DemandStatus.COMMON
        elif [c.organisation_id for c in endorsing] == [demand.proposed_by_id]:
            status = DemandStatus.OWN
        else:
            status = DemandStatus.PROPOSED
        rows.append(DemandRow(demand, status, len(endorsing), row_cells, by_demand.get(demand.pk)))
        reasons.extend(
            Reason(
                organisations[c.organisation_id],
                c.stance,
                demand,
                c,
                demand_hidden=demand.pk in by_demand,
            )
            for c in row_cells
            if c is not None and c.reason
        )

    statements: dict[int, list[tuple[Statement, HiddenNotice | None]]] = {}
    for statement in Statement.objects.filter(campaign=campaign, withdrawn_at__isnull=True):
        statements.setdefault(statement.organisation_id, []).append(
            (statement, by_statement.get(statement.pk))
        )
    blocks = [
        OrganisationBlock(
            membership=m,
            statements=statements.get(m.organisation_id, []),
            slogans=[
                r
                for r in rows
                if r.demand.proposed_by_id == m.organisation_id and r.status != DemandStatus.COMMON
            ],
        )
        for m in members
    ]
    return UnitedFront(campaign, members, former, quorum, rows, blocks, reasons)


def common_demands_to_endorse(campaign: Campaign) -> list[Demand]:
    """The common demands an organisation endorses by joining now, as a joiner reads them.

    A hidden demand's words are not shown to the joiner, so joining does not
    endorse it.
    """
    return [row.demand for row in united_front(campaign).common_demands if row.notice is None]


@dataclass
class CampaignHistory:
    """Every version in a campaign, with the text of hidden items blanked for the viewer.

    ``redacted_*_ids`` name the items whose text the viewer may not read (it
    is blanked in the rows themselves); ``hidden_*_ids`` every item hidden
    now, so the organisation and coordinators see which text the public does not.
    """

    demand_versions: list[DemandVersion]
    positions: list[Position]
    statement_versions: list[StatementVersion]
    notices: list[HiddenNotice]
    appeals: list[Appeal]
    memberships: list[CampaignMembership]
    hidden_demand_ids: set[int] = field(default_factory=set)
    hidden_statement_ids: set[int] = field(default_factory=set)
    hidden_position_ids: set[int] = field(default_factory=set)
    redacted_demand_ids: set[int] = field(default_factory=set)
    redacted_statement_ids: set[int] = field(default_factory=set)
    redacted_position_ids: set[int] = field(default_factory=set)


def hidden_text_readers(user: Visitor | None, campaign: Campaign) -> tuple[bool, set[int]]:
    """Whose hidden text ``user`` may read in ``campaign``: (every item's, as its
    coordinators and moderators may; else the ids of the organisations it edits for)."""
    if user is None or not user.is_authenticated:
        return False, set()
    if user.has_perm("coalition.see_hidden_text", campaign):
        return True, set()
    return False, editable_organisation_ids(user)


def campaign_history(campaign: Campaign, *, user: Visitor | None = None) -> CampaignHistory:
    """Every version of every demand, position and statement, every notice and appeal.

    A hidden item's text leaves the page (its rows stay, blanked, with the
    notice) unless ``user`` may read it: the item's own organisation's
    editors and the campaign's coordinators and moderators.
    """
    history = CampaignHistory(
        demand_versions=list(
            DemandVersion.objects.filter(demand__campaign=campaign)
            .select_related("demand__proposed_by")
            .order_by("demand_id", "number")
        ),
        positions=list(
            Position.objects.filter(demand__campaign=campaign)
            .select_related("organisation", "demand")
            .order_by("demand_id", "created_at", "pk")
        ),
        statement_versions=list(
            StatementVersion.objects.filter(statement__campaign=campaign)
            .select_related("statement__organisation")
            .order_by("statement_id", "number")
        ),
        notices=list(
            HiddenNotice.objects.filter(campaign=campaign)
            .select_related("hidden_by", "lifted_by", "organisation")
            .order_by("hidden_at")
        ),
        appeals=list(
            Appeal.objects.filter(notice__campaign=campaign)
            .select_related("organisation")
            .order_by("created_at")
        ),
        memberships=list(
            CampaignMembership.objects.filter(campaign=campaign)
            .select_related("organisation")
            .order_by("created_at")
        ),
    )
    active = [n for n in history.notices if n.lifted_at is None]
    history.hidden_demand_ids = {n.demand_id for n in active if n.demand_id}
    history.hidden_statement_ids = {n.statement_id for n in active if n.statement_id}
    history.hidden_position_ids = {n.position_id for n in active if n.position_id}
    every, own = hidden_text_readers(user, campaign)
    if every:
        return history

    def redacted(hidden: set[int], item_id: int, organisation_id: int) -> bool:
        return item_id in hidden and organisation_id not in own

    for version in history.demand_versions:
        demand = version.demand
        if redacted(history.hidden_demand_ids, demand.pk, demand.proposed_by_id):
            version.text = version.text_ur = ""
            history.redacted_demand_ids.add(demand.pk)
    for position in history.positions:
        demand = position.demand
        if redacted(history.hidden_demand_ids, demand.pk, demand.proposed_by_id):
            demand.text = demand.text_ur = ""
            history.redacted_demand_ids.add(demand.pk)
        if redacted(history.hidden_position_ids, position.pk, position.organisation_id):
            position.reason = ""
            history.redacted_position_ids.add(position.pk)
    for statement_version in history.statement_versions:
        statement = statement_version.statement
        if redacted(history.hidden_statement_ids, statement.pk, statement.organisation_id):
            statement_version.title = statement_version.body = ""
            statement_version.title_ur = statement_version.body_ur = ""
            history.redacted_statement_ids.add(statement.pk)
    return history


def demand_text_for(user: Visitor, demand: Demand) -> str | None:
    """The demand's words as ``user`` may read them: None while it is hidden from them."""
    hidden = HiddenNotice.objects.filter(demand=demand, lifted_at__isnull=True).exists()
    if not hidden:
        return demand.text
    every, own = hidden_text_readers(user, demand.campaign)
    return demand.text if every or demand.proposed_by_id in own else None


def organisations_directory(*, kind: str = "", country: str = "") -> QuerySet[Organisation]:
    """Organisations filtered by kind and country, by name."""
    found = Organisation.objects.all()
    if kind:
        found = found.filter(kind=kind)
    if country:
        found = found.filter(country=country)
    return found.order_by("name")


def organisation_countries() -> list[str]:
    return list(
        Organisation.objects.exclude(country="")
        .values_list("country", flat=True)
        .distinct()
        .order_by("country")
    )


def correspondence_public() -> QuerySet[Correspondence]:
    """Correspondence the public may read: not letters to a campaign that is (again) a draft."""
    return Correspondence.objects.exclude(to_campaign__status=Campaign.Status.DRAFT).exclude(
        thread__to_campaign__status=Campaign.Status.DRAFT
    )


def correspondence_root(pk: int) -> Correspondence | None:
    """The public letter that starts thread ``pk``, or None."""
    return correspondence_public().filter(pk=pk, in_reply_to__isnull=True).first()


def correspondence_threads() -> QuerySet[Correspondence]:
    """Letters that start a thread, newest first."""
    return (
        correspondence_public()
        .filter(in_reply_to__isnull=True)
        .select_related("from_organisation", "to_organisation", "to_campaign")
        .order_by("-published_at", "-pk")
    )


def correspondence_thread(root: Correspondence) -> list[Correspondence]:
    """A thread's letters in order, with their corrections (two queries)."""
    return list(
        Correspondence.objects.filter(models.Q(pk=root.pk) | models.Q(thread=root))
        .select_related("from_organisation", "to_organisation", "to_campaign", "source")
        .prefetch_related("corrections")
        .order_by("published_at", "pk")
    )


def editable_organisations(user: Visitor) -> QuerySet[Organisation]:
    """The organisations ``user`` may publish for (editor or admin)."""
    return _organisations_with_role(user, [Role.ORG_ADMIN, Role.ORG_EDITOR])


def editable_organisation_ids(user: Visitor) -> set[int]:
    """The ids of the organisations ``user`` may publish for (one query)."""
    return set(editable_organisations(user).values_list("pk", flat=True))


@dataclass(frozen=True)
class ActingIds:
    """The organisations a visitor may act for: publish for (editor or admin), commit (admin)."""

    editable: set[int]
    administered: set[int]


def acting_organisation_ids(user: Visitor) -> ActingIds:
    """The ids of the organisations ``user`` may publish for and commit (one query;
    none for an anonymous visitor)."""
    if not user.is_authenticated:
        return ActingIds(set(), set())
    rows = (
        RoleGrant.objects.active()
        .filter(user=user, role__in=[Role.ORG_ADMIN, Role.ORG_EDITOR])
        .values_list("organisation_id", "role")
    )
    editable: set[int] = set()
    administered: set[int] = set()
    for organisation_id, role in rows:
        editable.add(organisation_id)
        if role == Role.ORG_ADMIN:
            administered.add(organisation_id)
    return ActingIds(editable, administered)


def administered_organisations(user: Visitor) -> QuerySet[Organisation]:
    """The organisations ``user`` is an admin of: those it may commit (start a campaign
    in their name, ask to join one, leave one)."""
    return _organisations_with_role(user, [Role.ORG_ADMIN])


def _organisations_with_role(user: Visitor, roles: list[Role]) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    held = RoleGrant.objects.active().filter(user=user, role__in=roles).values("organisation")
    return Organisation.objects.filter(pk__in=held).order_by("name")


def member_organisations(
    organisations: QuerySet[Organisation], campaign: Campaign
) -> QuerySet[Organisation]:
    """Those of ``organisations`` that are active members of ``campaign``."""
    return organisations.filter(
        memberships__campaign=campaign,
        memberships__status=CampaignMembership.Status.ACTIVE,
    )


def moderation_queue(campaign: Campaign, query: QueryDict) -> Paged:
    """The campaign's items hidden now, the latest first, paged by ``?hidden=``: each
    notice with its organisation, who hid it, the item and its appeals (four queries
    a page, whatever its length)."""
    return paged(
        HiddenNotice.objects.filter(campaign=campaign, lifted_at__isnull=True)
        .select_related(
            "campaign", "organisation", "hidden_by", "demand", "statement", "position__demand"
        )
        .prefetch_related("appeals__organisation")
        .order_by("-hidden_at", "-pk"),
        query,
        "hidden",
    )


def outside_organisations(
    organisations: QuerySet[Organisation], campaign: Campaign
) -> QuerySet[Organisation]:
    """Those of ``organisations`` that are not active members of ``campaign``
    (those that may ask to join it)."""
    members = CampaignMembership.objects.filter(
        campaign=campaign, status=CampaignMembership.Status.ACTIVE
    ).values("organisation")
    return organisations.exclude(pk__in=members)


def _hidden(field_name: str) -> Any:
    return HiddenNotice.objects.filter(
        lifted_at__isnull=True, **{f"{field_name}__isnull": False}
    ).values(field_name)


def organisation_profile(organisation: Organisation) -> dict[str, Any]:
    """An organisation's public record: its campaigns, statements, own demands and correspondence.

    Each list capped (``core.lists.capped``): at most two queries a list,
    however much the organisation has published.
    """
    return {
        "memberships": capped(
            CampaignMembership.objects.filter(
                organisation=organisation,
                status__in=[CampaignMembership.Status.ACTIVE, CampaignMembership.Status.LEFT],
            )
            .exclude(campaign__status=Campaign.Status.DRAFT)
            .select_related("campaign")
            .order_by("campaign__title", "pk")
        ),
        "statements": capped(
            Statement.objects.filter(organisation=organisation, withdrawn_at__isnull=True)
            .exclude(pk__in=_hidden("statement"))
            .exclude(campaign__status=Campaign.Status.DRAFT)
            .select_related("campaign")
            .order_by("-created_at", "-pk")
        ),
        "demands": capped(
            Demand.objects.filter(proposed_by=organisation, withdrawn_at__isnull=True)
            .exclude(pk__in=_hidden("demand"))
            .exclude(campaign__status=Campaign.Status.DRAFT)
            .select_related("campaign")
            .order_by("-created_at", "-pk")
        ),
        # Earlier profiles, newest first: a change of name or words is never silent.
        "earlier_profiles": list(
            OrganisationVersion.objects.filter(organisation=organisation).order_by("-number")[1:]
        ),
        "correspondence": capped(
            correspondence_public()
            .filter(from_organisation=organisation)
            .select_related("to_organisation", "to_campaign")
            .order_by("-published_at", "-pk")
        ),
    }

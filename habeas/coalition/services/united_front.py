"""The united front: demands, positions, statements, and hiding items in public."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import (
    Appeal,
    Campaign,
    Demand,
    DemandVersion,
    HiddenNotice,
    Organisation,
    Position,
    Role,
    RoleGrant,
    Statement,
    StatementVersion,
)
from habeas.coalition.services._checks import active_membership, clean_text, clean_title, require
from habeas.core.pagecache import public_changed
from habeas.core.tasks import send_email
from habeas.core.text import render_markdown


@transaction.atomic
def demand_propose(
    *, by: User, campaign: Campaign, organisation: Organisation, text: str, text_ur: str = ""
) -> Demand:
    """A member organisation proposes a demand, which it endorses itself.

    Raises PermissionDenied unless ``by`` edits for the organisation,
    ValidationError when it is not an active member or the text is empty
    or too long.
    """
    require(by, "coalition.publish_for_organisation", organisation)
    active_membership(campaign, organisation)
    text = clean_title(text, field="text", limit=500)
    text_ur = clean_title(text_ur, field="text_ur", limit=500, required=False)
    demand = Demand.objects.create(
        campaign=campaign, proposed_by=organisation, text=text, text_ur=text_ur, version=1
    )
    DemandVersion.objects.create(
        demand=demand, number=1, text=text, text_ur=text_ur, created_by=by
    )
    public_changed()
    position_record(
        by=by, demand=demand, organisation=organisation, stance=Position.Stance.ENDORSES, reason=""
    )
    return demand


@transaction.atomic
def demand_reword(*, by: User, demand: Demand, text: str, text_ur: str = "") -> Demand:
    """A new wording of a demand, by its own organisation's editors.

    Every other organisation's endorsement stays with the old wording until
    it endorses the new one, so a reworded common demand is common again
    only when the members say so. Raises PermissionDenied for anyone but the
    proposing organisation's editors, ValidationError for a withdrawn demand,
    a departed organisation or bad text.
    """
    require(by, "coalition.edit_item", demand)
    active_membership(demand.campaign, demand.proposed_by)
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if demand.withdrawn_at is not None:
        raise ValidationError(_("A withdrawn demand cannot be changed."))
    text = clean_title(text, field="text", limit=500)
    text_ur = clean_title(text_ur, field="text_ur", limit=500, required=False)
    if (text, text_ur) == (demand.text, demand.text_ur):
        return demand
    demand.version += 1
    demand.text, demand.text_ur = text, text_ur
    demand.save(update_fields=["version", "text", "text_ur"])
    DemandVersion.objects.create(
        demand=demand, number=demand.version, text=text, text_ur=text_ur, created_by=by
    )
    public_changed()
    position_record(
        by=by,
        demand=demand,
        organisation=demand.proposed_by,
        stance=Position.Stance.ENDORSES,
        reason="",
    )
    return demand


@transaction.atomic
def demand_withdraw(*, by: User, demand: Demand) -> Demand:
    """Withdraw a demand; it stays in the history, marked withdrawn."""
    require(by, "coalition.edit_item", demand)
    active_membership(demand.campaign, demand.proposed_by)
    if demand.withdrawn_at is None:
        demand.withdrawn_at = timezone.now()
        demand.save(update_fields=["withdrawn_at"])
        public_changed()
    return demand


@transaction.atomic
def position_record(
    *,
    by: User,
    demand: Demand,
    organisation: Organisation,
    stance: str,
    reason: str = "",
) -> Position:
    """Record an organisation's position on the demand's current wording.

    The previous position stays in the history. Raises PermissionDenied
    unless ``by`` edits for the organisation, ValidationError for a stance
    outside the vocabulary, a withdrawn demand, or a non-member.
    """
    require(by, "coalition.publish_for_organisation", organisation)
    active_membership(demand.campaign, organisation)
    if stance not in Position.Stance.values:
        raise ValidationError({"stance": _("Choose endorses, no position or disagrees.")})
    if demand.withdrawn_at is not None:
        raise ValidationError(_("This demand was withdrawn."))
    reason = clean_text(reason, field="reason", limit=2000, required=False)
    return _position_write(
        demand=demand, organisation=organisation, stance=stance, reason=reason, by=by
    )


def _position_write(
    *,
    demand: Demand,
    organisation: Organisation,
    stance: str,
    reason: str,
    by: User | None,
    version: int | None = None,
) -> Position:
    """Make ``stance`` on ``version`` (the current wording unless given) the organisation's
    current position; the old one stays as history."""
    version = demand.version if version is None else version
    current = (
        Position.objects.select_for_update()
        .filter(demand=demand, organisation=organisation, is_current=True)
        .first()
    )
    if current and (current.stance, current.reason, current.version) == (
        stance,
        reason,
        version,
    ):
        return current
    if current:
        current.is_current = False
        current.save(update_fields=["is_current"])
    # Every position is public at once, whoever's service wrote it (a member
    # joining endorses through here too).
    public_changed()
    return Position.objects.create(
        demand=demand,
        organisation=organisation,
        stance=stance,
        reason=reason,
        version=version,
        created_by=by,
    )


def _statement_texts(
    title: str, body: str, title_ur: str, body_ur: str
) -> tuple[str, str, str, str]:
    """A statement's title and body in English (required) and Urdu (optional), cleaned;
    ValidationError for a missing or too long text or a title with direction controls."""
    return (
        clean_title(title, field="title", limit=200),
        clean_text(body, field="body", limit=20_000),
        clean_title(title_ur, field="title_ur", limit=200, required=False),
        clean_text(body_ur, field="body_ur", limit=20_000, required=False),
    )


@transaction.atomic
def statement_publish(
    *,
    by: User,
    campaign: Campaign,
    organisation: Organisation,
    title: str,
    body: str,
    title_ur: str = "",
    body_ur: str = "",
) -> Statement:
    """Publish an organisation's own statement on a campaign (Markdown, sanitised on display),
    with an optional Urdu version of its title and text.

    Raises PermissionDenied unless ``by`` edits for the organisation, ValidationError
    when it is not an active member or a text is missing, too long or (a title)
    holds direction controls.
    """
    require(by, "coalition.publish_for_organisation", organisation)
    active_membership(campaign, organisation)
    title, body, title_ur, body_ur = _statement_texts(title, body, title_ur, body_ur)
    statement = Statement.objects.create(
        campaign=campaign,
        organisation=organisation,
        title=title,
        title_ur=title_ur,
        body=body,
        body_ur=body_ur,
        body_html=render_markdown(body),
        body_ur_html=render_markdown(body_ur) if body_ur else "",
    )
    StatementVersion.objects.create(
        statement=statement,
        number=1,
        title=title,
        title_ur=title_ur,
        body=body,
        body_ur=body_ur,
        created_by=by,
    )
    public_changed()
    return statement


@transaction.atomic
def statement_edit(
    *,
    by: User,
    statement: Statement,
    title: str,
    body: str,
    title_ur: str = "",
    body_ur: str = "",
) -> Statement:
    """A new version of a statement, by its organisation's editors; the old one is kept.

    A change to the Urdu alone is a new version too; an edit that changes nothing
    writes nothing. Raises PermissionDenied for anyone but the organisation's
    editors, ValidationError for a withdrawn statement, a departed organisation
    or bad text.
    """
    require(by, "coalition.edit_item", statement)
    active_membership(statement.campaign, statement.organisation)
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.withdrawn_at is not None:
        raise ValidationError(_("A withdrawn statement cannot be changed."))
    texts = _statement_texts(title, body, title_ur, body_ur)
    if texts == (statement.title, statement.body, statement.title_ur, statement.body_ur):
        return statement
    title, body, title_ur, body_ur = texts
    statement.version += 1
    statement.title, statement.body = title, body
    statement.title_ur, statement.body_ur = title_ur, body_ur
    statement.body_html = render_markdown(body)
    statement.body_ur_html = render_markdown(body_ur) if body_ur else ""
    statement.save(
        update_fields=[
            "version",
            "title",
            "body",
            "body_html",
            "title_ur",
            "body_ur",
            "body_ur_html",
        ]
    )
    StatementVersion.objects.create(
        statement=statement,
        number=statement.version,
        title=title,
        title_ur=title_ur,
        body=body,
        body_ur=body_ur,
        created_by=by,
    )
    public_changed()
    return statement


@transaction.atomic
def statement_withdraw(*, by: User, statement: Statement) -> Statement:
    require(by, "coalition.edit_item", statement)
    active_membership(statement.campaign, statement.organisation)
    if statement.withdrawn_at is None:
        statement.withdrawn_at = timezone.now()
        statement.save(update_fields=["withdrawn_at"])
        public_changed()
    return statement


@transaction.atomic
def item_hide(
    *, by: User, item: Demand | Statement | Position, reason: str, site_url: str
) -> HiddenNotice:
    """Hide one organisation's item on a coordinator's or moderator's word.

    Leaves a public notice naming who hid it, when and why, and tells the
    organisation's admins by e-mail once the transaction commits. Raises
    PermissionDenied unless ``by`` moderates the item's campaign,
    ValidationError without a reason or when it is already hidden, also when
    another moderator hides it at the same moment (one notice stands).
    """
    campaign = item.demand.campaign if isinstance(item, Position) else item.campaign
    require(by, "coalition.moderate_campaign", campaign)
    reason = clean_text(
        reason,
        field="reason",
        limit=2000,
        empty=_("Say why the item is hidden, in visible words; the reason is public."),
    )
    organisation = item.proposed_by if isinstance(item, Demand) else item.organisation
    field = {Demand: "demand", Statement: "statement", Position: "position"}[type(item)]
    standing = HiddenNotice.objects.filter(**{field: item}, lifted_at__isnull=True)
    if standing.exists():
        raise ValidationError(_("This item is already hidden."))
    try:
        with transaction.atomic():
            notice = HiddenNotice.objects.create(
                campaign=campaign,
                organisation=organisation,
                reason=reason,
                hidden_by=by,
                **{field: item},
            )
    except IntegrityError:
        # Another moderator hid it in the same moment: theirs is the one notice
        # (notice_one_standing_per_*), and this one tells no one.
        if standing.exists():
            raise ValidationError(_("This item is already hidden.")) from None
        raise
    public_changed()
    admins = list(
        RoleGrant.objects.active()
        .filter(role=Role.ORG_ADMIN, organisation=organisation)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if admins:
        subject = _("An item of %(organisation)s was hidden") % {"organisation": organisation}
        body = render_to_string(
            "coalition/hidden_email.txt",
            {
                "notice": notice,
                "item": item,
                "by": by,
                "link": f"{site_url.rstrip('/')}{campaign.get_absolute_url()}",
            },
        )
        transaction.on_commit(lambda: send_email.enqueue(to=admins, subject=subject, body=body))
    return notice


@transaction.atomic
def notice_appeal(*, by: User, notice: HiddenNotice, text: str) -> Appeal:
    """The hidden item's organisation answers the notice; the appeal is public and kept."""
    require(by, "coalition.publish_for_organisation", notice.organisation)
    text = clean_text(text, field="text", limit=5000)
    public_changed()
    return Appeal.objects.create(
        notice=notice, organisation=notice.organisation, text=text, created_by=by
    )


@transaction.atomic
def notice_lift(*, by: User, notice: HiddenNotice) -> HiddenNotice:
    """Show the item again; the notice stays on record as lifted."""
    require(by, "coalition.moderate_campaign", notice.campaign)
    if notice.lifted_at is None:
        notice.lifted_at = timezone.now()
        notice.lifted_by = by
        notice.save(update_fields=["lifted_at", "lifted_by"])
        public_changed()
    return notice

"""Organising solidarity actions: create, edit, cancel, mark as happened.

An action is its organising organisations' own: every step here needs an
editor (or admin) of an organiser (``habeas.actions.rules``); no coordinator
and no site admin acts in an organisation's name. An editor adds or removes
only the organisations they speak for: no one drops another organisation
from an action it organises.

A change of time or place of a planned action, and a cancellation, are
recorded as an ``ActionChange`` and announced by mail, once the transaction
commits, to those who asked for reminders (``habeas.actions.tasks.changes``).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.actions.models import Action, ActionChange
from habeas.coalition.models import Campaign, Organisation
from habeas.coalition.services._checks import active_membership, clean_text, clean_title, require
from habeas.core.countries import is_country
from habeas.core.pagecache import public_changed

TITLE_LIMIT = 200
CITY_LIMIT = 100
VENUE_LIMIT = 200
ADDRESS_LIMIT = 300
DESCRIPTION_LIMIT = 5000
ACCESSIBILITY_LIMIT = 2000
NOTE_LIMIT = 2000
COORDINATE_PLACES = Decimal("0.00001")

# The fields that say when the action is, and where: a change of either on a
# planned action is announced to those coming.
TIME_FIELDS = ("starts_at", "ends_at", "time_zone")
PLACE_FIELDS = ("city", "country", "venue", "address", "latitude", "longitude")
FIELDS = (
    "title",
    "title_ur",
    "kind",
    "description",
    "description_ur",
    "accessibility",
    *TIME_FIELDS,
    *PLACE_FIELDS,
)


def time_zones() -> frozenset[str]:
    """Every IANA time zone name this machine knows."""
    return frozenset(zoneinfo.available_timezones())


def _merge(errors: dict[str, list[str]], error: ValidationError) -> None:
    for key, messages in error.message_dict.items():
        errors.setdefault(key, []).extend(messages)


def _coordinate(value: Any, *, field: str, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: _("Write a number, such as 51.50735.")}) from error
    if not number.is_finite() or not -limit <= number <= limit:
        raise ValidationError(
            {field: _("A number from -%(limit)d to %(limit)d, please.") % {"limit": limit}}
        )
    return number.quantize(COORDINATE_PLACES)


def _moment(value: Any, *, field: str) -> datetime.datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        raise ValidationError({field: _("Give the time with its time zone.")})
    return value.astimezone(datetime.UTC)


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """The action's fields, checked and normalised; every problem found at once.

    Raises ValidationError keyed by field.
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def check(name: str, clean: Any) -> None:
        try:
            cleaned[name] = clean()
        except ValidationError as error:
            _merge(errors, error)

    def text(name: str, limit: int, *, required: bool = False, title: bool = False) -> None:
        value = str(fields.get(name) or "")
        cleaner = clean_title if title else clean_text
        check(name, lambda: cleaner(value, field=name, limit=limit, required=required))

    text("title", TITLE_LIMIT, required=True, title=True)
    text("title_ur", TITLE_LIMIT, title=True)
    text("city", CITY_LIMIT, required=True, title=True)
    text("venue", VENUE_LIMIT)
    text("address", ADDRESS_LIMIT)
    text("description", DESCRIPTION_LIMIT)
    text("description_ur", DESCRIPTION_LIMIT)
    text("accessibility", ACCESSIBILITY_LIMIT)

    kind = fields.get("kind") or Action.Kind.PROTEST
    if kind in Action.Kind.values:
        cleaned["kind"] = kind
    else:
        errors.setdefault("kind", []).append(_("Choose a kind of action."))

    country = str(fields.get("country") or "").strip().upper()
    if is_country(country):
        cleaned["country"] = country
    else:
        errors.setdefault("country", []).append(
            _("Name the country by its two-letter code, such as PK or GB.")
        )

    check("latitude", lambda: _coordinate(fields.get("latitude"), field="latitude", limit=90))
    check("longitude", lambda: _coordinate(fields.get("longitude"), field="longitude", limit=180))
    has_both = "latitude" in cleaned and "longitude" in cleaned
    if has_both and (cleaned["latitude"] is None) != (cleaned["longitude"] is None):
        missing = "longitude" if cleaned["longitude"] is None else "latitude"
        errors.setdefault(missing, []).append(
            _("Give both the latitude and the longitude, or neither.")
        )

    time_zone = str(fields.get("time_zone") or "").strip()
    if time_zone and time_zone not in time_zones():
        errors.setdefault("time_zone", []).append(
            _("We do not know this time zone. Choose one such as Europe/London or Asia/Karachi.")
        )
    else:
        cleaned["time_zone"] = time_zone
    check("starts_at", lambda: _moment(fields.get("starts_at"), field="starts_at"))
    check("ends_at", lambda: _moment(fields.get("ends_at"), field="ends_at"))
    starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
    if starts_at is not None and not time_zone:
        errors.setdefault("time_zone", []).append(
            _("Say in which time zone the action takes place.")
        )
    if ends_at is not None and starts_at is None and "starts_at" in cleaned:
        errors.setdefault("starts_at", []).append(_("An action with an end needs a start."))
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The action must end after it starts."))

    if errors:
        raise ValidationError(errors)
    return cleaned


def _organising_check(by: User, organisation: Organisation) -> None:
    require(by, "actions.organise_for_organisation", organisation)


def _membership_check(campaign: Campaign, organisation: Organisation) -> None:
    try:
        active_membership(campaign, organisation)
    except ValidationError as error:
        raise ValidationError({"organisations": error.messages}) from error


@transaction.atomic
def action_create(
    *,
    by: User,
    campaign: Campaign,
    organisations: Iterable[Organisation],
    title: str,
    city: str,
    country: str,
    title_ur: str = "",
    kind: str = Action.Kind.PROTEST,
    venue: str = "",
    address: str = "",
    latitude: Decimal | float | str | None = None,
    longitude: Decimal | float | str | None = None,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    time_zone: str = "",
    description: str = "",
    description_ur: str = "",
    accessibility: str = "",
) -> Action:
    """Plan an action of ``campaign`` organised by ``organisations``.

    Times are stored in UTC beside the place's IANA ``time_zone``; a draft
    campaign's actions wait, unseen by the public, for the campaign.
    Raises PermissionDenied unless ``by`` may organise for every organisation
    named; ValidationError (keyed by field, nothing written) for no
    organisation, one that is not an active member of the campaign, a closed
    campaign, or a bad field: see ``_clean``.
    """
    organisations = list(dict.fromkeys(organisations))
    for organisation in organisations:
        _organising_check(by, organisation)
    if not organisations:
        raise ValidationError({"organisations": _("Name at least one organising organisation.")})
    if campaign.status == Campaign.Status.CLOSED:
        raise ValidationError({"campaign": _("This campaign is closed: it takes no new actions.")})
    for organisation in organisations:
        _membership_check(campaign, organisation)
    cleaned = _clean(
        {
            "title": title,
            "title_ur": title_ur,
            "kind": kind,
            "city": city,
            "country": country,
            "venue": venue,
            "address": address,
            "latitude": latitude,
            "longitude": longitude,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "time_zone": time_zone,
            "description": description,
            "description_ur": description_ur,
            "accessibility": accessibility,
        }
    )
    now = timezone.now()
    action = Action.objects.create(
        campaign=campaign, created_by=by, created_at=now, updated_at=now, **cleaned
    )
    action.organisations.set(organisations)
    public_changed()
    return action


def _locked(action: Action) -> Action:
    return Action.objects.select_for_update().select_related("campaign").get(pk=action.pk)


def _change_kind(before: Action, after: dict[str, Any]) -> str | None:
    time = any(getattr(before, name) != after[name] for name in TIME_FIELDS)
    place = any(getattr(before, name) != after[name] for name in PLACE_FIELDS)
    if time and place:
        return ActionChange.Kind.TIME_AND_PLACE
    if time:
        return ActionChange.Kind.TIME
    if place:
        return ActionChange.Kind.PLACE
    return None


def _announce(change: ActionChange) -> None:
    from habeas.actions.tasks.changes import announce_change  # late: the task imports models

    transaction.on_commit(lambda: announce_change.enqueue(change_id=change.pk))


def _refuse_cancelled(action: Action) -> None:
    if action.status == Action.Status.CANCELLED:
        raise ValidationError(
            _("This action was cancelled: it can no longer be changed. Plan a new one instead.")
        )


@transaction.atomic
def action_edit(
    *,
    action: Action,
    by: User,
    organisations: Iterable[Organisation],
    title: str,
    city: str,
    country: str,
    title_ur: str = "",
    kind: str = Action.Kind.PROTEST,
    venue: str = "",
    address: str = "",
    latitude: Decimal | float | str | None = None,
    longitude: Decimal | float | str | None = None,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    time_zone: str = "",
    description: str = "",
    description_ur: str = "",
    accessibility: str = "",
    note: str = "",
) -> Action:
    """Change an action; its UID stays and its ``sequence`` rises, so calendars update.

    ``organisations`` is the whole new list of organisers: ``by`` may add or
    remove only organisations they may organise for, and the added ones must
    be active members of the campaign. A change of time (start, end, zone) or
    place (city, country, venue, address, coordinates) of a planned action is
    recorded with ``note`` and announced once the transaction commits.
    Raises PermissionDenied unless ``by`` edits for an organiser, or when the
    list adds or drops an organisation ``by`` does not speak for;
    ValidationError for a cancelled action, no organiser left, or a bad field.
    """
    require(by, "actions.edit_action", action)
    action = _locked(action)
    _refuse_cancelled(action)
    current = {organisation.pk: organisation for organisation in action.organisations.all()}
    wanted = {organisation.pk: organisation for organisation in organisations}
    for pk in current.keys() - wanted.keys():
        _organising_check(by, current[pk])
    for pk in wanted.keys() - current.keys():
        _organising_check(by, wanted[pk])
    if not wanted:
        raise ValidationError({"organisations": _("Name at least one organising organisation.")})
    for pk in wanted.keys() - current.keys():
        _membership_check(action.campaign, wanted[pk])
    cleaned = _clean(
        {
            "title": title,
            "title_ur": title_ur,
            "kind": kind,
            "city": city,
            "country": country,
            "venue": venue,
            "address": address,
            "latitude": latitude,
            "longitude": longitude,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "time_zone": time_zone,
            "description": description,
            "description_ur": description_ur,
            "accessibility": accessibility,
        }
    )
    note = clean_text(note, field="note", limit=NOTE_LIMIT, required=False)
    changed = [name for name in FIELDS if getattr(action, name) != cleaned[name]]
    kind_of_change = _change_kind(action, cleaned)
    if not changed and wanted.keys() == current.keys():
        return action
    for name in changed:
        setattr(action, name, cleaned[name])
    action.sequence += 1
    action.updated_at = timezone.now()
    action.save(update_fields=[*changed, "sequence", "updated_at"])
    if wanted.keys() != current.keys():
        action.organisations.set(list(wanted.values()))
    if kind_of_change is not None and action.status == Action.Status.PLANNED:
        _announce(
            ActionChange.objects.create(
                action=action, kind=kind_of_change, note=note, created_by=by
            )
        )
    public_changed()
    return action


@transaction.atomic
def action_cancel(*, action: Action, by: User, note: str = "") -> ActionChange:
    """Cancel a planned action, with the organisers' ``note`` to those coming.

    The action stays on its pages, marked cancelled; its ``sequence`` rises
    so calendars show it cancelled. The cancellation is announced by mail
    once the transaction commits. Raises PermissionDenied unless ``by``
    edits for an organiser; ValidationError when the action is already
    cancelled or has happened, or the note is too long.
    """
    require(by, "actions.cancel_action", action)
    action = _locked(action)
    if action.status == Action.Status.CANCELLED:
        raise ValidationError(_("This action is already cancelled."))
    if action.status == Action.Status.HAPPENED:
        raise ValidationError(_("This action has happened: it can no longer be cancelled."))
    note = clean_text(note, field="note", limit=NOTE_LIMIT, required=False)
    now = timezone.now()
    action.status = Action.Status.CANCELLED
    action.cancelled_at = now
    action.updated_at = now
    action.sequence += 1
    action.save(update_fields=["status", "cancelled_at", "updated_at", "sequence"])
    change = ActionChange.objects.create(
        action=action, kind=ActionChange.Kind.CANCELLED, note=note, created_by=by, created_at=now
    )
    _announce(change)
    public_changed()
    return change


@transaction.atomic
def action_mark_happened(*, action: Action, by: User) -> Action:
    """Record that a planned action took place; pages list it among past actions.

    Raises PermissionDenied unless ``by`` edits for an organiser;
    ValidationError unless the action is planned and has started (or has no
    known date).
    """
    require(by, "actions.edit_action", action)
    action = _locked(action)
    _refuse_cancelled(action)
    if action.status == Action.Status.HAPPENED:
        raise ValidationError(_("This action is already marked as happened."))
    if action.starts_at is not None and action.starts_at > timezone.now():
        raise ValidationError(_("This action has not started yet."))
    action.status = Action.Status.HAPPENED
    action.updated_at = timezone.now()
    action.save(update_fields=["status", "updated_at"])
    public_changed()
    return action

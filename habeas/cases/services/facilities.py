"""Places of custody: documenters propose them; a site admin or the proposer's
coordinator confirms (or rejects) them before anyone is told to write there.

A proposal is linked to the proposer's working record at once, so the fact
is not lost, but it is offered on no form and no public page shows it or
its postal address until it is confirmed: a wrong address endangers both the
prisoner and whoever writes to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.cases.models import Facility, Person
from habeas.core.pagecache import public_changed
from habeas.core.text import refuse_bidi_controls

if TYPE_CHECKING:
    from habeas.accounts.models import User


@dataclass(frozen=True)
class FacilityFacts:
    """A new place of custody as a form gives it, proposed only once a service has
    checked the acting user's rights."""

    name: str
    kind: str = Facility.Kind.PRISON
    region: str = ""
    postal_address: str = ""
    letters_accepted: str = ""


def _taken(name: str, region: str) -> ValidationError:
    return ValidationError(
        {
            "new_facility_name": _(
                "A facility with this name and region is already known: choose it from the "
                "list, or wait for it to be confirmed."
            )
        }
    )


def _propose(facts: FacilityFacts, by: User) -> Facility:
    """Record a proposal by ``by`` (no rights checked); ValidationError for a duplicate."""
    name = " ".join(facts.name.split())
    region = " ".join(facts.region.split())
    if not name:
        raise ValidationError({"new_facility_name": _("A facility needs a name.")})
    for field, value in (("new_facility_name", name), ("new_facility_region", region)):
        refuse_bidi_controls(value, field=field)
        if "<" in value or ">" in value:
            raise ValidationError({field: _("A name cannot contain < or >.")})
    if Facility.objects.filter(name__iexact=name, region__iexact=region).exists():
        raise _taken(name, region)
    facility = Facility(
        name=name,
        kind=facts.kind,
        region=region,
        postal_address=facts.postal_address.strip(),
        letters_accepted=facts.letters_accepted.strip(),
        proposed_by=by,
        proposed_at=timezone.now(),
    )
    facility.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            facility.save()
    except IntegrityError as error:  # a proposal of the same place a moment ago
        raise _taken(name, region) from error
    return facility


def facility_choose(*, by: User, person: Person, facility: Facility | FacilityFacts) -> Facility:
    """The facility a documenter names on ``person``'s record: a confirmed one, or a
    new proposal by ``by`` (recorded here, in the caller's transaction).

    Raises PermissionDenied unless ``by`` documents for the person,
    ValidationError for an unconfirmed facility (another documenter's
    proposal is not offered) or a proposal that repeats a known facility.
    """
    if not by.has_perm("cases.document", person):
        raise PermissionDenied
    if isinstance(facility, FacilityFacts):
        return _propose(facility, by)
    if facility.confirmed_at is None:
        raise ValidationError(
            {"facility": _("This facility is not confirmed yet: it cannot be chosen.")}
        )
    return facility


@transaction.atomic
def facility_confirm(
    *,
    by: User,
    facility: Facility,
    postal_address: str | None = None,
    letters_accepted: str | None = None,
) -> Facility:
    """Confirm a proposed facility, with its postal address as the confirmer corrects it.

    From now on it is offered on the documenters' forms; the records that
    name it wait for a second documenter again, whose verification
    publishes the place and, while the person is held there, where to write
    (the kept pages are renewed). Raises PermissionDenied unless ``by``
    is a site admin or coordinates a campaign the proposer documents for,
    ValidationError for a facility already confirmed.
    """
    if not by.has_perm("cases.confirm_facility", facility):
        raise PermissionDenied
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if facility.confirmed_at is not None:
        raise ValidationError(_("This facility is already confirmed."))
    if postal_address is not None:
        facility.postal_address = postal_address.strip()
    if letters_accepted is not None:
        facility.letters_accepted = letters_accepted.strip()
    facility.confirmed_at = timezone.now()
    facility.confirmed_by = by
    facility.full_clean(validate_unique=False)
    facility.save()
    _review_again(facility)
    public_changed()
    return facility


def _review_again(facility: Facility) -> None:
    """Put the records that name a newly confirmed facility back in the review queue:
    the next verification publishes the place (public data names confirmed
    facilities only). Also called by the admin, where a site admin's save confirms."""
    Person.objects.filter(pk__in=_persons_naming(facility)).update(updated_at=timezone.now())


def _persons_naming(facility: Facility) -> set[int]:
    """The persons whose working record names ``facility`` (arrest or transfer)."""
    named = set(facility.detentions.values_list("person_id", flat=True))
    return named | set(facility.status_changes.values_list("detention__person_id", flat=True))


@transaction.atomic
def facility_reject(*, by: User, facility: Facility) -> None:
    """Reject a proposed facility: it is deleted, and the working records that named
    it name no facility (their documenters choose again).

    Public pages never showed it, so none changes. Raises PermissionDenied as
    ``facility_confirm`` does, ValidationError for a confirmed facility (a
    site admin retires those in the admin).
    """
    if not by.has_perm("cases.confirm_facility", facility):
        raise PermissionDenied
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if facility.confirmed_at is not None:
        raise ValidationError(_("This facility is confirmed; it cannot be rejected here."))
    touched = _persons_naming(facility)
    facility.delete()
    Person.objects.filter(pk__in=touched).update(updated_at=timezone.now())

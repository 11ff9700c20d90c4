"""Which campaigns defend a person, and with whom a person's case work is shared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.cases.models import CaseShare, Person, PublicRecord
from habeas.coalition.models import Campaign
from habeas.core.pagecache import public_changed

if TYPE_CHECKING:
    from habeas.accounts.models import User


def _choosable(campaign: Campaign, person: Person) -> bool:
    """Whether ``campaign`` may defend ``person``: a public record, or its own."""
    return person.campaign_id == campaign.pk or PublicRecord.objects.filter(pk=person.pk).exists()


@transaction.atomic
def campaign_person_add(*, by: User, campaign: Campaign, person: Person) -> None:
    """The campaign defends the person, through the public record.

    Defending gives no right to the working record: the person's owning
    campaign stays as it is. Raises PermissionDenied unless ``by``
    coordinates the campaign, and for a person that is neither public nor
    the campaign's own (another campaign's working record is not ``by``'s
    to see, so it is refused as a matter of access, telling nothing about
    the record).
    """
    if not by.has_perm("coalition.coordinate_campaign", campaign):
        raise PermissionDenied
    if not _choosable(campaign, person):
        raise PermissionDenied
    campaign.persons.add(person)
    # Shown on the campaign's and the person's public pages (once the person is
    # public: a publication racing this one must not leave either page stale).
    public_changed()


@transaction.atomic
def campaign_person_remove(*, by: User, campaign: Campaign, person: Person) -> None:
    """The campaign no longer defends the person.

    Raises PermissionDenied unless ``by`` coordinates the campaign, and
    ValidationError when the campaign owns the person: the campaign that
    keeps a record defends it for as long as it keeps it.
    """
    if not by.has_perm("coalition.coordinate_campaign", campaign):
        raise PermissionDenied
    if person.campaign_id == campaign.pk:
        raise ValidationError(
            _("This campaign documents the person, so it cannot stop defending them.")
        )
    campaign.persons.remove(person)
    public_changed()


@transaction.atomic
def case_share_grant(
    *, by: User, person: Person, campaign: Campaign, restricted: bool = False
) -> CaseShare:
    """Share the person's case work with another campaign, on record.

    The grantee's documenters may then keep the working record, and with
    ``restricted`` its case team sees the restricted facts. Raises
    PermissionDenied unless ``by`` coordinates the campaign that owns the
    person (a site admin or the grantee may not), ValidationError for the
    owner itself, a draft campaign, or a campaign that already has an
    active share of this person.
    """
    if not by.has_perm("cases.share_case", person):
        raise PermissionDenied
    person = Person.objects.select_for_update().get(pk=person.pk)
    if campaign.pk == person.campaign_id:
        raise ValidationError(_("The campaign already documents this person."))
    if campaign.status == Campaign.Status.DRAFT:
        raise ValidationError(_("Case work cannot be shared with a draft campaign."))
    if CaseShare.objects.active().filter(person=person, campaign=campaign).exists():
        raise ValidationError(_("This campaign already shares the case work."))
    return CaseShare.objects.create(
        person=person, campaign=campaign, restricted=restricted, granted_by=by
    )


@transaction.atomic
def case_share_revoke(*, by: User, share: CaseShare) -> CaseShare:
    """End a share; the row stays, stamped with who revoked it and when.

    Raises PermissionDenied unless ``by`` coordinates the campaign that owns
    the person, ValidationError for a share already revoked.
    """
    if not by.has_perm("cases.share_case", share.person):
        raise PermissionDenied
    share = CaseShare.objects.select_for_update().get(pk=share.pk)
    if share.revoked_at is not None:
        raise ValidationError(_("This share has already been revoked."))
    share.revoked_at = timezone.now()
    share.revoked_by = by
    share.save(update_fields=["revoked_at", "revoked_by"])
    return share

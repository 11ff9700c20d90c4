"""Correspondence: public letters between organisations, replies and corrections."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import (
    Campaign,
    Correspondence,
    CorrespondenceCorrection,
    Organisation,
)
from habeas.coalition.services._checks import clean_text, clean_title, require
from habeas.core.pagecache import public_changed
from habeas.core.text import refuse_bidi_controls


@transaction.atomic
def correspondence_publish(
    *,
    by: User,
    organisation: Organisation,
    subject: str,
    body: str,
    to_organisation: Organisation | None = None,
    to_campaign: Campaign | None = None,
    in_reply_to: Correspondence | None = None,
    signed: str = "",
) -> Correspondence:
    """Publish a letter to an organisation or a campaign, or a reply in a thread.

    Never edited afterwards.

    Raises PermissionDenied unless ``by`` edits for ``organisation``,
    ValidationError for an empty or oversized letter or no addressee.
    """
    require(by, "coalition.publish_for_organisation", organisation)
    subject = clean_title(subject, field="subject", limit=300)
    body = clean_text(body, field="body", limit=100_000)
    thread = None
    if in_reply_to is not None:
        thread = in_reply_to.thread or in_reply_to
        to_organisation, to_campaign = in_reply_to.from_organisation, None
    if to_organisation is None and to_campaign is None:
        raise ValidationError(_("Address the letter to an organisation or a campaign."))
    if to_campaign is not None and to_campaign.status == Campaign.Status.DRAFT:
        # A public letter to a draft would publish the draft's name.
        raise ValidationError(_("Open letters go to public campaigns only."))
    if to_organisation == organisation:
        raise ValidationError(_("An organisation cannot write an open letter to itself."))
    public_changed()
    return Correspondence.objects.create(
        from_organisation=organisation,
        to_organisation=to_organisation,
        to_campaign=to_campaign,
        in_reply_to=in_reply_to,
        thread=thread,
        subject=subject,
        body=body,
        published_by=by,
        signed=refuse_bidi_controls(signed.strip()[:300], field="signed"),
    )


@transaction.atomic
def correspondence_correct(
    *, by: User, correspondence: Correspondence, body: str
) -> CorrespondenceCorrection:
    """Follow a published letter with a correction, shown with it; the letter is unchanged."""
    require(by, "coalition.edit_item", correspondence)
    body = clean_text(body, field="body", limit=20_000)
    public_changed()
    return CorrespondenceCorrection.objects.create(
        correspondence=correspondence, body=body, published_by=by
    )

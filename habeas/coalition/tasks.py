"""Mail the coalition sends from the task worker."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from habeas.coalition import services


@task()
def send_invitation_email(*, invitation_id: int, site_url: str, language: str) -> int:
    """Make an invitation's token and mail its link, in the inviter's language.

    The queue holds only the invitation's id; the token is made here, sent,
    and kept nowhere but as its SHA-256 on the invitation. Sends nothing
    (returns 0) when the invitation was used, withdrawn or expired before
    the worker reached it. Returns the number of messages sent.
    """
    issued = services.invitation_link_issue(invitation_id=invitation_id, site_url=site_url)
    if issued is None:
        return 0
    invitation, link = issued
    with translation.override(language):
        if invitation.membership_campaign is not None:
            subject = _("%(organisation)s is invited to join %(campaign)s on Habeas") % {
                "organisation": invitation.organisation,
                "campaign": invitation.membership_campaign,
            }
        else:
            subject = _("You are invited to take part in Habeas")
        body = render_to_string(
            "coalition/invitation_email.txt",
            {
                "invitation": invitation,
                "inviter": invitation.invited_by,
                "link": link,
                "language": language,
            },
        )
    return EmailMessage(subject=subject, body=body, to=[invitation.email]).send()

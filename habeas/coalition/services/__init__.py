"""Every write to organisations, campaigns, roles, the united front and correspondence.

One module per area; the public services are re-exported here, so
``from habeas.coalition import services; services.demand_propose(...)``
works whichever module holds them. Every public service checks the acting
user's permission itself and raises PermissionDenied first; writers that
other services call after their own check start with an underscore.

A service that changes what a visitor sees (a profile, a campaign that is
not a draft, a membership becoming or ceasing to be active, a demand,
position, statement, notice, appeal or letter of correspondence) calls
``habeas.core.pagecache.public_changed`` in its transaction; one that
changes only what signed-in organisers see (requests, invitations, grants,
a draft) does not.
"""

from habeas.coalition.models import token_digest
from habeas.coalition.services.campaigns import (
    campaign_create,
    campaign_update,
    membership_accept,
    membership_decide,
    membership_decline,
    membership_invitation_withdraw,
    membership_invite,
    membership_leave,
    membership_request,
)
from habeas.coalition.services.correspondence import (
    correspondence_correct,
    correspondence_publish,
)
from habeas.coalition.services.grants import grant_create, grant_create_at_console, grant_revoke
from habeas.coalition.services.invitations import (
    INVITATION_LIFETIME,
    invitation_accept,
    invitation_create,
    invitation_link_issue,
    invitation_withdraw,
    organisation_contact_invite,
)
from habeas.coalition.services.organisations import (
    LOGO_MAX_BYTES,
    PROFILE_FIELDS,
    organisation_create,
    organisation_update,
)
from habeas.coalition.services.united_front import (
    demand_propose,
    demand_reword,
    demand_withdraw,
    item_hide,
    notice_appeal,
    notice_lift,
    position_record,
    statement_edit,
    statement_publish,
    statement_withdraw,
)

__all__ = [
    "INVITATION_LIFETIME",
    "LOGO_MAX_BYTES",
    "PROFILE_FIELDS",
    "campaign_create",
    "campaign_update",
    "correspondence_correct",
    "correspondence_publish",
    "demand_propose",
    "demand_reword",
    "demand_withdraw",
    "grant_create",
    "grant_create_at_console",
    "grant_revoke",
    "invitation_accept",
    "invitation_create",
    "invitation_link_issue",
    "invitation_withdraw",
    "item_hide",
    "membership_accept",
    "membership_decide",
    "membership_decline",
    "membership_invitation_withdraw",
    "membership_invite",
    "membership_leave",
    "membership_request",
    "notice_appeal",
    "notice_lift",
    "organisation_contact_invite",
    "organisation_create",
    "organisation_update",
    "position_record",
    "statement_edit",
    "statement_publish",
    "statement_withdraw",
    "token_digest",
]

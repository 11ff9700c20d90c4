"""The access matrix: roles x objects x actions -> allowed or not.

The table below is the policy, kept as data. Every actor tries every action
on every object through the real pages (and, for writes, the real services);
an action not listed as allowed must answer 403 or 404 (or send an anonymous
visitor to sign in) and change nothing. Later issues add their rows to
ALLOWED and their actions to ACTIONS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from habeas.cases import services as cases_services
from habeas.coalition import services
from habeas.coalition.models import Invitation, Organisation, Role, RoleGrant
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    grant,
    member,
    sign_in,
)

ACTORS = [
    "anonymous",
    "no_role",
    "editor_a",
    "admin_a",
    "treasurer_a",
    "editor_b",
    "admin_b",
    "coordinator_c",
    "moderator_c",
    "documenter_c",
    "case_team_c",
    "coordinator_d",
    "documenter_d",
    "case_team_d",
    "site_admin",
]

# (action, object) -> the actors allowed. Every other actor is refused.
ALLOWED: dict[tuple[str, str], set[str]] = {
    # A site admin manages an organisation's people only while it has no admin of
    # its own (to invite the first one): never one that has, or it could speak for it.
    ("view_members", "org_a"): {"admin_a"},
    ("view_members", "org_b"): {"admin_b"},
    ("view_members", "orphan_org"): {"site_admin"},
    ("invite_to_organisation", "org_a"): {"admin_a"},
    ("invite_to_organisation", "org_b"): {"admin_b"},
    ("invite_to_organisation", "orphan_org"): {"site_admin"},
    ("invite_treasurer", "org_a"): {"admin_a"},
    # An organisation's profile is its own words: not even a site admin edits it.
    ("edit_organisation", "org_a"): {"editor_a", "admin_a"},
    ("edit_organisation", "org_b"): {"editor_b", "admin_b"},
    ("create_organisation", "site"): {"site_admin"},
    ("revoke_organisation_role", "grant_in_a"): {"admin_a"},
    ("revoke_organisation_role", "grant_in_b"): {"admin_b"},
    ("revoke_treasurer", "treasurer_grant_in_a"): {"admin_a"},
    # B's grant through A's address: nobody, not even A's admin or a site admin.
    ("revoke_organisation_role", "grant_in_b_via_a"): set(),
    ("withdraw_invitation", "invitation_in_a"): {"admin_a"},
    ("withdraw_invitation", "invitation_in_b_via_a"): set(),
    ("coordinate", "campaign_c"): {"coordinator_c", "site_admin"},
    ("coordinate", "campaign_d"): {"coordinator_d", "site_admin"},
    ("invite_to_campaign", "campaign_c"): {"coordinator_c", "site_admin"},
    ("campaign_settings", "campaign_c"): {"coordinator_c", "site_admin"},
    ("campaign_settings", "campaign_d"): {"coordinator_d", "site_admin"},
    ("invite_to_campaign", "campaign_d"): {"coordinator_d", "site_admin"},
    ("revoke_campaign_role", "grant_in_c"): {"coordinator_c", "site_admin"},
    ("revoke_campaign_role", "grant_in_d_via_c"): set(),
    ("use_admin", "site"): {"site_admin"},
    # The united front. An organisation's items are its own editors' alone.
    ("propose_demand", "as_a"): {"editor_a", "admin_a"},
    ("reword_demand", "demand_of_a"): {"editor_a", "admin_a"},
    ("withdraw_demand", "demand_of_a"): {"editor_a", "admin_a"},
    ("record_position", "as_a"): {"editor_a", "admin_a"},
    ("publish_statement", "as_a"): {"editor_a", "admin_a"},
    ("edit_statement", "statement_of_a"): {"editor_a", "admin_a"},
    ("withdraw_statement", "statement_of_a"): {"editor_a", "admin_a"},
    ("hide_item", "statement_of_a"): {"coordinator_c", "moderator_c", "site_admin"},
    ("hide_item", "demand_of_a"): {"coordinator_c", "moderator_c", "site_admin"},
    ("appeal_notice", "notice_on_a"): {"editor_a", "admin_a"},
    ("lift_notice", "notice_on_a"): {"coordinator_c", "moderator_c", "site_admin"},
    ("publish_letter", "as_a"): {"editor_a", "admin_a"},
    ("correct_letter", "letter_of_a"): {"editor_a", "admin_a"},
    ("start_campaign", "as_a"): {"admin_a"},
    ("ask_to_join", "as_a"): {"admin_a"},
    ("leave_campaign", "as_a"): {"admin_a"},
    ("decide_join", "request_of_b_to_d"): {"coordinator_d", "site_admin"},
    ("choose_persons", "campaign_c"): {"coordinator_c", "site_admin"},
    # The register: documenters of the campaign that owns a person edit and verify;
    # its case team alone sees restricted facts. Campaign D defends person_in_c
    # through its public record: its documenters and case team get nothing more.
    ("record_person", "register"): {"documenter_c", "documenter_d"},
    ("view_working_record", "person_in_c"): {"documenter_c"},
    ("edit_person", "person_in_c"): {"documenter_c"},
    ("verify_person", "person_in_c"): {"documenter_c"},
    ("view_restricted", "person_in_c"): {"case_team_c"},
    ("edit_restricted", "person_in_c"): {"case_team_c"},
    # C's coordinator shared shared_person's case work, restricted facts included, with D.
    ("view_working_record", "shared_person"): {"documenter_c", "documenter_d"},
    ("edit_person", "shared_person"): {"documenter_c", "documenter_d"},
    ("verify_person", "shared_person"): {"documenter_c", "documenter_d"},
    ("view_restricted", "shared_person"): {"case_team_c", "case_team_d"},
    ("edit_restricted", "shared_person"): {"case_team_c", "case_team_d"},
    # Sharing is the owning campaign's coordinator's word alone (not a site admin's,
    # not the grantee's); both campaigns' coordinators see the record of shares.
    ("share_case", "person_in_c"): {"coordinator_c"},
    ("revoke_share", "share_with_d"): {"coordinator_c"},
    ("view_shares", "campaign_c"): {"coordinator_c"},
    ("view_shares", "campaign_d"): {"coordinator_d"},
    # A campaign defends public records, and its own: never another's working record.
    ("defend_person", "published_person"): {"coordinator_d", "site_admin"},
    ("defend_person", "unpublished_person_of_c"): set(),
    # The public register shows verified records and their history to anyone,
    # and answers 404 to everyone for a record not yet verified.
    ("view_public_record", "published_person"): set(ACTORS),
    ("view_public_record", "person_in_c"): set(),
    ("view_public_history", "published_person"): set(ACTORS),
    ("view_public_history", "person_in_c"): set(),
    ("view_my_roles", "self"): set(ACTORS) - {"anonymous"},
}


@dataclass
class World:
    objects: dict[str, Any]
    users: dict[str, Any]


@pytest.fixture
def world(db: None) -> World:
    org_a, org_b = OrganisationFactory(slug="org-a"), OrganisationFactory(slug="org-b")
    campaign_c, campaign_d = CampaignFactory(slug="campaign-c"), CampaignFactory(slug="campaign-d")
    for organisation in (org_a, org_b):
        member(campaign_c, organisation)
    users = {name: UserFactory(username=name) for name in ACTORS if name != "anonymous"}
    grant(users["editor_a"], Role.ORG_EDITOR, organisation=org_a)
    grant(users["admin_a"], Role.ORG_ADMIN, organisation=org_a)
    grant(users["treasurer_a"], Role.TREASURER, organisation=org_a, campaign=campaign_c)
    grant(users["editor_b"], Role.ORG_EDITOR, organisation=org_b)
    grant(users["admin_b"], Role.ORG_ADMIN, organisation=org_b)
    grant(users["coordinator_c"], Role.COORDINATOR, campaign=campaign_c)
    grant(users["moderator_c"], Role.MODERATOR, campaign=campaign_c)
    grant(users["documenter_c"], Role.DOCUMENTER, campaign=campaign_c)
    grant(users["case_team_c"], Role.CASE_TEAM, campaign=campaign_c)
    grant(users["coordinator_d"], Role.COORDINATOR, campaign=campaign_d)
    grant(users["documenter_d"], Role.DOCUMENTER, campaign=campaign_d)
    grant(users["case_team_d"], Role.CASE_TEAM, campaign=campaign_d)
    grant(users["site_admin"], Role.SITE_ADMIN)
    # Second admins, so revoking a target never trips the last-admin rule.
    grant(UserFactory(), Role.ORG_ADMIN, organisation=org_a)
    grant(UserFactory(), Role.ORG_ADMIN, organisation=org_b)
    target: dict[str, Any] = {
        "grant_in_a": grant(UserFactory(), Role.ORG_EDITOR, organisation=org_a),
        "grant_in_b": grant(UserFactory(), Role.ORG_EDITOR, organisation=org_b),
        "treasurer_grant_in_a": grant(
            UserFactory(), Role.TREASURER, organisation=org_a, campaign=campaign_c
        ),
        "grant_in_c": grant(UserFactory(), Role.DOCUMENTER, campaign=campaign_c),
        "grant_in_d": grant(UserFactory(), Role.DOCUMENTER, campaign=campaign_d),
    }
    from django.utils import timezone

    from habeas.coalition.models import (
        CampaignMembership,
        Correspondence,
        Demand,
        HiddenNotice,
        Statement,
    )

    def demand(org: Any, text: str) -> Any:
        made = Demand.objects.create(campaign=campaign_c, proposed_by=org, text=text)
        made.versions.create(number=1, text=text)
        made.positions.create(organisation=org, stance="ENDORSES", version=1)
        return made

    def statement(org: Any, title: str) -> Any:
        made = Statement.objects.create(
            campaign=campaign_c, organisation=org, title=title, body="Text"
        )
        made.versions.create(number=1, title=title, body="Text")
        return made

    inviter_for_person = UserFactory()  # the person's last editor is no actor
    hidden = statement(org_a, "Hidden one")
    target["demand_of_a"] = demand(org_a, "A's slogan")
    target["demand_of_b"] = demand(org_b, "B's slogan")
    target["statement_of_a"] = statement(org_a, "A's statement")
    target["notice_on_a"] = HiddenNotice.objects.create(
        campaign=campaign_c,
        statement=hidden,
        organisation=org_a,
        reason="Because",
        hidden_by=users["coordinator_c"],
    )
    target["letter_of_a"] = Correspondence.objects.create(
        from_organisation=org_a, to_organisation=org_b, subject="Hello", body="Text"
    )
    CampaignMembership.objects.create(
        campaign=campaign_d, organisation=org_b, status="REQUESTED", created_at=timezone.now()
    )
    from habeas.cases.models import CaseShare, Person
    from habeas.core.models import Source

    target["person_in_c"] = Person.objects.create(
        name="Person in C",
        slug="person-in-c",
        source=Source.objects.create(title="Matrix"),
        updated_by=inviter_for_person,
        campaign=campaign_c,
    )
    target["person_in_c"].campaigns.add(campaign_c, campaign_d)
    target["unpublished_person_of_c"] = Person.objects.create(
        name="Unpublished person of C",
        slug="unpublished-person-of-c",
        source=Source.objects.get(title="Matrix"),
        updated_by=inviter_for_person,
        campaign=campaign_c,
    )
    target["unpublished_person_of_c"].campaigns.add(campaign_c)
    target["shared_person"] = Person.objects.create(
        name="Shared person",
        slug="shared-person",
        source=Source.objects.get(title="Matrix"),
        updated_by=inviter_for_person,
        campaign=campaign_c,
    )
    target["shared_person"].campaigns.add(campaign_c)
    target["share_with_d"] = CaseShare.objects.create(
        person=target["shared_person"],
        campaign=campaign_d,
        restricted=True,
        granted_by=users["coordinator_c"],
    )
    from habeas.cases.services import publish

    target["published_person"] = Person.objects.create(
        name="Published person",
        slug="published-person",
        source=Source.objects.get(title="Matrix"),
        updated_by=inviter_for_person,
        campaign=campaign_c,
    )
    target["published_person"].campaigns.add(campaign_c)
    publish(person=target["published_person"], by=None)
    inviter = users["admin_a"]
    invitations = {
        key: Invitation.objects.create(
            email=f"{key}@example.org",
            role=Role.ORG_EDITOR,
            organisation=organisation,
            token_sha256=key.ljust(64, "0"),
            invited_by=inviter,
            expires_at="2999-01-01T00:00:00Z",
        )
        for key, organisation in (("invitation_a", org_a), ("invitation_b", org_b))
    }
    return World(
        objects={
            "org_a": org_a,
            "org_b": org_b,
            "orphan_org": OrganisationFactory(slug="org-o"),
            "campaign_c": campaign_c,
            "campaign_d": campaign_d,
            **target,
            **invitations,
        },
        users=users,
    )


@dataclass(frozen=True)
class Attempt:
    method: str
    path: str
    data: dict[str, str] | None = None
    public: bool = False  # a public page: refused with 404, to anonymous visitors too


def _state(world: World) -> tuple[Any, ...]:
    """Everything a refused action must leave as it was."""
    from habeas.cases.models import CaseShare, Person, PersonRestricted, PublicRecord
    from habeas.coalition.models import (
        Appeal,
        Campaign,
        CampaignMembership,
        Correspondence,
        CorrespondenceCorrection,
        Demand,
        HiddenNotice,
        Position,
        Statement,
    )

    return (
        sorted(Organisation.objects.values_list("slug", "short_name", "kind", "country")),
        sorted(RoleGrant.objects.values_list("pk", "revoked_at")),
        sorted(Invitation.objects.values_list("pk", "email", "withdrawn_at")),
        sorted(Demand.objects.values_list("pk", "text", "version", "withdrawn_at")),
        sorted(Position.objects.values_list("pk", "stance", "is_current")),
        sorted(Statement.objects.values_list("pk", "title", "version", "withdrawn_at")),
        sorted(HiddenNotice.objects.values_list("pk", "lifted_at")),
        Appeal.objects.count(),
        Correspondence.objects.count(),
        CorrespondenceCorrection.objects.count(),
        sorted(Campaign.objects.values_list("pk", "title", "status", "quorum")),
        sorted(CampaignMembership.objects.values_list("pk", "status")),
        sorted(Person.objects.values_list("pk", "name", "updated_at", "campaign")),
        sorted(Person.campaigns.through.objects.values_list("person", "campaign")),
        sorted(PersonRestricted.objects.values_list("person", "family_contacts")),
        sorted(CaseShare.objects.values_list("pk", "campaign", "restricted", "revoked_at")),
        PublicRecord.objects.count(),
    )


def _attempt(action: str, obj: str, world: World) -> Attempt:
    o = world.objects
    org = {"org_a": "org-a", "org_b": "org-b", "orphan_org": "org-o"}.get(obj, "")
    campaign = {"campaign_c": "campaign-c", "campaign_d": "campaign-d"}.get(obj, "")
    new_editor = {"email": "new@example.org", "role": Role.ORG_EDITOR}
    match action:
        case "view_members":
            return Attempt("get", f"/organisations/{org}/members/")
        case "invite_to_organisation":
            return Attempt("post", f"/organisations/{org}/members/invite/", new_editor)
        case "invite_treasurer":
            data = {
                "email": "t@example.org",
                "role": Role.TREASURER,
                "campaign": str(o["campaign_c"].pk),
            }
            return Attempt("post", f"/organisations/{org}/members/invite/", data)
        case "edit_organisation":
            data = {"short_name": "CHANGED", "kind": Organisation.Kind.UNION, "country": "GB"}
            return Attempt("post", f"/organisations/{org}/edit/", data)
        case "revoke_organisation_role" | "revoke_treasurer":
            slug, key = {
                "grant_in_a": ("org-a", "grant_in_a"),
                "grant_in_b": ("org-b", "grant_in_b"),
                "grant_in_b_via_a": ("org-a", "grant_in_b"),
                "treasurer_grant_in_a": ("org-a", "treasurer_grant_in_a"),
            }[obj]
            return Attempt("post", f"/organisations/{slug}/members/{o[key].pk}/revoke/", {})
        case "withdraw_invitation":
            key = {"invitation_in_a": "invitation_a", "invitation_in_b_via_a": "invitation_b"}[obj]
            return Attempt("post", f"/organisations/org-a/invitations/{o[key].pk}/withdraw/", {})
        case "coordinate":
            return Attempt("get", f"/campaigns/{campaign}/coordinate/")
        case "create_organisation":
            data = {"name": "A new union", "kind": Organisation.Kind.UNION, "country": "GB"}
            return Attempt("post", "/organisations/new/", data)
        case "campaign_settings":
            data = {"title": "Renamed campaign", "status": "ACTIVE", "quorum": "1"}
            return Attempt("post", f"/campaigns/{campaign}/coordinate/settings/", data)
        case "invite_to_campaign":
            data = {"email": "d@example.org", "role": Role.DOCUMENTER}
            return Attempt("post", f"/campaigns/{campaign}/coordinate/invite/", data)
        case "revoke_campaign_role":
            key = {"grant_in_c": "grant_in_c", "grant_in_d_via_c": "grant_in_d"}[obj]
            return Attempt("post", f"/campaigns/campaign-c/coordinate/{o[key].pk}/revoke/", {})
        case "use_admin":
            return Attempt("get", "/admin/")
        case "propose_demand":
            data = {"organisation": str(o["org_a"].pk), "text": "A new demand"}
            return Attempt("post", "/campaigns/campaign-c/demands/new/", data)
        case "reword_demand":
            return Attempt(
                "post", f"/campaigns/campaign-c/demands/{o[obj].pk}/reword/", {"text": "Reworded"}
            )
        case "withdraw_demand":
            return Attempt("post", f"/campaigns/campaign-c/demands/{o[obj].pk}/withdraw/", {})
        case "record_position":
            data = {"organisation": str(o["org_a"].pk), "stance": "DISAGREES", "reason": "No"}
            return Attempt(
                "post", f"/campaigns/campaign-c/demands/{o['demand_of_b'].pk}/position/", data
            )
        case "publish_statement":
            data = {"organisation": str(o["org_a"].pk), "title": "T", "body": "B"}
            return Attempt("post", "/campaigns/campaign-c/statements/new/", data)
        case "edit_statement":
            return Attempt(
                "post",
                f"/campaigns/campaign-c/statements/{o[obj].pk}/edit/",
                {"title": "Edited", "body": "Edited"},
            )
        case "withdraw_statement":
            return Attempt("post", f"/campaigns/campaign-c/statements/{o[obj].pk}/withdraw/", {})
        case "hide_item":
            kind = "statement" if obj.startswith("statement") else "demand"
            return Attempt(
                "post",
                f"/campaigns/campaign-c/hide/{kind}/{o[obj].pk}/",
                {"reason": "A stated reason"},
            )
        case "appeal_notice":
            return Attempt(
                "post", f"/campaigns/campaign-c/notices/{o[obj].pk}/appeal/", {"text": "We appeal"}
            )
        case "lift_notice":
            return Attempt("post", f"/campaigns/campaign-c/notices/{o[obj].pk}/lift/", {})
        case "publish_letter":
            data = {
                "organisation": str(o["org_a"].pk),
                "to_organisation": str(o["org_b"].pk),
                "subject": "S",
                "body": "B",
            }
            return Attempt("post", "/correspondence/new/", data)
        case "correct_letter":
            return Attempt("post", f"/correspondence/{o[obj].pk}/correct/", {"body": "Correction"})
        case "start_campaign":
            return Attempt(
                "post",
                "/campaigns/new/",
                {"organisation": str(o["org_a"].pk), "title": "New campaign", "status": "ACTIVE"},
            )
        case "ask_to_join":
            return Attempt(
                "post",
                "/campaigns/campaign-d/join/",
                {"organisation": str(o["org_a"].pk), "endorses_common": "on"},
            )
        case "leave_campaign":
            return Attempt(
                "post",
                "/campaigns/campaign-c/leave/",
                {"organisation": str(o["org_a"].pk), "notice": "Goodbye"},
            )
        case "record_person":
            return Attempt("get", "/register/working/new/")
        case "view_working_record":
            return Attempt("get", f"/register/working/{o[obj].pk}/")
        case "edit_person":
            data = {
                "name": "Renamed",
                "gender": "UNKNOWN",
                "source_title": "S",
                "certainty": "REPORTED",
            }
            return Attempt("post", f"/register/working/{o[obj].pk}/edit/", data)
        case "verify_person":
            return Attempt("post", f"/register/working/{o[obj].pk}/verify/", {})
        case "view_restricted":
            return Attempt("get", f"/register/working/{o[obj].pk}/restricted/")
        case "edit_restricted":
            return Attempt(
                "post", f"/register/working/{o[obj].pk}/restricted/", {"family_contacts": "New"}
            )
        case "share_case":
            data = {"campaign": str(o["campaign_d"].pk), "restricted": "on"}
            return Attempt("post", f"/register/working/{o[obj].pk}/shares/", data)
        case "revoke_share":
            share = o[obj]
            return Attempt(
                "post", f"/register/working/{share.person_id}/shares/{share.pk}/revoke/", {}
            )
        case "view_shares":
            return Attempt("get", f"/campaigns/{campaign}/case-shares/")
        case "defend_person":
            person = o[obj]
            data = {"person": str(person.pk), "action": "add"}
            return Attempt("post", "/campaigns/campaign-d/persons/", data)
        case "view_public_record":
            return Attempt("get", f"/register/{o[obj].slug}/", public=True)
        case "view_public_history":
            return Attempt("get", f"/register/{o[obj].slug}/history/", public=True)
        case "choose_persons":
            return Attempt("get", "/campaigns/campaign-c/persons/")
        case "decide_join":
            return Attempt(
                "post",
                f"/campaigns/campaign-d/members/{o['org_b'].pk}/decide/",
                {"decision": "approve"},
            )
        case "view_my_roles":
            return Attempt("get", "/accounts/")
    raise AssertionError(f"no attempt for {action}")


CELLS = [
    pytest.param(actor, action, obj, id=f"{actor}-{action}-{obj}")
    for (action, obj) in ALLOWED
    for actor in ACTORS
]


@pytest.mark.parametrize(("actor", "action", "obj"), CELLS)
def test_access_matrix_through_pages(world: World, actor: str, action: str, obj: str) -> None:
    client = Client()
    if actor != "anonymous":
        sign_in(client, world.users[actor])
    attempt = _attempt(action, obj, world)
    before = _state(world)
    response = getattr(client, attempt.method)(attempt.path, attempt.data)
    allowed = actor in ALLOWED[(action, obj)]
    if allowed:
        assert response.status_code in {200, 302}, response.status_code
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
            assert "/two-factor/" not in response["Location"]
        if attempt.method == "post":
            assert _state(world) != before, "an allowed write changed nothing"
    else:
        if attempt.public:
            assert response.status_code == 404, response.status_code
        elif actor == "anonymous":
            assert response.status_code == 302
            assert "/login/" in response["Location"]
        else:
            # Acting "as" an organisation one may not speak for is refused by
            # the form (400, "Select a valid choice"); everything else 403/404.
            refused = {400, 403, 404} if obj.startswith("as_") else {403, 404}
            assert response.status_code in refused, response.status_code
        assert _state(world) == before, "a refused action changed something"


# The same policy, asked of the services directly (as the API and admin will).
SERVICE_CALLS: dict[str, Callable[[World, Any, str], Any]] = {
    "invite_to_organisation": lambda w, user, obj: services.invitation_create(
        by=user,
        email="s@example.org",
        role=Role.ORG_EDITOR,
        organisation=w.objects[obj],
        site_url="http://testserver/",
    ),
    "edit_organisation": lambda w, user, obj: services.organisation_update(
        organisation=w.objects[obj], by=user, short_name="SVC", kind="UNION", country="GB"
    ),
    "create_organisation": lambda w, user, obj: services.organisation_create(
        by=user, name="Service union", kind="UNION", country="GB"
    ),
    "campaign_settings": lambda w, user, obj: services.campaign_update(
        by=user, campaign=w.objects[obj], title="Service title", status="ACTIVE", quorum=1
    ),
    # Committing an organisation is its own admins' act, not a site admin's.
    "start_campaign": lambda w, user, obj: services.campaign_create(
        by=user, organisation=w.objects["org_a"], title="Service campaign"
    ),
    "ask_to_join": lambda w, user, obj: services.membership_request(
        by=user,
        campaign=w.objects["campaign_d"],
        organisation=w.objects["org_a"],
        endorses_common=True,
    ),
    "leave_campaign": lambda w, user, obj: services.membership_leave(
        by=user,
        membership=w.objects["campaign_c"].memberships.get(organisation=w.objects["org_a"]),
        notice="Service notice",
    ),
    "revoke_organisation_role": lambda w, user, obj: services.grant_revoke(
        grant=w.objects[obj], by=user
    ),
    "invite_to_campaign": lambda w, user, obj: services.invitation_create(
        by=user,
        email="s@example.org",
        role=Role.MODERATOR,
        campaign=w.objects[obj],
        site_url="http://testserver/",
    ),
    "revoke_campaign_role": lambda w, user, obj: services.grant_revoke(
        grant=w.objects[obj], by=user
    ),
    "reword_demand": lambda w, user, obj: services.demand_reword(
        by=user, demand=w.objects[obj], text="Reworded by service"
    ),
    "withdraw_demand": lambda w, user, obj: services.demand_withdraw(
        by=user, demand=w.objects[obj]
    ),
    "edit_statement": lambda w, user, obj: services.statement_edit(
        by=user, statement=w.objects[obj], title="Svc", body="Svc"
    ),
    "hide_item": lambda w, user, obj: services.item_hide(
        by=user, item=w.objects[obj], reason="Svc reason", site_url="http://testserver/"
    ),
    "lift_notice": lambda w, user, obj: services.notice_lift(by=user, notice=w.objects[obj]),
    "appeal_notice": lambda w, user, obj: services.notice_appeal(
        by=user, notice=w.objects[obj], text="Svc appeal"
    ),
    "correct_letter": lambda w, user, obj: services.correspondence_correct(
        by=user, correspondence=w.objects[obj], body="Svc"
    ),
    "edit_person": lambda w, user, obj: cases_services.person_save(
        by=user, person=w.objects[obj], source=w.objects[obj].source, name="Svc name"
    ),
    "verify_person": lambda w, user, obj: cases_services.person_verify(
        by=user, person=w.objects[obj]
    ),
    "edit_restricted": lambda w, user, obj: cases_services.restricted_save(
        by=user, person=w.objects[obj], family_contacts="Svc"
    ),
    "share_case": lambda w, user, obj: cases_services.case_share_grant(
        by=user, person=w.objects[obj], campaign=w.objects["campaign_d"], restricted=True
    ),
    "revoke_share": lambda w, user, obj: cases_services.case_share_revoke(
        by=user, share=w.objects[obj]
    ),
    "defend_person": lambda w, user, obj: cases_services.campaign_person_add(
        by=user,
        campaign=w.objects["campaign_d"],
        person=w.objects[obj],
    ),
}

SERVICE_CELLS = [
    pytest.param(actor, action, obj, id=f"{actor}-{action}-{obj}")
    for (action, obj) in ALLOWED
    if action in SERVICE_CALLS and not obj.endswith("_via_a") and not obj.endswith("_via_c")
    for actor in ACTORS
    if actor != "anonymous"
]


@pytest.mark.parametrize(("actor", "action", "obj"), SERVICE_CELLS)
def test_access_matrix_through_services(world: World, actor: str, action: str, obj: str) -> None:
    user = world.users[actor]
    before = _state(world)
    if actor in ALLOWED[(action, obj)]:
        SERVICE_CALLS[action](world, user, obj)
        assert _state(world) != before
    else:
        with pytest.raises((PermissionDenied, ValidationError)):
            SERVICE_CALLS[action](world, user, obj)
        assert _state(world) == before


def test_matrix_covers_every_role() -> None:
    """Each role that exists has an actor in the matrix."""
    held = {
        "ORG_EDITOR",
        "ORG_ADMIN",
        "TREASURER",
        "COORDINATOR",
        "MODERATOR",
        "DOCUMENTER",
        "CASE_TEAM",
        "SITE_ADMIN",
    }
    assert held == set(Role.values)

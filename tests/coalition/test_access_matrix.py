"""The access matrix: roles x objects x actions -> allowed or not.

The table below is the policy, kept as data. Every actor tries every action
on every object through the real pages (and, for writes, the real services);
an action not listed as allowed must answer 403 or 404 (or send an anonymous
visitor to sign in) and change nothing in any table, and a service refuses
with PermissionDenied, nothing else. Every named page of the coalition and
the register has a row (a test checks it). Later issues add their rows to
ALLOWED and their pages to ``_attempt``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, resolve

from habeas.actions import urls as actions_urls
from habeas.cases import services as cases_services
from habeas.cases import urls as cases_urls
from habeas.coalition import services
from habeas.coalition import urls as coalition_urls
from habeas.coalition.models import Invitation, Organisation, Role
from habeas.core import services as core_services
from habeas.core.models import Source
from habeas.fund import urls as fund_urls
from habeas.letters import urls as letters_urls
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

MATRIX_TOKEN = "matrix-invitation-token"

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
    ("translations", "campaign_c"): {"coordinator_c", "site_admin"},
    ("translations", "campaign_d"): {"coordinator_d", "site_admin"},
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
    # The hidden items of a campaign, listed for those who may show them again.
    ("moderation_queue", "campaign_c"): {"coordinator_c", "moderator_c", "site_admin"},
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
    ("open_person_form", "register"): {"documenter_c", "documenter_d"},
    # The import guide (the import itself is a console command): documenters alone.
    ("import_guide", "register"): {"documenter_c", "documenter_d"},
    # D's documenter is not offered campaign C on the form (400).
    ("record_person", "for_campaign_c"): {"documenter_c"},
    ("view_working_record", "person_in_c"): {"documenter_c"},
    ("edit_person", "person_in_c"): {"documenter_c"},
    ("set_photo", "person_in_c"): {"documenter_c"},
    ("add_arrest", "person_in_c"): {"documenter_c"},
    ("add_status", "detention_in_c"): {"documenter_c"},
    ("add_event", "detention_in_c"): {"documenter_c"},
    ("add_recognition", "person_in_c"): {"documenter_c"},
    ("verify_person", "person_in_c"): {"documenter_c"},
    ("review_queue", "person_in_c"): {"documenter_c"},
    # A proposed place of custody is confirmed (its postal address checked) by a
    # site admin or a coordinator of the proposer's campaign: never a documenter,
    # never another campaign's coordinator.
    ("facility_proposals", "site"): {"coordinator_c", "coordinator_d", "site_admin"},
    ("confirm_facility", "facility_proposed_by_c"): {"coordinator_c", "site_admin"},
    ("reject_facility", "facility_proposed_by_c"): {"coordinator_c", "site_admin"},
    ("view_restricted", "person_in_c"): {"case_team_c"},
    ("edit_restricted", "person_in_c"): {"case_team_c"},
    # C's coordinator shared shared_person's case work, restricted facts included, with D.
    ("view_working_record", "shared_person"): {"documenter_c", "documenter_d"},
    ("edit_person", "shared_person"): {"documenter_c", "documenter_d"},
    ("set_photo", "shared_person"): {"documenter_c", "documenter_d"},
    ("add_arrest", "shared_person"): {"documenter_c", "documenter_d"},
    ("add_status", "detention_of_shared"): {"documenter_c", "documenter_d"},
    ("add_event", "detention_of_shared"): {"documenter_c", "documenter_d"},
    ("add_recognition", "shared_person"): {"documenter_c", "documenter_d"},
    ("verify_person", "shared_person"): {"documenter_c", "documenter_d"},
    ("review_queue", "shared_person"): {"documenter_c", "documenter_d"},
    ("view_restricted", "shared_person"): {"case_team_c", "case_team_d"},
    ("edit_restricted", "shared_person"): {"case_team_c", "case_team_d"},
    # Who verified and edited each version: the members who keep the case (the
    # owner's documenters and case team, and those it shares the case work with)
    # and the owner's coordinators. Not its moderators, not another campaign,
    # not an organisation's admins, not a site admin; public pages name no one.
    ("view_verifiers", "person_in_c"): {"documenter_c", "case_team_c", "coordinator_c"},
    ("view_verifiers", "shared_person"): {
        "documenter_c",
        "documenter_d",
        "case_team_c",
        "case_team_d",
        "coordinator_c",
    },
    # Sharing is the owning campaign's coordinator's word alone (not a site admin's,
    # not the grantee's); both campaigns' coordinators see the record of shares.
    ("share_case", "person_in_c"): {"coordinator_c"},
    ("revoke_share", "share_with_d"): {"coordinator_c"},
    ("view_shares", "campaign_c"): {"coordinator_c"},
    ("view_shares", "campaign_d"): {"coordinator_d"},
    # A campaign defends public records, and its own: never another's working record.
    ("defend_person", "published_person"): {"coordinator_d", "site_admin"},
    ("defend_person", "unpublished_person_of_c"): set(),
    ("stop_defending", "published_defended_by_d"): {"coordinator_d", "site_admin"},
    # The public register shows verified records and their history to anyone,
    # and answers 404 to everyone for a record not yet verified.
    ("view_public_record", "published_person"): set(ACTORS),
    ("view_public_record", "person_in_c"): set(),
    ("view_public_history", "published_person"): set(ACTORS),
    ("view_public_history", "person_in_c"): set(),
    ("view_my_roles", "self"): set(ACTORS) - {"anonymous"},
    # Public pages: anyone.
    ("view_register", "site"): set(ACTORS),
    ("view_statistics", "site"): set(ACTORS),
    ("export_csv", "site"): set(ACTORS),
    ("export_json", "site"): set(ACTORS),
    ("view_directory", "site"): set(ACTORS),
    ("view_campaign_history", "campaign_c"): set(ACTORS),
    ("view_letters", "site"): set(ACTORS),
    ("view_letter", "letter_of_a"): set(ACTORS),
    # The link is the credential: anyone holding it sees what it offers.
    ("view_invitation", "invitation_token"): set(ACTORS),
    # Organisations in a campaign, from both sides.
    ("invite_organisation", "campaign_c"): {"coordinator_c", "site_admin"},
    ("accept_membership", "invitation_of_a_to_d"): {"admin_a"},
    # Bringing organisations on board: a coordinator invites one with no one on
    # Habeas through a contact; the invited organisation's admins answer; the
    # coordinator may withdraw. Revoking asks first.
    ("invite_contact", "campaign_c"): {"coordinator_c", "site_admin"},
    ("invite_contact", "campaign_d"): {"coordinator_d", "site_admin"},
    ("answer_membership", "invitation_of_a_to_d"): {"admin_a"},
    ("decline_membership", "invitation_of_a_to_d"): {"admin_a"},
    ("withdraw_membership_invitation", "invitation_of_a_to_d"): {"coordinator_d", "site_admin"},
    ("confirm_revoke_organisation_role", "grant_in_a"): {"admin_a"},
    ("confirm_revoke_campaign_role", "grant_in_c"): {"coordinator_c", "site_admin"},
    ("confirm_revoke_campaign_role", "grant_in_d_via_c"): set(),
    ("reply_letter", "as_b"): {"editor_b", "admin_b"},
    ("hide_item", "position_of_a"): {"coordinator_c", "moderator_c", "site_admin"},
    # Publishing is verification's business: the owning campaign's documenter.
    ("publish", "person_in_c"): {"documenter_c"},
    ("publish_many", "person_in_c"): {"documenter_c"},
    # The archived copy is what readers check a citation against (the admin's
    # source page, which only site admins reach, calls it).
    ("archive_source", "source"): {"site_admin"},
    # Open letters: a letter is its authoring organisations' words (org_a wrote
    # both letters, in campaign C); a draft is theirs alone to read.
    ("write_open_letter", "as_a"): {"editor_a", "admin_a"},
    ("view_my_letters", "self"): set(ACTORS) - {"anonymous"},
    ("view_open_letter", "draft_letter_of_a"): {"editor_a", "admin_a"},
    ("edit_open_letter", "draft_letter_of_a"): {"editor_a", "admin_a"},
    ("publish_open_letter", "draft_letter_of_a"): {"editor_a", "admin_a"},
    ("close_open_letter", "open_letter_of_a"): {"editor_a", "admin_a"},
    ("endorse_open_letter", "as_b"): {"editor_b", "admin_b"},
    ("endorsement_requests", "open_letter_of_a"): {"coordinator_c"},
    ("decide_endorsement", "request_on_letter_of_a"): {"coordinator_c"},
    ("delivery_pack_pdf", "open_letter_of_a"): {"editor_a", "admin_a", "coordinator_c"},
    ("delivery_pack_csv", "open_letter_of_a"): {"editor_a", "admin_a", "coordinator_c"},
    # Signatures are moderated by the campaign's moderators, and by site
    # admins, who see abuse across campaigns; never by the letter's authors.
    ("moderate_signatures", "open_letter_of_a"): {"coordinator_c", "moderator_c", "site_admin"},
    ("invalidate_signatures", "open_letter_of_a"): {
        "coordinator_c",
        "moderator_c",
        "site_admin",
    },
    ("undo_invalidation", "invalidation_on_letter_of_a"): {
        "coordinator_c",
        "moderator_c",
        "site_admin",
    },
    # A visitor's pages: anyone, with or without an account.
    ("view_open_letters", "site"): set(ACTORS),
    ("view_open_letter", "open_letter_of_a"): set(ACTORS),
    ("view_signatories", "open_letter_of_a"): set(ACTORS),
    ("view_endorsements", "open_letter_of_a"): set(ACTORS),
    ("view_letter_count", "open_letter_of_a"): set(ACTORS),
    ("view_letter_badge", "open_letter_of_a"): set(ACTORS),
    ("view_sign_form", "open_letter_of_a"): set(ACTORS),
    ("view_signed", "open_letter_of_a"): set(ACTORS),
    ("sign_open_letter", "open_letter_of_a"): set(ACTORS),
    ("ask_to_endorse", "open_letter_of_a"): set(ACTORS),
    # The mailed link is the credential: anyone holding it may use it.
    ("confirm_signature", "pending_signature"): set(ACTORS),
    ("manage_signature", "confirmed_signature"): set(ACTORS),
    # Solidarity actions: an action is its organising organisations' own (org_a
    # organises one alone; org_a and org_b one together). No coordinator and no
    # site admin plans, edits or cancels it.
    ("view_my_actions", "self"): set(ACTORS) - {"anonymous"},
    ("organise_action", "as_a"): {"editor_a", "admin_a"},
    ("organise_action", "as_b"): {"editor_b", "admin_b"},
    ("edit_action", "action_of_a"): {"editor_a", "admin_a"},
    ("edit_action", "action_of_a_and_b"): {"editor_a", "admin_a", "editor_b", "admin_b"},
    ("cancel_action", "action_of_a"): {"editor_a", "admin_a"},
    ("mark_action_happened", "started_action_of_a"): {"editor_a", "admin_a"},
    # A visitor's pages: anyone, with or without an account.
    ("view_actions", "site"): set(ACTORS),
    ("view_actions_map", "site"): set(ACTORS),
    ("view_action", "action_of_a"): set(ACTORS),
    ("view_action_flyer", "action_of_a"): set(ACTORS),
    ("view_action_ics", "action_of_a"): set(ACTORS),
    ("view_campaign_actions_ics", "campaign_c"): set(ACTORS),
    ("view_placards", "campaign_c"): set(ACTORS),
    ("view_placard_pdf", "common_demand_of_c"): set(ACTORS),
    ("rsvp_action", "action_of_a"): set(ACTORS),
    # A report and its photos are their organisation's own: org_b reports on the
    # action it organised with org_a, but neither blurs nor withdraws the other's
    # photos (the anti-censorship rule), and no coordinator or site admin does.
    ("write_report", "happened_action_of_a_and_b_as_b"): {"editor_b", "admin_b"},
    ("add_photo", "report_of_a"): {"editor_a", "admin_a"},
    ("blur_photo", "photo_of_a"): {"editor_a", "admin_a"},
    ("withdraw_photo", "photo_of_a"): {"editor_a", "admin_a"},
    # The mailed link is the credential for one's own RSVP.
    ("manage_rsvp", "rsvp_to_action_of_a"): set(ACTORS),
    # The defence fund (campaign C's): its books are kept by the treasurers of its
    # member organisations (treasurer_a for org_a), each acting for their own
    # organisation alone; editors, coordinators and site admins touch no money.
    # A coordinator sets the goal, the approvals needed and the payment details.
    ("view_treasury", "fund_c"): {"treasurer_a"},
    ("view_fund_payments", "fund_c"): {"treasurer_a"},
    ("view_fund_entries", "fund_c"): {"treasurer_a"},
    ("view_fund_activity", "fund_c"): {"treasurer_a"},
    ("view_fund_accounts", "fund_c"): {"treasurer_a"},
    ("view_fund_rates", "fund_c"): {"treasurer_a"},
    ("view_fund_reconcile", "fund_c"): {"treasurer_a"},
    ("view_fund_pledges", "fund_c"): {"treasurer_a"},
    ("view_contribution_form", "fund_c"): {"treasurer_a"},
    ("view_payment_form", "fund_c"): {"treasurer_a"},
    ("view_transfer_form", "fund_c"): {"treasurer_a"},
    ("view_payment", "request_of_b"): {"treasurer_a"},
    ("view_receipt", "request_of_b"): {"treasurer_a"},
    ("record_contribution", "as_a"): {"treasurer_a"},
    # treasurer_a naming org_b as the organisation it acts for: nobody.
    ("record_contribution", "as_b"): set(),
    ("request_payment", "as_a"): {"treasurer_a"},
    ("approve_payment", "request_of_b"): {"treasurer_a"},
    ("approve_payment", "as_b_on_request_of_b"): set(),
    ("decline_payment", "request_of_b"): {"treasurer_a"},
    ("withdraw_payment", "request_of_a"): {"treasurer_a"},
    ("reverse_entry", "entry_of_c"): {"treasurer_a"},
    ("post_transfer", "as_a"): {"treasurer_a"},
    ("add_account", "as_a"): {"treasurer_a"},
    ("record_rate", "as_a"): {"treasurer_a"},
    ("reconcile_statement", "as_a"): {"treasurer_a"},
    ("mark_pledge_received", "confirmed_pledge"): {"treasurer_a"},
    ("fund_settings", "fund_c"): {"coordinator_c"},
    ("open_fund", "campaign_d"): {"coordinator_d"},
    # The fund's public pages, and pledging without an account: anyone.
    ("view_fund", "fund_c"): set(ACTORS),
    ("view_fund_csv", "fund_c"): set(ACTORS),
    ("view_pledge_form", "fund_c"): set(ACTORS),
    ("view_pledge_sent", "fund_c"): set(ACTORS),
    ("pledge", "fund_c"): set(ACTORS),
    # The mailed link is the credential for one's own pledge.
    ("confirm_pledge", "pending_pledge"): set(ACTORS),
    ("manage_pledge", "confirmed_pledge_to_cancel"): set(ACTORS),
}

# Actions with no page of their own (the page that calls them has its row).
SERVICE_ONLY = {"set_photo", "publish", "publish_many", "archive_source"}


@dataclass
class World:
    objects: dict[str, Any]
    users: dict[str, Any]


@pytest.fixture(scope="module")
def _world_of_the_module(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[World]:
    """The world, built once for the module inside a transaction that is rolled
    back when the module ends.

    Each test's own transaction (the ``db`` fixture) is a savepoint inside it, so
    whatever a cell writes is undone before the next cell starts, exactly as if
    the world had been built afresh; building it takes as long as a cell does.
    """
    files = tmp_path_factory.mktemp("matrix")
    # Photos and receipts are written where the run can throw them away.
    storages = {
        **django_settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(files / "private")},
        },
    }
    with (
        override_settings(MEDIA_ROOT=str(files / "media"), STORAGES=storages),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        built = _build_world()
        with django_db_blocker.block():
            yield built
        transaction.set_rollback(True)


@pytest.fixture
def world(_world_of_the_module: World, db: None) -> World:
    """The module's world, with model instances of this test's own: a cell that
    changes an instance's fields in memory leaves the next cell's copy as built."""
    built = _world_of_the_module
    return World(
        objects={key: copy.copy(value) for key, value in built.objects.items()},
        users={key: copy.copy(value) for key, value in built.users.items()},
    )


def _build_world() -> World:
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
    target["position_of_a"] = target["demand_of_a"].positions.get(organisation=org_a)
    CampaignMembership.objects.create(
        campaign=campaign_d, organisation=org_b, status="REQUESTED", created_at=timezone.now()
    )
    target["invitation_of_a_to_d"] = CampaignMembership.objects.create(
        campaign=campaign_d, organisation=org_a, status="INVITED", created_at=timezone.now()
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
    from habeas.cases.services.publishing import _publish_many

    target["published_person"] = Person.objects.create(
        name="Published person",
        slug="published-person",
        source=Source.objects.get(title="Matrix"),
        updated_by=inviter_for_person,
        campaign=campaign_c,
    )
    target["published_person"].campaigns.add(campaign_c)
    _publish_many(person_ids=[target["published_person"].pk], by=None)
    target["published_defended_by_d"] = Person.objects.create(
        name="Published, defended by D",
        slug="published-defended-by-d",
        source=Source.objects.get(title="Matrix"),
        updated_by=inviter_for_person,
        campaign=campaign_c,
    )
    target["published_defended_by_d"].campaigns.add(campaign_c, campaign_d)
    _publish_many(person_ids=[target["published_defended_by_d"].pk], by=None)
    from habeas.cases.models import Detention

    for key, person in (
        ("detention_in_c", "person_in_c"),
        ("detention_of_shared", "shared_person"),
    ):
        target[key] = Detention.objects.create(
            person=target[person], source=Source.objects.get(title="Matrix")
        )
    from habeas.cases.models import Facility

    target["facility_proposed_by_c"] = Facility.objects.create(
        name="Proposed jail",
        region="Matrix region",
        postal_address="1 Unchecked Road",
        proposed_by=users["documenter_c"],
        proposed_at=timezone.now(),
    )
    target["invitation_token"] = Invitation.objects.create(
        email="token@example.org",
        role=Role.DOCUMENTER,
        campaign=campaign_c,
        token_sha256=services.token_digest(MATRIX_TOKEN),
        invited_by=users["coordinator_c"],
        expires_at="2999-01-01T00:00:00Z",
    )
    target.update(_letters_world(campaign_c, org_a, users))
    target.update(_actions_world(campaign_c, org_a, org_b, users))
    target.update(_fund_world(campaign_c, org_a, org_b, users))
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
            "source": Source.objects.get(title="Matrix"),
            **target,
            **invitations,
        },
        users=users,
    )


def _letters_world(campaign: Any, org_a: Any, users: dict[str, Any]) -> dict[str, Any]:
    """Two letters by org_a in campaign C (a draft and an open one), a waiting
    endorsement request from outside Habeas, and a pending and a confirmed signature."""
    from django.utils import timezone

    from habeas.letters.addresses import address_key
    from habeas.letters.models import Endorsement, Letter, LetterText, Signature

    def letter(slug: str, status: str) -> Letter:
        made = Letter.objects.create(
            campaign=campaign,
            slug=slug,
            status=status,
            created_by=users["editor_a"],
            published_at=None if status == Letter.Status.DRAFT else timezone.now(),
        )
        made.authors.add(org_a)
        LetterText.objects.create(letter=made, language="en", title=slug, body="Free them.")
        return made

    draft = letter("draft-letter", Letter.Status.DRAFT)
    opened = letter("open-letter", Letter.Status.OPEN)

    def signature(email: str, status: str) -> Signature:
        return Signature.objects.create(
            letter=opened,
            name="Signer",
            email=email,
            email_key=address_key(email),
            email_domain="example.org",
            country="PK",
            language="en",
            status=status,
            confirmed_at=timezone.now() if status == Signature.Status.CONFIRMED else None,
        )

    from habeas.letters.models import SignatureInvalidation

    batch = SignatureInvalidation.objects.create(
        letter=opened,
        reason="A flood",
        email_domain="flood.example",
        created_by=users["site_admin"],
    )
    flood = signature("one@flood.example", Signature.Status.CONFIRMED)
    Signature.objects.filter(pk=flood.pk).update(invalidation=batch)
    return {
        "invalidation_on_letter_of_a": batch,
        "draft_letter_of_a": draft,
        "open_letter_of_a": opened,
        "request_on_letter_of_a": Endorsement.objects.create(
            letter=opened, name="A union branch", kind="UNION", contact_email="b@example.org"
        ),
        "pending_signature": signature("pending@example.org", Signature.Status.PENDING),
        "confirmed_signature": signature("confirmed@example.org", Signature.Status.CONFIRMED),
    }


def _actions_world(campaign: Any, org_a: Any, org_b: Any, users: dict[str, Any]) -> dict[str, Any]:
    """Actions in campaign C: one planned by org_a, one by org_a and org_b together,
    one of org_a's that has started; an RSVP with an address; a demand every member
    endorses (a common demand, printed on placards)."""
    import datetime

    from django.utils import timezone

    from habeas.actions.models import Action, Rsvp
    from habeas.coalition.models import Demand

    def action(title: str, starts_in: datetime.timedelta, *organisers: Any) -> Action:
        made = Action.objects.create(
            campaign=campaign,
            title=title,
            city="London",
            country="GB",
            starts_at=timezone.now() + starts_in,
            time_zone="Europe/London",
        )
        made.organisations.add(*organisers)
        return made

    of_a = action("A's vigil", datetime.timedelta(days=10), org_a)
    happened = action("A and B's march", -datetime.timedelta(days=2), org_a, org_b)
    Action.objects.filter(pk=happened.pk).update(status=Action.Status.HAPPENED)
    happened.refresh_from_db()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from habeas.actions.services.reports import photo_add, report_post
    from tests.actions.photo_files import plain_png

    report = report_post(
        action=happened, organisation=org_a, by=users["editor_a"], body="We marched."
    )
    photo = photo_add(
        report=report,
        by=users["editor_a"],
        upload=SimpleUploadedFile("march.png", plain_png()),
        caption="The march",
        alt_text="Marchers with placards",
        keep_original=False,
    )
    common = Demand.objects.create(campaign=campaign, proposed_by=org_a, text="Free them all")
    common.versions.create(number=1, text="Free them all")
    for organisation in (org_a, org_b):
        common.positions.create(organisation=organisation, stance="ENDORSES", version=1)
    return {
        "action_of_a": of_a,
        "action_of_a_and_b": action("A and B's rally", datetime.timedelta(days=12), org_a, org_b),
        "started_action_of_a": action("A's picket", -datetime.timedelta(hours=1), org_a),
        "rsvp_to_action_of_a": Rsvp.objects.create(
            action=of_a, name="Comrade", email="comrade@example.org", language="en"
        ),
        "common_demand_of_c": common,
        "happened_action_of_a_and_b_as_b": happened,
        "report_of_a": report,
        "photo_of_a": photo,
    }


def _fund_world(campaign: Any, org_a: Any, org_b: Any, users: dict[str, Any]) -> dict[str, Any]:
    """Campaign C's fund holding GBP 1,000 (no fund for D): a payment request by
    org_b (with a receipt) and one by org_a, each made by a treasurer who is not an
    actor; a pending pledge, and two confirmed ones."""
    import datetime

    from habeas.fund.models import Pledge
    from habeas.fund.services.contributions import contribution_record
    from habeas.fund.services.disbursements import disbursement_request
    from habeas.fund.services.setup import fund_create

    fund = fund_create(campaign=campaign, reporting_currency="GBP")
    other_a, treasurer_b = UserFactory(), UserFactory()
    grant(other_a, Role.TREASURER, organisation=org_a, campaign=campaign)
    grant(treasurer_b, Role.TREASURER, organisation=org_b, campaign=campaign)
    bank = fund.accounts.get(code="bank-gbp")
    legal = fund.accounts.get(code="legal-fees")
    contribution = contribution_record(
        fund=fund,
        by=treasurer_b,
        organisation=org_b,
        amount="1000",
        currency="GBP",
        account=bank,
        method="BANK_TRANSFER",
        received_on=datetime.date(2026, 1, 5),
    )

    def request(by: Any, organisation: Any, receipt: Any = None) -> Any:
        return disbursement_request(
            fund=fund,
            by=by,
            organisation=organisation,
            amount="10",
            currency="GBP",
            account=bank,
            category=legal,
            purpose="Court fees",
            receipt=receipt,
        )

    def pledge(status: str) -> Pledge:
        return Pledge.objects.create(
            fund=fund,
            amount_minor=500,
            currency="GBP",
            email=f"{status.lower()}@example.org",
            language="en",
            status=status,
        )

    return {
        "fund_c": fund,
        "entry_of_c": contribution.entry,
        "request_of_b": request(
            treasurer_b, org_b, SimpleUploadedFile("bill.pdf", b"%PDF-1.4 matrix receipt")
        ),
        "request_of_a": request(other_a, org_a),
        "pending_pledge": pledge(Pledge.Status.PENDING),
        "confirmed_pledge": pledge(Pledge.Status.CONFIRMED),
        "confirmed_pledge_to_cancel": pledge(Pledge.Status.CONFIRMED),
    }


# How a visitor's browser posts the forms of a page that carries no CSRF token.
SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


@dataclass(frozen=True)
class Attempt:
    method: str
    path: str
    data: dict[str, str] | None = None
    headers: dict[str, str] | None = None
    public: bool = False  # a public page: refused with 404, to anonymous visitors too
    # A list page open to every signed-in user: allowed means it shows this text,
    # refused means it answers 200 without it.
    shows: str = ""


# Tables a request writes whatever it does: the signed-in session.
NOT_STATE = {"sessions.session"}


@functools.cache
def _state_queries() -> tuple[tuple[str, str], ...]:
    """For each concrete model of every app but NOT_STATE: its label, and the SQL
    that reads all its rows in key order (written once; the ORM would compile
    the same query afresh twice per cell)."""
    queries = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.label_lower in NOT_STATE or meta.proxy or not meta.managed:
            continue
        # Only the models' own table and column names, quoted, go into the SQL.
        table = connection.ops.quote_name(meta.db_table)
        assert meta.pk is not None, meta.label
        assert meta.pk.column is not None, meta.label
        key = connection.ops.quote_name(meta.pk.column)
        queries.append((meta.label_lower, f"SELECT * FROM {table} ORDER BY {key}"))  # noqa: S608
    return tuple(queries)


def _state() -> dict[str, tuple[int, str]]:
    """Every table a refused action must leave as it was: its row count and a
    digest of every row's stored values, for each concrete model of every app."""
    state = {}
    with connection.cursor() as cursor:
        for label, sql in _state_queries():
            cursor.execute(sql)
            rows = cursor.fetchall()
            state[label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(label for label in after if before.get(label) != after[label])


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
            return Attempt(
                "post", f"/organisations/{slug}/members/{o[key].pk}/revoke/", {"confirmed": "yes"}
            )
        case "withdraw_invitation":
            key = {"invitation_in_a": "invitation_a", "invitation_in_b_via_a": "invitation_b"}[obj]
            return Attempt("post", f"/organisations/org-a/invitations/{o[key].pk}/withdraw/", {})
        case "coordinate":
            return Attempt("get", f"/campaigns/{campaign}/coordinate/")
        case "translations":
            return Attempt("get", f"/campaigns/{campaign}/coordinate/translations/")
        case "create_organisation":
            data = {"name": "A new union", "kind": Organisation.Kind.UNION, "country": "GB"}
            return Attempt("post", "/organisations/new/", data)
        case "campaign_settings":
            data = {
                "title": "Renamed campaign",
                "status": "ACTIVE",
                "quorum": "1",
                "title_ur": "نیا نام",
                "summary_ur": "خلاصہ",
            }
            return Attempt("post", f"/campaigns/{campaign}/coordinate/settings/", data)
        case "invite_to_campaign":
            data = {"email": "d@example.org", "role": Role.DOCUMENTER}
            return Attempt("post", f"/campaigns/{campaign}/coordinate/invite/", data)
        case "revoke_campaign_role":
            key = {"grant_in_c": "grant_in_c", "grant_in_d_via_c": "grant_in_d"}[obj]
            return Attempt(
                "post",
                f"/campaigns/campaign-c/coordinate/{o[key].pk}/revoke/",
                {"confirmed": "yes"},
            )
        case "confirm_revoke_organisation_role":
            return Attempt("get", f"/organisations/org-a/members/{o[obj].pk}/revoke/confirm/")
        case "confirm_revoke_campaign_role":
            key = {"grant_in_c": "grant_in_c", "grant_in_d_via_c": "grant_in_d"}[obj]
            return Attempt("get", f"/campaigns/campaign-c/coordinate/{o[key].pk}/revoke/confirm/")
        case "invite_contact":
            data = {
                "contact-organisation": o["orphan_org"].slug,
                "contact-email": "contact@example.org",
            }
            return Attempt("post", f"/campaigns/{campaign}/coordinate/invite-contact/", data)
        case "answer_membership":
            organisation_id = o[obj].organisation_id
            return Attempt("get", f"/campaigns/campaign-d/members/{organisation_id}/answer/")
        case "decline_membership":
            organisation_id = o[obj].organisation_id
            return Attempt("post", f"/campaigns/campaign-d/members/{organisation_id}/decline/", {})
        case "withdraw_membership_invitation":
            organisation_id = o[obj].organisation_id
            return Attempt(
                "post",
                f"/campaigns/campaign-d/members/{organisation_id}/withdraw-invitation/",
                {},
            )
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
            data = {
                "organisation": str(o["org_a"].pk),
                "title": "T",
                "body": "B",
                "title_ur": "عنوان",
                "body_ur": "متن",
            }
            return Attempt("post", "/campaigns/campaign-c/statements/new/", data)
        case "edit_statement":
            return Attempt(
                "post",
                f"/campaigns/campaign-c/statements/{o[obj].pk}/edit/",
                {"title": "Edited", "body": "Edited", "body_ur": "متن"},
            )
        case "withdraw_statement":
            return Attempt("post", f"/campaigns/campaign-c/statements/{o[obj].pk}/withdraw/", {})
        case "hide_item":
            kind = obj.split("_of_")[0]
            return Attempt(
                "post",
                f"/campaigns/campaign-c/hide/{kind}/{o[obj].pk}/",
                {"reason": "A stated reason"},
            )
        case "appeal_notice":
            return Attempt(
                "post", f"/campaigns/campaign-c/notices/{o[obj].pk}/appeal/", {"text": "We appeal"}
            )
        case "moderation_queue":
            return Attempt("get", f"/campaigns/{campaign}/moderation/")
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
        case "facility_proposals":
            return Attempt("get", "/register/facilities/")
        case "confirm_facility":
            data = {f"f{o[obj].pk}-postal_address": "1 Checked Road"}
            return Attempt("post", f"/register/facilities/{o[obj].pk}/confirm/", data)
        case "reject_facility":
            return Attempt("post", f"/register/facilities/{o[obj].pk}/reject/", {})
        case "open_person_form":
            return Attempt("get", "/register/working/new/")
        case "import_guide":
            return Attempt("get", "/register/import/")
        case "record_person":
            data = {
                "campaign": str(o["campaign_c"].pk),
                "name": "A new person",
                "gender": "UNKNOWN",
                "source_title": "S",
                "certainty": "REPORTED",
            }
            return Attempt("post", "/register/working/new/", data)
        case "add_arrest":
            data = {
                "arrested_on": "2025-05",
                "status": "DETAINED",
                "source_title": "S",
                "certainty": "REPORTED",
            }
            return Attempt("post", f"/register/working/{o[obj].pk}/arrest/", data)
        case "add_status":
            detention = o[obj]
            data = {
                "status": "ON_BAIL",
                "on": "2025",
                "source_title": "S",
                "certainty": "REPORTED",
            }
            return Attempt(
                "post",
                f"/register/working/{detention.person_id}/arrest/{detention.pk}/status/",
                data,
            )
        case "add_event":
            detention = o[obj]
            data = {
                "kind": "HEARING",
                "on": "2025-06-01",
                "description": "A hearing",
                "source_title": "S",
                "certainty": "REPORTED",
            }
            return Attempt(
                "post",
                f"/register/working/{detention.person_id}/arrest/{detention.pk}/event/",
                data,
            )
        case "add_recognition":
            data = {
                "organisation": str(o["org_b"].pk),
                "criterion": "Held for speech",
                "source_title": "S",
                "certainty": "REPORTED",
            }
            return Attempt("post", f"/register/working/{o[obj].pk}/recognition/", data)
        case "review_queue":
            return Attempt("get", "/register/review/", shows=o[obj].name)
        case "stop_defending":
            data = {"person": str(o[obj].pk), "action": "remove"}
            return Attempt("post", "/campaigns/campaign-d/persons/", data)
        case "view_register":
            return Attempt("get", "/register/", public=True)
        case "view_statistics":
            return Attempt("get", "/register/statistics/", public=True)
        case "export_csv":
            return Attempt("get", "/register/export.csv", public=True)
        case "export_json":
            return Attempt("get", "/register/export.json", public=True)
        case "view_directory":
            return Attempt("get", "/organisations/", public=True)
        case "view_campaign_history":
            return Attempt("get", f"/campaigns/{campaign}/history/", public=True)
        case "view_letters":
            return Attempt("get", "/correspondence/", public=True)
        case "view_letter":
            return Attempt("get", f"/correspondence/{o[obj].pk}/", public=True)
        case "view_invitation":
            return Attempt("get", f"/accounts/invitations/{MATRIX_TOKEN}/", public=True)
        case "invite_organisation":
            data = {"organisation": o["orphan_org"].slug}
            return Attempt("post", f"/campaigns/{campaign}/coordinate/invite-organisation/", data)
        case "accept_membership":
            membership = o[obj]
            return Attempt(
                "post",
                f"/campaigns/campaign-d/members/{membership.organisation_id}/accept/",
                {"endorses_common": "on"},
            )
        case "reply_letter":
            data = {
                "organisation": str(o["org_b"].pk),
                "subject": "Re: Hello",
                "body": "Our reply",
            }
            return Attempt("post", f"/correspondence/{o['letter_of_a'].pk}/reply/", data)
        case "view_working_record":
            return Attempt("get", f"/register/working/{o[obj].pk}/")
        case "edit_person":
            data = {
                "name": "Renamed",
                "gender": "UNKNOWN",
                "summary_ur": "نئی سوانح",
                "source_title": "S",
                "certainty": "REPORTED",
            }
            return Attempt("post", f"/register/working/{o[obj].pk}/edit/", data)
        case "verify_person":
            return Attempt("post", f"/register/working/{o[obj].pk}/verify/", {})
        case "view_restricted":
            return Attempt("get", f"/register/working/{o[obj].pk}/restricted/")
        case "view_verifiers":
            return Attempt("get", f"/register/working/{o[obj].pk}/history/")
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
    return _letters_attempt(action, obj, world)


def _letters_attempt(action: str, obj: str, world: World) -> Attempt:
    from habeas.letters import tokens

    o = world.objects
    slug = getattr(o.get(obj), "slug", "open-letter")
    text = {"title_en": "A title", "addressees_en": "To whom", "body_en": "The text."}
    match action:
        case "write_open_letter":
            data = {**text, "campaign": str(o["campaign_c"].pk), "authors": str(o["org_a"].pk)}
            return Attempt("post", "/letters/write/", data)
        case "view_my_letters":
            return Attempt("get", "/letters/mine/")
        case "view_open_letter":
            return Attempt("get", f"/letters/{slug}/", public=True)
        case "edit_open_letter":
            return Attempt("post", f"/letters/{slug}/edit/", text)
        case "publish_open_letter":
            return Attempt("post", f"/letters/{slug}/publish/", {})
        case "close_open_letter":
            return Attempt("post", f"/letters/{slug}/close/", {})
        case "endorse_open_letter":
            data = {"organisation": str(o["org_b"].pk), "action": "endorse"}
            return Attempt("post", "/letters/open-letter/endorse/", data)
        case "endorsement_requests":
            return Attempt("get", f"/letters/{slug}/endorsements/requests/")
        case "decide_endorsement":
            path = f"/letters/open-letter/endorsements/requests/{o[obj].pk}/"
            return Attempt("post", path, {"decision": "verify"})
        case "delivery_pack_pdf":
            return Attempt("get", f"/letters/{slug}/pack.pdf")
        case "delivery_pack_csv":
            return Attempt("get", f"/letters/{slug}/pack.csv")
        case "view_open_letters":
            return Attempt("get", "/letters/", public=True)
        case "view_signatories":
            return Attempt("get", f"/letters/{slug}/signatories/", public=True)
        case "view_endorsements":
            return Attempt("get", f"/letters/{slug}/endorsements/", public=True)
        case "view_letter_count":
            return Attempt("get", f"/letters/{slug}/count.json", public=True)
        case "view_letter_badge":
            return Attempt("get", f"/letters/{slug}/badge.svg", public=True)
        case "view_sign_form":
            return Attempt("get", f"/letters/{slug}/sign/", public=True)
        case "view_signed":
            return Attempt("get", f"/letters/{slug}/signed/", public=True)
        case "sign_open_letter":
            data = {"name": "A visitor", "email": "visitor@example.org", "country": "GB"}
            return Attempt("post", f"/letters/{slug}/sign/", data, headers=SAME_ORIGIN)
        case "ask_to_endorse":
            data = {
                "name": "A trades council",
                "kind": "UNION",
                "country": "GB",
                "signatory": "Its secretary",
                "signatory_role": "Secretary",
                "contact_email": "council@example.org",
            }
            return Attempt("post", f"/letters/{slug}/endorse/ask/", data, headers=SAME_ORIGIN)
        case "moderate_signatures":
            return Attempt("get", f"/letters/{slug}/moderate/")
        case "invalidate_signatures":
            data = {"email_domain": "example.org", "reason": "A flood", "step": "confirm"}
            return Attempt("post", f"/letters/{slug}/moderate/", data)
        case "undo_invalidation":
            return Attempt("post", f"/letters/open-letter/moderate/undo/{o[obj].pk}/", {})
        case "confirm_signature":
            token = tokens.confirm_token(o[obj])
            return Attempt("post", f"/letters/confirm/{token}/", {}, headers=SAME_ORIGIN)
        case "manage_signature":
            token = tokens.manage_token(o[obj])
            data = {"action": "withdraw"}
            return Attempt("post", f"/letters/signature/{token}/", data, headers=SAME_ORIGIN)
    return _actions_attempt(action, obj, world)


def _action_form(world: World, *organisations: str, title: str = "Matrix march") -> dict[str, Any]:
    o = world.objects
    return {
        "campaign": str(o["campaign_c"].pk),
        "organisations": [str(o[name].pk) for name in organisations],
        "title": title,
        "kind": "PROTEST",
        "city": "Berlin",
        "country": "DE",
        "time_zone": "Europe/Berlin",
        "starts_at": "2999-05-01T18:00",
        "ends_at": "2999-05-01T20:00",
    }


def _actions_attempt(action: str, obj: str, world: World) -> Attempt:
    from habeas.actions.tokens import rsvp_token

    o = world.objects
    pk = getattr(o.get(obj), "pk", 0)
    match action:
        case "view_my_actions":
            return Attempt("get", "/actions/mine/")
        case "organise_action":
            organiser = {"as_a": "org_a", "as_b": "org_b"}[obj]
            return Attempt("post", "/actions/new/", _action_form(world, organiser))
        case "edit_action":
            # Each editor ticks only their own organisations; on the shared
            # action none is ticked, which leaves the others organising it.
            organisers = [] if obj == "action_of_a_and_b" else ["org_a"]
            data = _action_form(world, *organisers, title="Renamed")
            del data["campaign"]
            return Attempt("post", f"/actions/{pk}/edit/", data)
        case "cancel_action":
            return Attempt("post", f"/actions/{pk}/cancel/", {"note": "Rain"})
        case "mark_action_happened":
            return Attempt("post", f"/actions/{pk}/happened/", {})
        case "view_actions":
            return Attempt("get", "/actions/", public=True)
        case "view_actions_map":
            return Attempt("get", "/actions/map/", public=True)
        case "view_action":
            return Attempt("get", f"/actions/{pk}/", public=True)
        case "view_action_flyer":
            return Attempt("get", f"/actions/{pk}/flyer/", public=True)
        case "view_action_ics":
            return Attempt("get", f"/actions/{pk}/action.ics", public=True)
        case "view_campaign_actions_ics":
            return Attempt("get", "/actions/campaign/campaign-c/actions.ics", public=True)
        case "view_placards":
            return Attempt("get", "/actions/placards/campaign-c/", public=True)
        case "view_placard_pdf":
            path = f"/actions/placards/campaign-c/{pk}-a4-portrait-en.pdf"
            return Attempt("get", path, public=True)
        case "rsvp_action":
            data = {"name": "", "email": ""}
            return Attempt("post", f"/actions/{pk}/rsvp/", data, headers=SAME_ORIGIN)
        case "manage_rsvp":
            token = rsvp_token(o[obj])
            return Attempt("post", f"/actions/rsvp/{token}/", {}, headers=SAME_ORIGIN)
        case "write_report":
            data = {"part": "report", "body": "We were there too."}
            return Attempt("post", f"/actions/{pk}/report/org-b/", data)
        case "add_photo":
            from django.core.files.uploadedfile import SimpleUploadedFile

            from tests.actions.photo_files import plain_png

            upload = SimpleUploadedFile("crowd.png", plain_png())
            data = {"part": "photo", "image": upload, "caption": "Crowd", "alt_text": "A crowd"}
            return Attempt("post", f"/actions/{o[obj].action_id}/report/org-a/", data)
        case "blur_photo":
            data = {
                "r0_x": "0",
                "r0_y": "0",
                "r0_width": "20",
                "r0_height": "20",
                "reason": "Faces of people at risk",
            }
            return Attempt("post", f"/actions/photos/{pk}/blur/", data)
        case "withdraw_photo":
            return Attempt("post", f"/actions/photos/{pk}/withdraw/", {"reason": "Wrong photo"})
    return _fund_attempt(action, obj, world)


def _fund_attempt(action: str, obj: str, world: World) -> Attempt:
    from habeas.fund import tokens

    o = world.objects
    books = "/fund/campaign-c/treasury/"
    as_org = str(o["org_b" if obj.startswith("as_b") else "org_a"].pk)
    pk = getattr(o.get(obj), "pk", 0)
    gbp = {"currency": "GBP"}
    match action:
        case "view_treasury":
            return Attempt("get", books)
        case "view_fund_payments":
            return Attempt("get", books + "payments/")
        case "view_fund_entries":
            return Attempt("get", books + "entries/")
        case "view_fund_activity":
            return Attempt("get", books + "activity/")
        case "view_fund_accounts":
            return Attempt("get", books + "accounts/")
        case "view_fund_rates":
            return Attempt("get", books + "rates/")
        case "view_fund_reconcile":
            return Attempt("get", books + "reconcile/")
        case "view_fund_pledges":
            return Attempt("get", books + "pledges/")
        case "view_contribution_form":
            return Attempt("get", books + "contributions/new/")
        case "view_payment_form":
            return Attempt("get", books + "payments/new/")
        case "view_transfer_form":
            return Attempt("get", books + "transfer/")
        case "view_payment":
            return Attempt("get", f"{books}payments/{pk}/")
        case "view_receipt":
            return Attempt("get", f"{books}payments/{pk}/receipt/")
        case "record_contribution":
            data = {
                "organisation": as_org,
                "amount": "25",
                "account": str(_fund_account(world, "bank-gbp").pk),
                "method": "CASH",
                "received_on": "2026-01-06",
                **gbp,
            }
            return Attempt("post", books + "contributions/new/", data)
        case "request_payment":
            data = {
                "organisation": as_org,
                "amount": "5",
                "account": str(_fund_account(world, "bank-gbp").pk),
                "category": str(_fund_account(world, "travel").pk),
                "purpose": "Train fares to the hearing",
                **gbp,
            }
            return Attempt("post", books + "payments/new/", data)
        case "approve_payment":
            request_pk = o["request_of_b"].pk
            return Attempt(
                "post", f"{books}payments/{request_pk}/approve/", {"organisation": as_org}
            )
        case "decline_payment":
            data = {"organisation": as_org, "reason": "Not agreed"}
            return Attempt("post", f"{books}payments/{pk}/decline/", data)
        case "withdraw_payment":
            data = {"organisation": as_org, "reason": "Not needed"}
            return Attempt("post", f"{books}payments/{pk}/withdraw/", data)
        case "reverse_entry":
            data = {"organisation": as_org, "reason": "Entered twice"}
            return Attempt("post", f"{books}entries/{pk}/reverse/", data)
        case "post_transfer":
            data = {
                "organisation": as_org,
                "booked_on": "2026-01-07",
                "description": "Cash withdrawn for travel",
                "line2_account": str(_fund_account(world, "bank-gbp").pk),
                "line2_currency": "GBP",
                "line2_credit": "20",
                "line1_account": str(_fund_account(world, "cash-gbp").pk),
                "line1_currency": "GBP",
                "line1_debit": "20",
            }
            return Attempt("post", books + "transfer/", data)
        case "add_account":
            data = {
                "organisation": as_org,
                "kind": "BANK",
                "name": "Karachi bank",
                "currency": "PKR",
            }
            return Attempt("post", books + "accounts/", data)
        case "record_rate":
            data = {
                "organisation": as_org,
                "rate": "0.0028",
                "source": "State Bank of Pakistan",
                "as_of": "2026-01-05",
                "currency": "PKR",
            }
            return Attempt("post", books + "rates/", data)
        case "reconcile_statement":
            statement = SimpleUploadedFile(
                "statement.csv", b"Date,Amount,Description\n2026-01-05,1000.00,Gift\n"
            )
            upload: dict[str, Any] = {
                "organisation": as_org,
                "account": str(_fund_account(world, "bank-gbp").pk),
                "statement": statement,
            }
            return Attempt("post", books + "reconcile/", upload)
        case "mark_pledge_received":
            data = {
                "organisation": as_org,
                "account": str(_fund_account(world, "bank-gbp").pk),
                "received_on": "2026-01-08",
                "amount": "5.00",
            }
            return Attempt("post", f"{books}pledges/{pk}/received/", data)
        case "fund_settings":
            data = {"goal": "5000", "approvals_required": "3", "how_to_pay": "Sort code 00-00-00"}
            return Attempt("post", "/fund/campaign-c/settings/", data)
        case "open_fund":
            return Attempt("post", "/fund/campaign-d/open/", {"reporting_currency": "EUR"})
        case "view_fund":
            return Attempt("get", "/fund/campaign-c/", public=True)
        case "view_fund_csv":
            return Attempt("get", "/fund/campaign-c/ledger.csv", public=True)
        case "view_pledge_form":
            return Attempt("get", "/fund/campaign-c/pledge/", public=True)
        case "view_pledge_sent":
            return Attempt("get", "/fund/campaign-c/pledge/sent/", public=True)
        case "pledge":
            data = {"amount": "15", "currency": "GBP", "email": "giver@example.org", "name": ""}
            return Attempt("post", "/fund/campaign-c/pledge/", data, headers=SAME_ORIGIN)
        case "confirm_pledge":
            token = tokens.confirm_token(o[obj])
            return Attempt("post", f"/fund/pledge/confirm/{token}/", {}, headers=SAME_ORIGIN)
        case "manage_pledge":
            token = tokens.manage_token(o[obj])
            return Attempt("post", f"/fund/pledge/manage/{token}/", {}, headers=SAME_ORIGIN)
    raise AssertionError(f"no attempt for {action}")


def _fund_account(world: World, code: str) -> Any:
    return world.objects["fund_c"].accounts.get(code=code)


CELLS = [
    pytest.param(actor, action, obj, id=f"{actor}-{action}-{obj}")
    for (action, obj) in ALLOWED
    if action not in SERVICE_ONLY
    for actor in ACTORS
]


@pytest.mark.parametrize(("actor", "action", "obj"), CELLS)
def test_access_matrix_through_pages(world: World, actor: str, action: str, obj: str) -> None:
    client = Client()
    if actor != "anonymous":
        sign_in(client, world.users[actor])
    attempt = _attempt(action, obj, world)
    before = _state()
    response = getattr(client, attempt.method)(
        attempt.path, attempt.data, **(attempt.headers or {})
    )
    allowed = actor in ALLOWED[(action, obj)]
    if allowed:
        assert response.status_code in {200, 302, 303}, response.status_code
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
            assert "/two-factor/" not in response["Location"]
        if attempt.shows:
            assert attempt.shows in response.content.decode()
        if attempt.method == "post":
            assert _state() != before, "an allowed write changed nothing"
    else:
        if attempt.public:
            assert response.status_code == 404, response.status_code
        elif actor == "anonymous":
            assert response.status_code == 302
            assert "/login/" in response["Location"]
        elif attempt.shows:
            assert response.status_code == 200, response.status_code
            assert attempt.shows not in response.content.decode()
        else:
            # Acting "as" or "for" an organisation or campaign one may not act for
            # is refused by the form (400, "Select a valid choice"); else 403/404.
            refused = {400, 403, 404} if obj.startswith(("as_", "for_")) else {403, 404}
            assert response.status_code in refused, response.status_code
        after = _state()
        assert after == before, f"a refused action changed {_changed(before, after)}"


def _named_patterns(module: Any) -> set[str]:
    return {
        f"{module.app_name}:{pattern.name}"
        for pattern in module.urlpatterns
        if isinstance(pattern, URLPattern) and pattern.name
    }


def test_every_page_has_a_row(world: World) -> None:
    """Each named page of the coalition, the register, letters and actions is tried by the matrix,
    so a new page without a row fails the suite."""
    tried = {
        resolve(_attempt(action, obj, world).path).view_name
        for (action, obj) in ALLOWED
        if action not in SERVICE_ONLY
    }
    pages = (
        _named_patterns(cases_urls)
        | _named_patterns(coalition_urls)
        | _named_patterns(letters_urls)
        | _named_patterns(actions_urls)
        | _named_patterns(fund_urls)
    )
    assert pages - tried == set()


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
        by=user,
        campaign=w.objects[obj],
        title="Service title",
        summary_ur="خلاصہ",
        status="ACTIVE",
        quorum=1,
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
        by=user, statement=w.objects[obj], title="Svc", body="Svc", body_ur="متن"
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
    "confirm_facility": lambda w, user, obj: cases_services.facility_confirm(
        by=user, facility=w.objects[obj], postal_address="1 Checked Road"
    ),
    "reject_facility": lambda w, user, obj: cases_services.facility_reject(
        by=user, facility=w.objects[obj]
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
    "stop_defending": lambda w, user, obj: cases_services.campaign_person_remove(
        by=user, campaign=w.objects["campaign_d"], person=w.objects[obj]
    ),
    "record_person": lambda w, user, obj: cases_services.person_save(
        by=user,
        source=w.objects["person_in_c"].source,
        campaign=w.objects["campaign_c"],
        name="Svc person",
    ),
    "archive_source": lambda w, user, obj: _archive(user, w.objects[obj]),
    "set_photo": lambda w, user, obj: cases_services.person_photo_set(
        by=user, person=w.objects[obj], photo=None, consent=True
    ),
    "add_arrest": lambda w, user, obj: cases_services.detention_add(
        by=user,
        person=w.objects[obj],
        source=w.objects[obj].source,
        arrested_on=None,
        arrested_precision="UNKNOWN",
        status="DETAINED",
    ),
    "add_status": lambda w, user, obj: cases_services.status_add(
        by=user,
        detention=w.objects[obj],
        status="ON_BAIL",
        on=None,
        precision="UNKNOWN",
        source=w.objects[obj].source,
    ),
    "add_event": lambda w, user, obj: cases_services.event_add(
        by=user,
        detention=w.objects[obj],
        source=w.objects[obj].source,
        kind="HEARING",
        precision="UNKNOWN",
        description="Svc hearing",
    ),
    "add_recognition": lambda w, user, obj: cases_services.recognition_save(
        by=user,
        person=w.objects[obj],
        organisation=w.objects["org_b"],
        source=w.objects[obj].source,
        since_on=None,
        criterion="Svc",
    ),
    "publish": lambda w, user, obj: cases_services.publish(by=user, person=w.objects[obj]),
    "publish_many": lambda w, user, obj: cases_services.publish_many(
        by=user, person_ids=[w.objects[obj].pk]
    ),
    "invite_treasurer": lambda w, user, obj: services.invitation_create(
        by=user,
        email="t@example.org",
        role=Role.TREASURER,
        organisation=w.objects[obj],
        campaign=w.objects["campaign_c"],
        site_url="http://testserver/",
    ),
    "revoke_treasurer": lambda w, user, obj: services.grant_revoke(grant=w.objects[obj], by=user),
    "withdraw_invitation": lambda w, user, obj: services.invitation_withdraw(
        by=user, invitation=w.objects["invitation_a"]
    ),
    "decide_join": lambda w, user, obj: services.membership_decide(
        by=user,
        membership=w.objects["campaign_d"].memberships.get(organisation=w.objects["org_b"]),
        approve=True,
    ),
    "invite_organisation": lambda w, user, obj: services.membership_invite(
        by=user, campaign=w.objects[obj], organisation=w.objects["orphan_org"]
    ),
    "accept_membership": lambda w, user, obj: services.membership_accept(
        by=user, membership=w.objects[obj], endorses_common=True
    ),
    "invite_contact": lambda w, user, obj: services.organisation_contact_invite(
        by=user,
        campaign=w.objects[obj],
        organisation=w.objects["orphan_org"],
        email="contact@example.org",
        site_url="http://testserver/",
    ),
    "decline_membership": lambda w, user, obj: services.membership_decline(
        by=user, membership=w.objects[obj]
    ),
    "withdraw_membership_invitation": lambda w, user, obj: services.membership_invitation_withdraw(
        by=user, membership=w.objects[obj]
    ),
    "propose_demand": lambda w, user, obj: services.demand_propose(
        by=user, campaign=w.objects["campaign_c"], organisation=w.objects["org_a"], text="Svc"
    ),
    "record_position": lambda w, user, obj: services.position_record(
        by=user,
        demand=w.objects["demand_of_b"],
        organisation=w.objects["org_a"],
        stance="DISAGREES",
        reason="Svc",
    ),
    "publish_statement": lambda w, user, obj: services.statement_publish(
        by=user,
        campaign=w.objects["campaign_c"],
        organisation=w.objects["org_a"],
        title="Svc",
        body="Svc",
        body_ur="متن",
    ),
    "withdraw_statement": lambda w, user, obj: services.statement_withdraw(
        by=user, statement=w.objects[obj]
    ),
    "publish_letter": lambda w, user, obj: services.correspondence_publish(
        by=user,
        organisation=w.objects["org_a"],
        to_organisation=w.objects["org_b"],
        subject="Svc",
        body="Svc",
    ),
    "reply_letter": lambda w, user, obj: services.correspondence_publish(
        by=user,
        organisation=w.objects["org_b"],
        in_reply_to=w.objects["letter_of_a"],
        subject="Svc",
        body="Svc",
    ),
}


def _letter_service(name: str) -> Callable[..., Any]:
    from habeas.letters.services import endorsements, letters, signing

    for module in (letters, endorsements, signing):
        if hasattr(module, name):
            found: Callable[..., Any] = getattr(module, name)
            return found
    raise AssertionError(name)


def _moderation_service(name: str) -> Callable[..., Any]:
    from habeas.letters.services import moderation

    found: Callable[..., Any] = getattr(moderation, name)
    return found


SERVICE_CALLS.update(
    {
        "write_open_letter": lambda w, user, obj: _letter_service("letter_create")(
            by=user,
            campaign=w.objects["campaign_c"],
            authors=[w.objects["org_a"]],
            texts={"en": ("Svc", "Svc", "Svc")},
        ),
        "edit_open_letter": lambda w, user, obj: _letter_service("letter_update")(
            by=user, letter=w.objects[obj], texts={"en": ("Svc", "Svc", "Svc")}
        ),
        "publish_open_letter": lambda w, user, obj: _letter_service("letter_publish")(
            by=user, letter=w.objects[obj]
        ),
        "close_open_letter": lambda w, user, obj: _letter_service("letter_close")(
            by=user, letter=w.objects[obj]
        ),
        "endorse_open_letter": lambda w, user, obj: _letter_service("endorsement_add")(
            by=user, letter=w.objects["open_letter_of_a"], organisation=w.objects["org_b"]
        ),
        "decide_endorsement": lambda w, user, obj: _letter_service("endorsement_decide")(
            by=user, endorsement=w.objects[obj], verify=True
        ),
        "invalidate_signatures": lambda w, user, obj: _moderation_service("signatures_invalidate")(
            by=user,
            letter=w.objects[obj],
            from_at=None,
            until_at=None,
            ip_hash="",
            email_domain="example.org",
            reason="Svc",
        ),
        "undo_invalidation": lambda w, user, obj: _moderation_service("invalidation_undo")(
            by=user, invalidation=w.objects[obj]
        ),
        # A visitor's acts take no account: the open letter, or the mailed
        # token the page checks, is what allows them.
        "sign_open_letter": lambda w, user, obj: _letter_service("signature_submit")(
            letter=w.objects[obj],
            facts=_letter_service("SignatureFacts")(
                name="Svc", email="svc@example.org", country="GB"
            ),
            ip_hash="fd00::1",
            started_at=None,
        ),
        "ask_to_endorse": lambda w, user, obj: _letter_service("endorsement_request")(
            letter=w.objects[obj],
            name="Svc council",
            kind="UNION",
            country="GB",
            signatory="Svc",
            signatory_role="Svc",
            contact_email="svc@example.org",
        ),
        "confirm_signature": lambda w, user, obj: _letter_service("signature_confirm")(
            signature=w.objects[obj]
        ),
        "manage_signature": lambda w, user, obj: _letter_service("signature_withdraw")(
            signature=w.objects[obj]
        ),
    }
)


def _actions_service(name: str) -> Callable[..., Any]:
    from habeas.actions.services import actions, reports, rsvps

    for module in (actions, rsvps, reports):
        if hasattr(module, name):
            found: Callable[..., Any] = getattr(module, name)
            return found
    raise AssertionError(name)


def _service_action_fields(w: World, *organisations: str) -> dict[str, Any]:
    import datetime

    starts = datetime.datetime(2999, 5, 1, 16, tzinfo=datetime.UTC)
    return {
        "organisations": [w.objects[name] for name in organisations],
        "title": "Svc march",
        "city": "Berlin",
        "country": "DE",
        "time_zone": "Europe/Berlin",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
    }


SERVICE_CALLS.update(
    {
        "organise_action": lambda w, user, obj: _actions_service("action_create")(
            by=user,
            campaign=w.objects["campaign_c"],
            **_service_action_fields(w, {"as_a": "org_a", "as_b": "org_b"}[obj]),
        ),
        "edit_action": lambda w, user, obj: _actions_service("action_edit")(
            by=user,
            action=w.objects[obj],
            **_service_action_fields(
                w, *(["org_a", "org_b"] if obj == "action_of_a_and_b" else ["org_a"])
            ),
        ),
        "cancel_action": lambda w, user, obj: _actions_service("action_cancel")(
            by=user, action=w.objects[obj], note="Svc"
        ),
        "mark_action_happened": lambda w, user, obj: _actions_service("action_mark_happened")(
            by=user, action=w.objects[obj]
        ),
        # A visitor's acts take no account: the action taking RSVPs, or the
        # mailed token the page checks, is what allows them.
        "rsvp_action": lambda w, user, obj: _actions_service("rsvp_submit")(
            action=w.objects[obj], name="", email="", language="en"
        ),
        "manage_rsvp": lambda w, user, obj: _actions_service("rsvp_cancel")(rsvp=w.objects[obj]),
        "write_report": lambda w, user, obj: _actions_service("report_post")(
            action=w.objects[obj], organisation=w.objects["org_b"], by=user, body="Svc"
        ),
        "add_photo": lambda w, user, obj: _actions_service("photo_add")(
            report=w.objects[obj],
            by=user,
            upload=_svc_png(),
            caption="Svc",
            alt_text="Svc",
            keep_original=False,
        ),
        "blur_photo": lambda w, user, obj: _actions_service("photo_blur")(
            photo=w.objects[obj],
            by=user,
            regions=[{"x": 0, "y": 0, "width": 20, "height": 20}],
            reason="Svc",
        ),
        "withdraw_photo": lambda w, user, obj: _actions_service("photo_withdraw")(
            photo=w.objects[obj], by=user, reason="Svc"
        ),
    }
)


def _fund_service(module: str, name: str) -> Callable[..., Any]:
    import importlib

    return getattr(importlib.import_module(f"habeas.fund.services.{module}"), name)  # type: ignore[no-any-return]


def _fund_org(w: World, obj: str) -> Any:
    return w.objects["org_b" if obj.startswith("as_b") else "org_a"]


def _fund_date() -> Any:
    import datetime

    return datetime.date(2026, 1, 6)


SERVICE_CALLS.update(
    {
        "record_contribution": lambda w, user, obj: _fund_service(
            "contributions", "contribution_record"
        )(
            fund=w.objects["fund_c"],
            by=user,
            organisation=_fund_org(w, obj),
            amount="25",
            currency="GBP",
            account=_fund_account(w, "bank-gbp"),
            method="CASH",
            received_on=_fund_date(),
        ),
        "request_payment": lambda w, user, obj: _fund_service(
            "disbursements", "disbursement_request"
        )(
            fund=w.objects["fund_c"],
            by=user,
            organisation=_fund_org(w, obj),
            amount="5",
            currency="GBP",
            account=_fund_account(w, "bank-gbp"),
            category=_fund_account(w, "travel"),
            purpose="Svc",
        ),
        "approve_payment": lambda w, user, obj: _fund_service(
            "disbursements", "disbursement_approve"
        )(disbursement=w.objects["request_of_b"], by=user, organisation=_fund_org(w, obj)),
        "decline_payment": lambda w, user, obj: _fund_service(
            "disbursements", "disbursement_decline"
        )(disbursement=w.objects[obj], by=user, organisation=_fund_org(w, obj), reason="Svc"),
        "withdraw_payment": lambda w, user, obj: _fund_service(
            "disbursements", "disbursement_withdraw"
        )(disbursement=w.objects[obj], by=user, organisation=_fund_org(w, obj)),
        "reverse_entry": lambda w, user, obj: _fund_service("ledger", "entry_reverse")(
            entry=w.objects[obj], by=user, organisation=_fund_org(w, obj), reason="Svc"
        ),
        "post_transfer": lambda w, user, obj: _fund_service("ledger", "transfer_post")(
            fund=w.objects["fund_c"],
            by=user,
            organisation=_fund_org(w, obj),
            booked_on=_fund_date(),
            description="Svc",
            lines=[
                (_fund_account(w, "bank-gbp"), "GBP", "", "20"),
                (_fund_account(w, "cash-gbp"), "GBP", "20", ""),
            ],
        ),
        "add_account": lambda w, user, obj: _fund_service("setup", "account_add")(
            fund=w.objects["fund_c"],
            by=user,
            organisation=_fund_org(w, obj),
            kind="BANK",
            name="Svc bank",
            currency="PKR",
        ),
        "record_rate": lambda w, user, obj: _fund_service("setup", "rate_record")(
            fund=w.objects["fund_c"],
            by=user,
            organisation=_fund_org(w, obj),
            currency="PKR",
            rate="0.0028",
            source="Svc",
            as_of=_fund_date(),
        ),
        "reconcile_statement": lambda w, user, obj: _fund_service(
            "reconcile", "statement_reconcile"
        )(
            fund=w.objects["fund_c"],
            by=user,
            organisation=_fund_org(w, obj),
            account=_fund_account(w, "bank-gbp"),
            data=b"Date,Amount\n2026-01-05,1000.00\n",
        ),
        "mark_pledge_received": lambda w, user, obj: _fund_service("pledges", "pledge_receive")(
            pledge=w.objects[obj],
            by=user,
            organisation=w.objects["org_a"],
            account=_fund_account(w, "bank-gbp"),
            received_on=_fund_date(),
        ),
        "fund_settings": lambda w, user, obj: _fund_service("setup", "fund_settings_change")(
            fund=w.objects[obj],
            by=user,
            goal="5000",
            approvals_required=3,
            how_to_pay="Svc",
            how_to_pay_ur="",
        ),
        "open_fund": lambda w, user, obj: _fund_service("setup", "fund_open")(
            campaign=w.objects[obj], by=user, reporting_currency="EUR"
        ),
        # A visitor's acts take no account: the mailed token the page checks is
        # what allows them.
        "pledge": lambda w, user, obj: _fund_service("pledges", "pledge_submit")(
            fund=w.objects[obj],
            amount="15",
            currency="GBP",
            name="",
            email="svc@example.org",
            name_public=False,
            language="en",
        ),
        "confirm_pledge": lambda w, user, obj: _fund_service("pledges", "pledge_confirm")(
            token=_fund_token("confirm_token", w.objects[obj])
        ),
        "manage_pledge": lambda w, user, obj: _fund_service("pledges", "pledge_cancel")(
            token=_fund_token("manage_token", w.objects[obj])
        ),
    }
)


def _fund_token(kind: str, pledge: Any) -> str:
    from habeas.fund import tokens

    return str(getattr(tokens, kind)(pledge))


def _svc_png() -> Any:
    from tests.actions.photo_files import plain_png

    return SimpleUploadedFile("svc.png", plain_png())


SERVICE_CELLS = [
    pytest.param(actor, action, obj, id=f"{actor}-{action}-{obj}")
    for (action, obj) in ALLOWED
    if action in SERVICE_CALLS and "_via_" not in obj
    for actor in ACTORS
]


def _archive(user: Any, source: Source) -> Source:
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        upload = SimpleUploadedFile("copy.txt", b"The copy as published.")
        return core_services.source_archive(by=user, source=source, upload=upload)


@pytest.mark.parametrize(("actor", "action", "obj"), SERVICE_CELLS)
def test_access_matrix_through_services(world: World, actor: str, action: str, obj: str) -> None:
    user = world.users.get(actor) or AnonymousUser()
    before = _state()
    if actor in ALLOWED[(action, obj)]:
        SERVICE_CALLS[action](world, user, obj)
        assert _state() != before
    else:
        with pytest.raises(PermissionDenied) as refused:
            SERVICE_CALLS[action](world, user, obj)
        assert refused.type is PermissionDenied
        after = _state()
        assert after == before, f"a refused call changed {_changed(before, after)}"


def test_every_write_is_asked_of_its_service(world: World) -> None:
    """Each write the matrix tries through a page is asked of its service too."""
    writes = {
        action
        for (action, obj) in ALLOWED
        if action not in SERVICE_ONLY and _attempt(action, obj, world).method == "post"
    }
    assert writes - SERVICE_CALLS.keys() == set()


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

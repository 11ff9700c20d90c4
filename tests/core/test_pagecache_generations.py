"""Which writes renew the public pages: every service that changes what the public sees
replaces the site generation on commit, those that change only signatories and counts
replace the counts generation, and private writes replace neither."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from habeas.cases import services as cases
from habeas.cases.models import Person
from habeas.coalition import services as coalition
from habeas.coalition.models import (
    Campaign,
    CampaignMembership,
    Correspondence,
    HiddenNotice,
    Invitation,
    Position,
    Role,
    RoleGrant,
    Statement,
)
from habeas.core import pagecache
from habeas.demo.loader import load_demo
from habeas.demo.models import DemoItem
from habeas.letters.models import Endorsement, Letter, Signature, SignatureCount
from habeas.letters.services import endorsements, moderation, privacy, signing, tally
from habeas.letters.services import letters as letter_services
from tests.core.pagecache_world import World, generations, make_world
from tests.factories import CampaignFactory, UserFactory, grant, sign_in
from tests.pages import forget_pages

pytestmark = pytest.mark.django_db

SITE_URL = "http://testserver"


@pytest.fixture
def world() -> Iterator[World]:
    forget_pages()
    yield make_world()
    forget_pages()


@dataclass(frozen=True)
class Write:
    """A write through a service, after some setup whose own renewals are not looked at."""

    run: Callable[[World], object]
    before: Callable[[World], Any] = lambda world: None


def _statement(world: World) -> Statement:
    return coalition.statement_publish(
        by=world.users["editor_a"],
        campaign=world.campaign,
        organisation=world.a,
        title="Our word",
        body="We stand together.",
    )


def _hidden(world: World) -> HiddenNotice:
    return coalition.item_hide(
        by=world.users["coordinator"],
        item=_statement(world),
        reason="It names a witness.",
        site_url=SITE_URL,
    )


def _draft(world: World) -> Campaign:
    return coalition.campaign_create(
        by=world.users["admin_a"],
        organisation=world.a,
        title="A campaign in preparation",
        status=Campaign.Status.DRAFT,
    )


def _requested(world: World) -> CampaignMembership:
    return coalition.membership_request(
        by=world.users["admin_c"],
        campaign=world.campaign,
        organisation=world.c,
        endorses_common=True,
    )


def _invited(world: World) -> CampaignMembership:
    return coalition.membership_invite(
        by=world.users["coordinator"], campaign=world.campaign, organisation=world.c
    )


def _left(world: World) -> CampaignMembership:
    """``b`` leaves the campaign; the public sees it among former members."""
    return coalition.membership_leave(
        by=world.users["admin_b"],
        membership=CampaignMembership.objects.get(organisation=world.b),
        notice="We leave for now.",
    )


def _person_of_another_campaign(world: World) -> Person:
    """A public person documented by another campaign, which ``world.campaign`` may defend."""
    other = CampaignFactory()
    doc3, doc4 = UserFactory(), UserFactory()
    grant(doc3, Role.DOCUMENTER, campaign=other)
    grant(doc4, Role.DOCUMENTER, campaign=other)
    person = cases.person_save(by=doc3, source=world.source, campaign=other, name="Asif Sakhi")
    cases.person_verify(by=doc4, person=person)
    return person


def _consented(world: World) -> Person:
    return cases.person_photo_set(
        by=world.users["doc1"], person=world.person, photo=None, consent=True
    )


def _confirmed(world: World) -> Signature:
    return signing.signature_confirm(signature=world.signature_submit("Amina Rahman"))


def _counted(world: World) -> Signature:
    signature = _confirmed(world)
    tally.tally_fold()
    return signature


def _invalidation(world: World) -> Any:
    return moderation.signatures_invalidate(
        by=world.users["coordinator"],
        letter=world.letter,
        from_at=None,
        until_at=None,
        ip_hash="fd00::1",
        email_domain="",
        reason="A flood from one address.",
    )


def _long_closed(world: World) -> Letter:
    """The world's letter, signed by a named signer and closed long ago."""
    _counted(world)
    letter = letter_services.letter_close(by=world.users["editor_a"], letter=world.letter)
    Letter.objects.filter(pk=letter.pk).update(
        closed_at=timezone.now() - privacy.ANONYMISE_AFTER - datetime.timedelta(days=1)
    )
    return letter


def _request(world: World) -> Endorsement:
    return endorsements.endorsement_request(
        letter=world.letter,
        name="Dockers of Rotterdam",
        kind="UNION",
        country="NL",
        signatory="J. de Vries",
        signatory_role="Secretary",
        contact_email="secretary@example.org",
    )


def _endorsed(world: World) -> Endorsement:
    return endorsements.endorsement_add(
        by=world.users["editor_b"], letter=world.letter, organisation=world.b
    )


def _draft_letter(world: World) -> Letter:
    return letter_services.letter_create(
        by=world.users["editor_a"],
        campaign=world.campaign,
        authors=[world.a],
        texts={"en": ("A draft", "Everyone", "Not yet.")},
    )


# Writes that change public pages: the site generation (and so the counts one) changes.
PUBLIC = {
    # Coalition.
    "campaign_create": Write(
        lambda w: coalition.campaign_create(
            by=w.users["admin_a"], organisation=w.a, title="A second campaign"
        )
    ),
    "campaign_update": Write(
        lambda w: coalition.campaign_update(
            by=w.users["coordinator"],
            campaign=w.campaign,
            title="Free them all, now",
            status=Campaign.Status.ACTIVE,
        )
    ),
    "campaign_update of a draft to active": Write(
        before=_draft,
        run=lambda w: coalition.campaign_update(
            by=w.users["admin_a"],
            campaign=Campaign.objects.get(title="A campaign in preparation"),
            title="A campaign in preparation",
            status=Campaign.Status.ACTIVE,
        ),
    ),
    "membership_decide approving": Write(
        before=_requested,
        run=lambda w: coalition.membership_decide(
            by=w.users["coordinator"],
            membership=CampaignMembership.objects.get(organisation=w.c),
            approve=True,
        ),
    ),
    "membership_accept": Write(
        before=_invited,
        run=lambda w: coalition.membership_accept(
            by=w.users["admin_c"],
            membership=CampaignMembership.objects.get(organisation=w.c),
            endorses_common=True,
        ),
    ),
    "membership_request of a former member": Write(
        before=_left,
        run=lambda w: coalition.membership_request(
            by=w.users["admin_b"], campaign=w.campaign, organisation=w.b, endorses_common=True
        ),
    ),
    "membership_invite of a former member": Write(
        before=_left,
        run=lambda w: coalition.membership_invite(
            by=w.users["coordinator"], campaign=w.campaign, organisation=w.b
        ),
    ),
    "membership_leave": Write(
        lambda w: coalition.membership_leave(
            by=w.users["admin_a"],
            membership=CampaignMembership.objects.get(organisation=w.a),
            notice="We leave to campaign on our own.",
        )
    ),
    "demand_propose": Write(
        lambda w: coalition.demand_propose(
            by=w.users["editor_b"], campaign=w.campaign, organisation=w.b, text="Bail for all"
        )
    ),
    "demand_reword": Write(
        lambda w: coalition.demand_reword(
            by=w.users["editor_a"], demand=w.demand, text="Release every prisoner today"
        )
    ),
    "demand_withdraw": Write(
        lambda w: coalition.demand_withdraw(by=w.users["editor_a"], demand=w.demand)
    ),
    "position_record": Write(
        lambda w: coalition.position_record(
            by=w.users["editor_b"],
            demand=w.demand,
            organisation=w.b,
            stance=Position.Stance.ENDORSES,
        )
    ),
    "statement_publish": Write(_statement),
    "statement_edit": Write(
        before=_statement,
        run=lambda w: coalition.statement_edit(
            by=w.users["editor_a"],
            statement=Statement.objects.get(),
            title="Our word, corrected",
            body="We stand together.",
        ),
    ),
    "statement_withdraw": Write(
        before=_statement,
        run=lambda w: coalition.statement_withdraw(
            by=w.users["editor_a"], statement=Statement.objects.get()
        ),
    ),
    "item_hide": Write(
        before=_statement,
        run=lambda w: coalition.item_hide(
            by=w.users["coordinator"],
            item=Statement.objects.get(),
            reason="It names a witness.",
            site_url=SITE_URL,
        ),
    ),
    "notice_appeal": Write(
        before=_hidden,
        run=lambda w: coalition.notice_appeal(
            by=w.users["editor_a"], notice=HiddenNotice.objects.get(), text="The name is public."
        ),
    ),
    "notice_lift": Write(
        before=_hidden,
        run=lambda w: coalition.notice_lift(
            by=w.users["coordinator"], notice=HiddenNotice.objects.get()
        ),
    ),
    "organisation_create": Write(
        lambda w: coalition.organisation_create(
            by=w.users["site_admin"], name="Lawyers Collective", kind="NGO"
        )
    ),
    "organisation_update": Write(
        lambda w: coalition.organisation_update(
            organisation=w.a,
            by=w.users["editor_a"],
            short_name="WU",
            kind="UNION",
            country="GB",
            description="Dockers and drivers.",
        )
    ),
    "correspondence_publish": Write(
        lambda w: coalition.correspondence_publish(
            by=w.users["editor_b"],
            organisation=w.b,
            to_organisation=w.a,
            subject="Re: the united front",
            body="Agreed.",
        )
    ),
    "correspondence_correct": Write(
        lambda w: coalition.correspondence_correct(
            by=w.users["editor_a"], correspondence=w.correspondence, body="Friday, not Thursday."
        )
    ),
    # Cases.
    "person_verify": Write(
        lambda w: cases.person_verify(by=w.users["doc2"], person=w.person_add("Asif Sakhi"))
    ),
    "publish": Write(lambda w: cases.publish(by=w.users["doc1"], person=w.person)),
    "publish_many": Write(
        lambda w: cases.publish_many(by=w.users["doc1"], person_ids=[w.person.pk])
    ),
    "campaign_person_add": Write(
        before=_person_of_another_campaign,
        run=lambda w: cases.campaign_person_add(
            by=w.users["coordinator"],
            campaign=w.campaign,
            person=Person.objects.get(name="Asif Sakhi"),
        ),
    ),
    "campaign_person_remove": Write(
        before=lambda w: cases.campaign_person_add(
            by=w.users["coordinator"], campaign=w.campaign, person=_person_of_another_campaign(w)
        ),
        run=lambda w: cases.campaign_person_remove(
            by=w.users["coordinator"],
            campaign=w.campaign,
            person=Person.objects.get(name="Asif Sakhi"),
        ),
    ),
    "person_photo_set withdrawing consent": Write(
        before=_consented,
        run=lambda w: cases.person_photo_set(
            by=w.users["doc1"],
            person=Person.objects.get(pk=w.person.pk),
            photo=None,
            consent=False,
        ),
    ),
    # Letters.
    "letter_publish": Write(
        before=_draft_letter,
        run=lambda w: letter_services.letter_publish(
            by=w.users["editor_a"], letter=Letter.objects.get(status=Letter.Status.DRAFT)
        ),
    ),
    "letter_close": Write(
        lambda w: letter_services.letter_close(by=w.users["editor_a"], letter=w.letter)
    ),
    "endorsement_add": Write(_endorsed),
    "endorsement_withdraw": Write(
        before=_endorsed,
        run=lambda w: endorsements.endorsement_withdraw(
            by=w.users["editor_b"], endorsement=Endorsement.objects.get()
        ),
    ),
    "endorsement_decide verifying": Write(
        before=_request,
        run=lambda w: endorsements.endorsement_decide(
            by=w.users["coordinator"], endorsement=Endorsement.objects.get(), verify=True
        ),
    ),
}

# Writes that change only the signatories and counts: the counts generation alone.
COUNTS = {
    "signature_confirm": Write(
        before=lambda w: w.signature_submit("Amina Rahman"),
        run=lambda w: signing.signature_confirm(signature=Signature.objects.get()),
    ),
    "signature_withdraw": Write(
        before=_counted,
        run=lambda w: signing.signature_withdraw(signature=Signature.objects.get()),
    ),
    "signer_erase": Write(
        before=_counted,
        run=lambda w: signing.signer_erase(signature=Signature.objects.get()),
    ),
    "tally_fold": Write(before=_confirmed, run=lambda w: tally.tally_fold()),
    "tally_reconcile repairing": Write(
        before=lambda w: (_counted(w), SignatureCount.objects.update(signatures=5)),
        run=lambda w: tally.tally_reconcile(),
    ),
    "signatures_invalidate": Write(before=_counted, run=_invalidation),
    "invalidation_undo": Write(
        before=lambda w: (_counted(w), _invalidation(w)),
        run=lambda w: moderation.invalidation_undo(
            by=w.users["coordinator"],
            invalidation=w.letter.invalidations.get(),
        ),
    ),
    "letters_anonymise": Write(before=_long_closed, run=lambda w: privacy.letters_anonymise()),
}

# Writes that change only what signed-in people see: no generation changes.
PRIVATE = {
    # Coalition: requests, invitations, grants, drafts.
    "campaign_create of a draft": Write(_draft),
    "campaign_update of a draft": Write(
        before=_draft,
        run=lambda w: coalition.campaign_update(
            by=w.users["admin_a"],
            campaign=Campaign.objects.get(title="A campaign in preparation"),
            title="A campaign still in preparation",
            status=Campaign.Status.DRAFT,
        ),
    ),
    "membership_request": Write(_requested),
    "membership_invite": Write(_invited),
    "membership_decide declining": Write(
        before=_requested,
        run=lambda w: coalition.membership_decide(
            by=w.users["coordinator"],
            membership=CampaignMembership.objects.get(organisation=w.c),
            approve=False,
        ),
    ),
    "invitation_create": Write(
        lambda w: coalition.invitation_create(
            by=w.users["admin_a"],
            email="new.editor@example.org",
            role=Role.ORG_EDITOR,
            organisation=w.a,
            site_url=SITE_URL,
        )
    ),
    "invitation_withdraw": Write(
        before=lambda w: coalition.invitation_create(
            by=w.users["admin_a"],
            email="new.editor@example.org",
            role=Role.ORG_EDITOR,
            organisation=w.a,
            site_url=SITE_URL,
        ),
        run=lambda w: coalition.invitation_withdraw(
            invitation=Invitation.objects.get(), by=w.users["admin_a"]
        ),
    ),
    "grant_create": Write(
        lambda w: coalition.grant_create(
            by=w.users["admin_a"], user=w.users["stranger"], role=Role.ORG_EDITOR, organisation=w.a
        )
    ),
    "grant_revoke": Write(
        lambda w: coalition.grant_revoke(
            grant=RoleGrant.objects.get(user=w.users["editor_a"]), by=w.users["admin_a"]
        )
    ),
    # Cases: the working record before verification, restricted facts, shares.
    "person_save of a public person": Write(
        lambda w: cases.person_save(
            by=w.users["doc1"], person=w.person, source=w.source, name="Salaar Fayyaz Ali"
        )
    ),
    "person_save of a new person": Write(lambda w: w.person_add("Asif Sakhi")),
    "detention_add": Write(
        lambda w: cases.detention_add(
            by=w.users["doc1"],
            person=w.person,
            source=w.source,
            arrested_on=None,
            arrested_precision="UNKNOWN",
            status="DETAINED",
        )
    ),
    "status_add": Write(
        lambda w: cases.status_add(
            by=w.users["doc1"],
            detention=w.person.detentions.get(),
            status="RELEASED",
            on=None,
            precision="UNKNOWN",
            source=w.source,
        )
    ),
    "event_add": Write(
        lambda w: cases.event_add(
            by=w.users["doc1"],
            detention=w.person.detentions.get(),
            source=w.source,
            kind="HEARING",
            precision="UNKNOWN",
            description="A hearing",
        )
    ),
    "recognition_save": Write(
        lambda w: cases.recognition_save(
            by=w.users["doc1"],
            person=w.person,
            organisation=w.a,
            source=w.source,
            since_on=None,
            criterion="Held for organising.",
        )
    ),
    "person_photo_set giving consent": Write(_consented),
    "restricted_save": Write(
        lambda w: cases.restricted_save(
            by=w.users["case_team"], person=w.person, family_contact="A brother"
        )
    ),
    "case_share_grant": Write(
        lambda w: cases.case_share_grant(
            by=w.users["coordinator"], person=w.person, campaign=CampaignFactory()
        )
    ),
    "source_for": Write(
        lambda w: cases.source_for(by=w.users["doc1"], title="A new report", publisher="Dawn")
    ),
    # Letters: drafts, pending signatures and requests, what no one sees.
    "letter_create": Write(_draft_letter),
    "letter_update": Write(
        before=_draft_letter,
        run=lambda w: letter_services.letter_update(
            by=w.users["editor_a"],
            letter=Letter.objects.get(status=Letter.Status.DRAFT),
            texts={"en": ("A draft, reworded", "Everyone", "Not yet.")},
        ),
    ),
    "signature_submit": Write(lambda w: w.signature_submit("Amina Rahman")),
    "endorsement_request": Write(_request),
    "endorsement_decide rejecting": Write(
        before=_request,
        run=lambda w: endorsements.endorsement_decide(
            by=w.users["coordinator"], endorsement=Endorsement.objects.get(), verify=False
        ),
    ),
    "tally_fold with nothing to count": Write(
        before=lambda w: w.signature_submit("Amina Rahman"), run=lambda w: tally.tally_fold()
    ),
    "tally_reconcile finding nothing": Write(
        before=_counted, run=lambda w: tally.tally_reconcile()
    ),
    "unconfirmed_expire": Write(
        before=lambda w: w.signature_submit("Amina Rahman"),
        run=lambda w: privacy.unconfirmed_expire(
            timezone.now() + privacy.UNCONFIRMED_FOR + datetime.timedelta(minutes=1)
        ),
    ),
    "addresses_forget": Write(
        before=_counted,
        run=lambda w: privacy.addresses_forget(
            timezone.now() + privacy.ADDRESSES_FOR + datetime.timedelta(minutes=1)
        ),
    ),
}


def _generations_around(
    world: World, write: Write, capture: Any
) -> tuple[dict[str, str], dict[str, str]]:
    with capture(execute=True):
        write.before(world)
    before = generations()
    with capture(execute=True):
        write.run(world)
    return before, generations()


@pytest.mark.parametrize("name", PUBLIC)
def test_a_public_write_renews_every_public_page(
    world: World, name: str, django_capture_on_commit_callbacks: Any
) -> None:
    """A write that changes what the public sees replaces the site generation once its
    transaction commits (and with it the counts one)."""
    before, after = _generations_around(world, PUBLIC[name], django_capture_on_commit_callbacks)
    assert after[pagecache.SITE] != before[pagecache.SITE]
    assert after[pagecache.COUNTS] != before[pagecache.COUNTS]


@pytest.mark.parametrize("name", COUNTS)
def test_a_change_of_signatories_or_counts_renews_only_the_pages_that_show_them(
    world: World, name: str, django_capture_on_commit_callbacks: Any
) -> None:
    """Signatures and their tally replace the counts generation only: the register, the
    campaigns and the organisations stay in the cache."""
    before, after = _generations_around(world, COUNTS[name], django_capture_on_commit_callbacks)
    assert after[pagecache.COUNTS] != before[pagecache.COUNTS]
    assert after[pagecache.SITE] == before[pagecache.SITE]


@pytest.mark.parametrize("name", PRIVATE)
def test_a_private_write_renews_nothing(
    world: World, name: str, django_capture_on_commit_callbacks: Any
) -> None:
    """A write that changes only what signed-in organisers see leaves every kept page."""
    before, after = _generations_around(world, PRIVATE[name], django_capture_on_commit_callbacks)
    assert after == before


def test_a_write_renews_at_once_and_again_when_it_commits(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The generation changes at the write, so the same connection sees the change, and
    again on commit, so a page another reader rendered from the old data meanwhile,
    and stored under the first new generation, is retired."""
    before = generations()
    with django_capture_on_commit_callbacks(execute=True):
        coalition.demand_propose(
            by=world.users["editor_b"], campaign=world.campaign, organisation=world.b, text="Bail"
        )
        during = generations()
        assert during["site"] != before["site"]
    after = generations()
    assert after["site"] not in (before["site"], during["site"])


HEADER = (
    "external_id,name,name_ur,home_region,campaign,arrested_on,place,status,charges,source_title\n"
)


def test_an_import_renews_every_public_page(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """Records an import publishes renew the public pages when they become public."""
    path = tmp_path / "cases.csv"
    path.write_text(
        HEADER + f"p1,Ali Raza,,Gilgit,{world.campaign.slug},2025-05,Gilgit,DETAINED,,Report A\n"
    )
    before = generations()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "import-cases",
            str(path),
            "--as",
            "doc1",
            "--publish-as",
            "doc2",
            "--no-progress",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert generations()[pagecache.SITE] != before[pagecache.SITE]


def test_loading_the_demo_renews_every_public_page_once(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    """`habeas demo` writes straight to the tables, so it renews the pages itself; a
    second run, which changes nothing, renews nothing."""
    forget_pages()
    before = generations()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    loaded = generations()
    assert loaded[pagecache.SITE] != before[pagecache.SITE]
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    assert generations() == loaded
    # A run that adds only the letter between organisations (one the demo never
    # created) publishes no person.
    Correspondence.objects.all().delete()
    DemoItem.objects.filter(key="correspondence").delete()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    assert generations()[pagecache.SITE] != loaded[pagecache.SITE]


def test_a_change_in_the_admin_renews_every_public_page(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """A site admin's change to a facility, which the person page shows as where to
    write, reaches the visitors' page at once."""
    from habeas.cases.models import Facility

    # A facility a site admin made (confirmed), as every one before proposals was.
    facility = Facility.objects.create(
        name="Gilgit District Jail", postal_address="", confirmed_at=timezone.now()
    )
    detention = world.person.detentions.get()
    detention.facility = facility
    detention.save(update_fields=["facility"])
    with django_capture_on_commit_callbacks(execute=True):
        cases.publish(by=world.users["doc1"], person=world.person)
    path = f"/register/{world.person.slug}/"
    assert "Jail Road" not in Client().get(path).content.decode()
    admin = sign_in(Client(), world.users["site_admin"])
    before = generations()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/admin/cases/facility/{facility.pk}/change/",
            {
                "name": facility.name,
                "kind": facility.kind,
                "region": "",
                "postal_address": "Jail Road, Gilgit",
                "letters_accepted": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert generations()[pagecache.SITE] != before[pagecache.SITE]
    assert "Jail Road, Gilgit" in Client().get(path).content.decode()


def test_a_bulk_delete_in_the_admin_renews_every_public_page(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Deleting several rows at once in the admin (which logs them with bulk_create,
    sending no post_save) renews the pages too."""
    from habeas.core.models import Source

    sources = [Source.objects.create(title=f"Report {n}") for n in range(2)]
    admin = sign_in(Client(), world.users["site_admin"])
    before = generations()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/admin/core/source/",
            {
                "action": "delete_selected",
                "_selected_action": [str(source.pk) for source in sources],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert not Source.objects.filter(pk__in=[s.pk for s in sources]).exists()
    assert generations()[pagecache.SITE] != before[pagecache.SITE]


def test_reading_the_admin_renews_nothing(world: World) -> None:
    """Only a write in the admin renews the pages; looking round it does not."""
    admin = sign_in(Client(), world.users["site_admin"])
    before = generations()
    assert admin.get("/admin/core/source/").status_code == 200
    assert generations() == before

"""The Django admin shows coalition content read-only: no one edits an organisation's words."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from habeas.coalition import services
from habeas.coalition.admin import site
from habeas.coalition.models import Campaign, Correspondence, Invitation, Organisation, Role
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db


def _coalition_models() -> list[type[models.Model]]:
    return [model for model in site._registry if model._meta.app_label == "coalition"]


def _every_coalition_row() -> None:
    """At least one row of every coalition model, written as the pages write them."""
    campaign = CampaignFactory(slug="free-them", title="Free them")
    a = OrganisationFactory(slug="org-a", name="Alpha League")
    b = OrganisationFactory(slug="org-b", name="Beta Committee")
    founder, admin_b, coordinator = UserFactory(), UserFactory(), UserFactory()
    grant(founder, Role.ORG_ADMIN, organisation=a)
    grant(admin_b, Role.ORG_ADMIN, organisation=b)
    grant(coordinator, Role.COORDINATOR, campaign=campaign)
    for organisation in (a, b):
        campaign.memberships.create(
            organisation=organisation, status="ACTIVE", joined_at=timezone.now()
        )
    services.organisation_update(
        organisation=a, by=founder, short_name="AL", kind="PARTY", country="PK"
    )
    demand = services.demand_propose(by=founder, campaign=campaign, organisation=a, text="Free")
    services.demand_reword(by=founder, demand=demand, text="Free them all")
    statement = services.statement_publish(
        by=founder, campaign=campaign, organisation=a, title="Our word", body="Text"
    )
    notice = services.item_hide(
        by=coordinator, item=statement, reason="A stated reason", site_url="http://testserver/"
    )
    services.notice_appeal(by=founder, notice=notice, text="We appeal")
    letter = services.correspondence_publish(
        by=founder, organisation=a, subject="Hello", body="Text", to_organisation=b
    )
    services.correspondence_correct(by=founder, correspondence=letter, body="A correction")
    services.membership_request(
        by=admin_b,
        campaign=CampaignFactory(slug="other"),
        organisation=b,
        endorses_common=True,
    )
    Invitation.objects.create(
        email="new@example.org",
        role=Role.ORG_EDITOR,
        organisation=a,
        token_sha256="0" * 64,
        invited_by=founder,
        expires_at=timezone.now() + timedelta(days=1),
    )


def _snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every coalition model (and every account), field by field."""
    tables = [*apps.get_app_config("coalition").get_models(), apps.get_model("accounts", "User")]
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values()) for model in tables
    }


def _post_data(model: type[models.Model], obj: models.Model) -> dict[str, str]:
    """A plausible change form: every field of the row, with its free text rewritten."""
    data: dict[str, str] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        value = field.value_from_object(obj)
        if isinstance(field, models.CharField | models.TextField) and not field.choices:
            value = "REWRITTEN BY A SITE ADMIN"
        data[field.name] = "" if value is None else str(value)
    return data


def test_every_change_delete_and_add_url_of_the_admin_is_refused_to_a_site_admin() -> None:
    """A verified site admin sees every coalition model but adds, changes and deletes nothing."""
    _every_coalition_row()
    admin_user = UserFactory()
    grant(admin_user, Role.SITE_ADMIN)
    client = sign_in(Client(), admin_user)
    registered = _coalition_models()
    # Every coalition model is in the admin (read-only), so none escapes this test.
    assert set(registered) == set(apps.get_app_config("coalition").get_models())
    before = _snapshot()
    for model in registered:
        info = (model._meta.app_label, model._meta.model_name)
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"add a {model.__name__} to _every_coalition_row"
        changelist = reverse("admin:{}_{}_changelist".format(*info), current_app=site.name)
        add = reverse("admin:{}_{}_add".format(*info), current_app=site.name)
        change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        delete = reverse("admin:{}_{}_delete".format(*info), args=[obj.pk])
        data = _post_data(model, obj)

        listing = client.get(changelist)
        assert listing.status_code == 200, (model, listing.status_code)
        assert b"delete_selected" not in listing.content
        assert b'name="action"' not in listing.content
        shown = client.get(change)
        assert shown.status_code == 200, (model, shown.status_code)
        assert b'name="_save"' not in shown.content, model
        assert b"deletelink" not in shown.content, model

        assert client.get(add).status_code == 403, model
        assert client.post(add, data).status_code == 403, model
        assert client.post(change, data).status_code == 403, model
        assert client.post(change, {**data, "_save": "Save"}).status_code == 403, model
        assert client.get(delete).status_code == 403, model
        assert client.post(delete, {"post": "yes"}).status_code == 403, model
        bulk = {"action": "delete_selected", "_selected_action": [str(obj.pk)], "post": "yes"}
        assert client.post(changelist, {**bulk, "index": "0"}).status_code in {200, 302}, model
    assert _snapshot() == before


def test_the_admin_still_needs_a_verified_site_admin() -> None:
    """A coordinator, or a site admin without a second factor, cannot even look."""
    campaign = CampaignFactory()
    coordinator, unverified = UserFactory(), UserFactory()
    grant(coordinator, Role.COORDINATOR, campaign=campaign)
    grant(unverified, Role.SITE_ADMIN)
    url = reverse("admin:coalition_campaign_change", args=[campaign.pk])
    assert sign_in(Client(), coordinator).get(url).status_code == 403
    response = sign_in(Client(), unverified, verified=False).get(url)
    assert response.status_code == 302
    assert "/two-factor/" in response["Location"]
    assert Campaign.objects.get(pk=campaign.pk).title == campaign.title
    assert not Correspondence.objects.exists()


def test_a_profile_change_leaves_a_public_trace() -> None:
    """An editor's change of short name and words is kept, and the page shows the earlier one."""
    organisation = OrganisationFactory(
        slug="org-a", name="Alpha League", short_name="OLD-SHORT-NAME", description="OLD WORDS"
    )
    editor = UserFactory()
    grant(editor, Role.ORG_EDITOR, organisation=organisation)
    response = sign_in(Client(), editor).post(
        "/organisations/org-a/edit/",
        {"short_name": "AL", "kind": "PARTY", "country": "PK", "description": "New words"},
    )
    assert response.status_code == 302
    page = Client().get("/organisations/org-a/").content.decode()
    assert "New words" in page
    assert "OLD-SHORT-NAME" in page
    assert "OLD WORDS" in page
    versions = list(organisation.versions.order_by("number"))
    assert [(v.number, v.short_name, v.created_by) for v in versions] == [
        (1, "OLD-SHORT-NAME", None),
        (2, "AL", editor),
    ]
    # Saving the same profile again adds no version.
    sign_in(Client(), editor).post(
        "/organisations/org-a/edit/",
        {"short_name": "AL", "kind": "PARTY", "country": "PK", "description": "New words"},
    )
    assert organisation.versions.count() == 2


def test_a_site_admin_registers_an_organisation_but_does_not_edit_it() -> None:
    """Registering writes version 1; the profile page then refuses the site admin (403)."""
    admin_user = UserFactory()
    grant(admin_user, Role.SITE_ADMIN)
    client = sign_in(Client(), admin_user)
    response = client.post(
        "/organisations/new/", {"name": "Workers Union", "kind": "UNION", "country": "gb"}
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Workers Union")
    assert response["Location"].endswith(f"/organisations/{organisation.slug}/members/")
    assert organisation.country == "GB"
    assert organisation.versions.count() == 1
    refused = client.post(
        f"/organisations/{organisation.slug}/edit/",
        {"short_name": "WU", "kind": "UNION", "country": "GB", "description": "Not ours"},
    )
    assert refused.status_code == 403
    organisation.refresh_from_db()
    assert (organisation.short_name, organisation.description) == ("", "")
    assert organisation.versions.count() == 1


def test_a_site_admin_invites_an_organisations_first_admin_and_then_steps_back() -> None:
    """Once the organisation has an admin, the site admin cannot place anyone in it (403)."""
    site_admin = UserFactory()
    grant(site_admin, Role.SITE_ADMIN)
    client = sign_in(Client(), site_admin)
    client.post("/organisations/new/", {"name": "Workers Union", "kind": "UNION"})
    organisation = Organisation.objects.get(name="Workers Union")
    members = f"/organisations/{organisation.slug}/members/"
    first = client.post(members + "invite/", {"email": "first@example.org", "role": "ORG_ADMIN"})
    assert first.status_code == 302
    assert Invitation.objects.filter(organisation=organisation).count() == 1
    grant(UserFactory(), Role.ORG_ADMIN, organisation=organisation)  # the invitation accepted
    assert client.get(members).status_code == 403
    self_invite = client.post(
        members + "invite/", {"email": site_admin.email, "role": "ORG_EDITOR"}
    )
    assert self_invite.status_code == 403
    assert Invitation.objects.filter(organisation=organisation).count() == 1

"""List pages take a fixed number of queries, however many rows they list.

Each page is read with N rows and with 3N: the counts must be equal (no
query per row), and equal to the number written here, so a new query on a
list page is a decision someone makes in this file.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from habeas.coalition import services
from habeas.coalition.models import (
    CampaignMembership,
    Correspondence,
    CorrespondenceCorrection,
    Invitation,
    Role,
)
from habeas.core.models import Source
from tests.core.test_bounded_pages import _defend
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in
from tests.pages import forget_pages, page_queries

pytestmark = pytest.mark.django_db

N = 4


def _queries(client: Client, path: str, shows: str) -> int:
    """How many queries ``path`` takes, rendered afresh (past the public-page cache,
    whose reads are not the page's); the page must show ``shows``, the last row added."""
    cache.clear()
    forget_pages()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    assert shows in response.content.decode()
    return len(page_queries(queries.captured_queries))


def _counts(client: Client, path: str, add: Callable[[int, int], str]) -> tuple[int, int]:
    """Queries for ``path`` with rows ``0..N-1``, then with ``0..3N-1``; ``add``
    writes rows and returns a text its last row shows."""
    few = _queries(client, path, add(0, N))
    return few, _queries(client, path, add(N, 3 * N))


def test_register_page() -> None:
    campaign = CampaignFactory(slug="free-them")
    organisation = OrganisationFactory(slug="left-front")
    CampaignMembership.objects.create(campaign=campaign, organisation=organisation)
    source = Source.objects.create(title="Court record")

    def add(first: int, last: int) -> str:
        _defend(campaign, organisation, source, first, last)
        return f"Prisoner {last - 1:06d}"

    assert _counts(Client(), "/register/", add) == (REGISTER, REGISTER)


def test_organisation_directory() -> None:
    campaign = CampaignFactory()

    def add(first: int, last: int) -> str:
        for n in range(first, last):
            organisation = OrganisationFactory(
                name=f"Union {n:03d}", country=["PK", "GB", "DE"][n % 3], kind="UNION"
            )
            CampaignMembership.objects.create(campaign=campaign, organisation=organisation)
        return f"Union {last - 1:03d}"

    assert _counts(Client(), "/organisations/", add) == (DIRECTORY, DIRECTORY)


def test_correspondence_list() -> None:
    writer, reader = OrganisationFactory(), OrganisationFactory()
    campaign = CampaignFactory()

    def add(first: int, last: int) -> str:
        for n in range(first, last):
            root = Correspondence.objects.create(
                from_organisation=writer,
                to_organisation=reader if n % 2 else None,
                to_campaign=None if n % 2 else campaign,
                subject=f"Letter {n}",
                body="Text",
            )
            Correspondence.objects.create(
                from_organisation=reader,
                to_organisation=writer,
                in_reply_to=root,
                thread=root,
                subject=f"Re: Letter {n}",
                body="Reply",
            )
            CorrespondenceCorrection.objects.create(
                correspondence=root, body="Corrected", published_by=None
            )
        return f"Letter {last - 1}"

    assert _counts(Client(), "/correspondence/", add) == (CORRESPONDENCE, CORRESPONDENCE)


def test_organisation_members_page() -> None:
    organisation = OrganisationFactory(slug="org-a")
    campaign = CampaignFactory()
    CampaignMembership.objects.create(campaign=campaign, organisation=organisation)
    admin = UserFactory()
    grant(admin, Role.ORG_ADMIN, organisation=organisation)
    client = sign_in(Client(), admin)

    def add(first: int, last: int) -> str:
        for n in range(first, last):
            editor = grant(UserFactory(), Role.ORG_EDITOR, organisation=organisation)
            if n % 2:
                editor.revoked_at = timezone.now()
                editor.revoked_by = admin
                editor.save(update_fields=["revoked_at", "revoked_by"])
            grant(UserFactory(), Role.TREASURER, organisation=organisation, campaign=campaign)
            Invitation.objects.create(
                email=f"invited{n}@example.org",
                role=Role.ORG_EDITOR,
                organisation=organisation,
                token_sha256=f"{n:064d}",
                invited_by=admin,
                expires_at=timezone.now() + datetime.timedelta(days=7),
            )
        return f"invited{last - 1}@example.org"

    path = "/organisations/org-a/members/"
    assert _counts(client, path, add) == (MEMBERS, MEMBERS)


def test_campaign_coordinate_page() -> None:
    campaign = CampaignFactory(slug="campaign-c")
    coordinator = UserFactory()
    grant(coordinator, Role.COORDINATOR, campaign=campaign)
    client = sign_in(Client(), coordinator)

    def add(first: int, last: int) -> str:
        for n in range(first, last):
            grant(UserFactory(), [Role.DOCUMENTER, Role.MODERATOR][n % 2], campaign=campaign)
            Invitation.objects.create(
                email=f"invited{n}@example.org",
                role=Role.CASE_TEAM,
                campaign=campaign,
                token_sha256=f"{n:064d}",
                invited_by=coordinator,
                expires_at=timezone.now() + datetime.timedelta(days=7),
            )
            CampaignMembership.objects.create(
                campaign=campaign,
                organisation=OrganisationFactory(name=f"Asking {n:03d}"),
                status=CampaignMembership.Status.REQUESTED,
                created_at=timezone.now(),
            )
            for status in (CampaignMembership.Status.ACTIVE, CampaignMembership.Status.INVITED):
                CampaignMembership.objects.create(
                    campaign=campaign,
                    organisation=OrganisationFactory(name=f"{status} {n:03d}"),
                    status=status,
                    created_at=timezone.now(),
                )
        return f"Asking {last - 1:03d}"

    path = "/campaigns/campaign-c/coordinate/"
    assert _counts(client, path, add) == (COORDINATE, COORDINATE)


def test_moderation_queue() -> None:
    campaign = CampaignFactory(slug="campaign-c")
    coordinator = UserFactory()
    grant(coordinator, Role.COORDINATOR, campaign=campaign)
    editor = UserFactory()
    client = sign_in(Client(), coordinator)

    def add(first: int, last: int) -> str:
        for n in range(first, last):
            organisation = OrganisationFactory(name=f"Hidden org {n:03d}")
            CampaignMembership.objects.create(
                campaign=campaign,
                organisation=organisation,
                status=CampaignMembership.Status.ACTIVE,
                created_at=timezone.now(),
            )
            grant(editor, Role.ORG_EDITOR, organisation=organisation)
            demand = services.demand_propose(
                by=editor, campaign=campaign, organisation=organisation, text=f"Slogan {n:03d}"
            )
            services.item_hide(
                by=coordinator, item=demand, reason="Off topic", site_url="http://testserver/"
            )
        return f"Slogan {first:03d}"

    path = "/campaigns/campaign-c/moderation/"
    assert _counts(client, path, add) == (MODERATION, MODERATION)


# The fixed counts, with N and 3N rows alike.
REGISTER = 20
DIRECTORY = 3
CORRESPONDENCE = 2
MEMBERS = 15
# Members and invited organisations, paged; the letters with requests to endorse waiting;
# its open letters; whether the visitor coordinates it (the record of shared case
# work is coordinators' alone).
COORDINATE = 22
MODERATION = 11

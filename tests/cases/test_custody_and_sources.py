"""Where a prisoner is held (and may be written to), and sources cited once."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from habeas.cases import citations, services
from habeas.cases.models import Detention, Facility, Person, StatusChange
from habeas.coalition.models import Campaign, Role
from habeas.core.models import Source
from tests.factories import CampaignFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

WRITE = "Write to them"
SOURCE = {"source_title": "HRCP report", "source_publisher": "HRCP", "certainty": "REPORTED"}


@dataclass
class Custody:
    campaign: Any
    users: dict[str, Any]
    person: Person
    adiala: Facility

    def client(self, name: str) -> Client:
        return sign_in(Client(), self.users[name])

    def page(self, lang: str = "") -> str:
        slug = Person.objects.get(pk=self.person.pk).slug
        return Client().get(f"{lang}/register/{slug}/").content.decode()

    def verify(self) -> None:
        response = self.client("doc2").post(f"/register/working/{self.person.pk}/verify/")
        assert response.status_code == 302

    def arrest(self, **data: str) -> Any:
        return self.client("doc1").post(
            f"/register/working/{self.person.pk}/arrest/",
            {**SOURCE, "arrested_on": "2025-03", "status": "DETAINED", **data},
        )

    def status(self, detention: Detention, **data: str) -> Any:
        return self.client("doc1").post(
            f"/register/working/{self.person.pk}/arrest/{detention.pk}/status/",
            {**SOURCE, "on": "2025-05", **data},
        )


def _facility(name: str, address: str = "", **fields: Any) -> Facility:
    return Facility.objects.create(
        name=name,
        region=fields.pop("region", "Punjab"),
        postal_address=address,
        confirmed_at=fields.pop("confirmed_at", timezone.now()),
        **fields,
    )


@pytest.fixture
def custody() -> Custody:
    campaign = CampaignFactory(slug="free-them")
    users = {
        name: UserFactory(username=name)
        for name in ("doc1", "doc2", "coord", "other_coord", "other_doc", "admin")
    }
    grant(users["doc1"], Role.DOCUMENTER, campaign=campaign)
    grant(users["doc2"], Role.DOCUMENTER, campaign=campaign)
    grant(users["coord"], Role.COORDINATOR, campaign=campaign)
    other = CampaignFactory(slug="other")
    grant(users["other_coord"], Role.COORDINATOR, campaign=other)
    grant(users["other_doc"], Role.DOCUMENTER, campaign=other)
    grant(users["admin"], Role.SITE_ADMIN)
    person = services.person_save(
        by=users["doc1"],
        source=services.SourceFacts("First report", "Daily"),
        campaign=campaign,
        name="Held Person",
    )
    adiala = _facility("Adiala Jail", "Adiala Road\nRawalpindi", letters_accepted="Cards only")
    return Custody(campaign, users, person, adiala)


def _everything() -> list[Any]:
    return [
        list(model.objects.order_by("pk").values())
        for model in (Facility, Detention, StatusChange, Source, Person)
    ]


# --- Where to write -----------------------------------------------------------


def test_write_to_them_appears_once_a_confirmed_facility_is_chosen_and_verified(
    custody: Custody,
) -> None:
    """A documenter picks a confirmed facility that takes letters; after a second
    documenter verifies, the public page says where to write; a release ends it."""
    form = custody.client("doc1").get(f"/register/working/{custody.person.pk}/arrest/")
    assert "Adiala Jail (Punjab)" in form.content.decode()
    assert custody.arrest(facility=str(custody.adiala.pk)).status_code == 302
    detention = Detention.objects.get(person=custody.person)
    assert detention.facility == custody.adiala
    custody.verify()
    page = custody.page()
    assert WRITE in page
    assert "Adiala Road<br>Rawalpindi" in page
    assert "Cards only" in page
    urdu = custody.page("/ur")
    assert "Adiala Road" in urdu
    assert custody.status(detention, status="RELEASED").status_code == 302
    custody.verify()
    page = custody.page()
    assert WRITE not in page
    assert "Adiala Road" not in page


def test_a_proposed_facility_shows_no_place_and_no_address_until_confirmed(
    custody: Custody,
) -> None:
    """A documenter's proposal is kept on the record at once, but no public page names
    it or its address, and no form offers it, until the coordinator confirms it
    (with the address as corrected); the record then waits for a second documenter."""
    response = custody.arrest(
        new_facility_name="Quetta District Jail",
        new_facility_region="Balochistan",
        new_facility_kind="PRISON",
        new_facility_postal_address="Wrong Road, Quetta",
    )
    assert response.status_code == 302
    proposed = Facility.objects.get(name="Quetta District Jail")
    assert proposed.confirmed_at is None
    assert proposed.proposed_by == custody.users["doc1"]
    assert Detention.objects.get(person=custody.person).facility == proposed
    custody.verify()
    page = custody.page()
    assert "Quetta District Jail" not in page
    assert "Wrong Road" not in page
    assert WRITE not in page
    other_form = custody.client("doc2").get(f"/register/working/{custody.person.pk}/arrest/")
    assert "Quetta District Jail" not in other_form.content.decode()

    coord = custody.client("coord")
    listed = coord.get("/register/facilities/").content.decode()
    assert "Quetta District Jail" in listed
    assert "Wrong Road, Quetta" in listed
    assert (
        "/register/facilities/" in coord.get("/campaigns/free-them/coordinate/").content.decode()
    )
    confirmed = coord.post(
        f"/register/facilities/{proposed.pk}/confirm/",
        {
            f"f{proposed.pk}-postal_address": "Jail Road, Quetta",
            f"f{proposed.pk}-letters_accepted": "",
        },
        follow=True,
    )
    assert "The facility is confirmed" in confirmed.content.decode()
    proposed.refresh_from_db()
    assert proposed.confirmed_by == custody.users["coord"]
    assert proposed.postal_address == "Jail Road, Quetta"
    review = custody.client("doc2").get("/register/review/").content.decode()
    assert "Held Person" in review
    custody.verify()
    page = custody.page()
    assert "Quetta District Jail" in page
    assert "Jail Road, Quetta" in page
    assert WRITE in page


def test_a_transfer_moves_where_to_write_and_keeps_the_first_place(custody: Custody) -> None:
    """A status change names the new facility: letters go there, the arrest keeps
    its own, and a transfer to an unconfirmed place shows no address at all."""
    custody.arrest(facility=str(custody.adiala.pk))
    detention = Detention.objects.get(person=custody.person)
    sahiwal = _facility("Sahiwal Jail", "Sahiwal Road")
    assert (
        custody.status(detention, status="CONVICTED", facility=str(sahiwal.pk)).status_code == 302
    )
    custody.verify()
    page = custody.page()
    assert "Sahiwal Road" in page
    assert "Adiala Road" not in page
    assert "moved to" in page
    detention.refresh_from_db()
    assert detention.facility == custody.adiala
    custody.status(detention, status="CONVICTED", on="2025-07", new_facility_name="Unknown camp")
    custody.verify()
    page = custody.page()
    assert WRITE not in page
    assert "Sahiwal Road" not in page
    assert "Unknown camp" not in page


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unconfirmed", "Select a valid choice"),
        ("missing", "Select a valid choice"),
        ("both", "not both"),
        ("nameless", "needs a name"),
        ("duplicate", "already known"),
    ],
)
def test_a_bad_facility_on_the_form_changes_nothing(
    custody: Custody, case: str, message: str
) -> None:
    """Another's unconfirmed proposal, an unknown id, a choice and a proposal at once,
    a proposal without a name, a proposal of a known facility: 400 and nothing saved."""
    pending = _facility("Pending Jail", "Somewhere", confirmed_at=None)
    data = {
        "unconfirmed": {"facility": str(pending.pk)},
        "missing": {"facility": "999999"},
        "both": {"facility": str(custody.adiala.pk), "new_facility_name": "New Jail"},
        "nameless": {"new_facility_postal_address": "Some Road"},
        "duplicate": {"new_facility_name": "adiala jail", "new_facility_region": "punjab"},
    }[case]
    before = _everything()
    response = custody.arrest(**data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _everything() == before


def test_the_services_refuse_an_unconfirmed_facility(custody: Custody) -> None:
    pending = _facility("Pending Jail", "Somewhere", confirmed_at=None)
    before = _everything()
    with pytest.raises(ValidationError, match="not confirmed"):
        services.detention_add(
            by=custody.users["doc1"],
            person=custody.person,
            source=services.SourceFacts("Report"),
            arrested_on=None,
            arrested_precision="UNKNOWN",
            status="DETAINED",
            facility=pending,
        )
    assert _everything() == before


def test_only_a_site_admin_or_the_proposers_coordinator_confirms(custody: Custody) -> None:
    """A documenter and another campaign's coordinator are refused (404 on the
    pages, PermissionDenied from the services) and change nothing; the other
    coordinator's list leaves the proposal out; a site admin sees and confirms it."""
    custody.arrest(new_facility_name="Gilgit Jail", new_facility_region="Gilgit-Baltistan")
    proposed = Facility.objects.get(name="Gilgit Jail")
    before = _everything()
    for name in ("doc1", "doc2", "other_coord", "other_doc"):
        client = custody.client(name)
        for action in ("confirm", "reject"):
            assert client.post(f"/register/facilities/{proposed.pk}/{action}/").status_code == 404
        with pytest.raises(PermissionDenied):
            services.facility_confirm(by=custody.users[name], facility=proposed)
        with pytest.raises(PermissionDenied):
            services.facility_reject(by=custody.users[name], facility=proposed)
    assert custody.client("doc1").get("/register/facilities/").status_code == 404
    assert (
        "Gilgit Jail"
        not in custody.client("other_coord").get("/register/facilities/").content.decode()
    )
    assert _everything() == before
    admin = custody.client("admin")
    assert "Gilgit Jail" in admin.get("/register/facilities/").content.decode()
    assert admin.post(f"/register/facilities/{proposed.pk}/confirm/").status_code == 302
    proposed.refresh_from_db()
    assert proposed.confirmed_by == custody.users["admin"]
    # Confirmed, it is no proposal: the page answers 404, the service says why.
    assert admin.post(f"/register/facilities/{proposed.pk}/confirm/").status_code == 404
    with pytest.raises(ValidationError, match="already confirmed"):
        services.facility_confirm(by=custody.users["admin"], facility=proposed)
    with pytest.raises(ValidationError, match="confirmed"):
        services.facility_reject(by=custody.users["admin"], facility=proposed)
    assert admin.post("/register/facilities/999999/confirm/").status_code == 404


def test_a_rejected_proposal_leaves_the_record_without_a_facility(custody: Custody) -> None:
    custody.arrest(new_facility_name="Misspelt Jial")
    proposed = Facility.objects.get(name="Misspelt Jial")
    response = custody.client("coord").post(
        f"/register/facilities/{proposed.pk}/reject/", follow=True
    )
    assert "The proposal is rejected" in response.content.decode()
    assert not Facility.objects.filter(pk=proposed.pk).exists()
    assert Detention.objects.get(person=custody.person).facility is None


def test_a_bad_address_on_confirmation_changes_nothing(custody: Custody) -> None:
    custody.arrest(new_facility_name="Long Jail")
    proposed = Facility.objects.get(name="Long Jail")
    response = custody.client("coord").post(
        f"/register/facilities/{proposed.pk}/confirm/",
        {f"f{proposed.pk}-postal_address": "x" * 1001},
        follow=True,
    )
    assert "at most 1000 characters" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.confirmed_at is None


def test_the_proposals_page_reads_in_urdu(custody: Custody) -> None:
    custody.arrest(new_facility_name="Skardu Jail")
    page = custody.client("coord").get("/ur/register/facilities/")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode()
    assert "Skardu Jail" in page.content.decode()


# --- Sources cited once ----------------------------------------------------------


def test_a_documenter_picks_the_same_source_as_before(custody: Custody) -> None:
    """The record's sources are offered, newest first; picking one cites it again
    without typing it, and records no new source."""
    first = Source.objects.get(title="First report")
    form = custody.client("doc1").get(f"/register/working/{custody.person.pk}/arrest/")
    assert f'<option value="{first.pk}">First report, Daily</option>' in form.content.decode()
    sources = Source.objects.count()
    response = custody.client("doc1").post(
        f"/register/working/{custody.person.pk}/arrest/",
        {"source_pick": str(first.pk), "certainty": "REPORTED", "status": "DETAINED"},
    )
    assert response.status_code == 302
    assert Detention.objects.get(person=custody.person).source == first
    assert Source.objects.count() == sources


def test_a_source_from_another_record_cannot_be_picked(custody: Custody) -> None:
    """A source cited only on another campaign's record (whose address may be
    private) is neither offered nor accepted when its id is forged."""
    hidden = Source.objects.create(title="Other campaign's memo", url="https://intranet.example/x")
    services.person_save(
        by=custody.users["other_doc"],
        source=hidden,
        campaign=Campaign.objects.get(slug="other"),
        name="Someone Else",
    )
    form = custody.client("doc1").get(f"/register/working/{custody.person.pk}/arrest/")
    assert "Other campaign" not in form.content.decode()
    before = _everything()
    response = custody.client("doc1").post(
        f"/register/working/{custody.person.pk}/arrest/",
        {"source_pick": str(hidden.pk), "certainty": "REPORTED", "status": "DETAINED"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert _everything() == before
    with pytest.raises(ValidationError, match="Choose a source this record cites"):
        services.event_add(
            by=custody.users["doc1"],
            detention=Detention.objects.create(
                person=custody.person, source=custody.person.source
            ),
            source=services.CitedSource(hidden.pk),
            kind="HEARING",
        )


def test_a_fact_needs_a_source(custody: Custody) -> None:
    before = _everything()
    response = custody.client("doc1").post(
        f"/register/working/{custody.person.pk}/arrest/",
        {"certainty": "REPORTED", "status": "DETAINED"},
    )
    assert response.status_code == 400
    assert "Give the source" in response.content.decode()
    assert _everything() == before


def test_the_public_page_lists_each_source_once_with_numbered_references(
    custody: Custody,
) -> None:
    """The same source cited by several facts gets one number; references link to the
    list at the end, whose links keep nofollow noopener noreferrer, in English and Urdu."""
    first = Source.objects.get(title="First report")
    custody.client("doc1").post(
        f"/register/working/{custody.person.pk}/arrest/",
        {"source_pick": str(first.pk), "certainty": "REPORTED", "status": "DETAINED"},
    )
    detention = Detention.objects.get(person=custody.person)
    custody.status(
        detention,
        status="ON_BAIL",
        source_title="Court order",
        source_url="https://court.example/order",
    )
    custody.verify()
    for lang in ("", "/ur"):
        page = custody.page(lang)
        assert page.count('id="source-1"') == 1
        assert page.count('id="source-2"') == 1
        assert 'id="source-3"' not in page
        # The person, the arrest and its first status cite the first source.
        assert page.count('href="#source-1"') == 3
        assert page.count('href="#source-2"') == 1
        assert page.count(">First report</span>") == 1
        assert '<a href="https://court.example/order" rel="nofollow noopener noreferrer"' in page
    sources = re.search(r'<section class="sources">.*?</section>', custody.page(), re.S)
    assert sources is not None
    assert sources.group(0).index("First report") < sources.group(0).index("Court order")


def test_numbering_leaves_the_record_data_unchanged() -> None:
    source = {"title": "A", "publisher": "", "url": "", "published_on": None}
    data: dict[str, Any] = {
        "source": dict(source),
        "affiliations": [],
        "recognitions": [{"source": dict(source)}],
        "detentions": [{"source": {**source, "title": "B"}, "statuses": [], "events": []}],
    }
    numbered, listed = citations.numbered(data)
    assert [s["number"] for s in listed] == [1, 2]
    assert numbered["recognitions"][0]["source"]["number"] == 1
    assert numbered["detentions"][0]["source"]["number"] == 2
    assert "number" not in data["source"]


def test_a_sources_date_reaches_the_page_as_a_date() -> None:
    """The published JSON holds the date as ISO text; the list of sources gets a date,
    which the page formats in the reader's language (it printed nothing before)."""
    data: dict[str, Any] = {
        "source": {"title": "A", "publisher": "", "url": "", "published_on": "2025-05-30"},
        "detentions": [
            {"source": {"title": "B", "published_on": "not a date"}, "statuses": [], "events": []}
        ],
    }
    _numbered, listed = citations.numbered(data)
    assert listed[0]["published_on"] == datetime.date(2025, 5, 30)
    assert listed[1]["published_on"] is None
    template = Template('{% include "cases/_citation.html" %}')
    with translation.override("en"):
        html = template.render(Context({"source": listed[0]}))
    assert '<time datetime="2025-05-30">May 30, 2025</time>' in html


def test_no_address_of_an_unconfirmed_facility_even_in_older_data(custody: Custody) -> None:
    """A public version that names an unconfirmed facility (data written before
    proposals existed) still shows nowhere to write."""
    from habeas.cases import queries
    from habeas.cases.models import PublicVersion

    custody.arrest(facility=str(custody.adiala.pk))
    custody.verify()
    record = queries.public_record(Person.objects.get(pk=custody.person.pk).slug)
    assert record is not None
    assert queries.letters_to(record) == custody.adiala
    Facility.objects.filter(pk=custody.adiala.pk).update(confirmed_at=None)
    assert PublicVersion.objects.filter(person=custody.person).exists()
    record = queries.public_record(record.slug)
    assert record is not None
    assert queries.letters_to(record) is None


def test_the_services_refuse_a_source_without_a_title(custody: Custody) -> None:
    before = _everything()
    with pytest.raises(ValidationError, match="A fact needs a source"):
        services.detention_add(
            by=custody.users["doc1"],
            person=custody.person,
            source=services.SourceFacts("  "),
            arrested_on=None,
            arrested_precision="UNKNOWN",
            status="DETAINED",
        )
    assert _everything() == before


def test_the_working_record_shows_where_the_person_is_held_proposals_included(
    custody: Custody,
) -> None:
    custody.arrest(facility=str(custody.adiala.pk))
    detention = Detention.objects.get(person=custody.person)
    working = f"/register/working/{custody.person.pk}/"
    assert (
        'held at <span lang="en" dir="ltr">Adiala Jail</span>:'
        in custody.client("doc1").get(working).content.decode()
    )
    custody.status(detention, status="CONVICTED", new_facility_name="Camp X")
    page = custody.client("doc1").get(working).content.decode()
    assert "Camp X</span> (proposed; not public until confirmed)" in page


def test_a_site_admins_save_in_the_admin_confirms_a_proposal(custody: Custody) -> None:
    """The admin is a site admin's word: saving a proposal there confirms it, and the
    records that name it wait for a second documenter again."""
    custody.arrest(new_facility_name="Hunza Jail")
    custody.verify()
    proposed = Facility.objects.get(name="Hunza Jail")
    assert "Held Person" not in custody.client("doc2").get("/register/review/").content.decode()
    response = custody.client("admin").post(
        f"/admin/cases/facility/{proposed.pk}/change/",
        {
            "name": proposed.name,
            "kind": proposed.kind,
            "region": "",
            "postal_address": "Karimabad",
            "letters_accepted": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    proposed.refresh_from_db()
    assert proposed.confirmed_by == custody.users["admin"]
    assert "Held Person" in custody.client("doc2").get("/register/review/").content.decode()
    custody.verify()
    assert "Karimabad" in custody.page()


def test_the_roles_page_leads_each_confirmer_to_the_proposals(custody: Custody) -> None:
    """A site admin finds the proposals from the roles page, a coordinator from the
    coordinate page; a documenter is shown no link to a page that refuses them."""
    admin = sign_in(Client(), custody.users["admin"])
    roles = admin.get("/accounts/").content.decode()
    assert 'href="/register/facilities/"' in roles
    assert admin.get("/register/facilities/").status_code == 200
    coordinator = sign_in(Client(), custody.users["coord"])
    coordinate = coordinator.get(f"/campaigns/{custody.campaign.slug}/coordinate/")
    assert 'href="/register/facilities/"' in coordinate.content.decode()
    assert coordinator.get("/register/facilities/").status_code == 200
    documenter = sign_in(Client(), custody.users["doc1"])
    assert 'href="/register/facilities/"' not in documenter.get("/accounts/").content.decode()

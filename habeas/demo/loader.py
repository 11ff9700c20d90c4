"""The demo campaign: what the open letter of 30 May 2025 says, and nothing more.

Every organisation, person, demand and action below is named in the letter,
and each cites it as its source. Facts the letter does not state (dates of
arrest, charges, places of detention, kinds of organisation it does not name)
are left blank. The campaign's defence fund, which the letter offers to
contribute to, is opened with its accounts and nothing else: no goal, no
payment details, no transaction. Loading is idempotent: records are found by
natural keys and only created when missing, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from habeas.accounts.models import User
from habeas.actions.models import Action
from habeas.cases.models import (
    Affiliation,
    Detention,
    Person,
    Precision,
    PublicRecord,
    Status,
    StatusChange,
)
from habeas.cases.services.publishing import _publish_many
from habeas.coalition.models import (
    Campaign,
    CampaignMembership,
    Correspondence,
    Demand,
    DemandVersion,
    Organisation,
    Position,
    Role,
    RoleGrant,
)
from habeas.coalition.services import grant_create_at_console
from habeas.core.models import Source
from habeas.core.pagecache import public_changed
from habeas.core.text import render_markdown
from habeas.fund.models import Account, Fund
from habeas.fund.services.setup import fund_create
from habeas.letters.models import Letter, LetterText

LETTER_PATH = Path(__file__).resolve().parent / "letter" / "open-letter-2025-05-30.md"
COORDINATOR_USERNAME = "coordinator"

ORGANISATIONS = [
    # (slug, name, short name, kind, country). A kind is set only where the
    # name itself says it; the rest stay "other".
    ("sl-b", "Spartacist League/Britain", "SL/B", Organisation.Kind.PARTY, "GB"),
    ("rci", "Revolutionary Communist International", "RCI", Organisation.Kind.OTHER, ""),
    ("aac-gb", "Awami Action Committee Gilgit-Baltistan", "AAC-GB", Organisation.Kind.OTHER, "PK"),
    ("mkp", "Mazdoor Kisan Party", "", Organisation.Kind.PARTY, "PK"),
    ("awp-gb", "Awami Workers Party Gilgit-Baltistan", "", Organisation.Kind.PARTY, "PK"),
    ("pti", "Pakistan Tehreek-e-Insaf", "PTI", Organisation.Kind.PARTY, "PK"),
]

CAMPAIGN = {
    "slug": "free-political-prisoners-pakistan",
    "title": "Free the political prisoners in Pakistan",
    "title_ur": "پاکستان کے سیاسی قیدیوں کو رہا کرو",
    "status": Campaign.Status.ACTIVE,
    "summary": (
        "Activists of the Awami Action Committee Gilgit-Baltistan and other leftist "
        "political prisoners face repression by the Pakistani state; four more have been "
        "arrested. Protests have been held in London, New York, Berlin and Toronto."
    ),
}

# The organisations the letter shows taking part in the defence: the RCI and
# the AAC-GB, whose comrades are jailed, and the SL/B, whose comrades joined
# the protests.
MEMBERS = ["rci", "aac-gb", "sl-b"]

KHAN_REASON = (
    "Khan is a reactionary capitalist politician who has in the past presided over "
    "repression against political activists from Gilgit-Baltistan."
)

# (proposer, text, {organisation: (stance, reason)}). The letter raises these
# slogans; the campaign's members all fight to free the jailed AAC-GB comrades;
# the RCI's disagreement over Imran Khan, and its reason, are as the letter
# reports them. Positions the letter does not give stay unstated.
DEMANDS = [
    (
        "sl-b",
        "Free Ehsan Ali, comrades of the AAC-GB, and leftist political prisoners!",
        {"rci": (Position.Stance.ENDORSES, ""), "aac-gb": (Position.Stance.ENDORSES, "")},
    ),
    ("sl-b", "For united class-struggle defence to free political prisoners in Pakistan!", {}),
    ("sl-b", "Free Imran Khan!", {"rci": (Position.Stance.DISAGREES, KHAN_REASON)}),
    ("sl-b", "Inqalab Zindabad!", {}),
]

LETTER_SUBJECT = (
    "Open Letter to the Revolutionary Communist International: "
    "For united class-struggle defence to free political prisoners in Pakistan!"
)
LETTER_SIGNED = "Mansa Kaur, for Workers Hammer, newspaper of the Spartacist League Britain"
# The same letter as an open letter of the campaign, open for signing: its
# author, its addressee and its English words, and nothing it does not have
# (no Urdu translation, no signature, no endorsement, no goal, no closing date).
OPEN_LETTER_SLUG = "united-class-struggle-defence-2025-05-30"
OPEN_LETTER_AUTHOR = "sl-b"
OPEN_LETTER_ADDRESSEES = "The Revolutionary Communist International"
LETTER_DATE = datetime.datetime(2025, 5, 30, 12, tzinfo=datetime.UTC)
# "If there is a defence fund, we would be happy to contribute": the offer comes
# from London (the letter's sender writes from a London address), so the demo
# fund reports in pounds. The letter says nothing else about money: no goal, no
# bank details, no contribution; the ledger starts empty, with its accounts.
FUND_CURRENCY = "GBP"


@dataclass(frozen=True)
class PersonFact:
    slug: str
    name: str
    summary: str
    organisation: str = ""
    role: str = ""


PERSONS = [
    PersonFact(
        slug="ehsan-ali",
        name="Ehsan Ali",
        summary="The letter demands his freedom with the comrades of the AAC-GB.",
    ),
    PersonFact(
        slug="salaar-fayyaz-ali",
        name="Salaar Fayyaz Ali",
        summary=("Arrested in the weeks after the India-Pakistan war, as the letter reports."),
        organisation="mkp",
    ),
    PersonFact(
        slug="asif-sakhi",
        name="Asif Sakhi",
        summary=("Arrested in the weeks after the India-Pakistan war, as the letter reports."),
        organisation="awp-gb",
    ),
    PersonFact(
        slug="imran-khan",
        name="Imran Khan",
        summary="Former Prime Minister of Pakistan, held as a political prisoner.",
        organisation="pti",
        role="leader",
    ),
]

ACTIONS = [
    # (city, country, title)
    ("London", "GB", "Protest outside the Pakistani Consulate"),
    ("New York", "US", "Solidarity protest"),
    ("Berlin", "DE", "Solidarity protest"),
    ("Toronto", "CA", "Solidarity protest"),
]


@dataclass
class LoadReport:
    """How many records of each kind the load created (zero on a second run)."""

    created: dict[str, int] = field(default_factory=dict)
    coordinator_password: str | None = None

    def count(self, kind: str, was_created: bool) -> None:
        self.created[kind] = self.created.get(kind, 0) + int(was_created)

    @property
    def total(self) -> int:
        return sum(self.created.values())


def _letter_body() -> str:
    """The letter from its salutation to its closing slogans, as published."""
    text = LETTER_PATH.read_text(encoding="utf-8")
    start = text.index("Dear comrades,")
    end = text.index("Communist greetings,")
    return text[start:end].strip()


def _open_letter_body() -> str:
    """The letter from its salutation to its signature, as published."""
    text = LETTER_PATH.read_text(encoding="utf-8")
    return text[text.index("Dear comrades,") :].strip()


def _letter_source() -> tuple[Source, bool]:
    digest = hashlib.sha256(LETTER_PATH.read_bytes()).hexdigest()
    return Source.objects.get_or_create(
        title="Open Letter to the Revolutionary Communist International",
        publisher="Spartacist League/Britain (Workers Hammer)",
        defaults={"published_on": datetime.date(2025, 5, 30), "sha256": digest},
    )


def _ensure_coordinator(report: LoadReport, campaign: Campaign) -> User:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=COORDINATOR_USERNAME, defaults={"display_name": "Demo coordinator"}
    )
    report.count("user", created)
    if created:
        password = secrets.token_urlsafe(15)
        user.set_password(password)
        user.save(update_fields=["password"])
        report.coordinator_password = password
    active_before = RoleGrant.objects.active().filter(user=user).count()
    grant_create_at_console(user=user, role=Role.COORDINATOR, campaign=campaign)
    report.count("role", RoleGrant.objects.active().filter(user=user).count() > active_before)
    return user


def _ensure_open_letter(
    report: LoadReport, campaign: Campaign, author: Organisation, loaded_by: User
) -> None:
    """The letter, open for signing, by its author; found by its address when loaded before."""
    letter, created = Letter.objects.get_or_create(
        slug=OPEN_LETTER_SLUG,
        defaults={
            "campaign": campaign,
            "status": Letter.Status.OPEN,
            "opens_at": LETTER_DATE,
            "published_at": LETTER_DATE,
            "created_at": LETTER_DATE,
            "created_by": loaded_by,
        },
    )
    report.count("open letter", created)
    if not created:
        return
    letter.authors.add(author)
    body = _open_letter_body()
    LetterText.objects.create(
        letter=letter,
        language="en",
        title=LETTER_SUBJECT,
        addressees=OPEN_LETTER_ADDRESSEES,
        body=body,
        body_html=str(render_markdown(body)),
    )


@transaction.atomic
def load_demo() -> LoadReport:
    """Create the letter's campaign where it is missing; never duplicate.

    Returns what was created. A newly made demo coordinator's password is
    in the report, once, for the caller to hand to the user.
    """
    report = LoadReport()
    source, created = _letter_source()
    report.count("source", created)

    organisations: dict[str, Organisation] = {}
    for slug, name, short_name, kind, country in ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short_name,
                "kind": kind,
                "country": country,
                "source": source,
            },
        )
        organisations[slug] = organisation
        report.count("organisation", created)

    campaign, created = Campaign.objects.get_or_create(
        slug=CAMPAIGN["slug"], defaults={**CAMPAIGN, "source": source}
    )
    report.count("campaign", created)
    for slug in MEMBERS:
        _, created = CampaignMembership.objects.get_or_create(
            campaign=campaign,
            organisation=organisations[slug],
            defaults={
                "source": source,
                "status": CampaignMembership.Status.ACTIVE,
                "joined_at": timezone.now(),
            },
        )
        report.count("membership", created)

    for proposer, text, stances in DEMANDS:
        demand, created = Demand.objects.get_or_create(
            campaign=campaign,
            text=text,
            defaults={"proposed_by": organisations[proposer], "source": source},
        )
        report.count("demand", created)
        if not created:
            continue
        DemandVersion.objects.create(demand=demand, number=1, text=text)
        for slug, (stance, reason) in {
            proposer: (Position.Stance.ENDORSES, ""),
            **stances,
        }.items():
            Position.objects.create(
                demand=demand,
                organisation=organisations[slug],
                stance=stance,
                reason=reason,
                version=1,
                source=source,
            )

    if not Correspondence.objects.filter(source=source).exists():
        Correspondence.objects.create(
            from_organisation=organisations["sl-b"],
            to_organisation=organisations["rci"],
            subject=LETTER_SUBJECT,
            body=_letter_body(),
            signed=LETTER_SIGNED,
            published_at=LETTER_DATE,
            source=source,
        )
        report.count("correspondence", True)

    for fact in PERSONS:
        person, created = Person.objects.get_or_create(
            slug=fact.slug,
            defaults={
                "name": fact.name,
                "summary": fact.summary,
                "source": source,
                "campaign": campaign,
            },
        )
        report.count("person", created)
        if person.campaign_id is None:  # loaded before persons had an owning campaign
            Person.objects.filter(pk=person.pk).update(campaign=campaign)
        person.campaigns.add(campaign)
        if fact.organisation:
            _, created = Affiliation.objects.get_or_create(
                person=person,
                organisation=organisations[fact.organisation],
                defaults={"role": fact.role, "source": source},
            )
            report.count("affiliation", created)

    # The letter is the demo's one source; its facts are published as
    # reported, verified by the loader rather than by a second documenter.
    for fact in PERSONS:
        person = Person.objects.get(slug=fact.slug)
        if not person.detentions.exists():
            # Held, as the letter says; when, where and on what charge it does not say,
            # except that two arrests came in the weeks after the India-Pakistan war.
            arrested_2025 = fact.slug in {"salaar-fayyaz-ali", "asif-sakhi"}
            detention = Detention.objects.create(
                person=person,
                source=source,
                arrested_on=datetime.date(2025, 1, 1) if arrested_2025 else None,
                arrested_precision=Precision.YEAR if arrested_2025 else Precision.UNKNOWN,
            )
            StatusChange.objects.create(detention=detention, status=Status.DETAINED, source=source)
            report.count("detention", True)
        if not PublicRecord.objects.filter(person=person).exists():
            _publish_many(person_ids=[person.pk], by=None)  # verified by the loader
            report.count("public record", True)

    for city, country, title in ACTIONS:
        action, created = Action.objects.get_or_create(
            campaign=campaign,
            city=city,
            title=title,
            # The letter names the cities, not the dates: those stay unknown.
            defaults={
                "country": country,
                "source": source,
                "kind": Action.Kind.PROTEST,
                "status": Action.Status.HAPPENED,
                "starts_at": None,
            },
        )
        report.count("action", created)
        if created:
            action.organisations.add(organisations["rci"], organisations["sl-b"])

    had_fund = Fund.objects.filter(campaign=campaign).exists()
    fund_create(campaign=campaign, reporting_currency=FUND_CURRENCY)
    report.count("fund", not had_fund)

    coordinator = _ensure_coordinator(report, campaign)
    _ensure_open_letter(report, campaign, organisations[OPEN_LETTER_AUTHOR], coordinator)
    if report.total:
        # Written straight to the tables, past the services that tell the page cache.
        public_changed()
    return report


def demo_counts() -> dict[str, int]:
    """How many rows of each demo kind exist (used to show a reload adds none)."""
    kinds: dict[str, type[models.Model]] = {
        "source": Source,
        "organisation": Organisation,
        "campaign": Campaign,
        "membership": CampaignMembership,
        "demand": Demand,
        "person": Person,
        "affiliation": Affiliation,
        "action": Action,
        "position": Position,
        "correspondence": Correspondence,
        "open letter": Letter,
        "open letter text": LetterText,
        "fund": Fund,
        "fund account": Account,
    }
    return {kind: model._default_manager.count() for kind, model in kinds.items()}

"""The demo campaign: what the open letter of 30 May 2025 says, and nothing more.

Every organisation, person, demand and action below is named in the letter,
and each cites it as its source. Facts the letter does not state (dates of
arrest, charges, places of detention, kinds of organisation it does not name)
are left blank. The campaign's defence fund, which the letter offers to
contribute to, is opened with its accounts and nothing else: no goal, no
payment details, no transaction. Each item the loader creates is recorded by a
key (habeas.demo.models.DemoItem) and is never created again: a second run adds
only what the demo never created, and leaves what a user revoked, hid, changed
or deleted as they left it.
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
from django.utils.translation import gettext, gettext_noop, ngettext

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
from habeas.demo.models import DemoItem
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
    "summary_ur": (
        "عوامی ایکشن کمیٹی گلگت بلتستان کے کارکن اور بائیں بازو کے دوسرے سیاسی قیدی "
        "پاکستانی ریاست کے جبر کا سامنا کر رہے ہیں؛ چار مزید گرفتار کیے گئے ہیں۔ "  # noqa: RUF001
        "لندن، نیویارک، برلن اور ٹورنٹو میں احتجاج ہو چکے ہیں۔"  # noqa: RUF001
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


# What the summary line calls each kind, in the singular and the plural.
KIND_NAMES: dict[str, tuple[str, str]] = {
    "source": (gettext_noop("%(count)d source"), gettext_noop("%(count)d sources")),
    "organisation": (
        gettext_noop("%(count)d organisation"),
        gettext_noop("%(count)d organisations"),
    ),
    "campaign": (gettext_noop("%(count)d campaign"), gettext_noop("%(count)d campaigns")),
    "membership": (
        gettext_noop("%(count)d membership"),
        gettext_noop("%(count)d memberships"),
    ),
    "demand": (gettext_noop("%(count)d demand"), gettext_noop("%(count)d demands")),
    "correspondence": (
        gettext_noop("%(count)d letter between organisations"),
        gettext_noop("%(count)d letters between organisations"),
    ),
    "person": (gettext_noop("%(count)d person"), gettext_noop("%(count)d persons")),
    "affiliation": (
        gettext_noop("%(count)d affiliation"),
        gettext_noop("%(count)d affiliations"),
    ),
    "detention": (gettext_noop("%(count)d detention"), gettext_noop("%(count)d detentions")),
    "public record": (
        gettext_noop("%(count)d public record"),
        gettext_noop("%(count)d public records"),
    ),
    "action": (gettext_noop("%(count)d action"), gettext_noop("%(count)d actions")),
    "fund": (gettext_noop("%(count)d fund"), gettext_noop("%(count)d funds")),
    "user": (gettext_noop("%(count)d user"), gettext_noop("%(count)d users")),
    "role": (gettext_noop("%(count)d role"), gettext_noop("%(count)d roles")),
    "open letter": (
        gettext_noop("%(count)d open letter"),
        gettext_noop("%(count)d open letters"),
    ),
}


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

    def summary(self) -> str:
        """One line in English: "Demo campaign loaded: 6 organisations, 1 campaign, …"."""
        if not self.total:
            return gettext("Demo campaign already loaded; nothing changed.")
        parts = []
        for kind, n in self.created.items():
            if not n:
                continue
            singular, plural = KIND_NAMES[kind]
            parts.append(ngettext(singular, plural, n) % {"count": n})
        return gettext("Demo campaign loaded: %(made)s.") % {"made": ", ".join(parts)}


class _Keys:
    """The keys of what the demo created before (habeas.demo.models.DemoItem)."""

    def __init__(self) -> None:
        self.known = set(DemoItem.objects.values_list("key", flat=True))

    def new(self, key: str) -> bool:
        """Whether the demo never created ``key``'s item (so it may create it now)."""
        return key not in self.known

    def record(self, key: str) -> None:
        DemoItem.objects.get_or_create(key=key)
        self.known.add(key)


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


def _ensure_coordinator(report: LoadReport, keys: _Keys, campaign: Campaign | None) -> User | None:
    """The demo coordinator and their role, each made once: a role revoked stays revoked."""
    user_model = get_user_model()
    user: User | None
    created = False
    if keys.new("user:coordinator"):
        user, created = user_model.objects.get_or_create(
            username=COORDINATOR_USERNAME, defaults={"display_name": "Demo coordinator"}
        )
        keys.record("user:coordinator")
        if created:
            password = secrets.token_urlsafe(15)
            user.set_password(password)
            user.save(update_fields=["password"])
            report.coordinator_password = password
    else:
        user = user_model.objects.filter(username=COORDINATOR_USERNAME).first()
    report.count("user", created)
    granted = False
    if user is not None and campaign is not None and keys.new("role:coordinator"):
        active_before = RoleGrant.objects.active().filter(user=user).count()
        grant_create_at_console(user=user, role=Role.COORDINATOR, campaign=campaign)
        granted = RoleGrant.objects.active().filter(user=user).count() > active_before
        keys.record("role:coordinator")
    report.count("role", granted)
    return user


def _ensure_open_letter(
    report: LoadReport,
    keys: _Keys,
    campaign: Campaign,
    author: Organisation | None,
    loaded_by: User | None,
) -> None:
    """The letter, open for signing, by its author; made once, found by its address."""
    if not keys.new("open letter") or author is None or loaded_by is None:
        report.count("open letter", False)
        return
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
    keys.record("open letter")
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


def action_key(city: str, title: str) -> str:
    return f"action:{city}:{title}"


@transaction.atomic
def load_demo() -> LoadReport:
    """Create what the demo never created before; never undo what a user did.

    Each item the demo creates is recorded by its key (habeas.demo.models.DemoItem),
    and only items with no key are created: a role an organiser revoked, an item
    they hid, a record they changed or deleted stay as they left them. Returns what
    was created. A newly made demo coordinator's password is in the report, once,
    for the caller to hand to the user.
    """
    report = LoadReport()
    keys = _Keys()
    source: Source | None
    if keys.new("source"):
        source, created = _letter_source()
        keys.record("source")
    else:
        source, created = _find_letter_source(), False
    report.count("source", created)

    organisations: dict[str, Organisation | None] = {}
    for slug, name, short_name, kind, country in ORGANISATIONS:
        created = False
        if keys.new(f"organisation:{slug}") and source is not None:
            organisations[slug], created = Organisation.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "short_name": short_name,
                    "kind": kind,
                    "country": country,
                    "source": source,
                },
            )
            keys.record(f"organisation:{slug}")
        else:
            organisations[slug] = Organisation.objects.filter(slug=slug).first()
        report.count("organisation", created)

    campaign: Campaign | None
    created = False
    if keys.new("campaign") and source is not None:
        campaign, created = Campaign.objects.get_or_create(
            slug=CAMPAIGN["slug"], defaults={**CAMPAIGN, "source": source}
        )
        keys.record("campaign")
    else:
        campaign = Campaign.objects.filter(slug=CAMPAIGN["slug"]).first()
    report.count("campaign", created)

    if campaign is not None and source is not None:
        _load_campaign(report, keys, source, campaign, organisations)

    coordinator = _ensure_coordinator(report, keys, campaign)
    if campaign is not None:
        _ensure_open_letter(report, keys, campaign, organisations[OPEN_LETTER_AUTHOR], coordinator)
    if report.total:
        # Written straight to the tables, past the services that tell the page cache.
        public_changed()
    return report


def _find_letter_source() -> Source | None:
    return Source.objects.filter(
        title="Open Letter to the Revolutionary Communist International",
        publisher="Spartacist League/Britain (Workers Hammer)",
    ).first()


def _load_campaign(
    report: LoadReport,
    keys: _Keys,
    source: Source,
    campaign: Campaign,
    organisations: dict[str, Organisation | None],
) -> None:
    """The campaign's members, demands, letter, persons, actions and fund, each made once."""
    for slug in MEMBERS:
        created = False
        organisation = organisations[slug]
        if keys.new(f"membership:{slug}") and organisation is not None:
            _, created = CampaignMembership.objects.get_or_create(
                campaign=campaign,
                organisation=organisation,
                defaults={
                    "source": source,
                    "status": CampaignMembership.Status.ACTIVE,
                    "joined_at": timezone.now(),
                },
            )
            keys.record(f"membership:{slug}")
        report.count("membership", created)

    for proposer, text, stances in DEMANDS:
        created = False
        proposed_by = organisations[proposer]
        if keys.new(f"demand:{text}") and proposed_by is not None:
            demand, created = Demand.objects.get_or_create(
                campaign=campaign,
                text=text,
                defaults={"proposed_by": proposed_by, "source": source},
            )
            keys.record(f"demand:{text}")
            if created:
                DemandVersion.objects.create(demand=demand, number=1, text=text)
                for slug, (stance, reason) in {
                    proposer: (Position.Stance.ENDORSES, ""),
                    **stances,
                }.items():
                    organisation = organisations[slug]
                    if organisation is None:
                        continue
                    Position.objects.create(
                        demand=demand,
                        organisation=organisation,
                        stance=stance,
                        reason=reason,
                        version=1,
                        source=source,
                    )
        report.count("demand", created)

    sender, addressee = organisations["sl-b"], organisations["rci"]
    created = False
    if keys.new("correspondence") and sender is not None and addressee is not None:
        if not Correspondence.objects.filter(source=source).exists():
            Correspondence.objects.create(
                from_organisation=sender,
                to_organisation=addressee,
                subject=LETTER_SUBJECT,
                body=_letter_body(),
                signed=LETTER_SIGNED,
                published_at=LETTER_DATE,
                source=source,
            )
            created = True
        keys.record("correspondence")
    report.count("correspondence", created)

    for fact in PERSONS:
        _load_person(report, keys, source, campaign, organisations, fact)

    for city, country, title in ACTIONS:
        created = False
        if keys.new(action_key(city, title)):
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
            keys.record(action_key(city, title))
            if created:
                action.organisations.add(
                    *[o for o in (organisations["rci"], organisations["sl-b"]) if o is not None]
                )
        report.count("action", created)

    created = False
    if keys.new("fund"):
        created = not Fund.objects.filter(campaign=campaign).exists()
        fund_create(campaign=campaign, reporting_currency=FUND_CURRENCY)
        keys.record("fund")
    report.count("fund", created)


def _load_person(
    report: LoadReport,
    keys: _Keys,
    source: Source,
    campaign: Campaign,
    organisations: dict[str, Organisation | None],
    fact: PersonFact,
) -> None:
    """A person the letter names, their affiliation, detention and public record, once."""
    created = False
    person: Person | None
    if keys.new(f"person:{fact.slug}"):
        person, created = Person.objects.get_or_create(
            slug=fact.slug,
            defaults={
                "name": fact.name,
                "summary": fact.summary,
                "source": source,
                "campaign": campaign,
            },
        )
        keys.record(f"person:{fact.slug}")
        if created:
            person.campaigns.add(campaign)
    else:
        person = Person.objects.filter(slug=fact.slug).first()
    report.count("person", created)
    if person is None:
        return
    if person.campaign_id is None:  # loaded before persons had an owning campaign
        Person.objects.filter(pk=person.pk).update(campaign=campaign)
        person.campaigns.add(campaign)
    if fact.organisation:
        created = False
        organisation = organisations[fact.organisation]
        if keys.new(f"affiliation:{fact.slug}") and organisation is not None:
            _, created = Affiliation.objects.get_or_create(
                person=person,
                organisation=organisation,
                defaults={"role": fact.role, "source": source},
            )
            keys.record(f"affiliation:{fact.slug}")
        report.count("affiliation", created)
    # The letter is the demo's one source; its facts are published as
    # reported, verified by the loader rather than by a second documenter.
    created = False
    if keys.new(f"detention:{fact.slug}"):
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
            created = True
        keys.record(f"detention:{fact.slug}")
    report.count("detention", created)
    created = False
    if keys.new(f"public record:{fact.slug}"):
        if not PublicRecord.objects.filter(person=person).exists():
            _publish_many(person_ids=[person.pk], by=None)  # verified by the loader
            created = True
        keys.record(f"public record:{fact.slug}")
    report.count("public record", created)


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

"""Data for the register benchmark: the import file, the documenters, the case histories.

The import file is generated here without Django (the benchmark imports
:func:`csv_rows` and the constants); everything else runs in its own process
with the environment Habeas is served with (the same HABEAS_VAR_DIR or
DATABASE_URL)::

    python -m bench.seed_register users
    python -m bench.seed_register history TOUCHED.json EXTRA_DETENTIONS EVENTS
    python -m bench.seed_register republish TOUCHED.json
    python -m bench.seed_register vacuum
    python -m bench.seed_register info WORD "FIRST LAST" ...

``users`` creates the two case documenters the import names; ``history``
adds what the importer cannot (further detentions of imported persons, with
their status steps and charges, and case events such as hearings) with bulk
inserts in one transaction; ``republish`` publishes every person ``history``
touched with ``publish_many`` in batches of 1,000, as verification would;
``vacuum`` does on PostgreSQL what autovacuum does a few minutes after such
a bulk change (``VACUUM (ANALYZE)``) and nothing on SQLite; ``info`` counts
the register and reads it as the pages do. Each prints one JSON object on
its last line of output.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from typing import Any

CAMPAIGN_SLUG = "free-political-prisoners-pakistan"
IMPORTER = "bench-documenter-1"
PUBLISHER = "bench-documenter-2"
ID_PREFIX = "BR-"
RANDOM_SEED = 20_261_127
HISTORY_SEED = 20_261_128
PUBLISH_BATCH = 1000

# The regions the register's facet offers; none contains a name below.
REGIONS = [
    "Gilgit",
    "Skardu",
    "Hunza",
    "Ghizer",
    "Lahore",
    "Karachi",
    "Quetta",
    "Peshawar",
    "Islamabad",
    "Rawalpindi",
    "Multan",
    "Faisalabad",
    "Hyderabad",
    "Sukkur",
    "Turbat",
    "Gwadar",
    "Khuzdar",
    "Swat",
    "Bannu",
    "Muzaffarabad",
]
ORGANISATIONS = ["sl-b", "rci", "aac-gb", "mkp", "awp-gb", "pti"]
ROLES = ["member", "organiser", "student leader", "union organiser", "spokesperson", ""]
OCCUPATIONS = [
    "student",
    "teacher",
    "journalist",
    "lawyer",
    "trade unionist",
    "farmer",
    "doctor",
    "labourer",
    "engineer",
    "shopkeeper",
    "",
]
AUTHORITIES = [
    "Police",
    "Counter Terrorism Department",
    "Federal Investigation Agency",
    "Rangers",
    "Frontier Corps",
    "",
]
CHARGES = [
    ("Anti-Terrorism Act 1997", "7", "acts of terrorism"),
    ("Pakistan Penal Code", "124-A", "sedition"),
    ("Pakistan Penal Code", "153-A", "promoting enmity between groups"),
    ("Pakistan Penal Code", "505", "statements conducing to public mischief"),
    ("Maintenance of Public Order Ordinance 1960", "3", "detention to maintain public order"),
    ("Prevention of Electronic Crimes Act 2016", "20", "offences against dignity"),
    ("Pakistan Penal Code", "144", "joining an unlawful assembly armed"),
]
# (status, weight) for the imported detention's current status.
STATUSES = [
    ("DETAINED", 25),
    ("INCOMMUNICADO", 5),
    ("CHARGED", 10),
    ("AWAITING_TRIAL", 15),
    ("ON_BAIL", 12),
    ("CONVICTED", 8),
    ("ON_APPEAL", 5),
    ("ACQUITTED", 5),
    ("RELEASED", 14),
    ("DIED_IN_CUSTODY", 1),
]
SOURCES = [
    ("Human Rights Commission of Pakistan", "Annual report {year}"),
    ("Amnesty International", "Pakistan: urgent action {year}"),
    ("Dawn", "Activists held after protest, {year}"),
    ("The Express Tribune", "Court extends remand, {year}"),
    ("Workers Hammer", "Free the prisoners! ({year})"),
    ("Awami Action Committee", "List of detained comrades, {year}"),
]

# (Latin, Urdu) names. Weights fall with the rank, so the first are common.
MALE = [
    ("Muhammad", "محمد"),
    ("Ali", "علی"),
    ("Ahmed", "احمد"),
    ("Hassan", "حسن"),
    ("Hussain", "حسین"),
    ("Usman", "عثمان"),
    ("Bilal", "بلال"),
    ("Imran", "عمران"),
    ("Kamran", "کامران"),
    ("Faisal", "فیصل"),
    ("Tariq", "طارق"),
    ("Zahid", "زاہد"),
    ("Asif", "آصف"),
    ("Ehsan", "احسان"),
    ("Salman", "سلمان"),
    ("Shahid", "شاہد"),
    ("Javed", "جاوید"),
    ("Naveed", "نوید"),
    ("Rashid", "راشد"),
    ("Waqas", "وقاص"),
    ("Hamza", "حمزہ"),
    ("Junaid", "جنید"),
    ("Babar", "بابر"),
    ("Nadeem", "ندیم"),
    ("Sajid", "ساجد"),
    ("Farhan", "فرحان"),
    ("Kashif", "کاشف"),
    ("Adnan", "عدنان"),
    ("Arif", "عارف"),
    ("Qasim", "قاسم"),
    ("Yasir", "یاسر"),
    ("Zubair", "زبیر"),
    ("Shakeel", "شکیل"),
    ("Iqbal", "اقبال"),
    ("Akbar", "اکبر"),
    ("Salaar", "سالار"),
]
FEMALE = [
    ("Fatima", "فاطمہ"),
    ("Ayesha", "عائشہ"),
    ("Zainab", "زینب"),
    ("Maryam", "مریم"),
    ("Sana", "ثنا"),
    ("Amna", "آمنہ"),
    ("Hina", "حنا"),
    ("Saima", "صائمہ"),
    ("Nadia", "نادیہ"),
    ("Rubina", "روبینہ"),
    ("Shazia", "شازیہ"),
    ("Mahrang", "ماہ رنگ"),
    ("Sammi", "سمی"),
    ("Farzana", "فرزانہ"),
    ("Samina", "ثمینہ"),
    ("Bushra", "بشریٰ"),
    ("Kiran", "کرن"),
    ("Uzma", "عظمیٰ"),
    ("Sadia", "سعدیہ"),
    ("Nargis", "نرگس"),
]
SURNAMES = [
    ("Khan", "خان"),
    ("Ahmed", "احمد"),
    ("Malik", "ملک"),
    ("Hussain", "حسین"),
    ("Baloch", "بلوچ"),
    ("Qureshi", "قریشی"),
    ("Shah", "شاہ"),
    ("Butt", "بٹ"),
    ("Chaudhry", "چودھری"),
    ("Mengal", "مینگل"),
    ("Marri", "مری"),
    ("Bugti", "بگٹی"),
    ("Jatoi", "جتوئی"),
    ("Siddiqui", "صدیقی"),
    ("Awan", "اعوان"),
    ("Rana", "رانا"),
    ("Abbasi", "عباسی"),
    ("Bhatti", "بھٹی"),
    ("Memon", "میمن"),
    ("Soomro", "سومرو"),
    ("Mirza", "مرزا"),
    ("Sheikh", "شیخ"),
    ("Yousafzai", "یوسفزئی"),
    ("Afridi", "آفریدی"),
    ("Wazir", "وزیر"),
    ("Mehsud", "محسود"),
    ("Dawar", "داوڑ"),
    ("Baig", "بیگ"),
    ("Hunzai", "ہنزائی"),
    ("Shigri", "شگری"),
    ("Raja", "راجہ"),
    ("Lashari", "لاشاری"),
    ("Jamali", "جمالی"),
    ("Kakar", "کاکڑ"),
    ("Achakzai", "اچکزئی"),
    ("Zehri", "زہری"),
    ("Magsi", "مگسی"),
    ("Talpur", "تالپور"),
    ("Bhutto", "بھٹو"),
    ("Leghari", "لغاری"),
    ("Gondal", "گوندل"),
    ("Cheema", "چیمہ"),
    ("Warraich", "وڑائچ"),
    ("Gill", "گل"),
    ("Sandhu", "سندھو"),
    ("Dogar", "ڈوگر"),
    ("Niazi", "نیازی"),
    ("Gardezi", "گردیزی"),
    ("Fayyaz", "فیاض"),
    ("Sakhi", "سخی"),
]


def weights(count: int) -> list[float]:
    """Zipf-like weights: the first name of a list is the most common."""
    return [1 / (rank**0.9) for rank in range(1, count + 1)]


MALE_WEIGHTS = weights(len(MALE))
FEMALE_WEIGHTS = weights(len(FEMALE))
SURNAME_WEIGHTS = weights(len(SURNAMES))


def external_id(index: int) -> str:
    """The import file's id of person ``index`` (0-based)."""
    return f"{ID_PREFIX}{index + 1:06d}"


def arrest_date(rng: random.Random) -> str:
    """A date of arrest in 2015 to 2025 as the importer reads it, of mixed precision."""
    day = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(11 * 365))
    precision = rng.random()
    if precision < 0.62:
        return day.isoformat()
    if precision < 0.82:
        return day.strftime("%Y-%m")
    if precision < 0.96:
        return str(day.year)
    return ""


def csv_rows(count: int, seed: int = RANDOM_SEED) -> Iterator[dict[str, str]]:
    """``count`` rows of the import file, the same for the same seed; one person each.

    Names are Latin-script, about 15% with the Urdu spelling too and 2% in
    Urdu script only; about half are affiliated with a demo organisation and
    about half charged. Every row names the demo campaign.
    """
    rng = random.Random(seed)
    status_values = [s for s, _w in STATUSES]
    status_weights = [w for _s, w in STATUSES]
    for index in range(count):
        female = rng.random() < 0.3
        given_list, given_weights = (FEMALE, FEMALE_WEIGHTS) if female else (MALE, MALE_WEIGHTS)
        parts = [rng.choices(given_list, given_weights)[0]]
        if not female and parts[0][0] != "Muhammad" and rng.random() < 0.25:
            parts.insert(0, MALE[0])
        parts.append(rng.choices(SURNAMES, SURNAME_WEIGHTS)[0])
        latin = " ".join(p[0] for p in parts)
        urdu = " ".join(p[1] for p in parts)
        script = rng.random()
        name, name_ur = (urdu, "") if script < 0.02 else (latin, urdu if script < 0.17 else "")
        arrested = arrest_date(rng)
        status = rng.choices(status_values, status_weights)[0]
        year = arrested[:4] or str(rng.randrange(2015, 2026))
        publisher, title = SOURCES[rng.randrange(len(SOURCES))]
        affiliated = rng.random() < 0.5
        charged = rng.random() < 0.5
        region = REGIONS[rng.randrange(len(REGIONS))]
        row = {
            "external_id": external_id(index),
            "name": name,
            "name_ur": name_ur,
            "aliases": f"Comrade {parts[-2][0]}" if rng.random() < 0.1 else "",
            "gender": "FEMALE" if female else "MALE",
            "birth_year": str(rng.randrange(1950, 2006)) if rng.random() < 0.6 else "",
            "home_region": region,
            "occupation": OCCUPATIONS[rng.randrange(len(OCCUPATIONS))],
            "summary": (
                f"Arrested in {region} after a protest, as {publisher} reported."
                if rng.random() < 0.7
                else ""
            ),
            "affiliation": ORGANISATIONS[rng.randrange(len(ORGANISATIONS))] if affiliated else "",
            "affiliation_role": ROLES[rng.randrange(len(ROLES))] if affiliated else "",
            "campaign": CAMPAIGN_SLUG,
            "arrested_on": arrested,
            "place": f"{REGIONS[rng.randrange(len(REGIONS))]} press club",
            "authority": AUTHORITIES[rng.randrange(len(AUTHORITIES))],
            "charges": (
                "; ".join(
                    "|".join(charge) for charge in rng.sample(CHARGES, rng.choice([1, 1, 2, 3]))
                )
                if charged
                else ""
            ),
            "status": status,
            "status_on": "",
            "source_publisher": publisher,
            "source_title": title.format(year=year),
            "source_url": f"https://example.org/{publisher.lower().replace(' ', '-')}/{year}",
            "source_published_on": year,
            "certainty": "VERIFIED" if rng.random() < 0.4 else "REPORTED",
        }
        yield row


COLUMNS = list(next(csv_rows(1)).keys())

# Case histories: the benchmark asks `history` for 50,000 further detentions
# and 500,000 events on 100,000 persons.
EVENT_KINDS = [
    ("HEARING", 70),
    ("BAIL_DENIED", 10),
    ("TRANSFER", 8),
    ("HEALTH_ALARM", 4),
    ("BAIL_GRANTED", 4),
    ("OTHER", 4),
]
COURTS = [
    "Anti-Terrorism Court",
    "Sessions Court",
    "High Court",
    "Judicial Magistrate",
    "Supreme Court",
]
SECOND_STATUSES = ["CHARGED", "AWAITING_TRIAL", "ON_BAIL", "CONVICTED", "RELEASED"]


def event_text(kind: str, court: str, region: str) -> str:
    """The description of an event, as a documenter would write it."""
    if kind == "HEARING":
        return f"Hearing at the {court}, {region}; adjourned."
    if kind == "BAIL_DENIED":
        return f"The {court}, {region}, refused bail."
    if kind == "BAIL_GRANTED":
        return f"The {court}, {region}, granted bail; not yet released."
    if kind == "TRANSFER":
        return f"Moved to the central jail in {region}."
    if kind == "HEALTH_ALARM":
        return "Family reports untreated illness in custody."
    return "Lawyers were refused access."


def grant_users() -> dict[str, Any]:
    """The two documenters of the demo campaign the import names (created if missing)."""
    from django.contrib.auth import get_user_model

    from habeas.cases.models import Person
    from habeas.coalition.models import Campaign, Role, RoleGrant

    campaign = Campaign.objects.get(slug=CAMPAIGN_SLUG)
    users = get_user_model()._default_manager
    made = []
    for username in (IMPORTER, PUBLISHER):
        user, _created = users.get_or_create(username=username)
        if not RoleGrant.objects.active().filter(
            user=user, role=Role.DOCUMENTER, campaign=campaign
        ):
            RoleGrant.objects.create(user=user, role=Role.DOCUMENTER, campaign=campaign)
        if not user.has_perm("cases.document", campaign):
            raise SystemExit(f"{username} is not a documenter of {CAMPAIGN_SLUG} after the grant")
        made.append(username)
    imported = Person.objects.filter(external_id__startswith=ID_PREFIX).count()
    return {"users": made, "campaign": CAMPAIGN_SLUG, "imported_persons": imported}


def add_history(extra_detentions: int, events: int) -> dict[str, Any]:
    """Add ``extra_detentions`` detentions and ``events`` case events to imported persons.

    A third of the persons who get more detentions get two. The events are
    spread unevenly over all detentions (from none to a dozen or more) and
    add up to ``events``. Returns the counts, and the ids of the persons
    touched, whom ``republish`` must publish again.
    """
    from habeas.cases.models import CaseEvent, Charge, Detention, Person, StatusChange
    from habeas.core.models import Source

    rng = random.Random(HISTORY_SEED)
    sources = [
        Source.objects.get_or_create(
            title=f"Court diary {n + 1}", publisher="Bench lawyers' collective"
        )[0]
        for n in range(20)
    ]
    persons = list(
        Person.objects.filter(external_id__startswith=ID_PREFIX)
        .order_by("pk")
        .values_list("pk", "home_region")
    )
    if not persons:
        raise SystemExit("no imported persons: run the import first")
    region_of = dict(persons)
    # Who gets more detentions: twice for one in three of them.
    chosen = rng.sample(persons, k=min(len(persons), extra_detentions * 2 // 3))
    extra_owners = [pk for pk, _region in chosen]
    extra_owners += extra_owners[: extra_detentions - len(extra_owners)]
    extra_owners = extra_owners[:extra_detentions]
    detentions = []
    for person_id in extra_owners:
        day = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(11 * 365))
        detentions.append(
            Detention(
                person_id=person_id,
                arrested_on=day,
                arrested_precision="DAY",
                place=f"{REGIONS[rng.randrange(len(REGIONS))]} bazaar",
                authority=AUTHORITIES[rng.randrange(len(AUTHORITIES))],
                source=sources[rng.randrange(len(sources))],
                certainty="REPORTED",
            )
        )
    Detention.objects.bulk_create(detentions, batch_size=2000)
    if any(d.pk is None for d in detentions):
        raise SystemExit("the database returned no ids for the new detentions")
    changes, charges = [], []
    for detention in detentions:
        source = detention.source
        changes.append(
            StatusChange(
                detention=detention,
                status="DETAINED",
                on=detention.arrested_on,
                precision="DAY",
                source=source,
            )
        )
        if rng.random() < 0.6:
            assert detention.arrested_on is not None
            changes.append(
                StatusChange(
                    detention=detention,
                    status=rng.choice(SECOND_STATUSES),
                    on=detention.arrested_on + datetime.timedelta(days=rng.randrange(5, 400)),
                    precision="DAY",
                    source=source,
                )
            )
        if rng.random() < 0.5:
            law, section, description = rng.choice(CHARGES)
            charges.append(
                Charge(detention=detention, law=law, section=section, description=description)
            )
    StatusChange.objects.bulk_create(changes, batch_size=2000)
    Charge.objects.bulk_create(charges, batch_size=2000)
    all_detentions = list(
        Detention.objects.filter(person__external_id__startswith=ID_PREFIX)
        .order_by("pk")
        .values_list("pk", "person_id", "arrested_on")
    )
    kinds = [k for k, _w in EVENT_KINDS]
    kind_weights = [w for _k, w in EVENT_KINDS]
    # Events per detention: uneven, most from 0 to 12, adding up to exactly ``events``.
    per_detention = [0] * len(all_detentions)
    for _ in range(events):
        per_detention[int(rng.triangular(0, len(all_detentions), 0))] += 1
    rng.shuffle(per_detention)
    touched: set[int] = set(extra_owners)
    created_events = 0
    batch: list[CaseEvent] = []
    today = datetime.date(2026, 6, 30)
    for (detention_id, person_id, arrested), count in zip(
        all_detentions, per_detention, strict=True
    ):
        if not count:
            continue
        touched.add(person_id)
        start = arrested or datetime.date(2020, 1, 1)
        region = region_of.get(person_id, "") or "Lahore"
        day = start
        for n in range(count):
            day = day + datetime.timedelta(days=rng.randrange(7, 60))
            kind = rng.choices(kinds, kind_weights)[0]
            court = COURTS[rng.randrange(len(COURTS))]
            last = n == count - 1
            next_hearing = None
            if kind == "HEARING" and last and day < today:
                next_hearing = today + datetime.timedelta(days=rng.randrange(1, 90))
            batch.append(
                CaseEvent(
                    detention_id=detention_id,
                    kind=kind,
                    on=day,
                    precision="DAY",
                    description=event_text(kind, court, region),
                    next_hearing_on=next_hearing,
                    source=sources[rng.randrange(len(sources))],
                    certainty="REPORTED",
                )
            )
        if len(batch) >= 20_000:
            CaseEvent.objects.bulk_create(batch, batch_size=2000)
            created_events += len(batch)
            batch = []
    CaseEvent.objects.bulk_create(batch, batch_size=2000)
    created_events += len(batch)
    return {
        "extra_detentions": len(detentions),
        "extra_status_changes": len(changes),
        "extra_charges": len(charges),
        "events": created_events,
        "max_events_per_detention": max(per_detention),
        "touched_persons": sorted(touched),
    }


def republish(person_ids: list[int]) -> dict[str, Any]:
    """Publish the persons in batches of PUBLISH_BATCH, one transaction each, as doc 2."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from habeas.cases.services import publish_many

    by = get_user_model()._default_manager.get(username=PUBLISHER)
    batches = 0
    for start in range(0, len(person_ids), PUBLISH_BATCH):
        with transaction.atomic():
            publish_many(person_ids=person_ids[start : start + PUBLISH_BATCH], by=by)
        batches += 1
    return {"republished": len(person_ids), "batches": batches}


def vacuum() -> dict[str, Any]:
    """On PostgreSQL, vacuum and analyse the database, as autovacuum soon would.

    Republishing replaces every public record it touches, leaving about two
    dead row versions per record; until they are vacuumed, counting the
    register reads all of them (measured: COUNT(*) of the records 200 ms
    instead of 3 ms). Benchmarks measure the steady state, not the minutes
    before autovacuum catches up. SQLite has nothing of the kind: skipped.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return {"vacuumed": False}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return {"vacuumed": True}


def info(words: list[str]) -> dict[str, Any]:
    """Counts, representative persons, and what the register's search finds for ``words``."""
    from django.db import connection
    from django.db.models import Count

    from habeas.cases import search
    from habeas.cases.models import (
        CaseEvent,
        Charge,
        Detention,
        DetentionSpan,
        Person,
        PublicRecord,
        PublicVersion,
        StatusChange,
    )
    from habeas.coalition.models import Organisation

    imported = Person.objects.filter(external_id__startswith=ID_PREFIX)
    counts = {
        "persons": Person.objects.count(),
        "imported_persons": imported.count(),
        "imported_public": PublicRecord.objects.filter(person__in=imported).count(),
        "detentions": Detention.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "charges": Charge.objects.count(),
        "events": CaseEvent.objects.count(),
        "public_records": PublicRecord.objects.count(),
        "public_versions": PublicVersion.objects.count(),
        "detention_spans": DetentionSpan.objects.count(),
        "organisations": Organisation.objects.count(),
    }
    # Representative person pages: one at the median number of events among
    # those with two detentions, and the one with the most events.
    by_events = list(
        PublicRecord.objects.filter(person__external_id__startswith=ID_PREFIX)
        .annotate(
            n_detentions=Count("person__detentions", distinct=True),
            n_events=Count("person__detentions__events", distinct=True),
        )
        .filter(n_detentions=2)
        .order_by("n_events", "pk")
        .values("slug", "name", "n_detentions", "n_events")
    )
    heaviest = (
        PublicRecord.objects.filter(person__external_id__startswith=ID_PREFIX)
        .annotate(
            n_detentions=Count("person__detentions", distinct=True),
            n_events=Count("person__detentions__events", distinct=True),
        )
        .order_by("-n_events", "pk")
        .values("slug", "name", "n_detentions", "n_events")
        .first()
    )
    typical = by_events[len(by_events) * 3 // 4] if by_events else None
    searches = {}
    for word in words:
        searches[word] = search.matching(PublicRecord.objects.all(), word).count()
    regions = dict(
        PublicRecord.objects.values_list("home_region").annotate(n=Count("pk")).order_by()
    )
    return {
        "vendor": connection.vendor,
        **counts,
        "person_typical": typical,
        "person_heaviest": heaviest,
        "search_matches": searches,
        "region_records": regions,
    }


def main(argv: list[str]) -> int:
    """Run one step (users, history, republish FILE, info WORDS...); print its JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
    import django

    django.setup()
    from django.db import transaction

    step, args = (argv[0], argv[1:]) if argv else ("", [])
    started = time.perf_counter()
    if step == "users":
        result = grant_users()
    elif step == "history":
        with transaction.atomic():
            result = add_history(int(args[1]), int(args[2]))
        touched = result.pop("touched_persons")
        with open(args[0], "w", encoding="utf-8") as handle:
            json.dump(touched, handle)
        result["touched_persons"] = len(touched)
    elif step == "republish":
        with open(args[0], encoding="utf-8") as handle:
            ids = json.load(handle)
        result = republish(ids)
    elif step == "vacuum":
        result = vacuum()
    elif step == "info":
        result = info(args)
    else:
        print("usage: python -m bench.seed_register users|history|republish|vacuum|info ...")
        return 2
    result["step_s"] = round(time.perf_counter() - started, 3)
    print(json.dumps(result, sort_keys=True, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

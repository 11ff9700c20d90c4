"""Record what the demo loader created, so it never creates it again.

A database the demo was loaded into before gets the keys of the demo items it
already holds, found by their natural keys, so that loading again after this
migration adds nothing a user has since revoked, hidden, changed or deleted.
"""

import django.utils.timezone
from django.db import migrations, models

CAMPAIGN_SLUG = "free-political-prisoners-pakistan"
OPEN_LETTER_SLUG = "united-class-struggle-defence-2025-05-30"
ORGANISATIONS = ["sl-b", "rci", "aac-gb", "mkp", "awp-gb", "pti"]
MEMBERS = ["rci", "aac-gb", "sl-b"]
DEMANDS = [
    "Free Ehsan Ali, comrades of the AAC-GB, and leftist political prisoners!",
    "For united class-struggle defence to free political prisoners in Pakistan!",
    "Free Imran Khan!",
    "Inqalab Zindabad!",
]
PERSONS = {"ehsan-ali": "", "salaar-fayyaz-ali": "mkp", "asif-sakhi": "awp-gb", "imran-khan": "pti"}
ACTIONS = [
    ("London", "Protest outside the Pakistani Consulate"),
    ("New York", "Solidarity protest"),
    ("Berlin", "Solidarity protest"),
    ("Toronto", "Solidarity protest"),
]


def demo_keys_present(apps):  # type: ignore[no-untyped-def]
    """The keys of the demo items this database holds, by their natural keys."""
    get = apps.get_model
    keys = []
    source = (
        get("core", "Source")
        .objects.filter(
            title="Open Letter to the Revolutionary Communist International",
            publisher="Spartacist League/Britain (Workers Hammer)",
        )
        .first()
    )
    if source is not None:
        keys.append("source")
        if get("coalition", "Correspondence").objects.filter(source=source).exists():
            keys.append("correspondence")
    organisations = get("coalition", "Organisation").objects
    keys += [f"organisation:{s}" for s in ORGANISATIONS if organisations.filter(slug=s).exists()]
    campaign = get("coalition", "Campaign").objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is None:
        return keys
    keys.append("campaign")
    memberships = get("coalition", "CampaignMembership").objects.filter(campaign=campaign)
    keys += [f"membership:{s}" for s in MEMBERS if memberships.filter(organisation__slug=s).exists()]
    demands = get("coalition", "Demand").objects.filter(campaign=campaign)
    versions = get("coalition", "DemandVersion").objects.filter(demand__campaign=campaign)
    for text in DEMANDS:
        # A demand its proposer has since revised is found by its first wording.
        if demands.filter(text=text).exists() or versions.filter(number=1, text=text).exists():
            keys.append(f"demand:{text}")
    persons = get("cases", "Person").objects
    for slug, organisation in PERSONS.items():
        person = persons.filter(slug=slug).first()
        if person is None:
            continue
        keys.append(f"person:{slug}")
        affiliations = get("cases", "Affiliation").objects.filter(person=person)
        if organisation and affiliations.filter(organisation__slug=organisation).exists():
            keys.append(f"affiliation:{slug}")
        if get("cases", "Detention").objects.filter(person=person).exists():
            keys.append(f"detention:{slug}")
        if get("cases", "PublicRecord").objects.filter(person=person).exists():
            keys.append(f"public record:{slug}")
    actions = get("actions", "Action").objects.filter(campaign=campaign)
    for city, title in ACTIONS:
        # A title changed since is still the protest in that city.
        if actions.filter(city=city).exists():
            keys.append(f"action:{city}:{title}")
    if get("fund", "Fund").objects.filter(campaign=campaign).exists():
        keys.append("fund")
    user = get("accounts", "User").objects.filter(username="coordinator").first()
    if user is not None:
        keys.append("user:coordinator")
        grants = get("coalition", "RoleGrant").objects.filter(
            user=user, role="COORDINATOR", campaign=campaign
        )
        if grants.exists():  # revoked or not
            keys.append("role:coordinator")
    if get("letters", "Letter").objects.filter(slug=OPEN_LETTER_SLUG).exists():
        keys.append("open letter")
    return keys


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    item = apps.get_model("demo", "DemoItem")
    item.objects.bulk_create([item(key=key) for key in demo_keys_present(apps)])


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        ("actions", "0005_photos_withdrawn_reason"),
        ("cases", "0015_search_spelling_keys"),
        ("coalition", "0005_one_standing_notice_per_item"),
        ("core", "0001_squashed_0003_forget_finished_task_mail"),
        ("fund", "0001_initial"),
        ("letters", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DemoItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200, unique=True, verbose_name="key")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
            ],
            options={
                "verbose_name": "demo item",
                "verbose_name_plural": "demo items",
                "ordering": ["key"],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

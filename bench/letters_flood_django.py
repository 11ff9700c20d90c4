"""The letters flood's steps inside Habeas: seed, confirmation tokens, fold, audit.

Run in its own process with the environment Habeas is served with (the same
HABEAS_VAR_DIR or DATABASE_URL and the same secret key, which the tokens and
the address hashes depend on)::

    python -m bench.letters_flood_django seed --tag TAG
    python -m bench.letters_flood_django tokens --slug SLUG --out FILE
    python -m bench.letters_flood_django fold
    python -m bench.letters_flood_django audit --slug SLUG --records FILE [--count-json N]

Each prints one JSON object on its last line of stdout. Importing this
module loads no Django.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

SLUG_PREFIX = "bench-flood"
BODY = (
    "We, the undersigned, call for the release of every political prisoner held "
    "for peaceful protest, and for their lawyers and families to be allowed to "
    "see them.\n\nThis letter exists only to be signed by the load benchmark."
)


def slugs(tag: str) -> dict[str, str]:
    """The letters one run seeds: the flood's, and the one-address run's."""
    return {"flood": f"{SLUG_PREFIX}-{tag}", "one_address": f"{SLUG_PREFIX}-{tag}-one"}


def seed(tag: str) -> dict[str, Any]:
    """A user, an organisation, a campaign and two OPEN letters; the floor's table."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from bench.floor_insert_urls import create_table
    from habeas.coalition.models import Campaign, CampaignMembership, Organisation
    from habeas.core.text import render_markdown
    from habeas.letters.models import Letter, LetterText

    now = timezone.now()
    names = slugs(tag)
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=f"{SLUG_PREFIX}-{tag}")
        organisation = Organisation.objects.create(
            name=f"Bench Flood Union {tag}",
            slug=f"{SLUG_PREFIX}-union-{tag}",
            kind=Organisation.Kind.UNION,
            country="GB",
        )
        campaign = Campaign.objects.create(
            title=f"Bench flood campaign {tag}",
            slug=f"{SLUG_PREFIX}-campaign-{tag}",
            status=Campaign.Status.ACTIVE,
        )
        CampaignMembership.objects.create(
            campaign=campaign,
            organisation=organisation,
            status=CampaignMembership.Status.ACTIVE,
        )
        for slug in names.values():
            letter = Letter.objects.create(
                campaign=campaign,
                slug=slug,
                status=Letter.Status.OPEN,
                opens_at=now - datetime.timedelta(hours=1),
                created_by=user,
                published_at=now,
                published_by=user,
            )
            letter.authors.add(organisation)
            LetterText.objects.create(
                letter=letter,
                language="en",
                title=f"Free the prisoners (benchmark {slug})",
                addressees="The Prime Minister",
                body=BODY,
                body_html=str(render_markdown(BODY)),
            )
    create_table()
    return {"slugs": names}


def tokens(slug: str, out: Path) -> dict[str, Any]:
    """Write a confirmation token for every pending signature of the letter; how many."""
    from habeas.letters.models import Signature
    from habeas.letters.tokens import confirm_token

    pending = Signature.objects.filter(letter__slug=slug, status=Signature.Status.PENDING)
    written = 0
    with out.open("w", encoding="ascii") as file:
        for signature in pending.order_by("pk").iterator(chunk_size=2000):
            file.write(confirm_token(signature) + "\n")
            written += 1
    return {"tokens": written}


def fold(rounds: int = 50) -> dict[str, Any]:
    """Fold confirmations into the counts, as the periodic clock does, until none is due
    (at most ``rounds`` runs of ``habeas clock --once``)."""
    from django.core.management import call_command

    from habeas.letters.models import Signature

    started = time.perf_counter()
    done = 0
    while done < rounds:
        done += 1
        call_command("clock", "--once")
        if not Signature.objects.filter(tally_due=True).exists():
            break
    return {
        "fold": "habeas clock --once",
        "fold_rounds": done,
        "fold_s": round(time.perf_counter() - started, 3),
    }


def read_records(path: Path) -> list[dict[str, Any]]:
    """The flood's records, one JSON object a line."""
    with path.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def audit(slug: str, records: list[dict[str, Any]], count_json: int | None) -> dict[str, Any]:
    """Hold the letter's rows against what the flood sent and was answered.

    Every signer answered 303 must have exactly one row (by the keyed hash of
    the canonical address, which the server's own function computes); no row
    may belong to an address nobody sent; every spelling of one signer must
    fold to one address and two signers never to the same one; and the
    published count must equal both the counted rows and the distinct
    confirmed addresses.
    """
    from django.db.models import Sum

    from habeas.letters.addresses import address_key
    from habeas.letters.models import Letter, Signature, SignatureCount

    letter = Letter.objects.get(slug=slug)
    keys_of: dict[int, set[str]] = defaultdict(set)
    answered: set[int] = set()
    unanswered: set[int] = set()
    statuses: Counter[str] = Counter()
    for record in records:
        key = address_key(record["email"])
        keys_of[record["identity"]].add(key)
        statuses[str(record["status"])] += 1
        if record["status"] == 303:
            answered.add(record["identity"])
        elif record["status"] is None:
            unanswered.add(record["identity"])
    identity_of: dict[str, int] = {}
    key_clashes = 0
    for identity, keys in keys_of.items():
        for key in keys:
            if identity_of.setdefault(key, identity) != identity:
                key_clashes += 1
    unfolded = sum(1 for keys in keys_of.values() if len(keys) != 1)

    rows = list(
        Signature.objects.filter(letter=letter).values_list(
            "email_key", "status", "suspect", "invalidation_id", "counted"
        )
    )
    per_key = Counter(row[0] for row in rows)
    lost = sum(1 for identity in answered if per_key[next(iter(keys_of[identity]))] == 0)
    doubled = sum(1 for key, n in per_key.items() if key is not None and n > 1)
    stray = sum(n for key, n in per_key.items() if key not in identity_of)
    unanswered_only = unanswered - answered
    unanswered_with_row = sum(
        1 for identity in unanswered_only if per_key[next(iter(keys_of[identity]))] > 0
    )
    confirmed = [row for row in rows if row[1] == Signature.Status.CONFIRMED]
    counted_by_rule = [row for row in confirmed if not row[2] and row[3] is None]
    distinct_confirmed = len({row[0] for row in counted_by_rule})
    folded = SignatureCount.objects.filter(letter=letter).aggregate(total=Sum("signatures"))
    folded_total = folded["total"] or 0
    figures = {
        "submissions": len(records),
        "statuses": dict(sorted(statuses.items())),
        "signers_sent": len(keys_of),
        "signers_answered_303": len(answered),
        "signers_unanswered": len(unanswered_only),
        "unanswered_with_row": unanswered_with_row,
        "spellings_not_folded": unfolded,
        "addresses_shared_by_two_signers": key_clashes,
        "rows": len(rows),
        "lost": lost,
        "doubled": doubled,
        "stray_rows": stray,
        "pending_rows": sum(1 for row in rows if row[1] == Signature.Status.PENDING),
        "confirmed_rows": len(confirmed),
        "suspect_rows": dict(sorted(Counter(row[2] for row in rows if row[2]).items())),
        "counted_rows": len(counted_by_rule),
        "counted_flag_rows": sum(1 for row in rows if row[4]),
        "distinct_confirmed_addresses": distinct_confirmed,
        "signature_count_total": folded_total,
        "count_json_total": count_json,
    }
    figures["one_row_per_answered_signer"] = (
        lost == 0 and doubled == 0 and stray == 0 and unfolded == 0 and key_clashes == 0
    )
    figures["count_equals_distinct_confirmed"] = (
        count_json == folded_total == len(counted_by_rule) == distinct_confirmed
    )
    return figures


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.letters_flood_django")
    steps = parser.add_subparsers(dest="step", required=True)
    step = steps.add_parser("seed")
    step.add_argument("--tag", required=True)
    step = steps.add_parser("tokens")
    step.add_argument("--slug", required=True)
    step.add_argument("--out", type=Path, required=True)
    steps.add_parser("fold")
    step = steps.add_parser("audit")
    step.add_argument("--slug", required=True)
    step.add_argument("--records", type=Path, required=True)
    step.add_argument("--count-json", type=int)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run one step and print its result as one JSON line."""
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
    import django

    django.setup()
    if args.step == "seed":
        result = seed(args.tag)
    elif args.step == "tokens":
        result = tokens(args.slug, args.out)
    elif args.step == "fold":
        result = fold()
    else:
        result = audit(args.slug, read_records(args.records), args.count_json)
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Letters and signatures written straight to the database, for the public pages' and
the tally's tests (the signing service is tested on its own)."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from habeas.letters.addresses import address_key
from habeas.letters.models import Letter, LetterText, Signature
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory

_numbers = itertools.count(1)


def make_letter(
    *, status: str = Letter.Status.OPEN, slug: str = "", urdu: bool = False, **fields: Any
) -> Letter:
    """A letter with an English text (and an Urdu one if asked), by one organisation."""
    author = OrganisationFactory()
    letter = Letter.objects.create(
        campaign=fields.pop("campaign", None) or CampaignFactory(),
        slug=slug or f"letter-{next(_numbers)}",
        status=status,
        created_by=UserFactory(),
        published_at=None if status == Letter.Status.DRAFT else timezone.now(),
        **fields,
    )
    letter.authors.add(author)
    LetterText.objects.create(
        letter=letter,
        language="en",
        title=f"Free the prisoners of {letter.slug}",
        addressees="The Prime Minister",
        body="Release them **now**.",
        body_html="<p>Release them <strong>now</strong>.</p>",
    )
    if urdu:
        LetterText.objects.create(
            letter=letter,
            language="ur",
            title="قیدیوں کو رہا کرو",
            addressees="وزیر اعظم",
            body="انہیں رہا کرو",
            body_html="<p>انہیں رہا کرو</p>",
        )
    return letter


def sign(
    letter: Letter,
    *,
    name: str = "",
    country: str = "PK",
    status: str = Signature.Status.CONFIRMED,
    confirmed_at: datetime.datetime | None = None,
    show_name: bool = True,
    **fields: Any,
) -> Signature:
    """A signature as the signing service would leave it: marked for the tally when
    its standing changed (confirmed)."""
    n = next(_numbers)
    email = fields.pop("email", f"signer{n}@example.org")
    now = timezone.now()
    confirmed = status != Signature.Status.PENDING
    return Signature.objects.create(
        letter=letter,
        name=name or f"Signer {n:05d}",
        email=email,
        email_key=address_key(email),
        email_domain=email.rpartition("@")[2],
        country=country,
        show_name=show_name,
        language="en",
        status=status,
        confirmed_at=(confirmed_at or now) if confirmed else None,
        tally_due=confirmed,
        **fields,
    )


def change(signature: Signature, **fields: Any) -> Signature:
    """Change a signature's standing as a service would: the row marked for the tally."""
    for name, value in fields.items():
        setattr(signature, name, value)
    signature.tally_due = True
    signature.save(update_fields=[*fields, "tally_due"])
    return signature

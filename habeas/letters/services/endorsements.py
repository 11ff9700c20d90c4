"""Endorsements of open letters: by organisations on Habeas, and requests from those not on it.

An organisation on Habeas endorses through its own editors and shows at
once; only they can withdraw it. An organisation not on Habeas asks through
a public form, without an account, and shows only once a coordinator of the
letter's campaign has verified it; its contact address is kept only until
then (least data).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import Organisation
from habeas.coalition.services._checks import clean_text, clean_title, require
from habeas.core.countries import is_country
from habeas.core.pagecache import public_changed
from habeas.letters.models import Endorsement, Letter

NAME_LIMIT = 200
EMAIL_LIMIT = 254
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


def _standing(letter: Letter, organisation: Organisation) -> Endorsement | None:
    return (
        Endorsement.objects.filter(letter=letter, organisation=organisation)
        .exclude(status=Endorsement.Status.WITHDRAWN)
        .first()
    )


def _require_open(letter: Letter) -> None:
    if letter.status != Letter.Status.OPEN:
        raise ValidationError(_("Only a letter open for signing can be endorsed."))


@transaction.atomic
def endorsement_add(*, by: User, letter: Letter, organisation: Organisation) -> Endorsement:
    """``organisation`` endorses ``letter``, shown at once (its editor speaks for it).

    One standing endorsement per organisation: endorsing again, or at the
    same moment from two pages, returns the one that stands. Raises
    PermissionDenied unless ``by`` edits for ``organisation``,
    ValidationError unless the letter is open.
    """
    require(by, "letters.endorse_for_organisation", organisation)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _require_open(letter)
    existing = _standing(letter, organisation)
    if existing is not None:
        return existing
    public_changed()
    try:
        with transaction.atomic():
            return Endorsement.objects.create(
                letter=letter,
                organisation=organisation,
                name=organisation.name,
                kind=organisation.kind,
                country=organisation.country,
                status=Endorsement.Status.VERIFIED,
                created_by=by,
            )
    except IntegrityError:
        found = _standing(letter, organisation)
        if found is None:  # pragma: no cover — the clash was not the one constraint
            raise
        return found


@transaction.atomic
def endorsement_withdraw(*, by: User, endorsement: Endorsement) -> Endorsement:
    """The organisation takes back its endorsement; it may endorse again later.

    Raises PermissionDenied unless ``by`` edits for the endorsing
    organisation (no coordinator or admin withdraws another's word; a
    request from outside Habeas has no editors here), ValidationError when
    it does not stand.
    """
    if endorsement.organisation is None:
        raise PermissionDenied
    require(by, "letters.endorse_for_organisation", endorsement.organisation)
    endorsement = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if endorsement.status != Endorsement.Status.VERIFIED:
        raise ValidationError(_("This endorsement is not standing, so it cannot be withdrawn."))
    endorsement.status = Endorsement.Status.WITHDRAWN
    endorsement.decided_at = timezone.now()
    endorsement.decided_by = by
    endorsement.save(update_fields=["status", "decided_at", "decided_by"])
    public_changed()
    return endorsement


@transaction.atomic
def endorsement_request(
    *,
    letter: Letter,
    name: str,
    kind: str,
    country: str,
    signatory: str,
    signatory_role: str,
    contact_email: str,
) -> Endorsement:
    """An organisation not on Habeas asks to endorse ``letter``; nothing shows until verified.

    No account: the request is checked by a coordinator, who may write to
    ``contact_email``. The same organisation asking again while a request
    waits changes nothing. Raises ValidationError for a letter not open, a
    missing or oversized field, a name with direction controls, an unknown
    kind, a country not written as its two-letter code or a malformed address.
    """
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _require_open(letter)
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    checks: tuple[tuple[str, Callable[[], str]], ...] = (
        ("name", lambda: clean_title(name, field="name", limit=NAME_LIMIT)),
        ("signatory", lambda: clean_title(signatory, field="signatory", limit=NAME_LIMIT)),
        (
            "signatory_role",
            lambda: clean_text(
                signatory_role, field="signatory_role", limit=NAME_LIMIT, required=False
            ),
        ),
    )
    for field, check in checks:
        try:
            values[field] = check()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if kind not in Organisation.Kind.values:
        errors["kind"] = [_("Choose what kind of organisation it is.")]
    country = country.strip().upper()
    if not COUNTRY_CODE.match(country) or not is_country(country):
        errors["country"] = [_("Use a two-letter country code, such as PK or GB.")]
    contact_email = contact_email.strip()
    try:
        if len(contact_email) > EMAIL_LIMIT:
            raise ValidationError("")
        validate_email(contact_email)
    except ValidationError:
        errors["contact_email"] = [_("Enter an e-mail address we can write to.")]
    if errors:
        raise ValidationError(errors)
    waiting = Endorsement.objects.filter(
        letter=letter,
        organisation__isnull=True,
        status=Endorsement.Status.PENDING,
        name__iexact=values["name"],
    ).first()
    if waiting is not None:
        return waiting
    return Endorsement.objects.create(
        letter=letter,
        name=values["name"],
        kind=kind,
        country=country,
        signatory=values["signatory"],
        signatory_role=values["signatory_role"],
        contact_email=contact_email,
        status=Endorsement.Status.PENDING,
    )


@transaction.atomic
def endorsement_decide(*, by: User, endorsement: Endorsement, verify: bool) -> Endorsement:
    """A coordinator verifies a request from outside Habeas (it shows) or rejects it.

    Either way the contact address is erased: it was needed only to check.
    Raises PermissionDenied unless ``by`` coordinates the letter's campaign,
    ValidationError unless the request waits.
    """
    require(by, "letters.verify_endorsement", endorsement.letter)
    endorsement = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if endorsement.status != Endorsement.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    endorsement.status = Endorsement.Status.VERIFIED if verify else Endorsement.Status.REJECTED
    endorsement.decided_at = timezone.now()
    endorsement.decided_by = by
    endorsement.contact_email = ""
    endorsement.save(update_fields=["status", "decided_at", "decided_by", "contact_email"])
    if verify:
        # A rejected request was never shown, so only a verified one changes pages.
        public_changed()
    return endorsement

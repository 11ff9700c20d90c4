"""Writing open letters: drafting, editing before publication, publishing, closing.

A letter is its authoring organisations' words, so every step here needs an
editor of an author (``habeas.letters.rules``): no coordinator and no site
admin writes or publishes in another organisation's name.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import Campaign, Organisation
from habeas.coalition.services._checks import active_membership, clean_text, clean_title, require
from habeas.core.pagecache import public_changed
from habeas.core.slugs import unique_slug
from habeas.core.text import render_markdown
from habeas.letters.models import Letter, LetterText

# (title, addressees, body) of the letter in one language.
Text = tuple[str, str, str]

TITLE_LIMIT = 200
ADDRESSEES_LIMIT = 2000
BODY_LIMIT = 50_000
GOAL_LIMIT = 100_000_000
SLUG_LENGTH = 60

# Words that name pages under /letters/ rather than letters. The words of
# habeas.letters.urls are added when a slug is chosen, so a page added there
# later is reserved too; these stand for pages whose paths are not all written yet.
RESERVED_SLUGS = frozenset(
    {
        "sign",
        "signed",
        "confirm",
        "signature",
        "write",
        "mine",
        "new",
        "moderation",
        "pack",
        "count",
        "counts",
        "embed",
        "badge",
        "feed",
        "campaign",
        "campaigns",
        "organisation",
        "organisations",
    }
)


def reserved_slugs() -> frozenset[str]:
    """Every word a letter may not take as its address: the fixed words under /letters/."""
    from habeas.letters import urls  # late: the URLs import the views, which import services

    words = set(RESERVED_SLUGS)
    for pattern in urls.urlpatterns:
        parts = str(pattern.pattern).split("/")
        if len(parts) > 1 and parts[0] == "letters" and parts[1] and "<" not in parts[1]:
            words.add(parts[1])
    return frozenset(words)


def _slug_for(title: str) -> str:
    """A free address for a letter titled ``title``: never all digits (the old numbered
    /letters/<n>/ addresses lead to correspondence) and never a fixed word."""
    reserved = reserved_slugs()
    base = slugify(title)[:SLUG_LENGTH]
    if not base or base.replace("-", "").isdigit() or base in reserved:
        title = f"letter {title}"
    return unique_slug(
        title,
        taken=lambda slug: slug in reserved or Letter.objects.filter(slug=slug).exists(),
        fallback="letter",
        length=SLUG_LENGTH,
    )


def _clean_texts(texts: Mapping[str, Text]) -> dict[str, Text]:
    """The texts by language, cleaned; English required, Urdu all or nothing."""
    unknown = set(texts) - {"en", "ur"}
    if unknown:
        raise ValidationError(_("A letter is written in English and, if you wish, Urdu."))
    cleaned: dict[str, Text] = {}
    for language in ("en", "ur"):
        title, addressees, body = texts.get(language, ("", "", ""))
        required = language == "en" or any(part.strip() for part in (title, addressees, body))
        if not required:
            continue
        errors: dict[str, list[str]] = {}
        values: dict[str, str] = {}
        for name, value, limit, needed in (
            ("title", title, TITLE_LIMIT, True),
            ("addressees", addressees, ADDRESSEES_LIMIT, language == "en"),
            ("body", body, BODY_LIMIT, True),
        ):
            field = f"{name}_{language}"
            try:
                if name == "title":
                    values[name] = clean_title(value, field=field, limit=limit)
                else:
                    values[name] = clean_text(value, field=field, limit=limit, required=needed)
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        cleaned[language] = (values["title"], values["addressees"], values["body"])
    return cleaned


def _check_dates_and_goal(
    opens_at: datetime.datetime | None, closes_at: datetime.datetime | None, goal: int | None
) -> None:
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise ValidationError({"closes_at": _("The letter must close after it opens.")})
    if goal is not None and not 0 < goal <= GOAL_LIMIT:
        raise ValidationError(
            {
                "goal": _("A goal is a number of signatures from 1 to %(limit)s.")
                % {"limit": f"{GOAL_LIMIT:,}"}
            }
        )


def _texts_write(letter: Letter, texts: Mapping[str, Text]) -> None:
    """Save the letter's texts, rendering each body; a language left out is removed."""
    for language, (title, addressees, body) in texts.items():
        LetterText.objects.update_or_create(
            letter=letter,
            language=language,
            defaults={
                "title": title,
                "addressees": addressees,
                "body": body,
                "body_html": str(render_markdown(body)),
            },
        )
    LetterText.objects.filter(letter=letter).exclude(language__in=list(texts)).delete()


@transaction.atomic
def letter_create(
    *,
    by: User,
    campaign: Campaign,
    authors: Iterable[Organisation],
    texts: Mapping[str, Text],
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    goal: int | None = None,
) -> Letter:
    """Draft a letter of ``campaign`` in the name of ``authors``.

    ``texts`` maps a language ('en', 'ur') to (title, addressees, body in
    Markdown): English is required, Urdu optional. The letter is a draft,
    seen only by its authors' editors, until published.

    Raises PermissionDenied unless ``by`` edits for every author,
    ValidationError for no author, an author that is not an active member of
    the campaign, a missing or oversized text, a title with direction
    controls, a closing before the opening or a goal below one.
    """
    authors = list(dict.fromkeys(authors))
    for organisation in authors:
        require(by, "letters.write_for_organisation", organisation)
    if not authors:
        raise ValidationError({"authors": _("Name at least one organisation as author.")})
    for organisation in authors:
        active_membership(campaign, organisation)
    cleaned = _clean_texts(texts)
    _check_dates_and_goal(opens_at, closes_at, goal)
    letter = Letter.objects.create(
        campaign=campaign,
        slug=_slug_for(cleaned["en"][0]),
        opens_at=opens_at,
        closes_at=closes_at,
        goal=goal,
        created_by=by,
    )
    letter.authors.set(authors)
    _texts_write(letter, cleaned)
    return letter


def _locked(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().select_related("campaign").get(pk=letter.pk)


@transaction.atomic
def letter_update(
    *,
    by: User,
    letter: Letter,
    texts: Mapping[str, Text],
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    goal: int | None = None,
) -> Letter:
    """Change a draft's texts, dates and goal; its address and authors stay.

    A published letter is never edited: people signed those words. Raises
    PermissionDenied unless ``by`` edits for an author, ValidationError as
    ``letter_create`` does, or once the letter is published.
    """
    require(by, "letters.edit_letter", letter)
    letter = _locked(letter)
    if letter.status != Letter.Status.DRAFT:
        raise ValidationError(_("A published letter cannot be changed: people signed its words."))
    cleaned = _clean_texts(texts)
    _check_dates_and_goal(opens_at, closes_at, goal)
    letter.opens_at, letter.closes_at, letter.goal = opens_at, closes_at, goal
    letter.save(update_fields=["opens_at", "closes_at", "goal"])
    _texts_write(letter, cleaned)
    return letter


@transaction.atomic
def letter_publish(*, by: User, letter: Letter) -> Letter:
    """Open a draft for signing; it opens now unless a later opening was set.

    Raises PermissionDenied unless ``by`` edits for an author,
    ValidationError when it is not a draft, its campaign is still a draft
    (a public letter would make it known), an author has left the campaign
    or its closing time has passed.
    """
    require(by, "letters.publish_letter", letter)
    letter = _locked(letter)
    if letter.status != Letter.Status.DRAFT:
        raise ValidationError(_("This letter is already published."))
    if letter.campaign.status == Campaign.Status.DRAFT:
        raise ValidationError(
            _("The campaign is still a draft: publish the campaign before its letters.")
        )
    for organisation in letter.authors.all():
        active_membership(letter.campaign, organisation)
    now = timezone.now()
    if letter.closes_at is not None and letter.closes_at <= now:
        raise ValidationError(_("Its closing time has passed; set a later one before publishing."))
    letter.status = Letter.Status.OPEN
    letter.published_at = now
    letter.published_by = by
    if letter.opens_at is None:
        letter.opens_at = now
    letter.save(update_fields=["status", "published_at", "published_by", "opens_at"])
    public_changed()
    return letter


@transaction.atomic
def letter_close(*, by: User, letter: Letter) -> Letter:
    """Close an open letter to signatures; what was signed and endorsed stays.

    Raises PermissionDenied unless ``by`` edits for an author,
    ValidationError unless the letter is open.
    """
    require(by, "letters.close_letter", letter)
    letter = _locked(letter)
    if letter.status == Letter.Status.DRAFT:
        raise ValidationError(_("A draft is not open, so it cannot be closed."))
    if letter.status == Letter.Status.CLOSED:
        raise ValidationError(_("This letter is already closed."))
    letter.status = Letter.Status.CLOSED
    letter.closed_at = timezone.now()
    letter.closed_by = by
    letter.save(update_fields=["status", "closed_at", "closed_by"])
    public_changed()
    return letter

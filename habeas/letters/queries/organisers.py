"""Reads for the organisers' pages: the letters an organisation wrote, endorsements to decide,
and the endorsements an organisation's public page lists. Every list is bounded."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict

from habeas.coalition.models import Campaign, CampaignMembership, Organisation
from habeas.coalition.queries import Visitor, editable_organisations
from habeas.core.lists import Capped, Paged, capped, paged
from habeas.letters.models import Endorsement, Letter, LetterText


def _with_titles(letters: QuerySet[Letter]) -> QuerySet[Letter]:
    """``letters`` with ``title_en`` and ``title_ur`` (empty without a translation)."""

    def title(language: str) -> Subquery:
        return Subquery(
            LetterText.objects.filter(letter=OuterRef("pk"), language=language).values("title")[:1]
        )

    return letters.annotate(title_en=title("en"), title_ur=title("ur"))


def letters_written_by(user: Visitor, query: QueryDict) -> Paged:
    """The letters the user's organisations wrote, drafts included, newest first,
    paged by ``?letters=``."""
    letters = (
        Letter.objects.filter(
            pk__in=Letter.objects.filter(authors__in=editable_organisations(user)).values("pk")
        )
        .select_related("campaign")
        .prefetch_related("authors")
        .order_by("-created_at", "-pk")
    )
    return paged(_with_titles(letters), query, "letters")


def letter_texts(letter: Letter) -> dict[str, LetterText]:
    """The letter's texts by language."""
    return {text.language: text for text in LetterText.objects.filter(letter=letter)}


def letter_title(letter: Letter, language: str = "en") -> str:
    """The letter's title in ``language``, else in English."""
    texts = letter_texts(letter)
    chosen = texts.get(language) or texts.get("en")
    return chosen.title if chosen else letter.slug


def campaigns_to_write_in(user: Visitor) -> QuerySet[Campaign]:
    """The campaigns in which one of the user's organisations is an active member."""
    return (
        Campaign.objects.filter(
            memberships__organisation__in=editable_organisations(user),
            memberships__status=CampaignMembership.Status.ACTIVE,
        )
        .distinct()
        .order_by("title")
    )


@dataclass(frozen=True)
class EndorseChoice:
    """One of the user's organisations, and its standing endorsement of a letter if any."""

    organisation: Organisation
    endorsement: Endorsement | None


def endorse_choices(user: Visitor, letter: Letter) -> list[EndorseChoice]:
    """The organisations the user may endorse for, each with its standing endorsement
    of ``letter`` (two queries; a person edits for a handful of organisations)."""
    organisations = list(editable_organisations(user)[:100])
    standing = {
        endorsement.organisation_id: endorsement
        for endorsement in Endorsement.objects.filter(
            letter=letter, organisation__in=organisations
        ).exclude(status=Endorsement.Status.WITHDRAWN)
    }
    return [EndorseChoice(org, standing.get(org.pk)) for org in organisations]


def standing_endorsement(letter: Letter, organisation: Organisation) -> Endorsement | None:
    """The organisation's endorsement of ``letter`` that stands (not withdrawn), if any."""
    return (
        Endorsement.objects.filter(letter=letter, organisation=organisation)
        .exclude(status=Endorsement.Status.WITHDRAWN)
        .first()
    )


def pending_requests(letter: Letter, query: QueryDict) -> Paged:
    """Requests to endorse ``letter`` from organisations not on Habeas, waiting for a
    coordinator, the earliest first, paged by ``?requests=``."""
    return paged(
        Endorsement.objects.filter(letter=letter, status=Endorsement.Status.PENDING).order_by(
            "created_at", "pk"
        ),
        query,
        "requests",
    )


def pending_request(letter: Letter, endorsement_id: int) -> Endorsement | None:
    """The waiting request ``endorsement_id`` of ``letter``, or None."""
    return (
        Endorsement.objects.select_related("letter__campaign")
        .filter(letter=letter, pk=endorsement_id, status=Endorsement.Status.PENDING)
        .first()
    )


def letters_with_pending_requests(campaign: Campaign) -> Capped[Letter]:
    """The campaign's letters that have requests waiting, each with ``pending`` (their
    number), the most waiting first; capped."""
    return capped(
        _with_titles(
            Letter.objects.filter(campaign=campaign)
            .annotate(
                pending=Count(
                    "endorsements", filter=Q(endorsements__status=Endorsement.Status.PENDING)
                )
            )
            .filter(pending__gt=0)
            .order_by("-pending", "pk")
        )
    )


def endorsements_of_organisation(organisation: Organisation) -> Capped[Endorsement]:
    """The published letters ``organisation`` endorses (verified, standing), newest first;
    capped. Each endorsement's letter carries ``title_en`` and ``title_ur``."""
    titles = LetterText.objects.filter(letter=OuterRef("letter_id"))
    return capped(
        Endorsement.objects.filter(
            organisation=organisation,
            status=Endorsement.Status.VERIFIED,
            letter__status__in=[Letter.Status.OPEN, Letter.Status.CLOSED],
            letter__campaign__status__in=[Campaign.Status.ACTIVE, Campaign.Status.CLOSED],
        )
        .select_related("letter")
        .annotate(
            title_en=Subquery(titles.filter(language="en").values("title")[:1]),
            title_ur=Subquery(titles.filter(language="ur").values("title")[:1]),
        )
        .order_by("-created_at", "-pk")
    )


def letters_of_campaign_published(campaign: Campaign) -> Capped[Letter]:
    """The campaign's published letters (open or closed), newest first; capped.
    Each carries ``title_en`` and ``title_ur``."""
    return capped(
        _with_titles(
            Letter.objects.filter(
                campaign=campaign, status__in=[Letter.Status.OPEN, Letter.Status.CLOSED]
            ).order_by("-published_at", "-pk")
        )
    )

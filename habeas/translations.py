"""Which of a campaign's public texts lack a version in one of its languages.

Every text a campaign writes may carry an Urdu version beside the English. Where
one is missing, readers get the other, marked as such (habeas.core.bilingual);
this list tells the campaign's coordinators what is missing and who may add it.
Only what the public can read is listed: drafts, withdrawn and hidden items are
left out, so the list shows nothing a coordinator could not read on the site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from habeas.actions.models import Action
from habeas.cases.models import PublicRecord
from habeas.cases.queries import with_data
from habeas.coalition.models import (
    Campaign,
    CampaignMembership,
    Demand,
    HiddenNotice,
    Statement,
)
from habeas.letters.models import Letter

Words: TypeAlias = str | Promise


@dataclass(frozen=True)
class Missing:
    """One text that exists in one language only."""

    kind: Words
    text: str  # the words that exist, shortened
    language: str  # the language of those words: "en" or "ur"
    url: str  # where the text is read, or edited by the viewer; empty: nowhere yet
    who: Words  # who may add the missing version
    about: str = ""  # whose text it is, where the kind does not say (a person's name)


@dataclass(frozen=True)
class Report:
    missing: list[Missing]
    total: int  # how many texts were looked at

    @property
    def complete(self) -> int:
        return self.total - len(self.missing)


def _one(english: str, urdu: str) -> str | None:
    """The language of the only version a text has, or None (both or neither)."""
    has_english, has_urdu = bool(english.strip()), bool(urdu.strip())
    if has_english == has_urdu:
        return None
    return "en" if has_english else "ur"


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(90)


# kind, english, urdu, url, who, and optionally about whom
Pair = tuple[Words, str, str, str, Words] | tuple[Words, str, str, str, Words, str]


def _campaign(campaign: Campaign) -> Iterator[Pair]:
    settings = reverse("coalition:campaign_settings", kwargs={"slug": campaign.slug})
    who = _("Coordinators, in the campaign settings")
    yield _("Campaign title"), campaign.title, campaign.title_ur, settings, who
    yield _("Campaign summary"), campaign.summary, campaign.summary_ur, settings, who


def _shown(model: type[Demand] | type[Statement], campaign: Campaign, item: str) -> QuerySet[Any]:
    """The campaign's demands or statements the public reads: neither withdrawn nor
    hidden by a notice in force."""
    hidden = HiddenNotice.objects.filter(
        campaign=campaign, lifted_at__isnull=True, **{f"{item}__isnull": False}
    ).values(f"{item}_id")
    return model.objects.filter(campaign=campaign, withdrawn_at__isnull=True).exclude(
        pk__in=hidden
    )


def _demands(campaign: Campaign) -> Iterator[Pair]:
    demands = _shown(Demand, campaign, "demand").only("text", "text_ur")
    url = campaign.get_absolute_url() + "#matrix-heading"
    for demand in demands:
        yield (
            _("Demand"),
            demand.text,
            demand.text_ur,
            url,
            _("Editors of the organisation that proposed it"),
        )


def _statements(campaign: Campaign) -> Iterator[Pair]:
    statements = _shown(Statement, campaign, "statement").only(
        "title", "title_ur", "body", "body_ur"
    )
    for statement in statements:
        url = campaign.get_absolute_url() + f"#statement-{statement.pk}"
        who = _("Editors of the organisation that wrote it")
        yield _("Statement title"), statement.title, statement.title_ur, url, who
        yield _("Statement text"), statement.body, statement.body_ur, url, who


def _actions(campaign: Campaign) -> Iterator[Pair]:
    for action in Action.objects.filter(campaign=campaign).only(
        "title", "title_ur", "description", "description_ur"
    ):
        url = reverse("actions:detail", kwargs={"action_id": action.pk})
        who = _("Editors of the organisations that organise it")
        yield _("Action title"), action.title, action.title_ur, url, who
        yield _("Action description"), action.description, action.description_ur, url, who


def _letters(campaign: Campaign) -> Iterator[Pair]:
    letters = (
        Letter.objects.filter(campaign=campaign)
        .exclude(status=Letter.Status.DRAFT)
        .prefetch_related("texts")
    )
    for letter in letters:
        texts = {text.language: text for text in letter.texts.all()}
        english, urdu = texts.get("en"), texts.get("ur")
        yield (
            _("Open letter"),
            english.title if english else "",
            urdu.title if urdu else "",
            letter.get_absolute_url(),
            _("Editors of the organisations that wrote it"),
        )


def _persons(campaign: Campaign) -> Iterator[Pair]:
    records = with_data(
        PublicRecord.objects.filter(person__campaigns=campaign).order_by("name", "pk")
    )
    who = _("The campaign's documenters, then a second documenter publishes it")
    for record in records:
        data = record.data or {}
        yield (
            _("Biography"),
            data.get("summary", ""),
            data.get("summary_ur", ""),
            reverse("cases:person", kwargs={"slug": record.slug}),
            who,
            record.name,
        )


def _organisations(campaign: Campaign) -> Iterator[Pair]:
    members = CampaignMembership.objects.filter(
        campaign=campaign, status=CampaignMembership.Status.ACTIVE
    ).select_related("organisation")
    for member in members:
        organisation = member.organisation
        yield (
            _("Organisation description"),
            organisation.description,
            organisation.description_ur,
            organisation.get_absolute_url(),
            _("That organisation's editors"),
        )


SECTIONS: list[Callable[[Campaign], Iterator[Pair]]] = [
    _campaign,
    _demands,
    _statements,
    _actions,
    _letters,
    _persons,
    _organisations,
]


def missing_translations(campaign: Campaign) -> Report:
    """Every public text of ``campaign`` that has only one language version.

    A draft campaign's pages are not public yet: its items are listed without
    links, except those the coordinator edits in the campaign's settings.
    """
    draft = campaign.status == Campaign.Status.DRAFT
    settings = reverse("coalition:campaign_settings", kwargs={"slug": campaign.slug})
    missing, total = [], 0
    for section in SECTIONS:
        for kind, english, urdu, url, who, *about in section(campaign):
            language = _one(english, urdu)
            if english.strip() or urdu.strip():
                total += 1
            if language is not None:
                text = english if language == "en" else urdu
                link = url if not draft or url == settings else ""
                missing.append(Missing(kind, _short(text), language, link, who, *about))
    return Report(missing=missing, total=total)

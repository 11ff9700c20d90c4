"""Fetch-with-permission for letters: the same 404 for "no such letter" and "not yours"."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from habeas.coalition.models import Campaign
from habeas.coalition.queries import Visitor
from habeas.letters.models import Letter, SignatureInvalidation


def access_letter_for_reader(user: Visitor, slug: str) -> Letter:
    """The letter at ``slug`` if ``user`` may read it: published (open or closed) for
    everyone, a draft (or any letter of a draft campaign) only for its authoring
    organisations' editors.

    Raises Http404 otherwise, so a draft's address tells nobody it exists.
    """
    letter = Letter.objects.select_related("campaign").filter(slug=slug).first()
    if letter is None:
        raise Http404
    if _private(letter) and not user.has_perm("letters.view_draft", letter):
        raise Http404
    return letter


def _private(letter: Letter) -> bool:
    """A draft letter, or any letter of a campaign that is (again) a draft."""
    return letter.status == Letter.Status.DRAFT or letter.campaign.status == Campaign.Status.DRAFT


def access_letter(user: Visitor, slug: str, perm: str) -> Letter:
    """The letter at ``slug`` if ``user`` holds ``perm`` on it.

    Raises Http404 for an unknown slug or a draft the user may not read,
    PermissionDenied for a letter the user may read but not act on this way.
    """
    letter = access_letter_for_reader(user, slug)
    if not user.has_perm(perm, letter):
        raise PermissionDenied
    return letter


def access_invalidation(letter: Letter, invalidation_id: int) -> SignatureInvalidation:
    """The batch ``invalidation_id`` of ``letter``; Http404 for none or another letter's."""
    invalidation = (
        SignatureInvalidation.objects.select_related("letter__campaign")
        .filter(letter=letter, pk=invalidation_id)
        .first()
    )
    if invalidation is None:
        raise Http404
    return invalidation


def access_letter_to_sign(user: Visitor, slug: str) -> Letter:
    """``access_letter_for_reader`` for the sign form's POST, the path a flood takes:
    the same 404s, reading only what signing needs (no campaign, no ordering)."""
    found = list(
        Letter.objects.filter(slug=slug)
        .select_related("campaign")
        .only("id", "slug", "status", "opens_at", "closes_at", "campaign__status")[:1]
    )
    if not found:
        raise Http404
    letter = found[0]
    if _private(letter) and not user.has_perm("letters.view_draft", letter):
        raise Http404
    return letter

"""Fetch-with-permission for the fund: the same 404 for "no such thing" and "not yours"."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from habeas.coalition.models import Campaign
from habeas.coalition.queries import Visitor
from habeas.fund.models import Disbursement, Entry, Fund, Pledge


def access_public_fund(slug: str) -> Fund:
    """The fund of campaign ``slug`` if the public may see it (the campaign is not a draft).

    Raises Http404 otherwise.
    """
    fund = (
        Fund.objects.select_related("campaign")
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .filter(campaign__slug=slug)
        .first()
    )
    if fund is None:
        raise Http404
    return fund


def access_fund(user: Visitor, slug: str, perm: str = "fund.keep_books") -> Fund:
    """The fund of campaign ``slug`` if ``user`` holds ``perm`` on it.

    Raises Http404 for an unknown fund or one of a draft campaign the user has
    no part in, PermissionDenied for a visible fund the user may not act on.
    """
    fund = Fund.objects.select_related("campaign").filter(campaign__slug=slug).first()
    if fund is None:
        raise Http404
    if user.has_perm(perm, fund):
        return fund
    if fund.campaign.status == Campaign.Status.DRAFT:
        raise Http404
    raise PermissionDenied


def access_disbursement(user: Visitor, fund: Fund, disbursement_id: int) -> Disbursement:
    """The payment request ``disbursement_id`` of ``fund``, with its private facts,
    if ``user`` keeps the fund's books. Raises Http404 otherwise."""
    disbursement = (
        Disbursement.objects.select_related(
            "fund__campaign", "organisation", "account", "category", "entry"
        )
        .filter(pk=disbursement_id, fund=fund)
        .first()
    )
    if disbursement is None or not user.has_perm("fund.see_request", disbursement):
        raise Http404
    return disbursement


def access_entry(user: Visitor, fund: Fund, entry_id: int) -> Entry:
    """The entry ``entry_id`` of ``fund`` if ``user`` keeps the fund's books; Http404 otherwise."""
    entry = Entry.objects.filter(pk=entry_id, fund=fund).first()
    if entry is None or not user.has_perm("fund.keep_books", fund):
        raise Http404
    return entry


def access_pledge(user: Visitor, fund: Fund, pledge_id: int) -> Pledge:
    """The pledge ``pledge_id`` of ``fund`` if ``user`` keeps the fund's books;
    Http404 otherwise."""
    pledge = Pledge.objects.filter(pk=pledge_id, fund=fund).first()
    if pledge is None or not user.has_perm("fund.keep_books", fund):
        raise Http404
    return pledge

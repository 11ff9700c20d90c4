"""Money out: payment requests that several organisations must approve.

A treasurer requests a payment; the request counts as the approval of their
organisation. It is paid, by an entry debiting its spending category and
crediting the account it is paid from, when treasurers of
``fund.approvals_required`` distinct member organisations have approved it,
no person approving twice. A payment that would take its account below zero
is refused and nothing is recorded; the fund's row lock and the database's
check on balances mean two approvals racing for the same money cannot both pay.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import Organisation
from habeas.coalition.services._checks import clean_text
from habeas.core.text import refuse_bidi_controls
from habeas.fund.models import Account, Approval, Disbursement, Entry, Fund, FundEvent
from habeas.fund.money import check_currency, format_money, parse_amount
from habeas.fund.services._common import record, require_treasurer
from habeas.fund.services.ledger import Leg, lock_fund, post_entry

PURPOSE_LIMIT = 500
NAME_LIMIT = 200
REASON_LIMIT = 500
RECEIPT_MAX_BYTES = getattr(settings, "FUND_RECEIPT_MAX_BYTES", 10 * 1024 * 1024)
# What a receipt may be, known by its first bytes: (magic, content type, extension).
RECEIPT_TYPES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def _clean_receipt(receipt: UploadedFile[bytes]) -> tuple[str, str]:
    """The (content type, extension) of an uploaded receipt; ValidationError unless it is
    a PDF, JPEG or PNG file of at most RECEIPT_MAX_BYTES, known by its bytes."""
    if receipt.size is None or receipt.size > RECEIPT_MAX_BYTES:
        raise ValidationError(
            {
                "receipt": _("A receipt may be at most %(mb)d MB.")
                % {"mb": RECEIPT_MAX_BYTES // (1024 * 1024)}
            }
        )
    receipt.seek(0)
    head = receipt.read(16)
    receipt.seek(0)
    for magic, content_type, extension in RECEIPT_TYPES:
        if head.startswith(magic):
            return content_type, extension
    raise ValidationError({"receipt": _("A receipt must be a PDF, JPEG or PNG file.")})


@transaction.atomic
def disbursement_request(
    *,
    fund: Fund,
    by: User,
    organisation: Organisation,
    amount: str,
    currency: str,
    account: Account,
    category: Account,
    purpose: str,
    serves: str = "",
    serves_public: bool = False,
    payee: str = "",
    payee_public: bool = False,
    receipt: UploadedFile[bytes] | None = None,
) -> Disbursement:
    """Ask for a payment from ``account`` for ``purpose``, counted as ``organisation``'s
    approval; it waits for the others.

    Raises PermissionDenied unless ``by`` is treasurer for ``organisation``;
    ValidationError for an amount that is not a positive amount of the
    currency, an account of another fund or currency or one that holds no
    money, a category that is not a spending account, a missing purpose, a
    name marked public with no name, or a receipt that is not a PDF, JPEG or
    PNG within the size limit.
    """
    require_treasurer(by, fund, organisation)
    check_currency(currency)
    amount_minor = parse_amount(amount, currency)
    if account.fund_id != fund.pk or category.fund_id != fund.pk:
        raise PermissionDenied
    if account.kind not in {Account.Kind.BANK, Account.Kind.CASH}:
        raise ValidationError({"account": _("Pay from a bank or cash account.")})
    if account.currency != currency:
        raise ValidationError(
            {
                "account": _("%(account)s holds %(currency)s only.")
                % {"account": account.name, "currency": account.currency}
            }
        )
    if category.kind != Account.Kind.EXPENSE:
        raise ValidationError({"category": _("Choose what kind of spending this is.")})
    purpose = refuse_bidi_controls(
        clean_text(purpose, field="purpose", limit=PURPOSE_LIMIT), field="purpose"
    )
    serves = refuse_bidi_controls(
        clean_text(serves, field="serves", limit=NAME_LIMIT, required=False), field="serves"
    )
    payee = refuse_bidi_controls(
        clean_text(payee, field="payee", limit=NAME_LIMIT, required=False), field="payee"
    )
    if serves_public and not serves:
        raise ValidationError({"serves_public": _("There is no name to show.")})
    if payee_public and not payee:
        raise ValidationError({"payee_public": _("There is no name to show.")})
    fields: dict[str, Any] = {}
    if receipt is not None:
        content_type, extension = _clean_receipt(receipt)
        fields["receipt_type"] = content_type
        receipt.name = f"{secrets.token_hex(16)}.{extension}"
        fields["receipt"] = receipt
    disbursement = Disbursement.objects.create(
        fund=fund,
        organisation=organisation,
        requested_by=by,
        amount_minor=amount_minor,
        currency=currency,
        account=account,
        category=category,
        purpose=purpose,
        serves=serves,
        serves_public=serves_public,
        payee=payee,
        payee_public=payee_public,
        **fields,
    )
    Approval.objects.create(disbursement=disbursement, organisation=organisation, approved_by=by)
    record(
        fund,
        FundEvent.Kind.REQUESTED,
        _("Payment of %(amount)s requested: %(purpose)s")
        % {"amount": format_money(amount_minor, currency), "purpose": purpose},
        by=by,
        organisation=organisation,
        disbursement=disbursement,
    )
    return disbursement


def _locked_request(disbursement: Disbursement) -> Disbursement:
    return (
        Disbursement.objects.select_for_update()
        .select_related("fund", "account", "category", "organisation")
        .get(pk=disbursement.pk)
    )


def _require_open(disbursement: Disbursement) -> None:
    if disbursement.status != Disbursement.Status.REQUESTED:
        raise ValidationError(
            _("This payment request is no longer waiting: it is %(status)s.")
            % {"status": disbursement.get_status_display().lower()}
        )


@transaction.atomic
def disbursement_approve(
    *, disbursement: Disbursement, by: User, organisation: Organisation
) -> Disbursement:
    """Approve a payment request for ``organisation``; pay it once enough have.

    Paying posts an entry debiting the request's category and crediting its
    account. Raises PermissionDenied unless ``by`` is treasurer for
    ``organisation``; ValidationError if the request is no longer waiting,
    if ``by`` made the request or has already approved it, if
    ``organisation`` has already approved it, or if paying it would take
    its account below zero (then nothing is recorded).
    """
    fund = disbursement.fund
    require_treasurer(by, fund, organisation)
    fund = lock_fund(fund)
    disbursement = _locked_request(disbursement)
    _require_open(disbursement)
    if disbursement.requested_by_id == by.pk:
        raise ValidationError(
            _("You asked for this payment: a treasurer of another organisation must approve it.")
        )
    if disbursement.approvals.filter(approved_by=by).exists():
        raise ValidationError(_("You have already approved this payment."))
    if disbursement.approvals.filter(organisation=organisation).exists():
        raise ValidationError(
            _("%(organisation)s has already approved this payment; another organisation must.")
            % {"organisation": organisation}
        )
    try:
        with transaction.atomic():
            Approval.objects.create(
                disbursement=disbursement, organisation=organisation, approved_by=by
            )
    except IntegrityError:
        raise ValidationError(
            _("%(organisation)s has already approved this payment; another organisation must.")
            % {"organisation": organisation}
        ) from None
    record(
        fund,
        FundEvent.Kind.APPROVED,
        _("Payment request %(id)d approved.") % {"id": disbursement.pk},
        by=by,
        organisation=organisation,
        disbursement=disbursement,
    )
    approving = disbursement.approvals.values("organisation").distinct().count()
    if approving >= fund.approvals_required:
        _pay(disbursement, fund=fund, by=by, organisation=organisation)
    return disbursement


def _pay(disbursement: Disbursement, *, fund: Fund, by: User, organisation: Organisation) -> None:
    with translation.override(settings.LANGUAGE_CODE):  # stored once, in the site's language
        description = _("Payment: %(purpose)s") % {"purpose": disbursement.purpose}
    entry = post_entry(
        fund=fund,
        kind=Entry.Kind.DISBURSEMENT,
        booked_on=timezone.localdate(),
        description=description[:300],
        legs=[
            Leg(disbursement.category, disbursement.currency, disbursement.amount_minor),
            Leg(disbursement.account, disbursement.currency, -disbursement.amount_minor),
        ],
        by=by,
        organisation=organisation,
    )
    disbursement.status = Disbursement.Status.PAID
    disbursement.entry = entry
    disbursement.closed_at = timezone.now()
    disbursement.closed_by = by
    disbursement.save(update_fields=["status", "entry", "closed_at", "closed_by"])
    record(
        fund,
        FundEvent.Kind.PAID,
        _("Payment of %(amount)s made as entry #%(number)d.")
        % {
            "amount": format_money(disbursement.amount_minor, disbursement.currency),
            "number": entry.number,
        },
        by=by,
        organisation=organisation,
        entry=entry,
        disbursement=disbursement,
    )


def _close(
    disbursement: Disbursement,
    *,
    status: str,
    by: User,
    organisation: Organisation,
    reason: str,
    kind: str,
    summary: str,
) -> Disbursement:
    disbursement.status = status
    disbursement.closed_at = timezone.now()
    disbursement.closed_by = by
    disbursement.close_reason = reason
    disbursement.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
    record(
        disbursement.fund,
        kind,
        summary,
        by=by,
        organisation=organisation,
        disbursement=disbursement,
    )
    return disbursement


@transaction.atomic
def disbursement_decline(
    *, disbursement: Disbursement, by: User, organisation: Organisation, reason: str
) -> Disbursement:
    """Decline a payment request, for ``organisation``, with a reason; it will not be paid.

    Raises PermissionDenied unless ``by`` is treasurer for ``organisation``;
    ValidationError without a reason, if the request is no longer waiting, or
    if ``organisation`` requested it (withdraw it instead).
    """
    require_treasurer(by, disbursement.fund, organisation)
    lock_fund(disbursement.fund)
    disbursement = _locked_request(disbursement)
    _require_open(disbursement)
    if disbursement.organisation_id == organisation.pk:
        raise ValidationError(_("Your organisation asked for this payment: withdraw it instead."))
    reason = clean_text(reason, field="reason", limit=REASON_LIMIT)
    return _close(
        disbursement,
        status=Disbursement.Status.DECLINED,
        by=by,
        organisation=organisation,
        reason=reason,
        kind=FundEvent.Kind.DECLINED,
        summary=_("Payment request %(id)d declined: %(reason)s")
        % {"id": disbursement.pk, "reason": reason},
    )


@transaction.atomic
def disbursement_withdraw(
    *, disbursement: Disbursement, by: User, organisation: Organisation, reason: str = ""
) -> Disbursement:
    """Withdraw a payment request of ``organisation``'s; it will not be paid.

    Raises PermissionDenied unless ``by`` is treasurer for ``organisation`` and
    ``organisation`` made the request; ValidationError if it is no longer waiting.
    """
    require_treasurer(by, disbursement.fund, organisation)
    if disbursement.organisation_id != organisation.pk:
        raise PermissionDenied
    lock_fund(disbursement.fund)
    disbursement = _locked_request(disbursement)
    _require_open(disbursement)
    reason = clean_text(reason, field="reason", limit=REASON_LIMIT, required=False)
    return _close(
        disbursement,
        status=Disbursement.Status.WITHDRAWN,
        by=by,
        organisation=organisation,
        reason=reason,
        kind=FundEvent.Kind.WITHDRAWN,
        summary=_("Payment request %(id)d withdrawn.") % {"id": disbursement.pk},
    )


@transaction.atomic
def receipt_open(*, disbursement: Disbursement, by: User) -> Any:
    """The open receipt file of a payment request, for the fund's treasurers; the
    opening is recorded. Raises PermissionDenied for anyone else, ValidationError
    when the request has no receipt."""
    if not by.has_perm("fund.see_request", disbursement):
        raise PermissionDenied
    if not disbursement.receipt:
        raise ValidationError(_("This request has no receipt."))
    record(
        disbursement.fund,
        FundEvent.Kind.RECEIPT_VIEWED,
        _("Receipt of payment request %(id)d opened.") % {"id": disbursement.pk},
        by=by,
        disbursement=disbursement,
    )
    return disbursement.receipt.open("rb")

"""Checking a bank account's ledger against the bank's statement.

The statement is read, matched and forgotten: it names other people, so only
its SHA-256 digest and the counts are recorded, with a step in the fund's record.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import Organisation
from habeas.fund.models import Account, Entry, Fund, FundEvent, Line, Reconciliation
from habeas.fund.reconcile import WINDOW_DAYS, LedgerLine, Matching, match_lines, parse_statement
from habeas.fund.services._common import record, require_treasurer

# Ledger lines one statement may be checked against: a longer period is split.
LEDGER_LIMIT = 20_000


@dataclass(frozen=True)
class ReconcileResult:
    """What was matched, and the record kept of it."""

    reconciliation: Reconciliation
    matching: Matching


def _ledger_lines(account: Account, first: datetime.date, last: datetime.date) -> list[LedgerLine]:
    window = datetime.timedelta(days=WINDOW_DAYS)
    lines = (
        Line.objects.filter(
            account=account,
            currency=account.currency,
            entry__booked_on__gte=first - window,
            entry__booked_on__lte=last + window,
        )
        .select_related("entry")
        .order_by("entry__booked_on", "pk")
    )
    found = list(lines[: LEDGER_LIMIT + 1])
    if len(found) > LEDGER_LIMIT:
        raise ValidationError(
            _(
                "The ledger has more than %(limit)d lines on this account in the statement's "
                "period: check it in shorter periods."
            )
            % {"limit": LEDGER_LIMIT}
        )
    entry_ids = {line.entry_id for line in found}
    reversed_ids = set(
        Entry.objects.filter(reverses_id__in=entry_ids).values_list("reverses_id", flat=True)
    )
    return [
        LedgerLine(
            pk=line.pk,
            entry_number=line.entry.number,
            booked_on=line.entry.booked_on,
            amount_minor=line.amount_minor,
            description=line.entry.description,
            reversed=line.entry_id in reversed_ids,
            reversal=line.entry.kind == Entry.Kind.REVERSAL,
        )
        for line in found
    ]


@transaction.atomic
def statement_reconcile(
    *, fund: Fund, by: User, organisation: Organisation, account: Account, data: bytes
) -> ReconcileResult:
    """Match the lines of a bank statement CSV (``data``) with the ledger's lines on
    ``account``: one to one, the same amount and direction, dates at most three
    days apart. Records the statement's digest and the counts, never its lines.

    Raises PermissionDenied unless ``by`` is treasurer for ``organisation`` and
    ``account`` is the fund's; ValidationError, recording nothing, for an account
    that is not a bank account or a statement Habeas does not read exactly
    (the message names the line).
    """
    require_treasurer(by, fund, organisation)
    if account.fund_id != fund.pk:
        raise PermissionDenied
    if account.kind != Account.Kind.BANK:
        raise ValidationError(
            {"account": _("A bank statement is checked against a bank account.")}
        )
    statement = parse_statement(data, account.currency)
    first, last = statement.period_from, statement.period_to
    matching = match_lines(
        statement.lines,
        _ledger_lines(account, first, last),
        period_from=first,
        period_to=last,
    )
    reconciliation = Reconciliation.objects.create(
        fund=fund,
        account=account,
        statement_sha256=hashlib.sha256(data).hexdigest(),
        statement_lines=len(statement.lines),
        matched=len(matching.matched),
        unmatched_statement=len(matching.statement_only),
        unmatched_ledger=len(matching.ledger_only),
        period_from=first,
        period_to=last,
        done_by=by,
    )
    record(
        fund,
        FundEvent.Kind.RECONCILED,
        _(
            "Statement of %(account)s from %(first)s to %(last)s checked: %(matched)d of "
            "%(lines)d lines matched; %(ledger)d ledger lines without a statement line."
        )
        % {
            "account": account,
            "first": first.isoformat(),
            "last": last.isoformat(),
            "matched": reconciliation.matched,
            "lines": reconciliation.statement_lines,
            "ledger": reconciliation.unmatched_ledger,
        },
        by=by,
        organisation=organisation,
    )
    return ReconcileResult(reconciliation=reconciliation, matching=matching)

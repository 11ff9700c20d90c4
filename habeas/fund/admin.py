"""The defence fund in the Django admin: read-only (site admins, behind two-factor).

Money moves only through the treasurers' services, where every step is
checked and recorded: the admin shows the books and changes nothing. Pledges
are not registered (they hold supporters' addresses), nor are receipts shown.
"""

from __future__ import annotations

from habeas.coalition.admin import ReadOnly, site
from habeas.fund.models import Account, Disbursement, Entry, Fund, FundEvent


class FundAdmin(ReadOnly):
    list_display = ["campaign", "reporting_currency", "approvals_required"]


class AccountAdmin(ReadOnly):
    list_display = ["name", "kind", "currency", "fund"]
    list_filter = ["kind"]


class EntryAdmin(ReadOnly):
    list_display = ["number", "kind", "booked_on", "description", "fund"]
    list_filter = ["kind"]


class DisbursementAdmin(ReadOnly):
    list_display = ["pk", "purpose", "status", "fund"]
    list_filter = ["status"]
    exclude = ["receipt", "payee", "serves"]


class FundEventAdmin(ReadOnly):
    list_display = ["at", "kind", "summary", "fund"]
    list_filter = ["kind"]


site.register(Fund, FundAdmin)
site.register(Account, AccountAdmin)
site.register(Entry, EntryAdmin)
site.register(Disbursement, DisbursementAdmin)
site.register(FundEvent, FundEventAdmin)

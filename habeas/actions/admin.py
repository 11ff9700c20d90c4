"""Solidarity actions in the Django admin: read-only (site admins, behind two-factor).

An action, its reports and photos are their organisations' own words and
pictures (the anti-censorship rule): the admin shows them and changes
nothing. RSVPs are not registered at all: no page shows who is coming. A
photo's uploaded original stays out of sight too.
"""

from __future__ import annotations

from habeas.actions.models import Action, ActionChange, Photo, Report
from habeas.coalition.admin import ReadOnly, site


class ActionAdmin(ReadOnly):
    list_display = ["title", "city", "country", "starts_at", "status", "campaign"]
    list_filter = ["status", "kind"]


class ActionChangeAdmin(ReadOnly):
    list_display = ["action", "kind", "created_at", "announced_at"]
    list_filter = ["kind"]


class ReportAdmin(ReadOnly):
    list_display = ["action", "organisation", "created_at"]


class PhotoAdmin(ReadOnly):
    list_display = ["pk", "report", "uploaded_at", "withdrawn_at"]
    exclude = ["original", "original_delete_after"]


site.register(Action, ActionAdmin)
site.register(ActionChange, ActionChangeAdmin)
site.register(Report, ReportAdmin)
site.register(Photo, PhotoAdmin)

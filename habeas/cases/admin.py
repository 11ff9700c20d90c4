"""The register in the Django admin: facilities only (site admins, behind two-factor).

Persons and their facts change through the documenters' pages, which keep
the second-documenter rule; the admin does not offer them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from habeas.cases.models import Facility
from habeas.cases.services.facilities import _review_again
from habeas.coalition.admin import SiteAdminOnly, site


class FacilityAdmin(SiteAdminOnly):
    """A site admin's save is a site admin's word: the facility stands confirmed."""

    readonly_fields = ("proposed_by", "proposed_at", "confirmed_by", "confirmed_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        confirming = obj.confirmed_at is None
        if confirming:
            obj.confirmed_at = timezone.now()
            obj.confirmed_by = request.user
        super().save_model(request, obj, form, change)
        if confirming:
            _review_again(obj)


site.register(Facility, FacilityAdmin)

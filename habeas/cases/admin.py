"""The register in the Django admin: facilities only (site admins, behind two-factor).

Persons and their facts change through the documenters' pages, which keep
the second-documenter rule; the admin does not offer them.
"""

from __future__ import annotations

from habeas.cases.models import Facility
from habeas.coalition.admin import SiteAdminOnly, site

site.register(Facility, SiteAdminOnly)

"""Solidarity actions at /actions/: public pages, RSVPs, organisers' pages, reports, placards.

Fixed words come before ``<int:action_id>/`` pages.
"""

from django.urls import URLPattern, path

app_name = "actions"

urlpatterns: list[URLPattern] = []

# --- Organisers: create, edit, cancel (views/organisers.py) -------------------

# --- RSVPs (views/rsvps.py) ---------------------------------------------------

# --- Reports and photos (views/reports.py) ------------------------------------
from habeas.actions.views import reports  # noqa: E402

urlpatterns += [
    path("actions/<int:action_id>/report/<slug:org_slug>/", reports.report, name="report"),
    path("actions/photos/<int:photo_id>/blur/", reports.photo_blur, name="photo_blur"),
    path("actions/photos/<int:photo_id>/withdraw/", reports.photo_withdraw, name="photo_withdraw"),
]

# --- Placards (views/placards.py) ---------------------------------------------

# --- Public pages, calendars, map (views/public.py) ---------------------------

"""Solidarity actions at /actions/: public pages, RSVPs, organisers' pages, reports, placards.

Fixed words come before ``<int:action_id>/`` pages.
"""

from django.urls import URLPattern

app_name = "actions"

urlpatterns: list[URLPattern] = []

# --- Organisers: create, edit, cancel (views/organisers.py) -------------------

# --- RSVPs (views/rsvps.py) ---------------------------------------------------

# --- Reports and photos (views/reports.py) ------------------------------------

# --- Placards (views/placards.py) ---------------------------------------------
# Imported here, not at the top, so each part's routes stay in its own section.
from django.urls import path  # noqa: E402

from habeas.actions.views import placards  # noqa: E402

urlpatterns += [
    path("actions/placards/<slug:slug>/", placards.placard_list, name="placards"),
    path(
        "actions/placards/<slug:slug>/<int:demand_id>-<str:size>-<str:orientation>-<str:lang>.pdf",
        placards.placard_pdf,
        name="placard_pdf",
    ),
]

# --- Public pages, calendars, map (views/public.py) ---------------------------

"""Solidarity actions at /actions/: public pages, RSVPs, organisers' pages, reports, placards.

Fixed words come before ``<int:action_id>/`` pages.
"""

from django.urls import URLPattern, path

from habeas.actions.views import rsvps

app_name = "actions"

urlpatterns: list[URLPattern] = []

# --- Organisers: create, edit, cancel (views/organisers.py) -------------------

# --- RSVPs (views/rsvps.py) ---------------------------------------------------

urlpatterns += [
    path("actions/rsvp/<str:token>/", rsvps.rsvp_manage, name="rsvp_manage"),
    path("actions/<int:action_id>/rsvp/", rsvps.rsvp, name="rsvp"),
]

# --- Reports and photos (views/reports.py) ------------------------------------

# --- Placards (views/placards.py) ---------------------------------------------

# --- Public pages, calendars, map (views/public.py) ---------------------------

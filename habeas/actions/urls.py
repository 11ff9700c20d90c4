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

# --- Public pages, calendars, map (views/public.py) ---------------------------

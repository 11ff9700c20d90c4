"""Solidarity actions at /actions/: public pages, RSVPs, organisers' pages, reports, placards.

Fixed words come before ``<int:action_id>/`` pages.
"""

from django.urls import URLPattern, path

from habeas.actions.views import map as map_views

app_name = "actions"

urlpatterns: list[URLPattern] = []

# --- Organisers: create, edit, cancel (views/organisers.py) -------------------

# --- RSVPs (views/rsvps.py) ---------------------------------------------------

# --- Reports and photos (views/reports.py) ------------------------------------

# --- Placards (views/placards.py) ---------------------------------------------

# --- World map (views/map.py) -------------------------------------------------

urlpatterns += [
    path("actions/map/", map_views.world_map, name="map"),
]

# --- Public pages, calendars, map (views/public.py) ---------------------------

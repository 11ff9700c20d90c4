"""Solidarity actions at /actions/: public pages, RSVPs, organisers' pages, reports, placards.

Fixed words come before ``<int:action_id>/`` pages.
"""

from django.urls import URLPattern, path

from habeas.actions.views import organisers

app_name = "actions"

urlpatterns: list[URLPattern] = []

# --- Organisers: create, edit, cancel (views/organisers.py) -------------------
urlpatterns += [
    path("actions/mine/", organisers.mine, name="mine"),
    path("actions/new/", organisers.create, name="create"),
    path("actions/<int:action_id>/edit/", organisers.edit, name="edit"),
    path("actions/<int:action_id>/cancel/", organisers.cancel, name="cancel"),
    path("actions/<int:action_id>/happened/", organisers.happened, name="happened"),
]

# --- RSVPs (views/rsvps.py) ---------------------------------------------------

# --- Reports and photos (views/reports.py) ------------------------------------

# --- Placards (views/placards.py) ---------------------------------------------

# --- Public pages, calendars, map (views/public.py) ---------------------------

"""Solidarity actions at /actions/: public pages, RSVPs, organisers' pages, reports, placards.

Fixed words come before ``<int:action_id>/`` pages.
"""

from django.urls import URLPattern, path

from habeas.actions.views import map as map_views
from habeas.actions.views import organisers, placards, public, reports, rsvps

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

urlpatterns += [
    path("actions/rsvp/<str:token>/", rsvps.rsvp_manage, name="rsvp_manage"),
    path("actions/<int:action_id>/rsvp/", rsvps.rsvp, name="rsvp"),
]

# --- Reports and photos (views/reports.py) ------------------------------------

urlpatterns += [
    path("actions/<int:action_id>/report/<slug:org_slug>/", reports.report, name="report"),
    path("actions/photos/<int:photo_id>/blur/", reports.photo_blur, name="photo_blur"),
    path("actions/photos/<int:photo_id>/withdraw/", reports.photo_withdraw, name="photo_withdraw"),
]

# --- Placards (views/placards.py) ---------------------------------------------
urlpatterns += [
    path("actions/placards/<slug:slug>/", placards.placard_list, name="placards"),
    path(
        "actions/placards/<slug:slug>/<int:demand_id>-<str:size>-<str:orientation>-<str:lang>.pdf",
        placards.placard_pdf,
        name="placard_pdf",
    ),
]

# --- World map (views/map.py) -------------------------------------------------

urlpatterns += [
    path("actions/map/", map_views.world_map, name="map"),
]

# --- Public pages, calendars, map (views/public.py) ---------------------------
urlpatterns += [
    path("actions/", public.action_list, name="list"),
    path("actions/campaign/<slug:slug>/actions.ics", public.campaign_ics, name="campaign_ics"),
    path("actions/<int:action_id>/", public.action_detail, name="detail"),
    path("actions/<int:action_id>/flyer/", public.action_flyer, name="flyer"),
    path("actions/<int:action_id>/action.ics", public.action_ics, name="ics"),
]

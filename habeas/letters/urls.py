"""Open letters at /letters/: public pages, signing, organisers' and moderators' pages.

Fixed words come before ``<slug:slug>/`` so no letter can shadow them; the
service that names letters never gives one a reserved word as its address.
"""

from django.urls import URLPattern, path

from habeas.letters.views import moderation, signing

app_name = "letters"

# --- Signing (no account, no JavaScript, no cookie) ---------------------------
urlpatterns: list[URLPattern] = [
    path("letters/<slug:slug>/sign/", signing.sign, name="sign"),
    path("letters/<slug:slug>/signed/", signing.signed, name="signed"),
    path("letters/confirm/<str:token>/", signing.confirm, name="confirm"),
    path("letters/signature/<str:token>/", signing.manage, name="manage"),
]

# --- Organisers: write, publish, close; endorsements ---------------------------
# (organisers)

# --- Moderation of signatures --------------------------------------------------
urlpatterns += [
    path("letters/<slug:slug>/moderate/", moderation.moderate, name="moderate"),
    path(
        "letters/<slug:slug>/moderate/undo/<int:invalidation_id>/",
        moderation.undo,
        name="moderate_undo",
    ),
]

# --- Delivery pack -------------------------------------------------------------
# (pack)

# --- Public pages (last: the slug pages) --------------------------------------
# (public)

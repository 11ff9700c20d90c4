"""Open letters at /letters/: public pages, signing, organisers' and moderators' pages.

Fixed words come before ``<slug:slug>/`` so no letter can shadow them; the
service that names letters never gives one a reserved word as its address.
"""

from django.urls import URLPattern, path

from habeas.letters.views import organisers, signing

app_name = "letters"

# --- Signing (no account, no JavaScript, no cookie) ---------------------------
urlpatterns: list[URLPattern] = [
    path("letters/<slug:slug>/sign/", signing.sign, name="sign"),
    path("letters/<slug:slug>/signed/", signing.signed, name="signed"),
    path("letters/confirm/<str:token>/", signing.confirm, name="confirm"),
    path("letters/signature/<str:token>/", signing.manage, name="manage"),
]

# --- Organisers: write, publish, close; endorsements ---------------------------
urlpatterns += [
    path("letters/write/", organisers.write, name="write"),
    path("letters/mine/", organisers.mine, name="mine"),
    path("letters/<slug:slug>/edit/", organisers.edit, name="edit"),
    path("letters/<slug:slug>/publish/", organisers.publish, name="publish"),
    path("letters/<slug:slug>/close/", organisers.close, name="close"),
    path("letters/<slug:slug>/endorse/", organisers.endorse, name="endorse"),
    path("letters/<slug:slug>/endorse/ask/", organisers.endorse_ask, name="endorse_ask"),
    path("letters/<slug:slug>/endorsements/", organisers.endorsements, name="endorsements"),
    path(
        "letters/<slug:slug>/endorsements/<int:endorsement_id>/",
        organisers.endorsement_decide,
        name="endorsement_decide",
    ),
]

# --- Moderation of signatures --------------------------------------------------
# (moderation)

# --- Delivery pack -------------------------------------------------------------
# (pack)

# --- Public pages (last: the slug pages) --------------------------------------
# (public)

"""Open letters at /letters/: public pages, signing, organisers' and moderators' pages.

Fixed words come before ``<slug:slug>/`` so no letter can shadow them; the
service that names letters never gives one a reserved word as its address.
"""

from django.urls import URLPattern, path

from habeas.letters.views import organisers, pack, public, signing

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
    path(
        "letters/<slug:slug>/endorsements/requests/",
        organisers.endorsements,
        name="endorsement_requests",
    ),
    path(
        "letters/<slug:slug>/endorsements/requests/<int:endorsement_id>/",
        organisers.endorsement_decide,
        name="endorsement_decide",
    ),
]

# --- Moderation of signatures --------------------------------------------------
# (moderation)

# --- Delivery pack -------------------------------------------------------------
urlpatterns += [
    path("letters/<slug:slug>/pack.pdf", pack.pack_pdf, name="pack_pdf"),
    path("letters/<slug:slug>/pack.csv", pack.pack_csv, name="pack_csv"),
]

# --- Public pages (last: the slug pages) --------------------------------------
urlpatterns += [
    path("letters/", public.letter_list, name="letter_list"),
    path("letters/<slug:slug>/", public.letter, name="letter"),
    path("letters/<slug:slug>/signatories/", public.signatories, name="signatories"),
    path("letters/<slug:slug>/endorsements/", public.endorsements, name="endorsements"),
    path("letters/<slug:slug>/count.json", public.count_json, name="count"),
    path("letters/<slug:slug>/badge.svg", public.badge_svg, name="badge"),
]

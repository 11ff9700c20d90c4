from django.urls import path

from habeas.cases import views

app_name = "cases"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/statistics/", views.statistics, name="statistics"),
    path("register/export.csv", views.export_csv, name="export_csv"),
    path("register/export.json", views.export_json, name="export_json"),
    path("register/review/", views.review_queue, name="review_queue"),
    path("register/working/new/", views.person_new, name="person_new"),
    path("register/import/", views.import_guide, name="import_guide"),
    path("register/facilities/", views.facility_proposals, name="facility_proposals"),
    path(
        "register/facilities/<int:facility_id>/confirm/",
        views.facility_confirm,
        name="facility_confirm",
    ),
    path(
        "register/facilities/<int:facility_id>/reject/",
        views.facility_reject,
        name="facility_reject",
    ),
    path("register/working/<int:pk>/", views.working_record, name="working_record"),
    path("register/working/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("register/working/<int:pk>/arrest/", views.detention_new, name="detention_new"),
    path("register/working/<int:pk>/recognition/", views.recognition_new, name="recognition_new"),
    path(
        "register/working/<int:pk>/arrest/<int:detention_id>/status/",
        views.status_new,
        name="status_new",
    ),
    path(
        "register/working/<int:pk>/arrest/<int:detention_id>/event/",
        views.event_new,
        name="event_new",
    ),
    path("register/working/<int:pk>/verify/", views.verify, name="verify"),
    path("register/working/<int:pk>/history/", views.working_history, name="working_history"),
    path("register/working/<int:pk>/restricted/", views.restricted, name="restricted"),
    path("register/working/<int:pk>/shares/", views.person_shares, name="person_shares"),
    path(
        "register/working/<int:pk>/shares/<int:share_id>/revoke/",
        views.share_revoke,
        name="share_revoke",
    ),
    path("register/<slug:slug>/", views.person, name="person"),
    path("register/<slug:slug>/history/", views.person_history, name="person_history"),
    path("campaigns/<slug:slug>/persons/", views.campaign_persons, name="campaign_persons"),
    path("campaigns/<slug:slug>/case-shares/", views.campaign_shares, name="campaign_shares"),
]

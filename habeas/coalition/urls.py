from django.urls import path

from habeas.coalition import views

app_name = "coalition"

urlpatterns = [
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<slug:slug>/members/",
        views.organisation_members,
        name="organisation_members",
    ),
    path(
        "organisations/<slug:slug>/members/invite/",
        views.organisation_invite,
        name="organisation_invite",
    ),
    path(
        "organisations/<slug:slug>/members/<int:grant_id>/revoke/",
        views.organisation_revoke,
        name="organisation_revoke",
    ),
    path(
        "organisations/<slug:slug>/invitations/<int:invitation_id>/withdraw/",
        views.organisation_withdraw_invitation,
        name="organisation_withdraw_invitation",
    ),
    path(
        "campaigns/<slug:slug>/coordinate/", views.campaign_coordinate, name="campaign_coordinate"
    ),
    path(
        "campaigns/<slug:slug>/coordinate/invite/", views.campaign_invite, name="campaign_invite"
    ),
    path(
        "campaigns/<slug:slug>/coordinate/<int:grant_id>/revoke/",
        views.campaign_revoke,
        name="campaign_revoke",
    ),
    path("accounts/invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]

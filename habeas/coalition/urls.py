from django.urls import path

from habeas.coalition import views

app_name = "coalition"

C = "campaigns/<slug:slug>/"

urlpatterns = [
    path("organisations/", views.organisation_directory, name="organisation_directory"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path(C + "coordinate/settings/", views.campaign_settings, name="campaign_settings"),
    path(C + "history/", views.campaign_history, name="campaign_history"),
    path(C + "join/", views.campaign_join, name="campaign_join"),
    path(C + "leave/", views.campaign_leave, name="campaign_leave"),
    path(C + "demands/new/", views.demand_propose, name="demand_propose"),
    path(C + "demands/<int:demand_id>/position/", views.position_record, name="position_record"),
    path(C + "demands/<int:demand_id>/reword/", views.demand_reword, name="demand_reword"),
    path(C + "demands/<int:demand_id>/withdraw/", views.demand_withdraw, name="demand_withdraw"),
    path(C + "statements/new/", views.statement_publish, name="statement_publish"),
    path(C + "statements/<int:statement_id>/edit/", views.statement_edit, name="statement_edit"),
    path(
        C + "statements/<int:statement_id>/withdraw/",
        views.statement_withdraw,
        name="statement_withdraw",
    ),
    path(C + "hide/<str:kind>/<int:item_id>/", views.item_hide, name="item_hide"),
    path(C + "notices/<int:notice_id>/appeal/", views.notice_appeal, name="notice_appeal"),
    path(C + "notices/<int:notice_id>/lift/", views.notice_lift, name="notice_lift"),
    path(C + "moderation/", views.moderation_queue, name="moderation_queue"),
    path(
        C + "members/<int:organisation_id>/decide/",
        views.membership_decide,
        name="membership_decide",
    ),
    path(
        C + "members/<int:organisation_id>/accept/",
        views.membership_accept,
        name="membership_accept",
    ),
    path(
        C + "members/<int:organisation_id>/answer/",
        views.membership_answer,
        name="membership_answer",
    ),
    path(
        C + "members/<int:organisation_id>/decline/",
        views.membership_decline,
        name="membership_decline",
    ),
    path(
        C + "members/<int:organisation_id>/withdraw-invitation/",
        views.membership_invitation_withdraw,
        name="membership_invitation_withdraw",
    ),
    path(C + "coordinate/invite-organisation/", views.membership_invite, name="membership_invite"),
    path(
        C + "coordinate/invite-contact/",
        views.organisation_contact_invite,
        name="organisation_contact_invite",
    ),
    path("correspondence/", views.correspondence_list, name="correspondence_list"),
    path("correspondence/new/", views.correspondence_write, name="correspondence_write"),
    path("correspondence/<int:pk>/", views.correspondence_detail, name="correspondence"),
    path(
        "correspondence/<int:pk>/reply/",
        views.correspondence_reply,
        name="correspondence_reply",
    ),
    path(
        "correspondence/<int:pk>/correct/",
        views.correspondence_correct,
        name="correspondence_correct",
    ),
    # The addresses correspondence had before it was renamed; the open-letters
    # app has /letters/ and names its letters by slug, never by a number alone.
    path("letters/<int:pk>/", views.moved, {"to": "coalition:correspondence"}),
    path("letters/<int:pk>/reply/", views.moved, {"to": "coalition:correspondence_reply"}),
    path("letters/<int:pk>/correct/", views.moved, {"to": "coalition:correspondence_correct"}),
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
        "organisations/<slug:slug>/members/<int:grant_id>/revoke/confirm/",
        views.organisation_revoke_confirm,
        name="organisation_revoke_confirm",
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
    path(
        "campaigns/<slug:slug>/coordinate/<int:grant_id>/revoke/confirm/",
        views.campaign_revoke_confirm,
        name="campaign_revoke_confirm",
    ),
    path("accounts/invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]

from django.urls import path

from habeas.cases import views

app_name = "cases"

urlpatterns = [
    path("campaigns/<slug:slug>/persons/", views.campaign_persons, name="campaign_persons"),
]

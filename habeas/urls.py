"""Top-level URLs. Pages live under language prefixes (none for English,
/ur/ for Urdu); machine endpoints do not."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path

from habeas import views
from habeas.core import views as core_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", core_views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("campaigns/<slug:slug>/", views.campaign, name="campaign"),
    path("accounts/", include("habeas.accounts.urls")),
    prefix_default_language=False,
)

"""Top-level URLs. Pages live under language prefixes (none for English,
/ur/ for Urdu); machine endpoints do not."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.static import serve

from habeas import views
from habeas.coalition import views as coalition_views
from habeas.coalition.admin import site as admin_site
from habeas.core import views as core_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", core_views.healthz, name="healthz"),
]
if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

urlpatterns += i18n_patterns(
    # Fixed words first ("campaigns/new/"), then the slug pages.
    path("", include("habeas.coalition.urls")),
    path("", include("habeas.cases.urls")),
    path("", include("habeas.letters.urls")),
    path("", include("habeas.actions.urls")),
    path("fund/", include("habeas.fund.urls")),
    path("", views.home, name="home"),
    path("campaigns/<slug:slug>/", views.campaign, name="campaign"),
    path(
        "campaigns/<slug:slug>/coordinate/translations/",
        views.campaign_translations,
        name="campaign_translations",
    ),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path("accounts/", coalition_views.my_roles, name="my_roles"),
    path("accounts/", include("habeas.accounts.urls")),
    path("admin/", admin_site.urls),
    prefix_default_language=False,
)

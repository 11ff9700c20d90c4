"""The Django admin: site admins only, and only after a second factor.

Every coalition model is shown read-only: no add, no change, no delete, no
bulk action. What an organisation says, its name, its place in a campaign
and the roles people hold change only through the services behind the
organiser pages, which check who acts and leave a public trace.
"""

from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from habeas.coalition.models import Invitation, RoleGrant
from habeas.core.models import Source
from habeas.core.pagecache import public_changed
from habeas.core.services import source_archive


class HabeasAdminSite(admin.AdminSite):
    site_header = "Habeas"
    site_title = "Habeas admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("coalition.use_admin"))

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            # A signed-in user without the permission is refused outright,
            # not sent round the sign-in page again.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            response = inner(request, *args, **kwargs)
            if request.method == "POST":
                # A site admin may save, add or delete a few models here (sources,
                # facilities) that public pages show, bypassing the services that
                # tell the page cache. Every admin write is a POST through this
                # one wrapper, so any POST renews every public page; it is rare,
                # and renewing after a POST that changed nothing costs one render
                # a page. The admin's LogEntry rows would be a narrower hook, but
                # "delete selected" writes them with bulk_create, which sends no
                # post_save, and a bulk action need not log at all.
                public_changed()
            return response

        return update_wrapper(guarded, inner)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # One sign-in for the whole site: the organisers' login, with its
        # throttling and second factor.
        target = reverse("accounts:login")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


site = HabeasAdminSite(name="admin")


class SiteAdminOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every admin page asks the same rule: a verified site admin."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("coalition.use_admin"))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


class ReadOnly(SiteAdminOnly):
    """Shown to a verified site admin, changed by nobody here."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # No bulk action at all: "delete selected" least of all.
        return {}

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RoleGrant, site=site)
class RoleGrantAdmin(ReadOnly):
    list_display = ["user", "role", "organisation", "campaign", "granted_at", "revoked_at"]
    list_filter = ["role"]


@admin.register(Invitation, site=site)
class InvitationAdmin(ReadOnly):
    list_display = ["email", "role", "organisation", "campaign", "created_at", "accepted_at"]
    exclude = ["token_sha256"]


@admin.register(get_user_model(), site=site)
class UserAdmin(ReadOnly):
    list_display = ["username", "display_name", "is_active", "last_login"]
    fields = ["username", "display_name", "email", "is_active", "last_login", "date_joined"]


@admin.register(Source, site=site)
class SourceAdmin(SiteAdminOnly):
    readonly_fields = ["sha256"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        upload = request.FILES.get("archived_file")
        obj.save()
        if upload is not None:
            source_archive(by=request.user, source=obj, upload=upload)  # type: ignore[arg-type]


# Every other coalition model, present or future, is read-only too.
for model in apps.get_app_config("coalition").get_models():
    if not site.is_registered(model):
        site.register(model, ReadOnly)

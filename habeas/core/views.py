"""Site-wide views: health check and error pages."""

from __future__ import annotations

from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer whether this process can reach its database.

    200 with ``{"status": "ok"}`` when a query round-trips; 503 otherwise,
    so a load balancer takes the process out of rotation.
    """
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse(
            {
                "status": "error",
                "database": {"status": "unreachable", "vendor": connection.vendor},
            },
            status=503,
        )
    return JsonResponse(
        {"status": "ok", "database": {"status": "ok", "vendor": connection.vendor}}
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form, explained in the visitor's language; nothing was changed."""
    return render(request, "403_csrf.html", status=403)

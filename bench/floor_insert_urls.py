"""The insert floor's one view: a POST inserts one row, nothing else.

The row's model belongs to no installed app and has no migration: the
letters flood's seed creates its table (``create_table``) before the floor
is served. CSRF is waived as on the sign form, which has no cookie either.
"""

from __future__ import annotations

from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLE = "bench_floor_row"


class FloorRow(models.Model):
    """One submission to the floor: a name and when it came."""

    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "bench_floor"
        db_table = TABLE

    def __str__(self) -> str:
        return self.name


def create_table() -> None:
    """Create the floor's table unless it exists."""
    if TABLE not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(FloorRow)


@csrf_exempt
@require_POST
def insert(request: HttpRequest) -> HttpResponse:
    """Insert one row from the posted name, in its own transaction; 200 ``ok``."""
    with transaction.atomic():
        FloorRow._default_manager.create(name=request.POST.get("name", "")[:200])
    return HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")


def ready(request: HttpRequest) -> HttpResponse:
    """200 ``ok``: the server is up (the harness waits for this)."""
    return HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")


urlpatterns: list[URLPattern] = [path("floor/", insert), path("healthz", ready)]

"""Keep how much of the current detention's arrest date is known, on the record.

The statistics leave out of the daily count a person held now whose current
arrest is not known to the day, and the register filters on exactly that; the
record kept only its first arrest's precision. The backfill copies it from the
record's last detention span (spans are written in the detentions' order,
unknown arrests first, so the last is the current one).
"""

from typing import Any

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def backfill(apps: Any, schema_editor: Any) -> None:
    record_model = apps.get_model("cases", "PublicRecord")
    span_model = apps.get_model("cases", "DetentionSpan")
    current = (
        span_model._base_manager.filter(record_id=OuterRef("pk"))
        .order_by(F("arrested_on").desc(nulls_last=True), "-pk")
        .values("arrested_precision")[:1]
    )
    record_model._base_manager.update(
        current_arrest_precision=Coalesce(Subquery(current), Value("UNKNOWN"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_verifier_leaves_public_record"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicrecord",
            name="current_arrest_precision",
            field=models.CharField(
                choices=[
                    ("DAY", "day"),
                    ("MONTH", "month"),
                    ("YEAR", "year"),
                    ("UNKNOWN", "unknown"),
                ],
                default="UNKNOWN",
                max_length=8,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="publicrecord",
            index=models.Index(
                condition=models.Q(("import_run__isnull", True)),
                fields=["current_arrest_precision", "status"],
                name="public_record_by_precision",
            ),
        ),
    ]

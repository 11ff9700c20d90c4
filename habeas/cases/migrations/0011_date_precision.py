"""Keep how much of each public arrest and release date is known.

Records published before this kept only the date, so an arrest known to the
month or year read as its first day. The backfill takes the precision from
each record's latest public version, which has always held it.
"""

from typing import Any

from django.db import migrations, models


def _release_precision(detention: dict[str, Any]) -> str:
    if not detention.get("released_on"):
        return "UNKNOWN"
    for change in detention.get("statuses", []):
        if change.get("date") == detention["released_on"]:
            return str(change.get("precision") or "DAY")
    return "DAY"


def backfill(apps: Any, schema_editor: Any) -> None:
    record_model = apps.get_model("cases", "PublicRecord")
    version_model = apps.get_model("cases", "PublicVersion")
    span_model = apps.get_model("cases", "DetentionSpan")
    for record in record_model._base_manager.iterator():
        version = version_model.objects.filter(person_id=record.pk, number=record.version).first()
        if version is None:
            continue
        detentions = version.data.get("detentions", [])
        arrests = [d["arrested"] for d in detentions if d["arrested"]["date"]]
        if arrests:
            earliest = min(arrests, key=lambda a: a["date"])
            record.arrested_precision = earliest["precision"]
        if detentions:
            record.released_precision = _release_precision(detentions[-1])
        record.save(update_fields=["arrested_precision", "released_precision"])
        spans = list(span_model._base_manager.filter(record_id=record.pk).order_by("pk"))
        for span, detention in zip(spans, detentions, strict=False):
            if detention["arrested"]["date"]:
                span.arrested_precision = detention["arrested"]["precision"]
            span.released_precision = _release_precision(detention)
            span.save(update_fields=["arrested_precision", "released_precision"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_squashed_0010_import_runs"),
    ]

    operations = [
        migrations.AddField(
            model_name="detentionspan",
            name="arrested_precision",
            field=models.CharField(
                choices=[
                    ("DAY", "day"),
                    ("MONTH", "month"),
                    ("YEAR", "year"),
                    ("UNKNOWN", "unknown"),
                ],
                default="UNKNOWN",
                db_default="UNKNOWN",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="detentionspan",
            name="released_precision",
            field=models.CharField(
                choices=[
                    ("DAY", "day"),
                    ("MONTH", "month"),
                    ("YEAR", "year"),
                    ("UNKNOWN", "unknown"),
                ],
                default="UNKNOWN",
                db_default="UNKNOWN",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="publicrecord",
            name="arrested_precision",
            field=models.CharField(
                choices=[
                    ("DAY", "day"),
                    ("MONTH", "month"),
                    ("YEAR", "year"),
                    ("UNKNOWN", "unknown"),
                ],
                default="UNKNOWN",
                db_default="UNKNOWN",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="publicrecord",
            name="released_precision",
            field=models.CharField(
                choices=[
                    ("DAY", "day"),
                    ("MONTH", "month"),
                    ("YEAR", "year"),
                    ("UNKNOWN", "unknown"),
                ],
                default="UNKNOWN",
                db_default="UNKNOWN",
                max_length=8,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

"""A public record's facts are kept once, in its latest version.

PublicRecord.data repeated, byte for byte, the data of the record's latest
PublicVersion: every publication wrote and indexed the same JSON twice. The
record now keeps the number of that version (``version``), and pages and
exports read the data through it (``queries.with_data``). The statistics
counted verified and reported records inside that JSON; the record keeps
its certainty as a column for them.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.fields.json import KT


def latest_version_numbers(apps, schema_editor):
    PublicRecord = apps.get_model("cases", "PublicRecord")
    PublicVersion = apps.get_model("cases", "PublicVersion")
    latest = PublicVersion.objects.filter(person_id=OuterRef("pk")).order_by("-number")
    PublicRecord.objects.update(
        version=Subquery(latest.values("number")[:1]), certainty=KT("data__certainty")
    )


def data_from_versions(apps, schema_editor):
    PublicRecord = apps.get_model("cases", "PublicRecord")
    PublicVersion = apps.get_model("cases", "PublicVersion")
    latest = PublicVersion.objects.filter(person_id=OuterRef("pk"), number=OuterRef("version"))
    PublicRecord.objects.update(data=Subquery(latest.values("data")[:1]))


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_arrest_index_nulls_first")]

    operations = [
        migrations.AddField(
            model_name="publicrecord",
            name="version",
            field=models.PositiveIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="publicrecord",
            name="certainty",
            field=models.CharField(
                choices=[("VERIFIED", "verified"), ("REPORTED", "reported")],
                default="REPORTED",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(latest_version_numbers, data_from_versions),
        migrations.RemoveField(model_name="publicrecord", name="data"),
    ]

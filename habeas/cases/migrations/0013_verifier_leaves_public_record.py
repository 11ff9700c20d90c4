"""Take the verifier's username out of the public table.

Public pages and exports say a record was verified by the campaign's
documenters, never by whom; who verified each version stays in
PublicVersion.verified_by, which only the campaign's members read. The
column is given a default first, so that going back can add it to a full
table (the names are not restored: they were never meant to be public).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_facility_confirmation_and_transfers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="publicrecord",
            name="verified_by_name",
            field=models.CharField(blank=True, default="", max_length=150),
        ),
        migrations.RemoveField(
            model_name="publicrecord",
            name="verified_by_name",
        ),
    ]

"""A person's public biography in Urdu, beside the English (issue 19).

Versions published before it have no ``summary_ur`` in their data: pages,
history and exports read it as empty, so nothing is backfilled.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_search_spelling_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="summary_ur",
            field=models.TextField(
                blank=True,
                default="",
                db_default="",
                help_text=(
                    "Only what the cited source says. Left empty, Urdu pages show the "
                    "English, marked as English."
                ),
                max_length=10000,
                verbose_name="public biography in Urdu",
            ),
        ),
    ]

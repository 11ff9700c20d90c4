"""The register's arrest-date index, with unknown dates first on PostgreSQL.

The list sorts unknown arrest dates first going up and last going down
(``queries._order``), which is SQLite's own order of NULLs. PostgreSQL
puts NULLs last going up, so its index is rebuilt NULLS FIRST: read
forwards it gives the ascending order and read backwards the descending
one, and a page of the list still needs no sort. SQLite's index is left
as it is (its CREATE INDEX takes no NULLS clause, and needs none).
"""

from django.db import migrations

INDEX = "public_record_by_arrest"


def nulls_first(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON cases_publicrecord (arrested_on NULLS FIRST, person_id)"
    )


def nulls_last(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"CREATE INDEX {INDEX} ON cases_publicrecord (arrested_on, person_id)")


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_detentions_unknown_dates_first")]

    operations = [migrations.RunPython(nulls_first, nulls_last)]

"""Full-text search: an FTS5 table on SQLite, a GIN index on PostgreSQL.

Searches match words as prefixes; FTS5's prefix indexes keep a short
prefix of a common name from scanning every token that starts with it.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS cases_register_fts USING fts5("
                "body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS cases_publicrecord_search "
                "ON cases_publicrecord USING GIN (search_vector)"
            )


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS cases_register_fts")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS cases_publicrecord_search")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]

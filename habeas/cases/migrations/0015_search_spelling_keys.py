"""Find names however they are spelt: a spelling key per name word in the search index.

On SQLite the FTS5 table gets a second column for the keys, so it is made
again; on PostgreSQL the keys are lexemes of the same ``search_vector``
(marked, see ``habeas.cases.search.KEY_MARK``), under the same GIN index.
Either way every record already published is indexed afresh, which also
folds the Arabic forms of Urdu letters in the words it already held.
Going back makes the table of one column again and indexes the words alone.
"""

from typing import Any

from django.db import migrations

from habeas.cases import search

FTS_TABLE = "cases_register_fts"
FTS_OPTIONS = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'"


def _rebuild(apps: Any, schema_editor: Any, *, columns: str, with_keys: bool) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({columns}, {FTS_OPTIONS})"
        )
    elif schema_editor.connection.vendor != "postgresql":
        return
    search.rebuild(
        apps.get_model("cases", "PublicRecord"),
        apps.get_model("cases", "PublicVersion"),
        with_keys=with_keys,
    )


def forwards(apps: Any, schema_editor: Any) -> None:
    _rebuild(apps, schema_editor, columns="body, keys", with_keys=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rebuild(apps, schema_editor, columns="body", with_keys=False)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_current_arrest_precision"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

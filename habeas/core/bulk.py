"""Writing many rows at once, as one prepared statement run for every row.

The ORM's bulk_create compiles SQL for each batch of a few dozen rows and
bulk_update builds a CASE per field per row; imports and publication write
tens of thousands of rows, so they use these instead. Callers keep the
rules: these functions only write.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models


def _adapter(field: Any) -> Any:
    """How one column's Python values become database values, decided once per column."""
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def insert_rows(model: Any, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    """One prepared INSERT run for every row (values in ``names`` order, foreign keys as ids).

    The ORM's bulk_create builds and compiles SQL for each batch of a few dozen
    rows; an import writes tens of thousands.
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    adapters = [_adapter(f) for f in fields]
    if any(adapters):
        rows = [
            tuple(
                a(v) if a is not None and v is not None else v
                for a, v in zip(adapters, row, strict=True)
            )
            for row in rows
        ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def update_many(model: Any, objects: list[Any], names: list[str]) -> None:
    """One prepared UPDATE run for every object: Django's bulk_update builds a CASE
    per field per row, which grows too slowly at thousands of rows."""
    if not objects:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    sql = (
        f"UPDATE {connection.ops.quote_name(meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {connection.ops.quote_name(meta.pk.column)} = %s"
    )
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)

"""Writing many rows at once: COPY or arrays on PostgreSQL, one prepared statement on SQLite.

The ORM's bulk_create compiles SQL for each batch of a few dozen rows and
bulk_update builds a CASE per field per row; imports and publication write
tens of thousands of rows, so they use these instead. Callers keep the
rules: these functions only write, on the caller's connection, in its
transaction, at once.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

import orjson
from django.db import connection, models
from django.db.models.expressions import RawSQL


class JSONText(str):
    """A value already encoded as JSON, written as it is into a JSON column."""


def json_text(value: Any) -> JSONText:
    """``value`` encoded once, for writing into several JSON columns.

    orjson: several times faster than the json module, which was 4-6 % of
    an import with publishing. It writes dates as ISO 8601 and other
    values as the json module would (UTF-8 rather than \\u escapes, which
    both databases read the same); a value it cannot encode raises
    TypeError, as json.dumps does.
    """
    return JSONText(orjson.dumps(value).decode())


def _json(field: Any) -> Any:
    def adapt(value: Any) -> Any:
        if isinstance(value, JSONText):
            # PostgreSQL reads an untyped text parameter into jsonb as JSON.
            return str(value)
        return field.get_db_prep_save(value, connection)

    return adapt


def _adapter(field: Any) -> Any:
    """How one column's Python values become database values, decided once per column."""
    if isinstance(field, models.JSONField):
        return _json(field)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def _once(adapt: Any) -> Any:
    """``adapt`` remembering its last value: a batch repeats one timestamp in every row."""
    last: list[Any] = [object(), None]

    def adapted(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, adapt(value)
        return last[1]

    return adapted


def _prepared(fields: list[Any], rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    adapters = [_adapter(f) for f in fields]
    adapters = [_once(a) if a is not None else None for a in adapters]
    if not any(adapters):
        return rows
    if len(adapters) < len(rows[0]):  # trailing values (a key) pass as they are
        adapters += [None] * (len(rows[0]) - len(adapters))
    return [
        tuple(
            a(v) if a is not None and v is not None else v
            for a, v in zip(adapters, row, strict=True)
        )
        for row in rows
    ]


@contextlib.contextmanager
def _cursor() -> Iterator[Any]:
    """A cursor for statements that carry many rows.

    On PostgreSQL, a psycopg cursor with server-side binding on Django's
    connection (and so in its transaction): a batch's values travel as
    arrays or COPY data, not as SQL text. Django's own cursors bind on the
    client, which writes every value into the statement's text.
    """
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            yield cursor
        return
    with connection.cursor() as cursor:
        yield cursor


def insert_rows(
    model: Any,
    names: list[str],
    rows: list[tuple[Any, ...]],
    *,
    ignore_conflicts: bool = False,
) -> None:
    """Insert ``rows`` (values in ``names`` order, foreign keys as ids) in one statement.

    The ORM's bulk_create builds and compiles SQL for each batch of a few dozen
    rows; an import writes tens of thousands. ``ignore_conflicts`` skips rows
    that would break a unique constraint (``ON CONFLICT DO NOTHING``). On
    PostgreSQL, rows go in with COPY, or, with conflicts to skip, as one
    INSERT of the columns as arrays; psycopg's executemany would parse and
    plan the INSERT again for every row. On SQLite, one prepared INSERT runs
    for every row.
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    prepared = _prepared(fields, rows)
    if connection.vendor != "postgresql":
        marks = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}){conflict}"  # noqa: S608
        with _cursor() as cursor:
            cursor.executemany(sql, prepared)
    elif ignore_conflicts:
        sql = f"INSERT INTO {table} ({columns}) SELECT * FROM {_unnest(fields)}{conflict}"  # noqa: S608
        with _cursor() as cursor:
            cursor.execute(sql, _columns(prepared))
    else:
        # COPY: PostgreSQL's bulk path, several times faster than INSERTs.
        with _cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in prepared:
                copy.write_row(row)


def update_rows(model: Any, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Update rows by primary key: each row holds the values in ``names`` order, then the key.

    Django's bulk_update builds a CASE per field per row, which grows too
    slowly at thousands of rows. On PostgreSQL, one UPDATE joined to the
    columns as arrays; on SQLite, one prepared UPDATE run for every row.
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(meta.pk.column)
    prepared = _prepared(fields, rows)
    if connection.vendor != "postgresql":
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
        with _cursor() as cursor:
            cursor.executemany(sql, prepared)
        return
    values = [f"v{n}" for n in range(len(fields))]
    assignments = ", ".join(
        f"{quote(f.column)} = new.{v}" for f, v in zip(fields, values, strict=True)
    )
    sql = (
        f"UPDATE {table} SET {assignments} "  # noqa: S608
        f"FROM {_unnest([*fields, meta.pk])} AS new({', '.join(values)}, key) "
        f"WHERE {table}.{key} = new.key"
    )
    with _cursor() as cursor:
        cursor.execute(sql, _columns(prepared))


def _unnest(fields: list[Any]) -> str:
    """``unnest(%s::type[], ...)``: rows passed to PostgreSQL as one array per column."""
    return "unnest(" + ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields) + ")"


def _columns(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    return [list(column) for column in zip(*rows, strict=True)]


def analyse(models_: list[Any]) -> None:
    """Refresh PostgreSQL's statistics of these tables, inside the current transaction.

    A first import writes into tables the planner last saw nearly empty:
    without statistics it guesses that a lookup by key matches many rows
    and scans whole tables, once per batch, so the import slows as the
    tables grow. ANALYZE counts the transaction's own new rows; afterwards
    the planner scales what it learnt to the tables' growing size. Nothing
    to do on SQLite, whose planner uses an index whenever one fits.
    """
    if connection.vendor != "postgresql" or not models_:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(quote(m._meta.db_table) for m in models_))


def among(keys: list[int]) -> Any:
    """A subquery of ``keys``, for ``filter(field__in=among(keys))`` with thousands of keys.

    The keys travel as one parameter (a JSON array on SQLite, an array on
    PostgreSQL), where a plain list passes each key through the ORM's lookup
    machinery and binds one parameter per key.
    """
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [list(keys)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(keys))])


# Values per IN list: under SQLite's oldest limit of 999 bound parameters.
IN_CHUNK = 900


def _in(column: str, values: list[Any]) -> Iterator[tuple[str, list[Any]]]:
    """``column`` holding one of ``values``, as (condition, parameters) pairs.

    One pair on PostgreSQL (an array parameter); on SQLite one per chunk of
    IN_CHUNK values.
    """
    if connection.vendor == "postgresql":
        yield f"{column} = ANY(%s)", [list(values)]
        return
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start : start + IN_CHUNK]
        yield f"{column} IN ({', '.join(['%s'] * len(chunk))})", chunk


def keys_by(model: Any, name: str, values: list[Any]) -> dict[Any, Any]:
    """``{value: primary key}`` for the rows whose ``name`` column holds one of ``values``.

    Plain SQL: the ORM resolves every value of an IN list through the
    lookup machinery, which shows in imports of thousands of rows.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    column, key = quote(meta.get_field(name).column), quote(meta.pk.column)
    found: dict[Any, Any] = {}
    with connection.cursor() as cursor:
        for condition, params in _in(column, values):
            cursor.execute(
                f"SELECT {column}, {key} FROM {quote(meta.db_table)} WHERE {condition}",  # noqa: S608
                params,
            )
            found.update(cursor.fetchall())
    return found


def delete_in(model: Any, name: str, values: list[Any]) -> None:
    """Delete the rows whose ``name`` column holds one of ``values``, in plain SQL.

    Only for models no other row refers to: nothing cascades.
    """
    if not values:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    column = quote(meta.get_field(name).column)
    with _cursor() as cursor:
        for condition, params in _in(column, values):
            cursor.execute(f"DELETE FROM {quote(meta.db_table)} WHERE {condition}", params)  # noqa: S608


# Seconds a long SQLite job pauses between its transactions. A writer
# waiting on SQLite's busy timeout tries again every 100 ms at most and is
# not queued: a job that began its next transaction at once would keep the
# database for as long as it runs. PostgreSQL's writers wait in a queue of
# row locks and never need this.
SQLITE_PAUSE = 0.12


def pause_for_others() -> None:
    """Between two transactions of a long job: on SQLite, let waiting writers take the lock."""
    if connection.vendor == "sqlite":
        time.sleep(SQLITE_PAUSE)

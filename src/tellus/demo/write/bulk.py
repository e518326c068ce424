"""Rows into the database in batches, with a progress bar: ``bulk_create``, executemany or COPY.

The history does not go through ``record_event`` and ``trip_record``: those
are for live acts one at a time (each looks up its idempotency key and opens
a savepoint), and five million events through them would take hours. Three
loaders write the rows those services would write:

- ``orm``: ``bulk_create``, on any database (the slowest: Django prepares
  every field of every row);
- ``sql``: the driver's ``executemany`` on SQLite, with the values Django
  itself would store;
- ``copy``: PostgreSQL's COPY through psycopg.

For big loads the fast loaders drop a table's plain indexes and build them
again afterwards, which costs less than keeping them up to date row by row.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

import numpy as np
from django.core.management.color import no_style
from django.db import connection, models
from tqdm import tqdm

from tellus.demo.plan.visitors import SECONDS_PER_DAY

BATCH_ROWS = 20_000
#: A table's plain indexes (not those of a constraint) and the SQL that makes each.
INDEXES_SQL = {
    "sqlite": "SELECT name, sql FROM sqlite_master "
    "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
    "postgresql": "SELECT i.indexname, i.indexdef FROM pg_indexes i "
    "WHERE i.schemaname = current_schema() AND i.tablename = %s AND NOT EXISTS ("
    "SELECT 1 FROM pg_constraint c WHERE c.conindid = "
    "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
}

Columns = Callable[[int, int], dict[str, Any]]  # lists, or arrays the writer converts


class Output(Protocol):
    def write(self, text: str, /) -> Any: ...


def moments(start: dt.datetime, days: np.ndarray) -> np.ndarray:
    """Days since ``start`` as datetime64 seconds (UTC; NaN gives NaT, i.e. NULL)."""
    seconds = np.floor(np.nan_to_num(days) * SECONDS_PER_DAY).astype(np.int64)
    values = at(start, seconds)
    values[np.isnan(days)] = np.datetime64("NaT")
    return values


def after(start: dt.datetime, seconds: int) -> dt.datetime:
    """The moment ``seconds`` after ``start``."""
    return start + dt.timedelta(seconds=seconds)


def at(start: dt.datetime, seconds: np.ndarray) -> np.ndarray:
    """Seconds since ``start`` as datetime64 seconds (UTC)."""
    base = np.datetime64(start.replace(tzinfo=None), "s")
    return base + seconds.astype("timedelta64[s]")


def at_or_null(start: dt.datetime, seconds: list[int]) -> np.ndarray:
    """Seconds since ``start`` as datetime64 seconds (UTC); a negative number gives NULL."""
    values = at(start, np.array(seconds, dtype=np.int64))
    values[np.array(seconds) < 0] = np.datetime64("NaT")
    return values


def on(start: dt.datetime, days: np.ndarray) -> np.ndarray:
    """Whole days since ``start`` as dates."""
    return np.datetime64(start.date(), "D") + days.astype("timedelta64[D]")


def ids(base: int, index: np.ndarray) -> list[int | None]:
    """Primary keys from member or trip positions; -1 (none) becomes NULL."""
    return [None if i < 0 else base + i for i in index.tolist()]


def lookup(table: list[Any], index: np.ndarray) -> list[Any]:
    """The ``table`` entry at each position; -1 (none) becomes NULL."""
    return [None if i < 0 else table[i] for i in index.tolist()]


class BulkWriter:
    """Writes rows in batches with the loader chosen: ``bulk_create``, executemany or COPY.

    Row builders give plain lists, datetime64 arrays (UTC) for date and time
    columns and float arrays (NaN for NULL) for decimal columns; each loader
    turns them into what it needs. The "sql" loader (SQLite) writes the text
    Django itself stores there (naive UTC "YYYY-MM-DD HH:MM:SS", decimals as
    "1234.50"), skipping the per-field preparation that makes ``bulk_create``
    cost tens of microseconds a row.
    """

    def __init__(
        self, *, loader: str, bar: dict[str, Any], log: Output, rebuild_indexes_from: int
    ) -> None:
        self.loader = loader
        self.bar = bar
        self.log = log
        self.rebuild_indexes_from = rebuild_indexes_from  # rows: below it, keep them up to date

    def write(self, model: type[models.Model], total: int, columns: Columns, label: str) -> None:
        began = time.perf_counter()
        if connection.vendor == "postgresql":
            # Check foreign keys row by row rather than queue millions of deferred checks
            # (which also forbid rebuilding an index) until the commit.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        rebuild = self.loader in ("sql", "copy") and total >= self.rebuild_indexes_from
        indexes = self._drop_indexes(model) if rebuild else []
        with tqdm(total=total, desc=label, unit=" rows", unit_scale=True, **self.bar) as bar:
            for begin in range(0, total, BATCH_ROWS):
                end = min(begin + BATCH_ROWS, total)
                rows = columns(begin, end)
                fields = [model._meta.get_field(name) for name in rows]
                values = [
                    self._values(f, column) for f, column in zip(fields, rows.values(), strict=True)
                ]
                if self.loader == "copy":
                    self._copy(model, fields, values)
                elif self.loader == "sql":
                    self._insert(model, fields, values)
                else:
                    names = list(rows)
                    objects = [
                        model(**dict(zip(names, row, strict=True)))
                        for row in zip(*values, strict=True)
                    ]
                    model._default_manager.bulk_create(objects, batch_size=2_000)
                bar.update(end - begin)
        if indexes:
            self.log.write(f"  {label}: rebuilding {len(indexes)} indexes...\n")
            with connection.cursor() as cursor:
                for statement in indexes:
                    cursor.execute(statement)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self.log.write(f"  {label}: {total:,} in {time.perf_counter() - began:.1f} s\n")

    @staticmethod
    def _drop_indexes(model: type[models.Model]) -> list[str]:
        """Drop a table's plain indexes (in the transaction); returns what recreates them.

        Keeping the event log's nine indexes up to date row by row costs more than
        building them once from the loaded rows (about four times on SQLite).
        Indexes that back a constraint (primary key, unique) stay.
        """
        with connection.cursor() as cursor:
            cursor.execute(INDEXES_SQL[connection.vendor], [model._meta.db_table])
            indexes = cursor.fetchall()
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return [sql for _name, sql in indexes]

    def _values(self, field: Any, column: Any) -> list[Any]:
        if isinstance(column, list):
            if isinstance(field, models.JSONField) and self.loader != "orm":
                return [json.dumps(value) for value in column]
            return column
        text = self.loader == "sql"
        if np.issubdtype(column.dtype, np.datetime64):
            missing = np.isnat(column)
            if isinstance(field, models.DateTimeField):
                if text:
                    stamps = np.strings.replace(np.datetime_as_string(column, unit="s"), "T", " ")
                    values = stamps.astype(object)
                else:
                    naive = column.astype("datetime64[us]").tolist()
                    values = np.array([m and m.replace(tzinfo=dt.UTC) for m in naive], object)
            else:
                days = column.astype("datetime64[D]")
                values = (np.datetime_as_string(days) if text else days).astype(object)
            values[missing] = None
            return values.tolist()
        if isinstance(field, models.DecimalField):
            make = str if text else Decimal
            return [None if math.isnan(v) else make(f"{v:.2f}") for v in column.tolist()]
        return column.tolist()

    @staticmethod
    def _insert(model: type[models.Model], fields: list[Any], values: list[list[Any]]) -> None:
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["?"] * len(fields))
        table = quote(model._meta.db_table)
        statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (names from the model)
        connection.ensure_connection()
        cursor = connection.connection.cursor()  # the driver's own: no per-row wrapping
        try:
            cursor.executemany(statement, zip(*values, strict=True))
        finally:
            cursor.close()

    @staticmethod
    def _copy(model: type[models.Model], fields: list[Any], values: list[list[Any]]) -> None:
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in fields)
        statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)


def next_id(model: type[models.Model]) -> int:
    """The primary key after the largest one: rows written here name their own."""
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0) + 1


def move_sequences_past(models_: list[type[models.Model]]) -> None:
    """Move PostgreSQL's sequences past the primary keys given here, for the rows that follow."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(statement)

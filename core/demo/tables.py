"""Fast row writing for the demo generator.

The generator assigns primary keys itself (from the table's current maximum), so it can link
people to posts to groups without reading anything back, and so the generated content never
depends on what ids the database would hand out. Rows are plain tuples in a fixed column order:

- on PostgreSQL they go in with psycopg's COPY, which is several times faster than INSERT;
- elsewhere (SQLite) with `executemany` over one prepared INSERT.

Both skip model instances, `full_clean` and signals on purpose: the generator is the only writer
here and produces valid rows by construction; at province scale (over a million rows) model
instances alone would cost minutes. Sequences are moved past the explicit ids at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

Row = tuple[Any, ...]


class TableWriter:
    """Buffers rows per model and writes them in batches, parents before children."""

    def __init__(self, *, now: dt.datetime, batch: int = 20_000) -> None:
        self.batch = batch
        self.postgres = connection.vendor == "postgresql"
        # The timestamp every generated row carries in created_at/updated_at; on SQLite already in
        # the text form Django itself stores, so range queries on it compare correctly.
        self.now: Any = now if self.postgres else connection.ops.adapt_datetimefield_value(now)
        self._columns: dict[type[models.Model], tuple[list[str], bool]] = {}
        self._rows: dict[type[models.Model], list[Row]] = {}
        self._next_id: dict[type[models.Model], int] = {}
        self._order: list[type[models.Model]] = []
        self.counts: dict[str, int] = {}

    def register(self, model: type[models.Model], fields: Sequence[str]) -> None:
        """Declare a table and the attnames each row gives (after the id), in order. Registration
        order is flush order, so register parents first."""
        names: list[str] = []
        for name in fields:
            found = model._meta.get_field(name)
            assert isinstance(found, models.Field), name
            names.append(str(found.column))
        stamped = any(f.name == "created_at" for f in model._meta.concrete_fields)
        if stamped:
            names += ["created_at"]
            if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                names += ["updated_at"]
        self._columns[model] = (["id", *names], stamped)
        self._rows[model] = []
        self._order.append(model)
        with connection.cursor() as cur:
            cur.execute(f'SELECT MAX(id) FROM {connection.ops.quote_name(model._meta.db_table)}')
            found = cur.fetchone()
        self._next_id[model] = int(found[0] or 0) + 1 if found else 1
        self.counts.setdefault(model._meta.label, 0)

    def add(self, model: type[models.Model], *values: Any) -> int:
        """Queue one row; returns the id it will have."""
        pk = self._next_id[model]
        self._next_id[model] = pk + 1
        columns, stamped = self._columns[model]
        row: Row = (pk, *values)
        if stamped:
            row = (*row, self.now) if len(columns) == len(row) + 1 else (*row, self.now, self.now)
        self._rows[model].append(row)
        if len(self._rows[model]) >= self.batch:
            self.flush()
        return pk

    def flush(self) -> None:
        """Write every buffered row. All tables go out together in registration order, so a
        child row never reaches the database before the parent it points at."""
        for model in self._order:
            rows = self._rows[model]
            if not rows:
                continue
            self._write(model, rows)
            self.counts[model._meta.label] += len(rows)
            self._rows[model] = []

    def _write(self, model: type[models.Model], rows: list[Row]) -> None:
        columns, _ = self._columns[model]
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)
        cols = ", ".join(qn(c) for c in columns)
        if self.postgres:
            raw = connection.connection
            assert raw is not None
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cur:
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)

    def finish(self) -> None:
        """Flush the rest and move PostgreSQL's id sequences past the ids written explicitly
        (SQLite's AUTOINCREMENT follows explicit ids by itself)."""
        self.flush()
        if self.postgres:
            sql = connection.ops.sequence_reset_sql(no_style(), self._order)
            with connection.cursor() as cur:
                for statement in sql:
                    cur.execute(statement)

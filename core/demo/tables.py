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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal, TypeVar

from django.core.management.color import no_style
from django.db import connection, models

from core.copying import copy_escape as _copy_escape
from core.copying import copy_text as _copy_text

Row = tuple[Any, ...]
M = TypeVar("M", bound=models.Model)


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


# ---------------------------------------------------------------- column-wise bulk writing

# One value per row, as numpy arrays (ints, floats, bools, datetime64[D] dates, datetime64[s]
# timestamps in UTC) or object arrays of str; `None` entries of an object array and masked entries
# (see `Nullable`) are NULL.


class Nullable:
    """A column with NULLs: `values` where `mask` is True, NULL elsewhere."""

    def __init__(self, values: Any, mask: Any) -> None:
        self.values = values
        self.mask = mask


class Pooled:
    """A text (or JSON-as-text) column whose values repeat a small pool: row i holds
    `pool[index[i]]`. On PostgreSQL the pool goes in once, into a scratch table of the column's
    type, and the rows take their value from it by a join: the server parses each distinct value
    once (the observations' rating JSON is about 1.2 KB a row from 2,048 profiles, 2.3 GB of text
    at province scale otherwise), and the client never builds the repeated text."""

    def __init__(self, pool: Sequence[str], index: Any) -> None:
        self.pool = list(pool)
        self.index = index

    def expanded(self) -> Any:
        import numpy as np

        return np.asarray(self.pool, dtype=object)[np.asarray(self.index)]


def _text_column(values: Any, postgres: bool) -> list[str]:
    """One column as COPY text (PostgreSQL) cells."""
    import numpy as np

    mask = None
    if isinstance(values, Nullable):
        values, mask = values.values, values.mask
    arr = np.asarray(values)
    kind = arr.dtype.kind
    if kind == "b":
        out = np.where(arr, "t", "f")
    elif kind in "iu" or kind == "f":
        out = arr.astype(str)
    elif kind == "M":
        unit: Literal["D", "s"] = "D" if arr.dtype == np.dtype("datetime64[D]") else "s"
        out = np.datetime_as_string(arr.astype(f"datetime64[{unit}]"), unit=unit)
        if unit == "s":
            out = np.char.add(np.char.replace(out, "T", " "), "+00")
    else:
        # Text columns repeat their values (the observations' rating JSON comes from a pool of
        # profiles): escape each distinct value once.
        escaped: dict[str, str] = {}
        cells = []
        for v in arr.tolist():
            if v is None:
                cells.append("\\N")
            elif type(v) is str:
                cell = escaped.get(v)
                if cell is None:
                    cell = escaped[v] = _copy_escape(v)
                cells.append(cell)
            else:
                cells.append(_copy_escape(str(v)))
        if mask is not None:
            cells = [c if m else "\\N" for c, m in zip(cells, mask.tolist(), strict=True)]
        return cells
    if mask is not None:
        out = np.where(mask, out, "\\N")
    return list(out.tolist())


def _python_column(values: Any) -> list[Any]:
    """One column as Python values for SQLite's executemany (dates and times as Django stores them)."""
    import numpy as np

    mask = None
    if isinstance(values, Nullable):
        values, mask = values.values, values.mask
    arr = np.asarray(values)
    kind = arr.dtype.kind
    cells: list[Any]
    if kind == "M":
        unit: Literal["D", "s"] = "D" if arr.dtype == np.dtype("datetime64[D]") else "s"
        text = np.datetime_as_string(arr.astype(f"datetime64[{unit}]"), unit=unit)
        cells = list(np.char.replace(text, "T", " ").tolist()) if unit == "s" else list(text.tolist())
    elif kind == "b":
        cells = [int(v) for v in arr.tolist()]
    else:
        cells = arr.tolist()
    if mask is not None:
        cells = [c if m else None for c, m in zip(cells, mask.tolist(), strict=True)]
    return cells


def write_columns(model: type[models.Model], columns: dict[str, Any], *, chunk: int = 100_000) -> int:
    """Insert len(id column) rows into the model's table from whole columns (attnames, `id`
    included). Concrete fields not given take their default (so a field another feature adds
    later, with a default, needs no change here). COPY on PostgreSQL, executemany elsewhere.
    Returns the number of rows."""
    import json

    postgres = connection.vendor == "postgresql"
    n = len(columns["id"])
    if n == 0:
        return 0
    names = list(columns)
    given = set(names)
    extra: list[tuple[str, Any]] = []
    for f in model._meta.concrete_fields:
        if f.attname in given or f.column in given:
            continue
        value = f.get_default()
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool) and postgres:
            value = "t" if value else "f"
        extra.append((f.attname, ("\\N" if value is None else _copy_escape(str(value))) if postgres else value))
    qn = connection.ops.quote_name
    all_names = names + [name for name, _ in extra]
    cols = ", ".join(qn(str(_column(model, name))) for name in all_names)
    table = qn(model._meta.db_table)
    pooled = [name for name in names if isinstance(columns[name], Pooled)]
    if pooled and postgres:
        _write_pooled(model, columns, names, extra, pooled, chunk)
        return n
    columns = {name: v.expanded() if isinstance(v, Pooled) else v for name, v in columns.items()}
    convert = _text_column if postgres else (lambda v, _pg: _python_column(v))
    for k in range(0, n, chunk):
        m = min(n, k + chunk) - k
        data = [convert(_slice(columns[name], k, k + m), postgres) for name in names]
        data += [[cell] * m for _, cell in extra]
        if postgres:
            _copy_text(table, cols, data)
        else:
            marks = ", ".join(["%s"] * len(all_names))
            with connection.cursor() as cur:
                cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(zip(*data, strict=True)))
    return n


def _write_pooled(model: type[models.Model], columns: dict[str, Any], names: list[str],
                  extra: list[tuple[str, str]], pooled: list[str], chunk: int) -> None:
    """write_columns on PostgreSQL with Pooled columns: each pool into a scratch table of the
    target column's type (parsed once), the rest of the row (the pooled columns as pool indexes)
    by COPY into a text scratch table, then one INSERT ... SELECT joining the two per chunk."""
    qn = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cur:
        cur.execute("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                    "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped", [table])
        types = dict(cur.fetchall())
        plain = [name for name in names if name not in pooled]
        stage_cols = [f"c{i}" for i in range(len(plain) + len(extra))] + [f"k{i}" for i in range(len(pooled))]
        cur.execute("CREATE TEMP TABLE seed_stage (" + ", ".join(
            [f"{c} text" for c in stage_cols[:len(plain) + len(extra)]] + [f"k{i} integer" for i in range(len(pooled))])
            + ")")
        for i, name in enumerate(pooled):
            column = _column(model, name)
            cur.execute(f"CREATE TEMP TABLE seed_pool{i} (k integer PRIMARY KEY, v {types[column]})")
            pool: Pooled = columns[name]
            _copy_text(f"seed_pool{i}", "k, v", [[str(j) for j in range(len(pool.pool))],
                                                  [_copy_escape(v) for v in pool.pool]])
        targets = [*plain, *(name for name, _ in extra), *pooled]
        select = [f"s.c{i}::{types[_column(model, name)]}" for i, name in enumerate([*plain, *(x for x, _ in extra)])]
        select += [f"p{i}.v" for i in range(len(pooled))]
        joins = " ".join(f"JOIN seed_pool{i} p{i} ON p{i}.k = s.k{i}" for i in range(len(pooled)))
        insert = (f"INSERT INTO {qn(table)} ({', '.join(qn(_column(model, t)) for t in targets)}) "
                  f"SELECT {', '.join(select)} FROM seed_stage s {joins}")
        n = len(columns["id"])
        for k in range(0, n, chunk):
            m = min(n, k + chunk) - k
            data = [_text_column(_slice(columns[name], k, k + m), True) for name in plain]
            data += [[cell] * m for _, cell in extra]
            data += [_text_column(_slice(columns[name].index, k, k + m), True) for name in pooled]
            _copy_text("seed_stage", ", ".join(stage_cols), data)
            cur.execute(insert)
            cur.execute("TRUNCATE seed_stage")
        cur.execute("DROP TABLE seed_stage")
        for i in range(len(pooled)):
            cur.execute(f"DROP TABLE seed_pool{i}")


def _column(model: type[models.Model], attname: str) -> str:
    for f in model._meta.concrete_fields:
        if attname in (f.attname, f.column):
            return str(f.column)
    raise KeyError(attname)


def _slice(values: Any, a: int, b: int) -> Any:
    if isinstance(values, Nullable):
        return Nullable(values.values[a:b], values.mask[a:b])
    return values[a:b]


def next_id(model: type[models.Model]) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(model._meta.db_table)}")
        found = cur.fetchone()
    return int(found[0] or 0) + 1 if found else 1


def reset_sequences(*models_: type[models.Model]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(models_)):
                cur.execute(statement)


@contextmanager
def bulk_load(*models_: type[models.Model]) -> Iterator[None]:
    """On PostgreSQL, drop the tables' secondary indexes, unique and foreign-key constraints for
    the duration of a bulk load and recreate them after it (in the same transaction): building an
    index once over the loaded rows is several times cheaper than maintaining it row by row, and a
    re-added foreign key is checked by one join instead of one deferred trigger event per row and
    key (9 M events for the province's observations). Primary keys and check constraints stay.
    Elsewhere (SQLite) it does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    saved: list[tuple[str, str, str]] = []  # (table, constraint name, definition)
    indexes: list[str] = []
    with connection.cursor() as cur:
        # Altering a table with deferred foreign-key checks still queued fails: run them now
        # (and defer again afterwards, as Django's constraints are declared).
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        # The rebuilt indexes sort the whole table once: with the default 64 MB the province's
        # (1.9 M observations, 770,000 posts) sort on disk. For this transaction only.
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for model in models_:
            table = model._meta.db_table
            cur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname", [table])
            constraints = [(table, name, definition) for name, definition in cur.fetchall()]
            cur.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
                        "AND c.conrelid = %s::regclass) ORDER BY i.indexname", [table, table])
            plain = cur.fetchall()
            qn = connection.ops.quote_name
            for t, name, _ in constraints:
                cur.execute(f"ALTER TABLE {qn(t)} DROP CONSTRAINT {qn(name)}")
            for name, definition in plain:
                cur.execute(f"DROP INDEX {qn(name)}")
                indexes.append(definition)
            saved.extend(constraints)
    yield
    with connection.cursor() as cur:
        qn = connection.ops.quote_name
        for definition in indexes:
            cur.execute(definition)
        # Unique constraints first: a foreign key may rely on one.
        for t, name, definition in sorted(saved, key=lambda c: not c[2].startswith("UNIQUE")):
            cur.execute(f"ALTER TABLE {qn(t)} ADD CONSTRAINT {qn(name)} {definition}")
        # Planner statistics for the loaded rows, for the extensions' queries that follow (the
        # seed's ANALYZE of everything comes only at its end): without them PostgreSQL guesses,
        # and at province scale a guess can be a scan of millions of rows per query.
        for model in models_:
            cur.execute(f"ANALYZE {qn(model._meta.db_table)}")


# ---------------------------------------------------------------- model instances, COPY-fast

def _copy_cell(value: Any) -> str:
    """One Python value (already the field's attribute value) as a COPY text cell."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return _copy_escape(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is float:
        return str(value)
    if kind is dt.datetime or kind is dt.date or kind is dt.time:
        return value.isoformat()  # type: ignore[no-any-return]
    if kind is bytes or kind is memoryview:
        return "\\\\x" + bytes(value).hex()
    return _copy_escape(str(value))


def _unique_sets(model: type[models.Model]) -> list[tuple[str, ...]]:
    """The attname tuples the model's table keeps unique (unconditional constraints only)."""
    meta = model._meta
    sets: list[tuple[str, ...]] = [(f.attname,) for f in meta.concrete_fields if f.unique and not f.primary_key]
    for together in meta.unique_together:
        sets.append(tuple(meta.get_field(n).attname for n in together))  # type: ignore[union-attr]
    for c in meta.constraints:
        if isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None and not c.expressions:
            sets.append(tuple(meta.get_field(n).attname for n in c.fields))  # type: ignore[union-attr]
    return sets


def insert_objects(objs: Sequence[M], *, ignore_conflicts: bool = False, chunk: int = 50_000) -> list[M]:
    """What `bulk_create` does for a seed, several times faster: the unsaved instances of one model
    get consecutive explicit ids (after the table's current maximum; each object's pk is set) and go
    in with COPY on PostgreSQL (executemany elsewhere), skipping the ORM's per-value preparation
    and the UNNEST arrays of its INSERT. Foreign keys given as objects saved since take their ids
    (as bulk_create does); auto_now(_add) fields get one timestamp; other values are written as the
    attributes hold them (the seed gives plain str, int, float, bool, date, datetime, dicts and
    lists for JSON). With `ignore_conflicts`, rows repeating an earlier row of the same call on one
    of the table's unconditional unique keys are left out (their pk stays None): a seed writes each
    of these tables afresh, so that is all ON CONFLICT DO NOTHING would skip. Returns the objects
    written. No signals, no full_clean (as bulk_create)."""

    from django.utils import timezone

    if not objs:
        return []
    model = type(objs[0])
    meta = model._meta
    assert not meta.parents, "multi-table inheritance is not supported"
    fields = list(meta.concrete_fields)
    related = [f for f in fields if f.is_relation and (f.many_to_one or f.one_to_one)]
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    now = timezone.now()
    for obj in objs:
        state = obj._state.fields_cache
        for f in related:
            if getattr(obj, f.attname) is None and f.name in state:
                target = state[f.name]
                if target is not None:
                    setattr(obj, f.attname, target.pk)
        for f in stamped:
            setattr(obj, f.attname, now)
    rows = list(objs)
    if ignore_conflicts:
        keys = _unique_sets(model)
        seen: list[set[tuple[Any, ...]]] = [set() for _ in keys]
        kept: list[M] = []
        for obj in rows:
            values = [tuple(getattr(obj, a) for a in key) for key in keys]
            # NULLs never conflict.
            if any(None not in v and v in s for v, s in zip(values, seen, strict=True)):
                continue
            for v, s in zip(values, seen, strict=True):
                if None not in v:
                    s.add(v)
            kept.append(obj)
        rows = kept
    pk = next_id(model)
    pk_name = meta.pk.attname
    for obj in rows:
        if getattr(obj, pk_name) is None:
            setattr(obj, pk_name, pk)
            pk += 1
        obj._state.adding = False
        obj._state.db = connection.alias
    for k in range(0, len(rows), chunk):
        part = rows[k:k + chunk]
        _write_fields(model, fields, [[getattr(o, f.attname) for o in part] for f in fields])
    reset_sequences(model)
    return rows


def _write_fields(model: type[models.Model], fields: list[Any], columns: list[list[Any]]) -> None:
    """Write one batch given column-wise as the fields' attribute values."""
    import json

    postgres = connection.vendor == "postgresql"
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    cols = ", ".join(qn(str(f.column)) for f in fields)
    if postgres:
        data = []
        for f, values in zip(fields, columns, strict=True):
            kind = f.get_internal_type()
            if kind == "JSONField":
                encoder = getattr(f, "encoder", None)
                data.append(["\\N" if v is None else _copy_escape(json.dumps(v, cls=encoder, ensure_ascii=False))
                             for v in values])
            elif kind in ("FileField", "ImageField"):
                data.append([_copy_escape(str(v.name if hasattr(v, "name") else v or "")) for v in values])
            else:
                data.append([_copy_cell(v) for v in values])
        _copy_text(table, cols, data)
    else:
        marks = ", ".join(["%s"] * len(fields))
        prepped = [[f.get_db_prep_save(v, connection) for v in values] for f, values in zip(fields, columns, strict=True)]
        with connection.cursor() as cur:
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(zip(*prepped, strict=True)))


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]], *, chunk: int = 50_000) -> list[int]:
    """insert_objects without model instances (which cost most of a large extension's time): each
    row a dict of attnames (`group_id`, not `group`) to values; fields left out take their default
    (a callable default is called per row), auto_now(_add) fields one timestamp. Each row gets its
    new id under "id" (returned too)."""
    from django.utils import timezone

    if not rows:
        return []
    meta = model._meta
    assert not meta.parents, "multi-table inheritance is not supported"
    fields = list(meta.concrete_fields)
    now = timezone.now()
    pk = next_id(model)
    ids = list(range(pk, pk + len(rows)))
    for row, i in zip(rows, ids, strict=True):
        row["id"] = i
    columns: list[list[Any]] = []
    for f in fields:
        name = f.attname
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            columns.append([now] * len(rows))
        elif f.has_default() and callable(f.default):
            columns.append([row[name] if name in row else f.get_default() for row in rows])
        else:
            default = f.get_default()  # "" for a text field without one, as Django gives
            columns.append([row.get(name, default) for row in rows])
    for k in range(0, len(rows), chunk):
        _write_fields(model, fields, [col[k:k + chunk] for col in columns])
    reset_sequences(model)
    return ids

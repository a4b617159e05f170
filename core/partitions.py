"""PostgreSQL table partitioning: turning a table into a partitioned one and back, and adding the
partitions of a new period.

Django has no notion of partitioned tables, so a migration calls `partition_table` (and
`unpartition_table` on the way back) from a RunPython that does nothing on SQLite. What PostgreSQL
requires (docs/scaling.md section 4): every unique key, the primary key included, contains the
partition key; identity columns are not allowed on a partitioned table (PostgreSQL 15), so `id`
takes its values from a sequence owned by the column, as a `serial` does; a foreign key may point
at the table only through a unique key, so nothing may reference it (checked here). The model
keeps `id` as its primary key: the ORM filters and updates by `id`, which the sequence keeps
unique across partitions.

Partitions are named `<table>_<suffix>` (`quality_scoreblock_y2026`) and `<table>_default`; rows
of a period without a partition wait in the default one and `partition_ensure` moves them out
when their partition is made.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

CursorLike = Any  # a Django or psycopg cursor: execute(sql, params), fetchall(), fetchone()


def is_partitioned(cursor: CursorLike, table: str) -> bool:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s))", [table])
    return bool(cursor.fetchone()[0])


def partition_names(cursor: CursorLike, table: str) -> list[str]:
    cursor.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                   "WHERE i.inhparent = to_regclass(%s) ORDER BY 1", [table])
    return [r[0] for r in cursor.fetchall()]


def _definitions(cursor: CursorLike, table: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The table's secondary indexes (CREATE statements) and its unique and foreign-key
    constraints (name, definition): what a rebuilt table must get back. CHECK and NOT NULL
    constraints travel with `CREATE TABLE ... (LIKE ...)`."""
    cursor.execute(
        "SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x WHERE x.indrelid = to_regclass(%s) "
        "AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid "
        "AND c.conrelid = x.indrelid) ORDER BY 1", [table])
    # An index of a partitioned table reads "ON ONLY <table>": created on the plain table, or on
    # the new partitioned one (where it cascades to every partition), it reads "ON <table>".
    indexes = [r[0].replace(" ON ONLY ", " ON ", 1) for r in cursor.fetchall()]
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE conrelid = to_regclass(%s) AND contype IN ('u', 'f') AND conparentid = 0 ORDER BY 1",
                   [table])
    return indexes, [(r[0], r[1]) for r in cursor.fetchall()]


def _refuse_references(cursor: CursorLike, table: str) -> None:
    cursor.execute("SELECT conrelid::regclass::text, conname FROM pg_constraint "
                   "WHERE confrelid = to_regclass(%s) AND contype = 'f'", [table])
    if found := cursor.fetchall():
        raise RuntimeError(f"{table} is referenced by foreign keys {found}: a partitioned table can only be "
                           "referenced through a unique key containing the partition key")


def _sequence_state(cursor: CursorLike, table: str) -> tuple[int, bool] | None:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    seq = cursor.fetchone()[0]
    if seq is None:
        return None
    cursor.execute(f"SELECT last_value, is_called FROM {seq}")
    last, called = cursor.fetchone()
    return int(last), bool(called)


def _restore(cursor: CursorLike, table: str, pk: Sequence[str], indexes: list[str],
             constraints: list[tuple[str, str]]) -> None:
    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({', '.join(pk)})")
    for sql in indexes:
        cursor.execute(sql)
    # Foreign keys last, after the copy: added to filled tables they are checked once, instead of
    # queueing one deferred check per copied row (which would block the ALTERs above).
    for name, definition in constraints:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    cursor.execute(f"ANALYZE {table}")


def partition_table(cursor: CursorLike, *, table: str, key: str, strategy: str,
                    partitions: Sequence[tuple[str, str]]) -> None:
    """Recreate `table` as `PARTITION BY <strategy> (<key>)` with `partitions` ((suffix, bound):
    ("y2026", "FOR VALUES IN (2026)"), plus a default partition), its rows copied, primary key
    (id, key), its indexes and constraints as they were. A unique constraint or index without
    the key makes PostgreSQL refuse; change it in the model first. Runs in the caller's
    transaction (a migration's), the table locked against reads and writes meanwhile."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check may be pending on the table
    cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    _refuse_references(cursor, table)
    indexes, constraints = _definitions(cursor, table)
    seq = _sequence_state(cursor, table)
    old = f"{table}_unpartitioned"
    cursor.execute(f"ALTER TABLE {table} RENAME TO {old}")
    cursor.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION) "
                   f"PARTITION BY {strategy} ({key})")
    for suffix, bound in [*partitions, ("default", "DEFAULT")]:
        cursor.execute(f"CREATE TABLE {table}_{suffix} PARTITION OF {table} {bound}")
    cursor.execute(f"INSERT INTO {table} SELECT * FROM {old}")
    cursor.execute(f"DROP TABLE {old}")  # with its identity sequence
    cursor.execute(f"CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id")
    if seq is not None:
        cursor.execute(f"SELECT setval('{table}_id_seq', %s, %s)", list(seq))
    cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq')")
    _restore(cursor, table, ["id", key], indexes, constraints)


def unpartition_table(cursor: CursorLike, *, table: str) -> None:
    """The reverse of `partition_table`: one plain table again, `id` an identity column and the
    primary key, indexes and constraints as on the partitioned table."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    indexes, constraints = _definitions(cursor, table)
    seq = _sequence_state(cursor, table)
    old = f"{table}_partitioned"
    cursor.execute(f"ALTER TABLE {table} RENAME TO {old}")
    cursor.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION)")
    cursor.execute(f"INSERT INTO {table} SELECT * FROM {old}")
    cursor.execute(f"DROP TABLE {old}")  # with its partitions and its sequence
    cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
    if seq is not None:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s, %s)", list(seq))
    _restore(cursor, table, ["id"], indexes, constraints)


def partition_ensure(*, table: str, suffix: str, bound: str, rows: str) -> bool:
    """Make the partition `<table>_<suffix>` (`bound`: "FOR VALUES IN (2027)") unless it exists;
    rows already waiting for it in the default partition (`rows`: the SQL condition selecting
    them, e.g. "school_year = 2027") move into it. True if it was made. PostgreSQL only."""
    name = f"{table}_{suffix}"
    with transaction.atomic(), connection.cursor() as cursor:
        # No deferred foreign-key check may be pending on the table PostgreSQL is to alter.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return False
        # Writers wait (readers do not) while rows move, so none lands in the default meanwhile.
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table}_default WHERE {rows})")
        if not cursor.fetchone()[0]:
            cursor.execute(f"CREATE TABLE {name} PARTITION OF {table} {bound}")
            return True
        # PostgreSQL refuses a partition whose rows sit in the default: build it apart, move the
        # rows, then attach it (which adds the parent's indexes and foreign keys to it).
        cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING CONSTRAINTS INCLUDING STORAGE "
                       "INCLUDING COMPRESSION)")
        cursor.execute(f"WITH moved AS (DELETE FROM {table}_default WHERE {rows} RETURNING *) "
                       f"INSERT INTO {name} SELECT * FROM moved")
        cursor.execute(f"ALTER TABLE {table} ATTACH PARTITION {name} {bound}")
    return True

"""Bulk student reads and writes for a score import (issue 9: 100,000 rows on PostgreSQL).

On PostgreSQL the lookup of a file's students is one statement joining the table with the
(school, key) pairs, passed as two comma-joined strings split by ``string_to_array`` (keys are
hex), since psycopg adapts a Python list of 100,000 strings element by element (≈1 s); the
insert takes its ids from the table's sequence (one ``nextval`` query over ``generate_series``)
and writes the rows with COPY (core.copying). So a 100,000-row import makes three round trips
instead of forty ``key IN (…5,000 values…)`` queries, a 100,000-row ``executemany`` and forty
more queries to read the new ids back. Other databases (SQLite in development and tests) take
the portable path: chunked ORM queries and one ``executemany``.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from core.copying import copy_escape, copy_text
from quality.models import Student

CHUNK = 5000

Existing = dict[tuple[int, str], tuple[int, str, str]]  # (school, key) -> (pk, class label, encrypted name)


def _pg() -> bool:
    return connection.vendor == "postgresql"


def existing_students(by_school: dict[int, list[str]]) -> Existing:
    """The students already stored for these (school, key) pairs."""
    out: Existing = {}
    if _pg():
        schools = [str(s) for s, keys in by_school.items() for _ in keys]
        keys = [k for ks in by_school.values() for k in ks]
        if not keys:
            return out
        q = connection.ops.quote_name
        joined = ",".join(keys)
        if joined.count(",") != len(keys) - 1:
            pairs = "unnest(%s::bigint[], %s::text[])"  # a key with a comma (never from student_keys)
            params: list[Any] = [[int(x) for x in schools], keys]
        else:
            pairs = "unnest(string_to_array(%s, ',')::bigint[], string_to_array(%s, ','))"
            params = [",".join(schools), joined]
        sql = (f"SELECT s.id, s.school_id, s.key, s.class_label, s.name_encrypted FROM {q(Student._meta.db_table)} s "
               f"JOIN {pairs} AS t(school_id, key) ON s.school_id = t.school_id AND s.key = t.key")
        with connection.cursor() as cur:
            cur.execute(sql, params)
            for pk, school_id, key, cls, name in cur.fetchall():
                out[(int(school_id), str(key))] = (int(pk), cls, name)
        return out
    for school_id, school_keys in by_school.items():
        for start in range(0, len(school_keys), CHUNK):
            for pk, key, cls, name in Student.objects.filter(
                    school_id=school_id, key__in=school_keys[start:start + CHUNK]).values_list(
                    "pk", "key", "class_label", "name_encrypted"):
                out[(school_id, key)] = (pk, cls, name)
    return out


def _copy_column(values: list[str]) -> list[str]:
    """Text values as COPY cells: as they are when none needs escaping (keys are hex, names
    base64 tokens), which one scan of the joined column tells."""
    joined = "".join(values)
    if not any(c in joined for c in "\\\t\n\r"):
        return values
    return [copy_escape(v) for v in values]


def insert_students(new: list[tuple[str, int, str, str]]) -> dict[tuple[int, str], int]:
    """Insert (key, school, class label, encrypted name) rows; the new ids by (school, key)."""
    if not new:
        return {}
    now = timezone.now()
    q = connection.ops.quote_name
    table = q(Student._meta.db_table)
    cols = ", ".join(q(c) for c in ("key", "school_id", "class_label", "name_encrypted", "created_at", "updated_at"))
    out: dict[tuple[int, str], int] = {}
    if _pg():
        # Ids from the table's own sequence, so concurrent writers never collide; then COPY.
        with connection.cursor() as cur:
            # The sequence looked up once (a scalar subquery), not once per row (10× slower).
            cur.execute("SELECT nextval((SELECT pg_get_serial_sequence(%s, 'id')::regclass)) "
                        "FROM generate_series(1, %s)", [Student._meta.db_table, len(new)])
            ids = [int(r[0]) for r in cur.fetchall()]
        stamps = [now.isoformat()] * len(new)
        copy_text(table, f"{q('id')}, {cols}", [
            [str(i) for i in ids], _copy_column([r[0] for r in new]), [str(r[1]) for r in new],
            _copy_column([r[2] for r in new]), _copy_column([r[3] for r in new]), stamps, stamps])
        return {(r[1], r[0]): pk for r, pk in zip(new, ids, strict=True)}
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES (%s, %s, %s, %s, %s, %s)",
                        [(*s, stamp, stamp) for s in new])
    by_school: dict[int, list[str]] = {}
    for key, school_id, _c, _n in new:
        by_school.setdefault(school_id, []).append(key)
    for school_id, school_keys in by_school.items():
        for start in range(0, len(school_keys), CHUNK):
            for key, pk in Student.objects.filter(school_id=school_id,
                                                  key__in=school_keys[start:start + CHUNK]).values_list("key", "pk"):
                out[(school_id, key)] = pk
    return out

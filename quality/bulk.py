"""Bulk student reads and writes for a score import (issue 9: 100,000 rows on PostgreSQL).

On PostgreSQL each is one statement over arrays (``unnest``): the lookup of a file's students
joins the table with the (school, key) pairs, and the insert returns the new ids, so a 100,000
row import makes two round trips instead of forty ``key IN (…5,000 values…)`` queries, a
100,000-row ``executemany`` and forty more queries to read the new ids back. Other databases
(SQLite in development and tests) take the portable path: chunked ORM queries and one
``executemany``.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from quality.models import Student

CHUNK = 5000

Existing = dict[tuple[int, str], tuple[int, str, str]]  # (school, key) -> (pk, class label, encrypted name)


def _pg() -> bool:
    return connection.vendor == "postgresql"


def existing_students(by_school: dict[int, list[str]]) -> Existing:
    """The students already stored for these (school, key) pairs."""
    out: Existing = {}
    if _pg():
        schools = [s for s, keys in by_school.items() for _ in keys]
        keys = [k for ks in by_school.values() for k in ks]
        if not keys:
            return out
        q = connection.ops.quote_name
        sql = (f"SELECT s.id, s.school_id, s.key, s.class_label, s.name_encrypted FROM {q(Student._meta.db_table)} s "
               "JOIN unnest(%s::bigint[], %s::text[]) AS t(school_id, key) "
               "ON s.school_id = t.school_id AND s.key = t.key")
        with connection.cursor() as cur:
            cur.execute(sql, [schools, keys])
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
        sql = (f"INSERT INTO {table} ({cols}) SELECT k, s, c, n, %s, %s "
               "FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::text[]) AS t(k, s, c, n) "
               "RETURNING id, school_id, key")
        with connection.cursor() as cur:
            cur.execute(sql, [now, now, [r[0] for r in new], [r[1] for r in new], [r[2] for r in new],
                              [r[3] for r in new]])
            for pk, school_id, key in cur.fetchall():
                out[(int(school_id), str(key))] = int(pk)
        return out
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

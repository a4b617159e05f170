"""The PostgreSQL partitions of the score blocks: one per school year, made ahead of time.

Migration 0007 partitions `quality_scoreblock` by `school_year` (core.partitions). A block whose
year has no partition lands in the default one; the daily job makes this and next school year's
partitions before their first import, and moves any block waiting in the default partition into
a partition of its own year. SQLite, and a PostgreSQL table that is not partitioned, need nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from core.partitions import is_partitioned, partition_ensure

TABLE = "quality_scoreblock"


def school_year_of(day: dt.date) -> int:
    """The school year a day falls in, by its first calendar year (1 September to 31 August)."""
    return day.year if day.month >= 9 else day.year - 1


def scoreblock_partitions_ensure(*, today: dt.date) -> list[int] | None:
    """The school years whose partition was made (current, next, and any year waiting in the
    default partition); None where the table is not partitioned."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        if not is_partitioned(cursor, TABLE):
            return None
        cursor.execute(f"SELECT DISTINCT school_year FROM {TABLE}_default")
        waiting = {int(r[0]) for r in cursor.fetchall()}
    current = school_year_of(today)
    return [year for year in sorted({current, current + 1, *waiting})
            if partition_ensure(table=TABLE, suffix=f"y{year}", bound=f"FOR VALUES IN ({year})",
                                rows=f"school_year = {year}")]

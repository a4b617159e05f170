"""Partitioning observations by school year in PostgreSQL: a measured trial on copies.

    JIAOYAN_DATABASE_URL=postgres://.../jiaoyan_x .venv/bin/python bench/bench_partition.py [--copies 20] [--keep]

Builds, in a schema of its own (part_trial, dropped at the end unless --keep), two copies of the
seeded observe_observation rows multiplied to province size (--copies times, spread over four
school years by shifting dates whole years back): one plain table with the app's indexes, one
partitioned by RANGE on the lesson date, one partition per school year (1 September to
1 September), same indexes. Then times, median of --repeat runs each, the queries the analysis
and archive pages make, plus an old year's removal and a batch insert. Needs a seeded database
(manage.py seed --scale city); only the columns the analysis reads are copied.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")

COLUMNS = "id, school_id, teacher_id, observer_id, subject_id, date, kind, purpose, status, overall_grade, grade"
YEARS = (2022, 2023, 2024, 2025, 2026)  # partitions: school years starting in these years


def setup(cur: object, copies: int) -> None:
    c = cur.execute  # type: ignore[attr-defined]  # a psycopg cursor
    c("DROP SCHEMA IF EXISTS part_trial CASCADE")
    c("CREATE SCHEMA part_trial")
    like = ("id bigint NOT NULL, school_id bigint NOT NULL, teacher_id bigint NOT NULL, observer_id bigint NOT NULL, "
            "subject_id bigint, date date NOT NULL, kind varchar(16) NOT NULL, purpose varchar(16) NOT NULL, "
            "status varchar(10) NOT NULL, overall_grade varchar(10) NOT NULL, grade smallint")
    c(f"CREATE TABLE part_trial.obs_plain ({like}, PRIMARY KEY (id))")
    # The partition key must be part of every unique key of a partitioned table: (id, date).
    c(f"CREATE TABLE part_trial.obs_part ({like}, PRIMARY KEY (id, date)) PARTITION BY RANGE (date)")
    for y in YEARS:
        c(f"CREATE TABLE part_trial.obs_{y} PARTITION OF part_trial.obs_part "
          f"FOR VALUES FROM ('{y}-09-01') TO ('{y + 1}-09-01')")
    c("CREATE TABLE part_trial.obs_default PARTITION OF part_trial.obs_part DEFAULT")
    c("SELECT max(id) FROM observe_observation")
    top = cur.fetchone()[0] or 0  # type: ignore[attr-defined]
    for table in ("obs_plain", "obs_part"):
        c(f"INSERT INTO part_trial.{table} ({COLUMNS}) "
          f"SELECT o.id + k * {top}, o.school_id, o.teacher_id, o.observer_id, o.subject_id, "
          f"  (o.date - make_interval(years => k % 4))::date, o.kind, o.purpose, o.status, o.overall_grade, o.grade "
          f"FROM observe_observation o CROSS JOIN generate_series(0, {copies - 1}) k")
        for name, cols in (("school_date", "school_id, date"), ("observer_date", "observer_id, date"),
                           ("teacher_date", "teacher_id, date")):
            c(f"CREATE INDEX {table}_{name} ON part_trial.{table} ({cols})")
        c(f"ANALYZE part_trial.{table}")


def timed(cur: object, sql: str, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        cur.execute(sql)  # type: ignore[attr-defined]
        cur.fetchall()  # type: ignore[attr-defined]
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only: set JIAOYAN_DATABASE_URL")
    with connection.cursor() as django_cur:
        cur = django_cur.cursor  # the psycopg cursor: no Django wrapping in the timings
        cur.execute("SELECT count(*) FROM observe_observation")
        n = cur.fetchone()[0]
        t0 = time.perf_counter()
        setup(cur, args.copies)
        cur.execute("SELECT count(*) FROM part_trial.obs_plain")
        total = cur.fetchone()[0]
        print(f"{n} seeded observations x {args.copies} = {total} rows per table, school years {YEARS[0]}-{YEARS[-1]} "
              f"(built in {time.perf_counter() - t0:.0f} s)")
        cur.execute("SELECT tableoid::regclass, count(*) FROM part_trial.obs_part GROUP BY 1 ORDER BY 1")
        print("  partitions: " + ", ".join(f"{t} {c}" for t, c in cur.fetchall()))
        cur.execute("SELECT path FROM core_orgnode WHERE kind = 'county' ORDER BY path LIMIT 1")
        county = cur.fetchone()[0]
        cur.execute("SELECT teacher_id FROM observe_observation GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        teacher = cur.fetchone()[0]
        year = "date >= '2025-09-01' AND date < '2026-09-01'"
        in_county = f"school_id IN (SELECT id FROM core_orgnode WHERE path LIKE '{county}%')"
        queries = [
            ("one year, whole region: counts by kind and grade",
             f"SELECT kind, overall_grade, count(*) FROM part_trial.{{t}} WHERE {year} AND status = 'submitted' "
             "GROUP BY 1, 2"),
            ("one year, one county: counts per school",
             f"SELECT school_id, count(*) FROM part_trial.{{t}} WHERE {year} AND {in_county} GROUP BY 1"),
            ("all years, one teacher: newest 50 (archive)",
             f"SELECT * FROM part_trial.{{t}} WHERE teacher_id = {teacher} ORDER BY date DESC LIMIT 50"),
            ("all years, whole region: counts per year",
             "SELECT date_trunc('year', date - interval '8 months'), count(*) FROM part_trial.{t} GROUP BY 1"),
        ]
        print(f"\n{'query (median of ' + str(args.repeat) + ', ms)':52s} {'plain':>9s} {'partitioned':>12s} {'ratio':>6s}")
        for name, sql in queries:
            plain = timed(cur, sql.format(t="obs_plain"), args.repeat)
            part = timed(cur, sql.format(t="obs_part"), args.repeat)
            print(f"{name:52s} {plain:9.1f} {part:12.1f} {part / plain:6.2f}")
        cur.execute("EXPLAIN " + queries[0][1].format(t="obs_part"))
        scanned = sorted({line[0].split(" on ")[1].split()[0] for line in cur.fetchall() if " on obs_" in line[0]})
        print(f"  (the one-year plan on the partitioned table reads only: {', '.join(scanned)})")

        t0 = time.perf_counter()
        cur.execute(f"INSERT INTO part_trial.obs_plain ({COLUMNS}) SELECT id + 10^12, school_id, teacher_id, observer_id, "
                    f"subject_id, date, kind, purpose, status, overall_grade, grade FROM part_trial.obs_plain LIMIT 20000")
        ins_plain = time.perf_counter() - t0
        t0 = time.perf_counter()
        cur.execute(f"INSERT INTO part_trial.obs_part ({COLUMNS}) SELECT id + 10^12, school_id, teacher_id, observer_id, "
                    f"subject_id, date, kind, purpose, status, overall_grade, grade FROM part_trial.obs_part LIMIT 20000")
        ins_part = time.perf_counter() - t0
        print(f"{'insert 20,000 rows':52s} {ins_plain * 1000:9.1f} {ins_part * 1000:12.1f} {ins_part / ins_plain:6.2f}")
        t0 = time.perf_counter()
        cur.execute(f"DELETE FROM part_trial.obs_plain WHERE date < '{YEARS[1]}-09-01'")
        del_plain = time.perf_counter() - t0
        t0 = time.perf_counter()
        cur.execute(f"ALTER TABLE part_trial.obs_part DETACH PARTITION part_trial.obs_{YEARS[0]}")
        cur.execute(f"DROP TABLE part_trial.obs_{YEARS[0]}")
        del_part = time.perf_counter() - t0
        print(f"{'remove the oldest school year (DELETE vs DETACH+DROP)':52s} {del_plain * 1000:9.1f} "
              f"{del_part * 1000:12.1f} {del_part / del_plain:6.3f}")
        if not args.keep:
            cur.execute("DROP SCHEMA part_trial CASCADE")


if __name__ == "__main__":
    main()

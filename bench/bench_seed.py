"""On-demand benchmark for the demo generator (`manage.py seed`; not collected by pytest).

Times a seed at the chosen scale on the configured database (JIAOYAN_DATABASE_URL, else the
SQLite default), then, in the same run, a baseline: the same number of plain rows (an id, two
short texts, an integer, a date) written the fastest way the database offers (COPY on
PostgreSQL, one prepared executemany on SQLite) into a scratch table. The ratio seed/baseline says
how much the generator costs over pure insertion on this machine, so figures compare across
machines.

The database must be empty of demo data, or pass --flush (which empties it first).

Run:  cd /work/main && JIAOYAN_FAST_HASHER=1 PYTHONPATH=. .venv/bin/python bench/bench_seed.py --scale city --flush
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")
    import django

    django.setup()


def baseline(n_rows: int) -> float:
    """Seconds to write n_rows plain rows into a scratch table, then drop it."""
    from django.db import connection, transaction

    day = dt.date(2026, 9, 1)
    rows = [(i, f"名字{i % 9973}", f"code{i:010d}", i % 97, day) for i in range(1, n_rows + 1)]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_seed_scratch (id bigint PRIMARY KEY, a varchar(40), b varchar(40), "
                    "c integer, d date)")
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            raw = cur.cursor
            with raw.copy("COPY bench_seed_scratch (id, a, b, c, d) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            for k in range(0, len(rows), 20_000):
                cur.executemany("INSERT INTO bench_seed_scratch VALUES (%s, %s, %s, %s, %s)", rows[k:k + 20_000])
        elapsed = time.perf_counter() - started
        cur.execute("DROP TABLE bench_seed_scratch")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description="演示数据生成基准")
    parser.add_argument("--scale", default="demo", choices=["demo", "city", "province"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--flush", action="store_true")
    args = parser.parse_args()
    _setup()
    from django.db import connection

    from core.demo.seeding import SeedRefused, seed_database

    try:
        started = time.perf_counter()
        result = seed_database(scale=args.scale, seed=args.seed, flush=args.flush, report=print)
        seconds = time.perf_counter() - started
    except SeedRefused as exc:
        print(exc, file=sys.stderr)
        return 2
    rows = sum(result.counts.values())
    base = baseline(rows)
    print(f"数据库：{connection.vendor}；规模：{args.scale}；种子：{args.seed}")
    for label, n in result.counts.items():
        print(f"  {label:<28}{n:>10,}")
    print("分步用时（秒）：" + "，".join(f"{k} {v}" for k, v in result.timings.items()))
    print(f"生成：{rows:,}行，{seconds:.1f}秒，{rows / seconds:,.0f}行/秒")
    print(f"基线（同样行数的纯插入）：{base:.1f}秒，{rows / base:,.0f}行/秒")
    print(f"比值（生成/基线）：{seconds / base:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

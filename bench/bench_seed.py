"""On-demand benchmark for the demo generator (`manage.py seed`; not collected by pytest).

Times a seed at the chosen scale on the configured database (JIAOYAN_DATABASE_URL, else the
SQLite default), then, in the same run, a baseline: the same number of plain rows (an id, two
short texts, an integer, a date) written the fastest way the database offers (COPY on
PostgreSQL, one prepared executemany on SQLite) into a scratch table. The ratio seed/baseline says
how much the generator costs over pure insertion on this machine, so figures compare across
machines.

It prints the seed's phase times (core generator, terms and groups, logins, each extension —
observe.observations includes writing the observation aggregates —, the after-seed hook, the
final ANALYZE and norm refresh), each phase's CPU seconds, and the CPU seconds of this process and
of its PostgreSQL backend (read from /proc when the server runs on this machine): the machine may
be shared, and CPU time says what the seed costs whatever else is running.

The database must be empty of demo data, or pass --flush (which empties it first).

Run:  cd /work/main && JIAOYAN_FAST_HASHER=1 PYTHONPATH=. .venv/bin/python bench/bench_seed.py --scale city --flush
      (province on PostgreSQL: JIAOYAN_DATABASE_URL=postgres://... ... --scale province --flush)
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


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (None elsewhere)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        row = cur.fetchone()
    try:
        with open(f"/proc/{row[0] if row else 0}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
        db_cpu0 = backend_cpu()
        cpu0 = time.process_time()
        started = time.perf_counter()
        result = seed_database(scale=args.scale, seed=args.seed, flush=args.flush, report=print)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu0
        db_cpu1 = backend_cpu()
    except SeedRefused as exc:
        print(exc, file=sys.stderr)
        return 2
    rows = sum(result.counts.values())
    base = baseline(rows)
    print(f"数据库：{connection.vendor}；规模：{args.scale}；种子：{args.seed}")
    for label, n in result.counts.items():
        print(f"  {label:<28}{n:>10,}")
    print("分步用时（秒）：" + "，".join(f"{k} {v}" for k, v in result.timings.items()))
    print("分步 CPU（本进程，秒）：" + "，".join(f"{k} {v}" for k, v in result.cpu.items()))
    if result.db_cpu:
        print("分步 CPU（数据库进程，秒）：" + "，".join(f"{k} {v}" for k, v in result.db_cpu.items()))
    print(f"生成：{rows:,}行，{seconds:.1f}秒，{rows / seconds:,.0f}行/秒")
    db_cpu = f"，数据库进程 {db_cpu1 - db_cpu0:.1f}秒" if db_cpu0 is not None and db_cpu1 is not None else ""
    print(f"CPU 时间：本进程 {cpu:.1f}秒{db_cpu}（机器负载：{os.getloadavg()[0]:.1f}）")
    print(f"基线（同样行数的纯插入）：{base:.1f}秒，{rows / base:,.0f}行/秒")
    print(f"比值（生成/基线）：{seconds / base:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

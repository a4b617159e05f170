"""The workbench in process, for every demo role: queries, time in SQL, the process's CPU time and
wall time per request, each the median of --runs warm requests, next to the bare workbench
(bench/bare.py) of the same run.

    .venv/bin/python bench/bench_workbench.py [--roles all|demo-a,demo-b] [--runs 5] [--sql]

Uses the database the environment names (JIAOYAN_DATABASE_URL). In process through Django's test
client (no gunicorn, no concurrency): what one request costs this process and the database, the
figures bench/bench_pages.py's latencies are made of. `--sql` prints each role's queries with their
times, slowest first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--roles", default="all")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sql", action="store_true", help="each role's queries, slowest first")
    args = ap.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.access import home_node
    from core.models import User

    if args.roles == "all":
        roles = list(User.objects.filter(username__startswith="demo-").order_by("pk").values_list("username", flat=True))
    else:
        roles = args.roles.split(",")

    def measure(client: Client, path: str) -> tuple[float, float, float, int, list[dict[str, Any]]]:
        client.get(path)  # warm: templates, caches, the session row
        walls, cpus, sqls, counts = [], [], [], []
        last: list[dict[str, Any]] = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as q:
                c0, w0 = time.process_time(), time.perf_counter()
                r = client.get(path)
                cpus.append((time.process_time() - c0) * 1000)
                walls.append((time.perf_counter() - w0) * 1000)
            assert r.status_code == 200, (path, r.status_code)
            sqls.append(sum(float(x["time"]) for x in q.captured_queries) * 1000)
            counts.append(len(q.captured_queries))
            last = list(q.captured_queries)
        return (statistics.median(walls), statistics.median(cpus), statistics.median(sqls), max(counts), last)

    print(f"median of {args.runs} warm requests in process; ms; database {connection.vendor}\n")
    print(f"{'role':28s} {'queries':>7s} {'wall':>7s} {'cpu':>7s} {'sql':>7s}   "
          f"{'bare wb wall':>12s} {'ratio':>6s}")
    for role in roles:
        user = User.objects.get(username=role)
        node = home_node(user)
        client = Client()
        client.force_login(user)
        wall, cpu, sql, n, last = measure(client, "/")
        bare = ""
        if node is not None:
            bwall = measure(client, f"/bare/workbench/?node={node.code}")[0]
            bare = f"{bwall:12.1f} {wall / bwall:6.2f}"
        print(f"{role:28s} {n:7d} {wall:7.1f} {cpu:7.1f} {sql:7.1f}   {bare}", flush=True)
        if args.sql:
            for x in sorted(last, key=lambda x: -float(x["time"]))[:15]:
                print(f"      {float(x['time']) * 1000:7.1f} {x['sql'][:220]}")


if __name__ == "__main__":
    main()

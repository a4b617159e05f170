"""Page latency under concurrent users, against the production server (gunicorn).

    .venv/bin/python bench/bench_pages.py [--users 8] [--requests 400] [--role demo-county_researcher]

Uses the database the environment names (JIAOYAN_DATABASE_URL; seed it first, e.g.
`manage.py seed --scale province`). Starts gunicorn with bench/settings_bench.py, logs one demo
user in, and for each page runs the given number of requests from N concurrent clients: the
real page and its bare counterpart (same rows, plain ORM + template, no policy) in the same run.
Prints p50/p95 per page and the ratio real/bare. Then measures, in process, what the access
policy adds to list queries compared with the same query unscoped.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")


def session_cookie(username: str) -> str:
    import django

    django.setup()
    from bench.sessions import session_cookie as make

    return make(username)


def run(port: int, path: str, cookie: str, users: int, total: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    per_user = max(1, total // users)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(per_user):
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie})
            resp = conn.getresponse()
            resp.read()
            mine.append((time.perf_counter() - t0) * 1000)
            if resp.status != 200:
                raise SystemExit(f"{path}: HTTP {resp.status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if len(latencies) != per_user * users:
        raise SystemExit(f"{path}: {per_user * users - len(latencies)} requests failed")
    return latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def policy_overhead(username: str, node_code: str, repeat: int = 200) -> None:
    from core.access import people_visible_to, schools_visible_to, scope_of
    from core.models import OrgKind, OrgNode, Person, User

    user = User.objects.get(username=username)
    node = OrgNode.objects.get(code=node_code)
    scope_of(user)

    def timed(fn: object) -> float:
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()  # type: ignore[operator]  # the table holds callables of several signatures
            samples.append(time.perf_counter() - t0)
        return statistics.median(samples) * 1000

    def scoped_schools() -> None:
        qs = schools_visible_to(user).filter(path__startswith=node.path).order_by("path")
        qs.count()
        list(qs[50:100])

    def bare_schools() -> None:
        qs = OrgNode.objects.filter(kind=OrgKind.SCHOOL, path__startswith=node.path).order_by("path")
        qs.count()
        list(qs[50:100])

    def scoped_people() -> None:
        qs = people_visible_to(user).filter(org__path__startswith=node.path).order_by("pinyin", "code")
        qs.count()
        list(qs[50:100])

    def bare_people() -> None:
        qs = Person.objects.filter(org__path__startswith=node.path).order_by("pinyin", "code")
        qs.count()
        list(qs[50:100])

    print(f"\naccess-policy overhead on list queries (median of {repeat}, in process):")
    for name, scoped, bare in (("school list", scoped_schools, bare_schools),
                               ("people list", scoped_people, bare_people)):
        s, b = timed(scoped), timed(bare)
        print(f"  {name:12s} scoped {s:7.2f} ms   unscoped {b:7.2f} ms   overhead {100 * (s / b - 1):+.1f}%")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--role", default="demo-county_researcher")
    ap.add_argument("--port", type=int, default=0, help="0: any free port")
    ap.add_argument("--workers", type=int, default=4)
    args = ap.parse_args()

    cookie = session_cookie(args.role)
    from core.access import home_node, people_visible_to, schools_visible_to
    from core.models import User

    user = User.objects.get(username=args.role)
    node = home_node(user)
    assert node is not None
    school = schools_visible_to(user).order_by("path").first()
    assert school is not None
    person = people_visible_to(user).order_by("pinyin").first()
    assert person is not None
    prefix = person.pinyin[:3]
    print(f"user {args.role}, scope {node.name}, school {school.name}, pinyin prefix '{prefix}'")

    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings_bench")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "jiaoyan.wsgi:application",
         "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env)
    try:
        for _ in range(100):
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited with {server.returncode}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                c.request("GET", "/login/")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        pages = [
            ("workbench", "/", f"/bare/workbench/?node={node.code}"),
            ("school list (filtered, page 2)", f"/schools/?node={node.code}&locale=rural&page=2",
             f"/bare/schools/?node={node.code}&locale=rural&page=2"),
            ("person search (pinyin prefix)", f"/people/?q={prefix}", f"/bare/people/?q={prefix}"),
            ("school page", f"/org/{school.code}/", f"/bare/school/{school.code}/"),
        ]
        print(f"\n{args.users} concurrent users, {args.requests} requests per page, gunicorn x{args.workers}")
        print(f"{'page':34s} {'p50 ms':>8s} {'p95 ms':>8s} {'bare p50':>9s} {'bare p95':>9s} {'ratio p95':>9s}")
        for name, real, bare in pages:
            run(args.port, real, cookie, args.users, args.users * 2)  # warm up
            run(args.port, bare, cookie, args.users, args.users * 2)
            r = run(args.port, real, cookie, args.users, args.requests)
            b = run(args.port, bare, cookie, args.users, args.requests)
            print(f"{name:34s} {pct(r, 50):8.1f} {pct(r, 95):8.1f} {pct(b, 50):9.1f} {pct(b, 95):9.1f} "
                  f"{pct(r, 95) / pct(b, 95):9.2f}")
    finally:
        server.terminate()
        server.wait()
    policy_overhead(args.role, node.code)


if __name__ == "__main__":
    main()

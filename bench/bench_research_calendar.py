"""Benchmark: an institution's research-activity calendar at city scale (issue 12: "an
institution's calendar answers p95 under 200 ms with 8 users"), against the production server
(gunicorn), with the bare page of the same run as the baseline.

    JIAOYAN_DATABASE_URL=sqlite:///var/city.sqlite3 .venv/bin/python manage.py seed --scale city
    JIAOYAN_DATABASE_URL=sqlite:///var/city.sqlite3 .venv/bin/python bench/bench_research_calendar.py \
        [--user demo-city_researcher] [--warm 20] [--users 8] [--workers 4] [--url http://127.0.0.1:8000]

Measures, for the user's home institution (a city's 教科院 for the city researcher) and for a county
institution under it, the month view and the list view of the month with the most activities,
and the user's own calendar: warm, 8 clients each sending --warm requests, then one client. The
baseline is /bare/ping/ (session, user, one query, plain template; bench/bare.py). Prints the
number of activities and sign-ins in the database, p50/p95 per page and the ratio of each p95 to
the baseline's p95 at the same concurrency.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")

TARGET_MS = 200.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--user", default="demo-city_researcher")
    ap.add_argument("--warm", type=int, default=20)
    ap.add_argument("--users", type=int, default=8)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--url", default="", help="an already running server (with bench/settings_bench.py)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    import django

    django.setup()
    from django.db.models import Count
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from bench.bench_pages import Target, concurrent, pct, start_server, wait_up
    from bench.sessions import session_cookie
    from core.access import home_node
    from core.models import OrgKind, OrgNode, User
    from research.models import Activity, Participant

    user = User.objects.get(username=args.user)
    node = home_node(user)
    if node is None:
        raise SystemExit(f"{args.user} has no post")
    county = OrgNode.objects.filter(path__startswith=node.path, kind=OrgKind.COUNTY).order_by("path").first()
    busiest = (Activity.objects.filter(organiser=node).annotate(m=TruncMonth("start", tzinfo=timezone.get_current_timezone()))
               .values("m").annotate(n=Count("id")).order_by("-n").first())
    month = busiest["m"].strftime("%Y-%m") if busiest else timezone.localdate().strftime("%Y-%m")
    print(f"database: {Activity.objects.count()} activities, {Participant.objects.count()} participants, "
          f"{Participant.objects.filter(attendance__in=['present', 'late']).count()} sign-ins")
    pages = [("bare ping (baseline)", "/bare/ping/"),
             (f"institution month ({node.name})", f"/research/calendar/{node.code}/?month={month}"),
             ("institution list", f"/research/calendar/{node.code}/?month={month}&view=list"),
             ("my calendar", f"/research/calendar/?month={month}")]
    if county is not None:
        pages.append((f"county month ({county.name})", f"/research/calendar/{county.code}/?month={month}"))
    cookie = session_cookie(args.user)

    server = None
    if args.url:
        u = urlparse(args.url)
        target = Target(u.hostname or "127.0.0.1", u.port or 80)
    else:
        server, target = start_server(args.workers)
    try:
        wait_up(target, server)
        print(f"user {args.user}, month {month}; warm, {args.users} clients x {args.warm} requests, then 1 client")
        print(f"{'page':40} {'c=8 p50':>8} {'c=8 p95':>8} {'ratio':>6} {'c=1 p95':>8} {'ratio':>6}")
        base8 = base1 = 0.0
        worst = 0.0
        for name, path in pages:
            concurrent(target, path, cookie, args.users, 2)  # warm-up
            w8 = concurrent(target, path, cookie, args.users, args.warm)
            w1 = concurrent(target, path, cookie, 1, args.warm)
            p8, p1 = pct(w8, 95), pct(w1, 95)
            if path.startswith("/bare/"):
                base8, base1 = p8, p1
            else:
                worst = max(worst, p8)
            print(f"{name[:40]:40} {pct(w8, 50):8.0f} {p8:8.0f} {p8 / base8:6.1f} {p1:8.0f} {p1 / base1:6.1f}")
        print(f"worst calendar p95 at c={args.users}: {worst:.0f} ms; target < {TARGET_MS:.0f} ms: "
              f"{'met' if worst < TARGET_MS else 'MISSED'}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()

"""Benchmark: a school's GROUP.MEET strips page at city scale (issue 12, "Performance": a school's
GROUP.MEET strips answer p95 under 200 ms with 8 users), against the bare page of the same run.

    cd /work/main && JIAOYAN_FAST_HASHER=1 PYTHONPATH=. .venv/bin/python bench/bench_research_strips.py \\
        --build var/bench-strips.sqlite3        # first run: migrate and seed a city into that file
    ... bench/bench_research_strips.py --db var/bench-strips.sqlite3 [--warm 30] [--users 8] [--workers 4]

With --build the file is created (refused if it exists), migrated and seeded at city scale
(`seed --scale city`: 600 schools; the research demo writes each 教研组's semester of activities),
then topped up to a school year: the second semester's activities of every group (planned) and a
sign-in of every member of every group at every activity held (about 150,000 sign-ins). With --db
an existing file built so is reused (or JIAOYAN_DATABASE_URL names a seeded database).

Starts gunicorn (bench/settings_bench.py, as bench_pages) and measures, warm, c=1 and c=8:
- the demo principal's strips page, /research/groups/ (his school's groups, current term);
- a county researcher reading a school's strips, /research/groups/?school=…;
- the bare page /bare/ping/ (session, user, one query, plain template), the floor;
and prints p50/p95 in ms and the ratio of each page's c=8 p95 to the bare page's. The machine
may be shared: absolute figures are noisy, ratios less so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_MS = 200.0


def _use_db(path: Path) -> None:
    os.environ["JIAOYAN_DATABASE_URL"] = f"sqlite:///{path.resolve()}"


def build(path: Path) -> None:
    """Migrate and seed a city into a new file, then top the activities up to a school year."""
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    from core.demo.seeding import seed_database

    seed_database(scale="city", seed=1, report=lambda msg: None)
    print(f"seeded a city into {path} in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    added, signins = top_up_year()
    print(f"topped up: {added} second-semester activities, {signins} sign-ins ({time.perf_counter() - t0:.0f} s)")


def top_up_year() -> tuple[int, int]:
    from django.db import transaction
    from django.utils import timezone

    from core.models import GroupKind, GroupMembership, TeachingGroup, Term
    from core.terms import term_by_key
    from research.group_rules import fortnights
    from research.models.activities import Activity, ActivityStatus, Attendance, Participant

    groups = list(TeachingGroup.objects.filter(kind=GroupKind.SUBJECT).select_related("school"))
    members: dict[int, list[int]] = {}
    for gid, pid in GroupMembership.objects.filter(group__kind=GroupKind.SUBJECT).values_list("group_id", "person_id"):
        members.setdefault(gid, []).append(pid)
    terms: dict[tuple[int, int], Term | None] = {}
    new: list[Activity] = []
    for g in groups:
        current = term_by_key(g.school, g.term_key)
        if current is None:
            continue
        key = (current.region_id, current.school_year)
        if key not in terms:
            terms[key] = Term.objects.filter(region_id=current.region_id, school_year=current.school_year,
                                             semester=2).first()
        spring = terms[key]
        if spring is None:
            continue
        for a, _ in fortnights(spring.start, spring.end):
            start = timezone.make_aware(dt.datetime.combine(a + dt.timedelta(days=1), dt.time(14, 30)))
            new.append(Activity(organiser_id=g.school_id, group=g, term=spring, title=f"{g.name}集中教研", start=start,
                                end=start + dt.timedelta(minutes=90), periods=2, status=ActivityStatus.PLANNED))
    signins: list[Participant] = []
    held = Activity.objects.filter(group__isnull=False, status=ActivityStatus.CLOSED).values_list("pk", "group_id",
                                                                                                  "start")
    for pk, gid, start in held:
        for pid in members.get(gid, []):
            signins.append(Participant(activity_id=pk, person_id=pid, attendance=Attendance.PRESENT, signed_at=start))
    with transaction.atomic():
        Activity.objects.bulk_create(new, batch_size=2000)
        Participant.objects.bulk_create(signins, batch_size=5000, ignore_conflicts=True)
    return len(new), Participant.objects.count()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=Path, help="a new SQLite file to migrate and seed at city scale")
    ap.add_argument("--db", type=Path, help="a SQLite file built with --build")
    ap.add_argument("--warm", type=int, default=30, help="requests at c=1, and per client at c=8")
    ap.add_argument("--users", type=int, default=8)
    ap.add_argument("--workers", type=int, default=4)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.build is not None:
        if args.build.exists():
            raise SystemExit(f"{args.build} exists: pass it with --db, or remove it to build again")
        _use_db(args.build)
    elif args.db is not None:
        if not args.db.exists():
            raise SystemExit(f"{args.db} does not exist: build it with --build")
        _use_db(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
    import django

    django.setup()
    if args.build is not None:
        build(args.build)

    from bench.bench_pages import concurrent, fmt, pct, start_server, wait_up
    from bench.sessions import session_cookie
    from core.models import OrgNode, User
    from research.models.activities import Activity, Participant

    principal = User.objects.select_related("person__org").get(username="demo-principal")
    assert principal.person is not None
    school = principal.person.org
    county_researcher = "demo-county_researcher"
    other = OrgNode.objects.filter(parent=school.parent, kind="school").exclude(pk=school.pk).order_by("path").first()
    n_schools = OrgNode.objects.filter(kind="school").count()
    print(f"city: {n_schools} schools, {Activity.objects.count()} activities, {Participant.objects.count()} sign-ins; "
          f"strips of {school.name}", flush=True)
    pages = [("strips (principal, own school)", "demo-principal", "/research/groups/")]
    if other is not None:
        pages.append((f"strips (county researcher, {other.name[:10]})", county_researcher,
                      f"/research/groups/?school={other.code}"))
    server, target = start_server(args.workers)
    try:
        wait_up(target, server)
        cookies = {role: session_cookie(role) for role in {p[1] for p in pages}}
        bare_cookie = cookies["demo-principal"]
        concurrent(target, "/bare/ping/", bare_cookie, args.users, 2)
        bare1 = concurrent(target, "/bare/ping/", bare_cookie, 1, args.warm)
        bare8 = concurrent(target, "/bare/ping/", bare_cookie, args.users, args.warm)
        print(f"gunicorn x{args.workers}; {args.warm} requests at c=1 and {args.warm} per client at c={args.users}; "
              "ms p50 p95")
        print(f"   {'bare page':42s} c=1 {fmt(bare1)}   c={args.users} {fmt(bare8)}")
        for name, role, path in pages:
            concurrent(target, path, cookies[role], args.users, 2)  # warm the workers
            w1 = concurrent(target, path, cookies[role], 1, args.warm)
            w8 = concurrent(target, path, cookies[role], args.users, args.warm)
            ratio = pct(w8, 95) / pct(bare8, 95)
            verdict = "met" if pct(w8, 95) < TARGET_MS else "MISSED"
            print(f"   {name:42s} c=1 {fmt(w1)}   c={args.users} {fmt(w8)}   ratio {ratio:5.2f}x   "
                  f"target p95 < {TARGET_MS:.0f} ms at c={args.users}: {verdict}", flush=True)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

"""On-demand benchmark for the observe pages at city scale (not collected by pytest).

    .venv/bin/python bench/bench_observe.py [--teachers 20000] [--per-year 500000] [--users 8] [--requests 400]

Creates a scratch PostgreSQL database (JIAOYAN_BENCH_DB_URL, default
postgres://postgres@127.0.0.1:5432/jiaoyan_obs_bench; dropped and re-created), migrates it, and
writes a city: counties of 40 schools of 50 teachers (1 principal, 2 vice principals and 3 middle
managers each), two terms, and a year of observations (leaders' quota lessons through
observe.demo.generate_observations, the rest peer lessons). It then starts gunicorn and runs N
concurrent clients against the county quota page and teacher archives, and, in the same run,
against bare pages (bench-only views below: the same rows with a plain ORM query and a plain
template, no access policy). Prints p50/p95 and the ratio real/bare. Target: p95 < 200 ms.

`--analysis` instead measures /observe/analysis/ for the province institute head on an already
seeded database (no scratch database, no gunicorn; in this process, one request at a time):

    JIAOYAN_BENCH_DB_URL=postgres://postgres@127.0.0.1:5432/jiaoyan_province \
        .venv/bin/python bench/bench_observe.py --analysis [--requests 20]

It alternates the page as built now (aggregate rows, mining from the stored result) with the
old code path (the queries the page ran before the aggregates: counts by kind and purpose, the
scored rows, S-T modes, two queries per term for six terms, jieba over the newest 3,000 texts)
and prints p50/p95 of each and the ratio old/new from the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("JIAOYAN_BENCH_DB_URL", "postgres://postgres@127.0.0.1:5432/jiaoyan_obs_bench")
os.environ["JIAOYAN_DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
TODAY = dt.date(2026, 11, 27)

# ---------------------------------------------------------------- bare pages (gunicorn imports this module)

import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import include, path  # noqa: E402

from bench.sessions import session_cookie  # noqa: E402
from core.models import OrgNode, Person, Post, Term  # noqa: E402
from observe.models import Observation  # noqa: E402

_TABLE = engines["django"].from_string(
    "<!doctype html><html><body><h1>{{ title }}</h1><table>"
    "{% for r in rows %}<tr>{% for v in r %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</table></body></html>")


def bare_quota(request: HttpRequest) -> HttpResponse:
    node = OrgNode.objects.get(code=request.GET["node"])
    term = Term.objects.filter(start__lte=TODAY).order_by("-start").first()
    assert term is not None
    leaders = list(Post.objects.filter(org__path__startswith=node.path, role__in=["principal", "vice_principal",
                                                                                   "middle_manager"])
                   .values_list("person_id", "person__name", "org__name"))
    counts = dict(Observation.objects.filter(school__path__startswith=node.path, date__gte=term.start,
                                             date__lte=term.end, observer_id__in=[x[0] for x in leaders])
                  .values_list("observer_id").annotate(n=Count("id")).values_list("observer_id", "n"))
    rows = [(name, school, counts.get(pid, 0)) for pid, name, school in leaders]
    return HttpResponse(_TABLE.render({"title": node.name, "rows": rows}))


def bare_archive(request: HttpRequest, code: str) -> HttpResponse:
    person = Person.objects.get(code=code)
    qs = (Observation.objects.filter(Q(teacher=person) | Q(observer=person), status="submitted")
          .select_related("observer", "teacher", "school", "subject").order_by("-date")[:1000])
    rows = [(o.date, o.observer.name, o.teacher.name, o.topic, o.strengths, o.problems, o.suggestions, o.reflection)
            for o in qs]
    return HttpResponse(_TABLE.render({"title": person.name, "rows": rows}))


urlpatterns = [
    path("bare-observe/quota/", bare_quota),
    path("bare-observe/archive/<str:code>/", bare_archive),
    path("", include("jiaoyan.urls")),
]
settings.ROOT_URLCONF = "bench.bench_observe"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()


# ---------------------------------------------------------------- data


def recreate_database() -> None:
    from urllib.parse import urlparse

    import psycopg

    u = urlparse(DB_URL)
    name = u.path.lstrip("/")
    admin = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def settle_database() -> None:
    """VACUUM ANALYZE: fresh statistics and a set visibility map, as autovacuum keeps them on a
    production server (it may be off on a bench machine). Without the visibility map PostgreSQL
    cannot answer from an index alone, which is not what a running site sees."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")


def build_city(teachers: int, per_year: int, seed: int = 7) -> dict[str, Any]:
    from django.core.management import call_command
    from django.utils import timezone

    from core.models import OrgKind, Role, Subject, User
    from core.services import term_save
    from observe.demo import PROBLEMS, STRENGTHS, SUGGESTIONS, generate_observations, topics_for
    from observe.models import ObservationKind, ObservationStatus, Purpose

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    per_school, per_county = 50, 40
    n_schools = max(1, teachers // per_school)
    province = OrgNode.objects.create(code="140000", name="基准省", kind=OrgKind.PROVINCE, path="140000/")
    city = OrgNode.objects.create(code="140100", name="基准市", kind=OrgKind.CITY, parent=province,
                                  path="140000/140100/", depth=1)
    term_save(actor=None, region=province, school_year=2026, semester=1, start=dt.date(2026, 9, 1),
              end=dt.date(2027, 1, 20))
    term_save(actor=None, region=province, school_year=2025, semester=2, start=dt.date(2026, 2, 20),
              end=dt.date(2026, 7, 10))
    subjects = list(Subject.objects.values_list("pk", flat=True))[:9]
    counties, schools = [], []
    for c in range((n_schools + per_county - 1) // per_county):
        code = f"1401{c + 1:02d}"
        counties.append(OrgNode.objects.create(code=code, name=f"第{c + 1}区", kind=OrgKind.COUNTY, parent=city,
                                               path=f"{city.path}{code}/", depth=2))
    for s in range(n_schools):
        county = counties[s // per_county]
        code = f"{county.code}{s:04d}"
        schools.append(OrgNode(code=code, name=f"第{s + 1}中学", kind=OrgKind.SCHOOL, parent=county,
                               path=f"{county.path}{code}/", depth=3, school_type="junior", class_count=24))
    OrgNode.objects.bulk_create(schools, batch_size=2000)
    schools = list(OrgNode.objects.filter(kind=OrgKind.SCHOOL).order_by("path"))
    people, posts = [], []
    for school in schools:
        for i in range(per_school):
            people.append(Person(code=f"T{school.code}{i:02d}", name=f"教师{school.code[-4:]}{i:02d}",
                                 pinyin=f"js{i:02d}", initials="js", org=school,
                                 main_subject_id=subjects[i % len(subjects)], stage="junior"))
    Person.objects.bulk_create(people, batch_size=5000)
    ids_by_school: dict[int, list[int]] = {}
    for pid, org_id in Person.objects.values_list("pk", "org_id").order_by("pk"):
        ids_by_school.setdefault(org_id, []).append(pid)
    start = dt.date(2020, 9, 1)
    for sid, pids in ids_by_school.items():
        roles = [Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.VICE_PRINCIPAL] + [Role.MIDDLE_MANAGER] * 3
        for pid, role in zip(pids, roles, strict=False):
            posts.append(Post(person_id=pid, role=role, org_id=sid, start=start))
        posts.extend(Post(person_id=pid, role=Role.TEACHER, org_id=sid, start=start) for pid in pids)
    Post.objects.bulk_create(posts, batch_size=10000)
    researcher = Person.objects.create(code="R0001", name="区教研员", pinyin="qjyy", initials="qjyy", org=counties[0])
    Post.objects.create(person=researcher, role=Role.RESEARCHER, org=counties[0], start=start)
    User.objects.create_user("bench_researcher", "Bench-2026!", name="区教研员", person=researcher)
    t0 = time.perf_counter()
    leader_rows = generate_observations(rng=rng, school_ids=[s.pk for s in schools], today=TODAY, coded_schools=2,
                                        with_scores=True)
    # Peer lessons (同伴互听) up to a year's volume, spread over the two terms.
    terms = [(dt.date(2026, 2, 20), dt.date(2026, 7, 10)), (dt.date(2026, 9, 1), TODAY)]
    batch: list[Observation] = []
    now = timezone.now()
    for k in range(max(0, per_year - leader_rows)):
        sid = schools[k % len(schools)].pk
        pids = ids_by_school[sid]
        observer, teacher = rng.sample(pids, 2)
        a, b = terms[k % 2]
        day = a + dt.timedelta(days=rng.randint(0, (b - a).days))
        batch.append(Observation(observer_id=observer, teacher_id=teacher, school_id=sid,
                                 subject_id=subjects[pids.index(teacher) % len(subjects)], topic=rng.choice(topics_for(None, "junior")),
                                 date=day, kind=ObservationKind.PEER, purpose=Purpose.DEVELOPMENTAL,
                                 status=ObservationStatus.SUBMITTED, submitted_at=now,
                                 strengths=rng.choice(STRENGTHS), problems=rng.choice(PROBLEMS),
                                 suggestions=rng.choice(SUGGESTIONS)))
        if len(batch) >= 10000:
            Observation.objects.bulk_create(batch)
            batch = []
    Observation.objects.bulk_create(batch)

    settle_database()
    archive_codes = [p for p in Person.objects.filter(org__path__startswith=counties[0].path)
                     .values_list("code", flat=True)[:200]]
    return {"county": counties[0].code, "archive_codes": archive_codes, "observations": Observation.objects.count(),
            "teachers": len(people), "schools": len(schools), "seconds": round(time.perf_counter() - t0, 1)}


# ---------------------------------------------------------------- load


def run(port: int, paths: list[str], cookie: str, users: int, total: int, start: int = 0) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for i in range(max(1, total // users)):
            p = paths[(start + offset + i * users) % len(paths)]
            t0 = time.perf_counter()
            conn.request("GET", p, headers={"Cookie": cookie})
            resp = conn.getresponse()
            resp.read()
            mine.append((time.perf_counter() - t0) * 1000)
            if resp.status != 200:
                raise RuntimeError(f"{p}: HTTP {resp.status}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def old_analysis(user: Any, node: OrgNode) -> int:
    """The analysis page's work before the aggregates (its queries and mining, not its template)."""
    from core.terms import current_term, terms_for
    from observe import selectors
    from observe.mining import mine
    from observe.observation_stats import dimension_rates

    term = current_term(node, TODAY)
    assert term is not None
    f = selectors.ObservationFilter(node.path)
    n = len(selectors.kind_counts(user, f, term.start, term.end))
    selectors.purpose_counts(user, f, term.start, term.end)
    dimension_rates(selectors.scored_rows(user, f, term.start, term.end))
    selectors.st_mode_counts(user, f, term.start, term.end)
    recent = sorted(terms_for(node), key=lambda t: t.start)[-6:]
    selectors.per_term(user, f, [(t.start, t.end) for t in recent])
    mine(selectors.feedback_texts(user, f, term.start, term.end), top=25)
    return n


def analysis_bench(requests: int) -> None:
    from django.test import Client

    from core.models import User

    head = User.objects.get(username="demo-institute_head")
    province = OrgNode.objects.get(kind="province")
    client = Client(HTTP_HOST="localhost")
    client.force_login(head)
    first = time.perf_counter()
    r = client.get("/observe/analysis/")
    cold = time.perf_counter() - first
    assert r.status_code == 200, r.status_code
    if "正在分析" in r.content.decode():
        # The first view enqueued the mining task; run it here as a worker would.
        from core.terms import current_term
        from observe.mining import compute, scope_key
        from observe.selectors import ObservationFilter

        term = current_term(province, TODAY)
        assert term is not None
        f = ObservationFilter(province.path)
        compute(head, f, term, scope_key(head, f, term))
    new: list[float] = []
    old: list[float] = []
    for _ in range(requests):
        t0 = time.perf_counter()
        assert client.get("/observe/analysis/").status_code == 200
        new.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        old_analysis(head, province)
        old.append(time.perf_counter() - t0)
    print(f"/observe/analysis/，省教科院院长，{Observation.objects.count():,} 条听课记录，"
          f"机器负载 {os.getloadavg()[0]:.1f}")
    print(f"  首次（汇总表，挖掘入队）：{cold * 1000:.0f} ms")
    print(f"  现在（汇总表）：p50 {pct(new, 50) * 1000:.0f} ms，p95 {pct(new, 95) * 1000:.0f} ms")
    print(f"  旧路径（扫描听课记录）：p50 {pct(old, 50) * 1000:.0f} ms，p95 {pct(old, 95) * 1000:.0f} ms")
    print(f"  比值（旧/新，p50）：{pct(old, 50) / pct(new, 50):.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--analysis", action="store_true",
                    help="measure /observe/analysis/ on the seeded province in JIAOYAN_BENCH_DB_URL")
    ap.add_argument("--teachers", type=int, default=20000)
    ap.add_argument("--per-year", type=int, default=500000)
    ap.add_argument("--users", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--reuse", action="store_true", help="keep the existing scratch database")
    ap.add_argument("--slices", type=int, default=4,
                    help="interleave the pages in this many slices of --requests each")
    ap.add_argument("--rounds", type=int, default=1,
                    help="measure every page this many times (the machine is shared: compare rounds)")
    args = ap.parse_args()
    if args.analysis:
        analysis_bench(min(args.requests, 50) if args.requests != 400 else 20)
        return
    if not args.reuse:
        from django.db import connections

        connections.close_all()
        recreate_database()
        info = build_city(args.teachers, args.per_year)
        print(f"city: {info['schools']} schools, {info['teachers']} teachers, {info['observations']} observations "
              f"(observations written in {info['seconds']} s)")
    else:
        # A reused database gets this checkout's migrations (e.g. new indexes) and is settled.
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        settle_database()
    county = OrgNode.objects.filter(kind="county").order_by("code").values_list("code", flat=True).first()
    assert county is not None
    codes = list(Person.objects.filter(org__path__contains=f"/{county}/").values_list("code", flat=True)[:200])
    cookie = session_cookie("bench_researcher")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings_bench", "JIAOYAN_DATABASE_URL": DB_URL}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "bench.bench_observe:application", "-b",
                               f"127.0.0.1:{args.port}", "-w", str(args.workers), "--log-level", "warning"],
                              cwd=ROOT, env=env)
    try:
        time.sleep(3)
        pages = {
            "quota (county)": [f"/observe/quota/?node={county}"],
            "bare quota": [f"/bare-observe/quota/?node={county}"],
            "archive": [f"/observe/archive/{c}/" for c in codes],
            "bare archive": [f"/bare-observe/archive/{c}/" for c in codes],
        }
        for paths in pages.values():  # warm-up
            run(args.port, paths, cookie, args.users, args.users * 2)
        rounds = []
        # Each page's requests in slices, the pages taking turns: a real page and its bare
        # baseline are measured over the same minutes, so a neighbour's load hits both alike.
        per_slice = max(args.users, args.requests // max(1, args.slices))
        for _ in range(args.rounds):
            results: dict[str, list[float]] = {name: [] for name in pages}
            for k in range(max(1, args.slices)):
                for name, paths in pages.items():
                    results[name] += run(args.port, paths, cookie, args.users, per_slice, start=k * per_slice)
            rounds.append(results)
    finally:
        server.terminate()
        server.wait()
    print(f"{args.users} concurrent clients, {args.requests} requests per page in {args.slices} interleaved slices, "
          f"gunicorn {args.workers} workers")
    ratios: dict[str, list[float]] = {"quota (county)": [], "archive": []}
    for k, results in enumerate(rounds, 1):
        print(f"round {k}:")
        for name, lat in results.items():
            print(f"  {name:16s} p50 {pct(lat, 50):7.1f} ms   p95 {pct(lat, 95):7.1f} ms")
        for real, bare in (("quota (county)", "bare quota"), ("archive", "bare archive")):
            ratio = pct(results[real], 95) / pct(results[bare], 95)
            ratios[real].append(ratio)
            print(f"  {real}: p95 ratio real/bare = {ratio:.2f} (target <= 2); "
                  f"target p95 < 200 ms: {'met' if pct(results[real], 95) < 200 else 'NOT met'}")
    if len(rounds) > 1:
        for real, values in ratios.items():
            print(f"{real}: median p95 ratio over {len(values)} rounds = {statistics.median(values):.2f}")


if __name__ == "__main__":
    main()

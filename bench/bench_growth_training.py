"""On-demand benchmark of the training-hours norm and page (not collected by pytest).

    JIAOYAN_DATABASE_URL=sqlite:////tmp/growth.sqlite3 .venv/bin/python manage.py migrate
    JIAOYAN_DATABASE_URL=sqlite:////tmp/growth.sqlite3 .venv/bin/python manage.py seed --scale province
    JIAOYAN_DATABASE_URL=sqlite:////tmp/growth.sqlite3 .venv/bin/python bench/bench_growth_training.py [--runs 3]

Against an already seeded database, over the province (the issue's target: a province of
400,000 people computes under 5 s). Times, for the year of the current term:
  * RES.TRAINING computed live over the province (core.compliance.evaluate, every researcher);
  * who is short over every person of the province (growth.selectors.short_count: the page's
    "未达72学时（N人，共M人）", summed and compared in the database);
  * the training page's rows (growth.selectors.hours_for_people, the first 500, furthest short first);
and, as the baseline measured in the same run, the bare aggregate of hours per person for the
year (one GROUP BY with no access policy), printing each time and its ratio to the baseline.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402

from core.compliance import evaluate  # noqa: E402
from core.models import Norm, OrgNode, Person  # noqa: E402
from core.norm_results import system_user  # noqa: E402
from core.terms import current_term  # noqa: E402
from growth import rules, selectors  # noqa: E402
from growth.models import TrainingRecord  # noqa: E402

CPU: list[float] = []  # the CPU seconds of each best() call's fastest run, in call order


def best(fn: Callable[[], object], runs: int) -> float:
    times, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    CPU.append(min(cpu))
    return min(times)


def synthesize(total: int, year: int) -> int:
    """Add people (teachers at the existing schools, a share of them researchers) and their
    training records of `year` until the database holds `total` people; returns how many added."""
    import datetime as dt
    import itertools
    from decimal import Decimal

    from core.models import OrgKind, Post, Role

    need = total - Person.objects.count()
    if need <= 0:
        return 0
    schools = list(OrgNode.objects.filter(kind=OrgKind.SCHOOL).values_list("pk", "path"))
    counties = dict(OrgNode.objects.filter(kind=OrgKind.COUNTY).values_list("path", "pk"))
    county_of = {pk: next((c for p, c in counties.items() if path.startswith(p)), None) for pk, path in schools}
    cycle = itertools.cycle(schools)
    batch = 5000
    for offset in range(0, need, batch):
        people, posts, trainings = [], [], []
        for i in range(offset, min(need, offset + batch)):
            school, _ = next(cycle)
            county = county_of[school]
            org = county if i % 130 == 0 and county is not None else school
            people.append(Person(code=f"SYN{i:07d}", name=f"合成{i}", pinyin=f"hecheng{i}", initials="hc", org_id=org))
        Person.objects.bulk_create(people, batch_size=batch)
        made = list(Person.objects.filter(code__in=[p.code for p in people]).values_list("pk", "org_id"))
        for n, (pk, org) in enumerate(made):
            is_res = org in county_of.values()
            posts.append(Post(person_id=pk, org_id=org, role=Role.RESEARCHER if is_res else Role.TEACHER))
            for k in range(3):
                start = dt.date(year, 3 + 3 * k, 1 + n % 20)
                trainings.append(TrainingRecord(person_id=pk, course=f"合成研修{k + 1}", provider="县教师发展中心",
                                                level="county", hours=Decimal(6 + (n * 7 + k * 11) % 31),
                                                start=start, end=start + dt.timedelta(days=2)))
        Post.objects.bulk_create(posts, batch_size=batch)
        TrainingRecord.objects.bulk_create(trainings, batch_size=batch)
    return need


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=0, help="bring the database up to this many people")
    args = parser.parse_args()
    if args.synthetic:
        with transaction.atomic():
            run(args)
            transaction.set_rollback(True)
    else:
        run(args)


def run(args: argparse.Namespace) -> None:
    province = OrgNode.objects.get(parent__isnull=True)
    term = current_term(province)
    assert term is not None, "seed the database first"
    year = rules.training_year(term.start)
    if args.synthetic:
        started = time.perf_counter()
        added = synthesize(args.synthetic, year)
        print(f"synthetic: {added:,} people added with their posts and training in {time.perf_counter() - started:.0f} s")
    first, last = rules.year_bounds(year)
    norm = Norm.objects.get(code="RES.TRAINING")
    user = system_user()
    people = Person.objects.count()
    records = TrainingRecord.objects.filter(end__gte=first, end__lte=last).count()

    def bare() -> object:
        return dict(TrainingRecord.objects.filter(end__gte=first, end__lte=last).order_by().values("person_id")
                    .annotate(h=Sum("hours")).values_list("person_id", "h"))

    baseline = best(bare, args.runs)
    metric = best(lambda: evaluate(user, province, term, norm), args.runs)
    short = best(lambda: selectors.short_count(user, province, year), args.runs)
    page = best(lambda: selectors.hours_for_people(user, province, year), args.runs)
    print(f"{people:,} people, {records:,} training records in {year}")
    cpu = dict(zip(("baseline", "metric", "short", "page"), CPU, strict=True))
    print(f"baseline (bare GROUP BY):        {baseline * 1000:8.1f} ms  (CPU {cpu['baseline'] * 1000:8.1f} ms)")
    print(f"RES.TRAINING over the province:  {metric * 1000:8.1f} ms  (CPU {cpu['metric'] * 1000:8.1f} ms; "
          f"{metric / baseline:.1f}× baseline)")
    print(f"short of the target, everyone:   {short * 1000:8.1f} ms  (CPU {cpu['short'] * 1000:8.1f} ms; "
          f"{short / baseline:.1f}× baseline; target < 5 s)")
    print(f"the page's first 500 rows:       {page * 1000:8.1f} ms  (CPU {cpu['page'] * 1000:8.1f} ms; "
          f"{page / baseline:.1f}× baseline)")


if __name__ == "__main__":
    main()

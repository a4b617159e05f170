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

from django.db.models import Sum  # noqa: E402

from core.compliance import evaluate  # noqa: E402
from core.models import Norm, OrgNode, Person  # noqa: E402
from core.norm_results import system_user  # noqa: E402
from core.terms import current_term  # noqa: E402
from growth import rules, selectors  # noqa: E402
from growth.models import TrainingRecord  # noqa: E402


def best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    province = OrgNode.objects.get(parent__isnull=True)
    term = current_term(province)
    assert term is not None, "seed the database first"
    year = rules.training_year(term.start)
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
    print(f"baseline (bare GROUP BY):        {baseline * 1000:8.1f} ms")
    print(f"RES.TRAINING over the province:  {metric * 1000:8.1f} ms  ({metric / baseline:.1f}× baseline)")
    print(f"short of the target, everyone:   {short * 1000:8.1f} ms  ({short / baseline:.1f}× baseline; target < 5 s)")
    print(f"the page's first 500 rows:       {page * 1000:8.1f} ms  ({page / baseline:.1f}× baseline)")


if __name__ == "__main__":
    main()

"""EXPLAIN (ANALYZE, BUFFERS) of the observation queries on the seeded province (on demand; not
collected by pytest): the analysis page's reads (aggregate rows, and the old scan it replaces),
the text-mining sample, and the observe lists (received feedback, the archive's two sources,
the quota page's inputs), each as the demo user who opens it.

Seed first:  JIAOYAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiaoyan_province \\
             .venv/bin/python manage.py seed --scale province --seed 1
Run:         JIAOYAN_DATABASE_URL=... PYTHONPATH=. .venv/bin/python bench/explain_observe.py [--only NAME]

Each plan is printed with its name; look for "Seq Scan on observe_observation" (a full scan of
1.85 M rows) against "Index Scan"/"Index Only Scan".
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")
    import django

    django.setup()


def queries() -> dict[str, Callable[[], Any]]:
    from core.models import OrgNode, User
    from core.terms import current_term, terms_for
    from observe.access import (
        observation_aggregates_visible_to,
        observation_facts_visible_to,
        observations_for_appraisal_visible_to,
        observations_visible_to,
    )
    from observe.models import Observation
    from observe.selectors import TEXT_ROWS, ObservationFilter

    head = User.objects.get(username="demo-institute_head")
    teacher = User.objects.get(username="demo-teacher")
    principal = User.objects.get(username="demo-principal")
    province = OrgNode.objects.get(kind="province")
    term = current_term(province)
    assert term is not None
    recent = sorted(terms_for(province), key=lambda t: t.start)[-6:]
    f = ObservationFilter(province.path)
    me = teacher.person_id
    school = principal.person.org if principal.person else province
    found = observation_aggregates_visible_to(head, province)
    assert found is not None
    counts, _ = found

    def quota() -> Any:
        leaders = list(Observation.objects.filter(school=school).values_list("observer_id", flat=True).distinct())
        return (observation_facts_visible_to(principal).between(term.start, term.end)
                .filter(school_id__in=[school.pk], observer_id__in=sorted(leaders))
                .order_by().values_list("observer_id", "school_id", "teacher_id"))

    return {
        "analysis: aggregate rows (new)": lambda: counts.filter(term_key__in=[t.key for t in recent])
        .values_list("term_key", "lessons", "developmental", "by_kind"),
        "analysis: kinds by scan (old)": lambda: f.apply(observation_facts_visible_to(head))
        .between(term.start, term.end).values("kind").order_by(),
        "analysis: scored rows by scan (old)": lambda: f.apply(observations_for_appraisal_visible_to(head))
        .between(term.start, term.end).filter(assessment__total__isnull=False)
        .values_list("assessment__total").order_by("-date")[:5000],
        "mining sample: newest texts": lambda: f.apply(observations_visible_to(head).submitted())
        .between(term.start, term.end).order_by("-date").values_list("pk", "problems", "suggestions")[:TEXT_ROWS],
        "received (teacher)": lambda: observations_visible_to(teacher).submitted().filter(teacher_id=me)
        .order_by("-date", "-id")[:30],
        "archive: received (principal)": lambda: observations_visible_to(principal).submitted()
        .filter(teacher_id=me).select_related("assessment").order_by("-date", "-id")[:200],
        "archive: given (principal)": lambda: observations_visible_to(principal).submitted()
        .filter(observer_id=principal.person_id).select_related("assessment").order_by("-date", "-id")[:200],
        "quota inputs (principal)": quota,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="听评课查询执行计划")
    parser.add_argument("--only", default="", help="只看名称含此文字的查询")
    args = parser.parse_args()
    _setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("需要 PostgreSQL（JIAOYAN_DATABASE_URL）", file=sys.stderr)
        return 2
    for name, make in queries().items():
        if args.only and args.only not in name:
            continue
        print(f"==== {name}")
        print(make().explain(analyze=True, buffers=True))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""On-demand benchmark of the teacher archive and TEACHER.ARCHIVE (not collected by pytest).

    cp var/jiaoyan.sqlite3 /tmp/archive.sqlite3   # a seeded demo database (bin/start), or seed one
    JIAOYAN_DATABASE_URL=sqlite:////tmp/archive.sqlite3 .venv/bin/python bench/bench_archive.py [--requests 30]

Against an already seeded database. Inside a transaction rolled back at the end, gives one
teacher ten years of records (per year: 15 lessons received with feedback, 2 of them graded 差
with a follow-up note, 10 lessons given, 8 training records, 2 awards, a certificate, a project)
and times (wall and this process's CPU time: the machine may be shared), as the school's principal sees it (the issue's targets: p95 < 200 ms for the page,
< 2 s for the Word export):
  * the archive page (p50/p95 over N requests, in this process, one at a time): the current school
    year in full, earlier years as counts;
  * as the baseline from the same run, the teacher's person page (/people/<code>/) for the same viewer;
  * one earlier school year loaded on demand (the htmx fragment the page fetches when it opens);
  * the Word export (p50/p95);
  * TEACHER.ARCHIVE computed live over the biggest county (core.compliance.evaluate), against
    the baseline of a bare query listing the same teachers with one Exists, from the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import Count, Exists, OuterRef  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from core.compliance import evaluate  # noqa: E402
from core.models import Norm, OrgKind, OrgNode, Person, Post, Role, User  # noqa: E402
from core.norm_results import system_user  # noqa: E402
from core.terms import current_term  # noqa: E402
from growth.models import TrainingRecord  # noqa: E402
from growth.services import records  # noqa: E402
from observe.archive_notes import archive_note_add  # noqa: E402
from observe.models import Observation, ObservationStatus  # noqa: E402

SUBMITTED = dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC)  # any time: the archive reads the lesson's date


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


CPU: dict[int, list[float]] = {}  # id(list of wall times) -> the CPU times of the same calls


def timed(fn, n: int) -> list[float]:  # type: ignore[no-untyped-def]  # a bench helper
    """Wall times of n calls; their CPU times (this process: on SQLite, the queries too) in CPU."""
    out, cpu = [], []
    for _ in range(n):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        out.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    CPU[id(out)] = cpu
    return out


def figures(wall: list[float]) -> str:
    cpu = CPU[id(wall)]
    return (f"p50 {statistics.median(wall) * 1000:7.1f} ms  p95 {pct(wall, 0.95) * 1000:7.1f} ms"
            f"  (CPU p50 {statistics.median(cpu) * 1000:6.1f} ms  p95 {pct(cpu, 0.95) * 1000:6.1f} ms)")


def ten_years(teacher: Person, principal: Person, peer: Person, today: dt.date) -> None:
    """Ten years of records, written with bulk inserts for the lessons (the bench measures reads)."""
    school = teacher.org
    subject = teacher.main_subject
    lessons = []
    for year in range(today.year - 9, today.year + 1):
        for i in range(15):
            lessons.append(Observation(observer=principal, teacher=teacher, school=school, subject=subject, grade=8,
                                       class_name="1班", topic=f"第{i + 1}课", period=1, kind="push_in",
                                       purpose="evaluative", date=dt.date(year, 3, 1) + dt.timedelta(days=9 * i),
                                       strengths="目标清晰", problems="提问层次不够" if i < 2 else "",
                                       overall_grade="poor" if i < 2 else "good",
                                       status=ObservationStatus.SUBMITTED, submitted_at=SUBMITTED))
        for i in range(10):
            lessons.append(Observation(observer=teacher, teacher=peer, school=school, subject=subject, grade=8,
                                       class_name="2班", topic=f"听课{i + 1}", period=2, kind="peer",
                                       purpose="developmental", date=dt.date(year, 4, 1) + dt.timedelta(days=7 * i),
                                       strengths="互动充分", status=ObservationStatus.SUBMITTED,
                                       submitted_at=SUBMITTED))
        for i in range(8):
            start = dt.date(year, 1, 10) + dt.timedelta(days=40 * i)
            records.training_record(actor=None, person=teacher, course=f"{year}年研修{i + 1}", provider="县教师发展中心",
                                    level="county", hours="6", start=start, end=start + dt.timedelta(days=1))
        for i in range(2):
            records.award_record(actor=None, person=teacher, title=f"{year}年优质课", level="county", rank="second",
                                 awarded_on=dt.date(year, 6, 1 + i))
    Observation.objects.bulk_create(lessons)
    for o in Observation.objects.filter(teacher=teacher, overall_grade="poor"):
        archive_note_add(actor=None, person=teacher, kind="follow_up", date=o.date, text="跟踪听课并结对指导",
                         problem_source="observe.low", problem_id=o.pk, deadline=o.date + dt.timedelta(days=30))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    province = OrgNode.objects.get(parent__isnull=True)
    term = current_term(province)
    assert term is not None, "seed the database first"
    heads = Post.objects.active().filter(role=Role.PRINCIPAL, org__kind=OrgKind.SCHOOL, person__user__isnull=False)
    head = heads.select_related("person", "org").first()
    assert head is not None, "no principal with a login in this database"
    teacher_ids = Post.objects.active().filter(role=Role.TEACHER, org=head.org).exclude(person=head.person) \
        .values_list("person_id", flat=True)[:2]
    teacher, peer = (Person.objects.select_related("org").get(pk=pk) for pk in teacher_ids)
    user = User.objects.get(person=head.person)
    with transaction.atomic():
        ten_years(teacher, head.person, peer, term.start)
        client = Client()
        client.force_login(user)
        page_url, docx_url = f"/observe/archive/{teacher.code}/", f"/observe/archive/{teacher.code}/docx/"
        assert client.get(page_url).status_code == 200
        page = timed(lambda: client.get(page_url), args.requests)
        person_url = f"/people/{teacher.code}/"  # the baseline: the same teacher's person page, same viewer
        assert client.get(person_url).status_code == 200
        person_page = timed(lambda: client.get(person_url), args.requests)
        year_url = f"/observe/archive/{teacher.code}/years/{term.start.year - 5}/"
        assert client.get(year_url, headers={"HX-Request": "true"}).status_code == 200
        year = timed(lambda: client.get(year_url, headers={"HX-Request": "true"}), args.requests)
        docx = timed(lambda: client.get(docx_url), max(5, args.requests // 3))
        county = (OrgNode.objects.filter(kind=OrgKind.COUNTY).annotate(n=Count("children")).order_by("-n").first())
        assert county is not None
        norm = Norm.objects.get(code="TEACHER.ARCHIVE")
        sys_user = system_user()
        teaching = Post.objects.active().filter(role=Role.TEACHER).values("person_id")

        def bare() -> object:
            return list(Person.objects.filter(org__path__startswith=county.path, org__kind=OrgKind.SCHOOL,
                                              is_active=True, pk__in=teaching)
                        .annotate(t=Exists(TrainingRecord.objects.filter(person=OuterRef("pk"))))
                        .values_list("pk", "t"))

        base = min(timed(bare, 3))
        rows: list[int] = []
        metric = min(timed(lambda: rows.append(len(evaluate(sys_user, county, term, norm).rows)), 3))
        entries = Observation.objects.filter(teacher=teacher).count() + TrainingRecord.objects.filter(
            person=teacher).count()
        transaction.set_rollback(True)
    print(f"archive of {teacher.name}: {entries} lessons and trainings over ten years, viewed by {user.name}")
    print(f"archive page:  {figures(page)}  (target p95 < 200 ms)")
    print(f"person page:   {figures(person_page)}  (baseline; archive/person CPU p50 "
          f"{statistics.median(CPU[id(page)]) / statistics.median(CPU[id(person_page)]):.1f}×)")
    print(f"older year:    {figures(year)}  (one collapsed school year loaded on demand)")
    print(f"Word export:   {figures(docx)}  (target < 2 s)")
    print(f"TEACHER.ARCHIVE over {county.name} ({rows[-1]} teachers): {metric * 1000:.1f} ms; "
          f"bare teacher list with one Exists {base * 1000:.1f} ms ({metric / base:.1f}×)")


if __name__ == "__main__":
    main()

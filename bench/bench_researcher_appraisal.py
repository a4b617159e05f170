"""On-demand benchmark of the researcher appraisal's computation (not collected by pytest).

    .venv/bin/python bench/bench_researcher_appraisal.py [--researchers 2000] [--db /tmp/rappr-bench.sqlite3]
    JIAOYAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jy_rappr_bench .venv/bin/python \
        bench/bench_researcher_appraisal.py  (PostgreSQL: an empty database it may migrate)

Builds its own province (unless --reuse): 50 counties of 4 schools, `--researchers` county
researchers (2,000 by default, the issue's target) and a year of every app's records for them,
written with bulk_create: lessons observed, visits with members and school days and issued
reports, activities with participants, training, projects with members, 送教 orders served,
liaison links with on-site days. Then times, best of --runs:
  * the task body (appraisal.services.researchers.appraisal_compute: figures in chunks with
    the progress recorded, response invitations, scores) over the province (target < 30 s);
  * a recomputation (every entry kept and written back) followed by the scoring publication runs;
and, as the baseline measured in the same run, the bare GROUP BY of lessons observed per observer
for the year (one aggregate, no access policy), printing the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--researchers", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--db", default="/tmp/rappr-bench.sqlite3")
    parser.add_argument("--reuse", action="store_true", help="time against the database built by a previous run")
    return parser.parse_args()


ARGS = _parse()
if "JIAOYAN_DATABASE_URL" not in os.environ:
    if not ARGS.reuse and os.path.exists(ARGS.db):
        os.remove(ARGS.db)
    os.environ["JIAOYAN_DATABASE_URL"] = f"sqlite:///{ARGS.db}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

YEAR = 2026
COUNTIES, SCHOOLS_PER_COUNTY, TEACHERS_PER_SCHOOL = 50, 4, 10


def day(rng: random.Random) -> dt.date:
    return dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365))


def build(n_researchers: int) -> None:  # one linear script of bulk inserts
    from core import services
    from core.models import OrgKind, OrgNode, Person, Post, Role, Subject, User
    from growth.models import TrainingRecord
    from liaison.models import Link, LinkStatus, OnsiteDay, Round
    from observe.models import Observation, ObservationStatus
    from projects.models import Project, ProjectMember, ProjectStatus
    from research.models import Activity, OrderMatch, OrderStatus, Participant, SongjiaoOrder
    from visits.models import ReportStatus, Visit, VisitMember, VisitReport, VisitSchool

    rng = random.Random(16)
    services.reference_data_sync()
    subjects = list(Subject.objects.all()[:9])
    province = services.org_node_create(actor=None, code="900000", name="基准省", kind=OrgKind.PROVINCE, parent=None)
    term = services.term_save(actor=None, region=province, school_year=YEAR, semester=1,
                              start=dt.date(YEAR, 9, 1), end=dt.date(YEAR + 1, 1, 20))
    services.term_save(actor=None, region=province, school_year=YEAR - 1, semester=2,
                       start=dt.date(YEAR, 2, 20), end=dt.date(YEAR, 7, 10))
    counties, schools = [], []
    for ci in range(COUNTIES):
        city_code = f"90{ci // 5:02d}00"
        city = OrgNode.objects.filter(code=city_code).first() or services.org_node_create(
            actor=None, code=city_code, name=f"基准市{ci // 5}", kind=OrgKind.CITY, parent=province)
        county = services.org_node_create(actor=None, code=f"90{ci // 5:02d}{ci % 5 + 1:02d}", name=f"基准县{ci}",
                                          kind=OrgKind.COUNTY, parent=city)
        counties.append(county)
        for si in range(SCHOOLS_PER_COUNTY):
            schools.append(services.org_node_create(actor=None, code=f"9{ci:03d}{si:03d}", name=f"基准县{ci}第{si}校",
                                                    kind=OrgKind.SCHOOL, parent=county))
    people = [Person(code=f"R{i:06d}", name=f"教研员{i}", pinyin=f"r{i}", initials="r", org=counties[i % COUNTIES],
                     main_subject=subjects[i % len(subjects)]) for i in range(n_researchers)]
    teachers = [Person(code=f"T{i:06d}", name=f"教师{i}", pinyin=f"t{i}", initials="t", org=schools[i % len(schools)],
                       main_subject=subjects[i % len(subjects)])
                for i in range(len(schools) * TEACHERS_PER_SCHOOL)]
    Person.objects.bulk_create(people + teachers, batch_size=2000)
    start = dt.date(2020, 9, 1)
    Post.objects.bulk_create([Post(person=p, role=Role.RESEARCHER, org=p.org, subject=p.main_subject, stage="junior",
                                   start=start) for p in people]
                             + [Post(person=t, role=Role.TEACHER, org=t.org, start=start) for t in teachers],
                             batch_size=2000)
    User.objects.bulk_create([User(username=p.code, name=p.name, person=p, password="!") for p in people],
                             batch_size=2000)
    users = dict(User.objects.filter(person__in=people).values_list("person_id", "pk"))
    by_county: dict[int, list[Person]] = {}
    for p in people:
        by_county.setdefault(p.org_id, []).append(p)
    county_schools: dict[int, list[OrgNode]] = {}
    for school in schools:
        county_schools.setdefault(school.parent_id or 0, []).append(school)
    now = timezone.now()
    obs = []
    for i, p in enumerate(people):
        for k in range(40):
            obs.append(Observation(observer=p, teacher=teachers[(i + k) % len(teachers)],
                                   school=county_schools[p.org_id][k % SCHOOLS_PER_COUNTY], date=day(rng),
                                   status=ObservationStatus.SUBMITTED, submitted_at=now))
    Observation.objects.bulk_create(obs, batch_size=5000)
    visits, members, stops, reports, activities = [], [], [], [], []
    for county in counties:
        team = by_county.get(county.pk, [])
        if not team:
            continue
        for vi in range(len(team) // 2):
            begin = day(rng)
            visits.append(Visit(organiser=county, term=term, title=f"{county.name}视导{vi}", start=begin,
                                end=begin + dt.timedelta(days=1), lead=rng.choice(team), status="finished"))
        for ai in range(len(team)):
            at = timezone.make_aware(dt.datetime.combine(day(rng), dt.time(14)))
            activities.append(Activity(organiser=county, term=term, title=f"{county.name}教研{ai}", start=at,
                                       end=at + dt.timedelta(hours=2), host=rng.choice(team)))
    Visit.objects.bulk_create(visits, batch_size=2000)
    for v in visits:
        team = by_county[v.organiser_id]
        for p in rng.sample(team, min(4, len(team))):
            members.append(VisitMember(visit=v, person=p))
        for k, school in enumerate(county_schools[v.organiser_id][:2]):
            stops.append(VisitSchool(visit=v, school=school, date=v.start + dt.timedelta(days=k)))
        reports.append(VisitReport(visit=v, title=f"{v.title}报告", issuer=v.organiser.name, status=ReportStatus.ISSUED,
                                   issued_on=v.end, created_by_id=users.get(v.lead_id or 0)))
    VisitMember.objects.bulk_create(members, batch_size=5000)
    VisitSchool.objects.bulk_create(stops, batch_size=5000)
    VisitReport.objects.bulk_create(reports, batch_size=2000)
    Activity.objects.bulk_create(activities, batch_size=2000)
    Participant.objects.bulk_create([Participant(activity=a, person=p, attendance="present")
                                     for a in activities
                                     for p in rng.sample(by_county[a.organiser_id], 8)], batch_size=5000)
    TrainingRecord.objects.bulk_create([TrainingRecord(person=p, course=f"研修{k}", provider="省教科院", level="province",
                                                       hours=18, start=dt.date(YEAR, 3 * k + 1, 1),
                                                       end=dt.date(YEAR, 3 * k + 1, 5))
                                        for p in people for k in range(4)], batch_size=5000)
    projects = [Project(title=f"课题{i}", level="county", owner=p.org, approver=p.org, leader=p,
                        status=ProjectStatus.APPROVED, applied_on=dt.date(YEAR - 1, 3, 1),
                        approved_on=dt.date(YEAR - 1, 5, 1), planned_end=dt.date(YEAR + 1, 6, 30))
                for i, p in enumerate(people[::2])]
    Project.objects.bulk_create(projects, batch_size=2000)
    ProjectMember.objects.bulk_create([ProjectMember(project=pr, person=m) for pr in projects
                                       for m in rng.sample(by_county[pr.owner_id], 2) if m.pk != pr.leader_id],
                                      batch_size=5000)
    orders = [SongjiaoOrder(org=county_schools[p.org_id][0], term=term, subject=p.main_subject, stage="junior",
                            topic=f"送教{i}", problem="—", preferred_from=dt.date(YEAR, 10, 1),
                            preferred_to=dt.date(YEAR, 10, 30), status=OrderStatus.DELIVERED)
              for i, p in enumerate(people)]
    SongjiaoOrder.objects.bulk_create(orders, batch_size=2000)
    OrderMatch.objects.bulk_create([OrderMatch(order=o, teacher=p, date=day(rng)) for o, p in zip(orders, people,
                                                                                                   strict=True)],
                                   batch_size=2000)
    rounds = {c.pk: Round(institution=c, title=f"{c.name}定点联系", start_year=YEAR - 1,
                          prep_start=dt.date(YEAR - 1, 9, 1), prep_end=dt.date(YEAR - 1, 10, 31),
                          impl_start=dt.date(YEAR - 1, 11, 1), impl_end=dt.date(YEAR + 1, 5, 31),
                          summary_start=dt.date(YEAR + 1, 6, 1), summary_end=dt.date(YEAR + 1, 7, 10),
                          status="implementation") for c in counties}
    Round.objects.bulk_create(list(rounds.values()))
    links = [Link(round=rounds[p.org_id], person=p, school=county_schools[p.org_id][i % SCHOOLS_PER_COUNTY],
                  status=LinkStatus.ACCEPTED) for i, p in enumerate(people)]
    Link.objects.bulk_create(links, batch_size=2000)
    OnsiteDay.objects.bulk_create([OnsiteDay(link=link, date=dt.date(YEAR, 3 + k, 10), work="听课评课")
                                   for link in links for k in range(6)], batch_size=5000)


def best(fn: object, runs: int) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest run. The machine may be shared: the CPU time of this
    process (SQLite's work included; PostgreSQL's server is not) is the steadier figure."""
    assert callable(fn)
    times = []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - started, time.process_time() - cpu))
    return min(times)


def main() -> None:
    from appraisal.models import ResearcherAppraisal
    from appraisal.services import researchers as svc
    from core.models import OrgNode
    from observe.models import Observation

    if not ARGS.reuse:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        build(ARGS.researchers)
        print(f"built in {time.perf_counter() - started:.1f} s")
    province = OrgNode.objects.get(parent__isnull=True)
    first, last = svc.year_bounds(YEAR)

    def bare() -> object:
        return dict(Observation.objects.filter(date__gte=first, date__lte=last).order_by().values("observer_id")
                    .annotate(n=Count("pk")).values_list("observer_id", "n"))

    def compute() -> object:
        """A first computation: the appraisal started afresh (a recomputation updates instead)."""
        ResearcherAppraisal.objects.filter(region=province, year=YEAR).delete()
        appraisal = svc.appraisal_start(actor=None, region=province, year=YEAR, enqueue=False)
        return svc.appraisal_compute(appraisal.pk)

    def recompute() -> object:
        """Computed again (the 重新计算 button): every entry kept and updated, then published."""
        appraisal = ResearcherAppraisal.objects.get(region=province, year=YEAR)
        svc.appraisal_recompute(actor=None, appraisal=appraisal)
        svc.appraisal_compute(appraisal.pk)
        appraisal.refresh_from_db()
        return svc.score(appraisal)

    baseline, _ = best(bare, ARGS.runs)
    took, cpu = best(compute, ARGS.runs)
    again, again_cpu = best(recompute, ARGS.runs)
    appraisal = ResearcherAppraisal.objects.get(region=province, year=YEAR)
    entry = appraisal.entries.order_by("pk").first()
    print(f"{appraisal.progress_total:,} researchers, {Observation.objects.count():,} lessons observed in {YEAR}")
    print(f"sample figures: {entry.figures if entry else {}}")
    print(f"baseline (bare GROUP BY):            {baseline * 1000:9.1f} ms")
    print(f"appraisal computed (the task body):  {took * 1000:9.1f} ms  ({took / baseline:.1f}× baseline; target < 30 s), "
          f"CPU {cpu * 1000:.1f} ms")
    print(f"recomputed and scored again:         {again * 1000:9.1f} ms  (CPU {again_cpu * 1000:.1f} ms)")


if __name__ == "__main__":
    main()

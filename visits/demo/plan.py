"""Demo visits: plan (registered with core.demo.extensions, order 200).

For every city and county of the seeded region, a school year of visits: each of the five kinds
of inspection visit (collective, and individual ones for guiding and patrols), the bureau's
routine check (counties check their compulsory schools, cities their high schools), and some
schools' own checks by their group leaders. Teams come from the region's researchers and the
backbone (senior) teachers of its schools; each school day has an agenda following the kind's
obligations. Most institutions with a weekly pattern (WEEK.PATTERN, set for two counties in
three) visit on Monday and Wednesday; a few visits fall on other days, so the warning shows.
Past visits are finished or reported, current ones underway, later ones planned.

Written with bulk_create (no audit events: the seed is the system), fast at every scale.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from core.demo.extensions import SeedContext, register
from core.demo.lookups import under_each
from core.demo.tables import insert_objects
from core.models import OrgKind, OrgNode, Person, Post, Role, SchoolType, Term, Title
from core.terms import terms_for
from visits.models import (
    AgendaKind,
    TeamRole,
    Visit,
    VisitCategory,
    VisitKind,
    VisitMember,
    VisitMode,
    VisitSchool,
    VisitStatus,
    WeekActivity,
    WeekPattern,
)
from visits.rules import DEFAULT_RULES

COMPULSORY = (SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR)
HIGH = (SchoolType.SENIOR, SchoolType.COMPLETE, SchoolType.TWELVE_YEAR)
PATTERN = {"1": WeekActivity.VISIT, "2": WeekActivity.SUBJECT_ACTIVITY, "3": WeekActivity.VISIT,
           "4": WeekActivity.SUBJECT_ACTIVITY, "5": WeekActivity.OFFICE}
SLOTS = [("08:00", "08:45"), ("08:55", "09:40"), ("10:00", "10:45"), ("10:55", "11:40"), ("14:00", "15:00"),
         ("15:10", "16:10"), ("16:20", "17:00")]
AGENDA_TITLES = {
    AgendaKind.LESSON: "推门听课", AgendaKind.DOCUMENT_CHECK: "查阅教学计划、教案与教研活动记录",
    AgendaKind.LEADER_MEETING: "与学校领导班子座谈", AgendaKind.TEACHER_FORUM: "青年教师座谈",
    AgendaKind.STUDENT_SURVEY: "学生问卷调查", AgendaKind.TEACHER_SURVEY: "教师问卷调查",
    AgendaKind.ROUTINE_CHECK: "教学常规检查（教案、作业、辅导）", AgendaKind.FEEDBACK: "视导反馈会",
}
KIND_PURPOSE = {
    VisitKind.SUPERVISE: "督查开学工作与课程计划落实", VisitKind.GUIDE: "指导新课标背景下的课堂教学改进",
    VisitKind.DIAGNOSE: "全面诊断学校教学管理与课堂质量", VisitKind.PATROL: "随机巡查课堂教学秩序与教学常规",
    VisitKind.EVALUATE: "评价学校教学工作，结果纳入年度考核",
}


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days, d = [], start
    while d <= end:
        if d.isoweekday() <= 5:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def _pick_day(rng: random.Random, days: list[dt.date], patterned: bool) -> dt.date:
    if patterned and rng.random() < 0.88:
        good = [d for d in days if d.isoweekday() in (1, 3)]
        if good:
            return rng.choice(good)
    return rng.choice(days)


def _status(start: dt.date, end: dt.date, today: dt.date, rng: random.Random) -> str:
    if end < today:
        return VisitStatus.REPORTED if rng.random() < 0.6 else VisitStatus.FINISHED
    if start <= today:
        return VisitStatus.UNDERWAY
    return VisitStatus.PLANNED


def _agenda(rng: random.Random, kind: str, team: list[int], *, routine: bool = False) -> list[dict[str, Any]]:
    kinds = [AgendaKind.ROUTINE_CHECK, AgendaKind.DOCUMENT_CHECK] if routine else \
        list(DEFAULT_RULES[VisitKind(kind)].required_records)
    if AgendaKind.LESSON in kinds and rng.random() < 0.7:
        kinds.insert(kinds.index(AgendaKind.LESSON) + 1, AgendaKind.LESSON)
    kinds.append(AgendaKind.FEEDBACK)
    items = []
    morning, afternoon = SLOTS[:4], SLOTS[4:]
    for n, k in enumerate(kinds):
        start, end = (afternoon[-1] if k == AgendaKind.FEEDBACK else
                      (morning[n] if n < len(morning) else afternoon[min(n - len(morning), 1)]))
        who = rng.sample(team, k=min(len(team), 1 if k == AgendaKind.LESSON and len(team) > 2 else len(team)))
        items.append({"kind": k, "start": start, "end": end, "title": AGENDA_TITLES[AgendaKind(k)],
                      "subject_id": None, "member_ids": sorted(who), "place": ""})
    return sorted(items, key=lambda i: i["start"])


def plan_visits(ctx: SeedContext) -> None:
    rng = ctx.rng
    province = OrgNode.objects.get(pk=ctx.province_id)
    current = next((t for t in terms_for(province) if t.key == ctx.term_key), None)
    if current is None:
        return
    terms: list[Term] = [t for t in terms_for(province) if t.school_year == current.school_year]
    regions = list(OrgNode.objects.filter(pk__in=ctx.region_ids, kind__in=[OrgKind.CITY, OrgKind.COUNTY])
                   .order_by("path"))
    schools = list(OrgNode.objects.filter(pk__in=ctx.school_ids).only("pk", "path", "name", "school_type"))
    researchers: dict[int, list[int]] = defaultdict(list)
    for org_id, person_id in (Post.objects.filter(role__in=[Role.RESEARCHER, Role.PART_TIME_RESEARCHER,
                                                            Role.INSTITUTE_HEAD], org_id__in=[r.pk for r in regions])
                              .values_list("org_id", "person_id").order_by("org_id", "role", "person_id")):
        if person_id not in researchers[org_id]:
            researchers[org_id].append(person_id)
    senior = set(Person.objects.filter(org_id__in=ctx.school_ids, title__in=[Title.SENIOR, Title.SENIOR_PROF])
                 .values_list("pk", flat=True))
    leaders: dict[int, list[int]] = defaultdict(list)
    for org_id, person_id in Post.objects.filter(role=Role.GROUP_LEADER, org_id__in=ctx.school_ids) \
            .values_list("org_id", "person_id").order_by("org_id", "person_id"):
        leaders[org_id].append(person_id)

    patterns = []
    patterned: set[int] = set()
    for n, region in enumerate(regions):
        if region.kind == OrgKind.COUNTY and n % 3 != 2:
            patterns.append(WeekPattern(region=region, days=dict(PATTERN), note="周一、周三下校视导，周二、周四学科教研活动"))
            patterned.add(region.pk)
    insert_objects(patterns)

    visits: list[Visit] = []
    plans: list[tuple[list[int], list[tuple[int, dt.date, list[dict[str, Any]]]]]] = []
    schools_of = under_each(regions, schools)
    for region in regions:
        under = schools_of[region.pk]
        team_pool = researchers.get(region.pk, [])
        backbone = [p for s in under[:40] for p in ctx.teachers_by_school.get(s.pk, [])[:6] if p in senior]
        if not under:
            continue
        # GOV.CITY_FOCUS: a city's visits go mostly to high schools, a county's to compulsory ones.
        checked = [s for s in under if s.school_type in (COMPULSORY if region.kind == OrgKind.COUNTY else HIGH)]
        short = region.institute_name or f"{region.name}教研室"
        number = 0
        for term in terms:
            days = _weekdays(term.start + dt.timedelta(days=14), term.end - dt.timedelta(days=14))
            if not days:
                continue
            for kind in VisitKind.values:
                individual = kind in (VisitKind.GUIDE, VisitKind.PATROL) and rng.random() < 0.35
                focus = checked if checked and rng.random() < 0.8 else under
                specs = [(VisitCategory.INSPECTION, kind, VisitMode.INDIVIDUAL if individual else VisitMode.COLLECTIVE,
                          focus)]
                if kind == VisitKind.SUPERVISE and checked:
                    specs.append((VisitCategory.BUREAU_CHECK, VisitKind.SUPERVISE, VisitMode.COLLECTIVE, checked))
                for category, k, mode, pool in specs:
                    if not team_pool and not backbone:
                        continue
                    n_schools = 1 if mode == VisitMode.INDIVIDUAL else min(len(pool), rng.randint(2, 4))
                    targets = rng.sample(pool, k=n_schools)
                    first = _pick_day(rng, days, region.pk in patterned)
                    span = [d for d in days if first <= d <= first + dt.timedelta(days=9)]
                    stop_days = sorted({_pick_day(rng, span, region.pk in patterned) for _ in targets} | {first})
                    size = 1 if mode == VisitMode.INDIVIDUAL else rng.randint(3, 6)
                    team = rng.sample(team_pool, k=min(len(team_pool), size)) if team_pool else []
                    if mode == VisitMode.COLLECTIVE and backbone:
                        team += [p for p in rng.sample(backbone, k=min(len(backbone), 2)) if p not in team]
                    if not team:
                        continue
                    number += 1
                    start, end = stop_days[0], stop_days[-1]
                    label = VisitCategory(category).label if category == VisitCategory.BUREAU_CHECK \
                        else VisitKind(k).label
                    names = "、".join(t.name for t in targets[:2]) + ("等" if len(targets) > 2 else "")
                    visits.append(Visit(
                        organiser=region, category=category, kind=k, mode=mode, term=term,
                        title=f"{term.school_year}年{'秋季' if term.semester == 1 else '春季'}{label}（{names}）"[:120],
                        number=f"{short[:6]}〔{start.year}〕{number}号", purpose=KIND_PURPOSE[VisitKind(k)],
                        start=start, end=end, status=_status(start, end, ctx.today, rng), lead_id=team[0]))
                    day_plan = [(t.pk, stop_days[i % len(stop_days)],
                              _agenda(rng, k, team, routine=category == VisitCategory.BUREAU_CHECK))
                             for i, t in enumerate(targets)]
                    plans.append((team, day_plan))
            # Some schools' own routine checks, by their group leaders.
            for school in under:
                group = leaders.get(school.pk, [])
                if len(group) < 2 or rng.random() > 0.25:
                    continue
                day = rng.choice(days)
                visits.append(Visit(organiser=school, category=VisitCategory.SCHOOL_CHECK, kind=VisitKind.SUPERVISE,
                                    mode=VisitMode.COLLECTIVE, term=term,
                                    title=f"{school.name}{'秋季' if term.semester == 1 else '春季'}教学常规检查"[:120],
                                    purpose="检查教案、作业布置与批改、辅导记录", start=day, end=day,
                                    status=_status(day, day, ctx.today, rng), lead_id=group[0]))
                plans.append((group[:4], [(school.pk, day, _agenda(rng, VisitKind.SUPERVISE, group[:4],
                                                                   routine=True))]))
    insert_objects(visits)
    in_teams = {p for team, _ in plans for p in team}
    main_subject = dict(Person.objects.filter(pk__in=in_teams).values_list("pk", "main_subject_id"))
    members: list[VisitMember] = []
    stop_rows: list[VisitSchool] = []
    for visit, (team, visit_days) in zip(visits, plans, strict=True):
        for i, person_id in enumerate(team):
            role = TeamRole.LEADER if i == 0 else (TeamRole.BACKBONE if person_id in senior else TeamRole.SUBJECT)
            members.append(VisitMember(visit=visit, person_id=person_id, role=role,
                                       subject_id=None if i == 0 else main_subject.get(person_id)))
        seen: set[tuple[int, dt.date]] = set()
        for school_id, day, agenda in visit_days:
            if (school_id, day) not in seen:
                seen.add((school_id, day))
                stop_rows.append(VisitSchool(visit=visit, school_id=school_id, date=day, agenda=agenda))
    insert_objects(members)
    insert_objects(stop_rows)
    ctx.extra["visits.plan"] = len(visits)


register("visits.plan", plan_visits, order=200)

"""Demo visits: findings and rectifications in every state (registered with core.demo.extensions).

For the demo's past visits (written by `visits.demo.plan`; with none, nothing is done): at each
visited school a few findings, cycling through the states a county sees: closed on time, closed
late, reopened then closed, closed at a follow-up visit, still open and overdue, answered and
waiting, open within its deadline; and strengths that need no rectification. Teachers flagged
twice get a follow-up plan (跟踪督办 or 跟岗学习). Written with bulk_create: fast at every scale.
"""

from __future__ import annotations

import datetime as dt
from itertools import cycle

from django.utils import timezone

from core.demo.extensions import SeedContext, register
from visits.models import (
    AgendaKind,
    Finding,
    FindingArea,
    FindingStatus,
    FollowUpPlan,
    OwnerKind,
    PlanKind,
    RectificationEntry,
    RectificationStep,
    Severity,
    Visit,
    VisitMember,
    VisitSchool,
    VisitStatus,
)

PROBLEMS = [
    (FindingArea.HOMEWORK, "作业批改不够及时，缺少二次批改和订正记录"),
    (FindingArea.CLASSROOM, "课堂提问缺少层次，学生主动发言少"),
    (FindingArea.ROUTINE, "部分教案环节不完整，缺少教学反思"),
    (FindingArea.RESEARCH, "教研组活动记录简单，集体备课流于形式"),
    (FindingArea.CURRICULUM, "综合实践活动课时未开足"),
    (FindingArea.MANAGEMENT, "教学常规检查缺少过程记录和通报"),
    (FindingArea.QUALITY, "学业质量分析未落实到班级和学科"),
]
STRENGTHS = ["校本研修主题明确，教研组长带头上示范课", "作业分层设计有特色"]
MEASURES = ["制定整改方案，每周检查一次并留存记录", "教研组开展专题研讨，一个月内上交改进课例",
            "学校教学处每月抽查，结果纳入教师考核"]
# The states the demo cycles through, per finding.
STATES = ["on_time", "late", "reopened", "follow_up", "overdue", "answered", "open"]
PER_SCHOOL = 3
MAX_VISITS = 60


def findings(ctx: SeedContext) -> None:
    today = ctx.today
    visits = list(Visit.objects.filter(end__lt=today - dt.timedelta(days=20))
                  .exclude(status=VisitStatus.CANCELLED).select_related("lead").order_by("start", "id")[:MAX_VISITS])
    if not visits:
        return
    rng = ctx.rng
    stops = list(VisitSchool.objects.filter(visit__in=visits).order_by("visit_id", "date", "id"))
    by_visit: dict[int, list[VisitSchool]] = {}
    for s in stops:
        if all(x.school_id != s.school_id for x in by_visit.get(s.visit_id, [])):
            by_visit.setdefault(s.visit_id, []).append(s)
    states = cycle(STATES)
    follow_ups: dict[int, Visit] = {v.follows_id: v for v in Visit.objects.filter(follows__in=visits)
                                    if v.follows_id is not None}
    if not follow_ups:
        follow_ups = _follow_up_visit(visits[0], by_visit.get(visits[0].pk, []), today)
    made: list[tuple[Finding, str, Visit]] = []
    for visit in visits:
        for stop in by_visit.get(visit.pk, []):
            teachers = ctx.teachers_by_school.get(stop.school_id, [])
            for i in range(PER_SCHOOL):
                area, text = PROBLEMS[rng.randrange(len(PROBLEMS))]
                teacher_id = teachers[rng.randrange(len(teachers))] if teachers and i == 0 else None
                found = stop.date
                if i == PER_SCHOOL - 1 and rng.random() < 0.5:
                    made.append((Finding(school_id=stop.school_id, visit=visit, area=FindingArea.RESEARCH,
                                         is_strength=True, description=rng.choice(STRENGTHS),
                                         needs_rectification=False, status=FindingStatus.NOTED, found_on=found,
                                         found_by=visit.lead), "noted", visit))
                    continue
                # A followed visit's first problem is closed at the follow-up; the others cycle.
                state = "follow_up" if i == 0 and visit.pk in follow_ups else next(states)
                if state == "follow_up" and visit.pk not in follow_ups:
                    state = "on_time"
                # Past deadlines for the closed and overdue ones (the visits ended 20 days ago or more).
                deadline = min(found + dt.timedelta(days=30), today - dt.timedelta(days=13))
                if state in ("answered", "open"):
                    deadline = max(deadline, today + dt.timedelta(days=rng.randint(7, 40)))
                owner_kind = OwnerKind.PERSON if teacher_id else OwnerKind.SCHOOL
                made.append((Finding(
                    school_id=stop.school_id, visit=visit, area=area, description=text,
                    evidence="现场查阅资料并听课", severity=rng.choice(Severity.values), teacher_id=teacher_id,
                    needs_rectification=True, measure=rng.choice(MEASURES), owner_kind=owner_kind,
                    owner_person_id=teacher_id, deadline=deadline, status=FindingStatus.OPEN, found_on=found,
                    found_by=visit.lead), state, visit))
    entries: list[RectificationEntry] = []

    def at(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(min(day, today), dt.time(10, 0)))

    def step(f: Finding, kind: str, day: dt.date, before: str, after: str, text: str,
             visit: Visit | None = None) -> None:
        entries.append(RectificationEntry(finding=f, step=kind, text=text, status_before=before, status_after=after,
                                          created_at=at(day), visit=visit,
                                          evidence="整改记录表、照片" if kind == RectificationStep.ANSWER else ""))

    for f, state, visit in made:
        if state == "noted":
            continue
        assert f.deadline is not None
        dl = f.deadline
        if state == "on_time":
            f.status, f.closed_at = FindingStatus.CLOSED, at(dl - dt.timedelta(days=2))
        elif state == "late":
            f.status, f.closed_at = FindingStatus.CLOSED, at(dl + dt.timedelta(days=12))
        elif state == "reopened":
            f.status, f.closed_at = FindingStatus.CLOSED, at(dl + dt.timedelta(days=3))
        elif state == "follow_up":
            f.status, f.closed_at = FindingStatus.CLOSED, at(follow_ups[visit.pk].start)
        elif state == "overdue":
            f.escalated_at = at(dl + dt.timedelta(days=1))
        elif state == "answered":
            f.status = FindingStatus.ANSWERED
    Finding.objects.bulk_create([f for f, _, _ in made])
    for f, state, visit in made:
        if state == "noted":
            continue
        assert f.deadline is not None
        dl = f.deadline
        if state == "on_time":
            step(f, RectificationStep.ANSWER, dl - dt.timedelta(days=4), "open", "answered", "已按措施完成整改")
            step(f, RectificationStep.ACCEPT, dl - dt.timedelta(days=2), "answered", "closed", "整改到位，同意销号")
        elif state == "late":
            step(f, RectificationStep.ESCALATE, dl + dt.timedelta(days=1), "open", "open", "已逾期，提醒督办")
            step(f, RectificationStep.ANSWER, dl + dt.timedelta(days=8), "open", "answered", "已补做整改")
            step(f, RectificationStep.ACCEPT, dl + dt.timedelta(days=12), "answered", "closed", "逾期完成，同意销号")
        elif state == "reopened":
            step(f, RectificationStep.ANSWER, dl - dt.timedelta(days=6), "open", "answered", "已制定制度")
            step(f, RectificationStep.REOPEN, dl - dt.timedelta(days=5), "answered", "reopened",
                 "只有制度没有落实记录，请补充")
            step(f, RectificationStep.ANSWER, dl - dt.timedelta(days=1), "reopened", "answered", "补充了落实记录")
            step(f, RectificationStep.ACCEPT, dl + dt.timedelta(days=3), "answered", "closed", "同意销号")
        elif state == "follow_up":
            fu = follow_ups[visit.pk]
            step(f, RectificationStep.ANSWER, dl - dt.timedelta(days=3), "open", "answered", "已整改")
            step(f, RectificationStep.FOLLOW_UP, fu.start, "answered", "closed", "复查整改到位", visit=fu)
        elif state == "overdue":
            step(f, RectificationStep.ESCALATE, dl + dt.timedelta(days=1), "open", "open", "已逾期，提醒督办")
        elif state == "answered":
            step(f, RectificationStep.ANSWER, today - dt.timedelta(days=2), "open", "answered", "已完成整改，请验收")
    RectificationEntry.objects.bulk_create(entries)
    _plans(ctx, [f for f, state, _ in made if state != "noted"])


def _follow_up_visit(visit: Visit, stops: list[VisitSchool], today: dt.date) -> dict[int, Visit]:
    """A follow-up visit (复查) of the first demo visit, when the plan's demo wrote none."""
    if not stops:
        return {}
    day = min(visit.end + dt.timedelta(days=15), today - dt.timedelta(days=1))
    fu = Visit.objects.create(organiser_id=visit.organiser_id, category=visit.category, kind=visit.kind,
                              mode=visit.mode, term_id=visit.term_id, title=f"{visit.title}（整改复查）", start=day,
                              end=day, status=VisitStatus.FINISHED, lead_id=visit.lead_id, follows=visit)
    agenda = [{"kind": AgendaKind.DOCUMENT_CHECK, "start": "09:00", "end": "10:30", "title": "查阅整改台账与佐证材料"},
              {"kind": AgendaKind.FEEDBACK, "start": "11:00", "end": "11:40", "title": "复查情况反馈"}]
    VisitSchool.objects.bulk_create([VisitSchool(visit=fu, school_id=s.school_id, date=day, agenda=agenda)
                                     for s in stops])
    # The team that found the problems re-checks them.
    VisitMember.objects.bulk_create([VisitMember(visit=fu, person_id=m.person_id, role=m.role, subject_id=m.subject_id)
                                     for m in visit.members.all()])
    return {visit.pk: fu}


def _plans(ctx: SeedContext, rectified: list[Finding]) -> None:
    """A plan or two for teachers flagged at least twice."""
    by_teacher: dict[int, list[Finding]] = {}
    for f in rectified:
        if f.teacher_id is not None:
            by_teacher.setdefault(f.teacher_id, []).append(f)
    flagged = [(t, fs) for t, fs in by_teacher.items() if len(fs) >= 2][:2]
    for i, (teacher_id, fs) in enumerate(flagged):
        start = max(f.found_on for f in fs)
        kind = PlanKind.TRACKING if i == 0 else PlanKind.SHADOWING
        host = None
        if kind == PlanKind.SHADOWING:
            others = [s for s in ctx.school_ids if s != fs[0].school_id]
            host = others[0] if others else None
            if host is None:
                kind = PlanKind.TRACKING
        plan = FollowUpPlan.objects.create(
            teacher_id=teacher_id, kind=kind, reason="多次视导被指出同类问题，需跟踪帮扶", host_school_id=host,
            start=start, end=start + dt.timedelta(days=90),
            entries=[{"date": (start + dt.timedelta(days=14)).isoformat(), "text": "随堂听课并反馈", "by": None}])
        plan.findings.set(fs)


register("visits.findings", findings, order=220)

"""Demo research activities (registered with core.demo.extensions, order 300).

For the school year of the seed's current term: every city and county institution runs its
region-level activities (区域教研, 联片教研, 网络教研, 综合教研, 主题教研, 教学展示, 现场指导,
送教助研, 专题讲座, 课例研修, 培训, 基本功比赛) for its researchers' subjects, inviting teachers of
its schools; every school runs its own (教研组活动, 集体备课, 磨课, 课例研修, and the yearly
基本功比赛 of 004 (二)3) with its teachers. Activities before the seed's day took place: most
are closed with a written outcome (案例, 研究报告 or 纪要) and sign-ins, some late, some absent or
excused; a few still lack their outcome (the host's to-do). Later ones are planned, one of them
today for the demo county researcher, with the demo teacher invited.

Written with core.demo.tables (no audit events: the seed is the system). At province scale the
schools' own activities are written for a sample of schools (core.demo.lookups.school_sample:
the first schools of every county, all of the demo logins' counties), so every county still has
them; the regions' activities are written for every region.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from core.demo.extensions import SeedContext, register
from core.demo.lookups import school_sample, under_each
from core.demo.tables import insert_objects, insert_rows
from core.models import Level, OrgKind, OrgNode, Person, Post, Role, Stage, Subject, Term
from core.terms import terms_for
from research.models import (
    Activity,
    ActivityForm,
    ActivityOutcome,
    ActivityStatus,
    Attendance,
    OutcomeKind,
    Participant,
    ParticipantRole,
)

REGION_FORMS = [ActivityForm.REGIONAL, ActivityForm.CLUSTER, ActivityForm.ONLINE, ActivityForm.COMPREHENSIVE,
                ActivityForm.THEME, ActivityForm.SHOWCASE, ActivityForm.GUIDANCE, ActivityForm.SONGJIAO,
                ActivityForm.LECTURE, ActivityForm.LESSON_STUDY, ActivityForm.TRAINING]
SCHOOL_FORMS = [ActivityForm.GROUP, ActivityForm.COLLECTIVE_PREP, ActivityForm.POLISHING, ActivityForm.LESSON_STUDY]
THEMES = ["大单元教学设计", "作业设计与实施", "跨学科主题学习", "课堂提问的有效性", "新课标下的评价改革", "分层教学",
          "信息技术与课堂融合", "读写结合", "实验教学", "学困生转化", "情境教学", "项目化学习"]
LEVEL_OF = {OrgKind.PROVINCE: Level.PROVINCE, OrgKind.CITY: Level.CITY, OrgKind.COUNTY: Level.COUNTY}
STAGE_OF_SCHOOL = {"primary": Stage.PRIMARY, "junior": Stage.JUNIOR, "senior": Stage.SENIOR,
                   "kindergarten": Stage.PRESCHOOL}
OUTCOME_OF = {ActivityForm.LESSON_STUDY: OutcomeKind.CASE, ActivityForm.POLISHING: OutcomeKind.CASE,
              ActivityForm.SHOWCASE: OutcomeKind.CASE, ActivityForm.THEME: OutcomeKind.REPORT,
              ActivityForm.COMPREHENSIVE: OutcomeKind.REPORT}
SLOTS = [(8, 30, 2), (14, 0, 2), (14, 30, 3), (9, 0, 4)]


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    out, d = [], start
    while d <= end:
        if d.isoweekday() <= 5:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone())


class _Plan:
    """One activity being generated, with whom it invites."""

    def __init__(self, activity: Activity, invited: list[int], host: int | None) -> None:
        self.activity, self.invited, self.host = activity, invited, host


def _attendance(rng: random.Random, start: dt.datetime) -> tuple[str, dt.datetime | None]:
    r = rng.random()
    if r < 0.78:
        return Attendance.PRESENT, start - dt.timedelta(minutes=rng.randint(0, 20))
    if r < 0.88:
        return Attendance.LATE, start + dt.timedelta(minutes=rng.randint(11, 40))
    if r < 0.96:
        return Attendance.ABSENT, None
    return Attendance.EXCUSED, None


def _outcome_text(a: Activity, n: int) -> str:
    return (f"{a.title}于{timezone.localtime(a.start):%Y年%m月%d日}在{a.place or '线上'}举行，{n}人参加。\n"
            f"一、活动围绕“{a.theme}”展开，{a.get_form_display()}环节按方案完成。\n"
            "二、研讨中大家认为：目标设计要对准课标要求，活动设计要让学生真正参与，评价要贯穿课堂。\n"
            "三、后续安排：各校结合本次研讨修改教学设计，下次活动交流改进情况。")


def seed_activities(ctx: SeedContext) -> None:
    rng = ctx.rng
    province = OrgNode.objects.get(pk=ctx.province_id)
    current = next((t for t in terms_for(province) if t.key == ctx.term_key), None)
    if current is None:
        return
    terms: list[Term] = [t for t in terms_for(province) if t.school_year == current.school_year]
    regions = list(OrgNode.objects.filter(pk__in=ctx.region_ids, kind__in=[OrgKind.CITY, OrgKind.COUNTY])
                   .order_by("path"))
    schools = list(OrgNode.objects.filter(pk__in=ctx.school_ids).only("pk", "path", "name", "school_type")
                   .order_by("path"))
    subjects = {s.pk: s for s in Subject.objects.all()}
    researchers: dict[int, list[tuple[int, int | None, str]]] = defaultdict(list)
    for org_id, person_id, subject_id, stage in (
            Post.objects.filter(role__in=[Role.RESEARCHER, Role.PART_TIME_RESEARCHER],
                                org_id__in=[r.pk for r in regions])
            .values_list("org_id", "person_id", "subject_id", "stage").order_by("org_id", "role", "person_id")):
        researchers[org_id].append((person_id, subject_id, stage))
    teacher_subject = dict(Person.objects.filter(org_id__in=ctx.school_ids).values_list("pk", "main_subject_id"))
    leaders: dict[int, list[int]] = defaultdict(list)
    for org_id, person_id in (Post.objects.filter(role__in=[Role.GROUP_LEADER, Role.PREP_LEADER],
                                                  org_id__in=ctx.school_ids)
                              .values_list("org_id", "person_id").order_by("org_id", "person_id")):
        leaders[org_id].append(person_id)
    demo_researcher = _person_of(ctx, "county_researcher")
    demo_teacher = _person_of(ctx, "teacher")
    today = ctx.today
    plans: list[_Plan] = []

    schools_of = under_each(regions, schools)
    sampled = set(school_sample(ctx))
    for term in terms:
        days = _weekdays(term.start + dt.timedelta(days=7), term.end - dt.timedelta(days=7))
        if not days:
            continue
        sem = "秋季" if term.semester == 1 else "春季"
        for region in regions:
            under = schools_of[region.pk]
            staff = researchers.get(region.pk, [])
            if not under or not staff:
                continue
            short = region.institute_name or f"{region.name}教研室"
            level = LEVEL_OF.get(OrgKind(region.kind), Level.COUNTY)
            for n, form in enumerate(REGION_FORMS):
                host, region_subject, stage = staff[n % len(staff)]
                day = rng.choice(days)
                hour, minute, periods = rng.choice(SLOTS)
                start = _at(day, hour, minute)
                subject = subjects.get(region_subject) if region_subject else None
                theme = rng.choice(THEMES)
                targets = rng.sample(under, k=min(len(under), 3 if form != ActivityForm.SONGJIAO else 1))
                pool = [p for s in targets for p in ctx.teachers_by_school.get(s.pk, [])
                        if region_subject is None or teacher_subject.get(p) == region_subject]
                invited = rng.sample(pool, k=min(len(pool), rng.randint(6, 14)))
                online = form == ActivityForm.ONLINE
                place = "" if online else (f"{targets[0].name}" if form in (
                    ActivityForm.GUIDANCE, ActivityForm.SONGJIAO, ActivityForm.SHOWCASE, ActivityForm.CLUSTER)
                    else f"{short}会议室")
                label = f"{subject.name}" if subject else ""
                a = Activity(
                    organiser=region, level=level, form=form, subject=subject, stage=stage, term=term,
                    title=f"{term.school_year}年{sem}{label}{ActivityForm(form).label}：{theme}"[:120],
                    theme=theme, plan=f"一、{theme}课例展示\n二、分组研讨\n三、专家点评与总结",
                    start=start, end=start + dt.timedelta(minutes=45 * periods + 30), periods=periods,
                    place=place, online_url="https://meeting.example.edu.cn/jiaoyan" if online else "",
                    host_id=host)
                plans.append(_Plan(a, invited, host))
        for school in schools:
            if school.pk not in sampled:
                continue
            teachers = ctx.teachers_by_school.get(school.pk, [])
            if len(teachers) < 3:
                continue
            group_leads = leaders.get(school.pk, []) or teachers[:1]
            forms = list(SCHOOL_FORMS)
            if term.semester == 1:
                # The yearly whole-staff teaching-skills contest (004 (二)3), in the autumn.
                forms.append(ActivityForm.SKILLS_CONTEST)
            for n, form in enumerate(forms):
                host = group_leads[n % len(group_leads)]
                host_subject = teacher_subject.get(host)
                day = rng.choice(days)
                hour, minute, periods = SLOTS[1] if form != ActivityForm.SKILLS_CONTEST else SLOTS[3]
                start = _at(day, hour, minute)
                same = [p for p in teachers if teacher_subject.get(p) == host_subject] or teachers
                invited = teachers if form == ActivityForm.SKILLS_CONTEST else same[:12]
                theme = rng.choice(THEMES)
                subject = subjects.get(host_subject) if host_subject and form != ActivityForm.SKILLS_CONTEST else None
                a = Activity(
                    organiser=school, level=Level.SCHOOL, form=form, subject=subject,
                    stage=STAGE_OF_SCHOOL.get(school.school_type, ""), term=term,
                    title=f"{school.name}{subject.name if subject else '全体教师'}{ActivityForm(form).label}"
                          f"（{sem}第{n + 1}次）"[:120],
                    theme=theme, plan="一、主备人说课\n二、集体研讨\n三、形成共识与分工", start=start,
                    end=start + dt.timedelta(minutes=45 * periods + 20), periods=periods,
                    place=f"{school.name}教研室", host_id=host)
                plans.append(_Plan(a, list(invited), host))

    # One activity today for the demo county researcher, the demo teacher invited: the sign-in
    # code shows live in the demo.
    if demo_researcher is not None and regions:
        post = Post.objects.filter(person_id=demo_researcher, role=Role.RESEARCHER).select_related("org").first()
        home = post.org if post is not None else None
        if home is not None and home.kind != OrgKind.SCHOOL:
            region = home
            start = _at(today, 14, 0)
            invited = [demo_teacher] if demo_teacher else []
            plans.append(_Plan(Activity(
                organiser=region, level=LEVEL_OF.get(OrgKind(region.kind), Level.COUNTY), form=ActivityForm.REGIONAL,
                term=current, title="今日区域教研：小学语文大单元教学研讨", theme="大单元教学设计",
                plan="一、展示课《秋天的雨》\n二、评课研讨\n三、专题讲座", start=start, end=start + dt.timedelta(hours=2),
                periods=2, place=f"{region.institute_name or region.name}三楼会议室", host_id=demo_researcher),
                invited, demo_researcher))

    now = _at(today, 12, 0)
    for p in plans:
        a = p.activity
        if a.end < now:
            a.status = ActivityStatus.CLOSED if rng.random() < 0.88 else ActivityStatus.UNDERWAY
        elif timezone.localdate(a.start) == today:
            a.status = ActivityStatus.PLANNED
        else:
            a.status = ActivityStatus.PLANNED if rng.random() < 0.97 else ActivityStatus.CANCELLED
    insert_objects([p.activity for p in plans])

    parts: list[dict[str, Any]] = []  # Participant rows (core.demo.tables.insert_rows)
    outcomes: list[ActivityOutcome] = []
    for p in plans:
        a = p.activity
        happened = a.end < now and a.status != ActivityStatus.CANCELLED
        people = list(dict.fromkeys(([p.host] if p.host else []) + p.invited))
        attended = 0
        for pid in people:
            role = ParticipantRole.ORGANISER if pid == p.host else ParticipantRole.PARTICIPANT
            attendance, signed = (Attendance.PRESENT, a.start - dt.timedelta(minutes=15)) if pid == p.host \
                else _attendance(rng, a.start) if happened else (Attendance.UNKNOWN, None)
            if a.status == ActivityStatus.UNDERWAY and attendance == Attendance.ABSENT:
                attendance = Attendance.UNKNOWN
            attended += attendance in (Attendance.PRESENT, Attendance.LATE)
            parts.append(dict(activity_id=a.pk, person_id=pid, role=role, attendance=attendance, signed_at=signed))
        if happened and rng.random() < 0.15:
            # A walk-in, signed in at the venue without an invitation.
            extra = [t for t in ctx.teachers_by_school.get(a.organiser_id, []) if t not in people][:1]
            for pid in extra:
                parts.append(dict(activity_id=a.pk, person_id=pid, invited=False, attendance=Attendance.PRESENT,
                                  signed_at=a.start - dt.timedelta(minutes=5)))
        if a.status == ActivityStatus.CLOSED:
            kind = OUTCOME_OF.get(ActivityForm(a.form), OutcomeKind.MINUTES)
            outcomes.append(ActivityOutcome(activity=a, kind=kind, title=f"{a.title}{OutcomeKind(kind).label}"[:120],
                                            text=_outcome_text(a, attended), author_id=p.host))
    insert_rows(Participant, parts)
    insert_objects(outcomes)
    ctx.extra["research.activities"] = len(plans)


def _person_of(ctx: SeedContext, key: str) -> int | None:
    from core.models import User

    uid = ctx.users.get(key)
    if uid is None:
        return None
    return User.objects.filter(pk=uid).values_list("person_id", flat=True).first()


register("research.activities", seed_activities, order=300)

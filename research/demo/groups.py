"""Demo subject-group life (registered with core.demo.extensions, order 310).

For every school's 教研组 of the current term: a semester of group activities, one each fortnight
(with gaps: some groups skip a fortnight or meet for one period only, so the strips show misses),
planned ones for the fortnights to come; a development plan and a semester plan (most groups);
journal subscriptions (most groups three or more); the school's key subjects (most one or two,
a few none or three); the school's institutions and a group's own; 包组 (each school leader and
middle manager guides a group, and attends most of its meetings); leader appointments (竞聘 or
appointment); 青蓝 mentoring pairs (a senior teacher and a young one); 联组 of each county by
subject, with their own activities. The demo school (the one of the demo logins) also gets a
resource bank of small documents.

Written with bulk_create (no audit events: the seed is the system). Attendance rows are written
for every member at the small scales, and for the guides only at city and province scale, where
they would number in the millions. At province scale all of this is written for a sample of
schools (core.demo.lookups.school_sample: the first schools of every county, all of the demo
logins' counties): a million group activities would add nothing the sample does not show, and
every county's pages and GROUP norms still have data.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections import defaultdict
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from core.demo.extensions import SeedContext, register
from core.demo.lookups import school_sample, term_by_key_of, terms_by_school
from core.demo.tables import insert_objects, insert_rows
from core.models import (
    TITLE_RANK,
    GroupKind,
    GroupMembership,
    Level,
    OrgKind,
    OrgNode,
    Person,
    Post,
    Subject,
    TeachingGroup,
    Term,
    User,
)
from research.group_rules import fortnights
from research.group_selectors import GUIDE_ROLES
from research.models.activities import (
    Activity,
    ActivityForm,
    ActivityOutcome,
    ActivityStatus,
    Attendance,
    OutcomeKind,
    Participant,
    ParticipantRole,
)
from research.models.groups import (
    GroupGuide,
    GroupInstitution,
    GroupLeaderTerm,
    GroupPlan,
    GroupResource,
    InstitutionKind,
    JointGroup,
    JournalKind,
    JournalSubscription,
    KeySubject,
    LeaderMethod,
    MentorPair,
    PlanKind,
    ResourceKind,
)

SMALL_SCALES = ("tiny", "demo")
JOURNALS: dict[str, list[str]] = {
    "chinese": ["语文建设", "中学语文教学", "小学语文教师", "语文学习", "中国教育报"],
    "math": ["数学通报", "中学数学教学参考", "小学数学教师", "中国数学教育", "数学周报"],
    "english": ["中小学外语教学", "英语学习", "英语周报", "基础外语教育"],
}
GENERIC_JOURNALS = ["人民教育", "中国教育报", "基础教育课程", "教育研究与评论", "中小学教材教学"]
THEMES = ["新课标下的大单元教学设计", "作业设计与分层布置", "课堂提问的有效性", "单元整体教学", "学业质量分析",
          "青年教师汇报课评议", "跨学科主题学习", "信息技术与课堂融合", "期中质量分析与改进", "命题研究"]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
      b"trailer<</Root 1 0 R>>\n%%EOF\n"


def _at(day: dt.date, hour: int = 14, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@functools.cache
def _working_days(start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return tuple(d for d in days if d.isoweekday() in (2, 3, 4)) or tuple(days)


def _weekday_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return rng.choice(_working_days(start, end))


def group_life(ctx: SeedContext) -> None:
    rng = ctx.rng
    school_ids = school_sample(ctx)
    schools = {s.pk: s for s in OrgNode.objects.filter(pk__in=school_ids)}
    groups = list(TeachingGroup.objects.filter(school_id__in=school_ids, term_key=ctx.term_key,
                                               kind=GroupKind.SUBJECT).order_by("school_id", "name"))
    if not groups:
        return
    terms: dict[int, Term | None] = {sid: term_by_key_of(found, ctx.term_key)
                                     for sid, found in terms_by_school(schools).items()}
    subjects: dict[int, list[str]] = defaultdict(list)
    for gid, code in TeachingGroup.subjects.through.objects.filter(
            teachinggroup__in=groups).values_list("teachinggroup_id", "subject__code"):
        subjects[gid].append(code)
    members: dict[int, list[int]] = defaultdict(list)
    for gid, pid in GroupMembership.objects.filter(group__in=groups).values_list("group_id", "person_id"):
        members[gid].append(pid)
    leaders_by_school: dict[int, list[int]] = defaultdict(list)
    for sid, pid in (Post.objects.filter(org_id__in=school_ids, role__in=GUIDE_ROLES)
                     .order_by("org_id", "role", "person_id").values_list("org_id", "person_id")):
        if pid not in leaders_by_school[sid]:
            leaders_by_school[sid].append(pid)
    small = ctx.scale in SMALL_SCALES

    # ---- activities, one a fortnight with gaps, and 包组
    activities: list[dict[str, Any]] = []  # Activity rows (core.demo.tables.insert_rows)
    attendees: list[tuple[int, list[tuple[int, str]]]] = []  # (index in activities, [(person, role)])
    guides: list[GroupGuide] = []
    by_school: dict[int, list[TeachingGroup]] = defaultdict(list)
    for g in groups:
        by_school[g.school_id].append(g)
    for sid, mine in by_school.items():
        term = terms[sid]
        if term is None:
            continue
        leaders = leaders_by_school.get(sid, [])
        guide_of: dict[int, int] = {}
        for i, g in enumerate(mine):
            if leaders:
                guide_of[g.pk] = leaders[i % len(leaders)]
                guides.append(GroupGuide(group=g, person_id=guide_of[g.pk], note="分管联系本组"))
        for g in mine:
            # About one group in four skips a fortnight, one in ten skips two, one in eight has a
            # one-period meeting in one fortnight (which does not count).
            spans = fortnights(term.start, term.end)
            past = [i for i, (a, b) in enumerate(spans) if b < ctx.today]
            skipped: set[int] = set()
            if past and rng.random() < 0.25:
                skipped.add(rng.choice(past))
            if len(past) > 2 and rng.random() < 0.1:
                skipped.add(rng.choice(past))
            short = rng.choice(past) if past and rng.random() < 0.12 else None
            for i, (a, b) in enumerate(spans):
                if i in skipped:
                    continue
                day = _weekday_in(rng, a, b)
                done = b < ctx.today or day < ctx.today
                periods = 1 if i == short else rng.choice((2, 2, 2, 3))
                status = ActivityStatus.CLOSED if done else ActivityStatus.PLANNED
                if not done and rng.random() < 0.03:
                    status = ActivityStatus.CANCELLED
                start = _at(day)
                theme = rng.choice(THEMES)
                activities.append(dict(
                    organiser_id=sid, group_id=g.pk, form=rng.choice((ActivityForm.GROUP, ActivityForm.GROUP,
                                                                     ActivityForm.LESSON_STUDY, ActivityForm.POLISHING)),
                    term_id=term.pk, title=f"{g.name}集中教研：{theme}"[:120], theme=theme,
                    plan=f"1. 学习《课程标准》相关内容；2. 观摩研讨课；3. 围绕“{theme}”交流。",
                    start=start, end=start + dt.timedelta(minutes=45 * periods), periods=periods,
                    place=f"{g.name}办公室", status=status, host_id=g.leader_id))
                invited: list[tuple[int, str]] = [(pid, ParticipantRole.PARTICIPANT) for pid in members[g.pk]] if small else []
                if g.pk in guide_of and guide_of[g.pk] not in members[g.pk] or g.pk in guide_of and not small:
                    invited.append((guide_of[g.pk], ParticipantRole.GUIDE))
                attendees.append((len(activities) - 1, invited if done or small else []))
    insert_rows(Activity, activities)
    _minutes(activities)
    insert_objects(guides)
    participants: list[dict[str, Any]] = []
    for index, people in attendees:
        act = activities[index]
        done = act["status"] == ActivityStatus.CLOSED
        for pid, role in people:
            if done:
                roll = rng.random()
                attendance = Attendance.PRESENT if roll < 0.8 else (Attendance.LATE if roll < 0.88 else (
                    Attendance.EXCUSED if roll < 0.94 else Attendance.ABSENT))
            else:
                attendance = Attendance.UNKNOWN
            participants.append(dict(activity_id=act["id"], person_id=pid, role=role, attendance=attendance,
                                     signed_at=act["start"] if attendance in (Attendance.PRESENT, Attendance.LATE)
                                     else None))
    seen: set[tuple[int, int]] = set()  # one row per activity and person, as the table keeps it
    insert_rows(Participant, [p for p in participants if (p["activity_id"], p["person_id"]) not in seen
                              and not seen.add((p["activity_id"], p["person_id"]))])  # type: ignore[func-returns-value]

    # ---- plans, journals, leader appointments
    plans: list[GroupPlan] = []
    journals: list[JournalSubscription] = []
    leader_terms: list[GroupLeaderTerm] = []
    year = int(ctx.term_key[:4])
    for g in groups:
        if rng.random() < 0.88:
            years = rng.choice((3, 3, 5))
            start_year = year - rng.randint(0, years - 1)
            plans.append(GroupPlan(group=g, kind=PlanKind.DEVELOPMENT, start_year=start_year, years=years,
                                   title=f"{g.name}{start_year}—{start_year + years}学年发展规划",
                                   text="一、现状分析\n二、发展目标\n三、主要措施\n四、保障机制"))
        if rng.random() < 0.8:
            plans.append(GroupPlan(group=g, kind=PlanKind.SEMESTER, term_key=ctx.term_key,
                                   title=f"{g.name}本学期教研活动计划",
                                   text="每两周一次集中教研，每次不少于2课时；重点：" + rng.choice(THEMES),
))
        codes = subjects.get(g.pk, [])
        pool = list(dict.fromkeys(t for c in codes for t in JOURNALS.get(c, []))) + GENERIC_JOURNALS
        n = rng.choice((1, 2, 3, 3, 3, 4, 4, 5))
        for title in rng.sample(pool, k=min(n, len(pool))):
            journals.append(JournalSubscription(group=g, year=year, title=title,
                                                kind=JournalKind.NEWSPAPER if title.endswith("报") else
                                                JournalKind.JOURNAL))
        if g.leader_id is not None:
            leader_terms.append(GroupLeaderTerm(
                group=g, person_id=g.leader_id, method=LeaderMethod.COMPETITION if rng.random() < 0.6
                else LeaderMethod.APPOINTMENT, start=dt.date(year - 1, 9, 1), end=dt.date(year + 2, 8, 31),
                duties="主持本组教研活动；制定学期计划；组织听评课与集体备课；参与本学科教师考核。"))
    insert_objects(plans)
    insert_objects(journals, ignore_conflicts=True)
    insert_objects(leader_terms)

    # ---- key subjects, institutions, mentoring
    subject_ids = dict(Subject.objects.values_list("code", "id"))
    keys: list[KeySubject] = []
    institutions: list[GroupInstitution] = []
    for sid, mine in by_school.items():
        codes = sorted({c for g in mine for c in subjects.get(g.pk, [])})
        roll = rng.random()
        n = 0 if roll < 0.08 else (3 if roll > 0.95 else rng.choice((1, 2)))
        for code in rng.sample(codes, k=min(n, len(codes))):
            keys.append(KeySubject(school_id=sid, subject_id=subject_ids[code], from_year=year - rng.randint(0, 2),
                                   reason="学科基础较好，作为本校重点建设学科"))
        issued = dt.date(year, 9, rng.randint(1, 15))
        for kind in rng.sample(list(InstitutionKind.values), k=rng.randint(3, 6)):
            label = InstitutionKind(kind).label
            institutions.append(GroupInstitution(school_id=sid, kind=kind, title=f"{schools[sid].name}{label}",
                                                 issued_on=issued, text=f"{label}（{year}年修订）"))
        if mine and rng.random() < 0.5:
            g = rng.choice(mine)
            institutions.append(GroupInstitution(school_id=sid, group=g, kind=InstitutionKind.OBSERVATION,
                                                 title=f"{g.name}听评课安排", issued_on=issued,
                                                 text="组内每人每学期上一节研讨课，组员全员听评。"))
    insert_objects(keys, ignore_conflicts=True)
    insert_objects(institutions)

    staff = {p.pk: p for p in Person.objects.filter(pk__in={pid for ids in members.values() for pid in ids})
              .only("pk", "title", "teaching_since")}
    pairs: list[MentorPair] = []
    for g in groups:
        ids = [pid for pid in members[g.pk] if pid in staff]
        if len(ids) < 3 or rng.random() > 0.45:
            continue
        senior = max(ids, key=lambda pid: (TITLE_RANK.get(staff[pid].title, 0), -(staff[pid].teaching_since or 9999)))
        young = max((pid for pid in ids if pid != senior), key=lambda pid: staff[pid].teaching_since or 0)
        pairs.append(MentorPair(school_id=g.school_id, group=g, mentor_id=senior, mentee_id=young,
                                start=dt.date(year, 9, 1), end=dt.date(year + 1, 7, 10),
                                goals="一年站稳讲台：每周互听一节课，每月一次教学反思，学期末上汇报课。"))
    insert_objects(pairs)

    _joint_groups(ctx, schools, by_school, subjects, terms)
    _resource_bank(ctx, groups)
    ctx.extra["research.groups"] = {"activities": len(activities), "plans": len(plans), "journals": len(journals)}


def _joint_groups(ctx: SeedContext, schools: dict[int, OrgNode], by_school: dict[int, list[TeachingGroup]],
                  subjects: dict[int, list[str]], terms: dict[int, Term | None]) -> None:
    """Per county, a 联组 for each of two subjects over its schools that have a group of it, led by
    the first such school, with a monthly activity of its own."""
    rng = ctx.rng
    by_county: dict[int, list[int]] = defaultdict(list)
    for sid, s in schools.items():
        if s.parent_id is not None:
            by_county[s.parent_id].append(sid)
    counties = {n.pk: n for n in OrgNode.objects.filter(pk__in=list(by_county)).exclude(kind=OrgKind.SCHOOL)}
    names = dict(Subject.objects.values_list("code", "name"))
    ids = dict(Subject.objects.values_list("code", "id"))
    links: list[tuple[JointGroup, list[int], list[int]]] = []
    joint_activities: list[tuple[JointGroup, dict[str, Any]]] = []
    for cid, sids in sorted(by_county.items()):
        county = counties.get(cid)
        if county is None:
            continue
        for code in ("chinese", "math"):
            with_group = [(sid, g) for sid in sorted(sids) for g in by_school.get(sid, [])
                          if code in subjects.get(g.pk, [])]
            member_schools = sorted({sid for sid, _ in with_group})[:12]
            if len(member_schools) < 2:
                continue
            lead = member_schools[0]
            jg = JointGroup(region=county, name=f"{county.name}{names[code]}教研联组", subject_id=ids[code],
                            lead_school_id=lead)
            links.append((jg, member_schools, [g.pk for sid, g in with_group if sid in member_schools]))
            term = terms.get(lead)
            if term is None:
                continue
            month = term.start
            while month <= min(term.end, ctx.today + dt.timedelta(days=40)):
                day = _weekday_in(rng, month, min(month + dt.timedelta(days=27), term.end))
                start = _at(day, 9, 0)
                joint_activities.append((jg, dict(
                    organiser_id=lead, level=Level.COUNTY, form=ActivityForm.CLUSTER, term_id=term.pk,
                    title=f"{jg.name}联片教研：{rng.choice(THEMES)}"[:120], start=start,
                    end=start + dt.timedelta(hours=3), periods=4, place=schools[rng.choice(member_schools)].name,
                    status=ActivityStatus.CLOSED if day < ctx.today else ActivityStatus.PLANNED)))
                month += dt.timedelta(days=28)
    insert_objects([jg for jg, _, _ in links])
    insert_objects(
        [JointGroup.schools.through(jointgroup_id=jg.pk, orgnode_id=sid) for jg, sids, _ in links for sid in sids])
    insert_objects(
        [JointGroup.groups.through(jointgroup_id=jg.pk, teachinggroup_id=gid) for jg, _, gids in links
         for gid in gids])
    for jg, row in joint_activities:
        row["joint_group_id"] = jg.pk
    rows = [row for _, row in joint_activities]
    insert_rows(Activity, rows)
    _minutes(rows)


def _minutes(activities: list[dict[str, Any]]) -> None:
    """A closed activity has its written outcome (closing requires one: research.services.activities);
    a group's meeting leaves its minutes (纪要)."""
    insert_rows(ActivityOutcome, [
        dict(activity_id=a["id"], kind=OutcomeKind.MINUTES, title=f"{a['title'][:100]}纪要",
             text=f"围绕“{a.get('theme') or a['title']}”研讨，明确了下一步的课堂改进任务。", author_id=a.get("host_id"))
        for a in activities if a["status"] == ActivityStatus.CLOSED])


def _resource_bank(ctx: SeedContext, groups: list[TeachingGroup]) -> None:
    """A few documents in each group of the demo school (the demo logins' school)."""
    principal = ctx.users.get("principal")
    school_id = User.objects.filter(pk=principal).values_list("person__org_id", flat=True).first() if principal else None
    if school_id is None:
        return
    rng = ctx.rng
    for g in groups:
        if g.school_id != school_id:
            continue
        for kind, label in ((ResourceKind.LESSON_PLAN, "教案"), (ResourceKind.PAPER, "单元测试卷"),
                            (ResourceKind.COURSEWARE, "课件")):
            grade = g.grade or rng.randint(1, 6)
            unit = f"第{rng.randint(1, 8)}单元"
            res = GroupResource(group=g, kind=kind, title=f"{g.name}{grade}年级{unit}{label}", grade=grade, unit=unit,
                                tags=[label, rng.choice(THEMES)[:10]], original_name=f"{label}.pdf",
                                content_kind="application/pdf", size=len(PDF), author_id=g.leader_id)
            res.file.save(f"{label}.pdf", ContentFile(PDF), save=False)
            res.save()


register("research.groups", group_life, order=310)

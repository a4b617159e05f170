"""Demo growth records (registered with core.demo.extensions, order 500).

A year of training for every researcher (about a quarter stay short of the 72 hours) and for a
sample of each school's teachers; researchers' stints in schools (some overdue, some due); in
every city and county a talent programme with three tiers (学科带头人: a 示范课 each term, 骨干
教师: a 参赛课 each year, 青年教师: a 汇报课 each year) whose leaders and backbone teachers are the
people the trunk already designates (their core.Designation is the membership's record) and whose
members' observed lessons of those kinds fulfil part of the duties; the province's backbone-researcher programme; competitions
with awards; a county-level studio at most schools of 30 classes or more; base schools per
stage and subject in each city with the weak schools they help; mental-health certificates for
about a third of the teachers, with the province's planned coverage set to 30%.

Written with bulk_create (no audit events: the seed is the system), bounded per school so every
scale stays fast.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from core.demo.extensions import SeedContext, register
from core.demo.lookups import under_each
from core.demo.tables import insert_objects, insert_rows
from core.models import (
    Designation,
    DesignationKind,
    Level,
    Norm,
    NormOverride,
    OrgKind,
    OrgNode,
    Person,
    Post,
    Role,
    Stage,
    Subject,
    Title,
)
from growth.models import (
    Award,
    AwardRank,
    BaseHelp,
    BaseSchool,
    Competition,
    CompetitionKind,
    CompetitionRound,
    DutyFulfilment,
    DutyPeriod,
    MemberAssessment,
    ProgrammeKind,
    ProgrammeMember,
    ProgrammeTier,
    PsyCertificate,
    PsyLevel,
    RotationStint,
    SelectionRound,
    Studio,
    StudioAssessment,
    StudioEntry,
    StudioEntryKind,
    StudioMember,
    TalentProgramme,
    TierDuty,
    TrainingRecord,
    TrainingSource,
)
from growth.rules import LARGE_SCHOOL_CLASSES
from observe.models import Observation, ObservationKind, ObservationStatus

COURSES = [("国培计划——新课标教学能力提升", "national", "教育部国培项目办"),
           ("省级骨干教研员高级研修班", "province", "省教育科学研究院"),
           ("大单元教学设计专题研修", "city", "市教师发展中心"),
           ("作业设计与命题能力培训", "city", "市教研室"),
           ("信息技术应用能力提升工程2.0", "county", "县教师进修学校"),
           ("课堂观察与评课技术", "county", "县教研室"),
           ("校本研修：集体备课五环节", "school", "本校教科室")]
HOURS = (8, 12, 16, 24, 32, 40)
TEACHERS_PER_SCHOOL = 8
TIERS = ((1, "学科带头人", ProgrammeKind.LEADER, ObservationKind.DEMONSTRATION, DutyPeriod.TERM),
         (2, "骨干教师", ProgrammeKind.BACKBONE, ObservationKind.CONTEST, DutyPeriod.YEAR),
         (3, "优秀青年教师", ProgrammeKind.YOUNG, ObservationKind.REPORT, DutyPeriod.YEAR))
DESIGNATION: dict[str, str] = {ProgrammeKind.LEADER: DesignationKind.LEADER, ProgrammeKind.BACKBONE: DesignationKind.BACKBONE,
               ProgrammeKind.BACKBONE_RESEARCHER: DesignationKind.BACKBONE}
COMPETITIONS = ((CompetitionKind.BASIC_SKILLS, "青年教师教学基本功大赛"), (CompetitionKind.QUALITY_LESSON, "优质课评选"),
                (CompetitionKind.LESSON_TALK, "说课比赛"), (CompetitionKind.ITEM_WRITING, "命题比赛"))
REGION_LEVEL: dict[str, str] = {OrgKind.PROVINCE: Level.PROVINCE, OrgKind.CITY: Level.CITY, OrgKind.COUNTY: Level.COUNTY}
BASE_SUBJECTS = ("chinese", "math", "english")


def _training(ctx: SeedContext, rng: random.Random, year: int) -> None:
    rows: list[dict[str, Any]] = []  # TrainingRecord rows

    given: set[int] = set()

    def courses(person_id: int, target: int) -> None:
        # A person met twice (a part-time researcher among a school's teachers, at city scale)
        # keeps the year's courses of the first meeting: one record per person, course and day.
        if person_id in given:
            return
        given.add(person_id)
        total, picks = 0, rng.sample(COURSES, k=len(COURSES))
        for i, (course, level, provider) in enumerate(picks):
            if total >= target:
                break
            hours = rng.choice(HOURS)
            month = rng.randint(1, max(ctx.today.month - 1, 1)) if year == ctx.today.year else rng.randint(1, 12)
            start = dt.date(year, month, rng.randint(1, 20))
            rows.append(dict(person_id=person_id, course=course, provider=provider, level=level,
                             hours=Decimal(hours), start=start, end=start + dt.timedelta(days=rng.randint(0, 5)),
                             certificate_no=f"PX{year}{person_id:06d}{i}", source=TrainingSource.IMPORT))
            total += hours

    for pid in ctx.researcher_ids:
        # About a quarter of researchers stop short of the 72 hours.
        courses(pid, rng.choice((40, 56)) if rng.random() < 0.25 else 80)
    for teachers in ctx.teachers_by_school.values():
        for pid in teachers[:TEACHERS_PER_SCHOOL]:
            courses(pid, rng.choice((24, 48, 72, 96)))
    insert_rows(TrainingRecord, rows)


def _rotation(ctx: SeedContext, rng: random.Random, schools: list[OrgNode]) -> None:
    posts = list(Post.objects.filter(person_id__in=ctx.researcher_ids, role=Role.RESEARCHER, start__isnull=False)
                 .order_by("person_id", "start"))
    rows = []
    for post in {p.person_id: p for p in posts}.values():
        assert post.start is not None
        years = (ctx.today - post.start).days / 365.25
        if years >= 5 and rng.random() < 0.45 and schools:
            # A school year taught some years after the post began; a few are under way now.
            if rng.random() < 0.15:
                start = dt.date(ctx.today.year, 9, 1) if ctx.today.month >= 9 else dt.date(ctx.today.year - 1, 9, 1)
            else:
                start = dt.date(rng.randint(post.start.year + 1, max(post.start.year + 1, ctx.today.year - 2)), 9, 1)
            rows.append(RotationStint(person_id=post.person_id, school=rng.choice(schools), start=start,
                                      end=dt.date(start.year + 1, 7, 10), note="到校任教一学年"))
    insert_objects(rows)


def _programmes(ctx: SeedContext, rng: random.Random, regions: list[OrgNode], province: OrgNode,
                year: int) -> None:
    school_year_start = dt.date(year if ctx.today.month >= 9 else year - 1, 9, 1)
    titles = dict(Person.objects.filter(org_id__in=ctx.school_ids).values_list("pk", "title"))
    schools_by_path = list(OrgNode.objects.filter(pk__in=ctx.school_ids).values_list("pk", "path"))
    designated: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    person_org: dict[int, int] = {}
    for did, pid, kind, level, org_id in Designation.objects.filter(person__org_id__in=ctx.school_ids).values_list(
            "pk", "person_id", "kind", "level", "person__org_id"):
        designated[(kind, level)].append((did, pid))
        person_org[pid] = org_id
    org_paths = dict(schools_by_path)
    paths = {pid: org_paths.get(org, "") for pid, org in person_org.items()}
    used: set[int] = set()
    schools_of = under_each(regions, schools_by_path, lambda sp: sp[1])
    # The designations of each (kind, level) by the region of the holder's school.
    designated_in: dict[tuple[str, str], dict[int, list[tuple[int, int]]]] = {}
    for key, found in designated.items():
        designated_in[key] = under_each(regions, found, lambda d: paths.get(d[1], ""))
    for region in regions:
        level = REGION_LEVEL[region.kind]
        p = TalentProgramme.objects.create(region=region, name=f"{region.name}教育人才梯队培养计划", kind=ProgrammeKind.LEADER,
                                           level=level, start=school_year_start - dt.timedelta(days=365),
                                           end=school_year_start + dt.timedelta(days=3 * 365), quota=60,
                                           description="学科带头人、骨干教师、优秀青年教师三级梯队，分学科制定考核细则。")
        selection = SelectionRound.objects.create(programme=p, name="首批遴选", held_on=p.start, quota=60)
        tiers = []
        for rank, name, kind, lesson, period in TIERS:
            tier = ProgrammeTier.objects.create(programme=p, name=name, kind=kind, rank=rank, quota=10 * rank)
            TierDuty.objects.create(tier=tier, lesson_kind=lesson, count=1, period=period)
            tiers.append(tier)
        # Leaders and backbone teachers are the people the trunk already designates (core's
        # Designation of that kind and level in the region): the membership links that record.
        members = []
        for tier in tiers[:2]:
            kind = DESIGNATION[tier.kind]
            free = [d for d in designated_in.get((kind, level), {}).get(region.pk, []) if d[0] not in used]
            for did, pid in rng.sample(free, k=min(len(free), tier.quota)):
                used.add(did)
                members.append(ProgrammeMember(programme=p, tier=tier, person_id=pid, round=selection, start=p.start,
                                               end=p.end, designation_id=did))
        # Young teachers (no title of honour): second- and third-grade teachers of the region.
        pool = [pid for sid, _ in schools_of[region.pk]
                for pid in ctx.teachers_by_school.get(sid, [])[:TEACHERS_PER_SCHOOL]
                if titles.get(pid) in (Title.SECOND, Title.THIRD, Title.NONE)]
        in_programme = {m.person_id for m in members}
        for pid in rng.sample(pool, k=min(len(pool), tiers[2].quota)):
            if pid not in in_programme:
                members.append(ProgrammeMember(programme=p, tier=tiers[2], person_id=pid, round=selection,
                                               start=p.start, end=p.end))
        made = insert_objects(members)
        insert_objects([
            MemberAssessment(member=m, period=f"{school_year_start.year - 1}学年", score=Decimal(rng.randint(70, 96)),
                             grade="优" if rng.random() < 0.4 else "良", assessed_on=school_year_start)
            for m in made if rng.random() < 0.7])
        _fulfil(made, tiers, school_year_start, rng)
    # The province's backbone researchers (000 §12: 200 across the province).
    bp = TalentProgramme.objects.create(region=province, name=f"{province.name}省级骨干教研员培养", kind=ProgrammeKind.BACKBONE_RESEARCHER,
                                        level=Level.PROVINCE, start=dt.date(year - 1, 9, 1),
                                        end=dt.date(year + 2, 8, 31), quota=200)
    tier = ProgrammeTier.objects.create(programme=bp, name="省级骨干教研员", kind=ProgrammeKind.BACKBONE_RESEARCHER,
                                        quota=200)
    chosen = rng.sample(ctx.researcher_ids, k=min(len(ctx.researcher_ids), 200, max(len(ctx.researcher_ids) // 10, 1)))
    ds = [Designation(person_id=pid, kind=DesignationKind.BACKBONE, level=Level.PROVINCE, programme=bp.name[:100],
                      start=bp.start, end=bp.end) for pid in chosen]
    insert_objects(ds)
    insert_objects([ProgrammeMember(programme=bp, tier=tier, person_id=d.person_id, start=bp.start,
                                                         end=bp.end, designation_id=d.pk) for d in ds])


def _fulfil(members: list[ProgrammeMember], tiers: list[ProgrammeTier], since: dt.date, rng: random.Random) -> None:
    """Link about two thirds of the members' observed lessons of their duty's kind."""
    duties = {d.tier_id: d for d in TierDuty.objects.filter(tier__in=tiers)}
    by_person = {m.person_id: m for m in members}
    rows = []
    for obs_id, teacher_id, kind in Observation.objects.filter(
            teacher_id__in=by_person, status=ObservationStatus.SUBMITTED, date__gte=since,
            kind__in=[d.lesson_kind for d in duties.values()]).values_list("pk", "teacher_id", "kind"):
        m = by_person[teacher_id]
        duty = duties.get(m.tier_id)
        if duty is not None and duty.lesson_kind == kind and rng.random() < 0.67:
            rows.append(DutyFulfilment(member=m, duty=duty, observation_id=obs_id))
    insert_objects(rows, ignore_conflicts=True)


def _competitions(ctx: SeedContext, rng: random.Random, regions: list[OrgNode], year: int) -> None:
    subjects = list(Subject.objects.filter(code__in=BASE_SUBJECTS))
    schools_by_path = list(OrgNode.objects.filter(pk__in=ctx.school_ids).values_list("pk", "path"))
    awards = []
    schools_of = under_each(regions, schools_by_path, lambda sp: sp[1])
    for region in regions:
        pool = [pid for sid, _ in schools_of[region.pk]
                for pid in ctx.teachers_by_school.get(sid, [])[:TEACHERS_PER_SCHOOL]]
        for y in (year - 1, year):
            for kind, label in rng.sample(COMPETITIONS, k=2):
                subject = rng.choice(subjects) if subjects else None
                held = dt.date(y, rng.randint(3, 11) if y < year else rng.randint(3, max(ctx.today.month - 1, 3)), 15)
                c = Competition.objects.create(region=region, name=f"{region.name}{y}年{subject.name if subject else ''}{label}",
                                               kind=kind, level=REGION_LEVEL[region.kind], subject=subject,
                                               held_on=held, entrants=rng.randint(20, 120))
                insert_objects([
                    CompetitionRound(competition=c, name="初赛", order=1, held_on=held - dt.timedelta(days=30)),
                    CompetitionRound(competition=c, name="决赛", order=2, held_on=held)])
                for pid in rng.sample(pool, k=min(len(pool), 4)):
                    awards.append(Award(person_id=pid, competition=c, title=c.name, level=c.level,
                                        rank=rng.choice([AwardRank.FIRST, AwardRank.SECOND, AwardRank.THIRD]),
                                        awarded_on=held, issuer=region.institute_name or region.name))
    insert_objects(awards)


def _studios(ctx: SeedContext, rng: random.Random, schools: list[OrgNode], year: int) -> None:
    titles = dict(Person.objects.filter(org_id__in=ctx.school_ids).values_list("pk", "title"))
    names = dict(Person.objects.filter(org_id__in=ctx.school_ids).values_list("pk", "name"))
    parents = {s.pk: s.parent_id for s in schools}
    studios: list[Studio] = []
    members: list[StudioMember] = []
    entries: list[StudioEntry] = []
    assessments: list[StudioAssessment] = []
    for s in schools:
        if s.class_count < LARGE_SCHOOL_CLASSES or rng.random() > 0.75:
            continue
        staff = ctx.teachers_by_school.get(s.pk, [])
        hosts = [p for p in staff if titles.get(p) in (Title.SENIOR, Title.SENIOR_PROF)] or staff[:1]
        region_id = parents.get(s.pk)
        if not hosts or region_id is None:
            continue
        host = hosts[0]
        studio = Studio(name=f"{names[host]}名师工作室", host_id=host, region_id=region_id, school=s,
                        level=Level.COUNTY, start=dt.date(year - 1, 9, 1),
                        plan="以课题研究为引领，开展示范课、专题讲座和青年教师带教。")
        studios.append(studio)
        members += [StudioMember(studio=studio, person_id=p, joined_on=studio.start) for p in staff[1:6] if p != host]
        entries += [
            StudioEntry(studio=studio, kind=StudioEntryKind.ACTIVITY, title="送教下乡示范课", date=dt.date(year, 4, 12)),
            StudioEntry(studio=studio, kind=StudioEntryKind.ACTIVITY, title="青年教师课堂诊断", date=dt.date(year, 10, 9)),
            StudioEntry(studio=studio, kind=StudioEntryKind.OUTPUT, title="单元教学设计案例集", date=dt.date(year, 6, 30))]
        assessments.append(StudioAssessment(studio=studio, year=year - 1, score=Decimal(rng.randint(72, 95)),
                                            grade=rng.choice(["优", "良", "良"])))
    insert_objects(studios)
    insert_objects(members)
    insert_objects(entries)
    insert_objects(assessments)


def _bases(rng: random.Random, schools: list[OrgNode], cities: list[OrgNode], year: int) -> None:
    subjects = list(Subject.objects.filter(code__in=BASE_SUBJECTS))
    bases, helps = [], []
    for city in cities:
        mine = [s for s in schools if s.path.startswith(city.path)]
        for stage in (Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR):
            staged = [s for s in mine if stage in s.stages]
            for subject in subjects:
                # Mostly 2 or 3; sometimes 1, so BASE.SCHOOLS names a short pair.
                n = min(len(staged), rng.choice((1, 2, 2, 3, 3)))
                for s in rng.sample(staged, k=n):
                    b = BaseSchool(region=city, school=s, stage=stage, subject=subject, start=dt.date(year - 1, 9, 1),
                                   end=dt.date(year + 2, 8, 31))
                    bases.append(b)
                    weak = [w for w in staged if w.is_weak and w.pk != s.pk]
                    for w in rng.sample(weak, k=min(len(weak), 2)):
                        helps.append(BaseHelp(base=b, school=w, since=b.start, note="同课异构、送教助研"))
    insert_objects(bases)
    insert_objects(helps)


def _certificates(ctx: SeedContext, rng: random.Random, province: OrgNode) -> None:
    rows: list[dict[str, Any]] = []
    for teachers in ctx.teachers_by_school.values():
        for pid in teachers:
            if rng.random() < 0.33:
                level = PsyLevel.B if rng.random() < 0.25 else PsyLevel.C
                rows.append(dict(person_id=pid, level=level, number=f"XL{pid:07d}",
                                 issued_on=dt.date(rng.randint(2019, ctx.today.year - 1), 6, 30),
                                 issuer="省教育厅心理健康教育指导中心"))
    insert_rows(PsyCertificate, rows)
    norm = Norm.objects.filter(code="PSY.CERT").first()
    if norm is not None:
        NormOverride.objects.get_or_create(norm=norm, region=province,
                                           defaults={"threshold_min": 30, "note": "全省2023年前教师持证覆盖率规划"})


def growth_records(ctx: SeedContext) -> None:
    rng = ctx.rng
    year = ctx.today.year
    province = OrgNode.objects.get(pk=ctx.province_id)
    regions = list(OrgNode.objects.filter(pk__in=ctx.region_ids, kind__in=[OrgKind.CITY, OrgKind.COUNTY])
                   .order_by("path"))
    schools = list(OrgNode.objects.filter(pk__in=ctx.school_ids).order_by("path"))
    _training(ctx, rng, year)
    _rotation(ctx, rng, schools)
    _programmes(ctx, rng, regions, province, year)
    _competitions(ctx, rng, regions, year)
    _studios(ctx, rng, schools, year)
    _bases(rng, schools, [r for r in regions if r.kind == OrgKind.CITY], year)
    _certificates(ctx, rng, province)
    ctx.extra["growth.records"] = TrainingRecord.objects.count()


register("growth.records", growth_records, order=500)

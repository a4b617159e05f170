"""Demo research projects (registered with core.demo.extensions, order 520).

Projects at every level and in every stage: a school-level project at about half the schools, a
few county-level ones per county, some city, provincial and one national project, led by
teachers (the senior ones for the higher levels) with two to four members from the same school.
Each project has the steps, documents and dates of the stages it has reached; concluded ones have
a submitted 结题 review by a researcher and outcomes; projects at 中期检查 have a 结题 review
assigned and waiting. Most teachers belong to no project, so the TEACHER.PROJECT_* norms name many
who fall short. The demo teacher leads a county project at 开题; the demo county researcher has
a review to do.

Written with bulk_create (no audit events: the seed is the system), a bounded number of projects
at every scale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.demo.extensions import SeedContext, register
from core.demo.tables import insert_objects
from core.models import Level, OrgKind, OrgNode, Person, Title
from projects import lifecycle
from projects.models import (
    DocumentKind,
    MemberRole,
    OutcomeKind,
    Project,
    ProjectDocument,
    ProjectMember,
    ProjectOutcome,
    ProjectReview,
    ProjectStatus,
    ProjectStep,
    Verdict,
)
from projects.services import APPROVER_KIND

MAX_SCHOOL_PROJECTS = 400
TOPICS = ("整本书阅读教学", "大单元教学设计", "作业分层设计", "课堂提问有效性", "跨学科主题学习", "项目式学习",
          "学困生转化", "信息技术与课堂融合", "劳动教育课程化", "家校协同育人", "实验教学创新", "双减背景下的课后服务",
          "核心素养导向的评价", "乡村小规模学校教学", "心理健康教育融入学科")
SUBJECT_WORDS = ("初中语文", "小学数学", "初中英语", "高中物理", "小学科学", "初中道德与法治", "高中化学", "小学语文")
# How many stages of STAGE_DAYS a project in each status has been through.
REACHED: dict[str, int] = {ProjectStatus.APPLIED: 0, ProjectStatus.APPROVED: 1, ProjectStatus.OPENED: 2, ProjectStatus.MIDTERM: 3,
           ProjectStatus.CONCLUDED: 4, ProjectStatus.EXTENDED: 3, ProjectStatus.WITHDRAWN: 1}
# The stages reached, with the days after applying each is entered.
STAGE_DAYS = ((ProjectStatus.APPROVED, 40), (ProjectStatus.OPENED, 90), (ProjectStatus.MIDTERM, 380),
              (ProjectStatus.CONCLUDED, 720))
DOC_FOR: dict[str, str] = {ProjectStatus.APPLIED: DocumentKind.APPLICATION, ProjectStatus.OPENED: DocumentKind.OPENING,
           ProjectStatus.MIDTERM: DocumentKind.MIDTERM, ProjectStatus.CONCLUDED: DocumentKind.FINAL}


def _approver(owner: OrgNode, level: str, parents: dict[int, OrgNode]) -> OrgNode | None:
    want = APPROVER_KIND[level]
    node: OrgNode | None = owner
    while node is not None:
        if node.kind == want:
            return node
        node = parents.get(node.parent_id) if node.parent_id else None
    return None


class _Builder:
    def __init__(self, ctx: SeedContext) -> None:
        self.ctx, self.rng = ctx, ctx.rng
        self.projects: list[Project] = []
        self.plans: list[tuple[Project, list[int]]] = []  # each project with its members

    def add(self, *, owner: OrgNode, approver: OrgNode, level: str, leader: int, members: list[int],
            status: str, age_days: int, key: bool = False) -> None:
        rng, today = self.rng, self.ctx.today
        applied = today - dt.timedelta(days=age_days)
        title = f"{rng.choice(SUBJECT_WORDS)}{rng.choice(TOPICS)}的实践研究"
        p = Project(title=title, level=level, owner=owner, approver=approver, leader_id=leader,
                    summary=f"围绕{title[:-5]}开展行动研究，形成可推广的课例与策略。", status=ProjectStatus.APPLIED,
                    applied_on=applied, planned_end=applied + dt.timedelta(days=730), is_key=key)
        for stage, days in STAGE_DAYS[:REACHED[status]]:
            setattr(p, f"{stage}_on", applied + dt.timedelta(days=days))
            p.status = stage
        if p.approved_on is not None:
            p.number = f"{approver.code[-6:]}-{applied.year}-{len(self.projects) + 1:03d}"
        if status == ProjectStatus.EXTENDED:
            p.status, p.extended_on = status, (p.midterm_on or applied) + dt.timedelta(days=30)
            p.planned_end += dt.timedelta(days=180)
        if status == ProjectStatus.WITHDRAWN:
            p.status, p.withdrawn_on = status, applied + dt.timedelta(days=60)
        self.projects.append(p)
        self.plans.append((p, members))

    def write(self, experts: list[int]) -> int:
        insert_objects(self.projects)
        steps, docs, members, reviews, outcomes = [], [], [], [], []
        for p, member_ids in self.plans:
            for status in (*lifecycle.MAIN_LINE, lifecycle.EXTENDED, lifecycle.WITHDRAWN):
                date = p.stage_date(status)
                if not isinstance(date, dt.date):
                    continue
                note = {lifecycle.EXTENDED: "实验班调整，申请延期半年", lifecycle.WITHDRAWN: "主持人调离，申请撤销",
                        lifecycle.APPROVED: "同意立项"}.get(status, "")
                steps.append(ProjectStep(project=p, status=status, date=date, note=note))
                if status in DOC_FOR:
                    kind = DOC_FOR[status]
                    docs.append(ProjectDocument(project=p, kind=kind, title=f"{p.title}{DocumentKind(kind).label}",
                                                text=f"{DocumentKind(kind).label}正文（演示）"))
            for i, pid in enumerate(member_ids):
                members.append(ProjectMember(project=p, person_id=pid, role=MemberRole.CORE if i == 0 else MemberRole.MEMBER,
                                             task="课例研究" if i == 0 else "资料收集与课堂实践"))
            free = [e for e in experts if e != p.leader_id and e not in member_ids]
            if not free:
                continue
            expert = self.rng.choice(free)
            if p.status == ProjectStatus.CONCLUDED:
                assert p.concluded_on is not None
                reviews.append(ProjectReview(project=p, stage=ProjectStatus.CONCLUDED, expert_id=expert,
                                             score=Decimal(self.rng.randint(78, 96)), verdict=Verdict.PASS,
                                             comments="研究过程规范，成果有推广价值，同意结题。",
                                             submitted_at=dt.datetime.combine(p.concluded_on - dt.timedelta(days=5),
                                                                              dt.time(10), tzinfo=dt.UTC)))
                outcomes.append(ProjectOutcome(project=p, kind=OutcomeKind.PAPER, title=f"{p.title[:-5]}的课堂实践",
                                               level=self.rng.choice([Level.COUNTY, Level.CITY, Level.PROVINCE]),
                                               date=p.concluded_on - dt.timedelta(days=40), detail="发表于教研刊物"))
                outcomes.append(ProjectOutcome(project=p, kind=OutcomeKind.PRACTICE, title="研究成果在本区推广",
                                               level=Level.COUNTY, date=p.concluded_on))
            elif p.status in (ProjectStatus.MIDTERM, ProjectStatus.EXTENDED):
                reviews.append(ProjectReview(project=p, stage=ProjectStatus.CONCLUDED, expert_id=expert,
                                             due=self.ctx.today + dt.timedelta(days=30)))
        insert_objects(steps)
        insert_objects(docs)
        insert_objects(members)
        insert_objects(reviews)
        insert_objects(outcomes)
        return len(self.projects)


STATUSES = (ProjectStatus.APPLIED, ProjectStatus.APPROVED, ProjectStatus.OPENED, ProjectStatus.MIDTERM,
            ProjectStatus.CONCLUDED, ProjectStatus.EXTENDED, ProjectStatus.WITHDRAWN)
AGE_FOR: dict[str, tuple[int, int]] = {ProjectStatus.APPLIED: (5, 30), ProjectStatus.APPROVED: (45, 80), ProjectStatus.OPENED: (100, 360),
           ProjectStatus.MIDTERM: (390, 700), ProjectStatus.CONCLUDED: (730, 1600),
           ProjectStatus.EXTENDED: (450, 700), ProjectStatus.WITHDRAWN: (70, 400)}


def projects(ctx: SeedContext) -> None:
    rng = ctx.rng
    nodes = {n.pk: n for n in OrgNode.objects.filter(path__startswith=OrgNode.objects.get(pk=ctx.province_id).path)
             .only("id", "code", "path", "kind", "parent_id", "name")}
    # Teachers' titles, read by school (an IN list of every teacher is 400,000 ids at province scale).
    teacher_ids = {t for ts in ctx.teachers_by_school.values() for t in ts}
    people: dict[int, str] = {pk: title for pk, title in Person.objects.filter(org_id__in=ctx.school_ids)
                              .values_list("pk", "title") if pk in teacher_ids}
    experts = list(ctx.researcher_ids)
    b = _Builder(ctx)
    demo_teacher = None
    if "teacher" in ctx.users:
        from core.models import User

        demo_teacher = User.objects.filter(pk=ctx.users["teacher"]).values_list("person_id", flat=True).first()
    schools = [s for s in ctx.school_ids if len(ctx.teachers_by_school.get(s, [])) >= 3]
    # Statuses cycle so that every stage appears even in the tiny seed.
    cycle = 0

    def next_status() -> str:
        nonlocal cycle
        cycle += 1
        return STATUSES[cycle % len(STATUSES)]

    def team(school_id: int, senior_first: bool, exclude: set[int]) -> tuple[int, list[int]]:
        teachers = [t for t in ctx.teachers_by_school[school_id] if t not in exclude]
        if senior_first:
            teachers.sort(key=lambda t: people[t] not in (Title.SENIOR, Title.SENIOR_PROF) if t in people else True)
        leader = teachers[0] if senior_first else rng.choice(teachers)
        rest = [t for t in teachers if t != leader]
        return leader, rng.sample(rest, min(len(rest), rng.randint(2, 4)))

    picked = rng.sample(schools, min(len(schools), MAX_SCHOOL_PROJECTS, max(1, len(schools) // 2)))
    for s in picked:
        owner = nodes[s]
        leader, members = team(s, False, {demo_teacher} if demo_teacher else set())
        status = next_status()
        b.add(owner=owner, approver=owner, level=Level.SCHOOL, leader=leader, members=members, status=status,
              age_days=rng.randint(*AGE_FOR[status]), key=rng.random() < 0.2)
    # Higher levels: by region, led by senior teachers of a school below.
    for region_kind, level, per in ((OrgKind.COUNTY, Level.COUNTY, 3), (OrgKind.CITY, Level.CITY, 2),
                                    (OrgKind.PROVINCE, Level.PROVINCE, 3)):
        for region in [n for n in nodes.values() if n.kind == region_kind][:60]:
            below = [s for s in schools if nodes[s].path.startswith(region.path)]
            for i in range(min(per, len(below))):
                s = rng.choice(below)
                leader, members = team(s, True, set())
                status = next_status()
                approver = _approver(nodes[s], level, nodes)
                if approver is None:
                    continue
                b.add(owner=nodes[s], approver=approver, level=level, leader=leader, members=members, status=status,
                      age_days=rng.randint(*AGE_FOR[status]), key=i == 0)
    if schools:
        s = rng.choice(schools)
        leader, members = team(s, True, set())
        province = nodes[ctx.province_id]
        b.add(owner=nodes[s], approver=province, level=Level.NATIONAL, leader=leader, members=members,
              status=ProjectStatus.OPENED, age_days=200, key=True)
    # The demo teacher leads a county project at 开题, so the archive and the list show one.
    if demo_teacher is not None and demo_teacher in people:
        teacher = Person.objects.select_related("org").get(pk=demo_teacher)
        county = _approver(teacher.org, Level.COUNTY, nodes)
        if county is not None:
            mates = [t for t in ctx.teachers_by_school.get(teacher.org_id, []) if t != demo_teacher][:2]
            b.add(owner=teacher.org, approver=county, level=Level.COUNTY, leader=demo_teacher, members=mates,
                  status=ProjectStatus.OPENED, age_days=150)
    # The demo county researcher has a 结题 review to do.
    researcher = None
    if "county_researcher" in ctx.users:
        from core.models import User

        researcher = User.objects.filter(pk=ctx.users["county_researcher"]).values_list("person_id", flat=True).first()
    n = b.write(experts)
    if researcher is not None:
        todo = (Project.objects.filter(status=ProjectStatus.MIDTERM).exclude(leader_id=researcher)
                .exclude(reviews__expert_id=researcher).order_by("id").first())
        if todo is not None:
            ProjectReview.objects.create(project=todo, stage=ProjectStatus.CONCLUDED, expert_id=researcher,
                                         due=ctx.today + dt.timedelta(days=20))
    ctx.extra["projects.count"] = n


register("projects.projects", projects, order=520)

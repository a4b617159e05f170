"""JSON API of the projects app, under the same access policy as the pages (projects.access).
Mounted by the main API at /api/v1/projects/; url names start with "projects_"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from core.models import Level, Stage, Subject
from projects import access
from projects import services as svc
from projects.errors import ProjectError
from projects.models import Project, ProjectStatus
from projects.selectors import ProjectFilter, projects_list

router = Router(tags=["课题研究"])


class ProjectOut(Schema):
    id: int
    title: str
    number: str
    level: str = Field(description="school 校级 / county 县级 / city 市级 / province 省级 / national 国家级")
    status: str = Field(description="applied 申报 / approved 立项 / opened 开题 / midterm 中期检查 / "
                                    "concluded 结题 / extended 延期 / withdrawn 撤销")
    is_key: bool = Field(title="重点课题")
    subject: str | None = Field(None, title="学科代码")
    owner: str = Field(title="承担单位代码")
    owner_name: str
    approver: str = Field(title="立项单位代码")
    leader: str = Field(title="主持人编号")
    leader_name: str
    applied_on: dt.date
    approved_on: dt.date | None
    concluded_on: dt.date | None
    planned_end: dt.date


class MemberOut(Schema):
    person: str = Field(title="人员编号")
    name: str
    role: str


class StepOut(Schema):
    status: str
    date: dt.date
    note: str


class DocumentOut(Schema):
    kind: str
    title: str
    has_file: bool
    created: dt.datetime


class ReviewOut(Schema):
    stage: str
    expert: str = Field(title="评审专家编号")
    submitted: bool
    score: Decimal | None
    verdict: str


class OutcomeOut(Schema):
    kind: str
    title: str
    level: str
    date: dt.date


class ProjectDetail(ProjectOut):
    summary: str
    members: list[MemberOut]
    steps: list[StepOut]
    documents: list[DocumentOut]
    reviews: list[ReviewOut]
    outcomes: list[OutcomeOut]


def _out(p: Project) -> ProjectOut:
    return ProjectOut(id=p.pk, title=p.title, number=p.number, level=p.level, status=p.status, is_key=p.is_key,
                      subject=p.subject.code if p.subject else None, owner=p.owner.code, owner_name=p.owner.name,
                      approver=p.approver.code, leader=p.leader.code, leader_name=p.leader.name,
                      applied_on=p.applied_on, approved_on=p.approved_on, concluded_on=p.concluded_on,
                      planned_end=p.planned_end)


def _detail(p: Project) -> ProjectDetail:
    return ProjectDetail(
        **_out(p).model_dump(), summary=p.summary,
        members=[MemberOut(person=m.person.code, name=m.person.name, role=m.role)
                 for m in p.members.select_related("person")],
        steps=[StepOut(status=s.status, date=s.date, note=s.note) for s in p.steps.all()],
        documents=[DocumentOut(kind=d.kind, title=d.title, has_file=bool(d.file), created=d.created_at)
                   for d in p.documents.all()],
        reviews=[ReviewOut(stage=r.stage, expert=r.expert.code, submitted=r.is_submitted, score=r.score,
                           verdict=r.verdict) for r in p.reviews.select_related("expert")],
        outcomes=[OutcomeOut(kind=o.kind, title=o.title, level=o.level, date=o.date) for o in p.outcomes.all()])


class ProjectQuery(PageQuery):
    level: Level | None = Field(None, title="级别")
    status: ProjectStatus | None = Field(None, title="阶段")
    subject: str | None = Field(None, title="学科代码")
    year: int | None = Field(None, ge=2000, le=2100, title="年度", description="立项年度（未立项的按申报年度）")
    mine: bool = Field(False, title="只看我主持或参与的")


@router.get("/projects", response=Page[ProjectOut], url_name="projects_project_list", summary="课题列表")
def project_list(request: HttpRequest, filters: Query[ProjectQuery]) -> Page[ProjectOut]:
    user = current_user(request)
    subject_id = None
    if filters.subject:
        subject = Subject.objects.filter(code=filters.subject).first()
        if subject is None:
            raise FieldError("subject", f"学科：没有学科代码 {filters.subject}", source="query")
        subject_id = subject.pk
    f = ProjectFilter(level=filters.level or "", status=filters.status or "", subject_id=subject_id,
                      year=filters.year, side="mine" if filters.mine else "")
    return paginate(projects_list(user, f), filters, _out)


@router.get("/projects/{project_id}", response=ProjectDetail, url_name="projects_project_detail", summary="课题详情")
def project_detail(request: HttpRequest, project_id: int) -> ProjectDetail:
    return _detail(access.get_project_for_user(current_user(request), project_id))


class ProjectIn(Schema):
    title: str = Field(min_length=1, max_length=200, title="课题名称")
    level: Level = Field(title="申报级别")
    subject: str | None = Field(None, max_length=20, title="学科代码")
    stage: Stage | None = Field(None, title="学段")
    planned_end: dt.date = Field(title="计划结题日期")
    summary: str = Field("", max_length=20000, title="研究内容摘要")
    application: str = Field("", max_length=20000, title="申报书正文")


@router.post("/projects", response={201: ProjectDetail}, url_name="projects_project_list", summary="申报课题")
def project_create(request: HttpRequest, payload: ProjectIn) -> Status[ProjectDetail]:
    user = current_user(request)
    if not access.can_file_project(user):
        raise HttpError(403, "当前账号没有关联人员档案或岗位，不能申报课题")
    subject = None
    if payload.subject:
        subject = Subject.objects.filter(code=payload.subject).first()
        if subject is None:
            raise FieldError("subject", f"学科：没有学科代码 {payload.subject}")
    try:
        project = svc.project_create(actor=user, title=payload.title, level=payload.level, subject=subject,
                                     stage=payload.stage or "", planned_end=payload.planned_end,
                                     summary=payload.summary, application=payload.application)
    except ProjectError as exc:
        raise FieldError(exc.field or "payload", exc.message) from exc
    return Status(201, _detail(access.get_project_for_user(user, project.pk)))

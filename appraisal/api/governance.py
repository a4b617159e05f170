"""API of the appraisal app's `governance` area (mounted by appraisal/api/__init__.py): meetings,
tasks (and marking one done), a plan's progress by level, schools' spending against the floors,
and the 督导 data pack of a region. Under the same access policy as the pages
(appraisal.governance_access); url names start with "appraisal_gov_"."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from appraisal import funding
from appraisal import governance_access as access
from appraisal.models.governance import GovMeeting, GovTask, SchoolSpending, TaskStatus
from appraisal.services import governance as services
from appraisal.services import governance_selectors as selectors
from appraisal.supervision import ItemProgress
from core.access import get_node_for_user, home_node
from core.errors import DomainError
from core.models import OrgKind, OrgNode

router = Router(tags=["考评与治理"])


class MeetingOut(Schema):
    id: int
    region: str
    region_name: str
    title: str
    held_on: dt.date
    convened_by: str
    decisions: list[str]


class YearQuery(PageQuery):
    year: int | None = Field(None, title="年度", ge=2000, le=2100)
    node: str | None = Field(None, title="区域代码")


def _meeting(m: GovMeeting) -> MeetingOut:
    return MeetingOut(id=m.pk, region=m.region.code, region_name=m.region.name, title=m.title, held_on=m.held_on,
                      convened_by=m.convened_by, decisions=[d.text for d in m.decisions.all()])


@router.get("/governance/meetings", response=Page[MeetingOut], url_name="appraisal_gov_meeting_list",
            summary="教研工作专题会议列表")
def meeting_list(request: HttpRequest, filters: Query[YearQuery]) -> Page[MeetingOut]:
    user = current_user(request)
    qs = access.meetings_visible_to(user).prefetch_related("decisions")
    if filters.year is not None:
        qs = qs.filter(held_on__year=filters.year)
    if filters.node:
        qs = qs.filter(region=get_node_for_user(user, filters.node))
    return paginate(qs.order_by("-held_on", "-id"), filters, _meeting)


@router.get("/governance/meetings/{meeting_id}", response=MeetingOut, url_name="appraisal_gov_meeting_detail",
            summary="一次教研工作专题会议")
def meeting_detail(request: HttpRequest, meeting_id: int) -> MeetingOut:
    return _meeting(access.get_meeting_for_user(current_user(request), meeting_id))


class TaskOut(Schema):
    id: int
    title: str
    source: str
    node: str
    node_name: str
    owner: str | None
    due: dt.date
    status: str
    done_on: dt.date | None
    overdue: bool


class TaskQuery(PageQuery):
    open: bool = Field(False, title="只看进行中")


def _task(t: GovTask) -> TaskOut:
    source = "decision" if t.decision_id else "plan"
    return TaskOut(id=t.pk, title=t.title, source=source, node=t.node.code, node_name=t.node.name,
                   owner=t.owner.name if t.owner else None, due=t.due, status=t.status, done_on=t.done_on,
                   overdue=t.status == TaskStatus.OPEN and t.due < timezone.localdate())


@router.get("/governance/tasks", response=Page[TaskOut], url_name="appraisal_gov_task_list", summary="任务列表")
def task_list(request: HttpRequest, filters: Query[TaskQuery]) -> Page[TaskOut]:
    qs = access.tasks_visible_to(current_user(request))
    if filters.open:
        qs = qs.filter(status=TaskStatus.OPEN)
    return paginate(qs.order_by("due", "id"), filters, _task)


class DoneIn(Schema):
    note: str = Field("", title="完成情况", max_length=300)


@router.post("/governance/tasks/{task_id}/done", response=TaskOut, url_name="appraisal_gov_task_done",
             summary="标记任务完成")
def task_done(request: HttpRequest, task_id: int, payload: DoneIn) -> TaskOut:
    user = current_user(request)
    task = access.get_task_for_user(user, task_id, write=True)
    try:
        services.task_complete(actor=user, task=task, on=timezone.localdate(), note=payload.note)
    except DomainError as exc:
        raise FieldError(exc.field or "note", exc.message) from exc
    return _task(access.get_task_for_user(user, task.pk))


class LevelOut(Schema):
    level: str
    label: str
    done: int
    total: int
    percent: int
    overdue: list[str]


class ItemOut(Schema):
    id: int
    text: str
    region_name: str
    due: dt.date
    levels: list[LevelOut]
    children: list[ItemOut]


class ProgressOut(Schema):
    id: int
    region: str
    year: int
    title: str
    totals: list[LevelOut]
    items: list[ItemOut]


def _item(i: ItemProgress) -> ItemOut:
    return ItemOut(id=i.id, text=i.text, region_name=i.region_name, due=i.due,
                   levels=[LevelOut(level=lv.level, label=lv.label, done=lv.done, total=lv.total, percent=lv.percent,
                                    overdue=lv.overdue) for lv in i.levels],
                   children=[_item(c) for c in i.children])


@router.get("/governance/plans/{plan_id}/progress", response=ProgressOut, url_name="appraisal_gov_plan_progress",
            summary="年度工作要点的逐级完成情况")
def plan_progress(request: HttpRequest, plan_id: int) -> ProgressOut:
    user = current_user(request)
    plan = access.get_plan_for_user(user, plan_id)
    tree, totals = selectors.plan_progress(user, plan, timezone.localdate())
    return ProgressOut(id=plan.pk, region=plan.region.code, year=plan.year, title=plan.title,
                       totals=[LevelOut(level=lv.level, label=lv.label, done=lv.done, total=lv.total,
                                        percent=lv.percent, overdue=lv.overdue) for lv in totals],
                       items=[_item(i) for i in tree])


class SpendingOut(Schema):
    id: int
    school: str
    school_name: str
    year: int
    public_funds: float
    training: float
    equipment: float
    teaching: float
    shares: dict[str, float]
    meets: dict[str, bool]
    status: str
    return_reason: str


def _spending(r: SchoolSpending) -> SpendingOut:
    return SpendingOut(id=r.pk, school=r.school.code, school_name=r.school.name, year=r.year,
                       public_funds=float(r.public_funds), training=float(r.training), equipment=float(r.equipment),
                       teaching=float(r.teaching),
                       shares={c.code: float(funding.share(getattr(r, c.field), r.public_funds))
                               for c in funding.CATEGORIES},
                       meets={c.code: funding.meets_floor(getattr(r, c.field), r.public_funds, c.floor)
                              for c in funding.CATEGORIES},
                       status=r.status, return_reason=r.return_reason)


@router.get("/governance/spending", response=Page[SpendingOut], url_name="appraisal_gov_spending_list",
            summary="学校经费支出列表")
def spending_list(request: HttpRequest, filters: Query[YearQuery]) -> Page[SpendingOut]:
    user = current_user(request)
    qs = access.spendings_visible_to(user)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.node:
        qs = qs.filter(school__in=OrgNode.objects.under(get_node_for_user(user, filters.node).path))
    return paginate(qs.order_by("-year", "school__path"), filters, _spending)


@router.get("/governance/spending/{spending_id}", response=SpendingOut, url_name="appraisal_gov_spending_detail",
            summary="一所学校一年的经费支出")
def spending_detail(request: HttpRequest, spending_id: int) -> SpendingOut:
    return _spending(access.get_spending_for_user(current_user(request), spending_id))


class FundingOut(Schema):
    code: str
    label: str
    floor: float
    confirmed: int
    meeting: int
    average: float | None
    below: list[str]


class PackOut(Schema):
    region: str
    region_name: str
    year: int
    administrations: int
    administrations_met: int
    administrations_missing: list[str]
    meetings: list[str]
    researchers: int
    full_time: int
    part_time: int
    teachers: int
    staffing: list[dict[str, str | int]]
    funding: list[FundingOut]
    unconfirmed: int
    missing: int
    norms: list[dict[str, str | int]]


class PackQuery(Schema):
    year: int | None = Field(None, title="年度", ge=2000, le=2100)
    node: str | None = Field(None, title="区域代码")


@router.get("/governance/pack", response=PackOut, url_name="appraisal_gov_pack", summary="教研工作督导数据")
def pack(request: HttpRequest, filters: Query[PackQuery]) -> PackOut:
    user = current_user(request)
    node = get_node_for_user(user, filters.node) if filters.node else home_node(user)
    if node is None or node.kind == OrgKind.SCHOOL:
        raise Http404("督导数据按区域统计")
    today = timezone.localdate()
    p = selectors.data_pack(user, node, filters.year or today.year, today)
    return PackOut(region=node.code, region_name=node.name, year=p.year, administrations=p.administrations,
                   administrations_met=p.administrations_met, administrations_missing=p.administrations_missing,
                   meetings=[f"{m.held_on:%Y-%m-%d} {m.title}" for m in p.meetings], researchers=p.researchers,
                   full_time=p.full_time, part_time=p.part_time, teachers=p.teachers,
                   staffing=[{"subject": r.subject, "stage": r.stage, "full_time": r.full_time,
                              "part_time": r.part_time} for r in p.staffing],
                   funding=[FundingOut(code=f.code, label=f.label, floor=f.floor, confirmed=f.confirmed,
                                       meeting=f.meeting, average=float(f.average) if f.average is not None else None,
                                       below=f.below) for f in p.funding],
                   unconfirmed=p.unconfirmed, missing=p.missing,
                   norms=[{"code": r.norm.code, "title": r.norm.title, "met": r.met, "total": r.total}
                          for r in p.norms])

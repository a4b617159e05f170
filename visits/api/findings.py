"""Visits API: findings and their rectification chain (the list, one finding, the owner's
answer), under visits.access as the pages are. Url names start with "visits_findings_"."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from core.errors import DomainError
from visits import access
from visits.models import Finding, FindingArea, FindingStatus, RectificationEntry
from visits.services import findings as svc

router = Router()


class EntryOut(Schema):
    step: str
    step_label: str
    text: str
    evidence: str
    status_before: str
    status_after: str
    by: str | None
    visit: int | None
    at: dt.datetime


class FindingOut(Schema):
    id: int
    school: str = Field(..., description="学校标识码")
    school_name: str
    visit: int | None
    source_kind: str
    area: str
    description: str
    severity: str
    is_strength: bool
    teacher: str | None = Field(None, description="涉及教师编号")
    needs_rectification: bool
    status: str
    status_label: str
    measure: str
    owner_kind: str
    owner: str = Field(..., description="责任主体名称")
    deadline: dt.date | None
    overdue: bool
    found_on: dt.date
    closed_at: dt.datetime | None


class FindingDetail(FindingOut):
    evidence: str
    entries: list[EntryOut]


class FindingQuery(PageQuery):
    status: FindingStatus | None = Field(None, title="状态")
    school: str | None = Field(None, title="学校标识码")
    area: FindingArea | None = Field(None, title="领域")
    visit: int | None = Field(None, title="视导编号")
    overdue: bool = Field(False, title="只看逾期")


class AnswerIn(Schema):
    text: str = Field(..., title="整改情况", max_length=4000)
    evidence: str = Field("", title="佐证", max_length=4000)


def _owner(f: Finding) -> str:
    if f.owner_kind == "person" and f.owner_person is not None:
        return f.owner_person.name
    if f.owner_kind == "group" and f.owner_group is not None:
        return f.owner_group.name
    return f.school.name


def _out(f: Finding) -> FindingOut:
    today = timezone.localdate()
    return FindingOut(
        id=f.pk, school=f.school.code, school_name=f.school.name, visit=f.visit_id, source_kind=f.source_kind,
        area=f.area, description=f.description, severity=f.severity, is_strength=f.is_strength,
        teacher=f.teacher.code if f.teacher is not None else None, needs_rectification=f.needs_rectification,
        status=f.status, status_label=f.get_status_display(), measure=f.measure, owner_kind=f.owner_kind,
        owner=_owner(f), deadline=f.deadline,
        overdue=f.status in svc.UNRESOLVED and f.deadline is not None and f.deadline < today,
        found_on=f.found_on, closed_at=f.closed_at)


def _detail(f: Finding) -> FindingDetail:
    entries = [EntryOut(step=e.step, step_label=e.get_step_display(), text=e.text, evidence=e.evidence,
                        status_before=e.status_before, status_after=e.status_after,
                        by=e.by.name if e.by is not None else None, visit=e.visit_id, at=e.created_at)
               for e in RectificationEntry.objects.filter(finding=f).select_related("by")]
    return FindingDetail(**_out(f).model_dump(), evidence=f.evidence, entries=entries)


@router.get("/findings", response=Page[FindingOut], url_name="visits_findings_list", summary="视导发现与整改列表")
def finding_list(request: HttpRequest, filters: Query[FindingQuery]) -> Page[FindingOut]:
    user = current_user(request)
    qs = access.findings_visible_to(user).with_refs()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.school:
        qs = qs.filter(school__code=filters.school)
    if filters.area:
        qs = qs.filter(area=filters.area)
    if filters.visit is not None:
        qs = qs.filter(visit_id=filters.visit)
    if filters.overdue:
        qs = qs.filter(svc.overdue_q(timezone.localdate()))
    return paginate(qs.order_by("deadline", "-found_on", "-id"), filters, _out)


@router.get("/findings/{finding_id}", response=FindingDetail, url_name="visits_findings_detail",
            summary="问题详情与整改过程")
def finding_detail(request: HttpRequest, finding_id: int) -> FindingDetail:
    return _detail(access.get_finding_for_user(current_user(request), finding_id))


@router.post("/findings/{finding_id}/answer", response={201: FindingDetail}, url_name="visits_findings_answer",
             summary="责任人反馈整改情况")
def finding_answer(request: HttpRequest, finding_id: int, payload: AnswerIn) -> Status[FindingDetail]:
    user = current_user(request)
    f = access.get_finding_for_user(user, finding_id)
    if not access.can_answer_finding(user, f):
        raise Http404("没有找到该问题")
    try:
        svc.finding_answer(actor=user, finding=f, text=payload.text, evidence=payload.evidence)
    except DomainError as exc:
        raise FieldError("text", str(exc)) from exc
    return Status(201, _detail(access.get_finding_for_user(user, finding_id)))

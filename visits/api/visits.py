"""Visits API: the visits a user sees (paginated), one visit with its team and schedule, and a
new visit (the plan form's rules: visits.services.plan)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from core.access import get_node_for_user, people_visible_to, scope_of
from core.terms import term_by_key
from visits.access import can_organise_at, get_visit_for_user, stop_schools_for, visits_visible_to
from visits.errors import VisitError
from visits.models import Visit, VisitCategory, VisitKind, VisitMode, VisitStatus
from visits.services import plan as services

router = Router()


class VisitOut(Schema):
    id: int
    title: str
    number: str
    category: str = Field(description="inspection 教学视导 / bureau_check 常规检查 / school_check 校内常规检查")
    kind: str
    mode: str
    status: str
    organiser: str = Field(title="组织单位代码")
    organiser_name: str
    term: str = Field(title="学期", description="如 2026-1")
    start: dt.date
    end: dt.date
    lead: str | None = Field(None, title="带队负责人编号")


class MemberOut(Schema):
    person: str = Field(title="人员编号")
    name: str
    role: str
    subject: str | None = None


class StopOut(Schema):
    school: str = Field(title="学校代码")
    school_name: str
    date: dt.date
    agenda: list[dict[str, Any]]
    note: str


class VisitDetail(VisitOut):
    purpose: str
    members: list[MemberOut]
    stops: list[StopOut]


def _out(v: Visit) -> VisitOut:
    return VisitOut(id=v.pk, title=v.title, number=v.number, category=v.category, kind=v.kind, mode=v.mode,
                    status=v.status, organiser=v.organiser.code, organiser_name=v.organiser.name, term=v.term.key,
                    start=v.start, end=v.end, lead=v.lead.code if v.lead else None)


def _detail(v: Visit, only: set[int] | None = None) -> VisitDetail:
    """The visit with its team and its days (a host school's managers: their school's days only)."""
    base = _out(v).model_dump()
    members = [MemberOut(person=m.person.code, name=m.person.name, role=m.role,
                         subject=m.subject.code if m.subject else None)
               for m in v.members.select_related("person", "subject")]
    stops = [StopOut(school=s.school.code, school_name=s.school.name, date=s.date, agenda=s.agenda, note=s.note)
             for s in v.stops.select_related("school") if only is None or s.school_id in only]
    return VisitDetail(**base, purpose=v.purpose, members=members, stops=stops)


class VisitQuery(PageQuery):
    term: str | None = Field(None, title="学期", description="如 2026-1")
    kind: VisitKind | None = Field(None, title="视导类型")
    category: VisitCategory | None = Field(None, title="类别")
    status: VisitStatus | None = Field(None, title="状态", description="省略时不含已取消的")
    mine: bool = Field(False, title="只看我参加的")


@router.get("/visits", response=Page[VisitOut], url_name="visits_visit_list", summary="视导列表")
def visit_list(request: HttpRequest, filters: Query[VisitQuery]) -> Page[VisitOut]:
    user = current_user(request)
    qs = visits_visible_to(user).with_refs()
    if filters.status:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.active()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.term:
        year, _, sem = filters.term.partition("-")
        qs = qs.filter(term__school_year=int(year) if year.isdigit() else 0,
                       term__semester=int(sem) if sem.isdigit() else 0)
    if filters.mine:
        me = scope_of(user).person_id
        qs = qs.filter(Q(members__person_id=me) | Q(lead_id=me)).distinct() if me else qs.none()
    return paginate(qs.order_by("-start", "-id"), filters, _out)


@router.get("/visits/{visit_id}", response=VisitDetail, url_name="visits_visit_detail", summary="视导详情")
def visit_detail(request: HttpRequest, visit_id: int) -> VisitDetail:
    user = current_user(request)
    visit = get_visit_for_user(user, visit_id)
    return _detail(visit, stop_schools_for(user, visit))


class VisitIn(Schema):
    organiser: str = Field(min_length=1, max_length=16, title="组织单位代码")
    category: VisitCategory = Field(VisitCategory.INSPECTION, title="类别")
    kind: VisitKind = Field(title="视导类型")
    mode: VisitMode = Field(VisitMode.COLLECTIVE, title="形式")
    term: str = Field(pattern=r"^\d{4}-\d$", title="学期", description="如 2026-1")
    title: str = Field(min_length=1, max_length=120, title="名称")
    number: str = Field("", max_length=40, title="文号")
    purpose: str = Field("", max_length=5000, title="目的与重点")
    start: dt.date = Field(title="开始日期")
    end: dt.date = Field(title="结束日期")
    lead: str | None = Field(None, max_length=32, title="带队负责人编号")


@router.post("/visits", response={201: VisitDetail}, url_name="visits_visit_list", summary="新建视导")
def visit_create(request: HttpRequest, payload: VisitIn) -> Status[VisitDetail]:
    user = current_user(request)
    organiser = get_node_for_user(user, payload.organiser)
    if not can_organise_at(user, organiser, payload.category):
        raise HttpError(403, f"您不能以{organiser.name}的名义组织{VisitCategory(payload.category).label}")
    term = term_by_key(organiser, payload.term)
    if term is None:
        raise FieldError("term", f"学期：{organiser.name}没有学期 {payload.term}")
    lead = None
    if payload.lead:
        lead = people_visible_to(user).filter(code=payload.lead, is_active=True).first()
        if lead is None:
            raise FieldError("lead", f"带队负责人：没有找到人员 {payload.lead}")
    try:
        visit = services.visit_create(actor=user, organiser=organiser, category=payload.category, kind=payload.kind,
                                      mode=payload.mode, term=term, title=payload.title, start=payload.start,
                                      end=payload.end, number=payload.number, purpose=payload.purpose, lead=lead)
    except VisitError as exc:
        raise FieldError(exc.field or "payload", exc.message) from exc
    return Status(201, _detail(get_visit_for_user(user, visit.pk)))

"""JSON API of subject-group life, under research.access like the pages: the 教研组 a user sees
with their GROUP.MEET fortnights, one group with its plans and journals, a plan or a journal
subscription recorded from another system, and the 联组 a user sees."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from core.access import AnyUser, groups_visible_to
from core.compliance import Thresholds
from core.models import GroupKind, TeachingGroup
from core.terms import current_term, term_by_key
from research import group_selectors as sel
from research.access import (
    get_group_school_for_user,
    get_joint_group_for_user,
    get_teaching_group_for_user,
    joint_groups_visible_to,
    journals_visible_to,
    plans_visible_to,
)
from research.group_errors import GroupError
from research.group_rules import Strip
from research.models.groups import JointGroup, JournalKind, PlanKind
from research.services import groups as services

router = Router()


class FortnightOut(Schema):
    number: int
    start: dt.date
    end: dt.date
    state: str = Field(description="met 已开展 / missed 未开展 / current 进行中 / future 未到")
    activities: int
    periods: int


class GroupOut(Schema):
    id: int
    school: str = Field(title="学校代码")
    school_name: str
    term: str = Field(title="学期", description="如 2026-1")
    kind: str = Field(description="subject 教研组 / prep 备课组")
    name: str
    leader: str | None = Field(None, title="组长编号")
    met: int = Field(title="已开展集中教研的两周")
    missed: int = Field(title="未开展集中教研的两周")


class PlanOut(Schema):
    id: int
    kind: str
    title: str
    period: str
    has_file: bool


class JournalOut(Schema):
    id: int
    year: int
    title: str
    kind: str


class GroupDetail(GroupOut):
    fortnights: list[FortnightOut]
    plans: list[PlanOut]
    journals: list[JournalOut]


class GroupQuery(PageQuery):
    school: str | None = Field(None, title="学校代码")
    term: str | None = Field(None, title="学期", description="如 2026-1；省略时为学校的当前学期")
    kind: str = Field(GroupKind.SUBJECT, title="类别", description="subject 教研组 / prep 备课组")


def _strips(groups: list[TeachingGroup]) -> dict[int, Strip]:
    """Each group's strip in its own term (the groups of a page share one or two terms)."""
    out: dict[int, Strip] = {}
    th = Thresholds()
    by_term: dict[tuple[int, str], list[TeachingGroup]] = {}
    for g in groups:
        by_term.setdefault((g.school_id, g.term_key), []).append(g)
    for (_, key), members in by_term.items():
        term = term_by_key(members[0].school, key)
        if term is None:
            continue
        refs = [sel.GroupRef(g.pk, g.school_id, g.name, g.kind, g.leader_id, g.parent_id) for g in members]
        out.update(sel.meet_strips(refs, term, th.at("GROUP.MEET", members[0].school.path) or 2,
                                   timezone.localdate()))
    return out


def _out(g: TeachingGroup, strip: Strip | None) -> GroupOut:
    return GroupOut(id=g.pk, school=g.school.code, school_name=g.school.name, term=g.term_key, kind=g.kind,
                    name=g.name, leader=g.leader.code if g.leader else None,
                    met=strip.met if strip else 0, missed=strip.missed if strip else 0)


@router.get("/groups", response=Page[GroupOut], url_name="research_group_list", summary="教研组列表（含两周集中教研）")
def group_list(request: HttpRequest, filters: Query[GroupQuery]) -> Page[GroupOut]:
    user = current_user(request)
    qs = groups_visible_to(user).filter(kind=filters.kind)
    if filters.school:
        school = get_group_school_for_user(user, filters.school)
        qs = qs.filter(school=school)
        if not filters.term:
            term = current_term(school)
            qs = qs.filter(term_key=term.key if term else "")
    if filters.term:
        qs = qs.filter(term_key=filters.term)
    qs = qs.order_by("school__path", "term_key", "name")
    # One strip computation per page (paginate renders row by row, which would read each
    # group's activities on its own).
    rows = list(qs[filters.offset: filters.offset + filters.limit])
    strips = _strips(rows)
    return Page(count=qs.count(), limit=filters.limit, offset=filters.offset,
                items=[_out(g, strips.get(g.pk)) for g in rows])


def _detail(user: AnyUser, g: TeachingGroup) -> GroupDetail:
    strip = _strips([g]).get(g.pk)
    term = term_by_key(g.school, g.term_key)
    same = {"group__school": g.school, "group__name": g.name}
    plans = [PlanOut(id=p.pk, kind=p.kind, title=p.title, period=p.period_text, has_file=bool(p.file))
             for p in plans_visible_to(user).filter(**same)]
    journals = [JournalOut(id=j.pk, year=j.year, title=j.title, kind=j.kind)
                for j in journals_visible_to(user).filter(
                    **same, **({"year": term.school_year} if term else {}))]
    fortnights = [FortnightOut(number=f.number, start=f.start, end=f.end, state=f.state, activities=f.activities,
                               periods=f.periods) for f in (strip.fortnights if strip else ())]
    return GroupDetail(**_out(g, strip).model_dump(), fortnights=fortnights, plans=plans, journals=journals)


@router.get("/groups/{group_id}", response=GroupDetail, url_name="research_group_detail", summary="教研组详情")
def group_detail(request: HttpRequest, group_id: int) -> GroupDetail:
    user = current_user(request)
    return _detail(user, get_teaching_group_for_user(user, group_id))


class PlanIn(Schema):
    kind: PlanKind = Field(title="类别", description="development 发展规划 / semester 学期活动计划")
    title: str = Field(min_length=1, max_length=120, title="标题")
    text: str = Field(min_length=1, max_length=20000, title="内容")
    start_year: int | None = Field(None, ge=2000, le=2100, title="起始学年（发展规划）")
    years: int | None = Field(None, title="规划年限（3 或 5，发展规划）")


@router.post("/groups/{group_id}/plans", response={201: GroupDetail}, url_name="research_group_plans",
             summary="填写发展规划或学期活动计划")
def plan_create(request: HttpRequest, group_id: int, payload: PlanIn) -> Status[GroupDetail]:
    user = current_user(request)
    group = get_teaching_group_for_user(user, group_id, write=True)
    try:
        services.plan_save(actor=user, group=group, kind=payload.kind, title=payload.title, text=payload.text,
                           start_year=payload.start_year, years=payload.years)
    except GroupError as exc:
        raise FieldError(exc.field or "payload", exc.message) from exc
    return Status(201, _detail(user, group))


class JournalIn(Schema):
    title: str = Field(min_length=1, max_length=80, title="报刊名称")
    kind: JournalKind = Field(JournalKind.JOURNAL, title="类别")
    year: int = Field(ge=2000, le=2100, title="学年（起始年）")


@router.post("/groups/{group_id}/journals", response={201: GroupDetail}, url_name="research_group_journals",
             summary="登记报刊订阅")
def journal_create(request: HttpRequest, group_id: int, payload: JournalIn) -> Status[GroupDetail]:
    user = current_user(request)
    group = get_teaching_group_for_user(user, group_id, write=True)
    try:
        services.journal_add(actor=user, group=group, year=payload.year, title=payload.title, kind=payload.kind)
    except GroupError as exc:
        raise FieldError(exc.field or "payload", exc.message) from exc
    return Status(201, _detail(user, group))


class JointGroupOut(Schema):
    id: int
    name: str
    region: str = Field(title="所属区域代码")
    region_name: str
    subject: str | None = None
    stage: str
    lead_school: str | None = Field(None, title="牵头学校代码")
    schools: list[str] = Field(title="成员学校代码")


def _joint(jg: JointGroup) -> JointGroupOut:
    return JointGroupOut(id=jg.pk, name=jg.name, region=jg.region.code, region_name=jg.region.name,
                         subject=jg.subject.code if jg.subject else None, stage=jg.stage,
                         lead_school=jg.lead_school.code if jg.lead_school else None,
                         schools=sorted(s.code for s in jg.schools.all()))


@router.get("/joint-groups", response=Page[JointGroupOut], url_name="research_joint_group_list", summary="联组列表")
def joint_group_list(request: HttpRequest, filters: Query[PageQuery]) -> Page[JointGroupOut]:
    user = current_user(request)
    qs = joint_groups_visible_to(user).prefetch_related("schools").order_by("region__path", "name")
    return paginate(qs, filters, _joint)


@router.get("/joint-groups/{jg_id}", response=JointGroupOut, url_name="research_joint_group_detail",
            summary="联组详情")
def joint_group_detail(request: HttpRequest, jg_id: int) -> JointGroupOut:
    return _joint(get_joint_group_for_user(current_user(request), jg_id))

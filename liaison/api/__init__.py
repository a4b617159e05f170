"""JSON API of the liaison app, under the same access policy as the pages (liaison.access).
Mounted by the main API at /api/v1/liaison/; url names start with "liaison_".

Rounds (list, one with its phases), links (list, optionally of one round; one with its on-site
days and tasks), logging an on-site day and ticking a task (the researcher's phone or another
system), and the optimiser's proposal for a round (read only: the page writes it)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from core.models import Subject
from liaison import optimiser, proposals
from liaison.access import get_link_for_user, get_round_for_user, links_visible_to, rounds_visible_to
from liaison.errors import LiaisonError
from liaison.models import DayPortion, Link, LinkStatus, OnsiteDay, Round, RoundStatus, Task, TaskCheck
from liaison.services import links as services

router = Router(tags=["定点联系"])


class RoundOut(Schema):
    id: int
    title: str
    institution: str = Field(title="组织单位代码")
    institution_name: str
    start_year: int = Field(title="起始年份")
    status: RoundStatus


class PhaseOut(Schema):
    phase: str = Field(description="preparation 准备 / implementation 落实 / summary 总结")
    start: dt.date
    end: dt.date


class RoundDetail(RoundOut):
    phases: list[PhaseOut]
    links: int = Field(title="可见的联系数")


def _round(r: Round) -> RoundOut:
    return RoundOut(id=r.pk, title=r.title, institution=r.institution.code, institution_name=r.institution_label,
                    start_year=r.start_year, status=RoundStatus(r.status))


@router.get("/rounds", response=Page[RoundOut], url_name="liaison_round_list", summary="定点联系轮次")
def round_list(request: HttpRequest, filters: Query[PageQuery]) -> Page[RoundOut]:
    user = current_user(request)
    return paginate(rounds_visible_to(user).order_by("-start_year", "id"), filters, _round)


@router.get("/rounds/{round_id}", response=RoundDetail, url_name="liaison_round_detail", summary="轮次详情")
def round_detail(request: HttpRequest, round_id: int) -> RoundDetail:
    user = current_user(request)
    r = get_round_for_user(user, round_id)
    phases = [PhaseOut(phase="preparation", start=r.prep_start, end=r.prep_end),
              PhaseOut(phase="implementation", start=r.impl_start, end=r.impl_end),
              PhaseOut(phase="summary", start=r.summary_start, end=r.summary_end)]
    return RoundDetail(**_round(r).model_dump(), phases=phases,
                       links=links_visible_to(user).filter(round=r).count())


class LinkOut(Schema):
    id: int
    round: int
    person: str = Field(title="联系人编号")
    name: str
    kind: str = Field(description="researcher 教研员 / backbone 骨干教师")
    school: str = Field(title="联系学校代码")
    school_name: str
    subjects: list[str]
    stage: str
    status: LinkStatus
    reason: str


class DayOut(Schema):
    id: int
    date: dt.date
    portion: DayPortion
    work: str
    other_refs: str


class TaskOut(Schema):
    task: int = Field(description="002 四的九项任务，1—9")
    label: str
    done: bool
    evidence: str


class LinkDetail(LinkOut):
    days: list[DayOut]
    tasks: list[TaskOut]


def _link(lk: Link) -> LinkOut:
    return LinkOut(id=lk.pk, round=lk.round_id, person=lk.person.code, name=lk.person.name, kind=lk.kind,
                   school=lk.school.code, school_name=lk.school.name, subjects=[s.code for s in lk.subjects.all()],
                   stage=lk.stage, status=LinkStatus(lk.status), reason=lk.reason)


def _link_detail(lk: Link) -> LinkDetail:
    checks = {c.task: c for c in TaskCheck.objects.filter(link=lk)}
    return LinkDetail(
        **_link(lk).model_dump(),
        days=[DayOut(id=d.pk, date=d.date, portion=DayPortion(d.portion), work=d.work, other_refs=d.other_refs)
              for d in OnsiteDay.objects.filter(link=lk)],
        tasks=[TaskOut(task=t.value, label=t.label, done=bool(checks[t.value].done) if t.value in checks else False,
                       evidence=checks[t.value].evidence if t.value in checks else "") for t in Task])


class LinkQuery(PageQuery):
    round: int | None = Field(None, title="轮次")
    mine: bool = Field(False, title="只看我联系的")


@router.get("/links", response=Page[LinkOut], url_name="liaison_link_list", summary="定点联系")
def link_list(request: HttpRequest, filters: Query[LinkQuery]) -> Page[LinkOut]:
    user = current_user(request)
    qs = links_visible_to(user).prefetch_related("subjects")
    if filters.round is not None:
        qs = qs.filter(round_id=filters.round)
    if filters.mine:
        qs = qs.filter(person_id=user.person_id) if user.person_id else qs.none()
    return paginate(qs.order_by("round_id", "id"), filters, _link)


@router.get("/links/{link_id}", response=LinkDetail, url_name="liaison_link_detail", summary="定点联系详情")
def link_detail(request: HttpRequest, link_id: int) -> LinkDetail:
    return _link_detail(get_link_for_user(current_user(request), link_id))


class DayIn(Schema):
    date: dt.date = Field(title="日期")
    portion: DayPortion = Field(DayPortion.FULL, title="时长")
    work: str = Field(min_length=1, max_length=5000, title="工作内容")
    other_refs: str = Field("", max_length=300, title="其他关联记录")
    client_uuid: str = Field("", max_length=36, title="客户端编号", description="同一编号重复提交只记一次")


@router.post("/links/{link_id}/days", response={201: DayOut}, url_name="liaison_day_create", summary="记录驻校工作")
def day_create(request: HttpRequest, link_id: int, payload: DayIn) -> Status[DayOut]:
    user = current_user(request)
    link = get_link_for_user(user, link_id, write=True)
    try:
        day = services.onsite_day_log(actor=user, link=link, date=payload.date, portion=payload.portion,
                                      work=payload.work, other_refs=payload.other_refs,
                                      client_uuid=payload.client_uuid)
    except LiaisonError as exc:
        raise FieldError(exc.field or "payload", exc.message) from exc
    return Status(201, DayOut(id=day.pk, date=day.date, portion=DayPortion(day.portion), work=day.work,
                              other_refs=day.other_refs))


class TaskIn(Schema):
    done: bool = Field(title="已完成")
    evidence: str = Field("", max_length=5000, title="佐证材料")


@router.put("/links/{link_id}/tasks/{task}", response=TaskOut, url_name="liaison_task_check", summary="工作任务")
def task_put(request: HttpRequest, link_id: int, task: int, payload: TaskIn) -> TaskOut:
    user = current_user(request)
    link = get_link_for_user(user, link_id, write=True)
    try:
        check = services.task_check(actor=user, link=link, task=task, done=payload.done, evidence=payload.evidence)
    except LiaisonError as exc:
        raise FieldError(exc.field or "payload", exc.message) from exc
    return TaskOut(task=check.task, label=Task(check.task).label, done=check.done, evidence=check.evidence)


class ProposedOut(Schema):
    person: str = Field(title="联系人编号")
    school: str = Field(title="学校代码")
    subject: str
    stage: str
    km: float = Field(title="距离（公里）")
    reason: str


class GapOut(Schema):
    code: str
    name: str
    reason: str


class ProposalOut(Schema):
    links: list[ProposedOut]
    uncovered: list[GapOut] = Field(title="未能覆盖的学校")
    idle: list[GapOut] = Field(title="未分配学校的联系人")
    stats: dict[str, float]


@router.get("/rounds/{round_id}/proposal", response=ProposalOut, url_name="liaison_round_proposal",
            summary="智能分配建议（只读）")
def round_proposal(request: HttpRequest, round_id: int) -> ProposalOut:
    user = current_user(request)
    r = get_round_for_user(user, round_id, write=True)
    cands = proposals.candidates(user, r)
    names = {s.code: s.name for s in Subject.objects.all()}
    p = optimiser.optimise(cands.linkers, cands.specs, subject_names=names)
    return ProposalOut(
        links=[ProposedOut(person=cands.people[x.linker_id].code, school=cands.schools[x.school_id].code,
                           subject=x.subject, stage=x.stage, km=x.km, reason=x.reason) for x in p.links],
        uncovered=[GapOut(code=cands.schools[sid].code, name=cands.schools[sid].name, reason=why)
                   for sid, why in p.uncovered],
        idle=[GapOut(code=cands.people[pid].code, name=cands.people[pid].name, reason=why) for pid, why in p.idle],
        stats=p.stats(cands.specs))

"""Visits API: the records made on site (routine-check items, notes, photos, questionnaires) and
leaders' walkthroughs, under visits.access as the pages are. A phone app or a school's own
system sends records with a `client_uuid`: sent again (a dropped connection), the same record is
updated, not duplicated — as the pages' offline queue does. Url names start with "visits_onsite_"
and "visits_walkthrough_"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from core.access import scope_of
from core.errors import DomainError
from core.models import OrgNode, Person, Subject
from visits import access
from visits.models import CheckItem, CheckLevel, CheckRecord, NoteKind, Visit, VisitNote, Walkthrough
from visits.services import onsite as svc

router = Router()


class CheckOut(Schema):
    id: int
    client_uuid: str
    school: str = Field(description="学校标识码")
    item: str
    item_label: str
    date: dt.date
    teacher: str | None = Field(None, description="教师编号")
    subject: str | None
    class_name: str
    sample_count: int
    level: str
    strengths: str
    problems: str
    checker: str


class NoteOut(Schema):
    id: int
    client_uuid: str
    school: str
    kind: str
    kind_label: str
    date: dt.date
    title: str
    text: str
    author: str


class QuestionnaireOut(Schema):
    id: int
    school: str
    audience: str
    title: str
    responses: int = Field(description="已收答卷数")


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    school: str | None


class OnsiteOut(Schema):
    visit: int
    checks: list[CheckOut]
    notes: list[NoteOut]
    questionnaires: list[QuestionnaireOut]
    attachments: list[AttachmentOut]


class CheckIn(Schema):
    client_uuid: str = Field("", max_length=36, description="客户端生成的编号；重发时更新同一条记录")
    school: str = Field(description="学校标识码")
    item: CheckItem
    date: dt.date
    teacher: str | None = Field(None, description="教师编号")
    subject: str | None = Field(None, description="学科代码")
    class_name: str = Field("", max_length=20)
    sample_count: int = 1
    level: CheckLevel | None = None
    strengths: str = ""
    problems: str = ""


class NoteIn(Schema):
    client_uuid: str = Field("", max_length=36, description="客户端生成的编号；重发时更新同一条记录")
    school: str = Field(description="学校标识码")
    kind: NoteKind = NoteKind.OTHER
    date: dt.date
    title: str = Field("", max_length=120)
    text: str


class WalkthroughOut(Schema):
    id: int
    client_uuid: str
    school: str
    leader: str
    leader_name: str
    date: dt.date
    period: int | None
    grade: int | None
    class_name: str
    subject: str | None
    teacher: str | None
    seen: str
    has_problem: bool


class WalkthroughIn(Schema):
    client_uuid: str = Field("", max_length=36, description="客户端生成的编号；重发时更新同一条记录")
    school: str = Field(description="学校标识码")
    date: dt.date
    period: int | None = None
    grade: int | None = None
    class_name: str = Field("", max_length=20)
    subject: str | None = Field(None, description="学科代码")
    teacher: str | None = Field(None, description="任课教师编号")
    seen: str
    has_problem: bool = False


class WalkthroughQuery(PageQuery):
    school: str | None = Field(None, title="学校标识码")
    since: dt.date | None = Field(None, title="起始日期")
    problems_only: bool = Field(False, title="只看发现问题的")


def _check_out(c: CheckRecord) -> CheckOut:
    return CheckOut(id=c.pk, client_uuid=c.client_uuid, school=c.school.code, item=c.item,
                    item_label=c.get_item_display(), date=c.date, teacher=c.teacher.code if c.teacher else None,
                    subject=c.subject.code if c.subject else None, class_name=c.class_name,
                    sample_count=c.sample_count, level=c.level, strengths=c.strengths, problems=c.problems,
                    checker=c.checker.code)


def _note_out(n: VisitNote) -> NoteOut:
    return NoteOut(id=n.pk, client_uuid=n.client_uuid, school=n.school.code, kind=n.kind,
                   kind_label=n.get_kind_display(), date=n.date, title=n.title, text=n.text, author=n.author.code)


def _walk_out(w: Walkthrough) -> WalkthroughOut:
    return WalkthroughOut(id=w.pk, client_uuid=w.client_uuid, school=w.school.code, leader=w.leader.code,
                          leader_name=w.leader.name, date=w.date, period=w.period, grade=w.grade,
                          class_name=w.class_name, subject=w.subject.code if w.subject else None,
                          teacher=w.teacher.code if w.teacher else None, seen=w.seen, has_problem=w.has_problem)


def _readable_visit(request: HttpRequest, visit_id: int) -> Visit:
    user = current_user(request)
    visit = access.get_visit_for_user(user, visit_id)
    if not access.can_read_onsite(user, visit):
        raise Http404("没有找到该视导")
    return visit


def _recording_visit(request: HttpRequest, visit_id: int) -> Visit:
    user = current_user(request)
    visit = access.get_visit_for_recording(user, visit_id)
    if scope_of(user).person_id is None:
        # Records carry their recorder; an account without a person record (a bare system
        # admin) reads them but records none.
        raise HttpError(403, "该账号没有对应的人员档案，不能提交现场记录")
    return visit


def _school(visit: Visit, code: str) -> OrgNode:
    school = next((s for s in svc.visit_schools(visit) if s.code == code), None)
    if school is None:
        raise FieldError("school", f"学校：{code} 不是这次视导的学校")
    return school


def _person(code: str | None, field: str) -> Person | None:
    if not code:
        return None
    person = Person.objects.filter(code=code).first()
    if person is None:
        raise FieldError(field, f"教师：没有编号为 {code} 的教师")
    return person


def _subject(code: str | None) -> Subject | None:
    if not code:
        return None
    subject = Subject.objects.filter(code=code).first()
    if subject is None:
        raise FieldError("subject", f"学科：没有代码为 {code} 的学科")
    return subject


def _saved(save: Any, field: str) -> Any:
    try:
        return save()
    except DomainError as exc:
        raise FieldError(exc.field or field, exc.message) from exc


@router.get("/visits/{visit_id}/onsite", response=OnsiteOut, url_name="visits_onsite_detail",
            summary="一次视导的现场记录（检查、记录、问卷、照片）")
def onsite_detail(request: HttpRequest, visit_id: int) -> OnsiteOut:
    visit = _readable_visit(request, visit_id)
    checks = visit.check_records.select_related("school", "teacher", "subject", "checker")
    notes = visit.notes.select_related("school", "author")
    qns = visit.questionnaires.select_related("school").annotate(n=Count("responses"))
    files = visit.attachments.select_related("school")
    return OnsiteOut(
        visit=visit.pk, checks=[_check_out(c) for c in checks], notes=[_note_out(n) for n in notes],
        questionnaires=[QuestionnaireOut(id=q.pk, school=q.school.code, audience=q.audience, title=q.title,
                                         responses=q.n) for q in qns],
        attachments=[AttachmentOut(id=a.pk, name=a.original_name, kind=a.content_kind, size=a.size,
                                   school=a.school.code if a.school else None) for a in files])


@router.post("/visits/{visit_id}/onsite/checks", response={201: CheckOut}, url_name="visits_onsite_check_save",
             summary="记录（或按 client_uuid 更新）一项常规检查")
def check_save(request: HttpRequest, visit_id: int, payload: CheckIn) -> Status[CheckOut]:
    user = current_user(request)
    visit = _recording_visit(request, visit_id)
    data = svc.CheckData(school=_school(visit, payload.school), item=payload.item, date=payload.date,
                         teacher=_person(payload.teacher, "teacher"), subject=_subject(payload.subject),
                         class_name=payload.class_name, sample_count=payload.sample_count,
                         level=payload.level or "", strengths=payload.strengths, problems=payload.problems,
                         client_uuid=payload.client_uuid)
    record = _saved(lambda: svc.check_record_save(actor=user, visit=visit, data=data), "item")
    return Status(201, _check_out(record))


@router.post("/visits/{visit_id}/onsite/notes", response={201: NoteOut}, url_name="visits_onsite_note_save",
             summary="记录（或按 client_uuid 更新）座谈、查阅或反馈记录")
def note_save(request: HttpRequest, visit_id: int, payload: NoteIn) -> Status[NoteOut]:
    user = current_user(request)
    visit = _recording_visit(request, visit_id)
    data = svc.NoteData(school=_school(visit, payload.school), date=payload.date, kind=payload.kind,
                        title=payload.title, text=payload.text, client_uuid=payload.client_uuid)
    note = _saved(lambda: svc.note_save(actor=user, visit=visit, data=data), "text")
    return Status(201, _note_out(note))


@router.get("/walkthroughs", response=Page[WalkthroughOut], url_name="visits_walkthrough_list", summary="巡课记录列表")
def walkthrough_list(request: HttpRequest, filters: Query[WalkthroughQuery]) -> Page[WalkthroughOut]:
    qs = access.walkthroughs_visible_to(current_user(request)).select_related("school", "leader", "subject",
                                                                              "teacher")
    if filters.school:
        qs = qs.filter(school__code=filters.school)
    if filters.since:
        qs = qs.filter(date__gte=filters.since)
    if filters.problems_only:
        qs = qs.filter(has_problem=True)
    return paginate(qs.order_by("-date", "-id"), filters, _walk_out)


@router.post("/walkthroughs", response={201: WalkthroughOut}, url_name="visits_walkthrough_list",
             summary="记录（或按 client_uuid 更新）本人的一次巡课")
def walkthrough_save(request: HttpRequest, payload: WalkthroughIn) -> Status[WalkthroughOut]:
    user = current_user(request)
    scope = scope_of(user)
    schools = access.walkthrough_schools(user)
    school = next((s for s in schools if s.code == payload.school), None)
    if school is None or scope.person_id is None:
        # Not a leader of that school: refused as the page is (403), with the school named.
        raise HttpError(403, f"你不是学校 {payload.school} 的校级领导或中层干部，不能记录该校的巡课")
    leader = Person.objects.get(pk=scope.person_id)
    data = svc.WalkthroughData(school=school, date=payload.date, period=payload.period, grade=payload.grade,
                               class_name=payload.class_name, subject=_subject(payload.subject),
                               teacher=_person(payload.teacher, "teacher"), seen=payload.seen,
                               has_problem=payload.has_problem, client_uuid=payload.client_uuid)
    wt = _saved(lambda: svc.walkthrough_save(actor=user, leader=leader, data=data), "seen")
    return Status(201, _walk_out(wt))

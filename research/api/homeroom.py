"""JSON API of homeroom meetings: the classes a user sees with their three HOMEROOM norms, one
class with its meetings, and recording a meeting (the homeroom teacher or a school manager)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery
from core.access import home_node
from core.models import OrgNode, Term
from core.terms import current_term, term_by_key
from research import access
from research.homeroom_selectors import ClassNorms, class_norms, homeroom_classes
from research.models.homeroom import HomeroomMeeting, MeetingKind
from research.services import homeroom as svc

router = Router()


class NormOut(Schema):
    meets: bool
    detail: str


class ClassOut(Schema):
    id: int = Field(title="班级（班主任岗位）id")
    label: str
    school: str = Field(title="学校代码")
    homeroom_teacher: str = Field(title="班主任编号")
    parents: NormOut = Field(title="HOMEROOM.PARENTS")
    students: NormOut = Field(title="HOMEROOM.STUDENTS")
    teachers: NormOut = Field(title="HOMEROOM.TEACHERS")


class MeetingOut(Schema):
    id: int
    kind: str = Field(description="parents 家长会 / student_forum 学生座谈会 / teachers_joint 科任教师联席会")
    held_on: dt.date
    attendance: int
    topic: str
    notes: str


class ClassDetail(ClassOut):
    term: str
    meetings: list[MeetingOut]


def _out(n: ClassNorms) -> ClassOut:
    return ClassOut(id=n.post.pk, label=n.label, school=n.post.org.code, homeroom_teacher=n.post.person.code,
                    parents=NormOut(meets=n.parents.meets, detail=n.parents.detail),
                    students=NormOut(meets=n.students.meets, detail=n.students.detail),
                    teachers=NormOut(meets=n.teachers.meets, detail=n.teachers.detail))


def _meeting(m: HomeroomMeeting) -> MeetingOut:
    return MeetingOut(id=m.pk, kind=m.kind, held_on=m.held_on, attendance=m.attendance, topic=m.topic, notes=m.notes)


class ClassQuery(PageQuery):
    term: str = Field("", max_length=8, title="学期", description="如 2025-2；省略为当前学期")
    school: str = Field("", max_length=16, title="学校代码")


def _term(node: OrgNode, key: str) -> Term:
    term = term_by_key(node, key) if key else current_term(node)
    if term is None:
        raise FieldError("term", f"学期：没有学期 {key}")
    return term


@router.get("/homeroom/classes", response=Page[ClassOut], url_name="research_homeroom_class_list",
            summary="班级会议（班级及三项规范）")
def class_list(request: HttpRequest, filters: Query[ClassQuery]) -> Page[ClassOut]:
    user = current_user(request)
    node = home_node(user)
    if node is None:
        return Page(count=0, limit=filters.limit, offset=filters.offset, items=[])
    term = _term(node, filters.term)
    posts = homeroom_classes(user, term, filters.school)
    # The norms of the page's classes only, from one query of their meetings.
    page = class_norms(posts[filters.offset: filters.offset + filters.limit], term)
    return Page(count=len(posts), limit=filters.limit, offset=filters.offset, items=[_out(n) for n in page])


@router.get("/homeroom/classes/{post_id}", response=ClassDetail, url_name="research_homeroom_class_detail",
            summary="班级会议记录")
def class_detail(request: HttpRequest, post_id: int, term: str = "") -> ClassDetail:
    user = current_user(request)
    post = access.get_homeroom_for_user(user, post_id)
    t = _term(post.org, term)
    n = class_norms([post], t)[0]
    meetings = [_meeting(m) for m in HomeroomMeeting.objects.filter(homeroom=post).order_by("-held_on", "-id")[:200]]
    return ClassDetail(**_out(n).model_dump(), term=t.key, meetings=meetings)


class MeetingIn(Schema):
    kind: MeetingKind = Field(title="类别")
    held_on: dt.date = Field(title="日期")
    attendance: int = Field(ge=1, le=svc.ATTENDANCE_LIMIT, title="出席人数")
    topic: str = Field("", max_length=120, title="主题")
    notes: str = Field("", max_length=8000, title="记录")


@router.post("/homeroom/classes/{post_id}/meetings", response={201: MeetingOut},
             url_name="research_homeroom_meeting_create", summary="记录班级会议")
def meeting_create(request: HttpRequest, post_id: int, payload: MeetingIn) -> Status[MeetingOut]:
    user = current_user(request)
    post = access.get_homeroom_for_user(user, post_id, write=True)
    try:
        m = svc.homeroom_meeting_record(actor=user, homeroom=post, kind=payload.kind, held_on=payload.held_on,
                                        attendance=payload.attendance, topic=payload.topic, notes=payload.notes)
    except svc.HomeroomError as exc:
        raise FieldError(exc.field or "payload", exc.message) from exc
    return Status(201, _meeting(m))

"""Research activities API: the activities a user sees (paginated, filtered as the list page),
one activity with its participants and outcomes, a new activity (the plan form's rules:
research.services.activities), and the user's own calendar."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from core.access import AnyUser, get_node_for_user, people_visible_to
from core.models import Level, Subject
from core.terms import term_by_key
from research.access import can_manage_activity, can_organise_activity_at, get_activity_for_user
from research.activity_selectors import ActivityFilter, activity_list, person_calendar
from research.models import Activity, ActivityForm, ActivityStatus
from research.services import activities as services

router = Router()


class ActivityOut(Schema):
    id: int
    title: str
    form: str = Field(description="活动形式，如 regional 区域教研、group 教研组活动")
    level: str
    status: str
    organiser: str = Field(title="组织单位代码")
    organiser_name: str
    subject: str | None = Field(None, title="学科代码")
    stage: str
    term: str = Field(title="学期", description="如 2026-1")
    start: dt.datetime
    end: dt.datetime
    periods: int
    place: str
    online_url: str
    host: str | None = Field(None, title="主持人编号")


class ParticipantOut(Schema):
    person: str = Field(title="人员编号")
    name: str
    role: str
    invited: bool
    attendance: str
    signed_at: dt.datetime | None


class OutcomeOut(Schema):
    kind: str
    title: str
    text: str
    has_file: bool


class ActivityDetail(ActivityOut):
    theme: str
    plan: str
    participants: list[ParticipantOut]
    outcomes: list[OutcomeOut]


def _out(a: Activity) -> ActivityOut:
    return ActivityOut(id=a.pk, title=a.title, form=a.form, level=a.level, status=a.status,
                       organiser=a.organiser.code, organiser_name=a.organiser.institute_name or a.organiser.name,
                       subject=a.subject.code if a.subject else None, stage=a.stage, term=a.term.key, start=a.start,
                       end=a.end, periods=a.periods, place=a.place, online_url=a.online_url,
                       host=a.host.code if a.host else None)


def _detail(user: AnyUser, a: Activity) -> ActivityDetail:
    """The activity with its participants (the organiser's side sees all of them, a participant
    the ones the user may see as people) and outcomes."""
    parts = a.participants.select_related("person").order_by("role", "person__pinyin")
    if not can_manage_activity(user, a):
        parts = parts.filter(person__in=people_visible_to(user))
    return ActivityDetail(
        **_out(a).model_dump(), theme=a.theme, plan=a.plan,
        participants=[ParticipantOut(person=p.person.code, name=p.person.name, role=p.role, invited=p.invited,
                                     attendance=p.attendance, signed_at=p.signed_at) for p in parts],
        outcomes=[OutcomeOut(kind=o.kind, title=o.title, text=o.text, has_file=bool(o.file))
                  for o in a.outcomes.all()])


class ActivityQuery(PageQuery):
    form: ActivityForm | None = Field(None, title="活动形式")
    level: Level | None = Field(None, title="级别")
    subject: str | None = Field(None, title="学科代码")
    term: str | None = Field(None, title="学期", description="如 2026-1")
    status: ActivityStatus | None = Field(None, title="状态")
    mine: bool = Field(False, title="只看我参加的")


@router.get("/activities", response=Page[ActivityOut], url_name="research_activity_list", summary="教研活动列表")
def activity_list_api(request: HttpRequest, filters: Query[ActivityQuery]) -> Page[ActivityOut]:
    user = current_user(request)
    subject_id = None
    if filters.subject:
        subject = Subject.objects.filter(code=filters.subject).first()
        subject_id = subject.pk if subject else 0
    qs = activity_list(user, ActivityFilter(form=filters.form or "", level=filters.level or "",
                                            subject_id=subject_id, status=filters.status or "", mine=filters.mine))
    if filters.term:
        year, _, sem = filters.term.partition("-")
        qs = qs.filter(term__school_year=int(year) if year.isdigit() else 0,
                       term__semester=int(sem) if sem.isdigit() else 0)
    return paginate(qs, filters, _out)


@router.get("/activities/{activity_id}", response=ActivityDetail, url_name="research_activity_detail",
            summary="教研活动详情")
def activity_detail_api(request: HttpRequest, activity_id: int) -> ActivityDetail:
    user = current_user(request)
    return _detail(user, get_activity_for_user(user, activity_id))


class ActivityIn(Schema):
    organiser: str = Field(min_length=1, max_length=16, title="组织单位代码")
    form: ActivityForm = Field(title="活动形式")
    level: Level = Field(title="级别")
    term: str = Field(pattern=r"^\d{4}-\d$", title="学期", description="如 2026-1")
    title: str = Field(min_length=1, max_length=120, title="名称")
    theme: str = Field("", max_length=200, title="主题")
    plan: str = Field("", max_length=50000, title="活动方案")
    subject: str | None = Field(None, max_length=32, title="学科代码")
    stage: str = Field("", max_length=10, title="学段")
    start: dt.datetime = Field(title="开始时间", description="带时区，如 2026-11-04T14:00:00+08:00")
    end: dt.datetime = Field(title="结束时间")
    periods: int = Field(2, ge=1, le=40, title="课时")
    place: str = Field("", max_length=120, title="地点")
    online_url: str = Field("", max_length=200, title="线上链接")
    host: str | None = Field(None, max_length=32, title="主持人编号")


@router.post("/activities", response={201: ActivityDetail}, url_name="research_activity_list", summary="新建教研活动")
def activity_create_api(request: HttpRequest, payload: ActivityIn) -> Status[ActivityDetail]:
    user = current_user(request)
    organiser = get_node_for_user(user, payload.organiser)
    if not can_organise_activity_at(user, organiser):
        raise HttpError(403, f"您不能以{organiser.name}的名义组织教研活动")
    term = term_by_key(organiser, payload.term)
    if term is None:
        raise FieldError("term", f"学期：{organiser.name}没有学期 {payload.term}")
    subject = None
    if payload.subject:
        subject = Subject.objects.filter(code=payload.subject).first()
        if subject is None:
            raise FieldError("subject", f"学科：没有学科 {payload.subject}")
    host = None
    if payload.host:
        host = people_visible_to(user).filter(code=payload.host, is_active=True).first()
        if host is None:
            raise FieldError("host", f"主持人：没有找到人员 {payload.host}")
    data = services.ActivityData(
        form=payload.form, level=payload.level, term=term, title=payload.title, start=payload.start, end=payload.end,
        theme=payload.theme, plan=payload.plan, subject=subject, stage=payload.stage, periods=payload.periods,
        place=payload.place, online_url=payload.online_url, host=host)
    try:
        activity = services.activity_create(actor=user, organiser=organiser, data=data)
    except services.ActivityError as exc:
        raise FieldError(exc.field or "payload", exc.message) from exc
    return Status(201, _detail(user, get_activity_for_user(user, activity.pk)))


class CalendarEntryOut(ActivityOut):
    attendance: str = Field(title="我的出勤")
    visit_clash: str = Field(title="同日的视导", description="空：没有冲突")


class CalendarQuery(Schema):
    start: dt.date = Field(title="开始日期")
    end: dt.date = Field(title="结束日期（不含）")


@router.get("/calendar", response=list[CalendarEntryOut], url_name="research_calendar", summary="我的教研日历")
def calendar_api(request: HttpRequest, q: Query[CalendarQuery]) -> list[CalendarEntryOut]:
    user = current_user(request)
    if q.end <= q.start or (q.end - q.start).days > 400:
        raise FieldError("end", "结束日期须晚于开始日期，且跨度不超过400天")
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(q.start, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(q.end, dt.time(), tzinfo=tz)
    return [CalendarEntryOut(**_out(e.activity).model_dump(), attendance=e.attendance, visit_clash=e.clash)
            for e in person_calendar(user, start, end)]

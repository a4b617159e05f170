"""JSON API of the growth app, under the same access policy as the pages (growth.access).
Mounted by the main API at /api/v1/growth/; url names start with "growth_"."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from api.schemas import PersonRef, person_ref
from core.access import get_node_for_user, home_node
from core.errors import DomainError
from core.models import Level
from core.terms import current_term
from growth import access, selectors
from growth.models import Award, Studio, TalentProgramme, TrainingRecord
from growth.services import records

router = Router(tags=["专业成长"])


class TrainingOut(Schema):
    id: int
    person: PersonRef
    course: str
    provider: str
    level: str
    level_label: str
    hours: float
    start: dt.date
    end: dt.date
    certificate_no: str
    source: str


class TrainingQuery(PageQuery):
    year: int | None = Field(None, title="年度（按结束日期）", ge=2000, le=2100)
    person: str | None = Field(None, title="人员编号")


class TrainingIn(Schema):
    person: str = Field(..., title="人员编号", max_length=32)
    course: str = Field(..., title="培训项目", max_length=120)
    provider: str = Field(..., title="培训机构", max_length=100)
    level: Level = Field(..., title="级别")
    hours: float = Field(..., title="学时")
    start: dt.date = Field(..., title="开始日期")
    end: dt.date = Field(..., title="结束日期")
    certificate_no: str = Field("", title="证书编号", max_length=60)


def _training(t: TrainingRecord) -> TrainingOut:
    return TrainingOut(id=t.pk, person=person_ref(t.person), course=t.course, provider=t.provider, level=t.level,
                       level_label=t.get_level_display(), hours=float(t.hours), start=t.start, end=t.end,
                       certificate_no=t.certificate_no, source=t.source)


@router.get("/trainings", response=Page[TrainingOut], url_name="growth_training_list", summary="培训记录列表")
def training_list(request: HttpRequest, filters: Query[TrainingQuery]) -> Page[TrainingOut]:
    qs = access.trainings_visible_to(current_user(request))
    if filters.year is not None:
        qs = qs.filter(end__year=filters.year)
    if filters.person:
        qs = qs.filter(person__code=filters.person)
    return paginate(qs.order_by("-end", "-id"), filters, _training)


@router.get("/trainings/{training_id}", response=TrainingOut, url_name="growth_training_detail",
            summary="一条培训记录")
def training_detail(request: HttpRequest, training_id: int) -> TrainingOut:
    return _training(access.get_training_for_user(current_user(request), training_id))


@router.post("/trainings", response={201: TrainingOut}, url_name="growth_training_create", summary="登记培训")
def training_create(request: HttpRequest, payload: TrainingIn) -> Status[TrainingOut]:
    user = current_user(request)
    person = access.recordable_people(user).filter(code=payload.person.strip().upper()).select_related("org").first()
    if person is None:
        raise Http404("没有找到该人员")
    try:
        record = records.training_record(actor=user, person=person, course=payload.course,
                                         provider=payload.provider, level=payload.level, hours=str(payload.hours),
                                         start=payload.start, end=payload.end,
                                         certificate_no=payload.certificate_no)
    except DomainError as exc:
        raise FieldError(exc.field or "course", exc.message) from exc
    return Status(201, _training(access.get_training_for_user(user, record.pk)))


class HoursOut(Schema):
    person: PersonRef
    org: str
    hours: float
    target: float
    meets: bool
    short_by: float
    is_researcher: bool


class HoursQuery(PageQuery):
    year: int | None = Field(None, title="年度", ge=2000, le=2100)
    node: str | None = Field(None, title="区域或学校代码")
    short: bool = Field(False, title="只看未达标")


@router.get("/hours", response=Page[HoursOut], url_name="growth_hours", summary="每人年度培训学时（000 §12）")
def hours(request: HttpRequest, filters: Query[HoursQuery]) -> Page[HoursOut]:
    user = current_user(request)
    node = get_node_for_user(user, filters.node) if filters.node else home_node(user)
    year = filters.year or timezone.localdate().year
    rows = selectors.hours_for_people(user, node, year, limit=5000) if node is not None else []
    if filters.short:
        rows = [r for r in rows if not r.standing.meets]
    page = rows[filters.offset:filters.offset + filters.limit]
    return Page(count=len(rows), limit=filters.limit, offset=filters.offset, items=[HoursOut(
        person=person_ref(r.person), org=r.person.org.name, hours=float(r.hours), target=r.target,
        meets=r.standing.meets, short_by=float(r.standing.short_by), is_researcher=r.is_researcher) for r in page])


class ProgrammeOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    region: str
    start: dt.date
    end: dt.date
    quota: int


def _programme(p: TalentProgramme) -> ProgrammeOut:
    return ProgrammeOut(id=p.pk, name=p.name, kind=p.kind, level=p.level, region=p.region.code, start=p.start,
                        end=p.end, quota=p.quota)


class DutyOut(Schema):
    person: PersonRef
    tier: str
    lesson_kind: str
    period: str
    required: int
    done: int
    short: int


class ProgrammeDetail(ProgrammeOut):
    term: str | None
    duties: list[DutyOut]


@router.get("/programmes", response=Page[ProgrammeOut], url_name="growth_programme_list", summary="人才培养项目")
def programme_list(request: HttpRequest, filters: Query[PageQuery]) -> Page[ProgrammeOut]:
    return paginate(access.programmes_visible_to(current_user(request)).order_by("-start", "id"), filters, _programme)


@router.get("/programmes/{programme_id}", response=ProgrammeDetail, url_name="growth_programme_detail",
            summary="培养项目与本学期职责完成情况")
def programme_detail(request: HttpRequest, programme_id: int) -> ProgrammeDetail:
    user = current_user(request)
    p = access.get_programme_for_user(user, programme_id)
    term = current_term(p.region)
    duties = [DutyOut(person=person_ref(r.member.person), tier=r.member.tier.name, lesson_kind=r.duty.lesson_kind,
                      period=r.duty.period, required=r.standing.required, done=r.standing.done, short=r.standing.short)
              for r in (selectors.duty_rows(user, p, term) if term is not None else [])]
    return ProgrammeDetail(**_programme(p).model_dump(), term=term.key if term else None, duties=duties)


class AwardOut(Schema):
    id: int
    person: PersonRef
    title: str
    level: str
    rank: str
    awarded_on: dt.date
    competition: int | None


class AwardQuery(PageQuery):
    year: int | None = Field(None, title="年度", ge=2000, le=2100)


def _award(a: Award) -> AwardOut:
    return AwardOut(id=a.pk, person=person_ref(a.person), title=a.title, level=a.level, rank=a.rank,
                    awarded_on=a.awarded_on, competition=a.competition_id)


@router.get("/awards", response=Page[AwardOut], url_name="growth_award_list", summary="获奖记录")
def award_list(request: HttpRequest, filters: Query[AwardQuery]) -> Page[AwardOut]:
    qs = access.awards_visible_to(current_user(request))
    if filters.year is not None:
        qs = qs.filter(awarded_on__year=filters.year)
    return paginate(qs.order_by("-awarded_on", "-id"), filters, _award)


class StudioOut(Schema):
    id: int
    name: str
    host: PersonRef
    school: str
    level: str
    start: dt.date


def _studio(s: Studio) -> StudioOut:
    return StudioOut(id=s.pk, name=s.name, host=person_ref(s.host), school=s.school.code, level=s.level,
                     start=s.start)


@router.get("/studios", response=Page[StudioOut], url_name="growth_studio_list", summary="名师工作室")
def studio_list(request: HttpRequest, filters: Query[PageQuery]) -> Page[StudioOut]:
    return paginate(access.studios_visible_to(current_user(request)).order_by("id"), filters, _studio)


@router.get("/studios/{studio_id}", response=StudioOut, url_name="growth_studio_detail", summary="一个名师工作室")
def studio_detail(request: HttpRequest, studio_id: int) -> StudioOut:
    return _studio(access.get_studio_for_user(current_user(request), studio_id))

"""API of the appraisal app's `researchers` area (mounted by appraisal/api/__init__.py): the
researcher appraisals the user reads, one with its progress, its entries (a researcher reads
their own once published), and starting one (the institution's head or admin); adjusting an
entry's workload figure with a reason (the runners; sending the same adjustment again, as a
client retrying after a lost answer does, returns the one already made instead of a second);
the rating questionnaire of a rater (the researchers listed to them) and their one anonymous
answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from api.schemas import PersonRef, person_ref
from appraisal import researcher_access as access
from appraisal import workload
from appraisal.models import FigureAdjustment, ResearcherAppraisal, ResearcherEntry
from appraisal.services import researchers as svc
from core.access import get_node_for_user
from core.errors import DomainError
from core.models import User

router = Router()


class AppraisalOut(Schema):
    id: int
    region: str
    region_name: str
    year: int
    status: str
    status_label: str
    progress_done: int
    progress_total: int
    rating_weight: int
    cuts: dict[str, int]
    published_at: dt.datetime | None


class EntryOut(Schema):
    id: int
    person: PersonRef
    org: str
    part_time: bool
    subject: str
    figures: dict[str, float]
    adjusted: dict[str, float]
    scores: dict[str, float]
    total: float | None
    level: str
    teacher_rating: float | None
    school_rating: float | None
    teacher_responses: int
    teachers_invited: int
    school_responses: int
    schools_invited: int


class StartIn(Schema):
    region: str = Field(..., title="教研机构（区域代码）", max_length=32)
    year: int = Field(..., title="考核年度", ge=2000, le=2100)
    rating_weight: int = Field(30, title="评价权重（%）", ge=0, le=100)


def _appraisal(a: ResearcherAppraisal) -> AppraisalOut:
    return AppraisalOut(id=a.pk, region=a.region.code, region_name=a.region.name, year=a.year, status=a.status,
                        status_label=a.get_status_display(), progress_done=a.progress_done,
                        progress_total=a.progress_total, rating_weight=a.rating_weight,
                        cuts={workload.EXCELLENT: a.cut_excellent, workload.PASS: a.cut_pass,
                              workload.BASIC: a.cut_basic},
                        published_at=a.published_at)


def _entry(e: ResearcherEntry) -> EntryOut:
    final = e.scores.get("final", {}) if e.scores else {}
    return EntryOut(id=e.pk, person=person_ref(e.person), org=e.post_org.name, part_time=e.part_time,
                    subject=e.subject.name if e.subject else "", figures=e.figures, adjusted=e.adjusted,
                    scores=final, total=e.total, level=e.level, teacher_rating=e.teacher_rating,
                    school_rating=e.school_rating, teacher_responses=e.teacher_responses,
                    teachers_invited=e.teachers_invited, school_responses=e.school_responses,
                    schools_invited=e.schools_invited)


@router.get("/researchers", response=Page[AppraisalOut], url_name="appraisal_researcher_list",
            summary="教研员年度考核列表")
def appraisal_list(request: HttpRequest, filters: Query[PageQuery]) -> Page[AppraisalOut]:
    return paginate(access.appraisals_visible_to(current_user(request)).order_by("-year", "region__path", "id"),
                    filters, _appraisal)


@router.get("/researchers/{appraisal_id}", response=AppraisalOut, url_name="appraisal_researcher_detail",
            summary="一次教研员考核（含计算进度）")
def appraisal_detail(request: HttpRequest, appraisal_id: int) -> AppraisalOut:
    return _appraisal(access.get_appraisal_for_user(current_user(request), appraisal_id))


@router.get("/researchers/{appraisal_id}/entries", response=Page[EntryOut], url_name="appraisal_researcher_entries",
            summary="考核中各教研员的工作量、得分与等次")
def appraisal_entries(request: HttpRequest, appraisal_id: int, filters: Query[PageQuery]) -> Page[EntryOut]:
    user = current_user(request)
    appraisal = access.get_appraisal_for_user(user, appraisal_id)
    qs = access.entries_visible_to(user, appraisal).order_by("post_org__path", "person__pinyin", "id")
    return paginate(qs, filters, _entry)


@router.post("/researchers", response={201: AppraisalOut}, url_name="appraisal_researcher_start",
             summary="发起教研员年度考核（后台计算）")
def appraisal_start(request: HttpRequest, payload: StartIn) -> Status[AppraisalOut]:
    user = current_user(request)
    region = get_node_for_user(user, payload.region.strip())
    if not access.can_run(user, region):
        raise Http404("没有找到该组织")
    try:
        a = svc.appraisal_start(actor=user, region=region, year=payload.year, rating_weight=payload.rating_weight)
    except DomainError as exc:
        raise FieldError(exc.field or "year", exc.message) from exc
    return Status(201, _appraisal(a))


# ---------------------------------------------------------------- adjusting a figure


class AdjustIn(Schema):
    figure: str = Field(..., title="工作量指标", max_length=32, description="指标编码，如 observations、songjiao")
    value: Decimal = Field(..., title="调整为", ge=0, max_digits=8, decimal_places=1)
    reason: str = Field(..., title="调整理由", min_length=1, max_length=2000)


class AdjustmentOut(Schema):
    id: int
    figure: str
    figure_label: str
    computed: float
    value: float
    reason: str
    created_at: dt.datetime
    entry: EntryOut


def _adjustment(adj: FigureAdjustment, entry: ResearcherEntry) -> AdjustmentOut:
    return AdjustmentOut(id=adj.pk, figure=adj.figure, figure_label=workload.FIGURE_BY_CODE[adj.figure].label,
                         computed=float(adj.computed), value=float(adj.value), reason=adj.reason,
                         created_at=adj.created_at, entry=_entry(entry))


@router.post("/researchers/entries/{entry_id}/adjustments", response={200: AdjustmentOut, 201: AdjustmentOut},
             url_name="appraisal_researcher_adjust",
             summary="调整教研员的一项工作量（须说明理由；重复提交同一调整返回已有的一条）")
def figure_adjust(request: HttpRequest, entry_id: int, payload: AdjustIn) -> Status[AdjustmentOut]:
    user = current_user(request)
    entry = access.get_entry_for_user(user, entry_id, run=True)
    latest = entry.adjustments.filter(figure=payload.figure).first()
    if (latest is not None and latest.value == payload.value.quantize(Decimal("0.1"))
            and latest.reason == payload.reason.strip() and entry.appraisal.status != "published"):
        return Status(200, _adjustment(latest, entry))
    try:
        adj = svc.figure_adjust(actor=user, entry=entry, figure=payload.figure, value=payload.value,
                                reason=payload.reason)
    except DomainError as exc:
        raise FieldError(exc.field or "value", exc.message) from exc
    entry.refresh_from_db()
    return Status(201, _adjustment(adj, entry))


# ---------------------------------------------------------------- the rating questionnaire


class RatedOut(Schema):
    entry: int
    name: str
    org: str
    subject: str


class QuestionnaireOut(Schema):
    appraisal: AppraisalOut
    rater: str = Field(..., description="teacher（教师）或 school（学校）")
    answered: bool
    dimensions: dict[str, str]
    researchers: list[RatedOut]


class RatingIn(Schema):
    """One researcher's four scores. The 1–5 range is checked by the service, whose refusal
    names the dimension (a nested list's bounds would only be named "评分")."""

    entry: int = Field(..., title="教研员（考核结果编号）")
    teaching: int = Field(..., title="教育教学", description="1–5分")
    research: int = Field(..., title="教研科研", description="1–5分")
    management: int = Field(..., title="教学管理", description="1–5分")
    service: int = Field(..., title="教育服务", description="1–5分")


class SheetIn(Schema):
    scores: list[RatingIn] = Field(..., title="评分", min_length=1, max_length=500)


class SheetOut(Schema):
    appraisal: int
    rated: int


def _questionnaire(user: User, appraisal_id: int) -> tuple[ResearcherAppraisal, str]:
    appraisal = access.ratable_appraisals(user).filter(pk=appraisal_id).first()
    kind = access.rater_kind(user, appraisal) if appraisal is not None else None
    if appraisal is None or kind is None:
        raise Http404("没有找到该评价问卷")
    return appraisal, kind


@router.get("/researchers/{appraisal_id}/rating", response=QuestionnaireOut, url_name="appraisal_researcher_rating",
            summary="教研员评价问卷：列给本人评价的教研员（匿名，每人一次）")
def rating_form(request: HttpRequest, appraisal_id: int) -> QuestionnaireOut:
    user = current_user(request)
    appraisal, kind = _questionnaire(user, appraisal_id)
    return QuestionnaireOut(
        appraisal=_appraisal(appraisal), rater=kind, answered=svc.has_rated(appraisal, user),
        dimensions=dict(workload.DIMENSIONS),
        researchers=[RatedOut(entry=e.pk, name=e.person.name, org=e.post_org.name,
                              subject=e.subject.name if e.subject else "")
                     for e in svc.rated_entries(appraisal, user)])


@router.post("/researchers/{appraisal_id}/rating", response={201: SheetOut}, url_name="appraisal_researcher_rate",
             summary="提交教研员评价（匿名，每人一次）")
def rating_submit(request: HttpRequest, appraisal_id: int, payload: SheetIn) -> Status[SheetOut]:
    user = current_user(request)
    appraisal, kind = _questionnaire(user, appraisal_id)
    scores: dict[int, dict[str, int]] = {}
    for row in payload.scores:
        if row.entry in scores:
            raise FieldError("scores", f"评分：教研员（编号{row.entry}）重复出现")
        scores[row.entry] = {d: getattr(row, d) for d, _ in workload.DIMENSIONS}
    try:
        svc.rating_submit(actor=user, appraisal=appraisal, kind=kind, scores=scores,
                          allowed_entry_ids={e.pk for e in svc.rated_entries(appraisal, user)})
    except DomainError as exc:
        raise FieldError(exc.field or "scores", exc.message, label="评分") from exc
    return Status(201, SheetOut(appraisal=appraisal.pk, rated=len(scores)))

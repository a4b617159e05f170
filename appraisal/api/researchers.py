"""API of the appraisal app's `researchers` area (mounted by appraisal/api/__init__.py): the
researcher appraisals the user reads, one with its progress, its entries (a researcher reads
their own once published), and starting one (the institution's head or admin)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from api.schemas import PersonRef, person_ref
from appraisal import researcher_access as access
from appraisal import workload
from appraisal.models import ResearcherAppraisal, ResearcherEntry
from appraisal.services import researchers as svc
from core.access import get_node_for_user
from core.errors import DomainError

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

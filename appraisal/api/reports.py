"""API of the appraisal app's `reports` area (mounted by appraisal/api/__init__.py): the yearly
reports a user reads, one report with its sections and figures snapshot, generating a draft,
editing its sections and issuing it; the same services and access rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from appraisal.models import YearlyReport, YearlyReportStatus
from appraisal.report_access import (
    can_issue_report,
    can_write_report,
    get_yearly_report_for_user,
    reports_visible_to,
)
from appraisal.services import reports as services
from appraisal.yearly_figures import from_json, summary_rows
from appraisal.yearly_text import SECTION_KEYS, SECTION_MAX, SECTION_TITLES
from core.access import get_node_for_user
from core.errors import DomainError

router = Router()


class YearlyReportOut(Schema):
    id: int
    region: str
    region_name: str
    year: int
    revision: int
    title: str
    status: str
    status_label: str
    generated_at: dt.datetime
    issued_at: dt.datetime | None
    issued_by: str


class SectionOut(Schema):
    key: str
    title: str
    text: str


class FigureOut(Schema):
    item: str
    value: float


class YearlyReportDetail(YearlyReportOut):
    sections: list[SectionOut]
    summary: list[FigureOut]
    figures: dict[str, Any]


class ReportQuery(PageQuery):
    year: int | None = Field(None, title="年度", ge=2000, le=2100)
    region: str | None = Field(None, title="区域代码", max_length=12)
    status: YearlyReportStatus | None = Field(None, title="状态")


class GenerateIn(Schema):
    region: str = Field(..., title="区域代码", max_length=12)
    year: int = Field(..., title="年度", ge=2000, le=2100)


class SaveIn(Schema):
    title: str = Field(..., title="标题", max_length=services.TITLE_MAX)
    sections: dict[str, str] = Field(..., title="正文（各部分）")


def _out(r: YearlyReport) -> dict[str, Any]:
    return {"id": r.pk, "region": r.region.code, "region_name": r.region.name, "year": r.year,
            "revision": r.revision, "title": r.title, "status": r.status, "status_label": r.get_status_display(),
            "generated_at": r.generated_at, "issued_at": r.issued_at,
            "issued_by": r.issued_by.name if r.issued_by else ""}


def _detail(r: YearlyReport) -> YearlyReportDetail:
    return YearlyReportDetail(
        **_out(r), sections=[SectionOut(key=k, title=SECTION_TITLES[k], text=str(r.sections.get(k, "")))
                             for k in SECTION_KEYS],
        summary=[FigureOut(item=item, value=float(v)) for item, v in summary_rows(from_json(r.figures))],
        figures=r.figures)


@router.get("/reports", response=Page[YearlyReportOut], url_name="appraisal_report_list", summary="年度工作报告列表")
def report_list(request: HttpRequest, filters: Query[ReportQuery]) -> Page[YearlyReportOut]:
    qs = reports_visible_to(current_user(request)).order_by("-year", "region__path", "-revision")
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    return paginate(qs, filters, lambda r: YearlyReportOut(**_out(r)))


@router.get("/reports/{report_id}", response=YearlyReportDetail, url_name="appraisal_report_detail",
            summary="一份年度工作报告（正文与数据快照）")
def report_detail(request: HttpRequest, report_id: int) -> YearlyReportDetail:
    return _detail(get_yearly_report_for_user(current_user(request), report_id))


@router.post("/reports", response={201: YearlyReportDetail}, url_name="appraisal_report_generate",
             summary="按记录生成（或重新生成）年度报告草稿")
def report_generate(request: HttpRequest, payload: GenerateIn) -> Status[YearlyReportDetail]:
    user = current_user(request)
    region = get_node_for_user(user, payload.region)
    if not can_write_report(user, region):
        raise Http404("没有找到该区域")
    try:
        report = services.report_generate(actor=user, region=region, year=payload.year,
                                          today=timezone.localdate())
    except DomainError as exc:
        raise FieldError(exc.field or "region", exc.message) from exc
    return Status(201, _detail(get_yearly_report_for_user(user, report.pk)))


@router.put("/reports/{report_id}", response=YearlyReportDetail, url_name="appraisal_report_save",
            summary="修改年度报告草稿的标题和正文")
def report_save(request: HttpRequest, report_id: int, payload: SaveIn) -> YearlyReportDetail:
    user = current_user(request)
    report = get_yearly_report_for_user(user, report_id, write=True)
    unknown = sorted(set(payload.sections) - set(SECTION_KEYS))
    if unknown:
        raise FieldError("sections", f"正文：没有这一部分（{'、'.join(unknown)}）")
    for key, text in payload.sections.items():
        if len(text) > SECTION_MAX:
            raise FieldError("sections", f"{SECTION_TITLES[key]}：不能超过{SECTION_MAX}字")
    sections = {**report.sections, **payload.sections}
    try:
        services.report_save(actor=user, report=report, title=payload.title, sections=sections)
    except DomainError as exc:
        raise FieldError("sections" if exc.field in SECTION_KEYS else exc.field or "title", exc.message) from exc
    return _detail(get_yearly_report_for_user(user, report.pk))


@router.post("/reports/{report_id}/issue", response=YearlyReportDetail, url_name="appraisal_report_issue",
             summary="发布年度报告（定稿）")
def report_issue(request: HttpRequest, report_id: int) -> YearlyReportDetail:
    user = current_user(request)
    report = get_yearly_report_for_user(user, report_id, write=True)
    if not can_issue_report(user, report.region):
        raise Http404("没有找到该年度报告")
    # A refusal (already issued, empty overview) is a DomainError: api.errors answers it.
    services.report_issue(actor=user, report=report)
    return _detail(get_yearly_report_for_user(user, report.pk))

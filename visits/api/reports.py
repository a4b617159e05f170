"""Visits API: reports (the same access policy as the pages: visits.access.reports_visible_to)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from api.auth import current_user
from api.pagination import Page, PageQuery, paginate
from visits.access import get_report_for_user, reports_visible_to
from visits.models import ReportStatus, VisitReport
from visits.report_draft import SECTION_KEYS

router = Router()


class ReportOut(Schema):
    id: int
    visit_id: int
    visit_title: str
    school: str | None = Field(None, description="学校标识码；全次视导的报告为空")
    title: str
    number: str
    issuer: str
    status: str
    status_label: str
    issued_on: dt.date | None
    docx_url: str = Field(description="Word 文件下载地址（草稿为按当前正文生成的预览）")


class ReportDetail(ReportOut):
    sections: dict[str, str]


class ReportQuery(PageQuery):
    visit: int | None = Field(None, title="视导编号")
    status: ReportStatus | None = Field(None, title="状态")


def _out(r: VisitReport) -> ReportOut:
    return ReportOut(id=r.pk, visit_id=r.visit_id, visit_title=r.visit.title, school=r.school.code if r.school else None,
                     title=r.title, number=r.number, issuer=r.issuer, status=r.status,
                     status_label=r.get_status_display(), issued_on=r.issued_on,
                     docx_url=reverse("visits:report_docx", args=[r.pk]))


@router.get("/reports", response=Page[ReportOut], url_name="visits_report_list", summary="视导报告列表")
def report_list(request: HttpRequest, filters: Query[ReportQuery]) -> Page[ReportOut]:
    qs = reports_visible_to(current_user(request)).select_related("visit", "school")
    if filters.visit:
        qs = qs.filter(visit_id=filters.visit)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs.order_by("-id"), filters, _out)


@router.get("/reports/{report_id}", response=ReportDetail, url_name="visits_report_detail", summary="视导报告详情")
def report_detail(request: HttpRequest, report_id: int) -> ReportDetail:
    r = get_report_for_user(current_user(request), report_id)
    return ReportDetail(**_out(r).dict(), sections={k: str(r.sections.get(k, "")) for k in SECTION_KEYS})

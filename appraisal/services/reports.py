"""Writes of an institution's yearly report: generate a draft from the records, edit its sections,
issue it (frozen, with who and when); render the Word document and the workbook.

A draft regenerated takes the records' figures again and rewrites only the sections nobody has
edited; an issued report keeps its figures snapshot and text for good, and generating again
starts the next revision as a new draft beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from appraisal.models import YearlyReport, YearlyReportStatus
from appraisal.report_access import REPORT_KINDS, can_issue_report, can_write_report
from appraisal.services.reports_figures import year_figures
from appraisal.yearly_docx import build_document
from appraisal.yearly_figures import from_json, to_json
from appraisal.yearly_text import SECTION_MAX, SECTION_TITLES, clean_sections, default_title, draft_sections
from appraisal.yearly_xlsx import build_workbook
from core.audit import audit_create, audit_update, snapshot
from core.errors import DomainError
from core.models import OrgNode, User

TITLE_MAX = 160
FIRST_YEAR = 2000


class YearlyReportError(DomainError):
    """A refused write on a yearly report; the message is Chinese and names the field."""


def _check_year(year: int, today: dt.date) -> None:
    if not FIRST_YEAR <= year <= today.year:
        raise YearlyReportError(f"年度：应在{FIRST_YEAR}年至{today.year}年之间", field="year")


def report_generate(*, actor: User, region: OrgNode, year: int, today: dt.date | None = None) -> YearlyReport:
    """The year's draft for `region`'s institution, generated from the records (or regenerated:
    new figures, and the draft text again for the sections not edited since)."""
    today = today or timezone.localdate()
    if region.kind not in REPORT_KINDS:
        raise YearlyReportError("只有省、市、县（区）教研机构编制年度报告", field="region")
    if not can_write_report(actor, region):
        raise YearlyReportError("只有本机构的负责人、管理员和教研员可以生成年度报告")
    _check_year(year, today)
    figures = year_figures(actor, region, year, today=today)
    drafted = draft_sections(figures)
    now = timezone.now()
    with transaction.atomic():
        existing = (YearlyReport.objects.select_for_update().filter(region=region, year=year,
                                                                    status=YearlyReportStatus.DRAFT).first())
        if existing is not None:
            old = snapshot(existing)
            previous_draft = draft_sections(from_json(existing.figures))
            kept = clean_sections(existing.sections)
            existing.sections = {k: drafted[k] if kept[k] == previous_draft.get(k, "").strip() else kept[k]
                                 for k in kept}
            existing.figures = to_json(figures)
            existing.generated_at, existing.generated_by = now, actor
            existing.save(update_fields=["sections", "figures", "generated_at", "generated_by", "updated_at"])
            audit_update(actor, existing, old)
            return existing
        last = YearlyReport.objects.filter(region=region, year=year).aggregate(n=Max("revision"))["n"] or 0
        report = YearlyReport.objects.create(
            region=region, year=year, revision=last + 1, title=default_title(figures.institution, year)[:TITLE_MAX],
            figures=to_json(figures), sections=drafted, generated_at=now, generated_by=actor)
        audit_create(actor, report)
        return report


def report_save(*, actor: User, report: YearlyReport, title: str, sections: Mapping[str, object]) -> YearlyReport:
    """Edit a draft's title and sections. An issued report does not change."""
    if not can_write_report(actor, report.region):
        raise YearlyReportError("只有本机构的负责人、管理员和教研员可以修改年度报告")
    if report.status != YearlyReportStatus.DRAFT:
        raise YearlyReportError("年度报告已发布，不能再修改")
    title = title.strip()
    if not title:
        raise YearlyReportError("标题：必填", field="title")
    if len(title) > TITLE_MAX:
        raise YearlyReportError(f"标题：不能超过{TITLE_MAX}字", field="title")
    cleaned = clean_sections(sections)
    for key, text in cleaned.items():
        if len(text) > SECTION_MAX:
            raise YearlyReportError(f"{SECTION_TITLES[key]}：不能超过{SECTION_MAX}字", field=key)
    old = snapshot(report)
    report.title, report.sections = title, cleaned
    report.save(update_fields=["title", "sections", "updated_at"])
    audit_update(actor, report, old)
    return report


def report_issue(*, actor: User, report: YearlyReport) -> YearlyReport:
    """Issue the draft: frozen from now on, with who issued it and when."""
    if not can_issue_report(actor, report.region):
        raise YearlyReportError("只有本机构的负责人或管理员可以发布年度报告")
    with transaction.atomic():
        locked = YearlyReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != YearlyReportStatus.DRAFT:
            raise YearlyReportError("年度报告已发布")
        if not clean_sections(locked.sections)["overview"]:
            raise YearlyReportError(f"{SECTION_TITLES['overview']}：必填，发布前请填写", field="overview")
        old = snapshot(locked)
        locked.status, locked.issued_at, locked.issued_by = YearlyReportStatus.ISSUED, timezone.now(), actor
        locked.save(update_fields=["status", "issued_at", "issued_by", "updated_at"])
        audit_update(actor, locked, old)
    return locked


def report_docx(report: YearlyReport) -> bytes:
    """The Word document, from the stored text and figures snapshot only (never the live records)."""
    issued_on = timezone.localtime(report.issued_at).date() if report.issued_at else None
    return build_document(title=report.title, institution=from_json(report.figures).institution,
                          sections=clean_sections(report.sections), figures=from_json(report.figures),
                          issued_on=issued_on, draft=report.is_draft)


def report_xlsx(report: YearlyReport) -> bytes:
    return build_workbook(title=report.title, figures=from_json(report.figures))

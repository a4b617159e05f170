"""Writes of visit reports: draft from the records, edit the draft, issue it once.

An issued report keeps the Word file rendered at issue and is never regenerated; an issued
report without a stored file (the demo issues most of its reports that way, to keep the seed
fast) renders once, on its first download, and keeps that file from then on.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core import events
from core.access import AnyUser
from core.audit import audit_create, audit_update, snapshot
from core.models import OrgNode, User
from visits.access import can_manage_visit
from visits.errors import VisitError
from visits.models import ReportStatus, Visit, VisitReport, VisitSchool, VisitStatus
from visits.report_data import issuer_of, report_figures
from visits.report_docx import build_report
from visits.report_draft import clean_sections, default_title, draft_sections

TITLE_MAX = 160
NUMBER_MAX = 40


def report_draft(*, actor: User, visit: Visit, school: OrgNode | None = None, redraft: bool = False) -> VisitReport:
    """The visit's (or one visited school's) report: a new draft written from the records, or
    the existing one. `redraft` rewrites a draft's sections from the records again."""
    if not can_manage_visit(actor, visit):
        raise VisitError("只有视导的组织者可以起草报告")
    if visit.status == VisitStatus.CANCELLED:
        raise VisitError("已取消的视导不能起草报告")
    if school is not None and not VisitSchool.objects.filter(visit=visit, school=school).exists():
        raise VisitError(f"{school.name}不在本次视导的学校中", field="school")
    with transaction.atomic():
        # Locks the report row only (PostgreSQL refuses FOR UPDATE across the outer join to the
        # nullable school), and no ordering: the model's default orders through that join.
        existing = (VisitReport.objects.select_for_update(of=("self",)).filter(visit=visit, school=school)
                    .order_by("pk").first())
        if existing is not None and not (redraft and existing.status == ReportStatus.DRAFT):
            return existing
        figures = report_figures(actor, visit, school)
        sections = draft_sections(figures)
        if existing is not None:
            old = snapshot(existing)
            existing.sections = sections
            existing.save(update_fields=["sections", "updated_at"])
            audit_update(actor, existing, old)
            return existing
        report = VisitReport.objects.create(
            visit=visit, school=school, title=default_title(figures, school.name if school else "")[:TITLE_MAX],
            number=visit.number, issuer=issuer_of(visit)[:100], sections=sections, created_by=actor)
        audit_create(actor, report)
        return report


def report_save(*, actor: User, report: VisitReport, sections: dict[str, object], title: str, number: str,
                issued_on: dt.date | None) -> VisitReport:
    """Edit a draft's text, title, number and date. An issued report does not change."""
    if not can_manage_visit(actor, report.visit):
        raise VisitError("只有视导的组织者可以修改报告")
    if report.status != ReportStatus.DRAFT:
        raise VisitError("报告已印发，不能再修改")
    title = title.strip()
    if not title:
        raise VisitError("标题：必填", field="title")
    if len(title) > TITLE_MAX:
        raise VisitError(f"标题：不能超过{TITLE_MAX}字", field="title")
    number = number.strip()
    if len(number) > NUMBER_MAX:
        raise VisitError(f"文号：不能超过{NUMBER_MAX}字", field="number")
    if issued_on is not None and issued_on < report.visit.start:
        raise VisitError(f"印发日期：不能早于视导开始日期{report.visit.start:%Y-%m-%d}", field="issued_on")
    old = snapshot(report)
    report.sections = clean_sections(sections)
    report.title, report.number, report.issued_on = title, number, issued_on
    report.save(update_fields=["sections", "title", "number", "issued_on", "updated_at"])
    audit_update(actor, report, old)
    return report


def report_render(report: VisitReport, user: AnyUser) -> bytes:
    """The report's Word document from its current text and the records `user` may count."""
    figures = report_figures(user, report.visit, report.school)
    return build_report(title=report.title, issuer=report.issuer, number=report.number, issued_on=report.issued_on,
                        sections=clean_sections(report.sections), figures=figures)


def report_issue(*, actor: User, report: VisitReport) -> VisitReport:
    """Issue the draft: render the Word document once and keep it; the visit is REPORTED."""
    if not can_manage_visit(actor, report.visit):
        raise VisitError("只有视导的组织者可以印发报告")
    with transaction.atomic():
        locked = VisitReport.objects.select_for_update(of=("self",)).select_related("visit", "school").get(pk=report.pk)
        if locked.status != ReportStatus.DRAFT:
            raise VisitError("报告已印发")
        if not clean_sections(locked.sections)["overview"]:
            raise VisitError("视导概况：必填，印发前请填写", field="overview")
        old = snapshot(locked)
        locked.issued_on = locked.issued_on or timezone.localdate()
        locked.status = ReportStatus.ISSUED
        locked.issued_by = actor
        content = report_render(locked, actor)
        locked.file.save(f"{locked.title[:60]}.docx", ContentFile(content), save=False)
        locked.save(update_fields=["issued_on", "status", "issued_by", "file", "updated_at"])
        audit_update(actor, locked, old)
        visit = locked.visit
        if visit.status != VisitStatus.REPORTED:
            vold = snapshot(visit)
            visit.status = VisitStatus.REPORTED
            visit.save(update_fields=["status", "updated_at"])
            audit_update(actor, visit, vold)
        events.emit(events.VISIT_REPORT_ISSUED, scope=locked.school or visit.organiser, summary=f"视导报告《{locked.title}》已印发",
                    data={"report": {"id": locked.pk, "title": locked.title, "number": locked.number,
                                     "issued_on": locked.issued_on.isoformat(), "visit": visit.pk,
                                     "school": locked.school.code if locked.school else None}})
    return locked


def report_stored_file(report: VisitReport) -> bytes:
    """The issued report's kept document; one issued without a file renders now, once, with
    its issuer's scope (or the system's), and keeps it."""
    from core.norm_results import system_user

    assert report.status == ReportStatus.ISSUED
    with transaction.atomic():
        locked = VisitReport.objects.select_for_update(of=("self",)).select_related("visit", "school", "issued_by").get(
            pk=report.pk)
        if locked.file:
            with locked.file.open("rb") as fh:
                kept: bytes = fh.read()
            return kept
        content = report_render(locked, locked.issued_by or system_user())
        locked.file.save(f"{locked.title[:60]}.docx", ContentFile(content), save=False)
        locked.save(update_fields=["file"])
        return content

"""Word reports per exam and per school (python-docx with matplotlib charts), with a written
analysis the reader can edit before downloading (issue 10)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.documents import docx_response
from core.http import AuthedRequest
from quality.access import get_exam_for_user, get_school_in_exam, summary_rows_visible_to, warnings_visible_to
from quality.analysis.indicators import balance
from quality.analysis.written import Section, generate, parse_text, to_text
from quality.models import Exam, PaperSummary
from quality.reports import analysis_docx
from quality.selectors import full_summary

MAX_TEXT = 20_000  # characters of edited analysis per subject

Papers = list[tuple[str, dict[str, Any], list[dict[str, Any]]]]


def _docx(name: str, content: bytes) -> HttpResponse:
    return docx_response(content, name)


def _papers(request: AuthedRequest, exam: Exam, school_key: str | None
            ) -> tuple[Papers, dict[str, dict[str, Any] | None]]:
    out = []
    bal: dict[str, dict[str, Any] | None] = {}
    summaries = {s.paper_id: full_summary(s) for s in PaperSummary.objects.filter(paper__exam=exam)}
    for paper in exam.papers.select_related("subject").order_by("subject__sort"):
        data = summaries.get(paper.pk, {})
        rows = summary_rows_visible_to(request.user, data)
        if school_key is not None:
            rows = [u for u in rows if u["key"] in (data.get("top"), school_key) or u["parent"] == school_key]
        out.append((paper.subject.name, data, rows))
        sch = [u for u in data.get("units", []) if u["level"] == "school"]
        bal[paper.subject.name] = balance([u["mean"] for u in sch], [u["sat"] for u in sch], stage=exam.stage) \
            if school_key is None else None
    return out, bal


def _analysis(request: AuthedRequest, papers: Papers, school_key: str | None) -> dict[str, list[Section]]:
    """The generated analysis per subject, replaced by the reader's edited text when the form
    was posted (an emptied box leaves the section out)."""
    out: dict[str, list[Section]] = {}
    for i, (subject, data, rows) in enumerate(papers):
        if not data or not rows:
            continue
        if request.method == "POST":
            out[subject] = parse_text(request.POST.get(f"analysis_{i}", "")[:MAX_TEXT])
        else:
            out[subject] = generate(subject, data, rows, school_key=school_key)
    return out


def _edit_page(request: AuthedRequest, exam: Exam, papers: Papers, school_key: str | None, *,
               title: str, action: str) -> HttpResponse:
    boxes = [{"index": i, "subject": subject, "text": to_text(generate(subject, data, rows, school_key=school_key))}
             for i, (subject, data, rows) in enumerate(papers) if data and rows]
    return render(request, "quality/report_edit.html", {"exam": exam, "title": title, "boxes": boxes,
                                                         "action": action, "max_text": MAX_TEXT})


@login_required
@require_http_methods(["GET", "POST"])
def exam_report(request: AuthedRequest, exam_id: int) -> HttpResponse:
    exam = get_exam_for_user(request.user, exam_id)
    papers, bal = _papers(request, exam, None)
    warnings = [w.title for w in warnings_visible_to(request.user).filter(exam=exam)[:100]]
    return _docx(f"{exam.name}-质量分析报告.docx",
                 analysis_docx(exam, papers, title=f"{exam.name}质量分析报告", balance=bal, warnings=warnings,
                               analysis=_analysis(request, papers, None)))


@login_required
def exam_report_edit(request: AuthedRequest, exam_id: int) -> HttpResponse:
    exam = get_exam_for_user(request.user, exam_id)
    papers, _ = _papers(request, exam, None)
    return _edit_page(request, exam, papers, None, title=f"{exam.name}质量分析报告",
                      action=reverse("quality:exam_report", args=[exam.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def school_report(request: AuthedRequest, exam_id: int, code: str) -> HttpResponse:
    exam = get_exam_for_user(request.user, exam_id)
    school = get_school_in_exam(request.user, exam, code)
    key = f"s:{school.code}"
    papers, bal = _papers(request, exam, key)
    warnings = [w.title for w in warnings_visible_to(request.user).filter(exam=exam, school=school)[:100]]
    return _docx(f"{exam.name}-{school.name}-质量分析报告.docx",
                 analysis_docx(exam, papers, title=f"{school.name} {exam.name}质量分析报告", balance=bal,
                               warnings=warnings, analysis=_analysis(request, papers, key)))


@login_required
def school_report_edit(request: AuthedRequest, exam_id: int, code: str) -> HttpResponse:
    exam = get_exam_for_user(request.user, exam_id)
    school = get_school_in_exam(request.user, exam, code)
    papers, _ = _papers(request, exam, f"s:{school.code}")
    return _edit_page(request, exam, papers, f"s:{school.code}", title=f"{school.name} {exam.name}质量分析报告",
                      action=reverse("quality:school_report", args=[exam.pk, school.code]))

"""Word reports per exam and per school (python-docx with matplotlib charts)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from core.documents import docx_response
from core.http import AuthedRequest
from quality.access import get_exam_for_user, get_school_in_exam, summary_rows_visible_to, warnings_visible_to
from quality.analysis.indicators import balance
from quality.models import Exam, PaperSummary
from quality.reports import analysis_docx
from quality.selectors import full_summary


def _docx(name: str, content: bytes) -> HttpResponse:
    return docx_response(content, name)


def _papers(request: AuthedRequest, exam: Exam, school_key: str | None
            ) -> tuple[list[tuple[str, dict[str, Any], list[dict[str, Any]]]], dict[str, dict[str, Any] | None]]:
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


@login_required
def exam_report(request: AuthedRequest, exam_id: int) -> HttpResponse:
    exam = get_exam_for_user(request.user, exam_id)
    papers, bal = _papers(request, exam, None)
    warnings = [w.title for w in warnings_visible_to(request.user).filter(exam=exam)[:100]]
    return _docx(f"{exam.name}-质量分析报告.docx",
                 analysis_docx(exam, papers, title=f"{exam.name}质量分析报告", balance=bal, warnings=warnings))


@login_required
def school_report(request: AuthedRequest, exam_id: int, code: str) -> HttpResponse:
    exam = get_exam_for_user(request.user, exam_id)
    school = get_school_in_exam(request.user, exam, code)
    papers, bal = _papers(request, exam, f"s:{school.code}")
    warnings = [w.title for w in warnings_visible_to(request.user).filter(exam=exam, school=school)[:100]]
    return _docx(f"{exam.name}-{school.name}-质量分析报告.docx",
                 analysis_docx(exam, papers, title=f"{school.name} {exam.name}质量分析报告", balance=bal,
                               warnings=warnings))

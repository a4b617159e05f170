"""任课安排 (who taught which class in which subject for an exam): upload, list and template.

TEACHER.BELOW_PEERS and the teachers' value added (依学评教) read these assignments, so a county
uploads them next to its scores, with the same permissions as the score import.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.access import require
from core.errors import DomainError
from core.exporting import XLSX
from core.http import AuthedRequest
from core.models import OrgNode
from core.spreadsheets import CLASS_TEACHER_LIMITS, check_upload_size
from quality import services
from quality.access import can_import, can_import_for_school, class_teachers_for_importer, get_exam_for_user
from quality.forms import ClassTeacherUploadForm
from quality.importing import class_teacher_workbook
from quality.models import Exam
from quality.selectors import exam_schools

SHOWN = 500


def _exam_for_importer(request: AuthedRequest, exam_id: int) -> Exam:
    exam = get_exam_for_user(request.user, exam_id)
    require(can_import(request.user, exam), "没有找到该页面")
    return exam


def _allowed_schools(request: AuthedRequest, exam: Exam) -> list[OrgNode]:
    return [s for s in exam_schools(exam) if can_import_for_school(request.user, exam, s)]


@login_required
@require_http_methods(["GET", "POST"])
def class_teacher_import(request: AuthedRequest, exam_id: int) -> HttpResponse:
    exam = _exam_for_importer(request, exam_id)
    form = ClassTeacherUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            check_upload_size(f.size, CLASS_TEACHER_LIMITS)  # before the bytes are read into memory
            report = services.class_teachers_import(actor=request.user, exam=exam, filename=f.name, content=f.read(),
                                                    allowed_schools=_allowed_schools(request, exam))
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            if report.ok:
                messages.success(request, f"已导入 {report.rows} 条任课安排：新增 {report.created} 条，更换教师 "
                                          f"{report.updated} 条，未变 {report.unchanged} 条；预警已重新评估。")
                for w in report.warnings[:20]:
                    messages.warning(request, f"第{w.row}行 {w.column}：{w.reason}")
                return redirect("quality:class_teacher_import", exam_id=exam.pk)
    assignments = class_teachers_for_importer(request.user, exam)
    shown = list(assignments.select_related("school", "subject", "teacher")
                 .order_by("school__path", "subject__sort", "class_label")[:SHOWN])
    return render(request, "quality/class_teachers.html", {
        "exam": exam, "form": form, "report": report, "assignments": shown, "count": assignments.count(),
        "shown_max": SHOWN, "papers": exam.papers.select_related("subject"),
        "limits": CLASS_TEACHER_LIMITS.describe()})


@login_required
@require_GET
def class_teacher_template(request: AuthedRequest, exam_id: int) -> HttpResponse:
    """The template, filled with the assignments the user may import, to edit and upload again."""
    exam = _exam_for_importer(request, exam_id)
    rows = [[ct.school.code, ct.class_label, ct.subject.name, ct.teacher.code, ct.teacher.name]
            for ct in class_teachers_for_importer(request.user, exam).select_related("school", "subject", "teacher")
            .order_by("school__path", "subject__sort", "class_label")]
    response = HttpResponse(class_teacher_workbook(rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(exam.name + '-任课安排.xlsx')}"
    return response

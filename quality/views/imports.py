"""Score import: upload → confirm the column mapping → problems by row and column → undo."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.access import require
from core.errors import DomainError
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.models import OrgNode
from core.spreadsheets import SCORE_LIMITS, check_upload_size
from quality import services
from quality.access import (
    batches_visible_to,
    can_discard_batch,
    can_import,
    can_import_for_school,
    get_batch_for_user,
    get_exam_for_user,
)
from quality.forms import UploadForm
from quality.importing import ROLE_LABELS, col_letter, missing_columns
from quality.models import BatchStatus, Exam
from quality.selectors import exam_schools


def _allowed_schools(request: AuthedRequest, exam: Exam) -> list[OrgNode]:
    return [s for s in exam_schools(exam) if can_import_for_school(request.user, exam, s)]


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: AuthedRequest, exam_id: int) -> HttpResponse:
    exam = get_exam_for_user(request.user, exam_id)
    require(can_import(request.user, exam), "没有找到该页面")
    schools = _allowed_schools(request, exam)
    form = UploadForm(request.POST or None, request.FILES or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            # The size is refused before the bytes are read into memory.
            check_upload_size(f.size, SCORE_LIMITS)
            batch = services.scores_upload(actor=request.user, exam=exam, filename=f.name, content=f.read(),
                                           school=form.cleaned_data["school"],
                                           default_paper=int(request.POST["paper"]) if request.POST.get(
                                               "paper", "").isdigit() else None)
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("quality:import_detail", batch_id=batch.pk)
    batches = list(batches_visible_to(request.user, exam).select_related("school", "created_by")
                   .defer("content", "table")[:100])
    return render(request, "quality/import_list.html", {"exam": exam, "form": form, "batches": batches,
                                                        "papers": exam.papers.select_related("subject"),
                                                        "limits": SCORE_LIMITS.describe()})


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: AuthedRequest, batch_id: int) -> HttpResponse:
    batch = get_batch_for_user(request.user, batch_id)
    exam = batch.exam
    papers = list(exam.papers.select_related("subject").prefetch_related("items"))
    columns: list[dict[str, Any]] = batch.mapping.get("columns", [])
    error = ""
    if request.method == "POST":
        require(batch.status in (BatchStatus.MAPPING, BatchStatus.REJECTED), "没有找到该页面")
        columns = []
        for c in range(len(batch.headers)):
            role = request.POST.get(f"role_{c}", "ignore")
            paper = request.POST.get(f"paper_{c}", "")
            columns.append({"role": role if role in ROLE_LABELS else "ignore",
                            "paper": int(paper) if paper.isdigit() else None,
                            "item": request.POST.get(f"item_{c}", "").strip()})
        default_class = request.POST.get("default_class")
        try:
            batch = services.scores_import(actor=request.user, batch=batch, mapping=columns,
                                           allowed_schools=_allowed_schools(request, exam),
                                           default_class=default_class)
        except DomainError as exc:
            error = str(exc)  # the form is shown again with the user's choices kept
        else:
            if batch.status == BatchStatus.APPLIED:
                messages.success(request, f"已导入 {batch.student_count} 名学生的成绩。")
            return redirect("quality:import_detail", batch_id=batch.pk)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"{batch.filename}-问题清单", "问题", ["行", "学生", "列", "问题", "级别"],
                             ([p["row"] or "", p.get("student", ""), p["column"], p["reason"],
                               "错误" if p["level"] == "error" else "提示"] for p in batch.problems))
    # The sample rows were kept at upload: this page never reads the file (or its table) again.
    samples: list[list[str]] = [[] for _ in batch.headers]
    if batch.status in (BatchStatus.MAPPING, BatchStatus.REJECTED):
        for row in batch.samples:
            for c in range(len(batch.headers)):
                samples[c].append(str(row[c]) if c < len(row) else "")
    table = [{"index": c, "letter": col_letter(c), "label": label, "samples": samples[c],
              "map": columns[c] if c < len(columns) else {"role": "ignore", "paper": None, "item": ""}}
             for c, label in enumerate(batch.headers)]
    editable = batch.status in (BatchStatus.MAPPING, BatchStatus.REJECTED)
    default_class = (request.POST.get("default_class", "") if request.method == "POST"
                     else batch.mapping.get("default_class", ""))
    has_class_column = any(c["map"]["role"] == "class" for c in table)
    return render(request, "quality/import_detail.html", {
        "batch": batch, "exam": exam, "table": table, "roles": ROLE_LABELS.items(), "papers": papers,
        "error": error, "errors": [p for p in batch.problems if p["level"] == "error"],
        "warnings": [p for p in batch.problems if p["level"] == "warning"],
        "editable": editable, "default_class": default_class, "has_class_column": has_class_column,
        "class_source": batch.mapping.get("class_source", ""),
        # What the file lacks, said before the user maps every column.
        "missing": missing_columns([c["map"] for c in table], has_default_school=batch.school_id is not None,
                                   default_class=default_class) if editable else [],
        "can_discard": editable and can_discard_batch(request.user, batch)})


@login_required
@require_POST
def import_undo(request: AuthedRequest, batch_id: int) -> HttpResponse:
    batch = get_batch_for_user(request.user, batch_id)
    try:
        services.import_undo(actor=request.user, batch=batch)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "该批次已整体撤销，相关统计已重新计算。")
    return redirect("quality:import_detail", batch_id=batch.pk)


@login_required
@require_POST
def import_discard(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """Discard a batch that wrote nothing (waiting for its mapping, or rejected)."""
    batch = get_batch_for_user(request.user, batch_id)
    require(can_discard_batch(request.user, batch), "没有找到该导入批次")
    exam_id = batch.exam_id
    try:
        services.import_discard(actor=request.user, batch=batch)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("quality:import_detail", batch_id=batch.pk)
    messages.success(request, f"已丢弃“{batch.filename}”，该批次没有导入任何成绩。")
    return redirect("quality:import_list", exam_id=exam_id)

"""分群体分析 (issue 15): an exam's results by student subgroup for one scope and subject, in
aggregate only, with small cells suppressed (quality.analysis.subgroups); and the upload of the
students' subgroup attributes. No student is ever listed here."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.access import require
from core.errors import DomainError
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.models import OrgNode
from core.paths import ancestor_paths, path_at_depth
from core.spreadsheets import CORE_LIMITS, check_upload_size
from quality import charts
from quality.access import can_import, can_import_for_school, can_see_node_rows, get_exam_for_user
from quality.analysis.subgroups import (
    ATTRIBUTES,
    SubgroupTable,
    rule_text,
    subgroup_table,
    suppress_grid,
    suppressed_text,
    unit_counts,
)
from quality.forms import ClassTeacherUploadForm
from quality.models import Exam, Paper
from quality.selectors import exam_schools, stats_profile, subgroup_inputs
from quality.services.student_attributes import student_attributes_import

MAX_SCOPES = 500


def _scopes(request: AuthedRequest, exam: Exam) -> list[OrgNode]:
    """The exam's node, the regions under it and its schools, as far as the viewer may see rows."""
    nodes = [exam.org] + list(OrgNode.objects.under(exam.org.path).exclude(pk=exam.org.pk).order_by("path")
                              [:MAX_SCOPES])
    return [n for n in nodes if can_see_node_rows(request.user, n.path)]


def _cells_row(t: SubgroupTable, i: int) -> list[Any]:
    c = t.cells[i] if i < len(t.cells) else t.total
    if c.suppressed:
        hidden = suppressed_text(t.min_cell)
        return [t.attribute.label, c.label, hidden, hidden, hidden, hidden, hidden, hidden, hidden]
    if c.empty:
        return [t.attribute.label, c.label, 0, None, None, None, None, None, None]
    return [t.attribute.label, c.label, c.n, c.mean, c.sd, c.score_rate, c.excellent_rate, c.pass_rate, c.low_rate]


def _tables(exam: Exam, paper: Paper, scope: OrgNode) -> list[SubgroupTable]:
    """The scope's tables. Below the exam's node, the scope's siblings (the other children of its
    parent in the exam) are counted too, so that a cell the siblings' pages would give away by
    subtraction from the parent is hidden here (quality.analysis.subgroups.suppress_grid)."""
    top = scope.pk == exam.org.pk or scope.parent_id is None
    base = exam.org if top else scope.parent
    assert base is not None
    schools = [s for s in exam_schools(exam) if base.path in ancestor_paths(s.path)]
    inputs = subgroup_inputs(paper, schools)

    # Each school's unit: the child of `base` on its path (the school itself when `base` is its county).
    def unit_path(path: str) -> str:
        return path_at_depth(path, base.depth + 1)

    unit_paths = sorted({unit_path(s.path) for s in schools})
    path_of = {s.code: s.path for s in schools}
    unit_of_school = np.array([unit_paths.index(unit_path(path_of[c])) for c in inputs.school_codes], dtype=np.int64)
    unit = unit_of_school[inputs.school_idx] if inputs.school_idx.size else inputs.school_idx
    if top:
        mine = np.ones(unit.size, dtype=np.bool_)
    else:
        mine = unit == (unit_paths.index(scope.path) if scope.path in unit_paths else -1)
    profile = stats_profile(paper)
    n_min = exam.min_group_size
    out = []
    for a in ATTRIBUTES:
        codes = inputs.codes[a.key]
        flags = None
        if not top and scope.path in unit_paths:
            grid = suppress_grid(unit_counts(unit, codes, inputs.scores, len(unit_paths)), n_min)
            flags = grid[unit_paths.index(scope.path)]
        out.append(subgroup_table(a, codes[mine], inputs.scores[mine], full_mark=float(paper.full_mark),
                                  precision=float(exam.score_step), min_cell=n_min, profile=profile,
                                  sd_kind=exam.sd_kind, denominator=exam.denominator,  # type: ignore[arg-type]  # model choices hold exactly the Literal values
                                  sibling_flags=flags))
    return out


HEADERS = ["群体划分", "群体", "实考人数", "平均分", "标准差", "得分率", "优秀率", "及格率", "低分率", "平均分差",
           "95%下限", "95%上限", "效应量Hedges g"]


@login_required
@require_GET
def exam_subgroups(request: AuthedRequest, exam_id: int) -> HttpResponse:
    exam = get_exam_for_user(request.user, exam_id)
    scopes = _scopes(request, exam)
    require(bool(scopes), "没有找到该页面")
    scope = next((s for s in scopes if s.code == request.GET.get("scope")), scopes[0])
    papers = list(exam.papers.select_related("subject").order_by("subject__sort"))
    paper = next((p for p in papers if str(p.pk) == request.GET.get("paper")), papers[0] if papers else None)
    n_min = exam.min_group_size
    tables: list[SubgroupTable] = []
    if paper is not None:
        tables = _tables(exam, paper, scope)
    rule = rule_text(n_min)
    if request.GET.get("format") == "xlsx" and paper is not None:
        rows = [_cells_row(t, i) for t in tables for i in range(len(t.cells) + 1)]
        # The gap of each attribute whose two groups are both shown, in the last four columns.
        gaps = [[t.attribute.label, f"两组差异（{t.attribute.values[0]}−{t.attribute.values[1]}）", None, None, None,
                 None, None, None, None, round(t.gap.difference, 3), round(t.gap.lower, 3), round(t.gap.upper, 3),
                 round(t.gap.hedges_g, 3) if t.gap.hedges_g is not None else None]
                for t in tables if t.gap is not None]
        return xlsx_response(f"{exam.name}-{scope.name}-{paper.subject.name}-分群体分析", "分群体分析", HEADERS,
                             [*rows, *gaps], note=rule)
    labels: list[str] = []
    values: list[float | None] = []
    for t in tables:
        for c in t.cells[:2]:
            labels.append(c.label)
            values.append(None if c.suppressed or c.empty else c.mean)
    chart = charts.bars(labels, values, "各群体平均分（被隐藏的群体不显示）", "分") if tables else None
    return render(request, "quality/exam_subgroups.html", {
        "exam": exam, "scopes": scopes, "scope": scope, "papers": papers, "paper_choice": paper, "tables": tables,
        "rule": rule, "hidden": suppressed_text(n_min), "chart": chart, "min_cell": n_min,
        "can_import": can_import(request.user, exam)})


@login_required
@require_http_methods(["GET", "POST"])
def student_attributes(request: AuthedRequest, exam_id: int) -> HttpResponse:
    exam = get_exam_for_user(request.user, exam_id)
    require(can_import(request.user, exam), "没有找到该页面")
    form = ClassTeacherUploadForm(request.POST or None, request.FILES or None)
    form.fields["file"].label = "学生群体信息文件（.xlsx 或 .csv）"
    report = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        allowed = [s for s in exam_schools(exam) if can_import_for_school(request.user, exam, s)]
        try:
            check_upload_size(f.size, CORE_LIMITS)
            report = student_attributes_import(actor=request.user, exam=exam, filename=f.name, content=f.read(),
                                               allowed_schools=allowed)
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            if report.ok:
                messages.success(request, f"已导入 {report.rows} 名学生的群体信息：更新 {report.updated} 名，"
                                          f"未变 {report.unchanged} 名。")
                return redirect("quality:student_attributes", exam_id=exam.pk)
    return render(request, "quality/student_attributes.html", {
        "exam": exam, "form": form, "report": report})

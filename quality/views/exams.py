"""Exam list, creation, conventions, blueprint, and the overview page (per region, school, class)."""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.access import require
from core.errors import DomainError
from core.exporting import xlsx_response
from core.http import AuthedRequest
from quality import blueprint as bp
from quality import charts, services
from quality.access import (
    can_import,
    can_manage_exam,
    class_teachers_for_importer,
    exam_creation_nodes,
    exams_visible_to,
    get_exam_for_user,
    get_paper_for_user,
    summary_rows_visible_to,
)
from quality.conventions import ExamConventions
from quality.forms import BlueprintForm, ConventionsForm, ExamForm, ThresholdForm
from quality.models import Exam, Paper, PaperSummary
from quality.selectors import class_rows as selected_class_rows

LEVEL_LABELS = {"region": "区域", "school": "学校", "class": "班级"}
RATE_HEADERS = ["单位", "层级", "应考", "实考", "缺考", "平均分", "标准差", "得分率", "优秀率", "及格率", "低分率", "超均率(%)",
                "最高分", "最低分"]


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    exams = list(exams_visible_to(request.user).order_by("-held_on", "-id")[:200])
    return render(request, "quality/home.html", {
        "exams": exams, "can_create": bool(exam_creation_nodes(request.user))})


@login_required
@require_http_methods(["GET", "POST"])
def exam_create(request: AuthedRequest) -> HttpResponse:
    orgs = exam_creation_nodes(request.user)
    require(bool(orgs), "没有找到该页面")
    form = ExamForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        exam = services.exam_create(actor=request.user, org=d["org"], name=d["name"], kind=d["kind"],
                                    term_key=d["term_key"], stage=d["stage"], grade=d["grade"], held_on=d["held_on"],
                                    papers=d["papers"])
        messages.success(request, "考试已创建。请为各科录入双向细目表，然后导入成绩。")
        return redirect("quality:exam_detail", exam_id=exam.pk)
    return render(request, "quality/exam_form.html", {"form": form})


@login_required
def exam_detail(request: AuthedRequest, exam_id: int) -> HttpResponse:
    exam = get_exam_for_user(request.user, exam_id)
    papers = list(exam.papers.select_related("subject").order_by("subject__sort"))
    paper = next((p for p in papers if str(p.pk) == request.GET.get("paper")), papers[0] if papers else None)
    level = request.GET.get("level", "school")
    if level not in LEVEL_LABELS:
        level = "school"
    export = request.GET.get("format") == "xlsx"
    summary = PaperSummary.objects.filter(paper=paper).only("data").first() if paper else None
    data = summary.data if summary else {}
    rows = summary_rows_visible_to(request.user, data)
    top = next((u for u in rows if u["key"] == data.get("top")), None)
    schools = [u for u in rows if u["level"] == "school"]
    school_key = request.GET.get("school", "")
    if level == "class" or export:
        # Classes are read only when asked for, one school at a time on the page (a city exam
        # has thousands of them); the export has every visible class.
        keys = {s["key"] for s in schools}
        if not export:
            school_key = school_key if school_key in keys else (schools[0]["key"] if schools else "")
            keys = {school_key} & keys
        class_rows = selected_class_rows(paper.pk, keys) if paper else []
    else:
        class_rows = []
    if export and paper is not None:
        school_names = {s["key"]: s["name"] for s in schools}
        return xlsx_response(f"{exam.name}-{paper.subject.name}-一分三率", "一分三率", RATE_HEADERS,
                             (_rate_row(u, school_names) for u in rows + class_rows), note=_note(exam, data))
    shown = ([u for u in rows if u["level"] == level] if level != "class" else class_rows)
    shown = ([top] if top else []) + [u for u in shown if u is not top]
    ctx: dict[str, Any] = {
        "exam": exam, "papers": papers, "paper": paper, "level": level, "levels": LEVEL_LABELS, "data": data,
        "rows": shown, "top": top, "can_manage": can_manage_exam(request.user, exam),
        "can_import": can_import(request.user, exam),
        "schools": schools, "school_key": school_key,
    }
    if ctx["can_import"]:
        # The 任课安排 the user may upload, so a missing one (no teacher warnings) is visible.
        ctx["class_teacher_count"] = class_teachers_for_importer(request.user, exam).count()
    if data and top:
        ctx["dist_chart"] = charts.distribution(data["band_labels"], top["bands"])
        ctx["trend_chart"] = _trend(request, exam, paper, {s["key"] for s in schools[:8]}) if paper else None
        if schools:
            ctx["box_chart"] = charts.boxplot([s["name"] for s in schools], [s["quantiles"] for s in schools])
    return render(request, "quality/exam_detail.html", ctx)


def _trend(request: AuthedRequest, exam: Exam, paper: Paper, keys: set[str]) -> dict[str, Any] | None:
    """Mean score of the exam population and of (up to 8) visible schools across this node's
    exams of the same stage and subject, oldest first."""
    rows = list(PaperSummary.objects.filter(paper__exam__org=exam.org, paper__exam__stage=exam.stage,
                                            paper__subject=paper.subject, paper__exam__in=exams_visible_to(request.user))
                .select_related("paper__exam").order_by("paper__exam__held_on")[:12])
    if len(rows) < 2:
        return None
    names: dict[str, str] = {}
    series: dict[str, list[float | None]] = {"全体": []}
    for s in rows:
        units = {u["key"]: u for u in s.data.get("units", [])}
        series["全体"].append((units.get(s.data.get("top", "")) or {}).get("score_rate"))
        for k in keys:
            names[k] = units[k]["name"] if k in units else names.get(k, k)
            series.setdefault(k, []).append(units[k]["score_rate"] if k in units else None)
    return charts.trend([s.paper.exam.name for s in rows],
                        [(names.get(k, k), v) for k, v in series.items()], "得分率趋势", "得分率")


def _note(exam: Exam, data: dict[str, Any]) -> str:
    return f"{exam.name}；{data.get('rates_rule', '')}；" + "；".join(exam.settings_lines())


def _rate_row(u: dict[str, Any], school_names: dict[str, str]) -> list[Any]:
    """One row of the 一分三率 export; a class is named by its school and class (小店第一中学 8(1)班)."""
    q = u.get("quantiles") or [None] * 5
    name = f"{school_names.get(u['parent'], '')} {u['name']}".strip() if u["level"] == "class" else u["name"]
    return [name, LEVEL_LABELS[u["level"]], u["registered"], u["sat"], u["absent"], u["mean"], u["sd"],
            u["score_rate"], u["excellent_rate"], u["pass_rate"], u["low_rate"], u["above_mean"], q[4], q[0]]


@login_required
@require_http_methods(["GET", "POST"])
def exam_settings(request: AuthedRequest, exam_id: int) -> HttpResponse:
    exam = get_exam_for_user(request.user, exam_id, write=True)
    form = ConventionsForm(request.POST or None, instance=exam)
    if request.method == "POST" and form.is_valid():
        # The model form has set the values on `exam`; the service reads the row afresh, locked.
        services.exam_update_conventions(actor=request.user, exam=exam,
                                         conventions=ExamConventions.from_cleaned(form.cleaned_data))
        messages.success(request, "分析口径已保存，各科结果已按新口径重新计算。")
        return redirect("quality:exam_detail", exam_id=exam.pk)
    return render(request, "quality/exam_settings.html", {"exam": exam, "form": form})


# The table of the blueprint page posts its cells as item-<row>-<field>, so it works without
# JavaScript; static/js/quality-blueprint.js only adds row operations, paste and the live total.
_ROW_KEY = re.compile(r"^item-(\d{1,4})-(" + "|".join(bp.FIELDS) + r")$")
BLANK_ROWS = 3  # empty rows below the items, to type into without JavaScript
ADD_ROWS = 5


def _posted_rows(post: QueryDict) -> list[dict[str, str]]:
    by_index: dict[int, dict[str, str]] = {}
    for key in post:
        m = _ROW_KEY.match(key)
        if m:
            by_index.setdefault(int(m[1]), {})[m[2]] = post.get(key, "")
    return [{f: by_index[i].get(f, "") for f in bp.FIELDS} for i in sorted(by_index)]


def _saved_rows(paper: Paper) -> list[dict[str, str]]:
    return [{"label": i.label, "kind": i.kind, "max_score": bp.format_score(i.max_score),
             "knowledge_point": i.knowledge_point, "ability": i.ability, "answer_key": i.answer_key}
            for i in paper.items.all()]


def _table(rows: list[dict[str, str]], check: bp.BlueprintCheck | None) -> list[dict[str, Any]]:
    """What the template draws per row: its cells as typed, its kind, its errors."""
    by_row = check.errors_by_row() if check else {}
    out = []
    for i, r in enumerate(rows):
        kind_text = bp.normalize(r.get("kind"))
        kind = bp.KINDS.get(kind_text) or bp.KINDS.get(kind_text.lower())
        errors = by_row.get(i + 1, [])
        out.append({"i": i, "n": i + 1, "values": r, "kind": kind, "kind_typed": "" if kind else kind_text,
                    "errors": [e.reason if e.field is None else f"{bp.FIELD_LABELS[e.field]}：{e.reason}"
                               for e in errors],
                    "bad": {e.field for e in errors if e.field}})
    return out


def _blank() -> dict[str, str]:
    return {f: "" for f in bp.FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def paper_blueprint(request: AuthedRequest, paper_id: int) -> HttpResponse:
    paper: Paper = get_paper_for_user(request.user, paper_id, write=True)
    saved = _saved_rows(paper)
    rows = [*saved, *(_blank() for _ in range(BLANK_ROWS if saved else 10))]
    check: bp.BlueprintCheck | None = None
    table_errors: list[str] = []
    t = paper.thresholds
    action = request.POST.get("action", "")
    text_form = BlueprintForm(request.POST if action == "fill" else None)
    th_form = ThresholdForm(request.POST if "excellent" in request.POST else None,
                            initial={"excellent": t.excellent, "passing": t.passing, "low": t.low})
    if request.method == "POST" and "excellent" in request.POST:
        if th_form.is_valid():
            d = th_form.cleaned_data
            services.thresholds_save(actor=request.user, paper=paper, excellent=d["excellent"], passing=d["passing"],
                                     low=d["low"])
            messages.success(request, "分数线已保存，结果已重新计算。")
            return redirect("quality:paper_blueprint", paper_id=paper.pk)
    elif request.method == "POST" and action == "fill":
        # The block pasted into the text box replaces the table's rows, to be checked and saved.
        rows = _posted_rows(request.POST)
        if text_form.is_valid():
            rows = bp.rows_from_text(text_form.cleaned_data["text"])
            check = bp.validate_rows(rows, full_mark=paper.full_mark)
            messages.info(request, f"已将粘贴的 {len(rows)} 行填入表格，核对后请点击“保存细目表”。")
            rows.append(_blank())
            text_form = BlueprintForm()
    elif request.method == "POST" and action == "add_rows":
        rows = [*_posted_rows(request.POST), *(_blank() for _ in range(ADD_ROWS))]
    elif request.method == "POST":
        rows = _posted_rows(request.POST)
        try:
            saved_check = services.blueprint_save(actor=request.user, paper=paper, rows=rows)
        except services.BlueprintInvalid as exc:
            check = exc.check
        except DomainError as exc:
            table_errors = [str(exc)]
        else:
            messages.success(request, f"双向细目表已保存，共 {len(saved_check.rows)} 题。")
            for w in saved_check.warnings:
                messages.warning(request, str(w))
            return redirect("quality:paper_blueprint", paper_id=paper.pk)
        if not rows or not bp.is_blank(rows[-1]):
            rows.append(_blank())
    if check is not None:
        table_errors += [str(e) for e in check.table_errors()]
    total = bp.running_total(rows)
    return render(request, "quality/paper_blueprint.html", {
        "paper": paper, "exam": paper.exam, "item_count": len(saved), "table": _table(rows, check),
        "row_count": len(rows), "table_errors": table_errors, "check": check, "total": bp.format_score(total),
        "total_differs": total != paper.full_mark, "locked": services.blueprint_locked(paper),
        "full_mark": bp.format_score(paper.full_mark), "kinds": list(bp.KIND_LABELS.items()),
        "kinds_json": json.dumps(bp.KINDS, ensure_ascii=False), "text_form": text_form, "th_form": th_form})

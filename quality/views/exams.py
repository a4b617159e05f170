"""Exam list, creation, conventions, blueprint, and the overview page (per region, school, class)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.access import require
from core.errors import DomainError
from core.exporting import xlsx_response
from core.http import AuthedRequest
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


@login_required
@require_http_methods(["GET", "POST"])
def paper_blueprint(request: AuthedRequest, paper_id: int) -> HttpResponse:
    paper: Paper = get_paper_for_user(request.user, paper_id, write=True)
    items = list(paper.items.all())
    initial = "\n".join(f"{i.label},{i.get_kind_display()},{i.max_score.normalize():f},{i.knowledge_point},{i.ability}"
                        + (f",{i.answer_key}" if i.answer_key else "") for i in items)
    t = paper.thresholds
    bp_form = BlueprintForm(request.POST if "text" in request.POST else None, initial={"text": initial})
    th_form = ThresholdForm(request.POST if "excellent" in request.POST else None,
                            initial={"excellent": t.excellent, "passing": t.passing, "low": t.low})
    if request.method == "POST":
        if "text" in request.POST and bp_form.is_valid():
            try:
                services.blueprint_save(actor=request.user, paper=paper, text=bp_form.cleaned_data["text"])
            except DomainError as exc:
                bp_form.add_error("text", str(exc))
            else:
                messages.success(request, "双向细目表已保存。")
                return redirect("quality:paper_blueprint", paper_id=paper.pk)
        elif "excellent" in request.POST and th_form.is_valid():
            d = th_form.cleaned_data
            services.thresholds_save(actor=request.user, paper=paper, excellent=d["excellent"], passing=d["passing"],
                                     low=d["low"])
            messages.success(request, "分数线已保存，结果已重新计算。")
            return redirect("quality:paper_blueprint", paper_id=paper.pk)
    return render(request, "quality/paper_blueprint.html", {"paper": paper, "exam": paper.exam, "items": items,
                                                            "bp_form": bp_form, "th_form": th_form})

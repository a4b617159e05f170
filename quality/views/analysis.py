"""Item analysis, balance, value added, the students of a school, and IRT status pages."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.access import require
from core.errors import DomainError
from core.exporting import xlsx_response
from core.http import AuthedRequest
from quality import charts, services
from quality.access import (
    can_correct_scores,
    can_manage_exam,
    can_see_names,
    can_see_ranks,
    can_see_students,
    exams_visible_to,
    get_paper_for_user,
    get_school_in_exam,
    summary_rows_visible_to,
    units_visible_to,
)
from quality.analysis.indicators import VAUnit, balance, value_added
from quality.analysis.irt import MODEL_LABELS, recommend_model
from quality.analysis.school_students import ExamReference, StudentRow, student_rows
from quality.analysis.value_added_units import class_units, link_prior, school_units, teacher_units
from quality.blocks import STATUS_LABELS, sat_mask
from quality.conventions import ExamConventions
from quality.models import CheatPolicy, IrtRun, Paper, PaperSummary
from quality.selectors import class_teacher_assignments, flat_scores, school_block, student_labels, summary_data

P_BANDS = {"easy": "易", "moderate": "中", "hard": "难", "n/a": "—"}
D_BANDS = {"very_good": "很好", "good": "良好", "fair": "尚可", "poor": "差", "discard": "淘汰", "n/a": "—"}
VA_UNITS: dict[str, VAUnit] = {"school": "school", "class": "class", "teacher": "teacher"}
D_METHODS = {"corrected_item_total": "校正题总相关", "item_total": "题总相关（点二列）", "upper_lower_27": "27%高低分组法"}


@login_required
def paper_items(request: AuthedRequest, paper_id: int) -> HttpResponse:
    paper = get_paper_for_user(request.user, paper_id)
    data = summary_data(paper)
    items = data.get("items") or []
    for it in items:
        it["p_band_label"] = P_BANDS.get(it["p_band"], it["p_band"])
        it["d_band_label"] = D_BANDS.get(it["d_band"], it["d_band"])
    method = D_METHODS.get(data.get("discrimination_method", ""), "")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"{paper}-试题分析", "试题分析",
                             ["题号", "题型", "满分", "知识点", "能力", "难度P", "难度等级", f"区分度（{method}）", "区分度等级",
                              "题总相关", "校正题总相关", "标准差"],
                             ([i["label"], i["kind"], i["max"], i["kp"], i["ability"], i["difficulty"],
                               i["p_band_label"], i["d"], i["d_band_label"], i["r"], i["r_corrected"], i["sd"]]
                              for i in items), note="；".join(data.get("conventions", [])))
    ctx: dict[str, Any] = {"paper": paper, "exam": paper.exam, "data": data, "items": items, "method": method,
                           "rel": data.get("reliability"), "can_link": can_manage_exam(request.user, paper.exam)}
    bp = data.get("blueprint") or {}
    schools = [u for u in summary_rows_visible_to(request.user, data) if u["level"] == "school"]
    for key, title in (("kp", "知识点得分率"), ("ability", "能力层级得分率")):
        if key in bp:
            series = [("全体", bp[key]["total"])] + [(s["name"], bp[key]["schools"].get(s["key"], []))
                                                     for s in schools[:6]]
            ctx[f"{key}_chart"] = charts.radar(bp[key]["labels"], series, title)
            ctx[f"{key}_rows"] = list(zip(bp[key]["labels"], bp[key]["points"], bp[key]["total"], strict=True))
    if items:
        ctx["p_chart"] = charts.bars([i["label"] for i in items], [i["difficulty"] for i in items], "各题难度", "P")
    return render(request, "quality/paper_items.html", ctx)


@login_required
def paper_balance(request: AuthedRequest, paper_id: int) -> HttpResponse:
    paper = get_paper_for_user(request.user, paper_id)
    exam = paper.exam
    data = summary_data(paper)
    schools = [u for u in data.get("units", []) if u["level"] == "school"]
    # The CV is a property of the whole region: computed over every school of the exam, but
    # school names are listed only where the viewer may see them.
    result = balance([u["mean"] for u in schools], [u["sat"] for u in schools], stage=exam.stage)
    visible = {u["key"] for u in summary_rows_visible_to(request.user, data)}
    rows = [u for u in schools if u["key"] in visible]
    # Trend: the same node's exams of this subject, oldest first (QM.BALANCE).
    trend_x: list[str] = []
    trend_cv: list[float | None] = []
    trend_gini: list[float | None] = []
    others = (PaperSummary.objects.filter(paper__exam__org=exam.org, paper__subject=paper.subject,
                                          paper__exam__in=exams_visible_to(request.user))
              .select_related("paper__exam").order_by("paper__exam__held_on"))
    for s in others:
        sch = [u for u in s.data.get("units", []) if u["level"] == "school"]
        b = balance([u["mean"] for u in sch], [u["sat"] for u in sch], stage=exam.stage)
        trend_x.append(s.paper.exam.name)
        trend_cv.append(b["cv"] if b else None)
        trend_gini.append(b["gini"] if b else None)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"{paper}-均衡", "均衡", ["学校", "实考", "平均分"],
                             ([u["name"], u["sat"], u["mean"]] for u in rows),
                             note=f"差异系数（按实考人数加权）={result['cv'] if result else '—'}；"
                                  f"基尼系数={result['gini'] if result else '—'}；泰尔指数={result['theil'] if result else '—'}")
    return render(request, "quality/paper_balance.html", {
        "paper": paper, "exam": exam, "result": result, "rows": rows,
        "mean_chart": charts.bars([u["name"] for u in rows], [u["mean"] for u in rows], "各校平均分", "分"),
        "trend_chart": charts.trend(trend_x, [("差异系数", trend_cv), ("基尼系数", trend_gini)], "均衡指标趋势")
        if len(trend_x) > 1 else None})


def _prior_papers(request: AuthedRequest, paper: Paper) -> list[Paper]:
    return list(Paper.objects.filter(exam__in=exams_visible_to(request.user), exam__held_on__lt=paper.exam.held_on,
                                     subject=paper.subject, blocks__isnull=False)
                .select_related("exam", "subject").distinct().order_by("-exam__held_on")[:20])


@login_required
def paper_value_added(request: AuthedRequest, paper_id: int) -> HttpResponse:
    paper = get_paper_for_user(request.user, paper_id)
    exam = paper.exam
    priors = _prior_papers(request, paper)
    prior = next((p for p in priors if str(p.pk) == request.GET.get("prior")), priors[0] if priors else None)
    unit: VAUnit = VA_UNITS.get(request.GET.get("unit", ""), "school")
    ctx: dict[str, Any] = {"paper": paper, "exam": exam, "priors": priors, "prior": prior, "unit": unit}
    if prior is not None:
        now = flat_scores(paper, cheat_as_zero=exam.cheat_policy == CheatPolicy.ZERO)
        before = flat_scores(prior, cheat_as_zero=prior.exam.cheat_policy == CheatPolicy.ZERO)
        # Students are linked by their pseudonymous id: the model uses every linked student of
        # the exam (the reference population); only units in the viewer's scope are listed.
        prior_scores = link_prior(now.student_ids, before.student_ids, before.scores)
        if unit == "school":
            units = school_units(now.school_idx, now.school_codes, now.school_names)
        elif unit == "teacher":
            # 依学评教: a teacher's unit is the classes they taught this subject in the exam's term.
            units = teacher_units(now.class_keys, now.class_idx, class_teacher_assignments(paper))
        else:
            units = class_units(now.class_keys, now.class_idx, now.school_codes, now.school_names)
        y1, y0, group = units.inputs(now.scores, prior_scores)
        if int(np.isfinite(y0).sum()) >= 3:
            res = value_added(y1, y0, group, units.names, unit=unit, min_group_size=exam.min_group_size,
                              outcome_label=f"{exam.name}{paper.subject.name}成绩",
                              prior_label=f"{prior.exam.name}{prior.subject.name}成绩", default=exam.va_model)
            keep = units_visible_to(request.user, units.school_codes,
                                    teacher_subject_id=paper.subject_id if unit == "teacher" else None)
            for key in ("rows", "cross_rows", "legacy_rows"):
                res[key] = [r for r in res[key] if r["index"] in keep]
            ctx["res"] = res
            ctx["scatter"] = charts.labelled_scatter([(r["name"], r["prior_mean"], r["effect"]) for r in res["rows"]
                                             if r["reported"] and r["prior_mean"] is not None
                                             and r["effect"] is not None],
                                            "增值与入口成绩", "入口平均分", "增值")
            if request.GET.get("format") == "xlsx":
                return xlsx_response(f"{paper}-增值评价", "增值", ["单位", "人数", "增值", "标准误", "下限", "上限", "原始平均残差",
                                                               "信度λ", "入口平均分", "是否报告"],
                                     ([r["name"], r["n"], r["effect"], r["se"], r["lower"], r["upper"], r["raw"],
                                       r["reliability"], r["prior_mean"], r["reported"]] for r in res["rows"]),
                                     note=res["main"]["explanation"])
    return render(request, "quality/paper_value_added.html", ctx)


@login_required
# Students' names and ranks (minors' data, issue 8 #14): neither the browser nor a shared proxy
# keeps a copy of the page or of its export.
@never_cache
def school_students(request: AuthedRequest, paper_id: int, code: str) -> HttpResponse:
    paper = get_paper_for_user(request.user, paper_id)
    exam = paper.exam
    school = get_school_in_exam(request.user, exam, code)
    require(can_see_students(request.user, school), "没有找到该页面")
    block = school_block(paper, school)
    data = summary_data(paper)
    show_names = can_see_names(request.user, school)
    show_ranks = can_see_ranks(request.user, school)
    rows: list[StudentRow] = []
    if block is not None and data:
        conv = ExamConventions.of(exam)
        step = float(exam.score_step)
        sat = sat_mask(block.status, exam.cheat_policy == CheatPolicy.ZERO)
        top = next(u for u in data["units"] if u["key"] == data["top"])
        ref = ExamReference(hist=np.array(data["hist"], dtype=np.int64), mean=top["mean"] or 0.0, sd=top["sd"] or 0.0,
                            step=step, rank_method=exam.rank_method,
                            cut=float(data["lines"]["pass" if exam.border_cut == "pass" else "excellent"]),
                            border_delta=float(exam.border_delta), border_side=conv.side_name)
        keys, names = student_labels(block.student_ids.tolist(), with_names=show_names)
        rows = student_rows(student_ids=block.student_ids, class_idx=block.class_idx.astype(np.int64),
                            class_labels=block.class_labels,
                            statuses=[STATUS_LABELS[int(v)] for v in block.status.tolist()],
                            scores=np.where(sat, np.maximum(block.totals, 0) * step, np.nan), ref=ref,
                            keys=keys, names=names, show_ranks=show_ranks)
    if request.GET.get("format") == "xlsx":
        headers = ["学生代号"] + (["姓名"] if show_names else []) + ["班级", "状态", "成绩", "Z分", "T分"] + \
            (["区域名次"] if show_ranks else []) + ["临界生"]
        return xlsx_response(f"{school.name}-{paper.subject.name}-学生成绩", "学生", headers,
                             ([r.key] + ([r.name] if show_names else []) + [r.class_label, r.status, r.score,
                              r.z, r.t] + ([r.rank] if show_ranks else []) + [r.border] for r in rows),
                             note="；".join(exam.settings_lines()))
    return render(request, "quality/school_students.html", {
        "paper": paper, "exam": exam, "school": school, "rows": rows, "show_names": show_names,
        "show_ranks": show_ranks, "n_border": sum(1 for r in rows if r.border),
        "can_correct": can_correct_scores(request.user, paper, school)})


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@login_required
@require_http_methods(["GET", "POST"])
def paper_irt(request: AuthedRequest, paper_id: int) -> HttpResponse:
    paper = get_paper_for_user(request.user, paper_id)
    manage = can_manage_exam(request.user, paper.exam)
    choice = recommend_model(summary_data(paper).get("items") or [])
    if request.method == "POST":
        require(manage, "没有找到该页面")
        model = request.POST.get("model", "")
        if model not in MODEL_LABELS:
            model = choice.model if choice is not None else "GRM"
        try:
            # Only the request is recorded here: the fit runs in the task worker.
            services.irt_request(actor=request.user, paper=paper, model=model)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已提交后台计算，完成后本页显示结果。")
        return redirect("quality:paper_irt", paper_id=paper.pk)
    runs = list(IrtRun.objects.filter(paper=paper)[:10])
    for run in runs:
        if run.error and not _has_chinese(run.error):
            run.error = "计算没有成功：这些小题分不足以估计模型参数，请检查成绩数据后重试"  # a run from before plain messages
    return render(request, "quality/paper_irt.html", {
        "paper": paper, "exam": paper.exam, "runs": runs, "latest": runs[0] if runs else None,
        "can_manage": manage, "choice": choice, "models": list(MODEL_LABELS.items()),
        "polling": any(r.status in ("queued", "running") for r in runs)})

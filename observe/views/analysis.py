"""Analysis of observations per teacher, school, subject and region: counts by kind, score
distributions by dimension (radar and box charts; evaluative or released observations only),
S-T modes mix, trends over terms, and common problems mined from the free text.

Counts and scores come from the observation aggregates (observe.aggregates) when the viewer's
grants cover the whole subtree, so a province merges a few rows instead of reading every
observation; a teacher's own view, or one narrowed to one teacher, reads the observations.
Text mining runs in a task on a bounded sample and is cached per scope (observe.mining)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from core import echarts
from core.access import get_node_for_user, get_person_for_user, home_node, require
from core.http import AuthedRequest
from core.models import Subject
from core.terms import terms_for
from core.views.common import chosen_term
from observe import analysis_data, selectors
from observe.coding.st import MODE_LABELS
from observe.mining import phrases_for
from observe.models import ObservationKind


@login_required
def analysis(request: AuthedRequest) -> HttpResponse:
    user = request.user
    code = request.GET.get("node", "").strip()
    node = get_node_for_user(user, code) if code else home_node(user)
    require(node is not None)
    assert node is not None
    term, terms = chosen_term(request, node)
    subject = Subject.objects.filter(code=request.GET.get("subject", "")).first()
    teacher_code = request.GET.get("teacher", "").strip()
    teacher = get_person_for_user(user, teacher_code) if teacher_code else None
    ctx: dict[str, Any] = {"node": node, "term": term, "terms": terms, "subjects": Subject.objects.all(),
                           "subject": subject, "teacher": teacher}
    if term is None:
        return render(request, "observe/analysis.html", ctx)
    f = selectors.ObservationFilter(node.path, subject.pk if subject else None, teacher.pk if teacher else None)
    recent = sorted(terms_for(node), key=lambda t: t.start)[-6:]
    figures = analysis_data.analysis_figures(user, node, f, term, recent)
    chart_data: dict[str, Any] = {}
    kinds = dict(ObservationKind.choices)
    ctx["by_kind"] = [(kinds.get(k, k), n) for k, n in figures.now.by_kind]
    ctx["total"] = figures.now.lessons
    ctx["developmental"] = figures.now.developmental
    ctx["from_aggregates"] = figures.from_aggregates
    if ctx["by_kind"]:
        chart_data["chart-kind"] = echarts.pie(ctx["by_kind"], "课型分布")

    # Scores: only what may feed appraisal (evaluative, or released by the teacher).
    now = figures.now
    if now.template is not None:
        names = list(now.rates)
        ctx["score_template"], ctx["scored_n"] = now.template, now.scored
        ctx["totals"] = now.totals
        ctx["total_mean"], ctx["total_sd"] = now.total_mean, now.total_sd
        ctx["dimension_rows"] = [(name, now.rate_means[name], now.rate_sds[name]) for name in names]
        if names:
            chart_data["chart-box"] = echarts.boxplot(names, list(now.rates.values()),
                                                      f"各维度得分率分布（{now.template}，{now.scored}节）",
                                                      "得分率%", y_max=100)
            if len(names) >= 3:
                chart_data["chart-radar"] = echarts.radar(names, [("平均", list(now.rate_means.values()))],
                                                          "各维度平均得分率", max_value=100)

    modes = selectors.st_mode_counts(user, f, term.start, term.end)
    ctx["modes"] = [(MODE_LABELS.get(m, m), n) for m, n in sorted(modes.items(), key=lambda kv: (-kv[1], kv[0]))]
    if modes:
        chart_data["chart-modes"] = echarts.pie(ctx["modes"], "S-T 教学模式")

    # Trends over the last terms: counts (all) and mean total (appraisal set).
    if recent:
        chart_data["chart-trend"] = echarts.lines(
            [t.label.replace("学年", " ") for t in recent],
            [("听课节数", [float(n) for n, _ in figures.trend]), ("平均总分", [m for _, m in figures.trend])],
            "各学期趋势")

    ctx["mining"] = phrases_for(user, f, term, expected=figures.now.lessons)
    ctx["chart_data"] = chart_data
    return render(request, "observe/analysis.html", ctx)

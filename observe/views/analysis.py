"""Analysis of observations per teacher, school, subject and region: counts by kind, score
distributions by dimension (radar and box charts; evaluative or released observations only),
S-T modes mix, trends over terms, and common problems mined from the free text."""

from __future__ import annotations

from collections import Counter
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
from observe import selectors
from observe.coding.st import MODE_LABELS
from observe.mining import mine
from observe.models import ObservationKind
from observe.observation_stats import dimension_rates, five_numbers, mean_or_none


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
    chart_data: dict[str, Any] = {}
    kinds = dict(ObservationKind.choices)
    ctx["by_kind"] = [(kinds.get(k, k), n) for k, n in selectors.kind_counts(user, f, term.start, term.end)]
    ctx["total"] = sum(n for _, n in ctx["by_kind"])
    ctx["developmental"] = selectors.purpose_counts(user, f, term.start, term.end).get("developmental", 0)
    if ctx["by_kind"]:
        chart_data["chart-kind"] = echarts.pie(ctx["by_kind"], "课型分布")

    # Scores: only what may feed appraisal (evaluative, or released by the teacher).
    rates = dimension_rates(selectors.scored_rows(user, f, term.start, term.end))
    if rates is not None:
        names = list(rates.rates)
        ctx["score_template"], ctx["scored_n"] = rates.template, rates.lessons
        ctx["totals"] = five_numbers(rates.totals)
        if names:
            chart_data["chart-box"] = echarts.boxplot(names, [five_numbers(v) for v in rates.rates.values()],
                                                      f"各维度得分率分布（{rates.template}，{rates.lessons}节）",
                                                      "得分率%", y_max=100)
            if len(names) >= 3:
                chart_data["chart-radar"] = echarts.radar(names, [("平均", rates.means())], "各维度平均得分率",
                                                          max_value=100)

    modes = Counter(selectors.st_mode_counts(user, f, term.start, term.end))
    ctx["modes"] = [(MODE_LABELS.get(m, m), n) for m, n in modes.most_common()]
    if modes:
        chart_data["chart-modes"] = echarts.pie(ctx["modes"], "S-T 教学模式")

    # Trends over the last terms: counts (all) and mean total (appraisal set).
    recent = sorted(terms_for(node), key=lambda t: t.start)[-6:]
    if recent:
        rows = selectors.per_term(user, f, [(t.start, t.end) for t in recent])
        chart_data["chart-trend"] = echarts.lines(
            [t.label.replace("学年", " ") for t in recent],
            [("听课节数", [float(n) for n, _ in rows]), ("平均总分", [mean_or_none(v) for _, v in rows])], "各学期趋势")

    ctx["phrases"] = mine(selectors.feedback_texts(user, f, term.start, term.end), top=25)
    ctx["chart_data"] = chart_data
    return render(request, "observe/analysis.html", ctx)

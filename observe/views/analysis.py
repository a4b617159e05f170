"""Analysis of observations per teacher, school, subject and region: counts by kind, score
distributions by dimension (radar and box charts; evaluative or released observations only),
S-T modes mix, trends over terms, and common problems mined from the free text."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render

from core.access import get_node_for_user, get_person_for_user, home_node, require
from core.http import AuthedRequest
from core.models import Subject
from core.terms import terms_for
from core.views.common import chosen_term
from observe import charts
from observe.access import (
    observation_facts_visible_to,
    observations_for_appraisal_visible_to,
    observations_visible_to,
)
from observe.coding.st import MODE_LABELS
from observe.mining import mine
from observe.models import CodingSession, ObservationKind

SCORE_ROWS = 5000  # newest scored observations read for the distributions
TEXT_ROWS = 3000  # newest texts mined


def _filter(qs: Any, node_path: str, subject: Subject | None, teacher_id: int | None) -> Any:
    qs = qs.filter(school__path__startswith=node_path)
    if subject is not None:
        qs = qs.filter(subject=subject)
    if teacher_id is not None:
        qs = qs.filter(teacher_id=teacher_id)
    return qs


def five_numbers(values: list[float]) -> list[float]:
    arr = np.asarray(values, dtype=float)
    return [round(float(x), 1) for x in np.percentile(arr, [0, 25, 50, 75, 100])]


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
    tid = teacher.pk if teacher else None
    ctx: dict[str, Any] = {"node": node, "term": term, "terms": terms, "subjects": Subject.objects.all(),
                           "subject": subject, "teacher": teacher}
    if term is None:
        return render(request, "observe/analysis.html", ctx)
    chart_data: dict[str, Any] = {}
    facts = _filter(observation_facts_visible_to(user), node.path, subject, tid).between(term.start, term.end)
    kinds = dict(ObservationKind.choices)
    by_kind = list(facts.values("kind").annotate(n=Count("id")).order_by("-n"))
    ctx["by_kind"] = [(kinds.get(r["kind"], r["kind"]), r["n"]) for r in by_kind]
    ctx["total"] = sum(r["n"] for r in by_kind)
    by_purpose = dict(facts.values_list("purpose").annotate(n=Count("id")).values_list("purpose", "n"))
    ctx["developmental"] = by_purpose.get("developmental", 0)
    if by_kind:
        chart_data["chart-kind"] = charts.pie(ctx["by_kind"], "课型分布")

    # Scores: only what may feed appraisal (evaluative, or released by the teacher).
    scored = (_filter(observations_for_appraisal_visible_to(user), node.path, subject, tid)
              .between(term.start, term.end).filter(assessment__total__isnull=False)
              .values_list("assessment__version__template__name", "assessment__dimension_scores",
                           "assessment__total")
              .order_by("-date")[:SCORE_ROWS])
    per_template: dict[str, list[tuple[dict[str, Any], float]]] = defaultdict(list)
    for name, dims, total in scored:
        per_template[name].append((dims, total))
    if per_template:
        name, rows = max(per_template.items(), key=lambda kv: len(kv[1]))
        ratios: dict[str, list[float]] = defaultdict(list)
        for dims, _ in rows:
            for d in dims.values():
                if d.get("max") and d.get("score") is not None:
                    ratios[d["title"]].append(100 * d["score"] / d["max"])
        names = list(ratios)
        ctx["score_template"], ctx["scored_n"] = name, len(rows)
        ctx["totals"] = five_numbers([t for _, t in rows])
        if names:
            chart_data["chart-box"] = charts.boxplot(names, [five_numbers(ratios[n]) for n in names],
                                                     f"各维度得分率分布（{name}，{len(rows)}节）")
            if len(names) >= 3:
                chart_data["chart-radar"] = charts.radar([(n, 100.0) for n in names], "各维度平均得分率",
                                                         [("平均", [round(float(np.mean(ratios[n])), 1)
                                                                    for n in names])])

    visible = _filter(observations_visible_to(user).submitted(), node.path, subject, tid).between(term.start, term.end)
    modes = Counter(dict(CodingSession.objects.filter(observation__in=visible.values("pk"), scheme_key__in=["ST", "STD"])
                         .exclude(mode="").values_list("mode").annotate(n=Count("id")).values_list("mode", "n")))
    ctx["modes"] = [(MODE_LABELS.get(m, m), n) for m, n in modes.most_common()]
    if modes:
        chart_data["chart-modes"] = charts.pie(ctx["modes"], "S-T 教学模式")

    # Trends over the last terms: counts (all) and mean total (appraisal set).
    recent = sorted(terms_for(node), key=lambda t: t.start)[-6:]
    base_facts = _filter(observation_facts_visible_to(user), node.path, subject, tid)
    base_scores = _filter(observations_for_appraisal_visible_to(user), node.path, subject, tid)
    counts, means = [], []
    for t in recent:
        counts.append(float(base_facts.between(t.start, t.end).count()))
        agg = base_scores.between(t.start, t.end).filter(assessment__total__isnull=False).values_list(
            "assessment__total", flat=True)[:SCORE_ROWS]
        vals = list(agg)
        means.append(round(float(np.mean(vals)), 1) if vals else None)
    if recent:
        chart_data["chart-trend"] = charts.lines([t.label.replace("学年", " ") for t in recent],
                                                 [("听课节数", list(counts)), ("平均总分", means)], "各学期趋势")

    texts = (visible.filter(~Q(problems="") | ~Q(suggestions="")).order_by("-date")
             .values_list("pk", "problems", "suggestions")[:TEXT_ROWS])
    ctx["phrases"] = mine(((pk, f"{p}。{s}") for pk, p, s in texts), top=25)
    ctx["chart_data"] = chart_data
    return render(request, "observe/analysis.html", ctx)

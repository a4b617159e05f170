"""What the observation analysis page reads: from the aggregates when the viewer's grants cover
the subtree (observe.access.observation_aggregates_visible_to), else from the observations
(observe.selectors). Both give `aggregates.Figures`, so the page cannot tell them apart (and
tests/test_observation_aggregates.py checks that they agree)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.access import AnyUser
from core.models import OrgNode, Term
from observe import aggregates, selectors
from observe.access import observation_aggregates_visible_to
from observe.observation_stats import dimension_rates, five_numbers, mean_or_none


@dataclass
class AnalysisFigures:
    now: aggregates.Figures
    trend: list[tuple[int, float | None]]  # per recent term: lessons, mean total
    from_aggregates: bool


def _sd(values: Sequence[float]) -> float | None:
    return round(float(np.std(values)), 1) if len(values) else None


def raw_figures(user: AnyUser, f: selectors.ObservationFilter, term: Term) -> aggregates.Figures:
    """The figures computed from the observations themselves."""
    by_kind = selectors.kind_counts(user, f, term.start, term.end)
    dev = selectors.purpose_counts(user, f, term.start, term.end).get("developmental", 0)
    lessons = sum(n for _, n in by_kind)
    rates = dimension_rates(selectors.scored_rows(user, f, term.start, term.end))
    kinds = sorted(by_kind, key=lambda kv: (-kv[1], kv[0]))
    if rates is None:
        return aggregates.Figures(lessons, dev, kinds, None, 0, [], None, None, {}, {}, {})
    means = {k: round(float(np.mean(v)), 1) for k, v in rates.rates.items()}
    sds = {k: _sd(v) or 0.0 for k, v in rates.rates.items()}
    return aggregates.Figures(lessons, dev, kinds, rates.template, rates.lessons, five_numbers(rates.totals),
                              mean_or_none(rates.totals), _sd(rates.totals),
                              {k: five_numbers(v) for k, v in rates.rates.items()}, means, sds)


def analysis_figures(user: AnyUser, node: OrgNode, f: selectors.ObservationFilter, term: Term,
                     recent: Sequence[Term]) -> AnalysisFigures:
    found = observation_aggregates_visible_to(user, node) if f.teacher_id is None else None
    if found is None:
        rows = selectors.per_term(user, f, [(t.start, t.end) for t in recent])
        return AnalysisFigures(raw_figures(user, f, term), [(n, mean_or_none(v)) for n, v in rows], False)
    counts, scores = found
    keys = sorted({term.key, *(t.key for t in recent)})
    if f.subject_id is not None:
        counts, scores = counts.filter(subject_id=f.subject_id), scores.filter(subject_id=f.subject_id)
    count_rows: dict[str, list[aggregates.Stats]] = {k: [] for k in keys}
    for key, lessons, dev, by_kind in counts.filter(term_key__in=keys).values_list(
            "term_key", "lessons", "developmental", "by_kind"):
        count_rows[key].append({"lessons": lessons, "developmental": dev, "by_kind": by_kind, "scored": 0,
                                "scores": {}})
    score_rows: dict[str, list[aggregates.Stats]] = {k: [] for k in keys}
    for key, scored, block in scores.filter(term_key__in=keys, scored__gt=0).values_list(
            "term_key", "scored", "scores"):
        score_rows[key].append({"lessons": 0, "developmental": 0, "by_kind": {}, "scored": scored, "scores": block})
    merged = aggregates.merge_rows([*count_rows[term.key], *score_rows[term.key]])
    trend = []
    for t in recent:
        lessons = sum(r["lessons"] for r in count_rows[t.key])
        mean = aggregates.mean_total(aggregates.merge_rows(score_rows[t.key])) if score_rows[t.key] else None
        trend.append((lessons, mean if mean is None or math.isfinite(mean) else None))
    return AnalysisFigures(aggregates.figures(merged), trend, True)

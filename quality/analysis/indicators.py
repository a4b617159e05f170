"""Pure computations over plain values for the balance, value-added and student pages.

- `balance`: the Ministry's enrolment-weighted CV of school means (analytics.md §7) with the
  stage thresholds, the unweighted CV for contrast, weighted Gini and Theil (diagnostics only).
  For achievement the weight is the number of sitters (实考) — the spec calls applying the CV to
  school mean scores a local convention [C], and the page says so.
- `value_added`: the three models of §8 on linked students (random intercept with EB shrinkage as
  the default, OLS residual as a cross-check, the legacy standard-score gain with its warning).
- `student_scores`: Z/T against the exam population and ranks from the merged histogram, so a
  school's students are ranked in the county without reading other schools' scores.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from quality.stats import (
    ValueAddedResult,
    cv_verdict,
    ministry_cv,
    ols_residual,
    random_intercept,
    rank_agreement,
    standard_score_gain,
    theil_t,
    weighted_gini,
)


def _f(x: float) -> float | None:
    return None if x is None or math.isnan(x) or math.isinf(x) else round(float(x), 6)


def balance(means: list[float], sat: list[int], *, stage: str) -> dict[str, Any] | None:
    """CV, Gini and Theil of school mean scores weighted by 实考 (§7)."""
    pairs = [(m, n) for m, n in zip(means, sat, strict=True) if n > 0 and m is not None]
    if len(pairs) < 2:
        return None
    x = np.array([p[0] for p in pairs], dtype=np.float64)
    w = np.array([p[1] for p in pairs], dtype=np.float64)
    cv = ministry_cv(x, w)
    cv_u = ministry_cv(x, w, weighting="none")
    verdicts = []
    if stage in ("primary", "junior"):
        for standard, label in (("quality", "优质均衡（单项 ≤ 0.50 小学 / 0.45 初中）"),
                                ("basic", "基本均衡（综合 ≤ 0.65 小学 / 0.55 初中）")):
            v = cv_verdict(cv.cv, stage=stage, standard=standard)  # type: ignore[arg-type]  # stage checked on the line above
            verdicts.append({"label": label, "threshold": v.threshold, "passed": v.passed})
    theil = theil_t(x, w) if bool(np.all(x > 0)) else None
    return {"cv": _f(cv.cv), "mean": _f(cv.mean), "sd": _f(cv.sd), "n_schools": cv.n_schools,
            "weight_total": cv.total_enrolment, "cv_unweighted": _f(cv_u.cv), "verdicts": verdicts,
            "gini": _f(weighted_gini(x, w)), "theil": _f(theil.total) if theil else None}


VAUnit = Literal["school", "class", "teacher"]


def _rows(res: ValueAddedResult, names: list[str], prior_mean: NDArray[np.float64]) -> list[dict[str, Any]]:
    out = []
    for g, name in enumerate(names):
        if g >= res.group_n.size or res.group_n[g] == 0:
            continue
        out.append({"name": name, "n": int(res.group_n[g]), "effect": _f(res.effect[g]), "se": _f(res.se[g]),
                    "lower": _f(res.lower[g]), "upper": _f(res.upper[g]), "raw": _f(res.raw_mean_residual[g]),
                    "reliability": _f(res.reliability[g]), "reported": bool(res.reported[g]),
                    "prior_mean": _f(prior_mean[g]), "index": g})
    return out


def _model(res: ValueAddedResult) -> dict[str, Any]:
    return {"model": res.model, "estimation": res.estimation, "explanation": res.explanation,
            "warnings": list(res.warnings), "n_students": res.n_students, "n_unlinked": res.n_unlinked,
            "n_groups": res.n_groups, "tau2": _f(res.tau2), "sigma2": _f(res.sigma2), "icc": _f(res.icc),
            "coefficients": [_f(c) for c in res.coefficients], "confidence": res.confidence,
            "min_group_size": res.min_group_size}


def value_added(y1: NDArray[np.float64], y0: NDArray[np.float64], group: NDArray[np.int64], names: list[str], *,
                unit: VAUnit, min_group_size: int, outcome_label: str, prior_label: str,
                default: str = "random_intercept") -> dict[str, Any]:
    """All three models of §8.1 on the same linked students, with the §8.3 cross-check."""
    n_groups = len(names)
    ok = np.isfinite(y1) & np.isfinite(y0)
    cnt = np.bincount(group[ok], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        prior_mean = np.bincount(group[ok], weights=y0[ok], minlength=n_groups) / cnt
    labels = {"outcome_label": outcome_label, "prior_label": prior_label, "unit_label": unit,
              "min_group_size": min_group_size}
    ri = random_intercept(y1, y0, group, **labels)  # type: ignore[arg-type]  # a dict of str and int labels
    ols = ols_residual(y1, y0, group, **labels)  # type: ignore[arg-type]  # the same labels
    legacy = standard_score_gain(y1, y0, group, **labels)  # type: ignore[arg-type]  # the same labels
    main, other = (ri, ols) if default == "random_intercept" else (ols, ri)
    return {
        "unit": unit, "main": _model(main), "cross": _model(other), "legacy": _model(legacy),
        "rows": _rows(main, names, prior_mean), "cross_rows": _rows(other, names, prior_mean),
        "legacy_rows": _rows(legacy, names, prior_mean),
        "rank_agreement": _f(rank_agreement(ri, ols)),
    }


def student_scores(scores: NDArray[np.float64], *, exam_hist: NDArray[np.int64], step: float, exam_mean: float,
                   exam_sd: float, rank_method: str) -> dict[str, NDArray[Any]]:
    """Z = (x − x̄)/s and T = 50 + 10Z against the exam population (§4 [E11]); the exam rank from
    the exam's merged histogram: competition rank = 1 + #higher, dense rank = 1 + #distinct
    higher scores (§4 "Ranking and ties")."""
    present = ~np.isnan(scores)
    units = np.where(present, np.rint(np.nan_to_num(scores) / step), 0).astype(np.int64)
    higher = np.concatenate([np.cumsum(exam_hist[::-1])[::-1][1:], [0]])  # students strictly above bin u
    distinct = np.concatenate([np.cumsum((exam_hist > 0)[::-1])[::-1][1:], [0]])
    units = np.clip(units, 0, exam_hist.size - 1)
    rank = 1 + (higher[units] if rank_method == "competition" else distinct[units])
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (scores - exam_mean) / exam_sd if exam_sd else np.full(scores.shape, np.nan)
    return {"z": z, "t": 50 + 10 * z, "rank": np.where(present, rank, 0)}

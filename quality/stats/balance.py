"""County-level 义务教育均衡 indicators, analytics.md §7.

The official test is the Ministry's **enrolment-weighted** coefficient of variation
(差异系数); weighted Gini and Theil are diagnostics only (§7 "Alternatives").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .grid import BoolArray, FloatArray

Stage = Literal["primary", "junior"]  # 小学 / 初中
Standard = Literal["basic", "quality"]  # 基本均衡 (教督〔2012〕3号) / 优质均衡 (教督〔2017〕6号)
Weighting = Literal["enrolment", "none"]

# §7 thresholds. 基本均衡 tests the 综合差异系数 (mean of the 8 CVs) [B1][B7];
# 优质均衡 tests each of the 7 资源配置 CVs separately [B8].
CV_THRESHOLDS: dict[tuple[Standard, Stage], float] = {
    ("basic", "primary"): 0.65,
    ("basic", "junior"): 0.55,
    ("quality", "primary"): 0.50,
    ("quality", "junior"): 0.45,
}

# Teaching points (教学点) below this enrolment are excluded (§7 [B3]).
MIN_TEACHING_POINT_ENROLMENT = 50


@dataclass(frozen=True)
class CVResult:
    """Coefficient of variation with the inputs needed to show the weighting (§7)."""

    cv: float
    mean: float  # weighted: county total / county students
    sd: float  # population form (no n − 1), weighted by enrolment share
    weighting: Weighting
    n_schools: int
    total_enrolment: float


def _arrays(values: ArrayLike, weights: ArrayLike | None) -> tuple[FloatArray, FloatArray]:
    x = np.asarray(values, dtype=np.float64).ravel()
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if x.shape != w.shape:
        raise ValueError("values and weights must have the same length")
    if np.any(w < 0) or not np.all(np.isfinite(x)):
        raise ValueError("weights must be non-negative and values finite")
    return x, w


def ministry_cv(
    values: ArrayLike, enrolment: ArrayLike, *, weighting: Weighting = "enrolment"
) -> CVResult:
    """差异系数, Ministry method (§7 [B1][B2]):

        X̄ = Σ P_i X_i / P,   S = sqrt(Σ (P_i/P)(X_i − X̄)²),   CV = S / X̄.

    ``weighting="none"`` (population SD of the school values) exists only to show how the
    verdict would differ; §7 says always weight by enrolment.
    """
    x, p = _arrays(values, enrolment)
    w = p if weighting == "enrolment" else np.ones_like(x)
    share = w / w.sum()
    mu = float(share @ x)
    s = float(np.sqrt(share @ (x - mu) ** 2))
    return CVResult(s / mu, mu, s, weighting, int(x.size), float(p.sum()))


@dataclass(frozen=True)
class CVVerdict:
    cv: float
    threshold: float
    passed: bool
    standard: Standard
    stage: Stage


def cv_verdict(cv: float, *, stage: Stage, standard: Standard = "quality") -> CVVerdict:
    """Pass if CV ≤ threshold: 优质均衡 小学 0.50 / 初中 0.45 per indicator; 基本均衡
    小学 0.65 / 初中 0.55 for the composite (§7)."""
    t = CV_THRESHOLDS[(standard, stage)]
    return CVVerdict(cv, t, bool(cv <= t), standard, stage)


def composite_cv(cvs: ArrayLike) -> float:
    """基本均衡 综合差异系数: mean of the single-indicator CVs (§7 [B1])."""
    return float(np.mean(np.asarray(cvs, dtype=np.float64)))


def eligible_schools(
    enrolment: ArrayLike,
    *,
    special_education: ArrayLike | None = None,
    vocational: ArrayLike | None = None,
    teaching_point: ArrayLike | None = None,
) -> BoolArray:
    """Schools that enter the CV (§7 [B3]): not 特殊教育学校, not 职业学校, and not a 教学点
    with fewer than 50 students."""
    e = np.asarray(enrolment, dtype=np.float64)
    ok = np.ones(e.shape, dtype=np.bool_)
    if special_education is not None:
        ok &= ~np.asarray(special_education, dtype=np.bool_)
    if vocational is not None:
        ok &= ~np.asarray(vocational, dtype=np.bool_)
    if teaching_point is not None:
        ok &= ~(np.asarray(teaching_point, dtype=np.bool_) & (e < MIN_TEACHING_POINT_ENROLMENT))
    return ok


def weighted_gini(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """G = Σ_i Σ_j w_i w_j |x_i − x_j| / (2 W² μ) (§7 [B6]), in O(m log m) via sorting:
    Σ_{i<j} w_i w_j (x_(j) − x_(i)) = Σ_j w_j (x_j C_{j−1} − S_{j−1}) with C, S the running
    sums of w and w·x over the sorted values."""
    x, w = _arrays(values, weights)
    o = np.argsort(x, kind="stable")
    xs, ws = x[o], w[o]
    c_prev = np.concatenate(([0.0], np.cumsum(ws)[:-1]))
    s_prev = np.concatenate(([0.0], np.cumsum(ws * xs)[:-1]))
    half = float(np.sum(ws * (xs * c_prev - s_prev)))
    total_w = float(ws.sum())
    mu = float(ws @ xs) / total_w
    return 2 * half / (2 * total_w**2 * mu)


@dataclass(frozen=True)
class TheilResult:
    """Theil T (GE(1)) with an optional between/within decomposition (§7 [B6])."""

    total: float
    between: float
    within: float
    group_theil: FloatArray  # T_g within each group
    group_share: FloatArray  # s_g = W_g μ_g / (W μ), the group's share of the total


def theil_t(
    values: ArrayLike,
    weights: ArrayLike | None = None,
    group: ArrayLike | None = None,
) -> TheilResult:
    """T = Σ (w_i/W)(x_i/μ) ln(x_i/μ) (§7 [B6]). Zeros are not allowed.

    With ``group`` (e.g. urban/rural index): T = Σ_g s_g ln(μ_g/μ) [between]
    + Σ_g s_g T_g [within], which adds up exactly.
    """
    x, w = _arrays(values, weights)
    if np.any(x <= 0):
        raise ValueError("Theil T cannot take zero or negative values")
    g: NDArray[np.int64] = (
        np.zeros(x.size, dtype=np.int64) if group is None else np.asarray(group, dtype=np.int64)
    )
    ng = int(g.max()) + 1
    tw = w.sum()
    mu = float(w @ x / tw)
    total = float(np.sum(w / tw * (x / mu) * np.log(x / mu)))
    wg = np.bincount(g, weights=w, minlength=ng)
    with np.errstate(divide="ignore", invalid="ignore"):
        mug = np.bincount(g, weights=w * x, minlength=ng) / wg
        tg = np.bincount(
            g, weights=w * (x / mug[g]) * np.log(x / mug[g]), minlength=ng
        ) / wg
        share = wg * mug / (tw * mu)
    present = wg > 0
    between = float(np.sum(share[present] * np.log(mug[present] / mu)))
    within = float(np.sum(share[present] * tg[present]))
    return TheilResult(total, between, within, tg, share)

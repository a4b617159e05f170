"""Value added (增值评价) on linked students, analytics.md §8.

Models (§8.1):
- ``ols_residual`` (model 4): pooled OLS of the outcome y₁ on the intake y₀ (and optional
  covariates); a unit's value added is its mean residual, with SE σ̂/√n_j.
- ``random_intercept`` (model 5, the §8.3 default): y₁ᵢⱼ = β₀ + β₁y₀ᵢⱼ + γ'Xᵢⱼ + uⱼ + eᵢⱼ with
  uⱼ ~ N(0, τ²), eᵢⱼ ~ N(0, σ²), fitted by REML (or ML). Value added is the empirical-Bayes
  estimate ûⱼ = λⱼ ēⱼ, λⱼ = τ² / (τ² + σ²/nⱼ), with posterior SD √(τ²(1 − λⱼ)).
- ``standard_score_gain`` (model 2) is kept as a legacy view only, with the ceiling-effect
  warning §8.3 asks for.

Units below ``min_group_size`` get no estimate (NaN) and ``reported = False`` (§8.2
"Minimum n"). Every result carries the model, inputs, variance components, reliability and a
plain-Chinese explanation so a page can show them (§8.2 "Attribution": always report
precision and model assumptions).

The random-intercept fit profiles the likelihood on θ = τ²/σ²: for a given θ the GLS fit is
OLS after the Fuller–Battese quasi-demeaning x̃ = x − (1 − √(1 − λⱼ)) x̄ⱼ, so each likelihood
evaluation is one vectorised least-squares solve and the 1-D maximisation over log θ is done
by Brent's method. This is exact (not an approximation) for the one-level random intercept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize
from scipy import stats as sps

from .grid import BoolArray, FloatArray, IntArray

VAModel = Literal["ols_residual", "random_intercept", "standard_score_gain"]
VarianceMethod = Literal["REML", "ML"]

DEFAULT_MIN_GROUP_SIZE = 10  # §8.2: "suppress or flag units below … n < 10–15" [C]


@dataclass(frozen=True)
class ValueAddedResult:
    """Value-added estimates per unit plus everything needed to explain them."""

    model: VAModel
    estimation: str  # "OLS", "REML", "ML", "z-score difference"
    outcome_label: str
    prior_label: str
    covariate_names: tuple[str, ...]
    unit_label: str
    n_students: int  # linked students used
    n_unlinked: int  # dropped for a missing outcome or intake score
    n_groups: int  # units with at least one linked student
    group_n: IntArray  # (G,)
    effect: FloatArray  # (G,) NaN where not reported
    raw_mean_residual: FloatArray  # (G,)
    se: FloatArray
    lower: FloatArray
    upper: FloatArray
    reported: BoolArray  # n ≥ min_group_size
    min_group_size: int
    confidence: float
    coefficients: FloatArray  # [intercept, prior, covariates…]
    sigma2: float  # student-level residual variance
    tau2: float  # between-unit variance (0 for OLS / legacy models)
    icc: float
    reliability: FloatArray  # (G,) λⱼ (1 for OLS: no shrinkage)
    explanation: str
    warnings: tuple[str, ...] = field(default=())


def _prepare(
    outcome: ArrayLike, prior: ArrayLike, group: ArrayLike, covariates: ArrayLike | None
) -> tuple[FloatArray, FloatArray, IntArray, int, int]:
    y1 = np.asarray(outcome, dtype=np.float64)
    y0 = np.asarray(prior, dtype=np.float64)
    g = np.asarray(group, dtype=np.int64)
    n_groups = int(g.max()) + 1 if g.size else 0
    cols = [np.ones_like(y0), y0]
    if covariates is not None:
        c = np.asarray(covariates, dtype=np.float64)
        cols += list(c.reshape(c.shape[0], -1).T)
    x = np.column_stack(cols)
    ok = np.isfinite(y1) & np.all(np.isfinite(x), axis=1)
    return y1[ok], x[ok], g[ok], n_groups, int((~ok).sum())


def _ci(effect: FloatArray, se: FloatArray, q: float) -> tuple[FloatArray, FloatArray]:
    return effect - q * se, effect + q * se


def _unit_zh(unit_label: str) -> str:
    return {"school": "学校", "class": "班级", "teacher": "教师"}.get(unit_label, unit_label)


def ols_residual(
    outcome: ArrayLike,
    prior: ArrayLike,
    group: ArrayLike,
    *,
    covariates: ArrayLike | None = None,
    covariate_names: tuple[str, ...] = (),
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    confidence: float = 0.95,
    outcome_label: str = "后测成绩",
    prior_label: str = "前测成绩",
    unit_label: str = "school",
) -> ValueAddedResult:
    """Residual model (§8.1 model 4): VA_j = mean residual of unit j, SE = σ̂/√n_j with σ̂
    the pooled residual SD (df = N − p); the CI uses the t distribution on those df.
    The SE ignores the sampling error of β̂, which is small next to σ̂/√n_j for N ≫ p."""
    y, x, g, n_groups, dropped = _prepare(outcome, prior, group, covariates)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    e = y - x @ beta
    n_obs, p = x.shape
    sigma2 = float(e @ e) / (n_obs - p)
    nj = np.bincount(g, minlength=n_groups).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.bincount(g, weights=e, minlength=n_groups) / nj
        se = np.sqrt(sigma2 / nj)
    rep = nj >= min_group_size
    q = float(sps.t.ppf(0.5 + confidence / 2, n_obs - p))
    eff = np.where(rep, raw, np.nan)
    se = np.where(rep, se, np.nan)
    lo, hi = _ci(eff, se, q)
    u = _unit_zh(unit_label)
    cov_txt = "、".join(covariate_names)
    expl = (
        f"采用残差（回归）模型：用普通最小二乘法以{outcome_label}对{prior_label}"
        + (f"及{cov_txt}" if cov_txt else "")
        + f"作回归，对{n_obs}名前后测可匹配的学生（另有{dropped}名因缺少成绩未纳入）"
        f"计算残差，每个{u}的增值为其学生残差的平均数，并给出{confidence:.0%}置信区间"
        f"（标准误=残差标准差/√人数）。人数少于{min_group_size}的{u}不报告增值。"
        "增值反映相关而非因果，换用模型或考试后排序可能明显变化。"
    )
    return ValueAddedResult(
        model="ols_residual",
        estimation="OLS",
        outcome_label=outcome_label,
        prior_label=prior_label,
        covariate_names=covariate_names,
        unit_label=unit_label,
        n_students=n_obs,
        n_unlinked=dropped,
        n_groups=int((nj > 0).sum()),
        group_n=nj,
        effect=eff,
        raw_mean_residual=raw,
        se=se,
        lower=lo,
        upper=hi,
        reported=rep,
        min_group_size=min_group_size,
        confidence=confidence,
        coefficients=np.asarray(beta, dtype=np.float64),
        sigma2=sigma2,
        tau2=0.0,
        icc=0.0,
        reliability=np.ones(n_groups),
        explanation=expl,
    )


def eb_shrink(
    raw_mean: ArrayLike, n: ArrayLike, tau2: float, sigma2: float
) -> tuple[FloatArray, FloatArray]:
    """Empirical-Bayes shrinkage (§8.1 model 5): returns (û = λ ē, λ = τ²/(τ² + σ²/n))."""
    nn = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(nn > 0, tau2 / (tau2 + sigma2 / nn), 0.0)
    return lam * np.asarray(raw_mean, dtype=np.float64), lam


def _gls_fit(
    y: FloatArray, x: FloatArray, g: IntArray, nj: FloatArray, theta: float
) -> tuple[FloatArray, float, float, FloatArray]:
    """GLS for a given θ = τ²/σ² via Fuller–Battese transform; returns
    (β, RSS on transformed data, log|X̃'X̃|, λ)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(nj > 0, nj * theta / (1 + nj * theta), 0.0)
        c = (1 - np.sqrt(1 - lam))[g]
        ybar = np.bincount(g, weights=y, minlength=nj.size) / np.where(nj > 0, nj, 1)
        xbar = np.stack(
            [np.bincount(g, weights=col, minlength=nj.size) for col in x.T], axis=1
        ) / np.where(nj > 0, nj, 1)[:, None]
    yt = y - c * ybar[g]
    xt = x - c[:, None] * xbar[g]
    xtx = xt.T @ xt
    beta = np.linalg.solve(xtx, xt.T @ yt)
    r = yt - xt @ beta
    _, logdet = np.linalg.slogdet(xtx)
    return beta, float(r @ r), float(logdet), lam


def random_intercept(
    outcome: ArrayLike,
    prior: ArrayLike,
    group: ArrayLike,
    *,
    covariates: ArrayLike | None = None,
    covariate_names: tuple[str, ...] = (),
    method: VarianceMethod = "REML",
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    confidence: float = 0.95,
    outcome_label: str = "后测成绩",
    prior_label: str = "前测成绩",
    unit_label: str = "school",
) -> ValueAddedResult:
    """Multilevel random-intercept value added with EB (shrunken) unit effects (§8.1 model 5,
    §8.3 default). CI: ûⱼ ± z·√(τ²(1 − λⱼ)), the posterior SD given the variance components
    (it does not add the uncertainty of β̂, τ̂², σ̂²)."""
    y, x, g, n_groups, dropped = _prepare(outcome, prior, group, covariates)
    n_obs, p = x.shape
    nj = np.bincount(g, minlength=n_groups).astype(np.float64)
    log_n = np.log1p

    def neg_loglik(theta: float) -> float:
        _, rss, logdet, _ = _gls_fit(y, x, g, nj, theta)
        # A perfect fit (no residual variance at all) would take log(0); floor it at a tiny
        # positive value so the likelihood stays finite and the optimiser does not see NaN.
        rss = max(rss, 1e-12 * max(1.0, float(np.dot(y, y))))
        logv = float(log_n(nj[nj > 0] * theta).sum())
        if method == "REML":
            return float(0.5 * ((n_obs - p) * np.log(rss / (n_obs - p)) + logv + logdet))
        return float(0.5 * (n_obs * np.log(rss / n_obs) + logv))

    res = optimize.minimize_scalar(
        lambda t: neg_loglik(float(np.exp(t))), bounds=(-15.0, 8.0), method="bounded",
        options={"xatol": 1e-7},
    )
    theta = float(np.exp(res.x))
    if neg_loglik(0.0) <= float(res.fun):  # boundary: no between-unit variance
        theta = 0.0
    beta, rss, _, lam = _gls_fit(y, x, g, nj, theta)
    sigma2 = rss / (n_obs - p if method == "REML" else n_obs)
    tau2 = theta * sigma2
    e = y - x @ beta
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.bincount(g, weights=e, minlength=n_groups) / nj
    eb, lam = eb_shrink(raw, nj, tau2, sigma2)
    post_sd = np.sqrt(tau2 * (1 - lam))
    rep = nj >= min_group_size
    q = float(sps.norm.ppf(0.5 + confidence / 2))
    eff = np.where(rep, eb, np.nan)
    se = np.where(rep, post_sd, np.nan)
    lo, hi = _ci(eff, se, q)
    icc = tau2 / (tau2 + sigma2) if tau2 + sigma2 > 0 else 0.0
    u = _unit_zh(unit_label)
    cov_txt = "、".join(covariate_names)
    expl = (
        f"采用多层随机截距模型（{method}估计）：以{outcome_label}为结果、{prior_label}为入口成绩"
        + (f"，并控制{cov_txt}" if cov_txt else "")
        + f"，对{n_obs}名前后测可匹配的学生（另有{dropped}名因缺少成绩未纳入）、"
        f"{int((nj > 0).sum())}个{u}进行分析。{u}间方差τ²={tau2:.3g}，学生残差方差σ²={sigma2:.3g}，"
        f"组内相关系数ICC={icc:.3f}。各{u}的增值为经验贝叶斯收缩估计：原始平均残差乘以"
        f"信度系数λ=τ²/(τ²+σ²/n)，人数越少、收缩越多；同时给出{confidence:.0%}置信区间。"
        f"人数少于{min_group_size}的{u}不报告增值。增值反映相关而非因果，"
        "换用模型或考试后排序可能明显变化，用于重要决策前宜汇总2–3届数据。"
    )
    warnings: tuple[str, ...] = ()
    if theta == 0.0:
        warnings = ("估计的单位间方差为0：各单位增值全部收缩为0。",)
    return ValueAddedResult(
        model="random_intercept",
        estimation=method,
        outcome_label=outcome_label,
        prior_label=prior_label,
        covariate_names=covariate_names,
        unit_label=unit_label,
        n_students=n_obs,
        n_unlinked=dropped,
        n_groups=int((nj > 0).sum()),
        group_n=nj.astype(np.int64),
        effect=eff,
        raw_mean_residual=raw,
        se=se,
        lower=lo,
        upper=hi,
        reported=rep,
        min_group_size=min_group_size,
        confidence=confidence,
        coefficients=beta,
        sigma2=float(sigma2),
        tau2=float(tau2),
        icc=float(icc),
        reliability=lam,
        explanation=expl,
        warnings=warnings,
    )


def standard_score_gain(
    outcome: ArrayLike,
    prior: ArrayLike,
    group: ArrayLike,
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    confidence: float = 0.95,
    outcome_label: str = "后测成绩",
    prior_label: str = "前测成绩",
    unit_label: str = "school",
) -> ValueAddedResult:
    """Legacy 标准分增值 (§8.1 model 2): VA = mean(z₁) − mean(z₀), z within the linked cohort
    (population SD). Kept only as a legacy view with the ceiling-effect warning (§8.3)."""
    y, x, g, n_groups, dropped = _prepare(outcome, prior, group, None)
    z1 = (y - y.mean()) / y.std()
    z0 = (x[:, 1] - x[:, 1].mean()) / x[:, 1].std()
    d = z1 - z0
    nj = np.bincount(g, minlength=n_groups).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.bincount(g, weights=d, minlength=n_groups) / nj
        mean_d = raw[g]
        sdj = np.sqrt(np.bincount(g, weights=(d - mean_d) ** 2, minlength=n_groups) / (nj - 1))
        se = sdj / np.sqrt(nj)
    rep = nj >= min_group_size
    q = float(sps.norm.ppf(0.5 + confidence / 2))
    eff = np.where(rep, raw, np.nan)
    se = np.where(rep, se, np.nan)
    lo, hi = _ci(eff, se, q)
    u = _unit_zh(unit_label)
    warn = "标准分增值为旧口径：高分学生“增长空间”小（天花板效应），且受均值回归影响，仅供参考。"
    expl = (
        f"采用标准分增值（旧口径）：在{len(y)}名可匹配学生中分别计算{outcome_label}与{prior_label}的"
        f"标准分，{u}增值为两者平均标准分之差。" + warn
    )
    return ValueAddedResult(
        model="standard_score_gain",
        estimation="z-score difference",
        outcome_label=outcome_label,
        prior_label=prior_label,
        covariate_names=(),
        unit_label=unit_label,
        n_students=len(y),
        n_unlinked=dropped,
        n_groups=int((nj > 0).sum()),
        group_n=nj,
        effect=eff,
        raw_mean_residual=raw,
        se=se,
        lower=lo,
        upper=hi,
        reported=rep,
        min_group_size=min_group_size,
        confidence=confidence,
        coefficients=np.zeros(0),
        sigma2=float("nan"),
        tau2=0.0,
        icc=0.0,
        reliability=np.ones(n_groups),
        explanation=expl,
        warnings=(warn,),
    )


def rank_agreement(a: ValueAddedResult, b: ValueAddedResult) -> float:
    """Spearman rank correlation of two models' effects over units reported by both
    (§8.3: "show the rank correlation between methods")."""
    both: NDArray[np.bool_] = a.reported & b.reported
    if int(both.sum()) < 3:
        return float("nan")
    return float(sps.spearmanr(a.effect[both], b.effect[both]).statistic)

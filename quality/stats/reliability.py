"""Reliability (信度), analytics.md §6: Cronbach's α with Feldt's CI, KR-20, split-half
(odd/even) with Spearman–Brown and Flanagan–Rulon.

Each statistic has a raw-matrix form (one group) and a form over merged
:class:`~quality.stats.sufficient.ItemMoments` (every group at once). All variances use
the population (÷n) convention: α and split-half coefficients are ratios of variances, so
the convention cancels as long as it is the same throughout, and KR-20's Σ p q *is* a
population variance (§6: "when the same variance convention is used").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

from .grid import FloatArray, IntArray
from .sufficient import ItemMoments

SplitRule = Literal["odd_even"]


def _matrix(items: ArrayLike) -> FloatArray:
    x = np.asarray(items, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("items must be a 2-D (students × items) array")
    return np.nan_to_num(x)


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's α with its Feldt–Woodruff–Salih (1987) interval (§6 [E14])."""

    alpha: FloatArray
    lower: FloatArray
    upper: FloatArray
    n: IntArray
    k: int
    confidence: float
    ci_method: str = "Feldt, Woodruff & Salih (1987) F interval"


def _alpha_core(k: int, sum_item_var: FloatArray, total_var: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        a = k / (k - 1) * (1.0 - sum_item_var / total_var)
    return np.where(np.isfinite(a), a, np.nan)


def feldt_interval(
    alpha: ArrayLike, n: ArrayLike, k: int, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """L = 1 − (1−α)·F_{1−c/2}(n−1, (n−1)(k−1)),  U = 1 − (1−α)·F_{c/2}(…)  (§6 [E14]),
    with c = 1 − confidence."""
    a = np.asarray(alpha, dtype=np.float64)
    nn = np.asarray(n, dtype=np.float64)
    c = 1.0 - confidence
    df1 = nn - 1
    with np.errstate(invalid="ignore"):
        valid = df1 > 0
        d1 = np.where(valid, df1, 1.0)
        # The F quantiles depend on n only (k is fixed): thousands of classes have a few
        # dozen distinct sizes, so each quantile is computed once per size.
        uniq, inv = np.unique(d1, return_inverse=True)
        f_hi = sps.f.ppf(1 - c / 2, uniq, uniq * (k - 1))[inv].reshape(d1.shape)
        f_lo = sps.f.ppf(c / 2, uniq, uniq * (k - 1))[inv].reshape(d1.shape)
    lower = np.where(valid, 1 - (1 - a) * f_hi, np.nan)
    upper = np.where(valid, 1 - (1 - a) * f_lo, np.nan)
    return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)


def cronbach_alpha(items: ArrayLike, *, confidence: float = 0.95) -> AlphaResult:
    """α = k/(k−1) · (1 − Σ s_j² / s_X²) for one group of students (§6)."""
    x = _matrix(items)
    n, k = x.shape
    a = _alpha_core(k, np.asarray(x.var(axis=0).sum()), np.asarray(x.sum(axis=1).var()))
    lo, hi = feldt_interval(a, n, k, confidence)
    return AlphaResult(np.atleast_1d(a), np.atleast_1d(lo), np.atleast_1d(hi),
                       np.array([n], dtype=np.int64), k, confidence)


def kr20(items: ArrayLike) -> float:
    """KR-20 = k/(k−1) · (1 − Σ p_j q_j / s_X²) for 0/1 items (§6), population s_X²."""
    x = _matrix(items)
    if not np.isin(x, (0.0, 1.0)).all():
        raise ValueError("KR-20 needs dichotomous (0/1) items")
    k = x.shape[1]
    p = x.mean(axis=0)
    return float(_alpha_core(k, np.asarray((p * (1 - p)).sum()), np.asarray(x.sum(axis=1).var())))


@dataclass(frozen=True)
class SplitHalf:
    """Split-half reliability (§6 [E15]); results depend on the split, so it is named."""

    r_halves: FloatArray  # r_hh, Pearson r of the two half totals
    spearman_brown: FloatArray  # 2 r / (1 + r)
    rulon: FloatArray  # Flanagan–Rulon / Guttman: 2 (1 − (s_A² + s_B²)/s_X²)
    split_rule: SplitRule


def _split_core(va: FloatArray, vb: FloatArray, vt: FloatArray, split: SplitRule) -> SplitHalf:
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (vt - va - vb) / 2
        r = cov / np.sqrt(va * vb)
        sb = 2 * r / (1 + r)
        rulon = 2 * (1 - (va + vb) / vt)
    clean = [np.where(np.isfinite(v), v, np.nan) for v in (r, sb, rulon)]
    return SplitHalf(clean[0], clean[1], clean[2], split)


def split_half(items: ArrayLike, *, split_rule: SplitRule = "odd_even") -> SplitHalf:
    """Odd/even split (items 1, 3, 5 … vs 2, 4, 6 …, by position), the §6 default."""
    x = _matrix(items)
    a = x[:, 0::2].sum(axis=1)
    b = x[:, 1::2].sum(axis=1)
    return _split_core(
        np.atleast_1d(a.var()), np.atleast_1d(b.var()), np.atleast_1d((a + b).var()), split_rule
    )


# -- from merged sufficient statistics ---------------------------------------------------


def _pop_var(n: FloatArray, s: IntArray, ss: IntArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        m = s / n
        return np.maximum(ss / n - m * m, 0.0)


def alpha_from_moments(im: ItemMoments, *, confidence: float = 0.95) -> AlphaResult:
    """Cronbach's α and Feldt CI per group from merged :class:`ItemMoments`."""
    n = im.n.astype(np.float64)
    vj = _pop_var(n[:, None], im.item_sum, im.item_sumsq).sum(axis=1)
    vt = _pop_var(n, im.total_sum, im.total_sumsq)
    a = _alpha_core(im.n_items, vj, vt)
    lo, hi = feldt_interval(a, im.n, im.n_items, confidence)
    return AlphaResult(a, lo, hi, im.n, im.n_items, confidence)


def kr20_from_moments(im: ItemMoments) -> FloatArray:
    """KR-20 per group from moments (0/1 items, so Σx² = Σx and s_j² = p q)."""
    if not np.array_equal(im.item_sum, im.item_sumsq):
        raise ValueError("KR-20 needs dichotomous (0/1) items")
    return alpha_from_moments(im).alpha


def split_half_from_moments(im: ItemMoments) -> SplitHalf:
    """Odd/even split-half per group from merged :class:`ItemMoments`."""
    n = im.n.astype(np.float64)
    va = _pop_var(n, im.half_sum[:, 0], im.half_sumsq[:, 0])
    vb = _pop_var(n, im.half_sum[:, 1], im.half_sumsq[:, 1])
    vt = _pop_var(n, im.total_sum, im.total_sumsq)
    return _split_core(va, vb, vt, "odd_even")

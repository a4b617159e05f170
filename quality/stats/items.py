"""Item analysis (试题分析), analytics.md §5, plus blueprint score rates (§6 content validity).

Conventions fixed by the spec and returned with each result:
- Difficulty P = x̄ / W (higher = easier) — *not* 1 − x̄/W [E6] (§5 "Disagreement").
- Discrimination D is always tagged with its method: values from different formulas are
  not interchangeable [E8]. The default is the corrected item-total correlation (§5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .grid import FloatArray, IntArray
from .sufficient import ItemMoments

DiscriminationMethod = Literal["corrected_item_total", "item_total", "upper_lower_27"]
TieRule = Literal["stable", "include_ties"]
DiscriminationScheme = Literal["ebel", "e9"]

StrArray = NDArray[np.str_]


def _matrix(items: ArrayLike) -> FloatArray:
    x = np.asarray(items, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("items must be a 2-D (students × items) array")
    return np.nan_to_num(x)  # unanswered earns 0 (§5 scores are points earned)


def _pearson_columns(x: FloatArray, y: FloatArray) -> FloatArray:
    """Pearson r between each column of x and the matching column (or vector) y."""
    xc = x - x.mean(axis=0)
    yc = y - y.mean(axis=0)
    num = (xc * yc).sum(axis=0)
    den = np.sqrt((xc * xc).sum(axis=0) * (yc * yc).sum(axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def difficulty(items: ArrayLike, item_max: ArrayLike) -> FloatArray:
    """P = x̄_item / W_item (§5); for 0/1 items this is R/n, the proportion correct."""
    x = _matrix(items)
    return np.asarray(x.mean(axis=0) / np.asarray(item_max, dtype=np.float64), np.float64)


@dataclass(frozen=True)
class Discrimination:
    """D per item with its method tag (§5: "tag every D with its method")."""

    values: FloatArray
    method: DiscriminationMethod


@dataclass(frozen=True)
class UpperLower:
    """27 % upper/lower group statistics (§5 [E8][E9])."""

    d: FloatArray  # D = P_H − P_L  (objective)  or  (x̄_H − x̄_L)/W  (subjective)
    p_upper: FloatArray
    p_lower: FloatArray
    p_est: FloatArray  # (P_H + P_L)/2, the upper/lower difficulty estimate [L]
    n_upper: int
    n_lower: int
    fraction: float
    tie_rule: TieRule


def _group_size(n: int, fraction: float) -> int:
    # "n_g = round(0.27 n)" (§5); half-up so that 0.27 × 50 = 13.5 → 14 (Python's round()
    # would bank to 14 here but to 12 for 12.5).
    return int(np.floor(fraction * n + 0.5))


def upper_lower_masks(
    totals: ArrayLike, *, fraction: float = 0.27, tie_rule: TieRule = "stable"
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Boolean masks of the upper (H) and lower (L) groups by total score (§5).

    ``stable``: sort by total descending with a stable sort (ties keep input order), take
    the first and last n_g. ``include_ties``: everyone tied with the boundary score joins the
    group, so the actual group sizes may exceed n_g.
    """
    t = np.asarray(totals, dtype=np.float64)
    n = t.size
    ng = _group_size(n, fraction)
    upper = np.zeros(n, dtype=np.bool_)
    lower = np.zeros(n, dtype=np.bool_)
    if ng == 0:
        return upper, lower
    order = np.argsort(-t, kind="stable")
    if tie_rule == "stable":
        upper[order[:ng]] = True
        lower[order[n - ng :]] = True
    else:
        upper = t >= t[order[ng - 1]]
        lower = t <= t[order[n - ng]]
    return upper, lower


def discrimination_upper_lower(
    items: ArrayLike,
    item_max: ArrayLike,
    *,
    fraction: float = 0.27,
    tie_rule: TieRule = "stable",
) -> UpperLower:
    """27 % upper-lower discrimination (§5 [E8][E9]).

    One formula covers both item kinds: D = (x̄_H − x̄_L)/W_item, which for 0/1 items is
    P_H − P_L = (H − L)/n_g.
    """
    x = _matrix(items)
    w = np.asarray(item_max, dtype=np.float64)
    up, lo = upper_lower_masks(x.sum(axis=1), fraction=fraction, tie_rule=tie_rule)
    with np.errstate(invalid="ignore"):
        ph = x[up].mean(axis=0) / w if up.any() else np.full(x.shape[1], np.nan)
        pl = x[lo].mean(axis=0) / w if lo.any() else np.full(x.shape[1], np.nan)
    return UpperLower(
        d=ph - pl,
        p_upper=ph,
        p_lower=pl,
        p_est=(ph + pl) / 2,
        n_upper=int(up.sum()),
        n_lower=int(lo.sum()),
        fraction=fraction,
        tie_rule=tie_rule,
    )


def item_total_correlation(items: ArrayLike, *, corrected: bool = True) -> FloatArray:
    """Pearson r of each item with the total (point-biserial for 0/1 items) or, when
    ``corrected``, with the rest score total − item, removing self-inclusion (§5 [E16])."""
    x = _matrix(items)
    t = x.sum(axis=1, keepdims=True)
    return _pearson_columns(x, t - x if corrected else np.broadcast_to(t, x.shape))


def discrimination(
    items: ArrayLike,
    item_max: ArrayLike,
    *,
    method: DiscriminationMethod = "corrected_item_total",
    fraction: float = 0.27,
    tie_rule: TieRule = "stable",
) -> Discrimination:
    """Discrimination per item, tagged with its method (§5). Default: corrected item-total
    correlation, the spec's recommended default."""
    if method == "upper_lower_27":
        ul = discrimination_upper_lower(items, item_max, fraction=fraction, tie_rule=tie_rule)
        return Discrimination(ul.d, method)
    return Discrimination(item_total_correlation(items, corrected=method != "item_total"), method)


def difficulty_band(p: ArrayLike) -> StrArray:
    """§5 [E5]: P > 0.7 易 (easy); 0.3 ≤ P ≤ 0.7 中 (moderate); P < 0.3 难 (hard)."""
    pa = np.asarray(p, dtype=np.float64)
    out = np.select([pa > 0.7, pa >= 0.3, pa < 0.3], ["easy", "moderate", "hard"], "n/a")
    return out.astype(np.str_)


def discrimination_band(d: ArrayLike, scheme: DiscriminationScheme = "ebel") -> StrArray:
    """Quality band for D (§5).

    ``ebel`` [E8][E10]: ≥ 0.40 very_good; 0.30–0.39 good; 0.20–0.29 fair (revise);
    ≤ 0.19 poor (discard). Values are banded at the 0.40/0.30/0.20 boundaries.
    ``e9`` [E9]: > 0.3 good; 0.1–0.3 fair; ≤ 0.1 discard.
    """
    da = np.asarray(d, dtype=np.float64)
    if scheme == "ebel":
        conds = [da >= 0.40, da >= 0.30, da >= 0.20, da < 0.20]
        labels = ["very_good", "good", "fair", "poor"]
    else:
        conds = [da > 0.3, da > 0.1, da <= 0.1]
        labels = ["good", "fair", "discard"]
    return np.select(conds, labels, "n/a").astype(np.str_)


@dataclass(frozen=True)
class OptionAnalysis:
    """Choice frequencies for objective items, overall and by 27 % group (§5).

    Column ``k`` < n_options is option k (0 = A); the last column counts blanks/invalid.
    """

    counts: IntArray  # (J, K+1)
    upper_counts: IntArray
    lower_counts: IntArray
    key: IntArray  # (J,) correct option index
    n_upper: int
    n_lower: int

    @property
    def proportions(self) -> FloatArray:
        tot = np.maximum(self.counts.sum(axis=1, keepdims=True), 1)
        return np.asarray(self.counts / tot, dtype=np.float64)

    @property
    def discrimination_by_option(self) -> FloatArray:
        """(upper − lower)/n_g per option: the key should be positive, distractors negative."""
        ng = max(self.n_upper, self.n_lower, 1)
        return (self.upper_counts - self.lower_counts) / ng


def option_analysis(
    choices: ArrayLike,
    key: ArrayLike,
    totals: ArrayLike,
    *,
    n_options: int = 4,
    fraction: float = 0.27,
    tie_rule: TieRule = "stable",
) -> OptionAnalysis:
    """Option (distractor) analysis. ``choices`` is (N × J) option indices (0 = A); any value
    outside 0..n_options−1 (e.g. −1) counts as blank. Vectorised with one bincount per group."""
    c = np.asarray(choices, dtype=np.int64)
    n, j = c.shape
    k1 = n_options + 1
    c = np.where((c >= 0) & (c < n_options), c, n_options)
    code = np.arange(j, dtype=np.int64)[None, :] * k1 + c
    up, lo = upper_lower_masks(totals, fraction=fraction, tie_rule=tie_rule)

    def tab(mask: NDArray[np.bool_]) -> IntArray:
        return np.bincount(code[mask].ravel(), minlength=j * k1).reshape(j, k1).astype(np.int64)

    return OptionAnalysis(
        counts=tab(np.ones(n, dtype=np.bool_)),
        upper_counts=tab(up),
        lower_counts=tab(lo),
        key=np.asarray(key, dtype=np.int64),
        n_upper=int(up.sum()),
        n_lower=int(lo.sum()),
    )


def objective_scores(choices: ArrayLike, key: ArrayLike) -> NDArray[np.uint8]:
    """0/1 score matrix from chosen options and the key."""
    return np.asarray(np.asarray(choices) == np.asarray(key)[None, :], dtype=np.uint8)


# ---------------------------------------------------------------------------------------
# Item statistics from merged sufficient statistics
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemStats:
    """Per group × item statistics from :class:`ItemMoments` (population moments)."""

    n: IntArray  # (G,)
    difficulty: FloatArray  # (G, J)  P = x̄/W
    item_sd: FloatArray  # (G, J)  population SD, points
    item_total_r: FloatArray  # (G, J)  r(item, total); point-biserial for 0/1 items
    corrected_r: FloatArray  # (G, J)  r(item, total − item), the §5 default D
    total_mean: FloatArray  # (G,)
    total_sd: FloatArray  # (G,)  population SD


def item_stats(im: ItemMoments) -> ItemStats:
    """Difficulty and correlational discrimination per group from merged moments.

    Uses cov(x_j, T − x_j) = cov(x_j, T) − var(x_j) and
    var(T − x_j) = var(T) − 2 cov(x_j, T) + var(x_j), so no raw data are needed (§5).
    """
    p = im.precision
    n = im.n.astype(np.float64)[:, None]
    # The same arithmetic as the textbook expressions, operation for operation (so the results
    # are bit-identical), but into preallocated (G, J) arrays: a province has ~10^4 classes × 40
    # items, and fresh temporaries for every step were most of this function's time (issue 9).
    shape = im.item_sum.shape
    with np.errstate(divide="ignore", invalid="ignore"):
        mj = np.divide(im.item_sum, n)
        vj = np.divide(im.item_sumsq, n)
        tmp = np.empty(shape)
        np.multiply(mj, mj, out=tmp)
        np.subtract(vj, tmp, out=vj)
        np.maximum(vj, 0.0, out=vj)
        mt = im.total_sum[:, None] / n
        vt = np.maximum(im.total_sumsq[:, None] / n - mt * mt, 0.0)
        cjt = np.divide(im.item_total, n)
        np.multiply(mj, mt, out=tmp)
        np.subtract(cjt, tmp, out=cjt)
        sd_j = np.sqrt(vj)
        r_it = np.multiply(vj, vt)  # r = cov / sqrt(var_j var_T)
        np.sqrt(r_it, out=r_it)
        np.divide(cjt, r_it, out=r_it)
        c_rest = np.subtract(cjt, vj)
        v_rest = np.multiply(cjt, 2)  # var(T − x_j) = var T − 2 cov + var_j
        np.subtract(vt, v_rest, out=v_rest)
        np.add(v_rest, vj, out=v_rest)
        np.maximum(v_rest, 0.0, out=v_rest)
        np.multiply(vj, v_rest, out=v_rest)
        np.sqrt(v_rest, out=v_rest)
        r_c = np.divide(c_rest, v_rest, out=c_rest)
    r_it[~np.isfinite(r_it)] = np.nan
    r_c[~np.isfinite(r_c)] = np.nan
    np.multiply(mj, p, out=mj)
    np.divide(mj, im.item_max[None, :], out=mj)
    np.multiply(sd_j, p, out=sd_j)
    return ItemStats(
        n=im.n,
        difficulty=mj,
        item_sd=sd_j,
        item_total_r=r_it,
        corrected_r=r_c,
        total_mean=mt[:, 0] * p,
        total_sd=np.sqrt(vt[:, 0]) * p,
    )


@dataclass(frozen=True)
class BlueprintRates:
    """得分率 per knowledge point (or ability) per group (§4 score rate, §6 blueprint)."""

    labels: tuple[str, ...]
    score_rate: FloatArray  # (G, K)
    points: FloatArray  # (K,) full marks of the paper attributed to each point
    point_share: FloatArray  # (K,) realised share of the paper's points
    covered: NDArray[np.bool_]  # (K,) at least one item measures the point


def blueprint_rates(
    im: ItemMoments, blueprint: ArrayLike, labels: tuple[str, ...]
) -> BlueprintRates:
    """Score rate per knowledge point from an item → point blueprint (双向细目表).

    ``blueprint`` is either (J,) point indices (one point per item, −1 = none) or a (J × K)
    weight matrix whose rows split an item's points over several knowledge points
    (rows summing to 1). Rate_k = Σ_j w_jk Σx_j / (n · Σ_j w_jk W_j). The same call with an
    item → ability map gives ability score rates.
    """
    b = np.asarray(blueprint)
    k = len(labels)
    if b.ndim == 1:
        w = np.zeros((im.n_items, k), dtype=np.float64)
        has = b >= 0
        w[np.flatnonzero(has), b[has].astype(np.int64)] = 1.0
    else:
        w = np.asarray(b, dtype=np.float64)
    if w.shape != (im.n_items, k):
        raise ValueError("blueprint does not match items × labels")
    earned = (im.item_sum * im.precision) @ w  # (G, K)
    pts = im.item_max @ w  # (K,)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = earned / (im.n[:, None] * pts[None, :])
    return BlueprintRates(
        labels=labels,
        score_rate=np.where(np.isfinite(rate), rate, np.nan),
        points=pts,
        point_share=pts / im.item_max.sum(),
        covered=pts > 0,
    )

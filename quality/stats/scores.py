"""Student-level derived scores: Z/T scores, ranks, percentile ranks, 临界生 (analytics.md §4).

Everything here is vectorised over students, optionally within cohorts (``group``), using
sort-based segment arithmetic (``np.lexsort`` + boundaries) instead of Python loops.

Compliance note (§4 "Ranking and ties"): student-level ranks must be shown only to authorised
roles; these functions compute them, the access policy decides who sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from .grid import BoolArray, FloatArray, IntArray, cut_units, to_units
from .sufficient import SDKind

RankMethod = Literal["competition", "dense"]
PercentileRule = Literal["mid", "below", "at_or_below"]
BorderSide = Literal["below", "above", "both"]


def _groups(group: ArrayLike | None, n: int) -> tuple[IntArray, int]:
    if group is None:
        return np.zeros(n, dtype=np.int64), 1
    g = np.asarray(group, dtype=np.int64)
    if g.shape != (n,):
        raise ValueError("group must have one entry per score")
    if n and int(g.min()) < 0:
        raise ValueError("negative group index")
    return g, (int(g.max()) + 1 if n else 0)


@dataclass(frozen=True)
class StandardScores:
    """Z and linear T scores (§4 [E11]) with the conventions used."""

    z: FloatArray
    t: FloatArray
    t_center: float
    t_scale: float
    sd_kind: SDKind


def standard_scores(
    scores: ArrayLike,
    group: ArrayLike | None = None,
    *,
    sd_kind: SDKind = "population",
    t_center: float = 50.0,
    t_scale: float = 10.0,
) -> StandardScores:
    """Z = (x − x̄)/s within each cohort; T = center + scale·Z (§4 [E11]).

    T = 50 + 10Z by default; the old 高考 standard score is ``t_center=500, t_scale=100``.
    NaN scores (absent) stay NaN and do not enter the cohort mean or SD.
    """
    x = np.asarray(scores, dtype=np.float64)
    g, n_g = _groups(group, x.size)
    ok = ~np.isnan(x)
    xv = np.where(ok, x, 0.0)
    n = np.bincount(g, weights=ok.astype(np.float64), minlength=n_g)
    s1 = np.bincount(g, weights=xv, minlength=n_g)
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = s1 / n
        dev = np.where(ok, x - mu[g], 0.0)
        css = np.bincount(g, weights=dev * dev, minlength=n_g)  # two-pass: stable
        denom = n if sd_kind == "population" else n - 1
        s = np.sqrt(css / denom)
        z = np.where(ok, dev / s[g], np.nan)
    return StandardScores(z, t_center + t_scale * z, t_center, t_scale, sd_kind)


@dataclass(frozen=True)
class Ranking:
    """Ranks (1 = best) within cohorts. ``0`` marks an unranked (absent) student."""

    ranks: IntArray
    method: RankMethod
    descending: bool

    def describe(self) -> str:
        return "竞争排名(1224)" if self.method == "competition" else "密集排名/中国式(1223)"


def rank(
    scores: ArrayLike,
    group: ArrayLike | None = None,
    *,
    method: RankMethod = "competition",
    descending: bool = True,
) -> Ranking:
    """Rank scores within cohorts with an explicit tie rule (§4 [E12]).

    ``competition`` (RANK.EQ, "美式"): 98, 95, 95, 90, 88 → 1, 2, 2, 4, 5.
    ``dense`` ("中国式排名"): the same scores → 1, 2, 2, 3, 4.
    Competition is the default because it keeps "rank k means k−1 students scored higher".
    """
    x = np.asarray(scores, dtype=np.float64)
    g, _ = _groups(group, x.size)
    ok = ~np.isnan(x)
    key = np.where(ok, -x if descending else x, np.inf)
    order = np.lexsort((key, g))
    gs, ks = g[order], key[order]
    pos = np.arange(x.size, dtype=np.int64)
    new_group = np.ones(x.size, dtype=np.bool_)
    new_group[1:] = gs[1:] != gs[:-1]
    new_value = new_group.copy()
    new_value[1:] |= ks[1:] != ks[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    if method == "competition":
        first_of_value = np.maximum.accumulate(np.where(new_value, pos, 0))
        r = np.asarray(first_of_value - group_start + 1, dtype=np.int64)
    else:
        c = np.cumsum(new_value, dtype=np.int64)
        r = np.asarray(c - c[group_start] + 1, dtype=np.int64)
    out = np.zeros(x.size, dtype=np.int64)
    out[order] = r
    out[~ok] = 0
    return Ranking(out, method, descending)


def percentile_rank(
    scores: ArrayLike,
    group: ArrayLike | None = None,
    *,
    rule: PercentileRule = "mid",
) -> FloatArray:
    """Percentile rank in percent within cohorts.

    ``mid``: (below + ½·equal)/n (default: symmetric in ties); ``below``: below/n;
    ``at_or_below``: (below + equal)/n. NaN for absent students.
    """
    x = np.asarray(scores, dtype=np.float64)
    g, n_g = _groups(group, x.size)
    ok = ~np.isnan(x)
    asc = rank(x, g, method="competition", descending=False).ranks  # 1 + #below
    desc = rank(x, g, method="competition", descending=True).ranks  # 1 + #above
    n = np.bincount(g, weights=ok.astype(np.float64), minlength=n_g)[g]
    below = asc - 1
    equal = n - below - (desc - 1)
    num = {"mid": below + 0.5 * equal, "below": below * 1.0, "at_or_below": below + equal}[rule]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, 100.0 * num / n, np.nan)


def borderline(
    scores: ArrayLike,
    cut: float | Decimal,
    delta: float | Decimal,
    *,
    side: BorderSide = "below",
    precision: float = 0.5,
) -> BoolArray:
    """临界生 by a score window around a cut C (§4 [C]).

    ``below``: C − δ ≤ x < C; ``above``: C ≤ x < C + δ; ``both``: C − δ ≤ x < C + δ.
    Comparisons are exact at the score precision (§4 threshold spec).
    """
    units, present = to_units(scores, precision)
    c = Decimal(str(cut))
    d = Decimal(str(delta))
    lo = cut_units(c - d, precision, ">=")
    mid = cut_units(c, precision, ">=")
    hi = cut_units(c + d, precision, "<")
    if side == "below":
        m = (units >= lo) & (units < mid)
    elif side == "above":
        m = (units >= mid) & (units < hi)
    else:
        m = (units >= lo) & (units < hi)
    return m & present


def borderline_by_rank(
    scores: ArrayLike,
    quota_rank: int,
    window_pct: float,
    group: ArrayLike | None = None,
    *,
    side: BorderSide = "both",
) -> BoolArray:
    """临界生 by a rank window of ±k around the quota rank (§4 [C]),
    k = round(window_pct % × cohort size), ranks by the competition rule.

    ``below``: just outside the quota, quota < r ≤ quota + k (students who must move up);
    ``above``: just inside, quota − k < r ≤ quota; ``both``: the union.
    """
    x = np.asarray(scores, dtype=np.float64)
    g, n_g = _groups(group, x.size)
    ok = ~np.isnan(x)
    r = rank(x, g, method="competition").ranks
    n = np.bincount(g, weights=ok.astype(np.float64), minlength=n_g)[g]
    k = np.rint(window_pct / 100.0 * n)
    outside = (r > quota_rank) & (r <= quota_rank + k)
    inside = (r > quota_rank - k) & (r <= quota_rank)
    m = outside if side == "below" else inside if side == "above" else outside | inside
    return np.asarray(m & ok, dtype=np.bool_)

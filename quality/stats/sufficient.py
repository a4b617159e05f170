"""Mergeable sufficient statistics for exam scores (DESIGN.md "Analytics design").

Two statistics objects are defined, both frozen dataclasses whose arrays are indexed by a
*group* (class, school, county …):

- :class:`ScoreMoments` — for one score (a subject total, or the grand total). Its core is a
  histogram at the exam's score precision (e.g. half points): every basic indicator of
  analytics.md §4 (mean, SD, 一分三率, bands, percentiles, skewness, kurtosis, min, max) is
  an exact function of it, and rate lines can be changed after the fact. ``n``, ``sum``,
  ``sumsq``, ``min`` and ``max`` are exposed as properties derived from it.
- :class:`ItemMoments` — for an item score matrix: per-item sums, sums of squares and
  item × total cross-products, plus total and odd/even half-test moments. Difficulty, item
  SD, corrected item-total correlation (§5), Cronbach's α, KR-20 and split-half
  reliability (§6) all follow from these.

All counts and sums are held as ``int64`` in *score units* (score / precision), so merging is
exact integer addition: associative and commutative, a county is exactly the merge of its
schools, and re-merging after a late upload reproduces a from-scratch computation bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from .grid import (
    DEFAULT_PROFILE,
    BoolArray,
    FloatArray,
    IntArray,
    LowerOp,
    ThresholdProfile,
    UpperOp,
    cut_units,
    line_value,
    to_units,
)

SDKind = Literal["population", "sample"]
Denominator = Literal["sat", "registered"]

# Rows per chunk when forming item products; bounds temporaries to ~ chunk × J × 8 bytes.
_CHUNK_ROWS = 16_384


def _group_sum(parent: IntArray, a: IntArray, n_parents: int) -> IntArray:
    """Σ of the rows of ``a`` per parent (exact int64): one sparse one-hot product, instead of
    ``np.add.at`` (an unbuffered scatter, ~10× slower on thousands of classes)."""
    a2 = a.reshape(a.shape[0], -1).astype(np.int64, copy=False)
    m = sparse.csr_matrix((np.ones(parent.size, np.int64), (parent, np.arange(parent.size))),
                          shape=(n_parents, parent.size))
    out = np.asarray(m @ a2, dtype=np.int64)
    return out.reshape((n_parents,) + a.shape[1:])


def _as_group(group: ArrayLike, n_groups: int) -> IntArray:
    g = np.asarray(group, dtype=np.int64)
    if g.ndim != 1:
        raise ValueError("group must be 1-D")
    if g.size and (int(g.min()) < 0 or int(g.max()) >= n_groups):
        raise ValueError("group index out of range")
    return g


# ---------------------------------------------------------------------------------------
# ScoreMoments
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreMoments:
    """Per-group score histogram at the score precision, plus 应考 counts.

    ``hist[g, u]`` is the number of sitters (实考) in group ``g`` with score ``u × precision``;
    ``registered[g]`` is 应考 (sitters + absentees), so 缺考 = registered − n (§4 notation).
    """

    hist: IntArray
    registered: IntArray
    full_mark: float
    precision: float

    # -- shape ---------------------------------------------------------------------------
    @property
    def n_groups(self) -> int:
        return int(self.hist.shape[0])

    @property
    def _units(self) -> IntArray:
        return np.arange(self.hist.shape[1], dtype=np.int64)

    # -- exact counts and sums -----------------------------------------------------------
    @property
    def n(self) -> IntArray:
        """实考 per group."""
        return np.asarray(self.hist.sum(axis=1), dtype=np.int64)

    @property
    def absent(self) -> IntArray:
        """缺考 per group."""
        return self.registered - self.n

    @property
    def sum_units(self) -> IntArray:
        return self.hist @ self._units

    @property
    def sumsq_units(self) -> IntArray:
        u = self._units
        return self.hist @ (u * u)

    @property
    def sum(self) -> FloatArray:
        return self.sum_units.astype(np.float64) * self.precision

    @property
    def sumsq(self) -> FloatArray:
        return self.sumsq_units.astype(np.float64) * self.precision**2

    @property
    def min(self) -> FloatArray:
        nz = self.hist > 0
        first = np.argmax(nz, axis=1).astype(np.float64) * self.precision
        return np.where(nz.any(axis=1), first, np.nan)

    @property
    def max(self) -> FloatArray:
        nz = self.hist[:, ::-1] > 0
        last = (self.hist.shape[1] - 1 - np.argmax(nz, axis=1)).astype(np.float64)
        return np.where(nz.any(axis=1), last * self.precision, np.nan)

    # -- merging -------------------------------------------------------------------------
    def _check_compatible(self, other: ScoreMoments) -> None:
        if (self.full_mark, self.precision) != (other.full_mark, other.precision):
            raise ValueError("cannot merge moments with different full mark or precision")
        if self.hist.shape != other.hist.shape:
            raise ValueError("cannot merge moments over different group sets")

    def merge(self, other: ScoreMoments) -> ScoreMoments:
        """Group-wise sum of two partitions over the same groups (e.g. a late upload)."""
        self._check_compatible(other)
        return ScoreMoments(
            self.hist + other.hist,
            self.registered + other.registered,
            self.full_mark,
            self.precision,
        )

    def rollup(self, parent: ArrayLike, n_parents: int) -> ScoreMoments:
        """Merge groups into parents: classes → schools → counties → city.

        ``parent[g]`` is the parent index of group ``g``.
        """
        p = _as_group(parent, n_parents)
        if p.size != self.n_groups:
            raise ValueError("parent must have one entry per group")
        return ScoreMoments(_group_sum(p, self.hist, n_parents), _group_sum(p, self.registered, n_parents),
                            self.full_mark, self.precision)

    def total(self) -> ScoreMoments:
        """All groups merged into one (e.g. the whole grade as the 超均率 reference)."""
        return self.rollup(np.zeros(self.n_groups, dtype=np.int64), 1)


def score_moments(
    group: ArrayLike,
    scores: ArrayLike,
    n_groups: int,
    *,
    full_mark: float,
    precision: float = 0.5,
    absent: ArrayLike | None = None,
) -> ScoreMoments:
    """Build :class:`ScoreMoments` from per-student (group index, score) arrays.

    Absent students (缺考) are marked by NaN scores and/or the boolean ``absent`` mask; they
    count in ``registered`` (应考) only. One ``np.bincount`` — no per-student Python loop.
    """
    g = _as_group(group, n_groups)
    units, present = to_units(scores, precision)
    if units.shape != g.shape:
        raise ValueError("group and scores must have the same length")
    if absent is not None:
        present = present & ~np.asarray(absent, dtype=np.bool_)
    n_bins = int(round(full_mark / precision)) + 1
    # Absentees go to one extra bin past the end (dropped after counting) instead of being cut
    # out of both arrays with boolean indexing.
    key = g * n_bins
    key += units
    if units.size and int(np.max(units, where=present, initial=0)) >= n_bins:
        raise ValueError("score above full mark")
    key[~present] = n_groups * n_bins
    hist = np.bincount(key, minlength=n_groups * n_bins + 1)[:-1].reshape(n_groups, n_bins)
    registered = np.bincount(g, minlength=n_groups).astype(np.int64)
    return ScoreMoments(hist.astype(np.int64, copy=False), registered, float(full_mark), float(precision))


def merge_moments(*parts: ScoreMoments) -> ScoreMoments:
    """Merge any number of partitions over the same groups (associative)."""
    if not parts:
        raise ValueError("nothing to merge")
    out = parts[0]
    for p in parts[1:]:
        out = out.merge(p)
    return out


# ---------------------------------------------------------------------------------------
# Basic indicators from ScoreMoments (analytics.md §4)
# ---------------------------------------------------------------------------------------


def _safe_div(a: FloatArray | IntArray, b: FloatArray | IntArray) -> FloatArray:
    a64 = np.asarray(a, dtype=np.float64)
    b64 = np.asarray(b, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b64 > 0, a64 / np.where(b64 > 0, b64, 1.0), np.nan)


def mean(m: ScoreMoments) -> FloatArray:
    """x̄ = Σx / n over sitters (§4)."""
    return _safe_div(m.sum, m.n)


def variance(m: ScoreMoments, kind: SDKind = "population") -> FloatArray:
    """Population (÷n) or sample (÷(n−1)) variance (§4: name the choice in output).

    Computed as (Σu² − (Σu)²/n) from exact integer unit sums; the subtraction is done on
    float64 copies of exact integers, so there is no accumulated rounding.
    """
    return _variance_units(m.n, m.sum_units, m.sumsq_units, kind) * m.precision**2


def sd(m: ScoreMoments, kind: SDKind = "population") -> FloatArray:
    """Standard deviation; the Ministry CV (§7) uses the population form, hence the default."""
    return np.sqrt(variance(m, kind))


def count_at(m: ScoreMoments, line: float | Decimal, op: UpperOp | LowerOp) -> IntArray:
    """Number of sitters per group on the given side of ``line`` (exact, §4)."""
    t = cut_units(line, m.precision, op)
    t = min(max(t, 0), m.hist.shape[1])
    below = m.hist[:, :t].sum(axis=1)
    return np.asarray(below if op in ("<", "<=") else m.n - below, dtype=np.int64)


@dataclass(frozen=True)
class RateReport:
    """一分三率 per group (§4), with every convention needed to print it."""

    registered: IntArray  # 应考
    sat: IntArray  # 实考
    absent: IntArray  # 缺考
    mean: FloatArray
    sd: FloatArray
    sd_kind: SDKind
    score_rate: FloatArray  # 得分率 x̄ / W
    excellent_count: IntArray
    pass_count: IntArray
    low_count: IntArray
    excellent_rate: FloatArray
    pass_rate: FloatArray
    low_rate: FloatArray
    excellent_line: Decimal
    pass_line: Decimal
    low_line: Decimal
    denominator: Denominator
    profile: ThresholdProfile

    def describe(self) -> str:
        d = "实考" if self.denominator == "sat" else "应考"
        sdk = "总体标准差(÷n)" if self.sd_kind == "population" else "样本标准差(÷(n−1))"
        return (
            f"优秀线 {self.excellent_line}（{self.profile.excellent_op}）、及格线 {self.pass_line}"
            f"（{self.profile.pass_op}）、低分线 {self.low_line}（{self.profile.low_op}）；"
            f"比率分母为{d}人数；{sdk}"
        )


def one_point_three_rates(
    m: ScoreMoments,
    profile: ThresholdProfile = DEFAULT_PROFILE,
    *,
    sd_kind: SDKind = "population",
    denominator: Denominator = "sat",
) -> RateReport:
    """一分三率: mean, 优秀率, 及格率, 低分率 per group (analytics.md §4).

    Lines are ``fraction × full_mark`` in exact decimals (120 × 0.85 = 102). The default
    denominator is 实考, as §4 / [E4] require; 应考 is available and is named in the result.
    """
    ex_line = line_value(profile.excellent, m.full_mark)
    pa_line = line_value(profile.pass_, m.full_mark)
    lo_line = line_value(profile.low, m.full_mark)
    lines = ((ex_line, profile.excellent_op), (pa_line, profile.pass_op), (lo_line, profile.low_op))
    n, s_units, ss_units, below = _hist_sums(m, [cut_units(v, m.precision, op) for v, op in lines])
    ex, pa, lo = (below[:, k] if op in ("<", "<=") else n - below[:, k] for k, (_, op) in enumerate(lines))
    den = n if denominator == "sat" else m.registered
    mu = _safe_div(s_units.astype(np.float64) * m.precision, n)
    var = _variance_units(n, s_units, ss_units, sd_kind) * m.precision**2
    return RateReport(
        registered=m.registered,
        sat=n,
        absent=m.registered - n,
        mean=mu,
        sd=np.sqrt(var),
        sd_kind=sd_kind,
        score_rate=mu / m.full_mark,
        excellent_count=ex,
        pass_count=pa,
        low_count=lo,
        excellent_rate=_safe_div(ex, den),
        pass_rate=_safe_div(pa, den),
        low_rate=_safe_div(lo, den),
        excellent_line=ex_line,
        pass_line=pa_line,
        low_line=lo_line,
        denominator=denominator,
        profile=profile,
    )


def _hist_sums(m: ScoreMoments, cuts: list[int]) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """n, Σu, Σu² and the number of sitters below each unit cut, per group, in one pass over
    the histogram: one float64 matrix product with [1, u, u², 1(u < cut)…], exact while
    n × u_max² < 2^53 (an int64 product otherwise). Each of ``n``, ``sum_units``,
    ``sumsq_units`` and ``count_at`` reads the whole (G × bins) histogram on its own."""
    h = m.hist.shape[1]
    u = np.arange(h, dtype=np.int64)
    cols = [np.ones(h, np.int64), u, u * u] + [(u < min(max(t, 0), h)).astype(np.int64) for t in cuts]
    basis = np.stack(cols, axis=1)
    if int(m.registered.sum()) * max(h - 1, 1) ** 2 < 2**53:
        out = np.rint(m.hist.astype(np.float64) @ basis.astype(np.float64)).astype(np.int64)
    else:
        out = m.hist @ basis
    return out[:, 0].copy(), out[:, 1].copy(), out[:, 2].copy(), out[:, 3:].copy()


def _variance_units(n_int: IntArray, s_units: IntArray, ss_units: IntArray, kind: SDKind) -> FloatArray:
    n = n_int.astype(np.float64)
    s = s_units.astype(np.float64)
    ss = ss_units.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        css = np.maximum(ss - s * s / np.where(n > 0, n, 1.0), 0.0)
    denom = n if kind == "population" else n - 1
    return _safe_div(css, denom)


def above_mean_rate(unit_mean: ArrayLike, reference_mean: ArrayLike) -> FloatArray:
    """超均率 = (x̄_unit − x̄_ref) / x̄_ref × 100 % (§4 [C]); returned in percent."""
    u = np.asarray(unit_mean, dtype=np.float64)
    r = np.asarray(reference_mean, dtype=np.float64)
    return _safe_div(u - r, r) * 100.0


@dataclass(frozen=True)
class ScoreBands:
    """分数段 counts and percents per group (§4). Bands are [lower, upper) except the last,
    which includes the full mark."""

    edges: tuple[Decimal, ...]
    labels: tuple[str, ...]
    counts: IntArray  # (G, n_bands)
    percents: FloatArray  # (G, n_bands), of sitters


def score_bands(
    m: ScoreMoments,
    edges: ArrayLike | None = None,
    *,
    width: float = 10.0,
    labels: tuple[str, ...] | None = None,
) -> ScoreBands:
    """Counts per score band. Default: ``width``-point bands 0–10, 10–20, …, last one ending
    at the full mark inclusive."""
    if edges is None:
        e = [Decimal(str(width)) * i for i in range(int(m.full_mark // width) + 1)]
        if e[-1] != Decimal(str(m.full_mark)):
            e.append(Decimal(str(m.full_mark)))
    else:
        e = [Decimal(str(float(v))) for v in np.asarray(edges, dtype=np.float64)]
    thr = [min(max(cut_units(v, m.precision, ">="), 0), m.hist.shape[1]) for v in e[:-1]]
    thr.append(m.hist.shape[1])  # last band includes W
    cum = np.concatenate(
        [np.zeros((m.n_groups, 1), dtype=np.int64), np.cumsum(m.hist, axis=1)], axis=1
    )
    t = np.asarray(thr, dtype=np.int64)
    counts = cum[:, t[1:]] - cum[:, t[:-1]]
    if labels is None:
        labels = tuple(f"[{a},{b})" for a, b in zip(e[:-2], e[1:-1], strict=True)) + (
            f"[{e[-2]},{e[-1]}]",
        )
    return ScoreBands(tuple(e), labels, counts, _safe_div(counts, m.n[:, None]) * 100.0)


def level_bands(
    m: ScoreMoments,
    profile: ThresholdProfile = DEFAULT_PROFILE,
    *,
    good: float | None = None,
) -> ScoreBands:
    """优/(良)/及格/不及格/低分 bands from the profile lines (§4). ``good`` (良 line as a fraction
    of W) is optional because the spec gives no value for it [C]."""
    fr: list[float] = [0.0, profile.low, profile.pass_]
    labels = ["低分", "不及格", "及格"]
    if good is not None:
        fr.append(good)
        labels.append("良好")
    fr += [profile.excellent, 1.0]
    labels.append("优秀")
    edges = np.array([f * m.full_mark for f in fr])
    return score_bands(m, edges, labels=tuple(labels))


def quantiles(m: ScoreMoments, q: ArrayLike) -> FloatArray:
    """Per-group quantiles (lower empirical quantile: the smallest score s with
    F(s) ≥ q). Shape (G, len(q))."""
    qq = np.atleast_1d(np.asarray(q, dtype=np.float64))
    cum = np.cumsum(m.hist, axis=1)
    target = np.ceil(qq[None, :] * m.n[:, None]).clip(min=1)
    out = np.empty((m.n_groups, qq.size), dtype=np.float64)
    for k in range(qq.size):  # loop over requested quantiles, not students
        idx = np.argmax(cum >= target[:, k : k + 1], axis=1)
        out[:, k] = idx * m.precision
    out[m.n == 0] = np.nan
    return out


def _central_moment(m: ScoreMoments, k: int) -> FloatArray:
    u = m._units.astype(np.float64) * m.precision
    mu = mean(m)
    dev = (u[None, :] - np.nan_to_num(mu)[:, None]) ** k
    return _safe_div((m.hist * dev).sum(axis=1), m.n)


def skewness(m: ScoreMoments) -> FloatArray:
    """Population skewness g1 = m3 / m2^1.5 (§4 distribution)."""
    m2 = _central_moment(m, 2)
    return _safe_div(_central_moment(m, 3), m2**1.5)


def kurtosis(m: ScoreMoments) -> FloatArray:
    """Population excess kurtosis g2 = m4 / m2² − 3 (§4 distribution)."""
    m2 = _central_moment(m, 2)
    return _safe_div(_central_moment(m, 4), m2**2) - 3.0


# ---------------------------------------------------------------------------------------
# ItemMoments
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemMoments:
    """Per-group item-level sufficient statistics, in integer score units.

    With X the (n × J) item matrix of a group and T = X·1 the total:
    ``item_sum = Σ X``, ``item_sumsq = Σ X²``, ``item_total = Σ X ⊙ T`` (per item),
    ``total_sum = Σ T``, ``total_sumsq = Σ T²``, ``half_sum``/``half_sumsq`` for the odd-item
    (column 0) and even-item (column 1) half tests (§6 split-half, odd/even by position).
    """

    n: IntArray  # (G,)
    item_sum: IntArray  # (G, J)
    item_sumsq: IntArray  # (G, J)
    item_total: IntArray  # (G, J)
    total_sum: IntArray  # (G,)
    total_sumsq: IntArray  # (G,)
    half_sum: IntArray  # (G, 2)
    half_sumsq: IntArray  # (G, 2)
    item_max: FloatArray  # (J,) full mark per item
    precision: float

    @property
    def n_groups(self) -> int:
        return int(self.n.shape[0])

    @property
    def n_items(self) -> int:
        return int(self.item_max.shape[0])

    def _fields(self) -> tuple[IntArray, ...]:
        return (
            self.n,
            self.item_sum,
            self.item_sumsq,
            self.item_total,
            self.total_sum,
            self.total_sumsq,
            self.half_sum,
            self.half_sumsq,
        )

    def merge(self, other: ItemMoments) -> ItemMoments:
        """Group-wise sum of two partitions over the same groups and items."""
        if self.precision != other.precision or not np.array_equal(
            self.item_max, other.item_max
        ):
            raise ValueError("cannot merge item moments of different papers")
        if self.item_sum.shape != other.item_sum.shape:
            raise ValueError("cannot merge item moments over different group sets")
        f = [a + b for a, b in zip(self._fields(), other._fields(), strict=True)]
        return self._with_fields(f)

    def _with_fields(self, f: list[IntArray]) -> ItemMoments:
        return ItemMoments(
            n=f[0],
            item_sum=f[1],
            item_sumsq=f[2],
            item_total=f[3],
            total_sum=f[4],
            total_sumsq=f[5],
            half_sum=f[6],
            half_sumsq=f[7],
            item_max=self.item_max,
            precision=self.precision,
        )

    def rollup(self, parent: ArrayLike, n_parents: int) -> ItemMoments:
        """Merge groups into parents (classes → schools → counties)."""
        p = _as_group(parent, n_parents)
        if p.size != self.n_groups:
            raise ValueError("parent must have one entry per group")
        return self._with_fields([_group_sum(p, a, n_parents) for a in self._fields()])

    def total(self) -> ItemMoments:
        return self.rollup(np.zeros(self.n_groups, dtype=np.int64), 1)


def item_moments(
    group: ArrayLike,
    items: ArrayLike,
    n_groups: int,
    *,
    item_max: ArrayLike,
    precision: float = 1.0,
    sat: ArrayLike | None = None,
) -> ItemMoments:
    """Build :class:`ItemMoments` from a (N × J) item-score matrix and group indices.

    Rows are students, columns items. Compact dtypes (``uint8``) are accepted and widened
    chunk by chunk, so memory stays ~ N × J bytes plus one chunk. NaN item scores count as 0
    (an unanswered item earns nothing); absent students should be excluded with ``sat``.
    Rows are sorted by group once (a no-op when already sorted) and summed per group with
    sparse one-hot products — vectorised, no per-student loop.
    """
    g = _as_group(group, n_groups)
    x = np.asarray(items)
    if x.ndim != 2 or x.shape[0] != g.size:
        raise ValueError("items must be (N, J) with N = len(group)")
    # Absent students are weighted 0 rather than cut out of the matrix (no copy of the items).
    w: NDArray[np.float64] | None = None if sat is None else np.asarray(sat, dtype=np.float64)
    if g.size > 1 and not bool(np.all(g[1:] >= g[:-1])):
        order = np.argsort(g, kind="stable")
        g, x = g[order], x[order]
        w = None if w is None else w[order]
    n_items = x.shape[1]
    odd = np.arange(n_items) % 2 == 0  # items 1, 3, 5, … (1-based) form half A
    integer_input = np.issubdtype(x.dtype, np.integer) and precision == 1

    n = (np.bincount(g, minlength=n_groups) if w is None
         else np.rint(np.bincount(g, weights=w, minlength=n_groups))).astype(np.int64)
    item_sum = np.zeros((n_groups, n_items), np.int64)
    item_sumsq = np.zeros((n_groups, n_items), np.int64)
    item_total = np.zeros((n_groups, n_items), np.int64)
    total = np.zeros((n_groups, 6), np.int64)  # ΣT, ΣT², ΣA, ΣB, ΣA², ΣB²
    # Per-group sums of the item columns are products with a (sparse, sorted) one-hot matrix
    # in floating point, which is exact while every partial sum stays below 2^24 (float32) or
    # 2^53 (float64): float32 when the largest group × largest item score × largest total
    # allows it. ``np.add.reduceat`` over int64 copies of the items (and of u², u·T) was 90 %
    # of a province's statistics time (issue 9).
    big = int(n.max(initial=0))
    halves = np.stack([np.ones(n_items), odd.astype(np.float64)], axis=1)  # T and the odd half A
    whole_peak = 1
    if integer_input and x.size:  # one pass over the compact matrix, not one per chunk
        lo = 0 if np.issubdtype(x.dtype, np.unsignedinteger) else -int(x.min())
        whole_peak = max(int(x.max()), lo, 1)
    for r0 in range(0, g.size, _CHUNK_ROWS):
        r1 = min(r0 + _CHUNK_ROWS, g.size)
        gc = g[r0:r1]
        if integer_input:
            src: NDArray[Any] = x[r0:r1]
            peak = whole_peak
        else:
            src, _ = to_units(np.nan_to_num(np.asarray(x[r0:r1], dtype=np.float64)), precision)
            peak = max(int(src.max(initial=0)), -int(src.min(initial=0)), 1) if src.size else 1
        ft = np.float32 if big * peak * peak * max(n_items, 1) < 2**24 else np.float64
        f = src.astype(ft)
        ta = np.rint(f @ halves.astype(ft))  # exact row sums (a GEMV, not a reduce)
        # Absent rows count 0 everywhere: their weight in every one-hot matrix is 0.
        wc = None if w is None else w[r0:r1]
        t = ta[:, 0] if wc is None else ta[:, 0] * wc.astype(ft)
        g0, g1 = int(gc[0]), int(gc[-1]) + 1
        local = gc - g0
        counts = np.bincount(local, minlength=g1 - g0)
        indptr = np.concatenate(([0], np.cumsum(counts)))
        cols = np.arange(gc.size)
        ones = np.ones(gc.size, ft) if wc is None else wc.astype(ft)
        one_hot = sparse.csr_matrix((ones, cols, indptr), shape=(g1 - g0, gc.size))
        weighted = sparse.csr_matrix((t, cols, indptr), shape=(g1 - g0, gc.size))
        item_sum[g0:g1] += np.rint(one_hot @ f).astype(np.int64)
        item_total[g0:g1] += np.rint(weighted @ f).astype(np.int64)
        np.multiply(f, f, out=f)
        item_sumsq[g0:g1] += np.rint(one_hot @ f).astype(np.int64)
        # ΣT, ΣT², ΣA, ΣB, ΣA², ΣB² in one float64 product (exact: each term < 2^53).
        v = np.empty((gc.size, 6), np.float64)
        v[:, 0] = ta[:, 0]
        v[:, 2] = ta[:, 1]
        np.subtract(v[:, 0], v[:, 2], out=v[:, 3])
        np.multiply(v[:, 0], v[:, 0], out=v[:, 1])
        np.multiply(v[:, 2], v[:, 2], out=v[:, 4])
        np.multiply(v[:, 3], v[:, 3], out=v[:, 5])
        one_hot64 = sparse.csr_matrix((np.ones(gc.size) if wc is None else wc, cols, indptr),
                                      shape=(g1 - g0, gc.size))
        total[g0:g1] += np.rint(one_hot64 @ v).astype(np.int64)

    return ItemMoments(
        n=n,
        item_sum=item_sum,
        item_sumsq=item_sumsq,
        item_total=item_total,
        total_sum=total[:, 0].copy(),
        total_sumsq=total[:, 1].copy(),
        half_sum=total[:, 2:4].copy(),
        half_sumsq=total[:, 4:6].copy(),
        item_max=np.asarray(item_max, dtype=np.float64).reshape(n_items),
        precision=float(precision),
    )


def row_totals(items: ArrayLike) -> IntArray:
    """Exact integer row sums of a non-negative integer item matrix (the students' totals), as
    a float32 matrix-vector product in chunks while the sums stay below 2^24 (float64
    otherwise): several times faster than ``x.sum(axis=1)``, a reduction along short rows."""
    x = np.asarray(items)
    if x.ndim != 2:
        raise ValueError("items must be (N, J)")
    out = np.empty(x.shape[0], np.int64)
    peak = max(int(x.max(initial=0)), -int(x.min(initial=0)), 1) if x.size else 1
    ft = np.float32 if peak * max(x.shape[1], 1) < 2**24 else np.float64
    ones: NDArray[Any] = np.ones(x.shape[1], ft)
    for r0 in range(0, x.shape[0], _CHUNK_ROWS):
        r1 = min(r0 + _CHUNK_ROWS, x.shape[0])
        out[r0:r1] = np.rint(np.asarray(x[r0:r1], dtype=ft) @ ones).astype(np.int64)
    return out


def present_mask(scores: ArrayLike, absent: ArrayLike | None = None) -> BoolArray:
    """True for sitters (实考): score not NaN and not flagged absent."""
    s = np.asarray(scores, dtype=np.float64)
    p = ~np.isnan(s)
    if absent is not None:
        p &= ~np.asarray(absent, dtype=np.bool_)
    return p

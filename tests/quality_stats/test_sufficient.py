"""Mergeable score statistics (analytics.md §4) against per-group reference loops."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from scipy import stats as sps

from quality.stats import (
    ThresholdProfile,
    above_mean_rate,
    item_moments,
    kurtosis,
    level_bands,
    mean,
    merge_moments,
    one_point_three_rates,
    quantiles,
    score_bands,
    score_moments,
    sd,
    skewness,
)

SPEC_CLASS = np.array([118, 105, 99, 96, 88, 80, 73, 70, 55, 41], dtype=float)


def _random_exam(
    seed: int, n: int = 3000, groups: int = 37, full: float = 150.0
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    g = rng.integers(0, groups, n)
    s = np.clip(np.round(rng.normal(95, 25, n) * 2) / 2, 0, full)
    s[rng.random(n) < 0.03] = np.nan  # 缺考
    return g, s


def test_spec_worked_example_section4() -> None:
    m = score_moments(np.zeros(10, int), SPEC_CLASS, 1, full_mark=120, precision=0.5)
    r = one_point_three_rates(m)
    assert r.mean[0] == pytest.approx(82.5)
    assert r.sd[0] == pytest.approx(22.32, abs=0.005)
    assert sd(m, "sample")[0] == pytest.approx(23.53, abs=0.005)
    assert (r.excellent_line, r.pass_line, r.low_line) == (Decimal(102), Decimal(72), Decimal(48))
    assert r.excellent_rate[0] == pytest.approx(0.20)
    assert r.pass_rate[0] == pytest.approx(0.70)
    assert r.low_rate[0] == pytest.approx(0.10)
    assert above_mean_rate(r.mean, 72.0)[0] == pytest.approx(14.6, abs=0.05)
    assert "实考" in r.describe() and "总体标准差" in r.describe()


def test_exact_cut_at_half_point_grid() -> None:
    # 0.85 × 120 = 102: a score of exactly 102 is 优秀, 101.5 is not (§4 threshold spec).
    x = np.array([102.0, 101.5, 72.0, 71.5, 48.0, 47.5])
    m = score_moments(np.zeros(6, int), x, 1, full_mark=120, precision=0.5)
    r = one_point_three_rates(m)
    assert r.excellent_count[0] == 1
    assert r.pass_count[0] == 3
    assert r.low_count[0] == 1
    strict = ThresholdProfile(excellent_op=">", pass_op=">", low_op="<=")
    r2 = one_point_three_rates(m, strict)
    assert (r2.excellent_count[0], r2.pass_count[0], r2.low_count[0]) == (0, 2, 2)
    # A profile whose line is not representable in binary floating point.
    m3 = score_moments(np.zeros(2, int), [87.0, 86.5], 1, full_mark=145, precision=0.5)
    r3 = one_point_three_rates(m3, ThresholdProfile(excellent=0.6))  # 0.6 × 145 = 87
    assert r3.excellent_count[0] == 1


def test_off_grid_and_over_full_mark_rejected() -> None:
    with pytest.raises(ValueError):
        score_moments([0], [80.3], 1, full_mark=100, precision=0.5)
    with pytest.raises(ValueError):
        score_moments([0], [100.5], 1, full_mark=100, precision=0.5)


def test_against_per_group_reference_loops() -> None:
    g, s = _random_exam(1)
    G, W = 37, 150.0
    m = score_moments(g, s, G, full_mark=W, precision=0.5)
    r = one_point_three_rates(m)
    r_reg = one_point_three_rates(m, denominator="registered")
    mu_all = np.nanmean(s)
    for k in range(G):
        xs = s[g == k]
        sat = xs[~np.isnan(xs)]
        assert m.registered[k] == xs.size and m.n[k] == sat.size and m.absent[k] == xs.size - sat.size
        assert r.mean[k] == pytest.approx(sat.mean())
        assert r.sd[k] == pytest.approx(sat.std())
        assert sd(m, "sample")[k] == pytest.approx(sat.std(ddof=1))
        assert r.excellent_count[k] == np.sum(sat >= 0.85 * W)
        assert r.pass_count[k] == np.sum(sat >= 0.60 * W)
        assert r.low_count[k] == np.sum(sat < 0.40 * W)
        assert r_reg.pass_rate[k] == pytest.approx(np.sum(sat >= 90) / xs.size)
        assert m.min[k] == sat.min() and m.max[k] == sat.max()
        assert skewness(m)[k] == pytest.approx(sps.skew(sat))
        assert kurtosis(m)[k] == pytest.approx(sps.kurtosis(sat))
        q = quantiles(m, [0.1, 0.5, 0.9])[k]
        assert np.allclose(q, np.quantile(sat, [0.1, 0.5, 0.9], method="inverted_cdf"))
        b = score_bands(m).counts[k]
        ref = [np.sum((sat >= lo) & (sat < lo + 10)) for lo in range(0, 140, 10)]
        ref.append(np.sum(sat >= 140))
        assert b.tolist() == ref
    whole = m.total()
    assert mean(whole)[0] == pytest.approx(mu_all)
    assert above_mean_rate(r.mean, mean(whole))[3] == pytest.approx(
        (r.mean[3] - mu_all) / mu_all * 100
    )


def test_level_bands_partition_sitters() -> None:
    m = score_moments(np.zeros(10, int), SPEC_CLASS, 1, full_mark=120, precision=0.5)
    lb = level_bands(m)
    assert lb.labels == ("低分", "不及格", "及格", "优秀")
    assert lb.counts[0].tolist() == [1, 2, 5, 2]
    lb2 = level_bands(m, good=0.75)  # 良 line at 90
    assert lb2.counts[0].tolist() == [1, 2, 3, 2, 2]


def test_merge_partitions_equals_whole_and_rollup() -> None:
    g, s = _random_exam(2)
    G = 37
    whole = score_moments(g, s, G, full_mark=150, precision=0.5)
    parts = np.array_split(np.random.default_rng(0).permutation(g.size), 4)
    pm = [score_moments(g[i], s[i], G, full_mark=150, precision=0.5) for i in parts]
    merged = merge_moments(*pm)
    assert np.array_equal(merged.hist, whole.hist)
    assert np.array_equal(merged.registered, whole.registered)
    # Associativity: (a+b)+(c+d) == a+(b+(c+d))
    alt = pm[0].merge(pm[1].merge(pm[2].merge(pm[3])))
    assert np.array_equal(merge_moments(pm[0].merge(pm[1]), pm[2].merge(pm[3])).hist, alt.hist)
    # classes → schools: rollup equals computing on school ids directly
    school_of_class = np.arange(G) % 5
    rolled = whole.rollup(school_of_class, 5)
    direct = score_moments(school_of_class[g], s, 5, full_mark=150, precision=0.5)
    assert np.array_equal(rolled.hist, direct.hist)
    assert np.array_equal(rolled.registered, direct.registered)
    assert np.allclose(sd(rolled), sd(direct))


def test_merge_rejects_incompatible() -> None:
    a = score_moments([0], [10.0], 1, full_mark=100)
    b = score_moments([0], [10.0], 1, full_mark=120)
    with pytest.raises(ValueError):
        a.merge(b)


def test_item_moments_merge_equals_whole() -> None:
    rng = np.random.default_rng(3)
    n, J, G = 2000, 12, 9
    x = rng.integers(0, 5, (n, J)).astype(np.uint8)
    g = rng.integers(0, G, n)
    whole = item_moments(g, x, G, item_max=np.full(J, 4.0))
    half = n // 3
    a = item_moments(g[:half], x[:half], G, item_max=np.full(J, 4.0))
    b = item_moments(g[half:], x[half:], G, item_max=np.full(J, 4.0))
    m = a.merge(b)
    for f_m, f_w in zip(m._fields(), whole._fields(), strict=True):
        assert np.array_equal(f_m, f_w)
    for k in range(G):
        xs = x[g == k].astype(np.int64)
        t = xs.sum(1)
        assert np.array_equal(whole.item_sum[k], xs.sum(0))
        assert np.array_equal(whole.item_sumsq[k], (xs**2).sum(0))
        assert np.array_equal(whole.item_total[k], (xs * t[:, None]).sum(0))
        assert whole.total_sumsq[k] == (t**2).sum()
        assert whole.half_sum[k].tolist() == [xs[:, 0::2].sum(), xs[:, 1::2].sum()]


def test_item_moments_half_points_and_sat_mask() -> None:
    x = np.array([[1.5, 2.0], [0.5, np.nan], [2.0, 1.0]])
    im = item_moments([0, 0, 1], x, 2, item_max=[2.0, 2.0], precision=0.5, sat=[True, True, False])
    assert im.n.tolist() == [2, 0]
    assert im.item_sum[0].tolist() == [4, 4]  # units of 0.5: 1.5+0.5 → 4, 2.0+0 → 4

"""Item analysis (analytics.md §5) and reliability (§6): the spec's worked example and
independent reference computations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from quality.stats import (
    alpha_from_moments,
    blueprint_rates,
    cronbach_alpha,
    difficulty,
    difficulty_band,
    discrimination,
    discrimination_band,
    discrimination_upper_lower,
    feldt_interval,
    item_moments,
    item_stats,
    item_total_correlation,
    kr20,
    kr20_from_moments,
    objective_scores,
    option_analysis,
    split_half,
    split_half_from_moments,
)

SPEC_ROWS = ["11111", "11110", "11101", "11010", "10100", "11000", "01000", "10000", "00010", "00000"]
SPEC_X = np.array([[int(c) for c in r] for r in SPEC_ROWS], dtype=np.uint8)
ONES = np.ones(5)


def test_spec_section5_example() -> None:
    assert np.allclose(difficulty(SPEC_X, ONES), [0.7, 0.6, 0.4, 0.4, 0.2])
    ul = discrimination_upper_lower(SPEC_X, ONES)
    assert ul.n_upper == ul.n_lower == 3
    assert np.allclose(ul.d, [2 / 3, 1, 1, 1 / 3, 2 / 3])
    assert np.allclose(item_total_correlation(SPEC_X, corrected=False),
                       [0.689, 0.684, 0.763, 0.500, 0.709], atol=5e-4)
    corr = discrimination(SPEC_X, ONES)
    assert corr.method == "corrected_item_total"
    assert np.allclose(corr.values, [0.477, 0.450, 0.569, 0.208, 0.538], atol=5e-4)
    assert int(np.argmin(corr.values)) == 3  # "Item 4 is weakest"


def test_spec_section6_example() -> None:
    a = cronbach_alpha(SPEC_X)
    assert a.alpha[0] == pytest.approx(0.685, abs=5e-4)
    assert kr20(SPEC_X) == pytest.approx(a.alpha[0])
    sh = split_half(SPEC_X)
    assert sh.split_rule == "odd_even"
    assert sh.r_halves[0] == pytest.approx(0.352, abs=5e-4)
    assert sh.spearman_brown[0] == pytest.approx(0.521, abs=5e-4)
    assert sh.rulon[0] == pytest.approx(0.498, abs=5e-4)


def test_point_biserial_formula_equals_pearson() -> None:
    # r_pb = (M_p − M_q)/s_X · √(pq) (§5 [E16]) computed literally.
    rng = np.random.default_rng(7)
    x = (rng.random((400, 8)) < rng.uniform(0.2, 0.8, 8)).astype(float)
    t = x.sum(1)
    ref = []
    for j in range(8):
        p = x[:, j].mean()
        ref.append((t[x[:, j] == 1].mean() - t[x[:, j] == 0].mean()) / t.std() * np.sqrt(p * (1 - p)))
    assert np.allclose(item_total_correlation(x, corrected=False), ref)
    rest = [sps.pearsonr(x[:, j], t - x[:, j]).statistic for j in range(8)]
    assert np.allclose(item_total_correlation(x), rest)


def test_upper_lower_polytomous_and_ties() -> None:
    rng = np.random.default_rng(8)
    x = rng.integers(0, 11, (101, 4)).astype(float)
    w = np.full(4, 10.0)
    ul = discrimination_upper_lower(x, w)
    t = x.sum(1)
    ng = 27  # round(0.27 × 101) = 27.27 → 27
    order = sorted(range(101), key=lambda i: -t[i])  # Python's sort is stable
    hi, lo = order[:ng], order[-ng:]
    assert ul.n_upper == ng
    assert np.allclose(ul.d, (x[hi].mean(0) - x[lo].mean(0)) / 10)
    assert np.allclose(ul.p_est, (x[hi].mean(0) + x[lo].mean(0)) / 20)
    inc = discrimination_upper_lower(x, w, tie_rule="include_ties")
    assert inc.n_upper == int(np.sum(t >= t[order[ng - 1]]))
    assert inc.n_upper >= ng and inc.tie_rule == "include_ties"


def test_bands() -> None:
    assert difficulty_band([0.71, 0.7, 0.3, 0.29]).tolist() == ["easy", "moderate", "moderate", "hard"]
    assert discrimination_band([0.45, 0.40, 0.35, 0.25, 0.19]).tolist() == [
        "very_good", "very_good", "good", "fair", "poor",
    ]
    assert discrimination_band([0.31, 0.3, 0.1, 0.05], "e9").tolist() == [
        "good", "fair", "discard", "discard",
    ]


def test_option_analysis_against_loop() -> None:
    rng = np.random.default_rng(9)
    n, j = 300, 6
    ch = rng.integers(-1, 4, (n, j))
    key = rng.integers(0, 4, j)
    sc = objective_scores(ch, key)
    t = sc.sum(1).astype(float)  # uint sums would wrap under negation
    oa = option_analysis(ch, key, t)
    order = np.argsort(-t, kind="stable")
    ng = int(np.floor(0.27 * n + 0.5))
    up = set(order[:ng].tolist())
    for jj in range(j):
        for opt in range(4):
            assert oa.counts[jj, opt] == np.sum(ch[:, jj] == opt)
            assert oa.upper_counts[jj, opt] == sum(1 for i in up if ch[i, jj] == opt)
        assert oa.counts[jj, 4] == np.sum(ch[:, jj] == -1)
    assert np.allclose(oa.proportions.sum(1), 1)


def test_item_stats_from_moments_match_raw_per_group() -> None:
    rng = np.random.default_rng(10)
    n, j, g_n = 3000, 9, 6
    theta = rng.normal(size=n)
    x = np.clip(np.round(theta[:, None] + rng.normal(size=(n, j)) + 2), 0, 4).astype(np.uint8)
    g = rng.integers(0, g_n, n)
    im = item_moments(g, x, g_n, item_max=np.full(j, 4.0))
    st = item_stats(im)
    al = alpha_from_moments(im)
    sh = split_half_from_moments(im)
    for k in range(g_n):
        xs = x[g == k].astype(float)
        assert np.allclose(st.difficulty[k], difficulty(xs, np.full(j, 4.0)))
        assert np.allclose(st.corrected_r[k], item_total_correlation(xs))
        assert np.allclose(st.item_total_r[k], item_total_correlation(xs, corrected=False))
        assert np.allclose(st.item_sd[k], xs.std(0))
        ref_alpha = cronbach_alpha(xs)
        assert al.alpha[k] == pytest.approx(ref_alpha.alpha[0])
        assert al.lower[k] == pytest.approx(ref_alpha.lower[0])
        ref_sh = split_half(xs)
        assert sh.r_halves[k] == pytest.approx(ref_sh.r_halves[0])
        assert sh.rulon[k] == pytest.approx(ref_sh.rulon[0])


def test_alpha_reference_formula_and_feldt() -> None:
    rng = np.random.default_rng(11)
    x = rng.integers(0, 5, (250, 7)).astype(float) + rng.normal(size=(250, 1)).round()
    k = 7
    # Sample-variance form: the convention cancels in the ratio.
    ref = k / (k - 1) * (1 - x.var(0, ddof=1).sum() / x.sum(1).var(ddof=1))
    res = cronbach_alpha(x, confidence=0.90)
    assert res.alpha[0] == pytest.approx(ref)
    lo = 1 - (1 - ref) * sps.f.ppf(0.95, 249, 249 * 6)
    hi = 1 - (1 - ref) * sps.f.ppf(0.05, 249, 249 * 6)
    assert (res.lower[0], res.upper[0]) == pytest.approx((lo, hi))
    assert res.lower[0] < res.alpha[0] < res.upper[0]
    lo2, hi2 = feldt_interval([ref], [2500], k)  # more students → narrower
    assert hi2[0] - lo2[0] < hi - lo


def test_kr20_binary_from_moments_and_rejects_polytomous() -> None:
    rng = np.random.default_rng(12)
    x = (rng.random((500, 10)) < 0.6).astype(np.uint8)
    im = item_moments(np.zeros(500, int), x, 1, item_max=np.ones(10))
    p = x.mean(0)
    ref = 10 / 9 * (1 - (p * (1 - p)).sum() / x.sum(1).var())
    assert kr20_from_moments(im)[0] == pytest.approx(ref)
    with pytest.raises(ValueError):
        kr20(np.array([[0, 2], [1, 1]]))


def test_blueprint_rates() -> None:
    rng = np.random.default_rng(13)
    x = rng.integers(0, 3, (200, 5)).astype(np.uint8)
    g = rng.integers(0, 3, 200)
    mx = np.array([2.0, 2, 2, 2, 2])
    im = item_moments(g, x, 3, item_max=mx)
    kp = np.array([0, 0, 1, -1, 1])
    br = blueprint_rates(im, kp, ("函数", "几何", "概率"))
    for k in range(3):
        xs = x[g == k]
        assert br.score_rate[k, 0] == pytest.approx(xs[:, :2].sum() / (len(xs) * 4))
        assert br.score_rate[k, 1] == pytest.approx(xs[:, [2, 4]].sum() / (len(xs) * 4))
    assert np.isnan(br.score_rate[0, 2]) and not br.covered[2]
    assert np.allclose(br.point_share, [0.4, 0.4, 0.0])
    # weight matrix: item 4 split half/half between 函数 and 概率
    w = np.zeros((5, 3))
    w[[0, 1], 0] = 1
    w[[2, 4], 1] = 1
    w[3] = [0.5, 0, 0.5]
    br2 = blueprint_rates(im, w, ("函数", "几何", "概率"))
    xs = x[g == 1]
    assert br2.score_rate[1, 2] == pytest.approx(xs[:, 3].mean() / 2)

"""The fast item moments (issue 9) are exact: equal to a direct int64 computation, whatever
the float type the sums go through."""

from __future__ import annotations

import numpy as np

from quality.stats import alpha_from_moments, item_moments, item_stats, one_point_three_rates, row_totals, score_moments
from quality.stats.reliability import feldt_interval


def _direct(g: np.ndarray, x: np.ndarray, n_groups: int) -> dict[str, np.ndarray]:
    u = x.astype(np.int64)
    t = u.sum(axis=1)
    a = u[:, ::2].sum(axis=1)
    b = t - a
    out: dict[str, np.ndarray] = {}
    for name, v in (("item_sum", u), ("item_sumsq", u * u), ("item_total", u * t[:, None])):
        acc = np.zeros((n_groups, u.shape[1]), np.int64)
        np.add.at(acc, g, v)
        out[name] = acc
    for name, v in (("total_sum", t), ("total_sumsq", t * t)):
        acc1 = np.zeros(n_groups, np.int64)
        np.add.at(acc1, g, v)
        out[name] = acc1
    hs = np.zeros((n_groups, 2), np.int64)
    np.add.at(hs, g, np.stack([a * a, b * b], 1))
    out["half_sumsq"] = hs
    return out


def test_item_moments_are_exact_for_small_and_large_scores() -> None:
    rng = np.random.default_rng(5)
    for high, dtype in ((6, np.uint8), (161, np.uint16), (4000, np.uint16)):  # 4000: float64 path
        g = np.sort(rng.integers(0, 37, 3000))
        x = rng.integers(0, high, (3000, 25)).astype(dtype)
        got = item_moments(g, x, 40, item_max=np.full(25, float(high - 1)))
        want = _direct(g, x, 40)
        for name, v in want.items():
            assert np.array_equal(getattr(got, name), v), (high, name)
        assert np.array_equal(row_totals(x), x.astype(np.int64).sum(axis=1))
        # Absent students (sat False) count nowhere; unsorted groups are sorted first.
        sat = rng.random(3000) > 0.1
        perm = rng.permutation(3000)
        got = item_moments(g[perm], x[perm], 40, item_max=np.full(25, float(high - 1)), sat=sat[perm])
        want = _direct(g[sat], x[sat], 40)
        assert np.array_equal(got.n, np.bincount(g[sat], minlength=40))
        for name, v in want.items():
            assert np.array_equal(getattr(got, name), v), (high, name, "sat")


def test_rollup_and_feldt_interval_per_distinct_size() -> None:
    rng = np.random.default_rng(6)
    g = rng.integers(0, 50, 4000)
    x = rng.integers(0, 4, (4000, 8)).astype(np.uint8)
    im = item_moments(g, x, 50, item_max=np.full(8, 3.0))
    parent = np.arange(50) % 7
    up = im.rollup(parent, 7)
    direct = item_moments(parent[g], x, 7, item_max=np.full(8, 3.0))
    assert np.array_equal(up.item_total, direct.item_total) and np.array_equal(up.n, direct.n)
    lo, hi = feldt_interval(np.array([0.8, 0.8, 0.7]), np.array([30, 30, 1]), 8)
    assert lo[0] == lo[1] and np.isnan(lo[2]) and lo[0] < 0.8 < hi[0]


def test_class_statistics_equal_a_plain_per_class_computation() -> None:
    """一分三率, item statistics and α per class, from the merged moments, against slicing each
    class out of the raw data — with absentees, classes of one student and an empty class."""
    rng = np.random.default_rng(11)
    sizes = [1, 1, 0, 2, 30, 17, 1, 45]
    g = np.repeat(np.arange(len(sizes)), sizes)
    x = rng.integers(0, 6, (g.size, 9)).astype(np.uint8)
    x[:, :4] = (x[:, :4] > 2) * 3  # 0/3 objective items
    item_max = np.array([3.0] * 4 + [5.0] * 5)
    full = float(item_max.sum())  # 37: lines 31.45, 22.2, 14.8
    absent = rng.random(g.size) < 0.15
    absent[np.flatnonzero(g == 1)] = True  # a class of one absentee
    total = row_totals(x).astype(np.float64)
    total[absent] = np.nan
    sm = score_moments(g, total, len(sizes), full_mark=full, precision=1.0)
    im = item_moments(g, x, len(sizes), item_max=item_max, sat=~absent)
    rates = one_point_three_rates(sm)
    assert (str(rates.excellent_line), str(rates.pass_line), str(rates.low_line)) == ("31.45", "22.2", "14.8")
    st = item_stats(im)
    al = alpha_from_moments(im)
    for c in range(len(sizes)):
        xs = x[(g == c) & ~absent].astype(np.float64)
        t = xs.sum(axis=1)
        assert rates.sat[c] == len(t) and rates.registered[c] == sizes[c]
        assert rates.excellent_count[c] == int((t >= 31.45).sum())
        assert rates.pass_count[c] == int((t >= 22.2).sum())
        assert rates.low_count[c] == int((t < 14.8).sum())
        if len(t) == 0:
            assert np.isnan(rates.mean[c]) and np.isnan(rates.pass_rate[c]) and np.isnan(al.alpha[c])
            continue
        assert np.isclose(rates.mean[c], t.mean()) and np.isclose(rates.sd[c], t.std())
        assert np.isclose(rates.pass_rate[c], (t >= 22.2).mean())
        assert np.allclose(st.difficulty[c], xs.mean(axis=0) / item_max)
        assert np.allclose(st.item_sd[c], xs.std(axis=0))
        rest = t[:, None] - xs
        with np.errstate(divide="ignore", invalid="ignore"):
            want_r = ((xs - xs.mean(0)) * (rest - rest.mean(0))).mean(0) / (xs.std(0) * rest.std(0))
        want_r = np.where(np.isfinite(want_r), want_r, np.nan)
        assert np.allclose(st.corrected_r[c], want_r, equal_nan=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            want_a = 9 / 8 * (1 - xs.var(axis=0).sum() / t.var())
        assert np.isclose(al.alpha[c], want_a, equal_nan=True) or (np.isnan(al.alpha[c]) and not np.isfinite(want_a))

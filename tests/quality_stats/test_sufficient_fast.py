"""The fast item moments (issue 9) are exact: equal to a direct int64 computation, whatever
the float type the sums go through."""

from __future__ import annotations

import numpy as np

from quality.stats import item_moments, row_totals
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

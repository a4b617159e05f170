"""Z/T scores, ranks, percentile ranks and 临界生 (analytics.md §4)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from quality.stats import (
    borderline,
    borderline_by_rank,
    percentile_rank,
    rank,
    standard_scores,
)


def test_spec_rank_examples() -> None:
    x = [98, 95, 95, 90, 88]
    assert rank(x).ranks.tolist() == [1, 2, 2, 4, 5]
    assert rank(x, method="dense").ranks.tolist() == [1, 2, 2, 3, 4]
    assert "1224" in rank(x).describe() and "1223" in rank(x, method="dense").describe()


def test_ranks_against_scipy_per_group() -> None:
    rng = np.random.default_rng(4)
    n = 4000
    g = rng.integers(0, 23, n)
    s = rng.integers(0, 60, n).astype(float)  # many ties
    s[rng.random(n) < 0.02] = np.nan
    comp = rank(s, g).ranks
    dense = rank(s, g, method="dense").ranks
    asc = rank(s, g, descending=False).ranks
    for k in range(23):
        idx = np.flatnonzero((g == k) & ~np.isnan(s))
        assert np.array_equal(comp[idx], sps.rankdata(-s[idx], method="min"))
        assert np.array_equal(dense[idx], sps.rankdata(-s[idx], method="dense"))
        assert np.array_equal(asc[idx], sps.rankdata(s[idx], method="min"))
    assert np.all(comp[np.isnan(s)] == 0)


def test_spec_z_and_t() -> None:
    x = np.array([118, 105, 99, 96, 88, 80, 73, 70, 55, 41], dtype=float)
    ss = standard_scores(x)
    assert ss.z[0] == pytest.approx(1.59, abs=0.005)
    assert ss.t[0] == pytest.approx(65.9, abs=0.05)
    old = standard_scores(x, t_center=500, t_scale=100)
    assert old.t[0] == pytest.approx(500 + 100 * ss.z[0])


def test_z_scores_against_scipy_per_group() -> None:
    rng = np.random.default_rng(5)
    g = rng.integers(0, 8, 900)
    s = rng.normal(70, 12, 900)
    s[::50] = np.nan
    for kind, ddof in (("population", 0), ("sample", 1)):
        z = standard_scores(s, g, sd_kind=kind).z  # type: ignore[arg-type]  # parametrized over the Literal's values as str
        for k in range(8):
            idx = np.flatnonzero((g == k) & ~np.isnan(s))
            assert np.allclose(z[idx], sps.zscore(s[idx], ddof=ddof))
    assert np.isnan(standard_scores(s, g).z[0])


def test_percentile_rank_against_scipy() -> None:
    rng = np.random.default_rng(6)
    s = rng.integers(0, 30, 500).astype(float)
    for rule, kind in (("mid", "mean"), ("below", "strict"), ("at_or_below", "weak")):
        pr = percentile_rank(s, rule=rule)  # type: ignore[arg-type]  # parametrized over the Literal's values as str
        ref = np.array([sps.percentileofscore(s, v, kind=kind) for v in s])
        assert np.allclose(pr, ref)


def test_borderline_windows() -> None:
    x = np.array([66.5, 67.0, 71.5, 72.0, 76.5, 77.0, np.nan])
    assert borderline(x, 72, 5).tolist() == [False, True, True, False, False, False, False]
    assert borderline(x, 72, 5, side="above").tolist() == [
        False, False, False, True, True, False, False,
    ]
    assert borderline(x, 72, 5, side="both").sum() == 4


def test_borderline_by_rank() -> None:
    x = np.arange(100, 0, -1).astype(float)  # ranks 1..100
    below = borderline_by_rank(x, 30, 5, side="below")  # ranks 31..35
    above = borderline_by_rank(x, 30, 5, side="above")  # ranks 26..30
    assert np.flatnonzero(below).tolist() == [30, 31, 32, 33, 34]
    assert np.flatnonzero(above).tolist() == [25, 26, 27, 28, 29]

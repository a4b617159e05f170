"""GRM over the observed categories only, with a vectorised M-step (issue 9)."""

from __future__ import annotations

import numpy as np

from quality.stats import fit_2pl, fit_grm
from quality.stats.irt import collapse_categories


def _graded(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    th = rng.normal(size=n)
    a = np.array([1.2, 0.9, 1.6, 1.1])
    b = np.array([[-0.5, 0.4, 1.2], [-1.0, 0.0, 0.8], [-0.2, 0.5, 1.5], [-1.2, -0.3, 0.6]])
    ps = 1 / (1 + np.exp(-a[None, :, None] * (th[:, None, None] - b[None])))
    return (rng.random((n, 4))[:, :, None] < ps).sum(2), th


def test_unused_score_values_are_not_categories() -> None:
    # Half-point units: an item scored 0 or 3 points is stored as 0/6; a 0–3 item uses 0, 2, 4, 6.
    x, _ = _graded(1, 600)
    units = x * 2
    units[:, 0] = (x[:, 0] >= 2) * 6
    codes, cats = collapse_categories(units)
    assert [c.tolist() for c in cats] == [[0, 6], [0, 2, 4, 6], [0, 2, 4, 6], [0, 2, 4, 6]]
    assert codes.max() == 3 and codes[:, 0].max() == 1
    r = fit_grm(units)
    assert r.converged
    assert r.categories is not None and [c.size for c in r.categories] == [2, 4, 4, 4]
    assert r.d.shape == (4, 3) and np.isnan(r.d[0, 1:]).all()  # one threshold for the 0/3 item
    # Fitting the scores or their categories is the same model.
    same = fit_grm(codes)
    assert np.allclose(r.a, same.a) and np.allclose(r.d, same.d, equal_nan=True)


def test_a_dichotomous_column_inside_the_grm_is_the_2pl() -> None:
    x, _ = _graded(2, 2000)
    xb = (x >= 2).astype(int) * 6  # 0/3-point items in half-point units
    g = fit_grm(xb, tol=1e-6)
    p = fit_2pl((x >= 2).astype(int), tol=1e-6)
    assert np.allclose(g.a, p.a, atol=2e-3) and np.allclose(g.b[:, 0], p.b, atol=2e-3)


def test_a_wide_item_with_sparse_scores_converges_with_ordered_thresholds() -> None:
    # A 40-point essay in half points for 369 students: many score values occur once or not at all.
    rng = np.random.default_rng(3)
    th = rng.normal(size=369)
    b = np.sort(rng.normal(0, 1.2, 80))
    essay = (rng.random((369, 1)) < 1 / (1 + np.exp(-1.3 * (th[:, None] - b[None])))).sum(1)
    short = np.stack([(rng.random(369) < 1 / (1 + np.exp(-(th - c)))) * 2 for c in (-1, 0, 1)], axis=1)
    x = np.column_stack([short, essay])
    r = fit_grm(x)
    assert r.converged
    assert r.categories is not None
    k = r.categories[-1].size
    assert k == np.unique(essay).size < 81  # the observed values only
    d = r.d[-1, : k - 1]
    assert np.all(np.diff(d) < 0) and np.isfinite(d).all()
    assert np.corrcoef(r.theta, th)[0, 1] > 0.6  # one logistic draw per item: a noisy essay
    # SQUAREM and plain EM reach the same maximum.
    slow = fit_grm(x, accelerate=False, tol=1e-6, max_cycles=2000)
    fast = fit_grm(x, tol=1e-6)
    assert np.allclose(fast.a, slow.a, atol=1e-3) and abs(fast.loglik - slow.loglik) < 1e-3

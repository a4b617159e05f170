"""Value added (analytics.md §8) against dense-matrix mixed-model references."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import optimize

from quality.stats import (
    eb_shrink,
    ols_residual,
    random_intercept,
    rank_agreement,
    standard_score_gain,
)

Arr = NDArray[np.float64]


def _simulate(
    seed: int, groups: int, lo: int, hi: int, tau: float = 5.0, sigma: float = 20.0
) -> tuple[Arr, Arr, NDArray[np.int64], Arr, Arr]:
    rng = np.random.default_rng(seed)
    nj = rng.integers(lo, hi, groups)
    g = np.repeat(np.arange(groups), nj)
    u = rng.normal(0, tau, groups)
    y0 = rng.normal(70, 15, g.size) + u[g] * 0.5  # intake differs between units
    cov = rng.integers(0, 2, g.size).astype(float)
    y1 = 10 + 0.8 * y0 + 3 * cov + u[g] + rng.normal(0, sigma, g.size)
    return y1, y0, g, cov, u


def test_spec_shrinkage_example() -> None:
    eb, lam = eb_shrink([8.0, 8.0], [16, 50], tau2=25, sigma2=400)
    assert lam == pytest.approx([0.5, 25 / 33])
    assert eb[0] == pytest.approx(4.0)
    assert eb[1] == pytest.approx(6.1, abs=0.05)


def _dense_reml(
    y: Arr, x: Arr, g: NDArray[np.int64], method: str
) -> tuple[float, float, Arr, Arr]:
    """Textbook (RE)ML with the full N × N covariance V = σ²I + τ²ZZ'."""
    z = (g[:, None] == np.arange(g.max() + 1)[None, :]).astype(float)
    n, p = x.shape

    def nll(par: Arr) -> float:
        s2, t2 = np.exp(par)
        v = s2 * np.eye(n) + t2 * z @ z.T
        vi = np.linalg.inv(v)
        xtvx = x.T @ vi @ x
        beta = np.linalg.solve(xtvx, x.T @ vi @ y)
        r = y - x @ beta
        val = np.linalg.slogdet(v)[1] + r @ vi @ r
        if method == "REML":
            val += np.linalg.slogdet(xtvx)[1]
        return float(0.5 * val)

    res = optimize.minimize(nll, np.log([300.0, 20.0]), method="Nelder-Mead",
                            options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000})
    s2, t2 = np.exp(res.x)
    v = s2 * np.eye(n) + t2 * z @ z.T
    vi = np.linalg.inv(v)
    beta = np.linalg.solve(x.T @ vi @ x, x.T @ vi @ y)
    blup = t2 * z.T @ vi @ (y - x @ beta)  # BLUP û = τ² Z'V⁻¹(y − Xβ̂)
    return float(s2), float(t2), np.asarray(beta, np.float64), np.asarray(blup, np.float64)


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_random_intercept_matches_dense_reference(method: str) -> None:
    y1, y0, g, cov, _ = _simulate(17, 15, 4, 30)
    r = random_intercept(y1, y0, g, covariates=cov, covariate_names=("性别",),
                         method=method, min_group_size=1)  # type: ignore[arg-type]  # parametrized over the Literal's values as str
    x = np.column_stack([np.ones_like(y0), y0, cov])
    s2, t2, beta, blup = _dense_reml(y1, x, g, method)
    assert r.sigma2 == pytest.approx(s2, rel=1e-4)
    assert r.tau2 == pytest.approx(t2, rel=1e-3)
    assert np.allclose(r.coefficients, beta, rtol=1e-4, atol=1e-4)
    assert np.allclose(r.effect, blup, atol=1e-3)
    assert r.estimation == method and r.model == "random_intercept"


def test_random_intercept_result_carries_explanation_and_flags() -> None:
    y1, y0, g, _, u = _simulate(18, 120, 3, 60)
    r = random_intercept(y1, y0, g, min_group_size=10, prior_label="七年级入学测试",
                         outcome_label="中考总分", unit_label="school")
    small = r.group_n < 10
    assert small.any()
    assert np.all(np.isnan(r.effect[small])) and not r.reported[small].any()
    assert np.all(np.isfinite(r.effect[~small]))
    assert np.all((r.lower < r.effect) & (r.effect < r.upper) | small)
    assert "多层随机截距模型" in r.explanation and "REML" in r.explanation
    assert "七年级入学测试" in r.explanation and "中考总分" in r.explanation
    assert r.n_students == y1.size and r.n_groups == 120
    # shrinkage: |EB| ≤ |raw| and λ grows with n
    ok = r.reported
    assert np.all(np.abs(r.effect[ok]) <= np.abs(r.raw_mean_residual[ok]) + 1e-12)
    order = np.argsort(r.group_n)
    assert np.all(np.diff(r.reliability[order]) >= -1e-12)
    # recovery of the simulated unit effects
    assert np.corrcoef(r.effect[ok], u[ok])[0, 1] > 0.6


def test_ols_residual_against_loop() -> None:
    y1, y0, g, _, _ = _simulate(19, 30, 5, 40)
    y1[::37] = np.nan  # unlinked students
    r = ols_residual(y1, y0, g, min_group_size=8)
    ok = np.isfinite(y1)
    slope, intercept = np.polyfit(y0[ok], y1[ok], 1)
    assert np.allclose(r.coefficients, [intercept, slope])
    e = y1[ok] - (intercept + slope * y0[ok])
    s2 = (e @ e) / (ok.sum() - 2)
    assert r.sigma2 == pytest.approx(s2)
    assert r.n_unlinked == int((~ok).sum())
    for k in range(30):
        ek = e[g[ok] == k]
        if ek.size >= 8:
            assert r.effect[k] == pytest.approx(ek.mean())
            assert r.se[k] == pytest.approx(np.sqrt(s2 / ek.size))
        else:
            assert np.isnan(r.effect[k])
    assert "残差" in r.explanation


def test_zero_between_variance_boundary() -> None:
    # Every unit has identical students: the unit means of the residuals are all 0.
    base0 = np.array([50.0, 60, 70, 80, 90, 65])
    base1 = np.array([55.0, 58, 77, 79, 95, 60])
    g = np.repeat(np.arange(8), 6)
    r = random_intercept(np.tile(base1, 8), np.tile(base0, 8), g, min_group_size=1)
    assert r.tau2 == pytest.approx(0.0, abs=1e-6)
    assert np.allclose(r.effect, 0.0, atol=1e-6)
    assert r.warnings


def test_standard_score_gain_and_agreement() -> None:
    y1, y0, g, _, _ = _simulate(20, 40, 20, 50)
    r = standard_score_gain(y1, y0, g)
    z1 = (y1 - y1.mean()) / y1.std()
    z0 = (y0 - y0.mean()) / y0.std()
    assert r.effect[3] == pytest.approx((z1 - z0)[g == 3].mean())
    assert r.warnings and "天花板" in r.warnings[0]
    ri = random_intercept(y1, y0, g)
    ols = ols_residual(y1, y0, g)
    assert rank_agreement(ri, ols) > 0.9

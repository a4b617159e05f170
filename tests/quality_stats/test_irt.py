"""IRT by MML-EM (analytics.md §9): parameter recovery, and agreement with a direct
numerical maximisation of the same marginal likelihood written independently."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import optimize

from quality.stats import fit_2pl, fit_grm

NODES = np.linspace(-6, 6, 41)
LOGW = -0.5 * NODES**2 - np.log(np.exp(-0.5 * NODES**2).sum())


Arr = NDArray[np.float64]


def _sim_2pl(seed: int, n: int, j: int) -> tuple[NDArray[np.uint8], Arr, Arr, Arr]:
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.6, 2.0, j)
    b = np.linspace(-2, 2, j)
    th = rng.normal(size=n)
    p = 1 / (1 + np.exp(-a * (th[:, None] - b)))
    return (rng.random((n, j)) < p).astype(np.uint8), a, b, th


def _marginal_ll_2pl(x: np.ndarray, a: np.ndarray, d: np.ndarray) -> float:
    """Σᵢ log Σ_q A_q Πⱼ P^x (1−P)^(1−x), float64, missing (−1) skipped."""
    z = a[:, None] * NODES[None, :] + d[:, None]
    lp, lq = -np.logaddexp(0, -z), -np.logaddexp(0, z)
    obs = (x >= 0).astype(float)
    xx = np.where(x > 0, 1.0, 0.0)
    ll = xx @ lp + (obs - xx) @ lq + LOGW
    m = ll.max(1, keepdims=True)
    return float((m[:, 0] + np.log(np.exp(ll - m).sum(1))).sum())


def test_2pl_recovery_5000x20() -> None:
    x, a, b, th = _sim_2pl(21, 5000, 20)
    r = fit_2pl(x)
    assert r.converged and r.model == "2PL" and r.D == 1.0
    assert np.corrcoef(r.a, a)[0, 1] >= 0.95
    assert np.corrcoef(r.b, b)[0, 1] >= 0.99
    assert np.abs(r.b - b).max() < 0.35
    assert np.corrcoef(r.theta, th)[0, 1] >= 0.9
    assert np.all((r.theta_sd > 0.1) & (r.theta_sd < 1.0))
    # reported metric: D = 1.702 divides a, leaves b
    r17 = fit_2pl(x, D=1.702)
    assert np.allclose(r17.a * 1.702, r.a, rtol=1e-6) and np.allclose(r17.b, r.b)


def test_2pl_is_the_mml_maximum() -> None:
    # Direct L-BFGS on the marginal likelihood (independent code) on a small problem; the
    # 6-item test also exercises response-pattern compression.
    x, _, _, _ = _sim_2pl(22, 3000, 6)
    r = fit_2pl(x, tol=1e-6)
    assert r.n_patterns <= 64

    def nll(p: np.ndarray) -> float:
        return -_marginal_ll_2pl(x.astype(int), p[:6], p[6:])

    res = optimize.minimize(nll, np.concatenate([np.ones(6), np.zeros(6)]), method="L-BFGS-B")
    a_ref, d_ref = res.x[:6], res.x[6:]
    assert np.allclose(r.a, a_ref, atol=5e-3)
    assert np.allclose(r.d, d_ref, atol=5e-3)
    assert r.loglik == pytest.approx(-res.fun, abs=0.05)


def test_2pl_missing_responses() -> None:
    x, a, b, _ = _sim_2pl(23, 3000, 8)
    xm = x.astype(np.int8)
    xm[np.random.default_rng(0).random(xm.shape) < 0.15] = -1
    r = fit_2pl(xm, tol=1e-6)

    def nll(p: np.ndarray) -> float:
        return -_marginal_ll_2pl(xm.astype(int), p[:8], p[8:])

    res = optimize.minimize(nll, np.concatenate([np.ones(8), np.zeros(8)]), method="L-BFGS-B")
    assert np.allclose(r.a, res.x[:8], atol=5e-3)
    assert np.allclose(r.d, res.x[8:], atol=5e-3)
    # NaN-coded missing gives the same fit
    xf = np.where(xm < 0, np.nan, xm.astype(float))
    r2 = fit_2pl(xf, tol=1e-6)
    assert np.allclose(r2.a, r.a, atol=1e-6)


def test_eap_against_direct_posterior() -> None:
    x, _, _, _ = _sim_2pl(24, 2000, 15)
    r = fit_2pl(x)
    z = r.a[:, None] * NODES[None, :] + r.d[:, None]
    for i in (0, 1, 500, 1999):
        ll = x[i] @ (-np.logaddexp(0, -z)) + (1 - x[i]) @ (-np.logaddexp(0, z)) + LOGW
        w = np.exp(ll - ll.max())
        w /= w.sum()
        m = w @ NODES
        assert r.theta[i] == pytest.approx(m, abs=1e-4)
        assert r.theta_sd[i] == pytest.approx(np.sqrt(w @ NODES**2 - m * m), abs=1e-4)


def test_plain_em_and_squarem_agree() -> None:
    x, _, _, _ = _sim_2pl(25, 4000, 12)
    fast = fit_2pl(x, tol=1e-6)
    slow = fit_2pl(x, tol=1e-6, accelerate=False)
    assert np.allclose(fast.a, slow.a, atol=2e-3) and np.allclose(fast.d, slow.d, atol=2e-3)


def _sim_grm(seed: int, n: int, j: int, k: int) -> tuple[NDArray[np.int64], Arr, Arr, Arr]:
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.8, 2.0, j)
    b = np.sort(rng.normal(0, 1, (j, k - 1)), axis=1)
    th = rng.normal(size=n)
    pstar = 1 / (1 + np.exp(-a[None, :, None] * (th[:, None, None] - b[None])))
    x = (rng.random((n, j))[:, :, None] < pstar).sum(2)  # X ≥ k  ⇔  u < P*_k
    return x, a, b, th


def test_grm_recovery() -> None:
    x, a, b, th = _sim_grm(26, 4000, 12, 4)
    r = fit_grm(x)
    assert r.converged and r.model == "GRM"
    assert np.corrcoef(r.a, a)[0, 1] >= 0.95
    assert np.corrcoef(r.b.ravel(), b.ravel())[0, 1] >= 0.99
    assert np.all(np.diff(r.d, axis=1) < 0)  # ordered thresholds
    assert np.corrcoef(r.theta, th)[0, 1] >= 0.9


def test_grm_is_the_mml_maximum_and_reduces_to_2pl() -> None:
    x, _, _, _ = _sim_grm(27, 1500, 3, 3)
    r = fit_grm(x, tol=1e-6)

    def nll(p: np.ndarray) -> float:
        ll = np.tile(LOGW, (x.shape[0], 1))
        for j in range(3):
            a, d1, d2 = p[3 * j : 3 * j + 3]
            s1 = 1 / (1 + np.exp(-(a * NODES + d1)))
            s2 = 1 / (1 + np.exp(-(a * NODES + d2)))
            probs = np.stack([1 - s1, s1 - s2, s2])
            ll += np.log(np.maximum(probs[x[:, j]], 1e-300))
        m = ll.max(1, keepdims=True)
        return -float((m[:, 0] + np.log(np.exp(ll - m).sum(1))).sum())

    p0 = np.tile([1.0, 0.5, -0.5], 3)
    res = optimize.minimize(nll, p0, method="Nelder-Mead",
                            options={"maxiter": 20000, "xatol": 1e-7, "fatol": 1e-9})
    ref = res.x.reshape(3, 3)
    assert np.allclose(r.a, ref[:, 0], atol=1e-2)
    assert np.allclose(r.d, ref[:, 1:], atol=1e-2)
    xb = (x >= 1).astype(int)
    g2 = fit_grm(xb, tol=1e-6)
    p2 = fit_2pl(xb, tol=1e-6)
    assert np.allclose(g2.a, p2.a, atol=2e-3) and np.allclose(g2.b[:, 0], p2.b, atol=2e-3)


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        fit_2pl(np.array([[0, 2], [1, 0]]))
    with pytest.raises(ValueError):
        fit_grm(np.zeros((10, 2), dtype=int))

"""Item response theory by marginal maximum likelihood, EM (Bock–Aitkin), analytics.md §9.

Models: 2PL (dichotomous) and Samejima's graded response model (GRM, polytomous), both in
slope–intercept form ``logit = a θ + d`` on the logistic metric (D = 1, as mirt and girth,
§9.1). ``b = −d/a``. Results can be *reported* on the normal-ogive metric (D = 1.702) by
passing ``D=1.702``: then ``a`` is divided by 1.702 and ``b`` is unchanged; D is stored
with the result (§9.1 "Always record D").

Identification: θ ~ N(0, 1) in the calibration population (§9.1). Quadrature: ``n_nodes``
equally spaced nodes on [−6, 6] with normal weights (fixed quadrature, Bock & Aitkin 1981).

Speed (§9.2–9.3). For complete 2PL data the per-person log-likelihood at node q is
Σⱼ xᵢⱼ(aⱼX_q + dⱼ) + Σⱼ log(1 − Pⱼ(X_q)); the Σⱼ xᵢⱼdⱼ term is constant in q and cancels in
the posterior, so the E-step needs only the weighted score sᵢ = xᵢ·a (one mat-vec), an outer
product sᵢX_q, one exp over N × Q, and one GEMM Xᵀ W (J × N · N × Q) for the expected
counts. It runs in float32 (the posterior weights need no more; the log-likelihood used for
the monotonicity check is accumulated in float64). EM is accelerated with SQUAREM
(Varadhan & Roland 2008, scheme S3) with a fallback to the plain EM step whenever the
extrapolated point lowers the likelihood. Convergence: the largest parameter change of one
plain EM step < ``tol`` (1e-4, mirt's EM default). Missing responses are masked in both
products (§9.2). Identical response patterns are collapsed when that pays (short tests).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

from .grid import FloatArray, IntArray

IRTModel = Literal["2PL", "GRM"]
F32 = NDArray[np.float32]

_THETA_RANGE = 6.0


@dataclass(frozen=True)
class IRTResult:
    """Calibrated item parameters and EAP abilities."""

    model: IRTModel
    D: float  # metric of the reported a: 1.0 logistic, 1.702 normal-ogive approximation
    a: FloatArray  # (J,) discrimination on the reported metric
    b: FloatArray  # 2PL: (J,) difficulty; GRM: (J, K−1) category thresholds (NaN-padded)
    d: FloatArray  # slope-intercept intercepts on the logistic metric (J,) or (J, K−1)
    theta: FloatArray  # (N,) EAP ability
    theta_sd: FloatArray  # (N,) posterior SD (the EAP standard error)
    loglik: float
    n_cycles: int  # EM map evaluations (E-step + M-step)
    converged: bool
    n_nodes: int
    tol: float
    seconds: float
    n_patterns: int  # distinct response patterns actually processed


def _nodes(n_nodes: int) -> tuple[FloatArray, FloatArray]:
    x = np.linspace(-_THETA_RANGE, _THETA_RANGE, n_nodes)
    w = np.exp(-0.5 * x * x)
    return x, w / w.sum()


def _log_sigmoid(z: FloatArray) -> FloatArray:
    return -np.logaddexp(0.0, -z)


def _compress(x: NDArray[np.int8]) -> tuple[NDArray[np.int8], FloatArray, IntArray]:
    """Collapse identical response rows (mirt ``large=``-style) when it pays: only tried for
    short tests, because with ~40 items nearly every pattern is unique (§9.2)."""
    n, j = x.shape
    if j > 24 or n < 1000:
        return x, np.ones(n), np.arange(n, dtype=np.int64)
    packed = np.ascontiguousarray(x).view(np.dtype((np.void, j)))[:, 0]
    uniq, inv, cnt = np.unique(packed, return_inverse=True, return_counts=True)
    if uniq.size > 0.6 * n:
        return x, np.ones(n), np.arange(n, dtype=np.int64)
    ux = uniq.view(np.int8).reshape(-1, j)
    return ux, cnt.astype(np.float64), inv.astype(np.int64).ravel()


class _Posterior:
    """Holds one E-step's posterior weights (float32, N × Q) and log-likelihood."""

    def __init__(self, logits: F32) -> None:
        rowmax = logits.max(axis=1, keepdims=True)
        logits -= rowmax
        np.exp(logits, out=logits)
        rs = logits.sum(axis=1, dtype=np.float64)
        logits /= rs.astype(np.float32)[:, None]
        self.w = logits
        # log Σ_q exp(logit_iq), per row, in float64 (the shift cancels in w, not here)
        self.log_norm: FloatArray = np.log(rs) + rowmax[:, 0].astype(np.float64)


# ---------------------------------------------------------------------------------------
# 2PL
# ---------------------------------------------------------------------------------------


def _mstep_2pl(
    r: FloatArray, nq: FloatArray, x: FloatArray, a: FloatArray, d: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Maximise Σ_q r_jq ln P + (n_jq − r_jq) ln(1 − P) per item, all items at once, by
    Newton (= Fisher scoring for the logistic) on (a, d) (§9.2 M-step)."""
    for _ in range(20):
        z = a[:, None] * x[None, :] + d[:, None]
        p = 1.0 / (1.0 + np.exp(-z))
        resid = r - nq * p
        w = nq * p * (1 - p)
        ga = resid @ x
        gd = resid.sum(axis=1)
        haa = w @ (x * x)
        had = w @ x
        hdd = w.sum(axis=1)
        det = haa * hdd - had * had
        det = np.where(det > 1e-12, det, 1e-12)
        da = (hdd * ga - had * gd) / det
        dd = (haa * gd - had * ga) / det
        step = np.maximum(np.abs(da), np.abs(dd))
        scale = np.minimum(1.0, 1.0 / np.maximum(step, 1e-12))  # cap steps at 1 logit
        a = a + scale * da
        d = d + scale * dd
        if float(step.max()) < 1e-7:
            break
    return a, d


def _start_2pl(x: FloatArray, mask: FloatArray | None, freq: FloatArray) -> FloatArray:
    """CTT starting values: d from the logit of P, a from the item-rest correlation."""
    m = np.ones_like(x) if mask is None else mask
    n_obs = (freq[:, None] * m).sum(axis=0)
    p = np.clip((freq[:, None] * x).sum(axis=0) / n_obs, 0.01, 0.99)
    t = x.sum(axis=1)
    rest = t[:, None] - x
    fw = freq / freq.sum()
    xc = x - fw @ x
    rc = rest - fw @ rest
    r = (fw @ (xc * rc)) / np.sqrt((fw @ (xc * xc)) * (fw @ (rc * rc)) + 1e-12)
    r = np.clip(r, 0.05, 0.9)
    a = 1.7 * r / np.sqrt(1 - r * r)
    d = np.log(p / (1 - p)) * np.sqrt(1 + a * a / 2.9)
    return np.concatenate([a, d])


def _squarem(
    em: Callable[[FloatArray], tuple[FloatArray, float]],
    p0: FloatArray,
    *,
    tol: float,
    max_cycles: int,
    accelerate: bool,
) -> tuple[FloatArray, float, int, bool]:
    """SQUAREM-S3 around an EM map ``em(p) -> (F(p), loglik(p))``."""
    cycles = 0
    p = p0
    ll = -np.inf
    while cycles < max_cycles:
        p1, ll0 = em(p)
        cycles += 1
        if float(np.max(np.abs(p1 - p))) < tol:
            return p1, ll0, cycles, True
        if not accelerate:
            p, ll = p1, ll0
            continue
        p2, ll1 = em(p1)
        cycles += 1
        r = p1 - p
        v = p2 - p1 - r
        nv = float(np.linalg.norm(v))
        if float(np.max(np.abs(p2 - p1))) < tol:
            return p2, ll1, cycles, True
        alpha = -float(np.linalg.norm(r)) / nv if nv > 0 else -1.0
        alpha = min(alpha, -1.0)
        pe = p - 2 * alpha * r + alpha * alpha * v
        pn, lle = em(pe)
        cycles += 1
        if not np.isfinite(lle) or lle < ll1 - 1e-6 * abs(ll1):
            p, ll = p2, ll1  # extrapolation overshot: keep the plain EM iterate
        else:
            p, ll = pn, lle
    return p, ll, cycles, False


def fit_2pl(
    responses: ArrayLike,
    *,
    n_nodes: int = 41,
    tol: float = 1e-4,
    max_cycles: int = 500,
    D: float = 1.0,
    accelerate: bool = True,
) -> IRTResult:
    """2PL by MML-EM with EAP scoring (§9.1–9.2).

    ``responses``: (N × J) 0/1, with NaN or any negative value for a missing response.
    """
    t0 = time.perf_counter()
    raw = np.asarray(responses)
    if raw.ndim != 2:
        raise ValueError("responses must be (N, J)")
    rf = raw.astype(np.float64, copy=False) if raw.dtype.kind == "f" else raw
    miss = np.isnan(rf) | (rf < 0) if raw.dtype.kind == "f" else (raw < 0)
    has_missing = bool(miss.any())
    x8 = np.where(miss, 0, raw).astype(np.int8)
    if not np.isin(x8, (0, 1)).all():
        raise ValueError("2PL needs 0/1 responses")
    if has_missing:
        x8 = np.where(miss, np.int8(-1), x8).astype(np.int8)
    ux, freq, inv = _compress(x8)
    um = (ux >= 0).astype(np.float32) if has_missing else None
    xf = np.maximum(ux, 0).astype(np.float32)
    f32 = freq.astype(np.float32)
    fw: F32 | None = None if np.all(freq == 1) else f32
    n_items = xf.shape[1]
    nodes, weights = _nodes(n_nodes)
    nodes32 = nodes.astype(np.float32)
    log_w = np.log(weights)
    state: dict[str, _Posterior] = {}

    def estep(a: FloatArray, d: FloatArray) -> _Posterior:
        z = a[:, None] * nodes[None, :] + d[:, None]  # J × Q
        l1m = _log_sigmoid(-z)  # log(1 − P)
        if um is None:
            s = xf @ a.astype(np.float32)
            logits = np.multiply.outer(s, nodes32)
            logits += (l1m.sum(axis=0) + log_w).astype(np.float32)
        else:
            logits = xf @ z.astype(np.float32) + um @ l1m.astype(np.float32)
            logits += log_w.astype(np.float32)
        return _Posterior(logits)

    def em(params: FloatArray) -> tuple[FloatArray, float]:
        a, d = params[:n_items], params[n_items:]
        post = estep(a, d)
        state["post"] = post
        w = post.w if fw is None else post.w * fw[:, None]
        r = (xf.T @ w).astype(np.float64)
        if um is None:
            nq = np.broadcast_to(w.sum(axis=0, dtype=np.float64), r.shape)
        else:
            nq = (um.T @ w).astype(np.float64)
        # Marginal log-likelihood at the *input* parameters (SQUAREM's safeguard). The
        # complete-data E-step dropped Σⱼ xᵢⱼdⱼ, constant in q; add it back here.
        ll_i = post.log_norm
        if um is None:
            ll_i = ll_i + (xf @ d.astype(np.float32)).astype(np.float64)
        loglik = float(freq @ ll_i)
        a2, d2 = _mstep_2pl(r, nq, nodes, a, d)
        return np.concatenate([a2, d2]), loglik

    p0 = _start_2pl(xf.astype(np.float64), None if um is None else um.astype(np.float64), freq)
    p, ll, cycles, conv = _squarem(em, p0, tol=tol, max_cycles=max_cycles, accelerate=accelerate)
    a, d = p[:n_items], p[n_items:]
    post = estep(a, d)
    th, sd = _eap(post.w, nodes)
    return IRTResult(
        model="2PL",
        D=D,
        a=a / D,
        b=-d / a,
        d=d,
        theta=th[inv],
        theta_sd=sd[inv],
        loglik=ll,
        n_cycles=cycles,
        converged=conv,
        n_nodes=n_nodes,
        tol=tol,
        seconds=time.perf_counter() - t0,
        n_patterns=int(xf.shape[0]),
    )


def _eap(w: F32, nodes: FloatArray) -> tuple[FloatArray, FloatArray]:
    """EAP θ̂ = Σ_q X_q w_iq and posterior SD (§9.2 ability scoring)."""
    w64 = w.astype(np.float64)
    m1 = w64 @ nodes
    m2 = w64 @ (nodes * nodes)
    return m1, np.sqrt(np.maximum(m2 - m1 * m1, 0.0))


# ---------------------------------------------------------------------------------------
# Graded response model (Samejima), §9.1 "Polytomous items: GRM or GPCM"
# ---------------------------------------------------------------------------------------


def _grm_unpack(q: FloatArray) -> tuple[float, FloatArray]:
    """(a, d1, log gap2, …) → (a, d) with d strictly decreasing, so P(X ≥ k) is ordered."""
    a = float(q[0])
    d = q[1] - np.concatenate(([0.0], np.cumsum(np.exp(q[2:]))))
    return a, d


def _grm_pack(a: float, d: FloatArray) -> FloatArray:
    gaps = np.maximum(-np.diff(d), 1e-3)
    return np.concatenate(([a, d[0]], np.log(gaps)))


def _grm_probs(a: float, d: FloatArray, nodes: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Category probabilities P (K × Q) and cumulative P* (K+1 × Q, P*_0 = 1, P*_K = 0)."""
    star = 1.0 / (1.0 + np.exp(-(a * nodes[None, :] + d[:, None])))
    ones = np.ones((1, nodes.size))
    cum = np.concatenate([ones, star, 0 * ones], axis=0)
    return np.maximum(cum[:-1] - cum[1:], 1e-300), cum


def _grm_negll(q: FloatArray, r: FloatArray, nodes: FloatArray) -> tuple[float, FloatArray]:
    """−Σ_k Σ_q r_kq ln P_k(X_q) and its gradient in the packed parameters."""
    a, d = _grm_unpack(q)
    p, cum = _grm_probs(a, d, nodes)
    ratio = r / p  # K × Q
    w = cum[1:-1] * (1 - cum[1:-1])  # (K−1) × Q, dP*_m/d(logit)
    # ∂ℓ/∂d_m = Σ_q w_mq (r_mq/P_mq − r_{m−1,q}/P_{m−1,q}), m = 1..K−1
    diff = ratio[1:] - ratio[:-1]
    gd = (w * diff).sum(axis=1)
    ga = float((w * diff * nodes[None, :]).sum())
    # chain rule to (d1, log gaps): d_m = d1 − Σ_{l≤m} e^{g_l}
    tail = np.cumsum(gd[::-1])[::-1]  # Σ_{m≥l} gd_m
    g_gaps = -np.exp(q[2:]) * tail[1:]
    grad = np.concatenate(([ga, tail[0]], g_gaps))
    return -float((r * np.log(p)).sum()), -grad


def fit_grm(
    responses: ArrayLike,
    *,
    n_categories: ArrayLike | None = None,
    n_nodes: int = 41,
    tol: float = 1e-4,
    max_cycles: int = 500,
    D: float = 1.0,
    accelerate: bool = True,
) -> IRTResult:
    """Graded response model by MML-EM with EAP scoring.

    ``responses``: (N × J) integer categories 0..K_j−1 (score points), negative or NaN =
    missing. K_j is inferred as max + 1 unless ``n_categories`` is given. Dichotomous
    columns are fitted as the 2PL special case. The E-step is one GEMM of a one-hot
    (N × ΣK, float32) matrix with the (ΣK × Q) log-probability table; the M-step maximises
    each item's expected complete-data log-likelihood with L-BFGS (analytic gradient,
    ordered thresholds by construction).
    """
    t0 = time.perf_counter()
    raw = np.asarray(responses, dtype=np.float64)
    if raw.ndim != 2:
        raise ValueError("responses must be (N, J)")
    miss = np.isnan(raw) | (raw < 0)
    x8 = np.where(miss, -1, raw).astype(np.int8)
    n_items = x8.shape[1]
    k = (
        np.asarray(n_categories, dtype=np.int64)
        if n_categories is not None
        else x8.max(axis=0).astype(np.int64) + 1
    )
    if np.any(k < 2):
        raise ValueError("every item needs at least two categories")
    ux, freq, inv = _compress(x8)
    n_pat = ux.shape[0]
    off = np.concatenate(([0], np.cumsum(k)[:-1]))
    obs = ux >= 0
    y = np.zeros((n_pat, int(k.sum())), dtype=np.float32)
    rows, cols = np.nonzero(obs)
    y[rows, off[cols] + ux[rows, cols]] = 1.0
    fw = None if np.all(freq == 1) else freq.astype(np.float32)
    nodes, weights = _nodes(n_nodes)
    log_w = np.log(weights).astype(np.float32)
    slices = [slice(int(o), int(o + kk)) for o, kk in zip(off, k, strict=True)]
    psl = np.concatenate(([0], np.cumsum(k)))  # packed params per item: 1 + (K−1) = K

    def table(params: FloatArray) -> FloatArray:
        out = np.empty((int(k.sum()), n_nodes))
        for j in range(n_items):  # loop over items (≤ ~100), never over students
            a, d = _grm_unpack(params[psl[j] : psl[j + 1]])
            out[slices[j]] = np.log(_grm_probs(a, d, nodes)[0])
        return out

    def em(params: FloatArray) -> tuple[FloatArray, float]:
        logits = y @ table(params).astype(np.float32)
        logits += log_w
        post = _Posterior(logits)
        w = post.w if fw is None else post.w * fw[:, None]
        r = (y.T @ w).astype(np.float64)
        new = params.copy()
        for j in range(n_items):
            q0 = params[psl[j] : psl[j + 1]]
            res = optimize.minimize(
                _grm_negll, q0, args=(r[slices[j]], nodes), jac=True, method="L-BFGS-B",
                options={"maxiter": 50, "gtol": 1e-8},
            )
            new[psl[j] : psl[j + 1]] = res.x
        return new, float(freq @ post.log_norm)

    # CTT start: d_k = logit P(X ≥ k), a = 1.
    start = []
    for j in range(n_items):
        col = ux[:, j]
        okj = col >= 0
        tot = float(freq[okj].sum())
        ge = np.array([freq[okj & (col >= c)].sum() / tot for c in range(1, int(k[j]))])
        ge = np.clip(ge, 0.01, 0.99)
        dd = np.log(ge / (1 - ge))
        dd = np.minimum.accumulate(dd - 1e-3 * np.arange(dd.size))
        start.append(_grm_pack(1.0, dd))
    p0 = np.concatenate(start)
    p, ll, cycles, conv = _squarem(em, p0, tol=tol, max_cycles=max_cycles, accelerate=accelerate)

    a_out = np.empty(n_items)
    kmax = int(k.max())
    d_out = np.full((n_items, kmax - 1), np.nan)
    for j in range(n_items):
        a_j, d_j = _grm_unpack(p[psl[j] : psl[j + 1]])
        a_out[j] = a_j
        d_out[j, : d_j.size] = d_j
    logits = y @ table(p).astype(np.float32)
    logits += log_w
    th, sd = _eap(_Posterior(logits).w, nodes)
    return IRTResult(
        model="GRM",
        D=D,
        a=a_out / D,
        b=-d_out / a_out[:, None],
        d=d_out,
        theta=th[inv],
        theta_sd=sd[inv],
        loglik=ll,
        n_cycles=cycles,
        converged=conv,
        n_nodes=n_nodes,
        tol=tol,
        seconds=time.perf_counter() - t0,
        n_patterns=n_pat,
    )

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

GRM: each item is fitted over the score values that occur (unused values are not categories,
so a 0/3 item in half-point units has two categories, not seven), and the M-step is one
batched Fisher scoring over all items (closed-form information, a K × K solve per item in
one ``np.linalg.solve`` call), not an optimiser per item per cycle.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

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
    # GRM: per item, the observed scores (in the caller's units) that categories 0..K_j−1
    # stand for, after unused score values were collapsed; None for the 2PL.
    categories: tuple[IntArray, ...] | None = None


def _nodes(n_nodes: int) -> tuple[FloatArray, FloatArray]:
    x = np.linspace(-_THETA_RANGE, _THETA_RANGE, n_nodes)
    w = np.exp(-0.5 * x * x)
    return x, w / w.sum()


def _log_sigmoid(z: FloatArray) -> FloatArray:
    return -np.logaddexp(0.0, -z)


def _compress(x: NDArray[np.signedinteger]) -> tuple[NDArray[np.signedinteger], FloatArray, IntArray]:
    """Collapse identical response rows (mirt ``large=``-style) when it pays: only tried for
    short tests, because with ~40 items nearly every pattern is unique (§9.2)."""
    n, j = x.shape
    if j > 24 or n < 1000:
        return x, np.ones(n), np.arange(n, dtype=np.int64)
    xc = np.ascontiguousarray(x)
    packed = xc.view(np.dtype((np.void, j * xc.itemsize)))[:, 0]
    uniq, inv, cnt = np.unique(packed, return_inverse=True, return_counts=True)
    if uniq.size > 0.6 * n:
        return x, np.ones(n), np.arange(n, dtype=np.int64)
    ux = uniq.view(xc.dtype).reshape(-1, j)
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

_D_BOUND = 20.0  # |d| cap: a category seen once cannot push a threshold to infinity
_DENSE_CELLS = 30_000_000  # one-hot cells above which the E-step uses a sparse matrix


def collapse_categories(x: ArrayLike) -> tuple[NDArray[np.int16], tuple[IntArray, ...]]:
    """Map each item's *observed* score values to consecutive categories 0..K_j−1.

    ``x``: (N × J) integer scores (any unit, e.g. half points), negative = missing. An item
    scored 0 or 3 in half points (0, 6) becomes two categories, not seven; a 40-point essay
    where 23 distinct scores occur gets 23, not 81. Returns the category codes (missing stays
    −1) and, per item, the sorted observed values (category k stands for ``values[k]``).
    """
    raw = np.asarray(x)
    codes = np.full(raw.shape, -1, dtype=np.int16)
    cats: list[IntArray] = []
    for j in range(raw.shape[1]):  # loop over items, never over students
        col = raw[:, j]
        ok = col >= 0
        vals = np.unique(col[ok]).astype(np.int64)
        codes[ok, j] = np.searchsorted(vals, col[ok]).astype(np.int16)
        cats.append(vals)
    return codes, tuple(cats)


@dataclass(frozen=True)
class _GrmShape:
    k: IntArray  # (J,) categories per item
    vc: NDArray[np.bool_]  # (J, Kmax) valid categories
    vt: NDArray[np.bool_]  # (J, Kmax−1) valid thresholds

    @classmethod
    def of(cls, k: IntArray) -> _GrmShape:
        kmax = int(k.max())
        ar = np.arange(kmax)
        return cls(k, ar[None, :] < k[:, None], ar[None, :-1] < (k[:, None] - 1))


def _grm_unpack_all(p: FloatArray, sh: _GrmShape) -> tuple[FloatArray, FloatArray]:
    """Packed (J, Kmax) rows (a, d1, log gap2, …) → a (J,), d (J, Kmax−1) strictly decreasing
    over the valid thresholds (padded entries NaN)."""
    a = p[:, 0]
    gaps = np.where(sh.vt[:, 1:], np.exp(p[:, 2:]), 0.0)
    d = p[:, 1:2] - np.concatenate([np.zeros((p.shape[0], 1)), np.cumsum(gaps, axis=1)], axis=1)
    return a, np.where(sh.vt, d, np.nan)


def _grm_pack_all(a: FloatArray, d: FloatArray, sh: _GrmShape) -> FloatArray:
    out = np.zeros((a.size, sh.vc.shape[1]))
    out[:, 0] = a
    out[:, 1] = d[:, 0]
    gaps = -np.diff(np.where(sh.vt, d, 0.0), axis=1)
    out[:, 2:] = np.where(sh.vt[:, 1:], np.log(np.maximum(gaps, 1e-6)), 0.0)
    return out


def _grm_parts(a: FloatArray, d: FloatArray, sh: _GrmShape, nodes: FloatArray
               ) -> tuple[FloatArray, FloatArray]:
    """Category probabilities P (J, Kmax, Q; 1 where the category does not exist) and
    threshold slopes w = P*(1 − P*) padded with zeros on both ends (J, Kmax+1, Q)."""
    z = a[:, None, None] * nodes[None, None, :] + np.nan_to_num(d)[:, :, None]
    star = np.where(sh.vt[:, :, None], 1.0 / (1.0 + np.exp(-z)), 0.0)
    j, q = a.size, nodes.size
    one, zero = np.ones((j, 1, q)), np.zeros((j, 1, q))
    cum = np.concatenate([one, star, zero], axis=1)
    p = np.where(sh.vc[:, :, None], np.maximum(cum[:, :-1] - cum[:, 1:], 1e-12), 1.0)
    w = np.concatenate([zero, star * (1.0 - star), zero], axis=1)
    return p, w


def _grm_qfun(r: FloatArray, a: FloatArray, d: FloatArray, sh: _GrmShape, nodes: FloatArray) -> FloatArray:
    p, _ = _grm_parts(a, d, sh, nodes)
    return np.asarray((r * np.log(p)).sum(axis=(1, 2)))


def _mstep_grm(r: FloatArray, a: FloatArray, d: FloatArray, sh: _GrmShape, nodes: FloatArray,
               iters: int = 3) -> tuple[FloatArray, FloatArray]:
    """Maximise every item's expected complete-data log-likelihood
    Σ_k Σ_q r_jkq ln P_jk(X_q) at once: Fisher scoring on (a_j, d_j1..d_j,K−1) with the
    closed-form (tridiagonal in d) information, one batched K × K solve for all items, a
    step cap of one logit and step halving until the thresholds stay ordered and the
    objective does not drop. No per-item optimiser call."""
    n_items, kmax = sh.vc.shape
    x = nodes[None, None, :]
    nq = r.sum(axis=1)[:, None, :]  # (J, 1, Q) examinees answering item j at node q
    eye = np.eye(kmax)[None]
    pad = np.concatenate([np.zeros((n_items, 1), bool), ~sh.vt], axis=1)  # fixed parameters
    qf = _grm_qfun(r, a, d, sh, nodes)
    for _ in range(iters):
        p, w = _grm_parts(a, d, sh, nodes)
        ratio = r / p
        u = np.where(sh.vc[:, :, None], nq / p, 0.0)
        da_k = x * (w[:, :-1] - w[:, 1:])  # ∂P_k/∂a, (J, Kmax, Q)
        wt = w[:, 1:-1]  # (J, M, Q) thresholds 1..M
        g = np.zeros((n_items, kmax))
        g[:, 0] = (ratio * da_k).sum(axis=(1, 2))
        g[:, 1:] = (wt * (ratio[:, 1:] - ratio[:, :-1])).sum(axis=2)
        h = np.zeros((n_items, kmax, kmax))
        h[:, 0, 0] = (u * da_k * da_k).sum(axis=(1, 2))
        iad = (wt * (u[:, 1:] * da_k[:, 1:] - u[:, :-1] * da_k[:, :-1])).sum(axis=2)
        h[:, 0, 1:] = iad
        h[:, 1:, 0] = iad
        diag = (wt * wt * (u[:, 1:] + u[:, :-1])).sum(axis=2)
        m = np.arange(kmax - 1)
        h[:, m + 1, m + 1] = diag
        if kmax > 2:
            off = -(wt[:, :-1] * wt[:, 1:] * u[:, 1:-1]).sum(axis=2)
            t = np.arange(kmax - 2)
            h[:, t + 1, t + 2] = off
            h[:, t + 2, t + 1] = off
        h = np.where(pad[:, :, None] | pad[:, None, :], 0.0, h) + eye * pad[:, :, None]
        g = np.where(pad, 0.0, g)
        h += eye * 1e-9
        step = np.linalg.solve(h, g[:, :, None])[:, :, 0]
        big = np.abs(step).max(axis=1)
        step *= np.minimum(1.0, 1.0 / np.maximum(big, 1e-12))[:, None]
        scale = np.ones(n_items)
        todo = np.ones(n_items, bool)
        a_new, d_new = a, d
        for _half in range(30):
            a_try = a + scale * step[:, 0]
            d_try = np.clip(d + scale[:, None] * step[:, 1:], -_D_BOUND, _D_BOUND)
            ordered = np.all(np.where(sh.vt[:, 1:], np.diff(np.nan_to_num(d_try), axis=1) < 0, True), axis=1)
            q_try = np.where(ordered, _grm_qfun(r, a_try, d_try, sh, nodes), -np.inf)
            ok = q_try >= qf - 1e-10 * np.abs(qf)
            accept = todo & ok
            a_new = np.where(accept, a_try, a_new)
            d_new = np.where(accept[:, None], d_try, d_new)
            qf = np.where(accept, q_try, qf)
            todo &= ~ok
            if not todo.any():
                break
            scale = np.where(todo, scale / 2, scale)
        moved = float(np.max(np.abs(scale * big) * (~todo)))
        a, d = a_new, np.where(sh.vt, d_new, np.nan)
        if moved < 1e-8:
            break
    return a, d


def fit_grm(
    responses: ArrayLike,
    *,
    n_nodes: int = 41,
    tol: float = 1e-4,
    max_cycles: int = 500,
    D: float = 1.0,
    accelerate: bool = True,
) -> IRTResult:
    """Graded response model by MML-EM with EAP scoring.

    ``responses``: (N × J) integer scores (e.g. in units of the exam's score step), negative
    or NaN = missing. Each item is fitted over the score values that actually occur
    (:func:`collapse_categories`): K_j categories, K_j − 1 ordered thresholds; the mapping is
    returned in ``categories``. A column with two observed values is the 2PL special case,
    so a paper mixing 0/1 and polytomous items is one GRM fit. The E-step is one product of
    a one-hot (N × ΣK) matrix with the (ΣK × Q) log-probability table (sparse for large
    data); the M-step is a batched Fisher scoring across all items (:func:`_mstep_grm`).
    """
    t0 = time.perf_counter()
    raw = np.asarray(responses, dtype=np.float64)
    if raw.ndim != 2:
        raise ValueError("responses must be (N, J)")
    miss = np.isnan(raw) | (raw < 0)
    xi = np.where(miss, -1, np.rint(np.nan_to_num(raw))).astype(np.int64)
    codes, cats = collapse_categories(xi)
    k = np.array([c.size for c in cats], dtype=np.int64)
    if np.any(k < 2):
        raise ValueError("every item needs at least two observed categories")
    sh = _GrmShape.of(k)
    n_items, kmax = sh.vc.shape
    ux, freq, inv = _compress(codes)
    n_pat = ux.shape[0]
    off = np.concatenate(([0], np.cumsum(k)[:-1]))
    rows, cols = np.nonzero(ux >= 0)
    flat_cols = off[cols] + ux[rows, cols]
    y_sparse = sparse.csr_matrix((np.ones(rows.size, np.float32), (rows, flat_cols)), shape=(n_pat, int(k.sum())))
    y: F32 | sparse.csr_matrix
    if n_pat * int(k.sum()) <= _DENSE_CELLS:
        y = np.asarray(y_sparse.todense(), dtype=np.float32)
    else:
        y = y_sparse
    yt = y.T
    fw = None if np.all(freq == 1) else freq.astype(np.float32)
    nodes, weights = _nodes(n_nodes)
    log_w = np.log(weights).astype(np.float32)

    def posterior(a: FloatArray, d: FloatArray) -> _Posterior:
        p, _ = _grm_parts(a, d, sh, nodes)
        table = np.log(p)[sh.vc].astype(np.float32)  # (ΣK, Q), item-major like y's columns
        logits = np.asarray(y @ table, dtype=np.float32)
        logits += log_w
        return _Posterior(logits)

    def em(params: FloatArray) -> tuple[FloatArray, float]:
        a, d = _grm_unpack_all(params.reshape(n_items, kmax), sh)
        post = posterior(a, d)
        w = post.w if fw is None else post.w * fw[:, None]
        r = np.zeros((n_items, kmax, n_nodes))
        r[sh.vc] = np.asarray(yt @ w, dtype=np.float64)
        a2, d2 = _mstep_grm(r, a, d, sh, nodes)
        return _grm_pack_all(a2, d2, sh).ravel(), float(freq @ post.log_norm)

    # CTT start: d_k = logit P(X ≥ k), a = 1.
    a0 = np.ones(n_items)
    d0 = np.full((n_items, kmax - 1), np.nan)
    for j in range(n_items):  # items, not students
        col = ux[:, j]
        okj = col >= 0
        tot = float(freq[okj].sum())
        ge = np.array([freq[okj & (col >= c)].sum() / tot for c in range(1, int(k[j]))])
        ge = np.clip(ge, 0.01, 0.99)
        dd = np.log(ge / (1 - ge))
        d0[j, : dd.size] = np.minimum.accumulate(dd - 1e-3 * np.arange(dd.size))
    p0 = _grm_pack_all(a0, d0, sh).ravel()
    p, ll, cycles, conv = _squarem(em, p0, tol=tol, max_cycles=max_cycles, accelerate=accelerate)

    a_out, d_out = _grm_unpack_all(p.reshape(n_items, kmax), sh)
    th, sd = _eap(posterior(a_out, d_out).w, nodes)
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
        categories=cats,
    )

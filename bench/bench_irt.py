"""Benchmark: 2PL MML-EM on 100,000 × 40 (analytics.md §9.3 set-up), run on demand:

    cd /work/main && PYTHONPATH=. .venv/bin/python bench/bench_irt.py [--students N] [--no-girth]

Data as in §9.3: a ~ U(0.6, 2.0), b evenly spaced on [−2, 2], θ ~ N(0, 1). Prints seconds,
EM cycles and recovery correlations for ``fit_2pl`` (41 and 61 nodes), and, if the optional
``girth`` package is importable, girth's ``twopl_mml`` on the same data with the time ratio.
girth is not a project dependency; install it by hand to compare.
"""

from __future__ import annotations

import argparse
import importlib
import time

import numpy as np

from quality.stats import fit_2pl


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=100_000)
    ap.add_argument("--items", type=int, default=40)
    ap.add_argument("--no-girth", action="store_true")
    args = ap.parse_args()
    rng = np.random.default_rng(2024)
    n, j = args.students, args.items
    a = rng.uniform(0.6, 2.0, j)
    b = np.linspace(-2, 2, j)
    theta = rng.normal(size=n)
    x = (rng.random((n, j)) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(np.uint8)

    ours = {}
    for q in (41, 61):
        r = fit_2pl(x, n_nodes=q)
        ours[q] = r.seconds
        print(f"fit_2pl {n:,}×{j}, Q={q}: {r.seconds:.2f} s, {r.n_cycles} EM evaluations, "
              f"converged={r.converged}; corr(â,a)={np.corrcoef(r.a, a)[0, 1]:.4f}, "
              f"corr(b̂,b)={np.corrcoef(r.b, b)[0, 1]:.4f}, max|b̂−b|={np.abs(r.b - b).max():.3f}, "
              f"corr(θ̂,θ)={np.corrcoef(r.theta, theta)[0, 1]:.4f}")
    r = fit_2pl(x, accelerate=False)
    print(f"fit_2pl without SQUAREM, Q=41: {r.seconds:.2f} s, {r.n_cycles} EM cycles")

    if args.no_girth:
        return
    try:
        # optional, not a project dependency; imported dynamically as it ships no type stubs
        twopl_mml = importlib.import_module("girth").twopl_mml
    except ImportError:
        print("girth not installed: no comparison")
        return
    t = time.perf_counter()
    g = twopl_mml(x.T.astype(int))  # girth wants items × persons
    tg = time.perf_counter() - t
    ga, gb = np.asarray(g["Discrimination"]), np.asarray(g["Difficulty"])
    print(f"girth twopl_mml (defaults): {tg:.2f} s; corr(â,a)={np.corrcoef(ga, a)[0, 1]:.4f}, "
          f"corr(b̂,b)={np.corrcoef(gb, b)[0, 1]:.4f}, max|b̂−b|={np.abs(gb - b).max():.3f}")
    print(f"ratio girth / fit_2pl(Q=41) = {tg / ours[41]:.1f}x")


if __name__ == "__main__":
    main()

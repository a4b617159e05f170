"""On-demand benchmark for observe.coding (not collected by pytest).

Requirement (brief): the full FIAS computation for a 45-minute lesson (~900 codes at
3 s, analytics.md §2.2) takes under 5 ms.  Timings are medians over many runs; each is
also given as a ratio to baselines measured in the same process, so the figure can be
compared across machines.

Run:  cd /work/main && PYTHONPATH=. .venv/bin/python bench/bench_coding.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable

from observe.coding import analyse, fias_analysis, st_indices

N_CODES = 900  # 45 min × 60 s / 3 s
RUNS = 300
BUDGET_MS = 5.0


def median_ms(fn: Callable[[], object], runs: int = RUNS) -> float:
    for _ in range(10):  # warm-up: imports, numpy dispatch caches
        fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def naive_transition_count(codes: list[int]) -> list[list[int]]:
    """Baseline: the textbook loop over padded pairs into a 10×10 list matrix."""
    m = [[0] * 10 for _ in range(10)]
    prev = 10
    for c in codes:
        m[prev - 1][c - 1] += 1
        prev = c
    m[prev - 1][9] += 1
    return m


def main() -> int:
    rnd = random.Random(2024)
    codes = rnd.choices(range(1, 11), weights=[1, 3, 3, 10, 30, 5, 1, 12, 4, 6], k=N_CODES)
    st = "".join(rnd.choices("TS", k=90))

    base_list = median_ms(lambda: list(range(N_CODES)))
    base_loop = median_ms(lambda: naive_transition_count(codes))
    t_fias = median_ms(lambda: fias_analysis(codes))
    t_analyse = median_ms(lambda: analyse("FIAS", codes, 3))
    t_st = median_ms(lambda: st_indices(st))
    t_st_full = median_ms(lambda: analyse("ST", st, 30))

    print(f"codes={N_CODES}  runs={RUNS}  python={sys.version.split()[0]}")
    print(f"baseline list(range({N_CODES}))           {base_list:8.4f} ms")
    print(f"baseline naive loop transition count       {base_loop:8.4f} ms")
    rows = [
        ("fias_analysis (matrix + 14 indices)", t_fias),
        ("analyse('FIAS') full JSON dict + charts", t_analyse),
        ("st_indices (90 codes)", t_st),
        ("analyse('ST') full JSON dict + charts", t_st_full),
    ]
    for name, t in rows:
        print(f"{name:42s} {t:8.4f} ms   ×{t / base_list:7.1f} list   "
              f"×{t / base_loop:5.2f} naive-loop")
    ok = t_analyse < BUDGET_MS
    print(f"budget {BUDGET_MS} ms for full FIAS on {N_CODES} codes: {'OK' if ok else 'EXCEEDED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: CTT + 一分三率 for every class, school and county of a synthetic provincial exam.

500,000 students × 9 subjects × 40 items (analytics.md §10 sizing; DESIGN.md "Scale we design
for"), item scores stored as uint8. Run on demand, not part of pytest:

    cd /work/main && PYTHONPATH=. .venv/bin/python bench/bench_quality_stats.py [--students N]

Prints the time of the merged-sufficient-statistics pipeline and, measured in the same run,
its baselines: (A) one full pass over every item matrix at memory bandwidth (``max`` over the
uint8 scores: every byte read once, no widening; the floor for anything that reads the
scores), (A') the same matrices converted once to float32 (the pass the item moments make),
and (B) a plain numpy per-group computation (slice each class, compute its mean, SD, rates
and item means directly) over classes only. BLAS is pinned to one thread, as in the task
workers; the machine is shared, so read the ratios.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import resource
import time

import numpy as np
from numpy.typing import NDArray

from quality.stats import (
    alpha_from_moments,
    item_moments,
    item_stats,
    one_point_three_rates,
    row_totals,
    score_moments,
)

SUBJECTS = 9
ITEMS = 40
# 25 objective items worth 3 points (scored 0/3), 15 subjective items worth 0–5 points:
# full mark 25 × 3 + 15 × 5 = 150.
ITEM_MAX = np.array([3] * 25 + [5] * 15, dtype=np.float64)
FULL = float(ITEM_MAX.sum())


def make_exam(
    n: int, seed: int = 0
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], list[NDArray[np.uint8]], int, int, int]:
    rng = np.random.default_rng(seed)
    n_county, schools_per_county, class_size = 20, 30, 42
    n_school = n_county * schools_per_county
    n_class = int(np.ceil(n / class_size))
    cls = np.minimum(np.arange(n) // class_size, n_class - 1).astype(np.int64)  # sorted by class
    school_of_class = (np.arange(n_class) * n_school // n_class).astype(np.int64)
    county_of_school = (np.arange(n_school) // schools_per_county).astype(np.int64)
    school_eff = rng.normal(0, 0.4, n_school)
    subjects: list[NDArray[np.uint8]] = []
    for _ in range(SUBJECTS):
        theta = (rng.normal(size=n) + school_eff[school_of_class[cls]]).astype(np.float32)
        b = np.linspace(-1.5, 1.5, ITEMS).astype(np.float32)
        u = rng.random((n, ITEMS), dtype=np.float32)
        p = 1.0 / (1.0 + np.exp(-(theta[:, None] - b[None, :]) * 1.3))
        x = np.empty((n, ITEMS), dtype=np.uint8)
        x[:, :25] = (u[:, :25] < p[:, :25]) * np.uint8(3)
        x[:, 25:] = np.minimum(np.floor(p[:, 25:] * 5 + u[:, 25:]), 5).astype(np.uint8)
        subjects.append(x)
    return cls, school_of_class, county_of_school, subjects, n_class, n_school, n_county


def pipeline(
    cls: NDArray[np.int64],
    school_of_class: NDArray[np.int64],
    county_of_school: NDArray[np.int64],
    subjects: list[NDArray[np.uint8]],
    absent: NDArray[np.bool_],
    n_class: int,
    n_school: int,
    n_county: int,
) -> list[dict[str, float]]:
    out = []
    sat = ~absent
    for x in subjects:
        im_c = item_moments(cls, x, n_class, item_max=ITEM_MAX, sat=sat)
        total = row_totals(x).astype(np.float64)
        total[absent] = np.nan
        sm_c = score_moments(cls, total, n_class, full_mark=FULL, precision=1.0)
        sm_s = sm_c.rollup(school_of_class, n_school)
        sm_k = sm_s.rollup(county_of_school, n_county)
        im_s = im_c.rollup(school_of_class, n_school)
        im_k = im_s.rollup(county_of_school, n_county)
        res: dict[str, float] = {}
        for name, sm, im in (("class", sm_c, im_c), ("school", sm_s, im_s), ("county", sm_k, im_k)):
            r = one_point_three_rates(sm)
            st = item_stats(im)
            al = alpha_from_moments(im)
            res[f"{name}_pass_rate_mean"] = float(np.nanmean(r.pass_rate))
            res[f"{name}_corr_r_mean"] = float(np.nanmean(st.corrected_r))
            res[f"{name}_alpha_mean"] = float(np.nanmean(al.alpha))
        out.append(res)
    return out


def baseline_per_group(
    cls: NDArray[np.int64], subjects: list[NDArray[np.uint8]], absent: NDArray[np.bool_], n_class: int
) -> float:
    """Plain numpy per class: slice the class's rows, compute mean, SD, three rates and item
    means directly. Classes only (schools and counties would add more)."""
    bounds = np.searchsorted(cls, np.arange(n_class + 1))
    acc = 0.0
    for x in subjects:
        for c in range(n_class):
            s, e = bounds[c], bounds[c + 1]
            xs = x[s:e][~absent[s:e]]
            t = xs.sum(axis=1, dtype=np.int64)
            acc += t.mean() + t.std() + (t >= 0.85 * FULL).mean() + (t >= 0.6 * FULL).mean()
            acc += (t < 0.4 * FULL).mean() + float(xs.mean(axis=0).sum())
    return acc


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=500_000)
    args = ap.parse_args()
    t = time.perf_counter()
    cls, soc, cos, subjects, n_class, n_school, n_county = make_exam(args.students)
    absent = np.random.default_rng(1).random(args.students) < 0.01
    print(f"generated {args.students:,} students × {SUBJECTS} subjects × {ITEMS} items "
          f"(uint8, {sum(x.nbytes for x in subjects) / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s; "
          f"{n_class:,} classes, {n_school} schools, {n_county} counties")

    def best(fn: object, reps: int = 3) -> float:
        out = float("inf")
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()  # type: ignore[operator]
            out = min(out, time.perf_counter() - t0)
        return out

    t_sum = best(lambda: [int(x.max()) for x in subjects])
    t_f32 = best(lambda: [x.astype(np.float32) for x in subjects])
    s = sum(int(x.sum(dtype=np.int64)) for x in subjects)

    res = pipeline(cls, soc, cos, subjects, absent, n_class, n_school, n_county)
    t_pipe = best(lambda: pipeline(cls, soc, cos, subjects, absent, n_class, n_school, n_county))

    t = time.perf_counter()
    baseline_per_group(cls, subjects, absent, n_class)
    t_base = time.perf_counter() - t

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"sufficient-statistics pipeline (CTT + 一分三率, class/school/county, 9 subjects): {t_pipe:.2f} s")
    print(f"baseline A, one pass over every item matrix (max, memory bandwidth): {t_sum:.3f} s  "
          f"(ratio pipeline/A = {t_pipe / t_sum:.0f}x)")
    print(f"baseline A', every item matrix converted once to float32:          {t_f32:.3f} s  "
          f"(ratio pipeline/A' = {t_pipe / t_f32:.1f}x)")
    print(f"baseline B, plain numpy per-class loop (classes only): {t_base:.2f} s  (ratio B/pipeline = {t_base / t_pipe:.1f}x)")
    print(f"max RSS {rss:.0f} MB; checksum {s}; subject 1 county mean pass rate "
          f"{res[0]['county_pass_rate_mean']:.3f}, mean α {res[0]['county_alpha_mean']:.3f}")


if __name__ == "__main__":
    main()

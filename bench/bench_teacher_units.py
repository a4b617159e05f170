"""On-demand benchmark: grouping classes into teacher units (quality.analysis.value_added_units)
grows linearly with the class count (the old loop was quadratic: ≈64× for 8× the classes).

Run:  PYTHONPATH=. .venv/bin/python bench/bench_teacher_units.py
Prints the time at 5,000 and 40,000 classes and their ratio (linear ≈ 8×).
"""

from __future__ import annotations

import gc
import time

import numpy as np

from quality.analysis.value_added_units import teacher_units


def run(n: int) -> float:
    keys = tuple(f"{i // 40:05d}:{i % 40}班" for i in range(n))
    assignment = {k: (i // 2, f"T{i // 2}") for i, k in enumerate(keys)}
    gc.collect()
    gc.disable()  # the collector's passes scan the whole heap: not this function's growth
    try:
        start = time.perf_counter()
        teacher_units(keys, np.arange(n, dtype=np.int64), assignment)
        return time.perf_counter() - start
    finally:
        gc.enable()


def main() -> None:
    run(1000)
    small = min(run(5000) for _ in range(5))
    large = min(run(40000) for _ in range(5))
    print(f"5,000 classes: {small * 1000:.1f} ms; 40,000 classes: {large * 1000:.1f} ms; "
          f"ratio {large / small:.1f}× for 8× the classes (linear ≈ 8×, quadratic ≈ 64×)")


if __name__ == "__main__":
    main()

"""On-demand benchmark for quality.stats.assembly (not collected by pytest).

A bank of 5,000 items over 40 knowledge points × 4 ability levels (了解/理解/掌握/运用), marks
1–12, each with a history (P, D, item–total r, SD); a 150-point blueprint of 20 cells with marks
per cell. Reports the time to assemble, whether CP-SAT proved optimality, the predicted
difficulty against the target for three targets, and the greedy baseline (per cell, items
closest to the target difficulty, first that fit the cell's marks) on the same bank.

Run:  cd /work/main && PYTHONPATH=. .venv/bin/python bench/bench_itembank_assembly.py [--items N]
"""

from __future__ import annotations

import argparse
import random
import time

from quality.stats.assembly import Candidate, Cell, assemble, predict

ABILITIES = ["了解", "理解", "掌握", "运用"]


def bank(n: int, seed: int = 15) -> list[Candidate]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kp = f"知识点{rng.randrange(40):02d}"
        ab = rng.choice(ABILITIES)
        m = float(rng.choice([1, 2, 3, 3, 4, 5, 6, 8, 10, 12]))
        p = min(0.97, max(0.05, rng.gauss(0.75 - 0.1 * ABILITIES.index(ab), 0.15)))
        r = min(0.8, max(0.05, rng.gauss(0.45, 0.12)))
        out.append(Candidate(i + 1, kp, ab, m, p=p, d=r - 0.05, r=r, sd=m * (p * (1 - p)) ** 0.5 * 0.9))
    return out


def blueprint() -> list[Cell]:
    cells = []
    for k in range(20):
        count = 1 + k % 3
        cells.append(Cell(f"知识点{k * 2:02d}", ABILITIES[k % 4], count, float(count * (3 + k % 4))))
    return cells


def greedy(cells: list[Cell], items: list[Candidate], target: float) -> list[Candidate] | None:
    out: list[Candidate] = []
    for cell in cells:
        pool = sorted((c for c in items if c.key == cell.key), key=lambda c: abs((c.p or 0) - target))
        pick: list[Candidate] = []
        for c in pool:
            if len(pick) < cell.count and sum(x.max_score for x in pick) + c.max_score <= (cell.marks or 1e9):
                pick.append(c)
        if len(pick) < cell.count or (cell.marks and sum(x.max_score for x in pick) != cell.marks):
            return None
        out += pick
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=5000)
    args = ap.parse_args()
    items = bank(args.items)
    cells = blueprint()
    print(f"bank {len(items)} items; blueprint {len(cells)} cells, {sum(c.marks or 0 for c in cells):g} points")
    for target in (0.55, 0.65, 0.75):
        t0 = time.perf_counter()
        res = assemble(cells, items, target=target)
        dt = time.perf_counter() - t0
        g = greedy(cells, items, target)
        gp = predict(g) if g else None
        if not res.ok or res.prediction is None:
            print(f"target {target}: infeasible: {res.problems[:3]} ({dt:.2f} s)")
            continue
        pr = res.prediction
        print(f"target {target}: {dt:.2f} s, optimal={res.optimal}, P̂={pr.difficulty:.4f}, α̂={pr.reliability:.3f}, "
              f"k={pr.k}; greedy: " + (f"P̂={gp.difficulty:.4f}, α̂={gp.reliability:.3f}" if gp and gp.difficulty
                                       is not None and gp.reliability is not None else "no fill"))


if __name__ == "__main__":
    main()

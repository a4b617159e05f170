"""On-demand benchmark for 送教 order matching (research.order_matching; not collected by pytest).

Requirement (issue 12, Performance): matching 500 open orders against 2,000 candidate teachers
in under 2 s, with the match quality (orders served, travel) printed against a greedy baseline
from the same run. The data are synthetic and deterministic: a city of 600 schools over about
120 × 90 km (Taiyuan's latitude), orders in 9 subjects × 3 stages with preferred windows in
the term, candidates with capacities of 1 to 3 and known topics.

Run:  cd /work/main && PYTHONPATH=. .venv/bin/python bench/bench_order_matching.py
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time

from research.order_matching import CandidateIn, OrderIn, Result, greedy, match

N_ORDERS, N_CANDIDATES, N_SCHOOLS = 500, 2000, 600
BUDGET_S = 2.0
TOPICS = ["分数的意义", "阅读教学", "作文指导", "函数图像", "实验探究", "整本书阅读", "几何证明", "听说训练",
          "单元整体教学", "作业设计", "大概念教学", "跨学科学习"]
STAGES = ["primary", "junior", "senior"]


def synthetic(seed: int = 2026, *, tight: bool = False) -> tuple[list[OrderIn], list[CandidateIn]]:
    """`tight`: orders crowd into three subjects of the junior stage (what rural schools ask for
    most) and every candidate takes one order, so capacity binds and the methods differ in
    orders served."""
    rnd = random.Random(seed)
    schools = [(37.4 + rnd.random() * 0.8, 112.0 + rnd.random() * 1.3) for _ in range(N_SCHOOLS)]
    start = dt.date(2026, 9, 7)
    orders = []
    for i in range(N_ORDERS):
        lat, lon = schools[rnd.randrange(N_SCHOOLS)]
        day = start + dt.timedelta(days=rnd.randrange(0, 100))
        subject = rnd.randrange(3) if tight else rnd.randrange(9)
        stage = "junior" if tight else rnd.choice(STAGES)
        orders.append(OrderIn(i + 1, subject, stage, rnd.choice(TOPICS), lat, lon, day,
                              day + dt.timedelta(days=rnd.randrange(3, 21)), f"学校{i + 1}"))
    candidates = []
    for j in range(N_CANDIDATES):
        lat, lon = schools[rnd.randrange(N_SCHOOLS)]
        subjects = frozenset({rnd.randrange(9)} | ({rnd.randrange(9)} if rnd.random() < 0.2 else set()))
        candidates.append(CandidateIn(10_000 + j, f"教师{j}", subjects, rnd.choice(STAGES + [""]), lat, lon,
                                      1 if tight else rnd.choice((1, 1, 2, 3)), "市级名师",
                                      tuple(rnd.sample(TOPICS, 2))))
    return orders, candidates


def timed(fn: object, *args: object, **kwargs: object) -> tuple[Result, float]:
    t0 = time.perf_counter()
    res = fn(*args, **kwargs)  # type: ignore[operator]  # one of the module's matchers
    return res, time.perf_counter() - t0


def run(tight: bool) -> float:
    orders, candidates = synthetic(tight=tight)
    best, t_best = timed(match, orders, candidates)
    travel, t_travel = timed(match, orders, candidates, topic_km=0.0)
    g_single, t_g1 = timed(greedy, orders, candidates)
    g_pooled, t_g2 = timed(greedy, orders, candidates, pooled=True)
    n_pools = len({m.pool for m in best.matches if m.pool})
    label = "tight capacity (3 subjects, junior, capacity 1)" if tight else "spread (9 subjects × 3 stages)"
    print(f"\n{label}: orders={N_ORDERS} candidates={N_CANDIDATES} capacity={sum(c.capacity for c in candidates)}")
    print(f"{'method':40s} {'seconds':>8s} {'served':>7s} {'travel km':>10s} {'km/served':>10s} {'topic':>6s}")
    for name, res, t in (("min-cost flow, pooled, topic (ours)", best, t_best),
                         ("min-cost flow, pooled, travel only", travel, t_travel),
                         ("greedy nearest, one order each", g_single, t_g1),
                         ("greedy nearest, same pools", g_pooled, t_g2)):
        per = res.travel_km / res.served if res.served else 0.0
        print(f"{name:40s} {t:8.3f} {res.served:7d} {res.travel_km:10.1f} {per:10.2f} {res.topic_matched:6d}")
    print(f"联片 pools: {n_pools}; served ×{best.served / max(g_single.served, 1):.2f} of greedy (one order each), "
          f"×{best.served / max(g_pooled.served, 1):.2f} of greedy (same pools); travel-only km "
          f"×{travel.travel_km / max(g_pooled.travel_km, 0.1):.2f} of greedy (same pools)")
    return max(t_best, t_travel)


def main() -> int:
    orders, candidates = synthetic()
    match(orders[:20], candidates[:50])  # warm-up: imports, OR-Tools
    print(f"python={sys.version.split()[0]}")
    worst = max(run(tight=False), run(tight=True))
    ok = worst < BUDGET_S
    print(f"\nbudget {BUDGET_S} s for the matching: {'OK' if ok else 'EXCEEDED'} (slowest {worst:.3f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

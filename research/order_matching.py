"""Matching on-demand 送教 orders to teachers who may deliver them (002 四(九) "订单式"), pure:
plain values in, matches with their reasons out; no ORM.

1. Pooling. Orders of the same subject and stage from schools within `POOL_KM` of the pool's
   first school, whose preferred date windows still overlap, are pooled (at most `POOL_MAX`) into
   one 联片 activity held at that first school on the first day of the common window.
2. Assignment. Each pool goes to at most one eligible candidate (same subject; same stage, or a
   candidate without a stage), each candidate takes at most his remaining capacity of pools in
   the term. Serving orders comes first (an unserved order costs more than any travel), then
   short travel, then a topic the candidate is known for. This is a min-cost flow (OR-Tools):
   source → pool (1) → candidate (1, cost = travel and topic) → sink (capacity), with a bypass
   pool → sink costing `UNSERVED_COST` per order of the pool; the flow's optimum is exact.
3. `greedy` is the baseline: orders (or pools) in turn, each to the nearest eligible candidate
   with capacity left.
Distances are great-circle kilometres between coordinates (numpy, vectorised).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]  # OR-Tools ships no type hints

POOL_KM = 15.0
POOL_MAX = 4
# Candidates the optimiser considers per pool (the nearest eligible ones): keeps the network
# small; the greedy baseline scans them all.
NEAREST = 60
# Cost units are tenths of a kilometre.
KM = 10
TOPIC_MISS_KM = 20.0  # a candidate not known for the topic counts as this much further away
UNKNOWN_KM = 60.0  # travel assumed where a school or candidate has no coordinates
UNSERVED_COST = 1_000_000  # per order: more than any travel


@dataclass(frozen=True)
class OrderIn:
    id: int
    subject: int
    stage: str
    topic: str
    lat: float | None
    lon: float | None
    start: dt.date
    end: dt.date
    place: str = ""  # the ordering school's name, for the explanation


@dataclass(frozen=True)
class CandidateIn:
    id: int
    name: str
    subjects: frozenset[int]
    stage: str  # "" for any stage
    lat: float | None
    lon: float | None
    capacity: int
    honour: str = ""  # e.g. "市级名师"
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pool:
    key: str
    orders: tuple[OrderIn, ...]
    start: dt.date
    end: dt.date

    @property
    def host(self) -> OrderIn:
        return self.orders[0]


@dataclass(frozen=True)
class MatchOut:
    order: int
    candidate: int
    pool: str  # blank for an order served alone
    date: dt.date
    travel_km: float
    explanation: str
    topic: str = ""  # the candidate's known topic matching the order's ("" if none)


@dataclass
class Result:
    matches: list[MatchOut] = field(default_factory=list)
    unserved: dict[int, str] = field(default_factory=dict)  # order id -> why

    @property
    def served(self) -> int:
        return len(self.matches)

    @property
    def topic_matched(self) -> int:
        return sum(1 for m in self.matches if m.topic)

    @property
    def travel_km(self) -> float:
        """Kilometres travelled: once per pool (the teacher goes to the host school)."""
        seen: dict[str, float] = {}
        total = 0.0
        for m in self.matches:
            if m.pool:
                seen[m.pool] = m.travel_km
            else:
                total += m.travel_km
        return round(total + sum(seen.values()), 1)


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km: np.ndarray = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return km


def _coords(items: Sequence[OrderIn] | Sequence[CandidateIn]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lat = np.array([i.lat if i.lat is not None else np.nan for i in items], dtype=float)
    lon = np.array([i.lon if i.lon is not None else np.nan for i in items], dtype=float)
    return lat, lon, ~(np.isnan(lat) | np.isnan(lon))


def distances(orders: Sequence[OrderIn], candidates: Sequence[CandidateIn]) -> np.ndarray:
    """Kilometres from each order's school (rows) to each candidate (columns); UNKNOWN_KM where
    either has no coordinates."""
    olat, olon, ok_o = _coords(orders)
    clat, clon, ok_c = _coords(candidates)
    d = haversine_km(olat[:, None], olon[:, None], clat[None, :], clon[None, :])
    known = ok_o[:, None] & ok_c[None, :]
    return np.where(known, d, UNKNOWN_KM)


@functools.lru_cache(maxsize=65536)
def bigrams(text: str) -> frozenset[str]:
    """The text's two-character words (topics repeat: cached)."""
    chars = [c for c in text if not c.isspace() and c not in "，。、；：,.;:（）()“”\"'"]
    return frozenset(a + b for a, b in zip(chars, chars[1:], strict=False))


def topic_match(topic: str, known: Sequence[str]) -> str:
    """The first of the candidate's known topics sharing a two-character word with the order's
    topic ("" if none)."""
    mine = bigrams(topic)
    for k in known:
        if mine & bigrams(k):
            return k
    return ""


def pools(orders: Sequence[OrderIn]) -> list[Pool]:
    """Pool similar orders of nearby schools (see the module's docstring), in the orders' order."""
    lat, lon, ok = _coords(orders)
    # Every pair's distance at once (500 orders: a quarter of a million, in milliseconds).
    km_all = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    index = {o.id: i for i, o in enumerate(orders)}
    out: list[list[OrderIn]] = []
    windows: list[tuple[dt.date, dt.date]] = []
    for i, o in enumerate(orders):
        placed = False
        for p, members in enumerate(out):
            host = members[0]
            h = index[host.id]
            start, end = windows[p]
            if (len(members) >= POOL_MAX or host.subject != o.subject or host.stage != o.stage
                    or not (ok[i] and ok[h]) or max(start, o.start) > min(end, o.end)):
                continue
            if float(km_all[h, i]) <= POOL_KM:
                members.append(o)
                windows[p] = (max(start, o.start), min(end, o.end))
                placed = True
                break
        if not placed:
            out.append([o])
            windows.append((o.start, o.end))
    return [Pool(f"P{m[0].id}" if len(m) > 1 else "", tuple(m), *windows[k]) for k, m in enumerate(out)]


def _eligible(o: OrderIn, c: CandidateIn) -> bool:
    return o.subject in c.subjects and (not c.stage or c.stage == o.stage) and c.capacity > 0


def _explain(pool: Pool, c: CandidateIn, km: float, topic: str, used: int) -> str:
    bits = [f"{c.name}（{c.honour}）" if c.honour else c.name, "学科、学段相符"]
    bits.append(f"擅长“{topic}”" if topic else "主题无直接对应")
    bits.append(f"距{pool.host.place or '送教学校'}约{km:.1f}公里" if km != UNKNOWN_KM else "距离未知（缺少坐标）")
    bits.append(f"本学期可送教{c.capacity}次，本次为第{used}次")
    if len(pool.orders) > 1:
        others = "、".join(o.place for o in pool.orders[1:] if o.place) or f"{len(pool.orders) - 1}个订单"
        bits.append(f"与{others}合并为联片活动")
    return "；".join(bits)


def _cost(km: float, topic: str, topic_km: float) -> int:
    return int(round((km + (0.0 if topic else topic_km)) * KM))


def _arcs(pool_list: list[Pool], candidates: Sequence[CandidateIn], dist: np.ndarray,
          row_of: dict[int, int], limit: int | None = NEAREST) -> tuple[list[list[tuple[int, float, str]]], list[bool]]:
    """Per pool: (candidate index, km, topic matched) of the `limit` nearest eligible candidates
    with capacity left (all of them for None), nearest first (ties by candidate id); and per pool
    whether any candidate of its subject and stage exists at all (full or not)."""
    by_subject: dict[int, list[int]] = {}
    for j, c in enumerate(candidates):
        for sid in c.subjects:
            by_subject.setdefault(sid, []).append(j)
    stages = np.array([c.stage for c in candidates], dtype=object)
    cids = np.array([c.id for c in candidates], dtype=np.int64)
    free = np.array([c.capacity > 0 for c in candidates], dtype=bool)
    arcs: list[list[tuple[int, float, str]]] = []
    known: list[bool] = []
    for p in pool_list:
        host = p.host
        idx = np.array(by_subject.get(host.subject, []), dtype=np.int64)
        if idx.size:
            st = stages[idx]
            idx = idx[(st == "") | (st == host.stage)]
        known.append(bool(idx.size))
        if idx.size:
            idx = idx[free[idx]]
        row = dist[row_of[host.id]]
        order = np.lexsort((cids[idx], row[idx])) if idx.size else idx
        chosen = idx[order][:limit]
        arcs.append([(int(j), float(row[j]), topic_match(host.topic, candidates[j].topics)) for j in chosen])
    return arcs, known


def _why_unserved(known: bool) -> str:
    return "相符的送教教师本学期容量已满" if known else "没有学科、学段相符的送教教师"


def match(orders: Sequence[OrderIn], candidates: Sequence[CandidateIn], *, pooled: bool = True,
          topic_km: float = TOPIC_MISS_KM) -> Result:
    """The optimal assignment (min-cost flow) of pools of orders to candidates; `topic_km` is
    how much further away a candidate not known for the topic counts (0: travel only)."""
    pool_list = pools(orders) if pooled else [Pool("", (o,), o.start, o.end) for o in orders]
    result = Result()
    if not pool_list:
        return result
    dist = distances(orders, candidates) if candidates else np.zeros((len(orders), 0))
    row_of = {o.id: i for i, o in enumerate(orders)}
    arcs, known = _arcs(pool_list, candidates, dist, row_of)
    n_p, n_c = len(pool_list), len(candidates)
    source, sink = 0, 1 + n_p + n_c
    flow = min_cost_flow.SimpleMinCostFlow()
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []

    def arc(t: int, h: int, cap: int, cost: int) -> None:
        tails.append(t)
        heads.append(h)
        caps.append(cap)
        costs.append(cost)

    pair_arcs: dict[int, tuple[int, int, float, str]] = {}
    for p, (pool, options) in enumerate(zip(pool_list, arcs, strict=True)):
        arc(source, 1 + p, 1, 0)
        arc(1 + p, sink, 1, UNSERVED_COST * len(pool.orders))
        for j, km, topic in options:
            pair_arcs[len(tails)] = (p, j, km, topic)
            arc(1 + p, 1 + n_p + j, 1, _cost(km, topic, topic_km))
    used_cands = sorted({j for options in arcs for j, _, _ in options})
    for j in used_cands:
        arc(1 + n_p + j, sink, candidates[j].capacity, 0)
    ids = flow.add_arcs_with_capacity_and_unit_cost(np.array(tails), np.array(heads), np.array(caps), np.array(costs))
    flow.set_nodes_supplies(np.array([source, sink]), np.array([n_p, -n_p]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    flows = flow.flows(ids)
    assigned: dict[int, tuple[int, float, str]] = {}
    for a, (p, j, km, topic) in pair_arcs.items():
        if flows[a] > 0:
            assigned[p] = (j, km, topic)
    return _result(pool_list, candidates, known, assigned, result)


def _result(pool_list: list[Pool], candidates: Sequence[CandidateIn], known: list[bool],
            assigned: dict[int, tuple[int, float, str]], result: Result) -> Result:
    used: dict[int, int] = {}
    for p, pool in enumerate(pool_list):
        if p not in assigned:
            for o in pool.orders:
                result.unserved[o.id] = _why_unserved(known[p])
            continue
        j, km, topic = assigned[p]
        used[j] = used.get(j, 0) + 1
        why = _explain(pool, candidates[j], km, topic, used[j])
        for o in pool.orders:
            result.matches.append(MatchOut(o.id, candidates[j].id, pool.key, pool.start, round(km, 1), why, topic))
    return result


def greedy(orders: Sequence[OrderIn], candidates: Sequence[CandidateIn], *, pooled: bool = False) -> Result:
    """Baseline: pools (or single orders) in turn, each to the nearest eligible candidate with
    capacity left."""
    pool_list = pools(orders) if pooled else [Pool("", (o,), o.start, o.end) for o in orders]
    result = Result()
    if not pool_list:
        return result
    dist = distances(orders, candidates) if candidates else np.zeros((len(orders), 0))
    row_of = {o.id: i for i, o in enumerate(orders)}
    arcs, known = _arcs(pool_list, candidates, dist, row_of, limit=None)
    left = [c.capacity for c in candidates]
    assigned: dict[int, tuple[int, float, str]] = {}
    for p, options in enumerate(arcs):
        for j, km, topic in options:
            if left[j] > 0:
                left[j] -= 1
                assigned[p] = (j, km, topic)
                break
    return _result(pool_list, candidates, known, assigned, result)


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(haversine_km(np.array(lat1), np.array(lon1), np.array(lat2), np.array(lon2)))


__all__ = ["CandidateIn", "MatchOut", "OrderIn", "Pool", "Result", "greedy", "km_between", "match", "pools",
           "topic_match"]

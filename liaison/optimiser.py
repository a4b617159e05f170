"""The assignment optimiser: which researcher or backbone teacher links which school in a round.

Pure (no Django): the view and the bench hand it plain values and get plain values back.

The problem, as 002 三 and 000 §7 put it: every linker (researcher or backbone teacher) takes 1 to
4 schools (RES.LINK_RANGE, each with their own capacity), only at the level their institution
links (RES.LINK_LEVEL: a province links counties, a city township schools, a county rural schools
and teaching points); every need of a school (a subject at a stage) is served by at most one
linker of that subject; weak and rural schools are covered first, then other schools; a linker's
first school counts before anyone's second (so nobody is left without a school while others have
four); the stage matches where it can; travel is short; a school that asks to keep last round's
linker keeps them.

It is solved as a min-cost flow (OR-Tools SimpleMinCostFlow): source → linker (capacity, the first
unit carrying a bonus) → a school's need (one arc per candidate pair, its cost the travel and
stage penalties less the continuity bonus) → the school (one unit per need) → sink (the school's
first unit carrying the coverage bonus of its priority, the others a smaller one). Unused supply
flows from source to sink directly. Bonuses are ordered so that no saving on travel ever outweighs
covering a weak or rural school. Candidate pairs are pruned to the nearest schools of each
linker and the nearest linkers of each need, so a province (2,000 linkers, 12,000 schools) is a
few hundred thousand arcs.

`greedy` is the baseline the bench compares with: schools in priority order, each need given the
nearest linker of that subject with room left.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]  # OR-Tools ships no type information

from liaison.rules import level_problem

# Costs in integer units: 1 unit = 0.1 km of travel.
KM = 10
STAGE_PENALTY = 60 * KM  # a linker of another stage costs as much as 60 km
CONTINUITY_BONUS = 80 * KM
LINKER_FIRST_BONUS = 50_000 * KM  # every linker's first school before anyone's second
PRIORITY_BONUS = {3: 40_000 * KM, 2: 30_000 * KM, 1: 20_000 * KM, 0: 10_000 * KM}  # weak and rural, weak, rural, other
EXTRA_NEED_BONUS = 2_000 * KM  # a further need of an already covered school
NEAREST_SCHOOLS = 40  # candidate needs kept per linker
NEAREST_LINKERS = 12  # candidate linkers kept per need


@dataclass(frozen=True)
class Linker:
    id: int
    name: str
    subjects: frozenset[str]
    stage: str
    x: float  # longitude
    y: float  # latitude
    capacity: int = 4
    level: str = "city"  # the kind of the institution whose round it is (province, city, county)
    region_path: str = ""  # the linker may only link under this path (blank: anywhere)
    kind: str = "researcher"


@dataclass(frozen=True)
class School:
    id: int
    name: str
    needs: tuple[tuple[str, str], ...]  # (subject, stage)
    x: float
    y: float
    weak: bool = False
    rural: bool = False
    teaching_point: bool = False
    kind: str = "school"
    locale: str = "rural"
    path: str = ""
    previous: frozenset[int] = frozenset()  # last round's linkers
    wants_continuity: bool = False

    @property
    def priority(self) -> int:
        rural = self.rural or self.teaching_point
        return 3 if (self.weak and rural) else 2 if self.weak else 1 if rural else 0


@dataclass(frozen=True)
class Proposed:
    linker_id: int
    school_id: int
    subject: str
    stage: str
    km: float
    stage_match: bool
    continuity: bool
    reason: str


@dataclass
class Proposal:
    links: list[Proposed] = field(default_factory=list)
    uncovered: list[tuple[int, str]] = field(default_factory=list)  # school id, why
    idle: list[tuple[int, str]] = field(default_factory=list)  # linker id, why

    def stats(self, schools: Sequence[School]) -> dict[str, float]:
        """Coverage of weak and of rural schools (percent), subject-and-stage match (percent of
        links), total travel (km), schools covered."""
        covered = {p.school_id for p in self.links}
        weak = [s for s in schools if s.weak and s.needs]
        rural = [s for s in schools if (s.rural or s.teaching_point) and s.needs]
        return {
            "weak_coverage": 100.0 * sum(s.id in covered for s in weak) / len(weak) if weak else 100.0,
            "rural_coverage": 100.0 * sum(s.id in covered for s in rural) / len(rural) if rural else 100.0,
            "stage_match": 100.0 * sum(p.stage_match for p in self.links) / len(self.links) if self.links else 0.0,
            "travel_km": round(sum(p.km for p in self.links), 1),
            "links": float(len(self.links)),
            "schools_covered": float(len(covered)),
        }


def distance_km(x1: float, y1: float, x2: float, y2: float) -> float:
    """Great-circle distance between two (longitude, latitude) points, in km."""
    p1, p2 = math.radians(y1), math.radians(y2)
    dp, dl = p2 - p1, math.radians(x2 - x1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _distances(lx: float, ly: float, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(ly), np.radians(ys)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(xs - lx) / 2) ** 2
    return np.asarray(2 * 6371.0 * np.arcsin(np.minimum(1.0, np.sqrt(a))))


def _allowed(linker: Linker, school: School) -> bool:
    if linker.region_path and not school.path.startswith(linker.region_path):
        return False
    return level_problem(linker.level, school.kind, school.locale, school.teaching_point) is None


@dataclass(frozen=True)
class _Need:
    school: int  # index into schools
    subject: str
    stage: str


def _needs(schools: Sequence[School]) -> list[_Need]:
    return [_Need(i, subj, stage) for i, s in enumerate(schools) for subj, stage in s.needs]


def _candidates(linkers: Sequence[Linker], schools: Sequence[School], needs: list[_Need]) -> dict[tuple[int, int], float]:
    """(linker index, need index) -> km, for the pairs worth an arc: each linker's nearest needs
    of their subjects and each need's nearest linkers, among those allowed."""
    by_subject: dict[str, list[int]] = defaultdict(list)
    for j, n in enumerate(needs):
        by_subject[n.subject].append(j)
    xs = np.array([schools[n.school].x for n in needs], dtype=float)
    ys = np.array([schools[n.school].y for n in needs], dtype=float)
    pairs: dict[tuple[int, int], float] = {}
    linkers_by_subject: dict[str, list[int]] = defaultdict(list)
    for i, lk in enumerate(linkers):
        for subj in lk.subjects:
            linkers_by_subject[subj].append(i)
        for subj in lk.subjects:
            idx = np.array(by_subject.get(subj, []), dtype=int)
            if not len(idx):
                continue
            d = _distances(lk.x, lk.y, xs[idx], ys[idx])
            order = np.argsort(d, kind="stable")
            kept = 0
            for k in order:
                j = int(idx[k])
                if not _allowed(lk, schools[needs[j].school]):
                    continue
                pairs[(i, j)] = float(d[k])
                kept += 1
                if kept >= NEAREST_SCHOOLS:
                    break
    lx = np.array([lk.x for lk in linkers], dtype=float)
    ly = np.array([lk.y for lk in linkers], dtype=float)
    for subj, js in by_subject.items():
        idx = np.array(linkers_by_subject.get(subj, []), dtype=int)
        if not len(idx):
            continue
        for j in js:
            s = schools[needs[j].school]
            d = _distances(s.x, s.y, lx[idx], ly[idx])
            kept = 0
            for k in np.argsort(d, kind="stable"):
                i = int(idx[k])
                if not _allowed(linkers[i], s):
                    continue
                pairs.setdefault((i, j), float(d[k]))
                kept += 1
                if kept >= NEAREST_LINKERS:
                    break
    # A school asking for continuity keeps an arc to last round's linker however far away.
    index = {lk.id: i for i, lk in enumerate(linkers)}
    for j, n in enumerate(needs):
        s = schools[n.school]
        for lid in s.previous:
            found = index.get(lid)
            if found is not None and n.subject in linkers[found].subjects and _allowed(linkers[found], s):
                pairs.setdefault((found, j), distance_km(linkers[found].x, linkers[found].y, s.x, s.y))
    return pairs


def _arc_cost(lk: Linker, s: School, n: _Need, km: float) -> tuple[int, bool, bool]:
    stage_match = lk.stage == n.stage
    continuity = s.wants_continuity and lk.id in s.previous
    cost = int(round(km * KM)) + (0 if stage_match else STAGE_PENALTY) - (CONTINUITY_BONUS if continuity else 0)
    return cost, stage_match, continuity


PRIORITY_TEXT = {3: "薄弱学校、乡村学校优先", 2: "薄弱学校优先", 1: "乡村学校优先", 0: ""}
STAGE_TEXT = {"preschool": "学前", "primary": "小学", "junior": "初中", "senior": "高中"}


def _reason(s: School, n: _Need, km: float, stage_match: bool, continuity: bool, subject_names: dict[str, str]) -> str:
    subject = subject_names.get(n.subject, n.subject)
    bits = [f"学科对口（{STAGE_TEXT.get(n.stage, n.stage)}{subject}）" if stage_match
            else f"学科对口（{subject}，学段不同）"]
    if PRIORITY_TEXT[s.priority]:
        bits.append(PRIORITY_TEXT[s.priority])
    bits.append(f"距离约{km:.0f}公里")
    if continuity:
        bits.append("学校希望延续上轮联系")
    return "；".join(bits)


def _explain_gaps(linkers: Sequence[Linker], schools: Sequence[School], needs: list[_Need],
                  pairs: dict[tuple[int, int], float], chosen: set[tuple[int, int]], load: list[int],
                  subject_names: dict[str, str]) -> Proposal:
    proposal = Proposal()
    covered_schools = {needs[j].school for _, j in chosen}
    by_need: dict[int, list[int]] = defaultdict(list)
    for i, j in pairs:
        by_need[j].append(i)
    per_school = _index_needs(needs)
    with_pairs = {i for i, _ in pairs}
    for si, s in enumerate(schools):
        if si in covered_schools or not s.needs:
            continue
        js = per_school.get(si, [])
        names = "、".join(subject_names.get(subj, subj) for subj, _ in s.needs)
        cands = sorted({i for j in js for i in by_need.get(j, [])})
        if not cands:
            proposal.uncovered.append((s.id, f"没有{names}学科、层级对应的教研员或骨干教师"))
        else:
            full = [linkers[i].name for i in cands if load[i] >= linkers[i].capacity]
            proposal.uncovered.append((s.id, f"对口的联系人名额已满（{'、'.join(full[:3])}等已联系满额）"
                                       if full else "对口的联系人已安排到更优先或更近的学校"))
    for i, lk in enumerate(linkers):
        if load[i] == 0:
            proposal.idle.append((lk.id, "需求学校已由更近或更对口的联系人承担" if i in with_pairs
                                  else "范围内没有与其学科、层级对应的学校需求"))
    return proposal


def _index_needs(needs: list[_Need]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for j, n in enumerate(needs):
        out[n.school].append(j)
    return out


def optimise(linkers: Sequence[Linker], schools: Sequence[School], *,
             subject_names: dict[str, str] | None = None) -> Proposal:
    """The min-cost-flow proposal (see the module's docstring)."""
    names = subject_names or {}
    needs = _needs(schools)
    pairs = _candidates(linkers, schools, needs)
    n_l, n_n, n_s = len(linkers), len(needs), len(schools)
    source, sink = 0, 1 + n_l + n_n + n_s

    # Node numbering: the source, the linkers, the needs, the schools, the sink.
    def linker_node(i: int) -> int:
        return 1 + i

    def need_node(j: int) -> int:
        return 1 + n_l + j

    def school_node(k: int) -> int:
        return 1 + n_l + n_n + k

    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []

    def arc(t: int, h: int, cap: int, cost: int) -> int:
        tails.append(t)
        heads.append(h)
        caps.append(cap)
        costs.append(cost)
        return len(tails) - 1

    supply = 0
    for i, lk in enumerate(linkers):
        cap = max(0, min(4, lk.capacity))
        if cap:
            arc(source, linker_node(i), 1, -LINKER_FIRST_BONUS)
            if cap > 1:
                arc(source, linker_node(i), cap - 1, 0)
            supply += cap
    pair_arcs: dict[int, tuple[int, int, bool, bool, float]] = {}
    for (i, j), km in pairs.items():
        n = needs[j]
        cost, stage_match, continuity = _arc_cost(linkers[i], schools[n.school], n, km)
        a = arc(linker_node(i), need_node(j), 1, cost)
        pair_arcs[a] = (i, j, stage_match, continuity, km)
    for j, n in enumerate(needs):
        arc(need_node(j), school_node(n.school), 1, 0)
    for k, s in enumerate(schools):
        if s.needs:
            arc(school_node(k), sink, 1, -PRIORITY_BONUS[s.priority])
            if len(s.needs) > 1:
                arc(school_node(k), sink, len(s.needs) - 1, -EXTRA_NEED_BONUS)
    arc(source, sink, supply, 0)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(np.array(tails), np.array(heads), np.array(caps), np.array(costs))
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: status {status}")
    chosen: set[tuple[int, int]] = set()
    load = [0] * n_l
    picked: list[tuple[int, int, bool, bool, float]] = []
    for a, (i, j, stage_match, continuity, km) in pair_arcs.items():
        if flow.flow(a) > 0:
            chosen.add((i, j))
            load[i] += 1
            picked.append((i, j, stage_match, continuity, km))
    proposal = _explain_gaps(linkers, schools, needs, pairs, chosen, load, names)
    proposal.links = _as_links(linkers, schools, needs, picked, names)
    return proposal


def _as_links(linkers: Sequence[Linker], schools: Sequence[School], needs: list[_Need],
              picked: list[tuple[int, int, bool, bool, float]], names: dict[str, str]) -> list[Proposed]:
    out = []
    for i, j, stage_match, continuity, km in sorted(picked, key=lambda p: (linkers[p[0]].id, schools[needs[p[1]].school].id)):
        n = needs[j]
        s = schools[n.school]
        out.append(Proposed(linkers[i].id, s.id, n.subject, n.stage, round(km, 1), stage_match, continuity,
                            _reason(s, n, km, stage_match, continuity, names)))
    return out


def greedy(linkers: Sequence[Linker], schools: Sequence[School], *,
           subject_names: dict[str, str] | None = None) -> Proposal:
    """The baseline: schools by priority (weak and rural first), each need given the nearest
    allowed linker of its subject with room left (a school takes one linker per subject)."""
    names = subject_names or {}
    needs = _needs(schools)
    pairs = _candidates(linkers, schools, needs)
    by_need: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (i, j), km in pairs.items():
        by_need[j].append((km, i))
    load = [0] * len(linkers)
    chosen: set[tuple[int, int]] = set()
    picked: list[tuple[int, int, bool, bool, float]] = []
    per_school = _index_needs(needs)
    order = sorted(range(len(schools)), key=lambda k: (-schools[k].priority, k))
    for k in order:
        for j in per_school.get(k, []):
            for km, i in sorted(by_need.get(j, [])):
                if load[i] < min(4, linkers[i].capacity) and (i, j) not in chosen \
                        and not any(a == i and needs[b].school == k for a, b in chosen):
                    n = needs[j]
                    _, stage_match, continuity = _arc_cost(linkers[i], schools[k], n, km)
                    chosen.add((i, j))
                    load[i] += 1
                    picked.append((i, j, stage_match, continuity, km))
                    break
    proposal = _explain_gaps(linkers, schools, needs, pairs, chosen, load, names)
    proposal.links = _as_links(linkers, schools, needs, picked, names)
    return proposal

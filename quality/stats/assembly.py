"""Assembling a paper from an item bank (组卷) and predicting its difficulty and reliability.

Pure: plain dataclasses in and out, no Django. A blueprint (双向细目表) is a list of cells, each a
knowledge point × ability level with the number of items it wants and optionally the marks they
must total. Each candidate belongs to exactly one cell (its knowledge point and ability), so a
cell is fillable or not on its own; the cells are coupled only by the paper's target difficulty.

The selection is one CP-SAT model (OR-Tools): for each cell Σxᵢ = count (and Σmᵢxᵢ = marks when
given); minimise the mark-weighted distance of the paper's difficulty from the target,
|Σmᵢ(pᵢ − T)xᵢ|, and, second, prefer discriminating items and items with a history.

Predictions (shown on the result page with these formulas):
- difficulty P̂ = Σmᵢpᵢ / Σmᵢ over the items with a recorded difficulty (mark-weighted mean P);
- reliability (coefficient α, which is KR-20 for 0/1 items)
  α̂ = k/(k−1) · (1 − Σσᵢ² / σ̂_T²), with σ̂_T = Σ rᵢσᵢ (the identity σ_T = Σ cov(xᵢ,T)/σ_T),
  σᵢ the item's recorded SD (or mᵢ·√(pᵢ(1−pᵢ)) where none is recorded) and rᵢ its recorded
  item–total correlation. Both carry the assumption that the new paper's students resemble
  those of the items' past exams.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

SCALE = 1000  # difficulties as integers in thousandths
MARK_SCALE = 10  # marks have one decimal place (quality.models.Item.max_score)
# The page waits for the solver: past this it takes the best paper found (said on the page). On
# 5,000 items (bench/bench_itembank_assembly.py) the closest difficulty is found within it; the
# rest of a longer search only proves the discrimination tie-break optimal.
TIME_LIMIT_S = 3.0


@dataclass(frozen=True)
class Cell:
    """One cell of the blueprint: `count` items of this knowledge point and ability, totalling
    `marks` points when marks is given."""

    knowledge_point: str
    ability: str
    count: int
    marks: float | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.knowledge_point, self.ability)

    @property
    def label(self) -> str:
        return f"「{self.knowledge_point} × {self.ability}」"


@dataclass(frozen=True)
class Candidate:
    """A bank item with its pooled statistics (None where the item has no history)."""

    id: int
    knowledge_point: str
    ability: str
    max_score: float
    p: float | None = None
    d: float | None = None
    r: float | None = None  # item–total correlation
    sd: float | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.knowledge_point, self.ability)


@dataclass(frozen=True)
class Prediction:
    difficulty: float | None
    reliability: float | None
    total_marks: float
    k: int
    with_history: int  # items with a recorded difficulty
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CellFill:
    cell: Cell
    chosen: tuple[int, ...]
    marks: float
    difficulty: float | None


@dataclass
class Assembly:
    ok: bool
    chosen: list[int] = field(default_factory=list)  # candidate ids, in blueprint order
    problems: list[str] = field(default_factory=list)  # unfillable cells, in Chinese
    cells: list[CellFill] = field(default_factory=list)
    prediction: Prediction | None = None
    optimal: bool = False


def _fmt(v: float) -> str:
    return f"{v:g}"


def _marks(v: float) -> int:
    return int(round(v * MARK_SCALE))


def item_sd(c: Candidate) -> float | None:
    if c.sd is not None and c.sd > 0:
        return c.sd
    if c.p is None:
        return None
    p = min(max(c.p, 0.0), 1.0)
    return c.max_score * math.sqrt(p * (1 - p))


def predict(items: Sequence[Candidate]) -> Prediction:
    """Predicted difficulty and reliability of a paper made of `items` (formulas: module doc)."""
    total = sum(c.max_score for c in items)
    known = [c for c in items if c.p is not None]
    notes: list[str] = []
    difficulty = None
    if known:
        difficulty = sum(c.max_score * (c.p or 0.0) for c in known) / sum(c.max_score for c in known)
    missing = len(items) - len(known)
    if missing:
        notes.append(f"{missing} 题没有历史统计，难度按其余 {len(known)} 题预测" if known
                     else "所选题目都没有历史统计，无法预测难度与信度")
    reliability = None
    sds = [(item_sd(c), c.r) for c in items]
    usable = [(s, r) for s, r in sds if s is not None and r is not None]
    if len(items) >= 2 and len(usable) == len(items):
        var_sum = sum(s * s for s, _ in usable)
        sd_total = sum(r * s for s, r in usable)
        if sd_total > 0:
            k = len(items)
            reliability = k / (k - 1) * (1 - var_sum / (sd_total * sd_total))
    elif len(items) >= 2:
        notes.append("有题目缺少题总相关或标准差的历史记录，未预测信度")
    return Prediction(difficulty=difficulty, reliability=reliability, total_marks=total, k=len(items),
                      with_history=len(known), notes=tuple(notes))


def _cell_problem(cell: Cell, pool: Sequence[Candidate]) -> str | None:
    """Why the cell cannot be filled from `pool` on its own, or None."""
    if len(pool) < cell.count:
        return f"{cell.label}需要 {cell.count} 题，题库中只有 {len(pool)} 题"
    if cell.marks is None:
        return None
    model = cp_model.CpModel()
    xs = [model.new_bool_var(f"x{c.id}") for c in pool]
    model.add(sum(xs) == cell.count)
    model.add(sum(_marks(c.max_score) * x for c, x in zip(pool, xs, strict=True)) == _marks(cell.marks))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = TIME_LIMIT_S
    solver.parameters.num_workers = 1
    if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    scores = "、".join(_fmt(s) for s in sorted({c.max_score for c in pool}))
    return (f"{cell.label}需要 {cell.count} 题共 {_fmt(cell.marks)} 分，题库中该格的题目（分值 {scores}）"
            "凑不出这个分数")


def assemble(cells: Sequence[Cell], candidates: Sequence[Candidate], *, target: float,
             exclude: frozenset[int] = frozenset()) -> Assembly:
    """Pick items filling every cell, aiming the paper's difficulty at `target` (0–1).

    Refuses (ok=False) with every unfillable cell named when one cannot be filled; the same
    inputs always give the same paper (one worker, fixed seed)."""
    if not cells:
        return Assembly(ok=False, problems=["双向细目表没有任何一格"])
    keys = [c.key for c in cells]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        return Assembly(ok=False, problems=[f"「{kp} × {ab}」在双向细目表中出现了不止一次" for kp, ab in twice])
    pools: dict[tuple[str, str], list[Candidate]] = {}
    for c in candidates:
        if c.id not in exclude:
            pools.setdefault(c.key, []).append(c)
    for pool in pools.values():
        pool.sort(key=lambda c: c.id)
    # Too few items is seen by counting; a cell whose marks no subset makes needs a solve, done
    # for each cell only when the whole model has no solution (the cells are independent).
    if any(len(pools.get(cell.key, [])) < cell.count for cell in cells):
        return Assembly(ok=False, problems=[msg for cell in cells
                                            if (msg := _cell_problem(cell, pools.get(cell.key, []))) is not None])

    model = cp_model.CpModel()
    t = int(round(target * SCALE))
    chosen_vars: list[tuple[Cell, list[tuple[Candidate, cp_model.IntVar]]]] = []
    dev_terms = []
    bonus_terms = []
    for cell in cells:
        pool = pools[cell.key]
        xs = [(c, model.new_bool_var(f"x{c.id}")) for c in pool]
        model.add(sum(x for _, x in xs) == cell.count)
        if cell.marks is not None:
            model.add(sum(_marks(c.max_score) * x for c, x in xs) == _marks(cell.marks))
        for c, x in xs:
            m = _marks(c.max_score)
            if c.p is not None:
                dev_terms.append(m * (int(round(c.p * SCALE)) - t) * x)
                bonus_terms.append(int(round(max(c.d or 0.0, 0.0) * 100)) * x + 50 * x)
        chosen_vars.append((cell, xs))
    bound = sum(_marks(c.max_score) * SCALE for c in candidates) + 1
    dev = model.new_int_var(0, bound, "dev")
    if dev_terms:
        model.add(dev >= sum(dev_terms))
        model.add(dev >= -sum(dev_terms))
    # Deviation first: a whole point of marks × 0.001 of difficulty outweighs any bonus sum.
    weight = 200 * (len(candidates) + 1)
    model.minimize(weight * dev - sum(bonus_terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = TIME_LIMIT_S
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        problems = [msg for cell in cells if (msg := _cell_problem(cell, pools[cell.key])) is not None]
        return Assembly(ok=False, problems=problems or ["题库中的题目无法同时满足双向细目表的各格"])
    if status != cp_model.OPTIMAL and status != cp_model.FEASIBLE:
        return Assembly(ok=False, problems=["在限定时间内没有找到满足双向细目表的组卷方案，请减少题数或放宽分值"])
    out = Assembly(ok=True, optimal=status == cp_model.OPTIMAL)
    picked: list[Candidate] = []
    for cell, xs in chosen_vars:
        mine = [c for c, x in xs if solver.value(x)]
        picked += mine
        out.chosen += [c.id for c in mine]
        pd = predict(mine)
        out.cells.append(CellFill(cell=cell, chosen=tuple(c.id for c in mine), marks=pd.total_marks,
                                  difficulty=pd.difficulty))
    out.prediction = predict(picked)
    return out


def parse_cells(text: str) -> tuple[list[Cell], list[str]]:
    """Lines "知识点, 能力层级, 题数[, 分值]" (comma, tab, Chinese comma or semicolon) into cells;
    errors name the line and the field. A header line starting with 知识点 and lines starting
    with "#" are skipped; two lines of the same cell are refused."""
    import re

    cells: list[Cell] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        raw = line.strip()
        if not raw or raw.startswith("#"):
            continue
        parts = [p.strip() for p in re.split(r"[,\t，;；]", raw)]
        if parts[0] == "知识点":
            continue
        if len(parts) < 3:
            errors.append(f"第{n}行：应为“知识点, 能力层级, 题数[, 分值]”，现有 {len(parts)} 项")
            continue
        kp, ability, count_text = parts[0], parts[1], parts[2]
        marks_text = parts[3] if len(parts) > 3 else ""
        if not kp:
            errors.append(f"第{n}行「知识点」：未填写")
            continue
        if not ability:
            errors.append(f"第{n}行「能力层级」：未填写")
            continue
        if not count_text.isdigit() or int(count_text) < 1:
            errors.append(f"第{n}行「题数」：“{count_text}”应为正整数")
            continue
        marks: float | None = None
        if marks_text:
            try:
                marks = float(marks_text)
            except ValueError:
                errors.append(f"第{n}行「分值」：“{marks_text}”不是数字")
                continue
            if not math.isfinite(marks) or marks <= 0:
                errors.append(f"第{n}行「分值」：“{marks_text}”必须大于0")
                continue
        if (kp, ability) in seen:
            errors.append(f"第{n}行：「{kp} × {ability}」与第{seen[(kp, ability)]}行重复")
            continue
        seen[(kp, ability)] = n
        cells.append(Cell(kp, ability, int(count_text), marks))
    if not cells and not errors:
        errors.append("双向细目表没有任何一格")
    return cells, errors

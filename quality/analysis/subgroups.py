"""Results by student subgroup (issue 15): pure numpy over plain arrays, no ORM.

For one scope (a county or a school) and one paper, each recorded attribute (gender, boarding,
留守儿童, 随迁子女) splits the scope's sitters into its values plus "未登记". Each part gets the
usual 一分三率 (quality.stats.one_point_three_rates, the same function as every other page) and
the gap between the two recorded values gets a 95 % interval and an effect size.

Students are minors, so no cell may single a child out:

- **Primary suppression.** A cell (scope × subject × subgroup value) with fewer than `min_cell`
  sitters shows no figure at all, not even its head count.
- **Complementary suppression.** The scope's total is printed on the exam's other pages, so if
  exactly one non-empty cell of a partition were hidden, its head count and sum could be
  recovered as total − the others. Whenever exactly one cell of a partition is suppressed, the
  smallest other non-empty cell is suppressed with it; then only the sum of two hidden cells can
  be derived, never either one.
- **Across sibling scopes.** A county's cell is the sum of its schools' cells, so a school's
  hidden cell could also be recovered as county − the other schools. `suppress_grid` applies
  the same rule down each column (one subgroup value across the sibling scopes under one
  parent) and along each row (one scope's partition) until neither leaves a lone hidden cell;
  a school's page uses its row of its siblings' grid. This covers two levels (a county exam:
  the county and its schools); deeper trees (a city exam's counties and their schools) get the
  rule at each level separately, which does not exclude every combination across levels.
- The gap is shown only when both of its groups are shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from quality.stats import DEFAULT_PROFILE, ThresholdProfile, one_point_three_rates, score_moments, variance
from quality.stats.sufficient import Denominator, RateReport, SDKind

Suppression = Literal["", "small", "complement"]
UNKNOWN_LABEL = "未登记"
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Attribute:
    key: str
    label: str
    values: tuple[str, str]  # labels of code 0 and code 1


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("gender", "性别", ("男", "女")),
    Attribute("boarding", "住校", ("住校生", "走读生")),
    Attribute("left_behind", "留守儿童", ("留守儿童", "非留守儿童")),
    Attribute("migrant", "随迁子女", ("随迁子女", "非随迁子女")),
)
ATTRIBUTE_BY_KEY = {a.key: a for a in ATTRIBUTES}


def suppressed_text(min_cell: int) -> str:
    return f"—（少于{min_cell}人不显示）"


def rule_text(min_cell: int) -> str:
    """The rule as the page and the export state it."""
    return (f"为保护未成年学生，本页只显示群体汇总结果，不列出任何学生。任一单元格（范围×学科×群体）实考人数少于{min_cell}人时，"
            f"该单元格的人数和各项指标均不显示，标为“{suppressed_text(min_cell)}”；若同一划分中只有一个单元格被隐藏，"
            "则同时隐藏其中人数最少的另一个单元格（互补隐藏），以免用总体减去其他群体推算出被隐藏的结果；"
            "同理，若某校的某一群体被隐藏，同一上级范围内的其他学校也会相应隐藏，以免用上级范围的结果减去其他学校推算。"
            "两组差异仅在两组都显示时给出。")


@dataclass(frozen=True)
class Cell:
    label: str
    n: int  # sitters; never shown when suppressed
    mean: float | None
    sd: float | None
    score_rate: float | None
    excellent_rate: float | None
    pass_rate: float | None
    low_rate: float | None
    suppression: Suppression = ""

    @property
    def suppressed(self) -> bool:
        return self.suppression != ""

    @property
    def empty(self) -> bool:
        return self.n == 0


@dataclass(frozen=True)
class Gap:
    """Mean of the first value minus the second: Welch 95 % interval and Hedges' g."""

    difference: float
    lower: float
    upper: float
    hedges_g: float | None


@dataclass(frozen=True)
class SubgroupTable:
    attribute: Attribute
    cells: tuple[Cell, ...]  # the two values, then 未登记
    total: Cell
    gap: Gap | None  # None when either group is suppressed or too small for a variance
    min_cell: int


def _f(x: float) -> float | None:
    return None if math.isnan(x) or math.isinf(x) else float(x)


def suppress(counts: list[int], min_cell: int) -> list[Suppression]:
    """Primary and complementary suppression of one partition's cells, given their head counts.

    Empty cells are not suppressed (they hold no one); a partition with exactly one hidden
    non-empty cell also hides its smallest other non-empty cell."""
    out: list[Suppression] = ["small" if 0 < n < min_cell else "" for n in counts]
    hidden = [i for i, s in enumerate(out) if s]
    if len(hidden) == 1:
        others = [i for i, n in enumerate(counts) if n > 0 and not out[i]]
        if others:
            out[min(others, key=lambda i: (counts[i], i))] = "complement"
    return out


def _complete(flags: list[Suppression], counts: list[int]) -> bool:
    """Add the complement to a line (a row or a column) with exactly one hidden cell; True if
    it changed."""
    hidden = [i for i, f in enumerate(flags) if f]
    if len(hidden) != 1:
        return False
    others = [i for i, n in enumerate(counts) if n > 0 and not flags[i]]
    if not others:
        return False
    flags[min(others, key=lambda i: (counts[i], i))] = "complement"
    return True


def suppress_grid(counts: NDArray[np.int64], min_cell: int) -> list[list[Suppression]]:
    """Suppression of a (sibling scope × subgroup value) table of head counts: primary
    suppression of small cells, then complements along rows and columns until stable (flags
    only grow, so this ends). A column whose parent cell (the column's sum) is itself hidden
    needs no complement: there is no shown sum to subtract from."""
    grid = [[int(v) for v in row] for row in counts.tolist()]
    flags = [suppress(row, min_cell) for row in grid]
    margin = suppress([int(v) for v in counts.sum(axis=0).tolist()], min_cell) if grid else []
    changed = True
    while changed:
        changed = False
        for g in range(len(margin)):
            if margin[g]:
                continue
            column = [flags[u][g] for u in range(len(grid))]
            if _complete(column, [grid[u][g] for u in range(len(grid))]):
                for u, f in enumerate(column):
                    flags[u][g] = f
                changed = True
        for u, row in enumerate(grid):
            changed = _complete(flags[u], row) or changed
    return flags


def unit_counts(unit: NDArray[np.int64], codes: NDArray[np.int64], scores: NDArray[np.float64],
                n_units: int) -> NDArray[np.int64]:
    """Sitters per (unit, value 0 / value 1 / 未登记), the input of `suppress_grid`."""
    group = np.where((codes == 0) | (codes == 1), codes, 2)
    sat = ~np.isnan(scores)
    return np.bincount(unit[sat] * 3 + group[sat], minlength=n_units * 3).reshape(n_units, 3).astype(np.int64)


def subgroup_table(attribute: Attribute, codes: NDArray[np.int64], scores: NDArray[np.float64], *, full_mark: float,
                   precision: float, min_cell: int, profile: ThresholdProfile = DEFAULT_PROFILE,
                   sd_kind: SDKind = "population", denominator: Denominator = "sat",
                   sibling_flags: list[Suppression] | None = None) -> SubgroupTable:
    """One attribute over one scope's students: `codes` is 0 or 1 (the attribute's values) or −1
    (未登记) per student, `scores` the paper total (NaN for a non-sitter). `sibling_flags` is the
    scope's row of its siblings' `suppress_grid`, hiding what the siblings' pages would give away."""
    group = np.where((codes == 0) | (codes == 1), codes, 2).astype(np.int64)
    m = score_moments(group, scores, 3, full_mark=full_mark, precision=precision)
    whole = m.total()
    rates = one_point_three_rates(m, profile, sd_kind=sd_kind, denominator=denominator)
    total_rates = one_point_three_rates(whole, profile, sd_kind=sd_kind, denominator=denominator)
    counts = [int(v) for v in m.n]
    flags = suppress(counts, min_cell)
    if sibling_flags is not None:
        flags = [own or other for own, other in zip(flags, sibling_flags, strict=True)]
    labels = (*attribute.values, UNKNOWN_LABEL)

    def cell(label: str, r: RateReport, g: int, flag: Suppression) -> Cell:
        if flag:
            return Cell(label, int(r.sat[g]), None, None, None, None, None, None, flag)
        return Cell(label, int(r.sat[g]), _f(r.mean[g]), _f(r.sd[g]), _f(r.score_rate[g]), _f(r.excellent_rate[g]),
                    _f(r.pass_rate[g]), _f(r.low_rate[g]))

    cells = tuple(cell(labels[g], rates, g, flags[g]) for g in range(3))
    total_n = int(whole.n[0])
    total = cell("合计", total_rates, 0, "small" if 0 < total_n < min_cell else "")
    gap = None
    if not flags[0] and not flags[1] and counts[0] >= 2 and counts[1] >= 2:
        var = variance(m, "sample")
        mu = rates.mean
        diff = float(mu[0] - mu[1])
        se = math.sqrt(float(var[0]) / counts[0] + float(var[1]) / counts[1])
        pooled = math.sqrt(((counts[0] - 1) * float(var[0]) + (counts[1] - 1) * float(var[1]))
                           / (counts[0] + counts[1] - 2))
        correction = 1 - 3 / (4 * (counts[0] + counts[1]) - 9)
        g = diff / pooled * correction if pooled > 0 else None
        gap = Gap(diff, diff - Z95 * se, diff + Z95 * se, g)
    return SubgroupTable(attribute, cells, total, gap, min_cell)

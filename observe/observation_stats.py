"""Statistics over observation scores: pure functions over plain values, no ORM (the values come
from observe.selectors)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def five_numbers(values: Sequence[float]) -> list[float]:
    """[min, Q1, median, Q3, max], rounded to one decimal (linear-interpolated quartiles)."""
    arr = np.asarray(values, dtype=float)
    return [round(float(x), 1) for x in np.percentile(arr, [0, 25, 50, 75, 100])]


def mean_or_none(values: Sequence[float]) -> float | None:
    return round(float(np.mean(values)), 1) if len(values) else None


@dataclass
class DimensionRates:
    """Score rates (percent of each dimension's maximum) of the lessons scored with one template."""

    template: str
    lessons: int
    totals: list[float]
    rates: dict[str, list[float]] = field(default_factory=dict)  # dimension title -> rates, in order

    def means(self) -> list[float]:
        return [round(float(np.mean(v)), 1) for v in self.rates.values()]


def dimension_rates(rows: Sequence[tuple[str, dict[str, Any], float]]) -> DimensionRates | None:
    """Rates of the template most lessons were scored with (different templates' dimensions do
    not compare); None when no lesson was scored."""
    per_template: dict[str, list[tuple[dict[str, Any], float]]] = defaultdict(list)
    for name, dims, total in rows:
        per_template[name].append((dims, total))
    if not per_template:
        return None
    name, chosen = max(per_template.items(), key=lambda kv: len(kv[1]))
    out = DimensionRates(template=name, lessons=len(chosen), totals=[t for _, t in chosen])
    for dims, _ in chosen:
        for d in dims.values():
            if d.get("max") and d.get("score") is not None:
                out.rates.setdefault(d["title"], []).append(100 * d["score"] / d["max"])
    return out

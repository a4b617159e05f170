"""Score grid: exact comparisons of scores with cut lines.

analytics.md §4 ("Spec for thresholds") requires comparing scores with cut lines using
exact decimal arithmetic at the exam's score precision (e.g. half points), so that a
score of exactly 0.85 × W is never lost to a float rounding error at the cut. We map
every score to an integer number of *units* (score / precision) and every cut to an
integer unit threshold computed with :mod:`decimal`; all comparisons are then integer
comparisons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

UpperOp = Literal[">=", ">"]
LowerOp = Literal["<", "<="]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# Tolerance for "this float is on the precision grid"; scores are entered with at most a
# few decimals, so anything further than this from a grid point is a data error.
_GRID_TOL = 1e-6


def _dec(x: float | int | str | Decimal) -> Decimal:
    # str() first: Decimal(0.85) would carry the binary expansion of 0.85.
    return x if isinstance(x, Decimal) else Decimal(str(x))


def to_units(scores: ArrayLike, precision: float) -> tuple[IntArray, BoolArray]:
    """Map scores to integer units of ``precision``.

    Returns ``(units, present)``; NaN scores (absent, 缺考) give ``present == False`` and
    unit 0. Raises ``ValueError`` if a present score is off the grid or negative.
    """
    x = np.asarray(scores)
    if np.issubdtype(x.dtype, np.integer) and precision == 1:
        units = x.astype(np.int64, copy=False)
        present = np.ones(units.shape, dtype=np.bool_)
    else:
        xf = np.asarray(x, dtype=np.float64)
        present = ~np.isnan(xf)
        scaled = np.where(present, xf, 0.0) / precision
        rounded = np.rint(scaled)
        if np.any(np.abs(scaled - rounded) > _GRID_TOL):
            raise ValueError(f"scores are not on the {precision}-point grid")
        units = rounded.astype(np.int64)
    if units.size and int(units.min()) < 0:
        raise ValueError("negative scores")
    return units, present


def cut_units(line: float | Decimal, precision: float, op: UpperOp | LowerOp) -> int:
    """Integer unit threshold ``t`` such that, for integer unit scores ``u``:

    - op ``">="``: ``score >= line``  ⇔ ``u >= t``
    - op ``">"`` : ``score >  line``  ⇔ ``u >= t``
    - op ``"<"`` : ``score <  line``  ⇔ ``u <  t``
    - op ``"<="``: ``score <= line``  ⇔ ``u <  t``
    """
    c = _dec(line) / _dec(precision)
    if op in (">=", "<"):
        return math.ceil(c)
    return math.floor(c) + 1


def line_value(fraction: float, full_mark: float) -> Decimal:
    """Cut line as an exact decimal, e.g. 0.85 × 120 = 102 (analytics.md §4 [E2])."""
    return fmt_decimal(_dec(fraction) * _dec(full_mark))


def fmt_decimal(d: Decimal) -> Decimal:
    """Strip trailing zeros without switching to exponent notation (102.000 → 102)."""
    n = d.normalize()
    return n.quantize(Decimal(1)) if n == n.to_integral_value() else n


@dataclass(frozen=True)
class ThresholdProfile:
    """Rate lines as fractions of the full mark (analytics.md §4 ``threshold_profile``).

    Defaults are the spec's: 优秀 ≥ 0.85 W, 及格 ≥ 0.60 W, 低分 < 0.40 W. Primary grades 1–2
    (90 %) or local 80 % / 30 % variants are other instances of this class [E2][C].
    """

    excellent: float = 0.85
    pass_: float = 0.60
    low: float = 0.40
    excellent_op: UpperOp = ">="
    pass_op: UpperOp = ">="
    low_op: LowerOp = "<"

    def describe(self) -> str:
        return (
            f"优秀{self.excellent_op}{self.excellent:g}W, 及格{self.pass_op}{self.pass_:g}W, "
            f"低分{self.low_op}{self.low:g}W"
        )


DEFAULT_PROFILE = ThresholdProfile()

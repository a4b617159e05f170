"""Progress toward a target and pace through a period: one formula for every progress bar.

A norm's subject (a leader's observations, a school's coverage, a region's schools meeting a
norm) shows `percent(done, target)` as a bar whose CSS class is `bar_class(percent)`: p0 … p100
in steps of ten, because the CSP forbids inline widths. Pace compares what is done with what is
expected by today, the target times the elapsed share of the period, so someone falling behind
is named in October, not in January.
"""

from __future__ import annotations

import datetime as dt
import math

MET, ON_PACE, BEHIND = "met", "on_pace", "behind"


def percent(done: float, target: float | None, *, when_no_target: int = 100) -> int:
    """`done` as a whole percent of `target`, clamped to 0–100; `when_no_target` for a zero or
    missing target (nothing to do counts as done unless the caller says otherwise)."""
    if not target:
        return when_no_target
    return max(0, min(100, round(100 * done / target)))


def bar_class(value: float) -> str:
    """The progress bar's CSS class for a percent: p0, p10, …, p100."""
    return f"p{10 * round(max(0.0, min(100.0, value)) / 10)}"


def elapsed_fraction(start: dt.date, end: dt.date, today: dt.date) -> float:
    """Share of the period's days gone by today, counting today (0 before it starts, 1 after)."""
    total = (end - start).days + 1
    gone = (min(today, end) - start).days + 1
    return max(0.0, min(1.0, gone / total))


def pace_status(done: float, target: float, fraction: float) -> str:
    """Met when the target is reached; behind when below the whole units expected by now
    (floor, so no one is flagged for a fraction of a lesson on the first days)."""
    if done >= target:
        return MET
    return BEHIND if done < math.floor(target * fraction + 1e-9) else ON_PACE

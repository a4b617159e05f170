"""Classroom-observation coding analytics (analytics.md PART 1, §1–§2).

Pure Python + numpy, no Django: the observe app stores ``analyse(...)``'s dict as JSON
with the observation and hands its ``charts`` section to ECharts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from observe.coding.fias import (
    collapse_to_parents,
    dynamic_curve_from_idx,
    fias_analysis,
    fias_from_idx,
    transition_matrix,
)
from observe.coding.schemes import (
    GROUP_LABELS,
    Category,
    CodesInput,
    CodingScheme,
    get_scheme,
    list_schemes,
    register_scheme,
)
from observe.coding.st import (
    FOUR_WAY_RULE,
    MODE_LABELS,
    ModeRule,
    check_rt_ch,
    classify_mode,
    rt_windows_from_idx,
    st_curve,
    st_curve_from_idx,
    st_indices,
    st_indices_from_idx,
)

__all__ = [
    "FOUR_WAY_RULE",
    "Category",
    "CodingScheme",
    "ModeRule",
    "analyse",
    "check_rt_ch",
    "classify_mode",
    "fias_analysis",
    "get_scheme",
    "list_schemes",
    "register_scheme",
    "st_curve",
    "st_indices",
    "transition_matrix",
]

RESULT_VERSION = 1

# §1.4: "also plot Rt per time window (for example per 5 minutes)".
DEFAULT_ST_WINDOW_SECONDS = 300.0
# §2.4 dynamic curve: proportions per minute.
DEFAULT_FIAS_WINDOW_SECONDS = 60.0


def analyse(scheme_key: str, codes: CodesInput,
            interval_seconds: float | None = None, *, window_seconds: float | None = None,
            pad: bool = True, t_axis: str = "x",
            rule: ModeRule = FOUR_WAY_RULE) -> dict[str, Any]:
    """Analyse one coded record; return a JSON-serialisable dict.

    ``interval_seconds`` defaults to the scheme's (30 s S-T, 3 s FIAS family) and is
    stored in the result because Ch and the windows depend on it (§1.2).
    ``t_axis`` ("x" or "y") is the S-T curve orientation display option (§1.4 [C]);
    ``pad`` toggles the §2.3 bracketing with the padding code; ``rule`` is the
    pluggable mode classifier (§1.3).
    """
    scheme = get_scheme(scheme_key)
    interval = scheme.interval_seconds if interval_seconds is None else interval_seconds
    if isinstance(interval, bool) or not isinstance(interval, int | float) or interval <= 0:
        raise ValueError(f"采样间隔必须为正数（秒），收到 {interval_seconds!r}")
    if t_axis not in ("x", "y"):
        raise ValueError("t_axis 只能是 'x' 或 'y'")
    idx = scheme.encode(codes)
    base: dict[str, Any] = {
        "version": RESULT_VERSION,
        "scheme": {
            "key": scheme.key,
            "name": scheme.name,
            "short_name": scheme.short_name,
            "family": scheme.family,
            "padding_code": scheme.padding_code,
        },
        "interval_seconds": interval,
        "n": int(idx.size),
        "duration_seconds": idx.size * interval,
        "codes": [scheme.codes[i] for i in idx.tolist()],
    }
    counts = np.bincount(idx, minlength=scheme.size)
    proportions = _proportions(scheme, counts)
    if scheme.family == "st":
        base.update(_analyse_st(scheme, idx, interval, window_seconds, t_axis, rule))
    else:
        base.update(_analyse_fias(scheme, idx, interval, window_seconds, pad))
    base["charts"]["proportions"] = proportions
    base["charts"]["groups"] = _group_proportions(scheme, counts)
    return base


def _proportions(scheme: CodingScheme, counts: npt.NDArray[np.int64]) -> list[dict[str, Any]]:
    n = int(counts.sum())
    return [
        {"code": c.code, "name": c.label, "group": c.group, "value": int(k),
         "ratio": None if n == 0 else int(k) / n}
        for c, k in zip(scheme.categories, counts.tolist(), strict=True)
    ]


def _group_proportions(scheme: CodingScheme, counts: npt.NDArray[np.int64]) -> list[dict[str, Any]]:
    n = int(counts.sum())
    out: list[dict[str, Any]] = []
    for g in scheme.groups():
        k = int(counts[scheme.mask((g,))].sum())
        out.append({"group": g, "name": GROUP_LABELS[g], "value": k,
                    "ratio": None if n == 0 else k / n})
    return out


def _analyse_st(scheme: CodingScheme, idx: npt.NDArray[np.intp], interval: float,
                window_seconds: float | None, t_axis: str, rule: ModeRule) -> dict[str, Any]:
    ind = st_indices_from_idx(idx, scheme, rule)
    curve = st_curve_from_idx(idx, scheme)
    points = curve if t_axis == "x" else curve[:, ::-1]
    t_name, s_name = "教师行为 T", "学生行为 S"
    window = DEFAULT_ST_WINDOW_SECONDS if window_seconds is None else window_seconds
    two_class = scheme.mask(("dialogue",)).sum() == 0
    return {
        "indices": ind.to_dict(),
        "charts": {
            "st_curve": {
                "t_axis": t_axis,
                "x_name": t_name if t_axis == "x" else s_name,
                "y_name": s_name if t_axis == "x" else t_name,
                "max": int(idx.size),
                "points": points.tolist(),
                "end": {"t": float(curve[-1, 0]), "s": float(curve[-1, 1])},
            },
            "rt_ch": {
                "point": None if ind.rt is None or ind.ch is None
                else [float(ind.rt), float(ind.ch)],
                "mode": ind.mode,
                "mode_label": None if ind.mode is None else MODE_LABELS[ind.mode],
                "rule": {"key": rule.key, "name": rule.name,
                         "exercise_max_rt": float(rule.exercise_max_rt),
                         "lecture_min_rt": float(rule.lecture_min_rt),
                         "dialogue_min_ch": float(rule.dialogue_min_ch)},
                "regions": rule.regions(two_class=bool(two_class)),
                # §1.2 range fact applies to the two-class record only.
                "feasible_region": [[0.0, 0.0], [0.5, 1.0], [1.0, 0.0]] if two_class else None,
            },
            "rt_windows": rt_windows_from_idx(idx, scheme, interval, window),
        },
    }


def _analyse_fias(scheme: CodingScheme, idx: npt.NDArray[np.intp], interval: float,
                  window_seconds: float | None, pad: bool) -> dict[str, Any]:
    res = fias_from_idx(idx, scheme, pad)
    codes = list(scheme.codes)
    m = res.matrix
    heat = [[j, i, int(m[i, j])] for i in range(scheme.size) for j in range(scheme.size)]
    matrix_block: dict[str, Any] = {
        "codes": codes,
        "cells": m.tolist(),
        "row_totals": m.sum(axis=1).tolist(),
        "col_totals": m.sum(axis=0).tolist(),
        "tallies": res.tallies,
        "padded": res.padded,
        "padding_code": scheme.padding_code if res.padded else None,
        "orientation": "row = first code of the pair, column = second (§2.3)",
    }
    result: dict[str, Any] = {
        "counts": {c: int(k) for c, k in zip(codes, res.counts.tolist(), strict=True)},
        # §2.3 spec decision: say which denominator each number used.
        "denominators": {
            "counts": "n = raw code count, padding excluded",
            "matrix": "T = transition-matrix tallies (n + 1 with padding)",
        },
        "matrix": matrix_block,
        "indices": res.indices,
        "regions": res.regions,
    }
    if any(c.parent for c in scheme.categories):
        parents, pm = collapse_to_parents(m, scheme)
        result["matrix_parent"] = {"codes": list(parents), "cells": pm.tolist(),
                                   "tallies": int(pm.sum())}
    window = DEFAULT_FIAS_WINDOW_SECONDS if window_seconds is None else window_seconds
    dyn = dynamic_curve_from_idx(idx, scheme, interval, window)
    result["charts"] = {
        "heatmap": {
            "x": codes,
            "y": codes,
            "x_name": "后一编码",
            "y_name": "前一编码",
            "data": heat,
            "max": int(m.max()) if m.size else 0,
        },
        "dynamic": dyn,
    }
    return result

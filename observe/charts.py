"""ECharts options for one observed lesson, built from its stored coding analyses and rubric
scores: the S-T curve, the Rt–Ch map, FIAS's matrix, the dimension radar. Pure functions over
plain values (no ORM); the generic builders (bars, pies, radars, box plots) are core.echarts'.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.echarts import PALETTE, Option, base, pie, radar


def time_unit(duration_seconds: float) -> tuple[float, str]:
    """(seconds per unit, unit name) for a time axis: seconds up to ten minutes, then minutes."""
    return (1.0, "秒") if duration_seconds <= 600 else (60.0, "分钟")


def st_curve(result: dict[str, Any]) -> Option:
    """§1.4: the walk from the origin, T one sample along its axis, S along the other, on a time
    axis: each sample counts the sampling interval the observer used (2 s, 30 s)."""
    c = result["charts"]["st_curve"]
    n = max(1, int(c["max"]))
    interval = float(result.get("interval_seconds") or 30)
    per, unit = time_unit(n * interval)
    scale = interval / per
    top = round(n * scale, 2)
    points = [[round(x * scale, 2), round(y * scale, 2)] for x, y in c["points"]]
    return base("S-T 曲线", tooltip=None, grid={"left": 48, "right": 24, "top": 40, "bottom": 44}) | {
        "xAxis": {"type": "value", "name": f"{c['x_name']}（{unit}）", "nameLocation": "middle", "nameGap": 26,
                  "min": 0, "max": top},
        "yAxis": {"type": "value", "name": f"{c['y_name']}（{unit}）", "min": 0, "max": top},
        "series": [
            {"type": "line", "name": "S-T", "data": points, "showSymbol": False, "lineStyle": {"width": 2}},
            {"type": "line", "name": "参考线", "data": [[0, 0], [top, top]], "showSymbol": False,
             "lineStyle": {"type": "dashed", "color": "#aaa", "width": 1}},
        ],
    }


def rt_ch(result: dict[str, Any]) -> Option:
    """§1.3: the four-way mode regions and this lesson's (Rt, Ch) point."""
    c = result["charts"]["rt_ch"]
    series: list[dict[str, Any]] = []
    for i, region in enumerate(c["regions"]):
        poly = region["polygon"] + region["polygon"][:1]
        cx = sum(p[0] for p in region["polygon"]) / len(region["polygon"])
        cy = sum(p[1] for p in region["polygon"]) / len(region["polygon"])
        series.append({"type": "line", "name": region["label"], "data": poly, "showSymbol": False,
                       "lineStyle": {"width": 1, "color": PALETTE[i % len(PALETTE)]},
                       "areaStyle": None, "silent": True,
                       "markPoint": {"symbol": "circle", "symbolSize": 1,
                                     "label": {"show": True, "formatter": region["label"], "color": "#555"},
                                     "data": [{"coord": [cx, cy]}]}})
    if c["point"] is not None:
        series.append({"type": "scatter", "name": "本节课", "data": [c["point"]], "symbolSize": 14,
                       "itemStyle": {"color": "#b42318"},
                       "label": {"show": True, "position": "right",
                                 "formatter": f"{c['mode_label']} ({c['point'][0]:.2f}, {c['point'][1]:.2f})"}})
    return base("Rt–Ch 图", tooltip=None, grid={"left": 48, "right": 24, "top": 40, "bottom": 44}) | {
        "xAxis": {"type": "value", "name": "Rt", "min": 0, "max": 1, "nameLocation": "middle", "nameGap": 26},
        "yAxis": {"type": "value", "name": "Ch", "min": 0, "max": 1},
        "series": series,
    }


def rt_windows(result: dict[str, Any]) -> Option | None:
    windows = result["charts"].get("rt_windows")
    if not windows:
        return None
    rows = windows if isinstance(windows, list) else windows.get("windows", [])
    if not rows or not isinstance(rows[0], dict):
        return None
    per, _ = time_unit(float(rows[-1].get("end_seconds", 0) or 0))
    labels = [f"{int(w.get('start_seconds', 0))}″" if per == 1 else f"{int(w.get('start_seconds', 0)) // 60}′"
              for w in rows]
    values = [None if w.get("rt") is None else round(float(w["rt"]), 3) for w in rows]
    return base("分段教师占有率 Rt", grid={"left": 40, "right": 16, "top": 40, "bottom": 30}) | {
            "xAxis": {"type": "category", "data": labels}, "yAxis": {"type": "value", "min": 0, "max": 1},
            "series": [{"type": "bar", "data": values}]}


def fias_heatmap(result: dict[str, Any]) -> Option:
    """§2.3: row = first code of the pair, column = second."""
    h = result["charts"]["heatmap"]
    return base("FIAS 迁移矩阵", tooltip=None, grid={"left": 48, "right": 16, "top": 40, "bottom": 70}) | {
        "xAxis": {"type": "category", "data": h["x"], "name": h["x_name"], "splitArea": {"show": True}},
        "yAxis": {"type": "category", "data": h["y"], "name": h["y_name"], "inverse": True,
                  "splitArea": {"show": True}},
        "visualMap": {"min": 0, "max": max(1, h["max"]), "calculable": False, "orient": "horizontal",
                      "left": "center", "bottom": 4, "inRange": {"color": ["#f5f7fa", "#0b6e4f"]}},
        "series": [{"type": "heatmap", "data": h["data"], "label": {"show": True, "fontSize": 10}}],
    }


def fias_indices(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Named indices (name, value, formula) for the table under the matrix; "—" where the
    denominator is zero."""
    out = []
    for key, item in result.get("indices", {}).items():
        if not isinstance(item, dict):
            continue
        value = item.get("value")
        shown = "—" if value is None else f"{float(value):.3f}"
        out.append((str(item.get("name") or key), shown, str(item.get("formula") or "")))
    return out


def proportions(result: dict[str, Any], title: str) -> Option:
    rows = result["charts"]["proportions"]
    return pie([(f"{r['code']} {r['name']}", r["value"]) for r in rows if r["value"]], title)


def session_charts(session_id: int, result: dict[str, Any]) -> list[tuple[str, Option]]:
    """(element id, option) of every chart one coding session draws, in page order: the S-T
    family's curve, Rt–Ch map and windows; FIAS's matrix and proportions."""
    if result.get("scheme", {}).get("family") == "st":
        options = [("st", st_curve(result)), ("rtch", rt_ch(result)), ("rtw", rt_windows(result))]
    else:
        options = [("heat", fias_heatmap(result)), ("prop", proportions(result, "各类行为占比"))]
    return [(f"chart-{session_id}-{key}", option) for key, option in options if option is not None]


def dimension_radar(dimension_scores: Mapping[str, Mapping[str, Any]]) -> Option | None:
    """This lesson's score rate per scored dimension (dimensions differ in weight); a radar needs
    three axes at least."""
    dims = [d for d in dimension_scores.values() if d.get("max") and d.get("score") is not None]
    if len(dims) < 3:
        return None
    return radar([d["title"] for d in dims], [("本节课", [round(100 * (d["score"] or 0) / d["max"], 1) for d in dims])],
                 "各维度得分率", max_value=100)

"""ECharts options built from stored analyses and scores: plain JSON (no functions), which
static/js/app.js hands to echarts.setOption (the CSP allows no inline script)."""

from __future__ import annotations

from typing import Any

Option = dict[str, Any]
PALETTE = ["#0b6e4f", "#2f6fb0", "#c27c0e", "#b42318", "#6b4fa0", "#3b8686", "#8a6d3b"]


def st_curve(result: dict[str, Any]) -> Option:
    """§1.4: the walk from the origin, T one unit along its axis, S along the other."""
    c = result["charts"]["st_curve"]
    n = max(1, int(c["max"]))
    return {
        "color": PALETTE, "animation": False,
        "title": {"text": "S-T 曲线", "left": "center", "textStyle": {"fontSize": 14}},
        "grid": {"left": 48, "right": 24, "top": 40, "bottom": 44},
        "xAxis": {"type": "value", "name": c["x_name"], "nameLocation": "middle", "nameGap": 26, "min": 0, "max": n},
        "yAxis": {"type": "value", "name": c["y_name"], "min": 0, "max": n},
        "series": [
            {"type": "line", "name": "S-T", "data": c["points"], "showSymbol": False, "lineStyle": {"width": 2}},
            {"type": "line", "name": "参考线", "data": [[0, 0], [n, n]], "showSymbol": False,
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
    return {
        "animation": False,
        "title": {"text": "Rt–Ch 图", "left": "center", "textStyle": {"fontSize": 14}},
        "grid": {"left": 48, "right": 24, "top": 40, "bottom": 44},
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
    labels = [f"{int(w.get('start_seconds', 0)) // 60}′" for w in rows]
    values = [None if w.get("rt") is None else round(float(w["rt"]), 3) for w in rows]
    return {"color": PALETTE, "animation": False,
            "title": {"text": "分段教师占有率 Rt", "left": "center", "textStyle": {"fontSize": 14}},
            "grid": {"left": 40, "right": 16, "top": 40, "bottom": 30},
            "xAxis": {"type": "category", "data": labels}, "yAxis": {"type": "value", "min": 0, "max": 1},
            "series": [{"type": "bar", "data": values}]}


def fias_heatmap(result: dict[str, Any]) -> Option:
    """§2.3: row = first code of the pair, column = second."""
    h = result["charts"]["heatmap"]
    return {
        "animation": False,
        "title": {"text": "FIAS 迁移矩阵", "left": "center", "textStyle": {"fontSize": 14}},
        "grid": {"left": 48, "right": 16, "top": 40, "bottom": 70},
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
    return {"color": PALETTE, "animation": False,
            "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "item"},
            "series": [{"type": "pie", "radius": ["35%", "65%"],
                        "data": [{"name": f"{r['code']} {r['name']}", "value": r["value"]} for r in rows if r["value"]]}]}


def radar(dimensions: list[tuple[str, float]], title: str, series: list[tuple[str, list[float]]]) -> Option:
    """Dimension scores as % of their maximum (dimensions differ in weight)."""
    return {"color": PALETTE, "animation": False,
            "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
            "legend": {"bottom": 0},
            "radar": {"indicator": [{"name": name, "max": 100} for name, _ in dimensions], "radius": "60%"},
            "series": [{"type": "radar", "data": [{"name": n, "value": v} for n, v in series]}]}


def boxplot(names: list[str], stats: list[list[float]], title: str) -> Option:
    """Five-number summaries [min, Q1, median, Q3, max] per dimension (as % of maximum)."""
    return {"color": PALETTE, "animation": False,
            "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
            "grid": {"left": 40, "right": 16, "top": 40, "bottom": 60},
            "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 30}},
            "yAxis": {"type": "value", "min": 0, "max": 100, "name": "得分率%"},
            "series": [{"type": "boxplot", "data": stats}]}


def bars(labels: list[str], values: list[float], title: str, *, horizontal: bool = False) -> Option:
    cat = {"type": "category", "data": labels}
    val = {"type": "value"}
    return {"color": PALETTE, "animation": False,
            "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
            "grid": {"left": 90 if horizontal else 40, "right": 16, "top": 40, "bottom": 40},
            "xAxis": val if horizontal else cat, "yAxis": cat if horizontal else val,
            "series": [{"type": "bar", "data": values}]}


def lines(labels: list[str], series: list[tuple[str, list[float | None]]], title: str) -> Option:
    return {"color": PALETTE, "animation": False,
            "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
            "legend": {"bottom": 0}, "grid": {"left": 40, "right": 16, "top": 40, "bottom": 50},
            "xAxis": {"type": "category", "data": labels}, "yAxis": {"type": "value"},
            "series": [{"type": "line", "name": n, "data": v} for n, v in series]}


def pie(items: list[tuple[str, float]], title: str) -> Option:
    return {"color": PALETTE, "animation": False,
            "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "item"},
            "series": [{"type": "pie", "radius": ["35%", "65%"], "data": [{"name": n, "value": v} for n, v in items]}]}

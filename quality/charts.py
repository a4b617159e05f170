"""ECharts options for the quality pages (rendered by static/js/app.js from json_script blocks).

Plain dicts built from the precomputed summary; no statistics are computed here.
"""

from __future__ import annotations

from typing import Any

FONT = {"fontFamily": "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"}


def _base(title: str) -> dict[str, Any]:
    return {"title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}}, "textStyle": FONT,
            "tooltip": {"trigger": "axis"}, "grid": {"left": 50, "right": 20, "bottom": 60, "top": 40}}


def distribution(labels: list[str], counts: list[int], title: str = "分数段分布") -> dict[str, Any]:
    o = _base(title)
    o.update(xAxis={"type": "category", "data": labels, "axisLabel": {"rotate": 30}},
             yAxis={"type": "value", "name": "人数"},
             series=[{"type": "bar", "data": counts, "itemStyle": {"color": "#0b6e4f"}}])
    return o


def boxplot(names: list[str], quantiles: list[list[float | None]], title: str = "各校成绩箱线图") -> dict[str, Any]:
    o = _base(title)
    o["tooltip"] = {"trigger": "item"}
    o.update(xAxis={"type": "category", "data": names, "axisLabel": {"rotate": 30, "interval": 0}},
             yAxis={"type": "value", "name": "分数"},
             series=[{"type": "boxplot", "data": [[v if v is not None else 0 for v in q] for q in quantiles]}])
    return o


def radar(labels: list[str], series: list[tuple[str, list[float | None]]], title: str) -> dict[str, Any]:
    return {"title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}}, "textStyle": FONT,
            "tooltip": {}, "legend": {"bottom": 0, "data": [s[0] for s in series]},
            "radar": {"indicator": [{"name": lab, "max": 1} for lab in labels], "radius": "60%"},
            "series": [{"type": "radar", "data": [{"name": n, "value": [round(v or 0, 3) for v in vals]}
                                                  for n, vals in series]}]}


def trend(x: list[str], series: list[tuple[str, list[float | None]]], title: str, y_name: str = "") -> dict[str, Any]:
    o = _base(title)
    o.update(legend={"bottom": 0, "data": [s[0] for s in series]},
             xAxis={"type": "category", "data": x}, yAxis={"type": "value", "name": y_name},
             series=[{"type": "line", "name": n, "data": v, "connectNulls": True} for n, v in series])
    return o


def scatter(points: list[tuple[str, float, float]], title: str, x_name: str, y_name: str) -> dict[str, Any]:
    o = _base(title)
    o["tooltip"] = {"trigger": "item"}
    o.update(xAxis={"type": "value", "name": x_name, "scale": True}, yAxis={"type": "value", "name": y_name},
             series=[{"type": "scatter", "symbolSize": 10,
                      "data": [{"name": n, "value": [round(x, 2), round(y, 2)]} for n, x, y in points]}])
    return o


def bars(names: list[str], values: list[float | None], title: str, y_name: str = "") -> dict[str, Any]:
    o = _base(title)
    o.update(xAxis={"type": "category", "data": names, "axisLabel": {"rotate": 30, "interval": 0}},
             yAxis={"type": "value", "name": y_name},
             series=[{"type": "bar", "data": [None if v is None else round(v, 3) for v in values],
                      "itemStyle": {"color": "#0b6e4f"}}])
    return o

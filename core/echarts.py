"""ECharts option builders every app's pages share: plain JSON (no functions), which
static/js/app.js hands to echarts.setOption from a json_script block (the CSP allows no inline
script). The values are computed before they get here; these functions only lay them out.

One signature per chart kind, whichever app draws it: labels first, then the values, then the
title; keyword options for what differs (an axis name, a maximum).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Option = dict[str, Any]
PALETTE = ["#0b6e4f", "#2f6fb0", "#c27c0e", "#b42318", "#6b4fa0", "#3b8686", "#8a6d3b"]
TEXT_STYLE = {"fontFamily": "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"}


def base(title: str, *, tooltip: str | None = "axis", grid: dict[str, int] | None = None) -> Option:
    """The frame every chart shares: palette, font, centred title, no animation."""
    option: Option = {"color": PALETTE, "animation": False, "textStyle": TEXT_STYLE,
                      "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}}}
    if tooltip is not None:
        option["tooltip"] = {"trigger": tooltip}
    if grid is not None:
        option["grid"] = grid
    return option


def _round(values: Sequence[float | None], digits: int) -> list[float | None]:
    return [None if v is None else round(float(v), digits) for v in values]


def bars(labels: list[str], values: Sequence[float | None], title: str, y_name: str = "", *,
         horizontal: bool = False) -> Option:
    """One bar per label; `horizontal` for long labels such as people's names."""
    category = {"type": "category", "data": labels, "axisLabel": {"rotate": 0 if horizontal else 30, "interval": 0}}
    value = {"type": "value", "name": y_name}
    option = base(title, grid={"left": 90 if horizontal else 50, "right": 20, "top": 40, "bottom": 60})
    option.update(xAxis=value if horizontal else category, yAxis=category if horizontal else value,
                  series=[{"type": "bar", "data": _round(values, 3)}])
    return option


def lines(labels: list[str], series: Sequence[tuple[str, Sequence[float | None]]], title: str,
          y_name: str = "") -> Option:
    """One line per named series over the labels (terms, exams); gaps joined over missing values."""
    option = base(title, grid={"left": 50, "right": 20, "top": 40, "bottom": 60})
    option.update(legend={"bottom": 0, "data": [name for name, _ in series]},
                  xAxis={"type": "category", "data": labels}, yAxis={"type": "value", "name": y_name},
                  series=[{"type": "line", "name": name, "data": list(values), "connectNulls": True}
                          for name, values in series])
    return option


def pie(items: Sequence[tuple[str, float]], title: str) -> Option:
    option = base(title, tooltip="item")
    option["series"] = [{"type": "pie", "radius": ["35%", "65%"],
                         "data": [{"name": name, "value": value} for name, value in items]}]
    return option


def radar(labels: list[str], series: Sequence[tuple[str, Sequence[float | None]]], title: str, *,
          max_value: float = 1.0) -> Option:
    """Each series over the same axes, all scaled to `max_value` (1 for rates, 100 for percent)."""
    option = base(title, tooltip="item")
    option.update(legend={"bottom": 0, "data": [name for name, _ in series]},
                  radar={"indicator": [{"name": label, "max": max_value} for label in labels], "radius": "60%"},
                  series=[{"type": "radar", "data": [{"name": name, "value": [round(v or 0, 3) for v in values]}
                                                     for name, values in series]}])
    return option


def boxplot(names: list[str], quantiles: Sequence[Sequence[float | None]], title: str, y_name: str = "", *,
            y_max: float | None = None) -> Option:
    """Five-number summaries [min, Q1, median, Q3, max], one box per name."""
    option = base(title, tooltip="item", grid={"left": 50, "right": 20, "top": 40, "bottom": 60})
    y_axis: Option = {"type": "value", "name": y_name}
    if y_max is not None:
        y_axis.update(min=0, max=y_max)
    option.update(xAxis={"type": "category", "data": names, "axisLabel": {"rotate": 30, "interval": 0}},
                  yAxis=y_axis,
                  series=[{"type": "boxplot", "data": [[v if v is not None else 0 for v in q] for q in quantiles]}])
    return option


def scatter(points: Sequence[tuple[str, float, float]], title: str, x_name: str, y_name: str) -> Option:
    option = base(title, tooltip="item", grid={"left": 50, "right": 20, "top": 40, "bottom": 60})
    option.update(xAxis={"type": "value", "name": x_name, "scale": True}, yAxis={"type": "value", "name": y_name},
                  series=[{"type": "scatter", "symbolSize": 10,
                           "data": [{"name": n, "value": [round(x, 2), round(y, 2)]} for n, x, y in points]}])
    return option

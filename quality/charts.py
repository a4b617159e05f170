"""ECharts options for the quality pages (rendered by static/js/app.js from json_script blocks).

The builders are core.echarts'; this module names the quality pages' own charts (the score
distribution, the schools' box plot, the trend) with their defaults. Plain dicts built from the
precomputed summary; no statistics are computed here.
"""

from __future__ import annotations

from collections.abc import Sequence

from core import echarts
from core.echarts import Option, bars, lines, radar, scatter

__all__ = ["bars", "boxplot", "distribution", "labelled_scatter", "radar", "scatter", "trend"]


def distribution(labels: list[str], counts: list[int], title: str = "分数段分布") -> Option:
    return bars(labels, [float(c) for c in counts], title, "人数")


def boxplot(names: list[str], quantiles: Sequence[Sequence[float | None]], title: str = "各校成绩箱线图") -> Option:
    return echarts.boxplot(names, quantiles, title, "分数")


def trend(x: list[str], series: Sequence[tuple[str, Sequence[float | None]]], title: str, y_name: str = "") -> Option:
    return lines(x, series, title, y_name)


def labelled_scatter(points: Sequence[tuple[str, float, float]], title: str, x_name: str, y_name: str) -> Option:
    """A scatter whose points carry their unit's name (the value-added chart: each school is
    named beside its point, overlapping labels hidden), with the zero line of "no value added"."""
    option = scatter(points, title, x_name, y_name)
    series = option["series"][0]
    series["label"] = {"show": True, "formatter": "{b}", "position": "right", "fontSize": 10}
    series["labelLayout"] = {"hideOverlap": True}
    series["markLine"] = {"silent": True, "symbol": "none", "label": {"formatter": "增值为0"},
                          "lineStyle": {"type": "dashed"}, "data": [{"yAxis": 0}]}
    return option

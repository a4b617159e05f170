"""ECharts options for the quality pages (rendered by static/js/app.js from json_script blocks).

The builders are core.echarts'; this module names the quality pages' own charts (the score
distribution, the schools' box plot, the trend) with their defaults. Plain dicts built from the
precomputed summary; no statistics are computed here.
"""

from __future__ import annotations

from collections.abc import Sequence

from core import echarts
from core.echarts import Option, bars, lines, radar, scatter

__all__ = ["bars", "boxplot", "distribution", "radar", "scatter", "trend"]


def distribution(labels: list[str], counts: list[int], title: str = "分数段分布") -> Option:
    return bars(labels, [float(c) for c in counts], title, "人数")


def boxplot(names: list[str], quantiles: Sequence[Sequence[float | None]], title: str = "各校成绩箱线图") -> Option:
    return echarts.boxplot(names, quantiles, title, "分数")


def trend(x: list[str], series: Sequence[tuple[str, Sequence[float | None]]], title: str, y_name: str = "") -> Option:
    return lines(x, series, title, y_name)

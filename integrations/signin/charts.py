"""The active-users chart, from plain rows (no ORM)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from core import echarts


class Row(Protocol):
    @property
    def unit(self) -> str: ...
    @property
    def week(self) -> dt.date: ...
    @property
    def users(self) -> int: ...


def week_starts(last: dt.date, count: int) -> list[dt.date]:
    """The Mondays of the `count` weeks ending with the one holding `last`, oldest first."""
    monday = last - dt.timedelta(days=last.weekday())
    return [monday - dt.timedelta(weeks=count - 1 - i) for i in range(count)]


def active_users_chart(rows: Sequence[Row], weeks: list[dt.date], *, top: int = 8) -> echarts.Option:
    """One line per unit (the `top` with the most active users over the weeks, the rest summed as
    “其他”), its distinct active users each week."""
    index = {w: i for i, w in enumerate(weeks)}
    per_unit: dict[str, list[float | None]] = {}
    for r in rows:
        if r.week in index:
            per_unit.setdefault(r.unit, [0.0] * len(weeks))[index[r.week]] = float(r.users)
    ranked = sorted(per_unit.items(), key=lambda kv: (-sum(v or 0 for v in kv[1]), kv[0]))
    series: list[tuple[str, Sequence[float | None]]] = list(ranked[:top])
    if len(ranked) > top:
        rest = [sum((values[i] or 0) for _, values in ranked[top:]) for i in range(len(weeks))]
        series.append(("其他", rest))
    labels = [f"{w.month}月{w.day}日" for w in weeks]
    option = echarts.lines(labels, series, "每周活跃用户（按学校）", "人")
    option["yAxis"]["minInterval"] = 1  # people come whole
    return option

"""The pure functions the observe pages present: progress and pace, score statistics, region
roll-ups. No database; reference values worked out by hand."""

from __future__ import annotations

import datetime as dt

from core.progress import BEHIND, MET, ON_PACE, bar_class, elapsed_fraction, pace_status, percent
from observe.observation_stats import dimension_rates, five_numbers, mean_or_none
from observe.quota_rollups import rollup_by_child
from observe.quotas import LeaderQuota, SchoolCoverage


def test_progress_and_pace() -> None:
    assert percent(7, 30) == 23 and percent(40, 30) == 100 and percent(0, 0) == 100
    assert percent(0, None, when_no_target=0) == 0
    assert [bar_class(v) for v in (0, 4, 5, 23, 96, 100, 130)] == ["p0", "p0", "p0", "p20", "p100", "p100", "p100"]
    start, end = dt.date(2026, 9, 1), dt.date(2026, 9, 10)
    assert elapsed_fraction(start, end, dt.date(2026, 8, 1)) == 0.0
    assert elapsed_fraction(start, end, dt.date(2026, 9, 3)) == 0.3
    assert elapsed_fraction(start, end, dt.date(2027, 1, 1)) == 1.0
    # 30 lessons, 30% of the term gone: 9 expected by now.
    assert pace_status(30, 30, 0.3) == MET
    assert pace_status(9, 30, 0.3) == ON_PACE
    assert pace_status(8, 30, 0.3) == BEHIND
    assert pace_status(0, 30, 0.03) == ON_PACE  # 0.9 of a lesson expected: nobody flagged yet


def test_score_statistics() -> None:
    assert five_numbers([1, 2, 3, 4, 5]) == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert five_numbers([10, 20, 30, 40]) == [10.0, 17.5, 25.0, 32.5, 40.0]
    assert mean_or_none([]) is None and mean_or_none([70, 81]) == 75.5
    dims_a = {"1": {"title": "目标", "score": 8, "max": 10}, "2": {"title": "方法", "score": None, "max": 20}}
    dims_b = {"1": {"title": "目标", "score": 6, "max": 10}, "2": {"title": "方法", "score": 15, "max": 20}}
    rates = dimension_rates([("通用表", dims_a, 80.0), ("通用表", dims_b, 70.0), ("LICC", {}, 1.0)])
    assert rates is not None and rates.template == "通用表" and rates.lessons == 2
    assert rates.rates == {"目标": [80.0, 60.0], "方法": [75.0]} and rates.means() == [70.0, 75.0]
    assert rates.totals == [80.0, 70.0]
    assert dimension_rates([]) is None


def _school(path: str, teachers: int, observed: int) -> SchoolCoverage:
    return SchoolCoverage(0, "", "", teachers, observed, 100.0, 50.0, BEHIND, [], path)


def _leader(path: str, count: int, status: str) -> LeaderQuota:
    return LeaderQuota(0, "", "", 0, "", "", "LEAD.OBSERVE_HEAD", "校领导", count, 30.0, 9.0, status, path)


def test_rollup_by_child_county() -> None:
    schools = [_school("14/1401/140105/A1/", 10, 4), _school("14/1401/140105/A2/", 5, 5),
               _school("14/1401/140106/B1/", 0, 0)]
    leaders = [_leader("14/1401/140105/A1/", 30, MET), _leader("14/1401/140105/A2/", 2, BEHIND)]
    rows = rollup_by_child(schools, leaders, 2)
    assert [r.path for r in rows] == ["14/1401/140105/", "14/1401/140106/"]
    a, b = rows
    assert (a.schools, a.teachers, a.observed, a.leaders, a.behind, a.met) == (2, 15, 9, 2, 1, 1)
    assert a.coverage == 60.0 and b.coverage == 100.0

"""liaison.rules without a database, against hand-computed values."""

from __future__ import annotations

import datetime as dt

from liaison import rules


def test_school_years() -> None:
    assert rules.school_year_of(dt.date(2026, 9, 1)) == 2026
    assert rules.school_year_of(dt.date(2027, 8, 31)) == 2026
    assert rules.school_years_spanned(dt.date(2026, 9, 1), dt.date(2028, 7, 15)) == 2
    assert rules.school_years_spanned(dt.date(2026, 9, 1), dt.date(2028, 9, 1)) == 3
    assert rules.school_years_spanned(dt.date(2026, 9, 1), dt.date(2026, 8, 1)) == 0


def test_default_phases_keep_the_calendar() -> None:
    check = rules.round_check(rules.default_phases(2026))
    assert check.years == 2 and check.problems == [] and check.meets(2)
    assert not check.meets(3)


def test_round_check_names_each_departure() -> None:
    p = rules.Phases(2026, dt.date(2026, 6, 1), dt.date(2026, 9, 15), dt.date(2026, 10, 1), dt.date(2028, 6, 30),
                     dt.date(2028, 9, 1), dt.date(2028, 9, 10))
    problems = rules.round_check(p).problems
    assert problems == ["准备阶段应在2026年6月至8月", "落实阶段应从2026年9月开始", "落实阶段应到2028年7月结束",
                        "总结阶段应在2028年7月至8月"]


def test_phase_of_a_day() -> None:
    p = rules.default_phases(2026)
    assert rules.current_phase(p, dt.date(2026, 5, 31)) == "before"
    assert rules.current_phase(p, dt.date(2026, 7, 1)) == "preparation"
    assert rules.current_phase(p, dt.date(2027, 3, 1)) == "implementation"
    assert rules.current_phase(p, dt.date(2028, 8, 1)) == "summary"
    assert rules.current_phase(p, dt.date(2028, 9, 1)) == "after"


def test_level_pairing() -> None:
    assert rules.level_problem("province", "county", "", False) is None
    assert rules.level_problem("province", "school", "rural", False) == "省级应联系县（区）"
    assert rules.level_problem("city", "school", "town", False) is None
    assert rules.level_problem("city", "school", "urban", False) == "市级应联系乡镇学校"
    assert rules.level_problem("county", "school", "rural", False) is None
    assert rules.level_problem("county", "school", "town", True) is None
    assert rules.level_problem("county", "school", "town", False) == "县级应联系乡村学校或教学点"


def test_working_days_count_weekdays_once() -> None:
    mon = dt.date(2026, 10, 12)
    assert rules.working_days([(mon, 1.0), (mon, 1.0)]) == 1.0  # two schools the same day
    assert rules.working_days([(mon, 0.5), (mon, 0.5), (mon + dt.timedelta(days=1), 0.5)]) == 1.5
    assert rules.working_days([(dt.date(2026, 10, 17), 1.0)]) == 0.0  # Saturday

"""growth.rules without a database, against hand-computed values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from growth import rules


def test_training_year_is_the_calendar_year_the_term_starts_in() -> None:
    assert rules.training_year(dt.date(2026, 9, 1)) == 2026
    assert rules.training_year(dt.date(2026, 2, 20)) == 2026
    assert rules.year_bounds(2026) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_hours_sum_per_person_and_standing_against_72() -> None:
    hours = rules.hours_by_person([(1, Decimal("24")), (2, 1.5), (1, Decimal("47.5")), (2, 70)])
    assert hours == {1: Decimal("71.5"), 2: Decimal("71.5")}
    short = rules.hours_standing(hours[1], 72)
    assert not short.meets and short.short_by == Decimal("0.5")
    assert short.detail == "已完成71.5学时，还差0.5学时"
    edge = rules.hours_standing(Decimal("72"), 72)
    assert edge.meets and edge.short_by == 0 and edge.detail == "已完成72学时"


def test_rotation_clock_from_post_start_due_a_year_before_overdue_after_five_years() -> None:
    start = dt.date(2020, 9, 1)
    assert rules.rotation_standing(start, [], dt.date(2024, 8, 31)).state == rules.NOT_DUE
    due = rules.rotation_standing(start, [], dt.date(2025, 3, 1))
    assert due.state == rules.DUE and due.meets and due.reached_on == dt.date(2025, 9, 1)
    # Exactly five years: the duty falls due that day, and with no stint it is missed.
    edge = rules.rotation_standing(start, [], dt.date(2025, 9, 1))
    assert edge.state == rules.OVERDUE and not edge.meets and edge.reached_on == dt.date(2025, 9, 1)
    day_before = rules.rotation_standing(start, [], dt.date(2025, 8, 31))
    assert day_before.state == rules.DUE and day_before.meets
    assert rules.rotation_standing(None, [], dt.date(2025, 8, 31)).state == rules.NO_START


def test_a_school_year_in_a_school_restarts_the_clock_a_short_stint_does_not() -> None:
    start = dt.date(2015, 9, 1)
    year = (dt.date(2021, 9, 1), dt.date(2022, 7, 10))  # 312 days: a school year
    term = (dt.date(2021, 9, 1), dt.date(2022, 1, 20))  # one semester
    assert rules.school_years_of(*year) == 1 and rules.school_years_of(*term) == 0
    after = rules.rotation_standing(start, [year], dt.date(2026, 12, 3))
    assert after.state == rules.DUE and after.reached_on == dt.date(2027, 7, 10)
    assert rules.rotation_standing(start, [term], dt.date(2026, 12, 3)).state == rules.OVERDUE
    during = rules.rotation_standing(start, [(dt.date(2026, 9, 1), dt.date(2027, 7, 10))], dt.date(2026, 12, 3))
    assert during.state == rules.IN_SCHOOL and during.meets


def test_duty_coverage_and_range() -> None:
    assert rules.DutyStanding(2, 1).short == 1 and not rules.DutyStanding(2, 1).meets
    assert rules.DutyStanding(1, 3).meets and rules.DutyStanding(1, 3).short == 0
    assert rules.coverage_percent(3, 8) == 37.5 and rules.coverage_percent(0, 0) == 0.0
    assert [rules.within(n, 2, 3) for n in (1, 2, 3, 4)] == [False, True, True, False]
    assert rules.range_detail(1, 2, 3) == "1所，少于2所" and rules.range_detail(4, 2, 3) == "4所，多于3所"
    assert rules.range_detail(2, 2, 3) == "2所"

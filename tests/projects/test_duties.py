"""The research duty by title (projects.duties, 004 (二)4), without a database."""

from __future__ import annotations

import datetime as dt

from projects import duties as d
from projects.duties import ProjectSpan

TODAY = dt.date(2026, 12, 3)


def test_titles_map_to_the_three_duties() -> None:
    assert d.duty_for_title("zhenggao") == d.SENIOR_CODE
    assert d.duty_for_title("gaoji") == d.SENIOR_CODE
    assert d.duty_for_title("yiji") == d.FIRST_CODE
    for title in ("erji", "sanji", "none"):
        assert d.duty_for_title(title) == d.JUNIOR_CODE


def test_the_window_is_five_years_to_the_day() -> None:
    assert d.window_start(TODAY) == dt.date(2021, 12, 3)
    assert d.window_start(dt.date(2028, 2, 29)) == dt.date(2023, 2, 28)
    ended_on_edge = ProjectSpan("school", dt.date(2019, 9, 1), dt.date(2021, 12, 3))
    ended_day_before = ProjectSpan("school", dt.date(2019, 9, 1), dt.date(2021, 12, 2))
    assert d.counts_toward(d.JUNIOR_CODE, ended_on_edge, TODAY)
    assert not d.counts_toward(d.JUNIOR_CODE, ended_day_before, TODAY)
    # Still running since long before the window: it reaches into it.
    assert d.counts_toward(d.FIRST_CODE, ProjectSpan("school", dt.date(2015, 3, 1), None), TODAY)


def test_senior_teachers_need_a_county_project() -> None:
    school = ProjectSpan("school", dt.date(2025, 3, 1), None)
    county = ProjectSpan("county", dt.date(2025, 3, 1), None)
    national = ProjectSpan("national", dt.date(2025, 3, 1), None)
    assert not d.counts_toward(d.SENIOR_CODE, school, TODAY)
    assert d.counts_toward(d.SENIOR_CODE, county, TODAY) and d.counts_toward(d.SENIOR_CODE, national, TODAY)
    assert d.counts_toward(d.FIRST_CODE, school, TODAY) and d.counts_toward(d.JUNIOR_CODE, school, TODAY)
    assert d.duty_count(d.SENIOR_CODE, [school, county, national], TODAY) == 2


def test_unapproved_withdrawn_and_future_projects_do_not_count() -> None:
    assert not d.counts_toward(d.JUNIOR_CODE, ProjectSpan("city", None, None), TODAY)
    assert not d.counts_toward(d.JUNIOR_CODE, ProjectSpan("city", dt.date(2025, 1, 1), None, withdrawn=True), TODAY)
    assert not d.counts_toward(d.JUNIOR_CODE, ProjectSpan("city", dt.date(2027, 1, 1), None), TODAY)

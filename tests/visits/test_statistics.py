"""Yearly visit statistics (001 一(一)) from plain rows, without a database."""

from __future__ import annotations

from visits.statistics import StopRow, table_rows, year_stats

AFF = {"province_direct": "省直属", "city_direct": "市直属", "county": "区县属", "private": "民办"}


def _rows() -> list[StopRow]:
    return [
        # Visit 1 (collective): a city-direct high school on two days (one 校次), a county primary.
        StopRow(1, True, 10, "senior", "city_direct", False, False),
        StopRow(1, True, 10, "senior", "city_direct", False, False),
        StopRow(1, True, 11, "primary", "county", True, True),
        # Visit 2 (collective): the same primary again, a private junior, a kindergarten.
        StopRow(2, True, 11, "primary", "county", True, True),
        StopRow(2, True, 12, "junior", "private", False, False),
        StopRow(2, True, 13, "kindergarten", "", False, False),
        # Visit 3 (individual): another school; covered, but no 校次 of a collective visit.
        StopRow(3, False, 14, "primary", "county", True, False),
    ]


def test_school_visits_by_stage_and_affiliation() -> None:
    s = year_stats(year=2026, institution="小店区教研室", stops=_rows(), lessons=120, reports=2,
                   affiliation_labels=AFF, schools_total=10, rural_total=4, weak_total=2)
    assert s.collective_visits == 2 and s.individual_visits == 1
    assert s.school_visits == 5
    assert s.by_stage == [("中学", 2), ("小学", 2), ("幼儿园", 1)]
    assert s.by_affiliation == [("市直属", 1), ("区县属", 2), ("民办", 1), ("未填隶属关系", 1)]
    assert (s.schools_covered, s.kindergartens_covered, s.rural_covered, s.weak_covered) == (4, 1, 2, 1)
    assert s.summary.startswith("2026学年小店区教研室共组织集体视导2次（中学集体视导2校次，小学集体视导2校次）")
    assert "对1所幼儿园进行教学视导" in s.summary and "共听评课120节，形成视导报告2份" in s.summary
    rows = dict(table_rows(s))
    assert rows["覆盖中小学（所）"] == "4/10" and rows["覆盖乡村学校（所）"] == "2/4"
    assert rows["　民办（校次）"] == "1"


def test_empty_year() -> None:
    s = year_stats(year=2026, institution="x", stops=[], lessons=0, reports=0, affiliation_labels=AFF)
    assert s.collective_visits == 0 and s.by_stage == [] and s.schools_covered == 0
    assert "共听评课0节" in s.summary

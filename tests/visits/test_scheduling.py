"""The pure scheduling rules: clashes of a visit day and the weekly pattern (WEEK.PATTERN)."""

from __future__ import annotations

import datetime as dt

from visits.scheduling import Clash, clashes, pattern_conflict, pattern_message, visit_days

MON = dt.date(2026, 10, 12)
TUE = dt.date(2026, 10, 13)
PATTERN = {"1": "visit", "2": "subject_activity", "3": "visit", "4": "subject_activity", "5": "office"}


def test_a_member_on_another_visit_the_same_day_clashes() -> None:
    found = clashes(date=MON, visit_id=1, school_id=10, member_ids=[7, 8],
                    member_days=[(7, "张文华", MON, 2, "城区视导"), (8, "刘晓燕", TUE, 3, "农村视导")],
                    school_days=[])
    assert found == [Clash("member", MON, 7, "张文华", 2, "城区视导")]
    assert "张文华" in found[0].message and "城区视导" in found[0].message and "10月12日" in found[0].message


def test_a_school_visited_twice_the_same_day_clashes() -> None:
    found = clashes(date=MON, visit_id=1, school_id=10, member_ids=[],
                    member_days=[], school_days=[(10, "小店第一中学", MON, 4, "市级视导"),
                                                 (11, "北格镇中心小学", MON, 5, "区级视导")])
    assert [(c.kind, c.subject_name, c.other_visit_id) for c in found] == [("school", "小店第一中学", 4)]
    assert "同一所学校同一天" in found[0].message


def test_the_visit_itself_and_people_off_the_team_do_not_clash() -> None:
    assert clashes(date=MON, visit_id=1, school_id=10, member_ids=[7],
                   member_days=[(7, "张文华", MON, 1, "本次"), (9, "王建国", MON, 2, "别的")],
                   school_days=[(10, "小店第一中学", MON, 1, "本次")]) == []


def test_each_person_is_named_once_per_other_visit() -> None:
    found = clashes(date=MON, visit_id=1, school_id=None, member_ids=[7],
                    member_days=[(7, "张文华", MON, 2, "城区视导"), (7, "张文华", MON, 2, "城区视导"),
                                 (7, "张文华", MON, 3, "另一项")], school_days=[(10, "x", MON, 2, "y")])
    assert [c.other_visit_id for c in found] == [2, 3]


def test_pattern_conflict_on_subject_activity_days_only() -> None:
    assert pattern_conflict(MON, PATTERN) is None
    assert pattern_conflict(TUE, PATTERN) == "subject_activity"
    assert pattern_conflict(dt.date(2026, 10, 16), PATTERN) == "office"
    assert pattern_conflict(dt.date(2026, 10, 17), PATTERN) is None  # Saturday: not set
    assert pattern_conflict(TUE, {}) is None
    assert "周二" in pattern_message(TUE, "subject_activity") and "学科教研活动" in pattern_message(TUE, "subject_activity")
    assert visit_days(PATTERN) == [1, 3]

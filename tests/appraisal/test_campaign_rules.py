"""The campaign engine's plain rules, without a database: levels by cut-offs, ranks with ties,
the objection window, stage and cut-off parsing, the GROUP.AWARDS two-year window, and the
pre-fill of the 教研组 rubric and the value-added indicator."""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal import campaign_rules as rules
from appraisal.campaign_prefill_rules import GroupFacts, group_prefill, value_added_points
from core.errors import DomainError


def test_levels_by_the_default_cutoffs_are_inclusive() -> None:
    c = rules.DEFAULT_CUTOFFS
    assert [rules.level_for(x, c) for x in (100, 90, 89.99, 80, 60, 59.5, 0)] == [
        "优秀", "优秀", "良好", "良好", "合格", "待改进", "待改进"]


def test_competition_ranks_share_a_place_and_skip_the_next() -> None:
    assert rules.ranks({1: 90.0, 2: 95.0, 3: 90.0, 4: 70.0, 5: None}) == {2: 1, 1: 2, 3: 2, 4: 4}


def test_the_objection_window_counts_calendar_days_after_publication() -> None:
    day = dt.date(2027, 1, 16)
    assert rules.objection_deadline(day, 7) == dt.date(2027, 1, 23)
    assert rules.objection_open(day, 7, dt.date(2027, 1, 23))
    assert not rules.objection_open(day, 7, dt.date(2027, 1, 24))
    assert not rules.objection_open(day, 7, dt.date(2027, 1, 15))
    assert not rules.objection_open(None, 7, day)


def test_stages_are_typed_one_a_line_and_self_comes_first() -> None:
    stages = rules.parse_stages("self 自评 self\nschool 学校评价 school\ncity 市级复评 assigned\n")
    assert [s["key"] for s in stages] == ["self", "school", "city"]
    assert rules.stages_text(stages).splitlines()[2] == "city 市级复评 assigned"
    with pytest.raises(DomainError, match="自评只能是第一个环节"):
        rules.parse_stages("school 学校 school\nself 自评 self")
    with pytest.raises(DomainError, match="第1行：评审方"):
        rules.parse_stages("x 区县 county")
    with pytest.raises(DomainError, match="不能重复"):
        rules.parse_stages("a 一 assigned\na 二 assigned")


def test_cutoffs_are_parsed_highest_first() -> None:
    assert rules.parse_cutoffs("优秀 85，良好 75，合格 60") == [
        {"label": "优秀", "min": 85}, {"label": "良好", "min": 75}, {"label": "合格", "min": 60}]
    with pytest.raises(DomainError, match="从高到低"):
        rules.parse_cutoffs("合格 60，优秀 90")
    with pytest.raises(DomainError, match="不是分数"):
        rules.parse_cutoffs("优秀 九十")


def test_next_stage_is_the_first_not_submitted() -> None:
    st = rules.DEFAULT_STAGES["group"]
    assert rules.next_stage(st, set())["key"] == "self"  # type: ignore[index]  # a stage is found
    assert rules.next_stage(st, {"self"})["key"] == "school"  # type: ignore[index]  # a stage is found
    assert rules.next_stage(st, {"self", "school", "district"}) is None


def test_a_selection_is_in_force_for_two_years() -> None:
    as_of = dt.date(2027, 1, 20)
    assert rules.selection_in_force(dt.date(2025, 1, 21), as_of)
    assert not rules.selection_in_force(dt.date(2025, 1, 20), as_of)
    assert not rules.selection_in_force(dt.date(2027, 1, 21), as_of)
    assert not rules.selection_in_force(None, as_of)
    assert rules.selection_in_force(dt.date(2026, 3, 1), dt.date(2028, 2, 29))
    assert not rules.selection_in_force(dt.date(2026, 2, 28), dt.date(2028, 2, 29))


def test_group_prefill_from_the_records() -> None:
    f = GroupFacts(development_plans=1, mentor_pairs=0, institutions=7, prep_sessions=3, fortnights_met=6,
                   fortnights_elapsed=8, projects=1, resources=4, awards=9, journals=2)
    p = group_prefill(f)
    assert {k: v["value"] for k, v in p.items()} == {
        "1.2.1": 1.5, "2.1.1": 5, "3.1.1": 6, "4.1.1": 4.5, "4.2.1": 1.5, "5.1.1": 4, "8.1.2": 5, "9.3.1": 2}
    assert p["4.1.1"]["source"] == "集中教研：8个两周中6个已开展"
    empty = group_prefill(GroupFacts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert empty["4.1.1"] == {"value": 0.0, "source": "集中教研：尚无已结束的两周"}


def test_value_added_points_scale_two_standard_errors_each_way() -> None:
    assert value_added_points(0.0, 1.5, 20) == 10
    assert value_added_points(3.0, 1.5, 20) == 20  # +2 SE
    assert value_added_points(9.0, 1.5, 20) == 20  # capped
    assert value_added_points(-1.5, 1.5, 20) == 5  # −1 SE
    assert value_added_points(None, 1.5, 20) is None
    assert value_added_points(1.0, None, 20) is None

"""The pure governance computations: spending shares against the floors of 004 四(三) worked out
by hand, and a plan's completion rolled up by level (appraisal.funding, appraisal.supervision)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from appraisal import funding, supervision

D = Decimal


def test_floors_are_the_clause_s_figures() -> None:
    # 004 四(三): 培训 5%, 仪器设备和图书 10%, 教学业务 35% of the yearly public funds.
    assert [(c.code, c.floor) for c in funding.CATEGORIES] == [
        ("FUND.TRAINING", 5), ("FUND.EQUIPMENT", 10), ("FUND.TEACHING", 35)]


def test_share_rounds_half_up_to_one_decimal() -> None:
    # 12,345 of 250,000 is 4.938% -> 4.9%; 1,125 of 10,000 is 11.25% -> 11.3% (half up).
    assert funding.share(D("12345"), D("250000")) == D("4.9")
    assert funding.share(D("1125"), D("10000")) == D("11.3")


def test_meets_floor_is_exact_not_rounded() -> None:
    # 5% of 200,000 is 10,000: exactly the floor meets; one fen less falls short although its
    # rounded share still reads 5.0%.
    assert funding.meets_floor(D("10000"), D("200000"), 5)
    assert funding.share(D("9999.99"), D("200000")) == D("5.0")
    assert not funding.meets_floor(D("9999.99"), D("200000"), 5)
    assert funding.shortfall(D("9999.99"), D("200000"), 5) == D("0.01")
    # 35% of 1,000,000 is 350,000: 320,000 is 30,000 short.
    assert funding.shortfall(D("320000"), D("1000000"), 35) == D("30000.00")
    assert funding.shortfall(D("400000"), D("1000000"), 35) == 0


def test_amount_problems_name_the_field() -> None:
    ok = {"training": D("1"), "equipment": D("2"), "teaching": D("3")}
    assert funding.amount_problems(D("100"), ok) == []
    assert funding.amount_problems(D("0"), ok)[0][0] == "public_funds"
    assert funding.amount_problems(D("100"), ok | {"equipment": D("-1")}) == [("equipment", "仪器设备、图书经费：不能为负数")]
    assert funding.amount_problems(D("100"), ok | {"teaching": None})[0][0] == "teaching"
    over = funding.amount_problems(D("5"), ok)
    assert over[0][0] == "public_funds" and "超过年度公用经费" in over[0][1]


def test_spending_year_is_the_calendar_year_the_term_starts_in() -> None:
    assert funding.spending_year(dt.date(2026, 9, 1)) == 2026
    assert funding.spending_year(dt.date(2027, 2, 20)) == 2027


def _t(item: int, level: str, name: str, done: bool, due: dt.date = dt.date(2026, 11, 30)) -> supervision.TaskIn:
    return supervision.TaskIn(item, level, name, done, due)


def test_plan_tree_rolls_up_each_item_by_level_and_names_the_overdue() -> None:
    items = [supervision.ItemIn(1, None, "学科视导", "市", dt.date(2026, 11, 30)),
             supervision.ItemIn(2, None, "教研组评价", "市", dt.date(2026, 12, 20)),
             supervision.ItemIn(3, 1, "农村学校视导", "甲县", dt.date(2026, 11, 30))]
    tasks = [_t(1, "county", "甲县", True), _t(1, "county", "乙县", False),
             _t(1, "school", "一中", True), _t(1, "school", "二小", True), _t(1, "school", "三小", False),
             _t(3, "school", "一中", False, dt.date(2026, 12, 31))]
    tree = supervision.plan_tree(items, tasks, today=dt.date(2026, 12, 3))
    assert [i.text for i in tree] == ["学科视导", "教研组评价"]
    first = tree[0]
    county, school = first.levels
    assert (county.label, county.done, county.total, county.percent, county.overdue) == ("县级", 1, 2, 50, ["乙县"])
    assert (school.done, school.total, school.percent, school.overdue) == (2, 3, 67, ["三小"])
    assert (first.done, first.total, first.percent) == (3, 5, 60)
    # The county's own sub-item hangs under the item, not yet overdue (due at year end).
    assert [c.text for c in first.children] == ["农村学校视导"]
    assert first.children[0].levels[0].overdue == []
    assert tree[1].levels == [] and tree[1].percent == 0
    totals = supervision.plan_totals(tasks, dt.date(2026, 12, 3))
    assert [(lv.level, lv.done, lv.total) for lv in totals] == [("county", 1, 2), ("school", 2, 4)]


def test_staffing_counts_a_person_once_per_subject_and_stage() -> None:
    posts = [(1, "数学", "初中", True), (1, "数学", "初中", False), (2, "数学", "初中", False),
             (3, "语文", "小学", True), (4, "", "", False)]
    rows = supervision.staffing_table(posts)
    assert [(r.subject, r.stage, r.full_time, r.part_time) for r in rows] == [
        ("数学", "初中", 1, 1), ("语文", "小学", 1, 0), ("（不分学科）", "（不分学段）", 0, 1)]

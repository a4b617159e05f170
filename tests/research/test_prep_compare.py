"""Side-by-side comparison of two plan versions (research.prep_compare), against hand-read diffs."""

from __future__ import annotations

from research.prep_compare import change_counts, paragraphs, side_by_side


def test_changed_added_and_removed_paragraphs_line_up() -> None:
    old = "一、教学目标\n理解分数的意义\n\n二、重点\n单位“1”\n三、作业\n练习一"
    new = "一、教学目标\n理解分数的意义，会用分数表示\n二、重点\n单位“1”\n三、作业"
    rows = side_by_side(old, new)
    assert [(r.tag, r.left, r.right) for r in rows] == [
        ("equal", "一、教学目标", "一、教学目标"),
        ("replace", "理解分数的意义", "理解分数的意义，会用分数表示"),
        ("equal", "二、重点", "二、重点"),
        ("equal", "单位“1”", "单位“1”"),
        ("equal", "三、作业", "三、作业"),
        ("delete", "练习一", ""),
    ]
    assert rows[5].left_no == 6 and rows[5].right_no is None
    assert change_counts(rows) == {"equal": 4, "replace": 1, "delete": 1, "insert": 0}


def test_insertion_and_blank_lines() -> None:
    assert paragraphs("a\n\n  \nb ") == ["a", "b"]
    rows = side_by_side("a\nb", "a\nx\nb")
    assert [(r.tag, r.right_no) for r in rows] == [("equal", 1), ("insert", 2), ("equal", 3)]

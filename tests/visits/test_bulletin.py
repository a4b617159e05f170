"""The 通报 draft of a school's own check, from plain rows (no database)."""

from __future__ import annotations

from visits.bulletin import CheckRow, draft_sections

ROWS: list[CheckRow | dict[str, str]] = [
    CheckRow("何静", "lesson_plan", "excellent", "教案详实，二次备课有批注", ""),
    CheckRow("冯志刚", "lesson_plan", "good", "", ""),
    CheckRow("郑红梅", "marking", "fail", "", "作业批改只打勾，无评语无订正"),
    {"teacher": "吴海燕", "item": "homework", "level": "pass", "strengths": "", "problems": "作业量偏大"},
    {"teacher": "何静", "item": "marking", "level": "good", "strengths": "批改及时", "problems": ""},
]


def test_sections_name_good_and_bad_examples() -> None:
    s = draft_sections(ROWS, school="小店第一中学", period="2026年12月")
    assert set(s) == {"overview", "strengths", "problems", "suggestions"}
    assert s["overview"].startswith("小店第一中学2026年12月开展了教学常规检查，共检查4位教师")
    assert "合计5项" in s["overview"]
    # Levels: 1 excellent + 2 good of 5 rated is 60% good-or-better.
    assert "优秀1项，良好2项，合格1项，需改进1项，优良率60%" in s["overview"]
    assert "教案：何静表现突出，教案详实，二次备课有批注" in s["strengths"]
    assert "作业批改：何静表现突出，批改及时" in s["strengths"]
    assert "作业批改：郑红梅评定为需改进，作业批改只打勾，无评语无订正" in s["problems"]
    assert "作业布置：作业量偏大" in s["problems"]
    assert "冯志刚" not in s["problems"]
    assert s["suggestions"].startswith("1. 作业做到全批全改")
    assert "两周内完成整改" in s["suggestions"]


def test_no_problems_and_no_records() -> None:
    s = draft_sections([CheckRow("何静", "homework", "excellent", "分层作业设计好", "")], school="北格镇中心小学")
    assert s["problems"] == "本次检查未发现明显问题。"
    assert "展评交流" in s["suggestions"]
    empty = draft_sections([], school="北格镇中心小学")
    assert "尚无检查记录" in empty["overview"] and empty["strengths"] == ""


def test_many_names_are_shortened() -> None:
    rows = [CheckRow(f"教师{n}", "homework", "fail", "", "") for n in range(12)]
    s = draft_sections(rows)
    assert "教师0、教师1" in s["problems"] and "等12位教师评定为需改进" in s["problems"]

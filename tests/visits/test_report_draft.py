"""The visit report's drafting from plain figures (no database)."""

from __future__ import annotations

import datetime as dt

from visits.report_draft import (
    Dimension,
    Lesson,
    Rectification,
    ReportFigures,
    check_table,
    default_title,
    draft_sections,
    lesson_table,
)


def _figures(**kw: object) -> ReportFigures:
    lessons = [Lesson("初中", "七年级", "数学")] * 3 + [Lesson("小学", "三年级", "语文")] * 2 + \
        [Lesson("初中", "八年级", "英语")]
    base: dict[str, object] = dict(
        title="2026年秋季教学视导", organiser="小店区教研室", start=dt.date(2026, 10, 12), end=dt.date(2026, 10, 14),
        kind="诊断性视导", mode="集体视导", schools=["小店第一中学", "北格镇中心小学"], team_size=8, lessons=lessons,
        dimensions=[Dimension("教学目标", 8.5, 10, 5), Dimension("学生活动", 6.0, 10, 5)],
        checks=[("教案", "优秀"), ("教案", "合格"), ("作业批改", "需改进")],
        strengths=["教研组集体备课扎实", "教研组集体备课扎实", "课堂常规规范"],
        problems=["作业批改不及时"],
        rectifications=[Rectification("北格镇中心小学", "作业批改不及时", "建立作业批改周检制度", "教导处",
                                      dt.date(2026, 12, 1))])
    base.update(kw)
    return ReportFigures(**base)  # type: ignore[arg-type]


def test_lessons_grouped_by_stage_grade_subject_in_stage_order() -> None:
    rows = lesson_table(_figures().lessons)
    assert rows == [("小学", "三年级", "语文", 2), ("初中", "七年级", "数学", 3), ("初中", "八年级", "英语", 1)]


def test_sections_carry_the_figures_in_chinese() -> None:
    s = draft_sections(_figures())
    assert set(s) == {"overview", "seen", "strengths", "problems", "suggestions"}
    assert "2026年10月12日至10月14日" in s["overview"] and "8人视导组" in s["overview"]
    assert "诊断性视导" in s["overview"] and "小店第一中学、北格镇中心小学" in s["overview"]
    assert "共听课6节" in s["seen"] and "小学2节、初中4节" in s["seen"] and "数学3节" in s["seen"]
    assert "教学目标8.5分（满分10）" in s["seen"] and "“学生活动”相对薄弱" in s["seen"]
    assert "抽查常规资料3份" in s["seen"] and "教案2份（优秀1份、合格1份）" in s["seen"]
    # Repeated strengths appear once, numbered in the bureaus' 一是…二是… style.
    assert s["strengths"] == "一是教研组集体备课扎实。\n二是课堂常规规范。"
    assert s["problems"] == "一是作业批改不及时。"
    assert "建立作业批改周检制度" in s["suggestions"] and "所列1项问题逐项整改" in s["suggestions"]


def test_empty_visit_drafts_prompts_not_figures() -> None:
    s = draft_sections(_figures(lessons=[], dimensions=[], checks=[], strengths=[], problems=[], rectifications=[]))
    assert "本次未记录听课" in s["seen"]
    assert "请补充" in s["strengths"] and "请填写" in s["suggestions"]


def test_school_check_is_a_notice() -> None:
    f = _figures(school_check=True, organiser="小店第一中学", title="期中教学常规检查")
    assert default_title(f) == "小店第一中学关于期中教学常规检查的常规检查通报"
    assert "组织教研组长" in draft_sections(f)["overview"]
    assert default_title(_figures()) == "小店区教研室2026年秋季教学视导的反馈报告"


def test_check_table_counts_levels_per_item() -> None:
    assert check_table([("教案", "优秀"), ("作业", ""), ("教案", "优秀")]) == [
        ("教案", {"优秀": 2}, 2), ("作业", {"未评定": 1}, 1)]

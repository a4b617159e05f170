"""The sections of an institution's yearly report and their first draft, in Chinese, in the words
001 uses ("2023年度中学集体视导32校次 …… 共听评课4365节，形成视导调研报告44份，开展教研活动327次").

No Django here: the draft is written from a `YearFigures`; the institution edits every section
before it issues the report. A section whose records hold nothing says so (暂无数据) rather than
inventing a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping

from appraisal.yearly_figures import YearFigures, _num

SECTION_KEYS = ("overview", "visits", "activities", "competitions", "training", "talent", "projects", "quality",
                "problems", "plans")
SECTION_TITLES = {
    "overview": "总体情况",
    "visits": "下校视导与听评课",
    "activities": "教研活动",
    "competitions": "教学竞赛",
    "training": "教师培训",
    "talent": "人才培养与名师工作室",
    "projects": "课题研究",
    "quality": "质量监测",
    "problems": "问题发现与整改",
    "plans": "下一步工作打算",
}
NO_DATA = "暂无数据。"
SECTION_MAX = 5000  # characters per section


def _join(pairs: list[tuple[str, int]], unit: str) -> str:
    return "、".join(f"{label}{n}{unit}" for label, n in pairs)


def draft_sections(f: YearFigures) -> dict[str, str]:
    """One paragraph (or 暂无数据) per section, from the figures."""
    y = f"{f.year}年度"
    s: dict[str, str] = {}
    s["overview"] = (f"{y}，{f.institution}坚持服务学校教育教学，开展下校视导{f.school_visits}校次，"
                     f"听评课{f.lessons_observed}节，形成视导报告{f.visit_reports}份，开展教研活动{f.activities}次，"
                     f"组织教学竞赛{sum(c[1] for c in f.competitions)}场次，培训教师{f.training_people}人，"
                     f"立项课题{f.projects_approved}项，组织质量监测{f.exams}场次。")
    if f.collective_visits or f.individual_visits or f.lessons_observed:
        text = f"{y}共组织集体视导{f.collective_visits}次、{f.school_visits}校次"
        if f.visits_by_stage:
            text += f"（{_join(f.visits_by_stage, '校次')}）"
        if f.individual_visits:
            text += f"，个人视导{f.individual_visits}次"
        if f.visits_by_affiliation:
            text += f"；按学校隶属关系：{_join(f.visits_by_affiliation, '校次')}"
        text += f"；覆盖中小学{f.schools_covered}所"
        if f.kindergartens_covered:
            text += f"，对{f.kindergartens_covered}所幼儿园进行教学视导"
        text += f"。视导中听评课{f.visit_lessons}节，全年共听评课{f.lessons_observed}节"
        if f.lessons_by_stage:
            text += f"（{_join(f.lessons_by_stage, '节')}）"
        text += f"，形成视导调研报告{f.visit_reports}份。"
        s["visits"] = text
    else:
        s["visits"] = NO_DATA
    if f.activities:
        text = f"{y}开展教研活动{f.activities}次"
        if f.activities_by_form:
            text += f"，其中{_join(f.activities_by_form, '次')}"
        text += f"，参与教师{f.activity_attendance}人次。"
        s["activities"] = text
    else:
        s["activities"] = NO_DATA
    if f.competitions:
        held = sum(c[1] for c in f.competitions)
        entrants = sum(c[2] for c in f.competitions)
        awards = sum(c[3] for c in f.competitions)
        per_level = "、".join(f"{c[0]}{c[1]}场次" for c in f.competitions if c[1])
        s["competitions"] = (f"{y}开展课堂教学、教学设计、命题等业务竞赛{held}场次"
                             + (f"（{per_level}）" if per_level else "")
                             + f"，参赛教师{entrants}人，获奖{awards}人次，以赛促教，以赛促升。")
    else:
        s["competitions"] = NO_DATA
    if f.training_people:
        per_level = "、".join(f"{lv}{n}人" for lv, _s, n in f.training_by_level)
        s["training"] = (f"{y}组织和参加培训项目{f.training_sessions}个，共培训教师{f.training_people}人"
                         + (f"（{per_level}）" if per_level else "")
                         + f"，累计{_num(f.training_hours)}学时。")
    else:
        s["training"] = NO_DATA
    if f.programmes or f.studios:
        parts = []
        if f.programmes:
            parts.append("实施" + "、".join(f"“{name}”（在培{m}人）" for name, _lv, m, _q in f.programmes))
        if f.studios:
            parts.append(f"建设名师工作室{f.studios}个"
                         + (f"（{_join(f.studios_by_level, '个')}）" if f.studios_by_level else ""))
        s["talent"] = f"{y}" + "，".join(parts) + "，充分发挥名师团队的“传、帮、带”作用。"
    else:
        s["talent"] = NO_DATA
    total = f.projects_total
    if any(total):
        cols = "，".join(f"{label}{n}项" for label, n in zip(f.project_columns, total, strict=False) if n)
        s["projects"] = (f"{y}课题研究：{cols}"
                         + (f"；按学段：{_join(f.projects_by_stage, '项')}" if f.projects_by_stage else "") + "。")
    else:
        s["projects"] = NO_DATA
    if f.exams:
        s["quality"] = (f"{y}组织质量监测与统一考试{f.exams}场次（{_join(f.exams_by_kind, '场')}），"
                        f"涉及学科试卷{f.papers}份，发出质量预警{f.warnings}条。")
    else:
        s["quality"] = NO_DATA
    if f.problems_found:
        s["problems"] = (f"{y}在视导和检查中发现需整改的问题{f.problems_found}个，已整改销号{f.problems_closed}个，"
                         f"尚在整改{f.problems_open}个" + (f"（其中逾期{f.problems_overdue}个）" if f.problems_overdue else "")
                         + "。")
    else:
        s["problems"] = NO_DATA
    s["plans"] = ""
    return s


def clean_sections(sections: Mapping[str, object]) -> dict[str, str]:
    """Every section key, each a stripped string (missing keys empty, unknown keys dropped)."""
    return {k: str(sections.get(k) or "").strip() for k in SECTION_KEYS}


def default_title(institution: str, year: int) -> str:
    return f"{institution}{year}年度教研工作报告"

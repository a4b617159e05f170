"""The figures of an institution's yearly report (教研机构年度工作报告), in the shape of 001 一:
"2023年度中学集体视导32校次，小学视导38校次 …… 共听评课4365节，形成视导调研报告44份，开展教研活动
327次 …… 促进100位学科带头人、200位骨干教师、300位优秀青年教师以及39个名师工作室的专业成长 ……
业务竞赛89场次，参赛教师10560人 …… 共培训教师12310人".

No Django here. appraisal.services.reports_figures reads each figure through the owning app's
selectors into a `YearFigures`; this module turns it into JSON (the snapshot an issued report
keeps, so it never changes when the records do) and back, and into the tables and charts the
page, the Word document and the workbook all show, one list for the three.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

# (label, count) pairs, in the order they are shown.
Counts = list[tuple[str, int]]


@dataclass
class YearFigures:
    institution: str
    node_code: str
    year: int
    # Inspection visits (视导) organised in the subtree, 001 一(一)一.
    collective_visits: int = 0
    individual_visits: int = 0
    school_visits: int = 0  # 校次 of collective visits
    visits_by_stage: Counts = field(default_factory=list)
    visits_by_affiliation: Counts = field(default_factory=list)
    schools_covered: int = 0
    kindergartens_covered: int = 0
    visit_lessons: int = 0  # lessons observed during the visits (听评课)
    visit_reports: int = 0  # visit reports issued (视导调研报告)
    # Every lesson observed at the subtree's schools (听评课), by the stage of the school.
    lessons_observed: int = 0
    lessons_by_stage: Counts = field(default_factory=list)
    # Research activities (教研活动) organised in the subtree.
    activities: int = 0
    activities_by_form: Counts = field(default_factory=list)
    activities_by_level: Counts = field(default_factory=list)
    activity_attendance: int = 0  # participants present (or late)
    # Competitions: (level, held, entrants, awards), 001 一(二)三.
    competitions: list[tuple[str, int, int, int]] = field(default_factory=list)
    # Training (培训): sessions, people, hours, and (level, sessions, people).
    training_sessions: int = 0
    training_people: int = 0
    training_hours: float = 0.0
    training_by_level: list[tuple[str, int, int]] = field(default_factory=list)
    # Talent programmes (name, level, active members, quota) and master-teacher studios.
    programmes: list[tuple[str, str, int, int]] = field(default_factory=list)
    studios: int = 0
    studios_by_level: Counts = field(default_factory=list)
    # Projects (课题): stage columns, then (level, counts per column, key projects, running).
    project_columns: list[str] = field(default_factory=list)
    projects_by_level: list[tuple[str, list[int], int, int]] = field(default_factory=list)
    projects_by_stage: Counts = field(default_factory=list)  # 学段 of the projects counted in the year
    # Quality monitoring (质量监测): exams held in the subtree.
    exams: int = 0
    exams_by_kind: Counts = field(default_factory=list)
    papers: int = 0
    warnings: int = 0
    # Problems found at the subtree's schools and their rectification (整改).
    problems_found: int = 0
    problems_closed: int = 0
    problems_open: int = 0
    problems_overdue: int = 0
    problems_by_area: list[tuple[str, int, int]] = field(default_factory=list)  # (area, found, closed)

    @property
    def projects_total(self) -> list[int]:
        """The 合计 row's stage counts (the selector's table ends with it)."""
        for label, counts, _key, _running in self.projects_by_level:
            if label == "合计":
                return list(counts)
        return [0] * len(self.project_columns)

    @property
    def projects_approved(self) -> int:
        """Projects approved (立项) in the year: the first stage column."""
        total = self.projects_total
        return total[0] if total else 0


def to_json(f: YearFigures) -> dict[str, Any]:
    return dataclasses.asdict(f)


def _tuples(value: Any) -> Any:
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return [tuple(v) for v in value]
    return value


def from_json(data: dict[str, Any]) -> YearFigures:
    """The stored snapshot back as figures; keys a later version added take their defaults, keys
    it dropped are ignored, so an old issued report still opens."""
    names = {f.name for f in dataclasses.fields(YearFigures)}
    values = {k: _tuples(v) for k, v in data.items() if k in names and k != "project_columns"}
    if "project_columns" in data:
        values["project_columns"] = list(data["project_columns"])
    return YearFigures(**values)


# ---------------------------------------------------------------- tables and charts


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class Chart:
    title: str
    labels: list[str]
    values: list[float]
    unit: str


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else round(v, 1)


def tables(f: YearFigures) -> dict[str, list[Table]]:
    """The tables of each section (keys of appraisal.yearly_text.SECTION_KEYS); a section whose
    records hold nothing has none (its text says 暂无数据)."""
    out: dict[str, list[Table]] = {}
    out["overview"] = [Table("主要数据", ("项目", "数量"), summary_rows(f))]
    visits = [("集体视导（次）", f.collective_visits), ("个人视导（次）", f.individual_visits),
              ("集体视导（校次）", f.school_visits), ("覆盖中小学（所）", f.schools_covered),
              ("覆盖幼儿园（所）", f.kindergartens_covered), ("视导听评课（节）", f.visit_lessons),
              ("形成视导报告（份）", f.visit_reports)]
    out["visits"] = [Table("视导工作", ("项目", "数量"), list(visits))]
    if f.visits_by_stage:
        out["visits"].append(Table("集体视导校次（按学段）", ("学段", "校次"), list(f.visits_by_stage)))
    if f.visits_by_affiliation:
        out["visits"].append(Table("集体视导校次（按隶属关系）", ("隶属关系", "校次"), list(f.visits_by_affiliation)))
    if f.lessons_by_stage:
        out["visits"].append(Table("听评课（按学校类型）", ("学校类型", "节数"), list(f.lessons_by_stage)))
    out["activities"] = []
    if f.activities_by_form:
        out["activities"].append(Table("教研活动（按形式）", ("形式", "次数"), list(f.activities_by_form)))
    if f.activities_by_level:
        out["activities"].append(Table("教研活动（按级别）", ("级别", "次数"), list(f.activities_by_level)))
    out["competitions"] = [Table("教学竞赛", ("级别", "举办场次", "参赛人数", "获奖人次"), list(f.competitions))] \
        if f.competitions else []
    out["training"] = [Table("教师培训（按级别）", ("级别", "培训项目", "培训人数"), list(f.training_by_level))] \
        if f.training_by_level else []
    out["talent"] = []
    if f.programmes:
        out["talent"].append(Table("人才培养项目", ("项目", "级别", "在培人数", "名额"), list(f.programmes)))
    if f.studios_by_level:
        out["talent"].append(Table("名师工作室（按级别）", ("级别", "个数"), list(f.studios_by_level)))
    out["projects"] = []
    if any(sum(c) or k or r for _l, c, k, r in f.projects_by_level):
        out["projects"].append(Table("课题（按级别与阶段）", ("级别", *f.project_columns, "重点课题", "年末在研"),
                                     [(label, *counts, key, running)
                                      for label, counts, key, running in f.projects_by_level]))
    if f.projects_by_stage:
        out["projects"].append(Table("课题（按学段）", ("学段", "项数"), list(f.projects_by_stage)))
    out["quality"] = [Table("质量监测（按考试类型）", ("类型", "场次"), list(f.exams_by_kind))] if f.exams_by_kind else []
    out["problems"] = [Table("问题整改（按领域）", ("领域", "发现问题", "已销号"), list(f.problems_by_area))] \
        if f.problems_by_area else []
    out["plans"] = []
    return out


def summary_rows(f: YearFigures) -> list[tuple[str, Any]]:
    """The headline figures, one row each (the overview table and the workbook's first sheet)."""
    return [("集体视导（校次）", f.school_visits), ("听评课（节）", f.lessons_observed),
            ("其中视导听评课（节）", f.visit_lessons), ("形成视导报告（份）", f.visit_reports),
            ("开展教研活动（次）", f.activities), ("教研活动参与（人次）", f.activity_attendance),
            ("举办教学竞赛（场次）", sum(c[1] for c in f.competitions)),
            ("参赛教师（人）", sum(c[2] for c in f.competitions)),
            ("获奖（人次）", sum(c[3] for c in f.competitions)),
            ("培训项目（个）", f.training_sessions), ("培训教师（人）", f.training_people),
            ("培训学时（学时）", _num(f.training_hours)),
            ("人才培养项目（个）", len(f.programmes)), ("在培人才（人）", sum(p[2] for p in f.programmes)),
            ("名师工作室（个）", f.studios), ("立项课题（项）", f.projects_approved),
            ("质量监测（场次）", f.exams), ("发现问题（个）", f.problems_found), ("整改销号（个）", f.problems_closed)]


def charts(f: YearFigures) -> dict[str, list[Chart]]:
    """The charts of each section, drawn server-side for Word (quality.chart_png) and in the page."""
    out: dict[str, list[Chart]] = {k: [] for k in ("overview", "visits", "activities", "competitions", "training",
                                                   "talent", "projects", "quality", "problems", "plans")}

    def add(key: str, title: str, pairs: list[tuple[str, float]], unit: str) -> None:
        if pairs and any(v for _l, v in pairs):
            out[key].append(Chart(title, [p[0] for p in pairs], [float(p[1]) for p in pairs], unit))

    add("visits", "集体视导校次（按学段）", [(a, n) for a, n in f.visits_by_stage], "校次")
    add("visits", "听评课节数（按学校类型）", [(a, n) for a, n in f.lessons_by_stage], "节")
    add("activities", "教研活动次数（按形式）", [(a, n) for a, n in f.activities_by_form], "次")
    add("competitions", "参赛人数（按级别）", [(c[0], c[2]) for c in f.competitions], "人")
    add("training", "培训人数（按级别）", [(t[0], t[2]) for t in f.training_by_level], "人")
    add("projects", "立项课题（按级别）", [(label, counts[0]) for label, counts, _k, _r in f.projects_by_level
                                       if label != "合计" and counts], "项")
    add("quality", "质量监测场次（按类型）", [(a, n) for a, n in f.exams_by_kind], "场")
    add("problems", "发现问题（按领域）", [(a, n) for a, n, _c in f.problems_by_area], "个")
    return out

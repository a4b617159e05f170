"""Drafting a visit's report (or a school check's 通报) from plain figures, in Chinese.

No Django here: visits.services.reports gathers the figures from the records (observations
linked to the visit, check records, findings) into a `ReportFigures`, and this module writes
the five sections a bureau's feedback report carries — overview, what was seen (with the
figures), strengths, problems, suggestions — plus the tables the Word document prints. The
organiser edits the text before issuing; the tables always come from the records.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SECTION_KEYS = ("overview", "seen", "strengths", "problems", "suggestions")
SECTION_TITLES = {"overview": "视导概况", "seen": "视导所见", "strengths": "主要亮点", "problems": "存在问题",
                  "suggestions": "意见建议"}
# The order check levels are reported in (models.CheckLevel labels).
LEVEL_ORDER = ("优秀", "良好", "合格", "需改进")
STAGE_ORDER = ("幼儿园", "小学", "初中", "高中", "其他")


@dataclass(frozen=True)
class Lesson:
    """One observed lesson: its stage, grade and subject as labels (学段, 年级, 学科)."""

    stage: str
    grade: str
    subject: str


@dataclass(frozen=True)
class Dimension:
    """The mean score of one rubric dimension over the scored lessons."""

    title: str
    mean: float
    max: float | None
    count: int


@dataclass(frozen=True)
class Rectification:
    school: str
    problem: str
    measure: str
    owner: str
    deadline: dt.date | None


@dataclass
class ReportFigures:
    title: str
    organiser: str
    start: dt.date
    end: dt.date
    kind: str = ""
    mode: str = ""
    purpose: str = ""
    schools: list[str] = field(default_factory=list)
    team_size: int = 0
    lessons: list[Lesson] = field(default_factory=list)
    dimensions: list[Dimension] = field(default_factory=list)
    # (item label, level label) per check record.
    checks: list[tuple[str, str]] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rectifications: list[Rectification] = field(default_factory=list)
    # A school's own routine check: the result is a 通报 to its staff.
    school_check: bool = False


def lesson_table(lessons: Iterable[Lesson]) -> list[tuple[str, str, str, int]]:
    """(stage, grade, subject, lessons), in stage order, then grade and subject as they come."""
    counts = Counter((x.stage, x.grade, x.subject) for x in lessons)

    def key(item: tuple[tuple[str, str, str], int]) -> tuple[int, str, str]:
        (stage, grade, subject), _n = item
        rank = STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)
        return rank, grade, subject

    return [(s, g, subj, n) for (s, g, subj), n in sorted(counts.items(), key=key)]


def by_stage(lessons: Iterable[Lesson]) -> list[tuple[str, int]]:
    counts = Counter(x.stage for x in lessons)
    return sorted(counts.items(), key=lambda kv: STAGE_ORDER.index(kv[0]) if kv[0] in STAGE_ORDER else 99)


def by_subject(lessons: Iterable[Lesson]) -> list[tuple[str, int]]:
    return sorted(Counter(x.subject for x in lessons).items(), key=lambda kv: (-kv[1], kv[0]))


def check_table(checks: Iterable[tuple[str, str]]) -> list[tuple[str, dict[str, int], int]]:
    """(item, {level: n}, total) per checked item, items in first-seen order."""
    out: dict[str, Counter[str]] = {}
    for item, level in checks:
        out.setdefault(item, Counter())[level or "未评定"] += 1
    return [(item, dict(c), sum(c.values())) for item, c in out.items()]


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _span(start: dt.date, end: dt.date) -> str:
    if start == end:
        return _date(start)
    if start.year == end.year:
        return f"{_date(start)}至{end.month}月{end.day}日"
    return f"{_date(start)}至{_date(end)}"


def _counts_text(pairs: Sequence[tuple[str, int]], unit: str) -> str:
    return "、".join(f"{label}{n}{unit}" for label, n in pairs if label)


def _numbered(items: Sequence[str]) -> str:
    numerals = "一二三四五六七八九十"
    lines = []
    for i, text in enumerate(items):
        mark = f"{numerals[i]}是" if i < len(numerals) else f"{i + 1}."
        lines.append(f"{mark}{text.strip().rstrip('。；;')}。")
    return "\n".join(lines)


def _unique(items: Iterable[str], limit: int) -> list[str]:
    seen: list[str] = []
    for raw in items:
        text = raw.strip()
        if text and text not in seen:
            seen.append(text)
        if len(seen) >= limit:
            break
    return seen


def draft_sections(f: ReportFigures) -> dict[str, str]:
    """The five sections of the report as editable Chinese text."""
    n_lessons = len(f.lessons)
    schools = "、".join(f.schools) if len(f.schools) <= 6 else "、".join(f.schools[:6]) + f"等{len(f.schools)}所学校"
    if f.school_check:
        overview = (f"{_span(f.start, f.end)}，{f.organiser}组织教研组长对全校教学常规进行了检查"
                    f"（{f.title}）。")
    else:
        who = f"{f.organiser}组成{f.team_size}人视导组，" if f.team_size else f"{f.organiser}"
        kind = f"{f.kind}" if f.kind else "教学视导"
        overview = (f"{_span(f.start, f.end)}，{who}对{schools or '相关学校'}开展{f.mode}{kind}"
                    f"（{f.title}）。")
    if f.purpose:
        overview += f"本次{'检查' if f.school_check else '视导'}重点：{f.purpose.strip().rstrip('。')}。"
    ways = []
    if n_lessons:
        ways.append("深入课堂听课评课")
    if f.checks:
        ways.append("抽查教案、作业及批改辅导记录")
    if ways:
        overview += "通过" + "、".join(ways) + "等方式，全面了解学校教育教学情况。"

    seen_parts = []
    if n_lessons:
        stage_text = _counts_text(by_stage(f.lessons), "节")
        subjects = by_subject(f.lessons)
        seen_parts.append(f"共听课{n_lessons}节，其中{stage_text}；涉及{len(subjects)}个学科"
                          f"（{_counts_text(subjects[:8], '节')}{'等' if len(subjects) > 8 else ''}）。")
    else:
        seen_parts.append("本次未记录听课。")
    scored = [d for d in f.dimensions if d.count]
    if scored:
        dims = "、".join(f"{d.title}{d.mean:.1f}分" + (f"（满分{d.max:g}）" if d.max else "") for d in scored)
        best = max(scored, key=lambda d: d.mean / d.max if d.max else d.mean)
        worst = min(scored, key=lambda d: d.mean / d.max if d.max else d.mean)
        seen_parts.append(f"课堂评价各维度平均得分：{dims}。" +
                          (f"其中“{best.title}”相对较好，“{worst.title}”相对薄弱。" if best != worst else ""))
    table = check_table(f.checks)
    if table:
        total = sum(t for _i, _c, t in table)
        lines = []
        for item, levels, n in table:
            lv = "、".join(f"{lvl}{levels[lvl]}份" for lvl in (*LEVEL_ORDER, "未评定") if lvl in levels)
            lines.append(f"{item}{n}份（{lv}）")
        seen_parts.append(f"抽查常规资料{total}份：" + "；".join(lines) + "。")
    strengths = _unique(f.strengths, 8)
    problems = _unique(f.problems, 8)
    rect = [r for r in f.rectifications if r.measure]
    suggestions_items = _unique((r.measure for r in rect), 8)
    if not suggestions_items and problems:
        suggestions_items = [f"针对“{p[:30]}”的问题，制定整改措施，明确责任人和完成时限" for p in problems[:5]]
    if f.rectifications:
        suggestions_items.append(f"对本{'通报' if f.school_check else '报告'}所列{len(f.rectifications)}项问题"
                                 "逐项整改，按期反馈整改情况")
    return {
        "overview": overview,
        "seen": "\n".join(seen_parts),
        "strengths": _numbered(strengths) if strengths else "（暂无记录的亮点，请补充。）",
        "problems": _numbered(problems) if problems else "（暂无记录的问题，请补充。）",
        "suggestions": _numbered(suggestions_items) if suggestions_items else "（请填写意见建议。）",
    }


def default_title(f: ReportFigures, school: str = "") -> str:
    if f.school_check:
        return f"{f.organiser}关于{f.title}的常规检查通报"
    target = f"对{school}" if school else ""
    return f"{f.organiser}{target}{f.title}的反馈报告"


def clean_sections(raw: dict[str, object]) -> dict[str, str]:
    """Every section key present, as stripped text (a stored draft may lack one)."""
    return {k: str(raw.get(k) or "").strip() for k in SECTION_KEYS}

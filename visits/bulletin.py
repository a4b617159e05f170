"""The draft of a school check's 通报 from its records: pure, no Django.

A school's own routine check ends with a 通报 naming good and bad examples (004 (一)3). From
plain rows of the check's records this drafts its sections (overview, strengths, problems,
suggestions) in Chinese; the reports area keeps the result in a VisitReport and lets the
school edit it before issuing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ITEM_LABELS = {"lesson_plan": "教案", "homework": "作业布置", "marking": "作业批改", "tutoring": "辅导记录",
               "listening": "听课记录", "group_record": "教研组活动记录", "other": "其他"}
LEVEL_LABELS = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "需改进"}
LEVEL_ORDER = ("excellent", "good", "pass", "fail")
# What the 通报 suggests for an item with problems, in the policy's words where it has them.
ITEM_SUGGESTIONS = {
    "lesson_plan": "落实集体备课与二次备课，教案要体现学情分析、教学目标和课后反思",
    "homework": "控制作业总量和时长，作业设计分层、精选，杜绝机械重复",
    "marking": "作业做到全批全改、及时反馈，批改有等级、有评语、有订正",
    "tutoring": "建立辅导记录，针对学困生和学有余力的学生分层辅导",
    "listening": "落实听课节数要求，听课记录要有评析和改进建议",
    "group_record": "教研组活动定时间、定地点、定主题、定主讲人，记录完整",
    "other": "针对检查发现的问题，明确责任人和整改时限",
}


@dataclass(frozen=True)
class CheckRow:
    """One record of a check, as plain values."""

    teacher: str
    item: str
    level: str = ""
    strengths: str = ""
    problems: str = ""


def _rows(rows: Iterable[CheckRow | Mapping[str, str]]) -> list[CheckRow]:
    out = []
    for r in rows:
        if isinstance(r, CheckRow):
            out.append(r)
        else:
            out.append(CheckRow(teacher=str(r.get("teacher") or ""), item=str(r.get("item") or "other"),
                                level=str(r.get("level") or ""), strengths=str(r.get("strengths") or ""),
                                problems=str(r.get("problems") or "")))
    return out


def _names(names: Iterable[str], limit: int = 8) -> str:
    unique = list(dict.fromkeys(n for n in names if n))
    text = "、".join(unique[:limit])
    return f"{text}等{len(unique)}位教师" if len(unique) > limit else text


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def draft_sections(rows: Iterable[CheckRow | Mapping[str, str]], *, school: str = "",
                   period: str = "") -> dict[str, str]:
    """The 通报's sections {"overview", "strengths", "problems", "suggestions"}."""
    records = _rows(rows)
    if not records:
        return {"overview": f"{school}{period}开展了教学常规检查，尚无检查记录。", "strengths": "", "problems": "",
                "suggestions": ""}
    teachers = {r.teacher for r in records if r.teacher}
    items = Counter(r.item for r in records)
    levels = Counter(r.level for r in records if r.level in LEVEL_LABELS)
    item_text = "、".join(f"{ITEM_LABELS.get(i, i)}{n}份" for i, n in items.most_common())
    overview = (f"{school}{period}开展了教学常规检查，共检查{len(teachers)}位教师的{item_text}，"
                f"合计{len(records)}项。")
    if levels:
        rated = sum(levels.values())
        parts = "，".join(f"{LEVEL_LABELS[lv]}{levels[lv]}项" for lv in LEVEL_ORDER if levels[lv])
        good = levels["excellent"] + levels["good"]
        overview += f"评定等级的{rated}项中，{parts}，优良率{round(100 * good / rated)}%。"

    # Good examples: excellent records first, then anything with a strength written down.
    by_item_good: dict[str, list[CheckRow]] = defaultdict(list)
    for r in records:
        if r.level == "excellent" or (r.strengths.strip() and r.level in ("", "good", "excellent")):
            by_item_good[r.item].append(r)
    strength_lines = []
    for item, good_rows in by_item_good.items():
        label = ITEM_LABELS.get(item, item)
        line = f"{label}：{_names(r.teacher for r in good_rows)}表现突出"
        said = [_clip(r.strengths) for r in good_rows if r.strengths.strip()][:3]
        if said:
            line += "，" + "；".join(said)
        strength_lines.append(line + "。")

    # Bad examples: records judged 需改进 or with a problem written down, named per item.
    by_item_bad: dict[str, list[CheckRow]] = defaultdict(list)
    for r in records:
        if r.level == "fail" or r.problems.strip():
            by_item_bad[r.item].append(r)
    problem_lines = []
    for item, bad_rows in by_item_bad.items():
        label = ITEM_LABELS.get(item, item)
        failed = [r.teacher for r in bad_rows if r.level == "fail"]
        said = [_clip(r.problems) for r in bad_rows if r.problems.strip()][:3]
        line = f"{label}："
        if failed:
            line += f"{_names(failed)}评定为需改进"
            if said:
                line += "，"
        line += "；".join(said) if said else ""
        problem_lines.append(line.rstrip("：，") + "。")

    suggestion_lines = [ITEM_SUGGESTIONS.get(item, ITEM_SUGGESTIONS["other"]) + "。" for item in by_item_bad]
    if by_item_bad:
        suggestion_lines.append("评定为需改进的教师须在两周内完成整改，由教研组长复查并记录。")
    else:
        suggestion_lines.append("保持现有做法，教研组组织优秀教案、作业的展评交流。")
    numbered = [f"{n}. {s}" for n, s in enumerate(suggestion_lines, start=1)]
    return {
        "overview": overview,
        "strengths": "\n".join(strength_lines) or "本次检查未记录突出亮点。",
        "problems": "\n".join(problem_lines) or "本次检查未发现明显问题。",
        "suggestions": "\n".join(numbered),
    }

"""The written analysis of a Word report (issue 10): strengths, weaknesses by item and
knowledge point, and suggestions, generated from the precomputed summary of one paper.

Pure functions of the summary dict (no ORM): the report page shows the generated text in a
form, the reader edits it, and the download prints the edited text (:func:`parse_text`).
For a region the comparison is against the paper's own average; for a school it is against
the region (the exam's top unit), which is what a principal reads the report for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EASY, HARD = 0.7, 0.5  # 得分率 above / below which an item counts as mastered / weak (analytics.md §5 bands)
GAP = 0.05  # a school's rate this far from the region's is a strength or a weakness
TOP = 3  # items named per list


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str] = field(default_factory=list)


def _pct(v: float) -> str:
    return f"{v * 100:.0f}%"


def _item(label: str) -> str:
    return label if label.startswith("第") else f"第{label}题"


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _rates(u: dict[str, Any]) -> str:
    parts = [f"平均分 {_num(u['mean'])}"]
    parts += [f"{name} {_pct(u[key])}" for key, name in (("excellent_rate", "优秀率"), ("pass_rate", "及格率"),
                                                        ("low_rate", "低分率")) if u.get(key) is not None]
    return "，".join(parts)


def generate(subject: str, data: dict[str, Any], rows: list[dict[str, Any]], *,
             school_key: str | None = None) -> list[Section]:
    """Sections 总体情况 / 优势 / 不足 / 建议 for one paper, from its summary and the unit rows
    the reader may see. ``school_key`` ("s:<code>") writes a school's report."""
    top_key = data.get("top")
    top = next((u for u in data.get("units", []) if u["key"] == top_key), None)
    focus = next((u for u in rows if u["key"] == school_key), None) if school_key else top
    if not data or top is None or focus is None or not focus.get("sat") or focus.get("mean") is None:
        return [Section("总体情况", [f"{subject}尚无可分析的成绩。"])]
    full = float(data.get("full_mark") or 0)
    overall = Section("总体情况")
    overall.lines.append(f"{focus['name']}{subject}实考 {focus['sat']} 人，{_rates(focus)}"
                         + (f"（满分 {_num(full)}，得分率 {_pct(focus['mean'] / full)}）。" if full else "。"))
    if school_key and top.get("mean"):
        diff = focus["mean"] - top["mean"]
        overall.lines.append(f"与{top['name']}相比，平均分{'高' if diff >= 0 else '低'} {_num(abs(diff))} 分"
                             f"（区域平均 {_num(top['mean'])}），及格率{'高' if (focus['pass_rate'] or 0) >= (top['pass_rate'] or 0) else '低'}"
                             f" {_pct(abs((focus['pass_rate'] or 0) - (top['pass_rate'] or 0)))}。")
    schools = [u for u in rows if u["level"] == "school" and u.get("sat") and u.get("mean") is not None]
    if not school_key and len(schools) > 1:
        best = max(schools, key=lambda u: u["mean"])
        worst = min(schools, key=lambda u: u["mean"])
        overall.lines.append(f"各校平均分最高为{best['name']}（{_num(best['mean'])}），最低为{worst['name']}"
                             f"（{_num(worst['mean'])}），相差 {_num(best['mean'] - worst['mean'])} 分。")

    items = [it for it in data.get("items") or [] if it.get("difficulty") is not None]
    school_p = (data.get("items_by_school") or {}).get(school_key or "", [])
    strengths, weaknesses, advice = Section("优势"), Section("不足"), Section("建议")

    def item_name(it: dict[str, Any]) -> str:
        return _item(it["label"]) + (f"（{it['kp']}）" if it.get("kp") else "")

    if school_key and len(school_p) == len(data.get("items") or []):
        paired = [(it, sp) for it, sp in zip(data.get("items") or [], school_p, strict=True)
                  if sp is not None and it.get("difficulty") is not None]
        ups = sorted((p for p in paired if p[1] - p[0]["difficulty"] >= GAP), key=lambda p: p[0]["difficulty"] - p[1])
        downs = sorted((p for p in paired if p[0]["difficulty"] - p[1] >= GAP), key=lambda p: p[1] - p[0]["difficulty"])
        for it, sp in ups[:TOP]:
            strengths.lines.append(f"{item_name(it)}得分率 {_pct(sp)}，高于区域 {_pct(sp - it['difficulty'])}。")
        for it, sp in downs[:TOP]:
            weaknesses.lines.append(f"{item_name(it)}得分率 {_pct(sp)}，低于区域 {_pct(it['difficulty'] - sp)}。")
        weak_items = [it for it, _ in downs[:TOP]]
    else:
        by_p = sorted(items, key=lambda it: it["difficulty"])
        for it in [it for it in reversed(by_p) if it["difficulty"] >= EASY][:TOP]:
            strengths.lines.append(f"{item_name(it)}得分率 {_pct(it['difficulty'])}，掌握较好。")
        weak_items = [it for it in by_p if it["difficulty"] < HARD][:TOP]
        for it in weak_items:
            weaknesses.lines.append(f"{item_name(it)}得分率仅 {_pct(it['difficulty'])}，是失分较多的题。")

    kp = (data.get("blueprint") or {}).get("kp")
    weak_kps: list[str] = []
    if kp:
        labels = kp["labels"]
        mine = kp["schools"].get(school_key, []) if school_key else kp["total"]
        ref = kp["total"]
        pairs = [(lab, m, r) for lab, m, r in zip(labels, mine, ref, strict=False) if m is not None and r is not None]
        if pairs:
            if school_key:
                best_kp = max(pairs, key=lambda p: p[1] - p[2])
                worst_kp = min(pairs, key=lambda p: p[1] - p[2])
                if best_kp[1] - best_kp[2] >= GAP:
                    strengths.lines.append(f"知识点“{best_kp[0]}”得分率 {_pct(best_kp[1])}，高于区域 {_pct(best_kp[1] - best_kp[2])}。")
                if worst_kp[2] - worst_kp[1] >= GAP:
                    weaknesses.lines.append(f"知识点“{worst_kp[0]}”得分率 {_pct(worst_kp[1])}，低于区域 {_pct(worst_kp[2] - worst_kp[1])}。")
                    weak_kps.append(worst_kp[0])
            elif len(pairs) > 1:
                best_kp = max(pairs, key=lambda p: p[1])
                worst_kp = min(pairs, key=lambda p: p[1])
                strengths.lines.append(f"知识点“{best_kp[0]}”得分率最高（{_pct(best_kp[1])}）。")
                weaknesses.lines.append(f"知识点“{worst_kp[0]}”得分率最低（{_pct(worst_kp[1])}）。")
                weak_kps.append(worst_kp[0])

    poor = [it for it in items if it.get("d_band") in ("poor", "discard")]
    if poor and not school_key:
        weaknesses.lines.append("、".join(_item(it["label"]) for it in poor[:5])
                                + " 区分度偏低，对区分不同水平学生的作用较弱。")

    for name in weak_kps:
        advice.lines.append(f"围绕“{name}”组织专题复习和变式练习，复查相关内容的教学进度与方法。")
    if weak_items:
        advice.lines.append("讲评 " + "、".join(_item(it["label"]) for it in weak_items)
                            + " 时先分析典型错误，再安排同类题巩固。")
    if (focus.get("low_rate") or 0) >= 0.2:
        advice.lines.append(f"低分率达 {_pct(focus['low_rate'])}，建议建立学困生档案，分层布置作业并跟踪辅导。")
    if focus.get("excellent_rate") is not None and focus["excellent_rate"] < 0.1:
        advice.lines.append(f"优秀率仅 {_pct(focus['excellent_rate'])}，可为学有余力的学生安排综合性、拓展性任务。")
    if not school_key and len(schools) > 1:
        gap = max(u["mean"] for u in schools) - min(u["mean"] for u in schools)
        if full and gap >= 0.1 * full:
            advice.lines.append(f"校际平均分相差 {_num(gap)} 分，建议开展校际教研交流和结对帮扶。")
    if poor and not school_key:
        advice.lines.append("复核区分度偏低题目的命题与评分标准。")
    for sec, empty in ((strengths, "各题得分率与区域相近，没有明显突出的题目。" if school_key else "没有得分率达到 70% 的题目。"),
                       (weaknesses, "没有明显低于区域的题目。" if school_key else "没有得分率低于 50% 的题目。"),
                       (advice, "保持现有教学安排，关注个别学生的学习情况。")):
        if not sec.lines:
            sec.lines.append(empty)
    return [overall, strengths, weaknesses, advice]


def to_text(sections: list[Section]) -> str:
    """The editable form of the analysis: a 【title】 line per section, one line per point."""
    return "\n".join(f"【{s.title}】\n" + "\n".join(s.lines) for s in sections)


def parse_text(text: str) -> list[Section]:
    """The edited text back into sections; lines before the first 【title】 form an untitled one."""
    out: list[Section] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("【") and line.endswith("】") and len(line) > 2:
            out.append(Section(line[1:-1].strip()))
        else:
            if not out:
                out.append(Section(""))
            out[-1].lines.append(line)
    return out

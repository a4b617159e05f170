"""Early-warning rules (004 (六)1 预警通报; 004 (一)3 TEACHER.BELOW_PEERS; 004 (一)1 QM.HEAD_TENURE).

`evaluate(exam)` reads the precomputed summaries of this exam (and of earlier exams of the same
node, grade and subject), applies every active rule set by the exam's node or a region above it,
and returns the warnings found with their evidence (plain dicts); services.warnings_raise stores
them. Each comparison is the rule's own one-line test over precomputed indicators.
"""

from __future__ import annotations

import math
from typing import Any

from core.models import OrgNode, Post, Role
from quality.analysis.summary import UnitKey
from quality.models import ClassTeacher, Exam, Paper, PaperSummary, RuleKind, WarningRule
from quality.selectors import full_summary


def _rules(exam: Exam) -> list[WarningRule]:
    return list(WarningRule.objects.filter(is_active=True, org__path__in=exam.org.ancestor_paths()))


def _units(data: dict[str, Any], level: str) -> list[dict[str, Any]]:
    return [u for u in data.get("units", []) if u["level"] == level and u["sat"] > 0]


def _earlier(exam: Exam, subject_id: int) -> list[tuple[Exam, dict[str, Any]]]:
    """Earlier exams of the same node, stage and grade with this subject, newest first."""
    rows = (PaperSummary.objects.filter(paper__exam__org=exam.org, paper__exam__grade=exam.grade,
                                        paper__exam__stage=exam.stage, paper__subject_id=subject_id,
                                        paper__exam__held_on__lt=exam.held_on)
            .select_related("paper__exam").order_by("-paper__exam__held_on"))
    return [(s.paper.exam, full_summary(s)) for s in rows]


def evaluate(exam: Exam) -> list[dict[str, Any]]:
    rules = _rules(exam)
    if not rules:
        return []
    school_rows = list(OrgNode.objects.under(exam.org.path).schools().values_list("code", "pk", "name"))
    schools = {code: pk for code, pk, _ in school_rows}
    school_names = {code: name for code, _, name in school_rows}
    found: list[dict[str, Any]] = []
    summaries = list(PaperSummary.objects.filter(paper__exam=exam).select_related("paper__subject"))
    for s in summaries:
        data, paper = full_summary(s), s.paper
        top = next((u for u in data.get("units", []) if u["key"] == data.get("top")), None)
        if top is None or not top["sat"]:
            continue
        subj = paper.subject.name
        for rule in rules:
            p = rule.params
            base = {"rule_id": rule.pk, "paper_id": paper.pk}
            if rule.kind in (RuleKind.BELOW_REGION, RuleKind.LOW_RATE, RuleKind.DROP):
                level = p.get("level", "school")
                for u in _units(data, level):
                    code = UnitKey.parse(u["key"]).code
                    cls = u["name"] if level == "class" else ""
                    who = u["name"] if level == "school" else f"{school_names.get(code, '')} {u['name']}".strip()
                    unit = {**base, "school_id": schools.get(code), "class_label": cls, "norm_code": "QM.PLAN"}
                    if unit["school_id"] is None:
                        continue
                    if rule.kind == RuleKind.BELOW_REGION and top["sd"]:
                        k = float(p.get("k", 0.5))
                        gap = (u["mean"] - top["mean"]) / top["sd"]
                        if gap < -k:
                            found.append({**unit, "title": f"{subj}：{who}平均分低于区域{abs(gap):.2f}个标准差",
                                          "evidence": {"单位平均分": u["mean"], "区域平均分": top["mean"],
                                                       "区域标准差": top["sd"], "差距（标准差）": round(gap, 3),
                                                       "阈值k": k, "实考": u["sat"]}})
                    elif rule.kind == RuleKind.LOW_RATE:
                        line = float(p.get("line", 0.3))
                        if u["low_rate"] is not None and u["low_rate"] > line:
                            found.append({**unit, "title": f"{subj}：{who}低分率{u['low_rate']:.1%}超过警戒线{line:.0%}",
                                          "evidence": {"低分率": u["low_rate"], "警戒线": line, "低分人数": u["low"],
                                                       "实考": u["sat"], "区域低分率": top["low_rate"]}})
                    elif rule.kind == RuleKind.DROP:
                        prev = _earlier(exam, paper.subject_id)
                        if not prev:
                            continue
                        prev_exam, prev_data = prev[0]
                        pu = next((x for x in prev_data.get("units", []) if x["key"] == u["key"]), None)
                        if pu is None or pu["above_mean"] is None or u["above_mean"] is None:
                            continue
                        drop = float(p.get("drop", 10))
                        delta = u["above_mean"] - pu["above_mean"]
                        if delta < -drop:
                            found.append({**unit, "title": f"{subj}：{who}超均率较{prev_exam.name}下降{abs(delta):.1f}个百分点",
                                          "evidence": {"本次超均率(%)": u["above_mean"], "上次超均率(%)": pu["above_mean"],
                                                       "上次考试": prev_exam.name, "下降阈值(百分点)": drop}})
            elif rule.kind == RuleKind.TEACHER_BELOW_PEERS:
                found += _teacher_below_peers(exam, paper, subj, data, rule, schools)
    for rule in rules:
        if rule.kind == RuleKind.HEAD_TENURE:
            found += _head_tenure(exam, summaries, rule, schools)
    return found


def _teacher_below_peers(exam: Exam, paper: Paper, subj: str, data: dict[str, Any], rule: WarningRule,
                         schools: dict[str, int]) -> list[dict[str, Any]]:
    """TEACHER.BELOW_PEERS (004 (一)3): the teacher's class mean is below the mean of the school's
    parallel classes (the school's grade mean) in each of the last N exams, this one included.
    The warning carries this exam's paper: its subject decides who may see it (quality.access)."""
    subject_id = paper.subject_id
    n_req = int(rule.params.get("n", 3))
    history = [(exam, data)] + _earlier(exam, subject_id)
    history = history[:n_req]
    if len(history) < n_req:
        return []
    teachers = ClassTeacher.objects.filter(subject_id=subject_id, grade=exam.grade,
                                           term_key__in={e.term_key for e, _ in history}).select_related("teacher")
    assign: dict[tuple[str, int, str], Any] = {}
    for ct in teachers:
        assign[(ct.term_key, ct.school_id, ct.class_label)] = ct.teacher
    streak: dict[int, list[dict[str, Any]]] = {}
    for e, d in history:
        units = {u["key"]: u for u in d.get("units", [])}
        below_now: dict[int, dict[str, Any]] = {}
        for u in _units(d, "class"):
            code = UnitKey.parse(u["parent"]).code
            sid = schools.get(code)
            school = units.get(u["parent"])
            t = assign.get((e.term_key, sid or 0, u["name"]))
            if t is None or school is None or u["mean"] is None or school["mean"] is None:
                continue
            if u["mean"] < school["mean"]:
                below_now[t.pk] = {"考试": e.name, "班级": u["name"], "班级均分": u["mean"], "平行班均分": school["mean"],
                                   "school_id": sid, "teacher": t}
        for pk in list(streak) if streak else []:
            if pk not in below_now:
                streak.pop(pk)
        for pk, ev in below_now.items():
            if e is exam:
                streak[pk] = [ev]
            elif pk in streak:
                streak[pk].append(ev)
    out = []
    for _pk, evs in streak.items():
        if len(evs) >= n_req:
            t = evs[0]["teacher"]
            out.append({"rule_id": rule.pk, "paper_id": paper.pk, "school_id": evs[0]["school_id"], "person_id": t.pk,
                        "class_label": "", "norm_code": "TEACHER.BELOW_PEERS",
                        "title": f"{subj}：{t.name}连续{len(evs)}次考试任教班级均分低于本校平行班",
                        "evidence": {"连续次数": len(evs), "要求N": n_req,
                                     "明细": [{k: v for k, v in ev.items() if k not in ("teacher", "school_id")}
                                            for ev in evs]}})
    return out


def _head_tenure(exam: Exam, summaries: list[PaperSummary], rule: WarningRule,
                 schools: dict[str, int]) -> list[dict[str, Any]]:
    """QM.HEAD_TENURE (004 (一)1): compare the school's mean 超均率 over subjects at the first exam
    of the principal's tenure with this exam; no improvement raises a warning."""
    posts = Post.objects.filter(role=Role.PRINCIPAL, org_id__in=schools.values(),
                                start__isnull=False, start__lte=exam.held_on).select_related("person", "org")
    out = []
    now = _school_index(summaries)
    for post in posts:
        first = (Exam.objects.filter(org=exam.org, held_on__gte=post.start, held_on__lt=exam.held_on, stage=exam.stage)
                 .order_by("held_on").first())
        if first is None:
            continue
        then = _school_index(list(PaperSummary.objects.filter(paper__exam=first)))
        key = f"s:{post.org.code}"
        if key not in now or key not in then:
            continue
        if now[key] <= then[key]:
            out.append({"rule_id": rule.pk, "paper_id": None, "school_id": post.org_id, "person_id": post.person_id,
                        "class_label": "", "norm_code": "QM.HEAD_TENURE",
                        "title": f"{post.org.name}：校长{post.person.name}任期内学校质量没有提升",
                        "evidence": {"任期开始": post.start.isoformat() if post.start else "",
                                     "任期首次考试": first.name, "首次平均超均率(%)": round(then[key], 2),
                                     "本次考试": exam.name, "本次平均超均率(%)": round(now[key], 2)}})
    return out


def _school_index(summaries: list[PaperSummary]) -> dict[str, float]:
    """Mean 超均率 of each school over the exam's subjects."""
    acc: dict[str, list[float]] = {}
    for s in summaries:
        for u in s.data.get("units", []):
            if u["level"] == "school" and u["above_mean"] is not None:
                acc.setdefault(u["key"], []).append(u["above_mean"])
    return {k: sum(v) / len(v) for k, v in acc.items()}


# The norms a warning answers, as people name them (the code stays in the data, not on pages).
NORM_NAMES = {"QM.PLAN": "质量监测预警通报", "TEACHER.BELOW_PEERS": "教师成绩长期低于平行班",
              "QM.HEAD_TENURE": "校长任期内学校质量"}


def norm_name(code: str) -> str:
    return NORM_NAMES.get(code, "质量监测")


def readable(key: str, value: Any) -> str:
    """An evidence value as people read it: shares as percentages, scores to one decimal, gaps in
    standard deviations to two; whole numbers without decimals."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        if "(%)" in key or "百分点" in key:
            return f"{value:.1f}"
        if ("率" in key or "警戒线" in key) and abs(value) <= 1:
            return f"{value * 100:.1f}%"
        if "标准差" in key or key.startswith("阈值"):
            return f"{value:.2f}"
        return f"{value:.1f}"
    return str(value)


def readable_evidence(evidence: Any) -> tuple[list[tuple[str, str]], list[dict[str, str]] | None]:
    """The evidence of a warning for its page: the simple values, and the detail table if any."""
    if not isinstance(evidence, dict):
        return [], None
    simple = [(k, readable(k, v)) for k, v in evidence.items() if k != "明细"]
    rows = evidence.get("明细")
    detail = ([{k: readable(k, v) for k, v in r.items()} for r in rows if isinstance(r, dict)]
              if isinstance(rows, list) else None)
    return simple, detail

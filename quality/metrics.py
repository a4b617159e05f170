"""Norm metrics of quality monitoring (norms.md "Quality monitoring"; 004 (六), (一)1, (一)3).

Each reads only what the viewer may see (quality.access, core.access) and returns core Rows. Each
metric measures its clause from the records themselves (exams, papers, summaries, posts), never
from the warnings raised earlier: a re-import that removes a condition removes its flag, and the
norm's threshold (with the regions' overrides, `ctx.threshold`) is the one applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.access import nodes_visible_to
from core.compliance import MetricContext, Row, metric
from core.models import OrgKind, OrgNode, Post, Role, Stage, Subject
from quality.access import exams_visible_to
from quality.analysis.indicators import balance
from quality.models import ClassTeacher, Exam, Paper, PaperSummary, RuleKind, ThresholdProfile, WarningRule
from quality.selectors import class_rows, flat_scores

# The subjects of the high-school unified examinations (普通高中学业水平考试 的文化科目): "every
# high-school subject" of QM.CITY_HIGH. Arts, PE and practice subjects are not marked online.
EXAMINED_SENIOR = ("chinese", "math", "english", "politics", "history", "geography", "physics", "chemistry",
                   "biology")
# Rules that judge a unit by its change between exams (依进论出), not by its level alone.
PROGRESS_RULES = (RuleKind.DROP, RuleKind.HEAD_TENURE)
# QM.VALUE_ADDED: a pair of exams supports progress-based judgement when at least this share of
# the later exam's students are found in the earlier one.
LINKED_SHARE = 0.5


def _regions(ctx: MetricContext, kind: str) -> list[OrgNode]:
    if ctx.exact:  # a refresh keeps the unit's own row only (core.compliance)
        return [ctx.node] if ctx.node.kind == kind else []
    qs = nodes_visible_to(ctx.user).under(ctx.node.path).filter(kind=kind).order_by("path")
    return list(qs)


def _as_of(ctx: MetricContext) -> dt.date:
    return ctx.term.end if ctx.term is not None else timezone.localdate()


def _school_year(ctx: MetricContext) -> int:
    if ctx.term is not None:
        return ctx.term.school_year
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def _exams_in_term(ctx: MetricContext):  # type: ignore[no-untyped-def]  # an annotated queryset: the stubs' type names every annotation
    qs = exams_visible_to(ctx.user)
    if ctx.term is not None:
        qs = qs.filter(term_key=ctx.term.key)
    return qs.annotate(n_blocks=Count("papers__blocks", filter=Q(papers__blocks__superseded_by__isnull=True)))


def _scored(paper: Paper) -> bool:
    return paper.blocks.filter(superseded_by__isnull=True).exists()


@metric("QM.PLAN", unit="region")
def qm_plan(ctx: MetricContext) -> list[Row]:
    """Each city and county has its own monitoring plan (004 (六)1 "制定分学段分学科质量监测方案和
    预警通报制度"): in the school year it ran at least one exam whose every paper (stage and
    subject) carries quality indicators (a threshold profile), and it set its own active
    early-warning rules. A rule of the province does not make a county's plan; an exam of another
    year does not count."""
    year = _school_year(ctx)
    rows = []
    for region in _regions(ctx, OrgKind.COUNTY) + _regions(ctx, OrgKind.CITY):
        own_rules = WarningRule.objects.filter(org=region, is_active=True).count()
        exams = list(exams_visible_to(ctx.user).filter(org=region, term_key__startswith=f"{year}-")
                     .prefetch_related("papers__subject"))
        with_thresholds = set(ThresholdProfile.objects.filter(paper__exam__in=exams).values_list("paper_id", flat=True))
        planned = [e for e in exams if e.papers.all() and all(p.pk in with_thresholds for p in e.papers.all())]
        missing = []
        if not own_rules:
            missing.append("本级未设定预警规则")
        if not planned:
            missing.append(f"{year}学年未组织有质量指标的考试")
        detail = f"本级预警规则{own_rules}条；{year}学年组织考试{len(exams)}次"
        if missing:
            detail += "（" + "，".join(missing) + "）"
        rows.append(Row(path=region.path, label=region.name, meets=not missing, detail=detail,
                         context=region.get_kind_display(), url=reverse("quality:rules")))
    return rows


@metric("QM.COUNTY_COMPULSORY", needs_term=True, unit="region")
def qm_county(ctx: MetricContext) -> list[Row]:
    """Each county monitors its compulsory-stage schools: at least one primary or junior exam run
    by the county with scores in the term."""
    exams = list(_exams_in_term(ctx).filter(stage__in=[Stage.PRIMARY, Stage.JUNIOR], org__kind=OrgKind.COUNTY))
    rows = []
    for county in _regions(ctx, OrgKind.COUNTY):
        mine = [e for e in exams if e.org_id == county.pk and e.n_blocks]
        rows.append(Row(path=county.path, label=county.name, meets=bool(mine), value=len(mine), target=1,
                         detail="、".join(e.name for e in mine) or "本学期没有义务教育阶段质量监测",
                         url=reverse("quality:home")))
    return rows


@metric("QM.CITY_HIGH", needs_term=True, unit="region")
def qm_city_high(ctx: MetricContext) -> list[Row]:
    """The city runs unified online marking and quality analysis for every high-school subject
    (004 (六)1 "市统一组织高中各学科网上阅卷和质量分析"): in the term, a senior exam run by the city
    has a paper with scores for each examined high-school subject (EXAMINED_SENIOR). An exam of
    one subject is not "every subject"."""
    needed = {s.code: s.name for s in Subject.objects.filter(code__in=EXAMINED_SENIOR)}
    exams = list(exams_visible_to(ctx.user).filter(stage=Stage.SENIOR, org__kind=OrgKind.CITY)
                 .filter(**({"term_key": ctx.term.key} if ctx.term is not None else {}))
                 .prefetch_related("papers__subject"))
    rows = []
    for city in _regions(ctx, OrgKind.CITY):
        best: tuple[int, Exam | None, list[str]] = (-1, None, list(needed.values()))
        for e in (x for x in exams if x.org_id == city.pk):
            scored = {p.subject.code for p in e.papers.all() if _scored(p)}
            lacking = [name for code, name in needed.items() if code not in scored]
            covered = len(needed) - len(lacking)
            if covered > best[0]:
                best = (covered, e, lacking)
        covered, exam, lacking = best
        if exam is None:
            detail = "本学期市级没有组织高中统考"
        elif lacking:
            detail = f"{exam.name}：{len(needed) - len(lacking)}/{len(needed)}个学科有成绩，缺" + "、".join(lacking)
        else:
            detail = f"{exam.name}：{len(needed)}个学科均已阅卷分析"
        rows.append(Row(path=city.path, label=city.name, meets=exam is not None and not lacking,
                         value=max(covered, 0), target=len(needed), detail=detail, url=reverse("quality:home")))
    return rows


@dataclass(frozen=True)
class _Series:
    """One comparable series of papers: same organising region, stage, grade and subject."""

    org_id: int
    stage: str
    grade: int
    subject_id: int


def _grade_label(grade: int) -> str:
    names = "一二三四五六七八九"
    if 1 <= grade <= 9:
        return f"{names[grade - 1]}年级"
    if 10 <= grade <= 12:
        return f"高{names[grade - 10]}"
    return f"{grade}年级"


@metric("QM.BALANCE", unit="region")
def qm_balance(ctx: MetricContext) -> list[Row]:
    """Gaps shrink (004 二 "县域校际、县际……差距逐步缩小"): between the schools of a county, on the
    county's exams, and between the counties of a city, on the city's exams. For each series of
    the same stage, grade and subject, the enrolment-weighted CV of the unit means at the latest
    exam is not above the one before. Exams of different grades are never compared."""
    regions = {r.pk: r for r in _regions(ctx, OrgKind.COUNTY) + _regions(ctx, OrgKind.CITY)}
    sums = list(PaperSummary.objects.filter(paper__exam__org_id__in=list(regions),
                                            paper__exam__in=exams_visible_to(ctx.user),
                                            paper__exam__held_on__lte=_as_of(ctx))
                .select_related("paper__exam", "paper__subject").order_by("paper__exam__held_on", "paper__exam_id"))
    series: dict[_Series, list[tuple[str, float, int]]] = {}
    names: dict[_Series, str] = {}
    for s in sums:
        exam = s.paper.exam
        region = regions[exam.org_id]
        top = s.data.get("top")
        if region.kind == OrgKind.COUNTY:
            units = [u for u in s.data.get("units", []) if u["level"] == "school"]
        else:  # the counties directly under the city
            units = [u for u in s.data.get("units", []) if u["level"] == "region" and u.get("parent") == top]
        b = balance([u["mean"] for u in units], [u["sat"] for u in units], stage=exam.stage)
        if not b or b["cv"] is None:
            continue
        key = _Series(exam.org_id, exam.stage, exam.grade, s.paper.subject_id)
        series.setdefault(key, []).append((exam.name, b["cv"], b["n_schools"]))
        names[key] = s.paper.subject.name
    rows = []
    for key, points in series.items():
        if len(points) < 2:
            continue
        region = regions[key.org_id]
        (e0, cv0, _), (e1, cv1, n1) = points[-2], points[-1]
        between = "校际" if region.kind == OrgKind.COUNTY else "县际"
        rows.append(Row(path=region.path, label=f"{region.name} {_grade_label(key.grade)}{names[key]}（{between}）",
                         meets=cv1 <= cv0, value=round(cv1, 3),
                         detail=f"{between}差异系数 {e0} {cv0:.3f} → {e1} {cv1:.3f}（{n1}个单位）",
                         context=region.name))
    return rows


def _linked(later: Paper, earlier: Paper, schools: list[OrgNode]) -> tuple[int, int]:
    """Students of `later` (in these schools) who also sat `earlier`, and all of `later`'s."""
    now = flat_scores(later, schools)
    then = flat_scores(earlier, schools)
    sat_now = now.student_ids[~np.isnan(now.scores)]
    sat_then = then.student_ids[~np.isnan(then.scores)]
    return int(np.isin(sat_now, sat_then).sum()), int(sat_now.size)


@metric("QM.VALUE_ADDED", unit="region")
def qm_value_added(ctx: MetricContext) -> list[Row]:
    """Schools (and their principals) are judged by progress (004 (六) "依进论出、依学评教"): a
    school or principal appraisal covering the county, under way or done in the year, includes a
    value-added indicator pre-filled from quality monitoring (appraisal campaigns). The detail
    names the teacher appraisals judged the same way (the county's, or a school's own: 依学评教),
    which do not decide the row (a county's schools are judged by it; a teacher appraisal is
    often a school's own affair). It also says whether the county can measure progress at all: a pair of exams of one subject
    whose students are linked (at least half of the later exam's students of the county also sat
    the earlier one; two summaries of unrelated students are not a pair), and the warning rules
    that judge by change (a drop against the previous exam, the principal's tenure)."""
    from appraisal.campaign_selectors import value_added_appraisals

    rows = []
    as_of = _as_of(ctx)
    exams = exams_visible_to(ctx.user).filter(held_on__lte=as_of)
    for county in _regions(ctx, OrgKind.COUNTY):
        schools = list(nodes_visible_to(ctx.user).under(county.path).schools())
        papers = list(Paper.objects.filter(exam__in=exams.filter(org__path__in=county.ancestor_paths()),
                                           summary__isnull=False)
                      .select_related("exam", "subject").order_by("exam__held_on", "exam_id"))
        by_subject: dict[int, list[Paper]] = {}
        for p in papers:
            by_subject.setdefault(p.subject_id, []).append(p)
        pairs: list[str] = []
        for ps in by_subject.values():
            for later_i in range(len(ps) - 1, 0, -1):
                later, earlier = ps[later_i], ps[later_i - 1]
                if later.exam.held_on <= earlier.exam.held_on or later.exam.grade < earlier.exam.grade:
                    continue
                n_linked, n_all = _linked(later, earlier, schools)
                if n_all and n_linked / n_all >= LINKED_SHARE:
                    pairs.append(f"{later.subject.name}（{earlier.exam.name}→{later.exam.name}，"
                                 f"关联学生{n_linked}/{n_all}人）")
                    break
        rules = list(WarningRule.objects.filter(org__path__in=county.ancestor_paths(), is_active=True,
                                                kind__in=PROGRESS_RULES))
        appraisals = value_added_appraisals(county, as_of)
        teachers = value_added_appraisals(county, as_of, teachers=True)
        parts = []
        if appraisals:
            parts.append("学校考评含增值评价指标：" + "、".join(appraisals))
        else:
            parts.append("学校考评中没有增值评价指标")
        parts.append(("教师考评含增值评价指标：" + "、".join(teachers)) if teachers else "教师考评中没有增值评价指标")
        parts.append(("可做增值评价：" + "、".join(pairs)) if pairs else "没有学生可前后关联的两次考试")
        parts.append(("按进步评价：" + "、".join(sorted({RuleKind(r.kind).label for r in rules}))) if rules
                     else "没有按进步评价的预警规则")
        rows.append(Row(path=county.path, label=county.name, meets=bool(appraisals), detail="；".join(parts)))
    return rows


def _weighted_mean(units: Iterable[dict[str, Any]]) -> float | None:
    pairs = [(u["mean"], u["sat"]) for u in units if u.get("mean") is not None and u.get("sat")]
    total = sum(n for _, n in pairs)
    return sum(m * n for m, n in pairs) / total if total else None


@metric("TEACHER.BELOW_PEERS")
def teacher_below_peers(ctx: MetricContext) -> list[Row]:
    """Every teacher with a class in the exams (004 (一)3 "教学成绩长期低于本校平行班平均水平的教师"):
    flagged when the class mean was below the mean of the school's other parallel classes in each
    of the last N exams of the subject and grade, N being the norm's threshold as the region sets
    it. The teacher's own class is not part of the peer mean; a class with no parallel class is
    not compared. Computed from the current scores, so a corrected import withdraws a flag."""
    n_req = max(int(ctx.threshold or 3), 1)
    schools = {s.pk: s for s in nodes_visible_to(ctx.user).under(ctx.node.path).schools()}
    assign: dict[tuple[int, str, int, int, str], Any] = {}
    for ct in ClassTeacher.objects.filter(school_id__in=list(schools)).select_related("teacher"):
        assign[(ct.school_id, ct.term_key, ct.grade, ct.subject_id, ct.class_label)] = ct.teacher
    if not assign:
        return []
    by_code = {s.code: s for s in schools.values()}
    grades = {k[2] for k in assign}
    subjects = {k[3] for k in assign}
    sums = (PaperSummary.objects.filter(paper__exam__in=exams_visible_to(ctx.user), paper__exam__grade__in=grades,
                                        paper__subject_id__in=subjects, paper__exam__held_on__lte=_as_of(ctx))
            .select_related("paper__exam", "paper__subject").order_by("paper__exam__held_on", "paper__exam_id"))
    # (teacher, school, subject) -> [(exam name, class, class mean, peer mean)], oldest first
    history: dict[tuple[int, int, int], list[tuple[str, str, float, float]]] = {}
    teachers: dict[int, Any] = {}
    subject_names: dict[int, str] = {}
    for s in sums:
        exam = s.paper.exam
        classes = class_rows(s.paper_id, {f"s:{c}" for c in by_code})
        by_school: dict[str, list[dict[str, Any]]] = {}
        for u in classes:
            if u.get("sat") and u.get("mean") is not None:
                by_school.setdefault(u["parent"], []).append(u)
        for parent, units in by_school.items():
            school = by_code.get(parent.removeprefix("s:"))
            if school is None:
                continue
            for u in units:
                t = assign.get((school.pk, exam.term_key, exam.grade, s.paper.subject_id, u["name"]))
                peers = _weighted_mean(x for x in units if x is not u)
                if t is None or peers is None:
                    continue
                teachers[t.pk] = t
                subject_names[s.paper.subject_id] = s.paper.subject.name
                history.setdefault((t.pk, school.pk, s.paper.subject_id), []).append(
                    (exam.name, u["name"], float(u["mean"]), peers))
    rows = []
    for (tid, sid, subj), points in sorted(history.items(), key=lambda kv: (schools[kv[0][1]].path, kv[0])):
        streak = 0
        for _, _, mean, peers in reversed(points):
            if mean >= peers:
                break
            streak += 1
        exam_name, label, mean, peers = points[-1]
        flagged = streak >= n_req
        state = (f"连续{streak}次低于本校平行班均分，达到标记线（{n_req}次）" if flagged
                 else f"连续低于平行班{streak}次，标记线{n_req}次")
        school = schools[sid]
        rows.append(Row(path=school.path, label=teachers[tid].name, meets=not flagged,
                         detail=f"{state}；{exam_name} {label}均分{mean:.1f}，其他平行班均分{peers:.1f}",
                         context=f"{school.name} {subject_names[subj]}"))
    return rows


def _school_index(summaries: list[PaperSummary], key: str) -> float | None:
    """Mean 超均率 of one school over an exam's subjects."""
    vals = [u["above_mean"] for s in summaries for u in s.data.get("units", [])
            if u["level"] == "school" and u["key"] == key and u["above_mean"] is not None]
    return sum(vals) / len(vals) if vals else None


@metric("QM.HEAD_TENURE")
def head_tenure(ctx: MetricContext) -> list[Row]:
    """Principals whose term ended in the year up to the term's end (004 (一)1 "任期内学校质量没有
    提升的校长不得续聘、交流提拔"): the school's mean 超均率 at the last exam of the term is compared
    with the first exam of the term; no improvement falls short, and so does a term without two
    exams with the school's results (improvement is not shown). Principals in mid-term are not
    judged yet. Matched by the post, never by name."""
    as_of = _as_of(ctx)
    since = as_of - dt.timedelta(days=365)
    posts = (Post.objects.filter(role=Role.PRINCIPAL, end__isnull=False, end__gt=since, end__lte=as_of,
                                 org__in=nodes_visible_to(ctx.user).under(ctx.node.path).schools())
             .select_related("person", "org").order_by("org__path", "end"))
    rows = []
    for post in posts:
        key = f"s:{post.org.code}"
        exams = exams_visible_to(ctx.user).filter(org__path__in=post.org.ancestor_paths(), held_on__lte=post.end)
        if post.start is not None:
            exams = exams.filter(held_on__gte=post.start)
        sums = list(PaperSummary.objects.filter(paper__exam__in=exams).select_related("paper__exam")
                    .order_by("paper__exam__held_on", "paper__exam_id"))
        by_exam: dict[int, list[PaperSummary]] = {}
        for s in sums:
            by_exam.setdefault(s.paper.exam_id, []).append(s)
        points = [(ss[0].paper.exam.name, v) for ss in by_exam.values()
                  if (v := _school_index(ss, key)) is not None]
        term = f"任期至{post.end.year}年{post.end.month}月{post.end.day}日" if post.end else ""
        if len(points) < 2:
            rows.append(Row(path=post.org.path, label=post.person.name, meets=False, context=post.org.name,
                             detail=f"{term}；任期内没有两次有本校成绩的考试，无法说明质量提升"))
            continue
        (e0, v0), (e1, v1) = points[0], points[-1]
        improved = v1 > v0
        rows.append(Row(path=post.org.path, label=post.person.name, meets=improved, context=post.org.name,
                         detail=f"{term}；平均超均率 {e0} {v0:.1f}% → {e1} {v1:.1f}%"
                                + ("，有提升" if improved else "，没有提升")))
    return rows

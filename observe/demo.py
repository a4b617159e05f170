"""Demo observations for the seed (core/demo/extensions.py): a realistic school year.

Leaders land near, above and below their quotas (LEAD.OBSERVE_HEAD 30, LEAD.OBSERVE_MIDDLE 25,
scaled by how much of the term has gone); about one teacher in ten is never observed (so
LEAD.COVERAGE has something to flag); feedback is read, acknowledged or answered with a
reflection at realistic rates; a few lessons are coded so every S-T mode and FIAS appear.
`generate_observations` is also what bench/bench_observe.py uses to build a city.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from core.demo.extensions import SeedContext, register
from core.models import OrgNode, Person, Post, Role, Term
from core.terms import terms_for
from observe import rubrics, services
from observe.coding import analyse
from observe.models import (
    Assessment,
    CodingSession,
    Observation,
    ObservationKind,
    ObservationStatus,
    Purpose,
    RubricVersion,
)

KIND_WEIGHTS = [(ObservationKind.PUSH_IN, 40), (ObservationKind.FOLLOW_UP, 15), (ObservationKind.PEER, 12),
                (ObservationKind.OPEN, 10), (ObservationKind.DEMONSTRATION, 6), (ObservationKind.REPORT, 6),
                (ObservationKind.CONTEST, 4), (ObservationKind.INSPECTION, 4), (ObservationKind.OUTREACH, 3)]
TOPICS = ["背影", "荷塘月色", "一次函数的图像", "勾股定理", "光合作用", "牛顿第一定律", "Unit 3 My School",
          "二次根式", "化学方程式", "中国的地形", "秦统一中国", "圆的面积", "分数的意义", "春", "观潮", "氧气的性质"]
STRENGTHS = ["教学目标明确，重难点突出", "教态自然，语言规范简洁", "情境创设贴近学生生活", "板书设计条理清晰",
             "问题设计有层次，能启发学生思维", "课堂节奏把握得当", "注重学法指导，学生参与面广"]
PROBLEMS = ["小组合作流于形式，分工不明确", "教师讲授时间过长，学生活动时间不足", "提问缺少层次，候答时间不足",
            "当堂检测不够充分，反馈不及时", "时间分配不合理，拖堂", "对学困生关注不够", "课堂评价语言单一",
            "多媒体使用过多，板书不足", "提问缺少层次，多为封闭性问题", "小组合作流于形式，讨论时间不足"]
SUGGESTIONS = ["增加学生自主探究时间", "设计分层作业，关注学困生", "精简讲授，把时间还给学生",
               "提问要分层设计，增加开放性问题", "加强当堂检测与反馈", "明确小组合作的任务与分工"]
REFLECTIONS = ["这节课讲得多了，下次要把更多时间留给学生练习。", "小组讨论前应先给出明确的任务单。",
               "提问设计需要分层，照顾不同水平的学生。", "当堂检测时间不够，以后要压缩导入环节。"]
# Code strings that classify as each S-T mode (analytics.md §1.3), 90 ticks of 30 s.
ST_PATTERNS = {
    "lecture": "T" * 8 + "S" + "T" * 6,
    "exercise": "S" * 7 + "T" + "S" * 5 + "T",
    "dialogue": "TS" * 3 + "T" + "S",
    "mixed": "T" * 5 + "S" * 5,
}


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _school_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = max(0, (end - start).days)
    for _ in range(10):
        d = start + dt.timedelta(days=rng.randint(0, span))
        if d.weekday() < 5:
            return d
    return start


def _ratings(rng: random.Random, version: RubricVersion, quality: float) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for leaf in rubrics.leaves(version.nodes):
        r = min(1.0, max(0.0, rng.gauss(quality, 0.12)))
        if leaf["mode"] == "levels":
            out[leaf["code"]] = {"level": "优" if r > 0.85 else "良" if r > 0.7 else "中" if r > 0.5 else "差"}
        elif leaf["mode"] == "points":
            out[leaf["code"]] = {"value": round(r * (rubrics.node_value(leaf) or 0.0) * 2) / 2}
        elif leaf["mode"] == "yesno":
            out[leaf["code"]] = {"yes": r > 0.2}
    return out


def _st_codes(rng: random.Random, mode: str) -> list[str]:
    unit = ST_PATTERNS[mode]
    codes = (unit * (90 // len(unit) + 1))[:90]
    return list(codes)


def _fias_codes(rng: random.Random) -> list[str]:
    out: list[str] = []
    while len(out) < 900:
        block = rng.choices(["5", "4", "8", "9", "10", "2", "3", "6"], weights=[30, 15, 15, 6, 8, 4, 4, 4])[0]
        out.extend([block] * rng.randint(1, 8))
    return out[:900]


def generate_observations(*, rng: random.Random, school_ids: list[int], today: dt.date,
                          pace_mix: tuple[float, float, float] = (0.35, 0.25, 0.4), unobserved_share: float = 0.1,
                          coded_schools: int = 2, with_scores: bool = True, batch: int = 5000) -> int:
    """Write the observations of the two latest terms of each school; returns how many."""
    if not school_ids:
        return 0
    services.builtin_templates_sync()
    version = RubricVersion.objects.get(template__key="LESSON.GENERAL", status="published")
    schools = list(OrgNode.objects.filter(pk__in=school_ids))
    terms_by_parent: dict[int | None, list[Term]] = {}
    posts = list(Post.objects.active(today).filter(org_id__in=school_ids,
                                                   role__in=[Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.MIDDLE_MANAGER,
                                                             Role.TEACHER])
                 .values_list("person_id", "org_id", "role"))
    leaders: dict[int, list[tuple[int, float]]] = defaultdict(list)
    teachers: dict[int, list[int]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for pid, org_id, role in posts:
        if role == Role.TEACHER:
            teachers[org_id].append(pid)
        elif (pid, org_id) not in seen:
            seen.add((pid, org_id))
            leaders[org_id].append((pid, 30.0 if role in (Role.PRINCIPAL, Role.VICE_PRINCIPAL) else 25.0))
    subjects = dict(Person.objects.filter(pk__in={p for p, _, _ in posts}).values_list("pk", "main_subject_id"))
    now = timezone.now()
    rows: list[tuple[Observation, dict[str, dict[str, Any]] | None]] = []
    coded: list[tuple[Observation, str]] = []
    written = 0

    def flush() -> None:
        nonlocal rows, written
        if not rows:
            return
        assessments = []
        for _, ratings in rows:
            if ratings is not None:
                s = rubrics.score(version.scoring, version.nodes, ratings)
                assessments.append(Assessment(version=version, ratings=s.ratings, dimension_scores=s.dimensions,
                                              total=s.total, band=s.band))
        Assessment.objects.bulk_create(assessments, batch_size=2000)
        it = iter(assessments)
        for obs, ratings in rows:
            if ratings is not None:
                obs.assessment = next(it)
        Observation.objects.bulk_create([o for o, _ in rows], batch_size=2000)
        written += len(rows)
        rows = []

    for index, school in enumerate(schools):
        if school.parent_id not in terms_by_parent:
            terms_by_parent[school.parent_id] = sorted((t for t in terms_for(school) if t.start <= today),
                                                       key=lambda t: t.start)[-2:]
        staff = teachers.get(school.pk, [])
        if len(staff) < 2:
            continue
        never = set(rng.sample(staff, k=max(1, int(len(staff) * unobserved_share))))
        pool = [t for t in staff if t not in never]
        for term in terms_by_parent[school.parent_id]:
            end = min(term.end, today)
            fraction = min(1.0, ((end - term.start).days + 1) / ((term.end - term.start).days + 1))
            for pid, quota in leaders.get(school.pk, []):
                band = rng.choices(["near", "above", "below"], weights=list(pace_mix))[0]
                ratio = {"near": rng.uniform(0.92, 1.08), "above": rng.uniform(1.1, 1.45),
                         "below": rng.uniform(0.2, 0.75)}[band]
                n = round(quota * fraction * ratio)
                targets = [t for t in pool if t != pid] or [t for t in staff if t != pid]
                # Cover the pool first so coverage follows the leaders' effort, then repeat.
                order = rng.sample(targets, k=len(targets))
                for k in range(n):
                    teacher = order[k % len(order)]
                    purpose = Purpose.DEVELOPMENTAL if rng.random() < 0.55 else Purpose.EVALUATIVE
                    submitted_at = now - dt.timedelta(days=rng.randint(0, 120))
                    read = rng.random() < 0.8
                    ack = read and rng.random() < 0.7
                    reflect = ack and rng.random() < 0.4
                    obs = Observation(
                        observer_id=pid, teacher_id=teacher, school_id=school.pk, subject_id=subjects.get(teacher),
                        grade=rng.randint(1, 9), class_name=f"{rng.randint(1, 8)}班", topic=rng.choice(TOPICS),
                        date=_school_day(rng, term.start, end), period=rng.randint(1, 8),
                        kind=_weighted(rng, KIND_WEIGHTS), purpose=purpose, status=ObservationStatus.SUBMITTED,
                        strengths=rng.choice(STRENGTHS), problems=rng.choice(PROBLEMS),
                        suggestions=rng.choice(SUGGESTIONS), overall_grade=rng.choice(["excellent", "good", "good",
                                                                                       "fair"]),
                        submitted_at=submitted_at, read_at=submitted_at if read else None,
                        acknowledged_at=submitted_at if ack else None,
                        reflection=rng.choice(REFLECTIONS) if reflect else "",
                        reflection_at=submitted_at if reflect else None,
                        released_at=submitted_at if purpose == Purpose.DEVELOPMENTAL and rng.random() < 0.15 else None)
                    ratings = _ratings(rng, version, rng.uniform(0.55, 0.95)) if with_scores else None
                    rows.append((obs, ratings))
                    if index < coded_schools and term == terms_by_parent[school.parent_id][-1] and len(coded) < 10:
                        coded.append((obs, ["lecture", "exercise", "dialogue", "mixed", "fias"][len(coded) % 5]))
                    if len(rows) >= batch:
                        flush()
    flush()
    sessions = []
    for obs, mode in coded:
        scheme, codes = ("FIAS", _fias_codes(rng)) if mode == "fias" else ("ST", _st_codes(rng, mode))
        result = analyse(scheme, codes)
        ind = result.get("indices", {})
        family = result["scheme"]["family"]
        sessions.append(CodingSession(observation=obs, scheme_key=scheme, interval_seconds=result["interval_seconds"],
                                      codes=result["codes"], coder_id=obs.observer_id, result=result, n=result["n"],
                                      rt=ind.get("rt") if family == "st" else None,
                                      ch=ind.get("ch") if family == "st" else None,
                                      mode=(ind.get("mode") or "") if family == "st" else ""))
    CodingSession.objects.bulk_create(sessions)
    return written


def observations(ctx: SeedContext) -> None:
    n = generate_observations(rng=ctx.rng, school_ids=ctx.school_ids, today=ctx.today)
    ctx.extra["observe.observations"] = n


register("observe.observations", observations, order=100)

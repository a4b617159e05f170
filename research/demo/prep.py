"""Demo collective preparation (registered with core.demo.extensions, order 320).

In the demo's current term, for the 备课组 (or, in schools without them, the 教研组) of up to
`MAX_SCHOOLS` schools: sessions in every step of the five (个人初备, 集体研讨, 教案生成, 个性彰显,
课后反思), closed ones checked and evaluated, and a few closed but never checked or evaluated, so
PREP.STEPS shows schools that keep it and schools that fall short. Texts are short but real:
two shared versions to compare, comments on paragraphs, each member's personal version and
reflection. Written with bulk_create (no audit events: the seed is the system)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import cycle

from django.utils import timezone

from core.demo.extensions import SeedContext, register
from core.demo.tables import insert_objects
from core.models import GroupKind, GroupMembership, OrgNode, TeachingGroup, Term
from core.terms import term_by_key
from research.models.prep import (
    PrepComment,
    PrepCommentMode,
    PrepDocument,
    PrepDocumentKind,
    PrepMember,
    PrepReflection,
    PrepSession,
    PrepStep,
)

MAX_SCHOOLS = 40
PER_GROUP = 3
MAX_MEMBERS = 6
TOPICS = ["分数的意义", "古诗二首", "一元一次方程", "光的折射", "现在进行时", "圆的面积", "记叙文的线索",
          "二次函数的图像", "化学方程式", "议论文的论证方法", "三角形的内角和", "整本书阅读《西游记》"]
COMMENTS = ["教学目标要可检测，建议写成“能用……说明……”", "导入环节时间偏长，可压缩到3分钟",
            "练习设计要有梯度，增加一道开放题", "重点突破的活动要留足学生操作时间", "板书设计可以更有结构"]
# Two schools in three keep PREP.STEPS: every session taught more than two weeks ago has its
# five steps, check and evaluation. The others have one such session short (closed but never
# checked and evaluated, or reflections missing). Every group also has a session under way.
SHORT: tuple[str, ...] = (PrepStep.CLOSED, PrepStep.REFLECTION)
UNDER_WAY: tuple[str, ...] = (PrepStep.DRAFT, PrepStep.DISCUSSION, PrepStep.PLAN, PrepStep.PERSONAL,
                              PrepStep.REFLECTION)
ORDER: list[str] = [PrepStep.DRAFT, PrepStep.DISCUSSION, PrepStep.PLAN, PrepStep.PERSONAL, PrepStep.REFLECTION,
                    PrepStep.CLOSED]


def _plan(topic: str, v: int) -> str:
    lines = [f"课题：{topic}", "一、教学目标", "理解本课核心概念" if v == 1 else "理解本课核心概念，能举例说明并迁移运用",
             "二、教学重点与难点", "重点：核心概念的形成过程", "三、教学过程", "1. 情境导入", "2. 探究新知",
             "3. 巩固练习" if v == 1 else "3. 分层练习（基础题、提高题、开放题）", "4. 课堂小结", "四、作业设计"]
    return "\n".join(lines)


def _groups(school_ids: list[int], term_key: str) -> dict[int, list[TeachingGroup]]:
    out: dict[int, list[TeachingGroup]] = defaultdict(list)
    groups = list(TeachingGroup.objects.filter(school_id__in=school_ids, term_key=term_key).order_by("school", "kind", "name"))
    for g in groups:
        out[g.school_id].append(g)
    chosen: dict[int, list[TeachingGroup]] = {}
    for sid, gs in out.items():
        prep = [g for g in gs if g.kind == GroupKind.PREP]
        chosen[sid] = (prep or [g for g in gs if g.kind == GroupKind.SUBJECT])[:4]
    return chosen


def prep_sessions(ctx: SeedContext) -> None:
    province = OrgNode.objects.get(pk=ctx.province_id)
    term: Term | None = term_by_key(province, ctx.term_key)
    if term is None:
        return
    school_ids = ctx.school_ids[:MAX_SCHOOLS]
    chosen = _groups(school_ids, ctx.term_key)
    members: dict[int, list[int]] = defaultdict(list)
    for gid, pid in GroupMembership.objects.filter(group__in=[g for gs in chosen.values() for g in gs]).order_by(
            "group", "person__pinyin").values_list("group_id", "person_id"):
        members[gid].append(pid)
    rng = ctx.rng
    short_states, under_way = cycle(SHORT), cycle(UNDER_WAY)
    tz = timezone.get_current_timezone()
    today = min(ctx.today, term.end)
    span = max((today - term.start).days - 30, 1)
    plan: list[tuple[PrepSession, list[int], str, bool]] = []
    for i, sid in enumerate(school_ids):
        keeps = i % 3 != 2
        for g in chosen.get(sid, []):
            team = members[g.pk][:MAX_MEMBERS]
            if len(team) < 2:
                continue
            lead = g.leader_id if g.leader_id in team else team[0]
            states: list[tuple[str, bool, dt.date]] = []
            for k in range(PER_GROUP - 1):
                past = term.start + dt.timedelta(days=rng.randint(7, span))
                if keeps or k == 0:
                    states.append((PrepStep.CLOSED, True, past))
                else:
                    states.append((next(short_states), False, past))
            step = next(under_way)
            if step == PrepStep.REFLECTION:  # taught in the last week: reflections still coming in
                states.append((step, False, today - dt.timedelta(days=rng.randint(1, 7))))
            else:
                states.append((step, False, min(today + dt.timedelta(days=rng.randint(3, 20)), term.end)))
            for step, checked, teach_on in states:
                topic = rng.choice(TOPICS)
                meeting = dt.datetime.combine(teach_on - dt.timedelta(days=7), dt.time(15, 30), tzinfo=tz)
                s = PrepSession(school_id=sid, group=g, term=term, topic=topic, lead_id=lead, teach_on=teach_on,
                                meeting_at=meeting, place="教研组办公室", step=step, grade=g.grade)
                at = ORDER.index(step)
                if at >= ORDER.index(PrepStep.PERSONAL):
                    s.signed_off_by_id, s.signed_off_at = g.leader_id or lead, meeting + dt.timedelta(days=1)
                if checked:
                    s.checked_by_id, s.checked_at = lead, meeting + dt.timedelta(days=20)
                    s.check_note = "五个环节记录齐全，个案体现了教师个人特点"
                    s.rating = rng.choice(["优", "良", "良", "中"])
                    s.evaluation, s.evaluated_by_id, s.evaluated_at = "研讨充分，共案质量较高", lead, s.checked_at
                plan.append((s, team, step, checked))
    insert_objects([p[0] for p in plan])
    members_rows, docs, reflections = [], [], []
    for s, team, step, _ in plan:
        members_rows += [PrepMember(session=s, person_id=pid) for pid in team]
        at = ORDER.index(step)
        docs.append(PrepDocument(session=s, kind=PrepDocumentKind.DRAFT, author_id=s.lead_id, version=1,
                                 body=_plan(s.topic, 1)))
        if at >= ORDER.index(PrepStep.PLAN):
            docs.append(PrepDocument(session=s, kind=PrepDocumentKind.SHARED, author_id=s.lead_id, version=1,
                                     body=_plan(s.topic, 1)))
            docs.append(PrepDocument(session=s, kind=PrepDocumentKind.SHARED, author_id=s.lead_id, version=2,
                                     body=_plan(s.topic, 2), note="按研讨意见修改目标和练习"))
        if at >= ORDER.index(PrepStep.PERSONAL):
            derive = team if at > ORDER.index(PrepStep.PERSONAL) else team[: max(1, len(team) // 2)]
            docs += [PrepDocument(session=s, kind=PrepDocumentKind.PERSONAL, author_id=pid, version=1,
                                  body=_plan(s.topic, 2) + "\n（结合本班学情调整练习）") for pid in derive]
        if at >= ORDER.index(PrepStep.REFLECTION):
            reflect = team if step == PrepStep.CLOSED else team[:1]  # a REFLECTION session: one so far
            reflections += [PrepReflection(session=s, author_id=pid, taught_on=s.teach_on or term.start,
                                           body="学生对核心概念理解较好，分层练习的开放题完成率偏低，下次提前示范。")
                            for pid in reflect]
    insert_objects(members_rows)
    insert_objects(docs)
    insert_objects(reflections)
    draft_of = {d.session_id: d for d in docs if d.kind == PrepDocumentKind.DRAFT}
    comments = []
    for s, team, step, _ in plan:
        if ORDER.index(step) < ORDER.index(PrepStep.DISCUSSION):
            continue
        for k, pid in enumerate(team[1:4]):
            comments.append(PrepComment(session=s, document=draft_of[s.pk], paragraph=2 + k, author_id=pid,
                                        mode=PrepCommentMode.MEETING if k % 2 == 0 else PrepCommentMode.ASYNC,
                                        body=rng.choice(COMMENTS)))
    insert_objects(comments)


register("research.prep", prep_sessions, order=320)

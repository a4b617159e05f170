"""A 备课组 of school A1 and helpers to take a session through the five steps (shared by the prep
tests and the access matrix)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import GroupKind, GroupMembership, Subject, TeachingGroup
from research.models.prep import PrepSession
from research.services import prep as svc

PLAN_V1 = "一、教学目标\n理解分数的意义\n二、教学重点\n单位“1”的含义\n三、作业\n练习一"
PLAN_V2 = "一、教学目标\n理解分数的意义，会用分数表示部分与整体\n二、教学重点\n单位“1”的含义\n三、作业\n练习一、二"


def math_group(cast: Any) -> TeachingGroup:
    """A1's seventh-grade maths 备课组 of 2026-1, led by the group leader, with the principal."""
    group = TeachingGroup.objects.filter(school=cast.school_a1, term_key=cast.term.key, name="七年级数学备课组").first()
    if group is not None:
        return group
    parent = TeachingGroup.objects.create(school=cast.school_a1, term_key=cast.term.key, kind=GroupKind.SUBJECT,
                                          name="数学教研组", leader=cast.people["group_leader"], status="confirmed")
    group = TeachingGroup.objects.create(school=cast.school_a1, term_key=cast.term.key, kind=GroupKind.PREP,
                                         name="七年级数学备课组", parent=parent, grade=7,
                                         leader=cast.people["group_leader"], status="confirmed")
    math = Subject.objects.get(code="math")
    parent.subjects.add(math)
    group.subjects.add(math)
    for key in ("group_leader", "principal"):
        GroupMembership.objects.create(group=parent, person=cast.people[key])
        GroupMembership.objects.create(group=group, person=cast.people[key])
    return group


def open_session(cast: Any, *, topic: str = "分数的意义", teach_on: dt.date = dt.date(2026, 10, 9)) -> PrepSession:
    return svc.prep_session_open(actor=cast.users["group_leader"], group=math_group(cast), term=cast.term,
                                 topic=topic, lead=cast.people["group_leader"], teach_on=teach_on)


def run_steps(cast: Any, session: PrepSession, *, upto: str = "evaluate") -> PrepSession:
    """Take a session through the steps in order, stopping after `upto`."""
    lead, principal = cast.users["group_leader"], cast.users["principal"]
    draft = svc.prep_draft_save(actor=lead, session=session, body=PLAN_V1)
    svc.prep_discussion_open(actor=lead, session=session)
    svc.prep_comment_add(actor=principal, session=session, document=draft, paragraph=1, body="目标要可检测")
    if upto == "comment":
        return session
    svc.prep_shared_save(actor=lead, session=session, body=PLAN_V1)
    svc.prep_shared_save(actor=lead, session=session, body=PLAN_V2, note="按研讨意见修改目标")
    svc.prep_sign_off(actor=lead, session=session)
    if upto == "sign_off":
        return session
    for user in (lead, principal):
        svc.prep_personal_save(actor=user, session=session, body=PLAN_V2 + "\n（个案）")
    if upto == "personal":
        return session
    for user in (lead, principal):
        svc.prep_reflection_save(actor=user, session=session, taught_on=dt.date(2026, 10, 9), body="学生对单位“1”理解较好")
    if upto == "reflection":
        return session
    svc.prep_check(actor=principal, session=session, note="记录完整")
    if upto == "check":
        return session
    svc.prep_evaluate(actor=principal, session=session, rating="优", note="研讨充分")
    return session

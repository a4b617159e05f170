"""HOMEROOM.PARENTS, HOMEROOM.STUDENTS and HOMEROOM.TEACHERS from their clauses (norms.md: a
homeroom teacher holds a parents' meeting >= 1 per semester, a student forum and a subject-teachers'
joint meeting >= 1 per month; 004 (一)2), per class, computed through core.compliance. The term is
the cast's finished 2025-2 semester (20 Feb to 10 Jul 2026: six months, all due)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.compliance import evaluate
from core.models import Norm, NormOverride, Post, Role, Term
from core.norm_results import system_user
from research.models.homeroom import MeetingKind
from research.services.homeroom import homeroom_meeting_record

SPRING_MONTHS = (2, 3, 4, 5, 6, 7)


def _spring(cast: Any) -> Term:
    return Term.objects.get(region=cast.province, school_year=2025, semester=2)


def _class(cast: Any, key: str = "teacher", grade: int = 7, start: dt.date = dt.date(2025, 9, 1)) -> Post:
    return Post.objects.create(person=cast.people[key], role=Role.HOMEROOM, org=cast.school_a1, grade=grade,
                               start=start)


def _meet(cast: Any, post: Post, kind: str, day: dt.date) -> None:
    homeroom_meeting_record(actor=cast.users["principal"], homeroom=post, kind=kind, held_on=day, attendance=40)


def _rows(cast: Any, code: str) -> dict[str, Any]:
    result = evaluate(system_user(), cast.school_a1, _spring(cast), Norm.objects.get(code=code))
    return {r.label: r for r in result.rows}


def test_parents_meeting_once_a_semester_per_class(cast: Any) -> None:
    held, missing = _class(cast), _class(cast, "group_leader", grade=8)
    _meet(cast, held, MeetingKind.PARENTS, dt.date(2026, 4, 18))
    _meet(cast, missing, MeetingKind.STUDENT_FORUM, dt.date(2026, 4, 18))  # another kind does not count
    _meet(cast, missing, MeetingKind.PARENTS, dt.date(2026, 1, 10))  # the previous semester does not count
    rows = _rows(cast, "HOMEROOM.PARENTS")
    assert rows["7年级何静班"].meets and rows["7年级何静班"].value == 1
    assert rows["7年级何静班"].person_id == cast.people["teacher"].pk
    assert not rows["8年级冯志刚班"].meets and rows["8年级冯志刚班"].detail == "本学期尚未召开家长会"


def test_student_forum_every_month_of_the_term(cast: Any) -> None:
    every, gap = _class(cast), _class(cast, "group_leader", grade=8)
    for m in SPRING_MONTHS:
        _meet(cast, every, MeetingKind.STUDENT_FORUM, dt.date(2026, m, 5 if m > 2 else 25))
        if m != 5:
            _meet(cast, gap, MeetingKind.STUDENT_FORUM, dt.date(2026, m, 5 if m > 2 else 25))
    _meet(cast, gap, MeetingKind.STUDENT_FORUM, dt.date(2026, 4, 28))  # two in April do not cover May
    rows = _rows(cast, "HOMEROOM.STUDENTS")
    assert rows["7年级何静班"].meets and (rows["7年级何静班"].value, rows["7年级何静班"].target) == (6, 6)
    short = rows["8年级冯志刚班"]
    assert not short.meets and short.detail == "6个月中5个月召开；缺5月"


def test_joint_meeting_edge_of_the_months_and_of_the_threshold(cast: Any) -> None:
    post = _class(cast)
    # The term's last month runs to 10 July only: a meeting on the 10th counts.
    for m in SPRING_MONTHS:
        _meet(cast, post, MeetingKind.TEACHERS_JOINT, dt.date(2026, m, 20 if m < 7 else 10))
    assert _rows(cast, "HOMEROOM.TEACHERS")["7年级何静班"].meets
    # A county requiring two a month: one a month then misses every month.
    NormOverride.objects.create(norm=Norm.objects.get(code="HOMEROOM.TEACHERS"), region=cast.county_a,
                                threshold_min=2)
    row = _rows(cast, "HOMEROOM.TEACHERS")["7年级何静班"]
    assert not row.meets and row.value == 0


def test_a_class_taken_over_during_the_term_counts_from_the_post_start(cast: Any) -> None:
    post = _class(cast, start=dt.date(2026, 5, 1))
    for m in (5, 6, 7):
        _meet(cast, post, MeetingKind.STUDENT_FORUM, dt.date(2026, m, 8))
    row = _rows(cast, "HOMEROOM.STUDENTS")["7年级何静班"]
    assert row.meets and (row.value, row.target) == (3, 3)

"""Records of a finished visit for the reports tests, written with the ORM directly (the plan,
on-site and findings areas are built in parallel)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from observe.models import Assessment, Observation, ObservationKind, ObservationStatus, Purpose, RubricVersion
from visits.models import (
    CheckItem,
    CheckLevel,
    CheckRecord,
    Finding,
    TeamRole,
    Visit,
    VisitCategory,
    VisitKind,
    VisitMember,
    VisitMode,
    VisitSchool,
    VisitStatus,
)


def finished_visit(cast: Any, *, kind: str = VisitKind.DIAGNOSE, lessons: int = 3,
                   category: str = VisitCategory.INSPECTION) -> Visit:
    """County A's collective visit to school A1 and A2 with observed lessons, checks and findings."""
    organiser = cast.school_a1 if category == VisitCategory.SCHOOL_CHECK else cast.county_a
    visit = Visit.objects.create(
        organiser=organiser, category=category, kind=kind, mode=VisitMode.COLLECTIVE, term=cast.term,
        title="2026年秋季教学视导", number="小店教研〔2026〕12号", purpose="课堂教学与作业管理",
        start=dt.date(2026, 10, 12), end=dt.date(2026, 10, 13), status=VisitStatus.FINISHED,
        lead=cast.people["county_researcher"])
    VisitMember.objects.create(visit=visit, person=cast.people["county_researcher"], role=TeamRole.LEADER)
    VisitMember.objects.create(visit=visit, person=cast.people["part_time_researcher"], role=TeamRole.SUBJECT)
    VisitSchool.objects.create(visit=visit, school=cast.school_a1, date=dt.date(2026, 10, 12))
    VisitSchool.objects.create(visit=visit, school=cast.school_a2, date=dt.date(2026, 10, 13))
    version = RubricVersion.objects.get(template__key="LESSON.GENERAL", status="published")
    ct = ContentType.objects.get_for_model(Visit)
    teachers = [(cast.people["teacher"], cast.school_a1, 7, "chinese"), (cast.people["group_leader"], cast.school_a1, 8, "math"),
                (cast.people["teacher_a2"], cast.school_a2, 3, "math")]
    from core.models import Subject

    for i in range(lessons):
        teacher, school, grade, subject = teachers[i % len(teachers)]
        a = Assessment.objects.create(version=version, dimension_scores={
            "d1": {"title": "教学目标", "score": 8.0 + (i % 2), "max": 10},
            "d2": {"title": "学生活动", "score": 6.0, "max": 10}})
        Observation.objects.create(
            observer=cast.people["county_researcher"], teacher=teacher, school=school, grade=grade,
            subject=Subject.objects.get(code=subject), date=dt.date(2026, 10, 12), kind=ObservationKind.INSPECTION,
            purpose=Purpose.EVALUATIVE, status=ObservationStatus.SUBMITTED, submitted_at=timezone.now(),
            assessment=a, context_type=ct, context_id=visit.pk)
    CheckRecord.objects.create(visit=visit, school=cast.school_a1, item=CheckItem.LESSON_PLAN, level=CheckLevel.GOOD,
                               teacher=cast.people["teacher"], checker=cast.people["county_researcher"],
                               date=dt.date(2026, 10, 12), strengths="教案书写规范")
    CheckRecord.objects.create(visit=visit, school=cast.school_a2, item=CheckItem.MARKING, level=CheckLevel.FAIL,
                               checker=cast.people["county_researcher"], date=dt.date(2026, 10, 13))
    Finding.objects.create(school=cast.school_a1, visit=visit, is_strength=True, needs_rectification=False,
                           status="noted", description="集体备课扎实有效", found_on=dt.date(2026, 10, 12))
    Finding.objects.create(school=cast.school_a2, visit=visit, description="作业批改不及时，缺少二次批改",
                           measure="建立作业批改周检制度", owner_kind="person", owner_person=cast.people["teacher_a2"],
                           deadline=dt.date(2026, 12, 1), found_on=dt.date(2026, 10, 13))
    return visit

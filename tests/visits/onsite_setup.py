"""Visits for the on-site tests, made with the ORM (the planning services live on another
branch): a county A inspection of school A1 today, led by the county researcher with the
part-time researcher on the team."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone


def make_visit(cast: Any, *, days: int = 1, school: Any = None, title: str = "小店区教学视导") -> Any:
    from visits.models import AgendaKind, TeamRole, Visit, VisitMember, VisitSchool

    today = timezone.localdate()
    visit = Visit.objects.create(organiser=cast.county_a, term=cast.term, title=title, start=today,
                                 end=today + dt.timedelta(days=days - 1), lead=cast.people["county_researcher"])
    VisitMember.objects.create(visit=visit, person=cast.people["county_researcher"], role=TeamRole.LEADER)
    VisitMember.objects.create(visit=visit, person=cast.people["part_time_researcher"], role=TeamRole.SUBJECT)
    VisitSchool.objects.create(visit=visit, school=school or cast.school_a1, date=today, agenda=[
        {"kind": AgendaKind.LESSON, "start": "08:00", "end": "08:45", "title": "推门听课", "subject_id": None,
         "member_ids": [], "place": "初二(3)班"},
        {"kind": AgendaKind.TEACHER_FORUM, "start": "14:00", "end": "15:00", "title": "青年教师座谈",
         "subject_id": None, "member_ids": [], "place": "会议室"}])
    return visit

"""Shared set-up of the subject-group tests: school A1's 教研组 for a term, with the cast's
teachers as members, and group activities on given days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from core.models import GroupKind, GroupMembership, GroupStatus, MembershipRole, Subject, TeachingGroup, Term
from research.models.activities import Activity, ActivityForm, ActivityStatus


def previous_term(cast: Any) -> Term:
    """The cast's 2025—2026 second semester (20 Feb to 10 Jul 2026): wholly in the past."""
    return Term.objects.get(region=cast.province, school_year=2025, semester=2)


def make_groups(cast: Any, term_key: str) -> dict[str, TeachingGroup]:
    """数学组 (principal, group leader; led by the group leader), 语文组 (vice principal, teacher),
    英语组 (middle manager, part-time researcher) at school A1, confirmed."""
    p = cast.people
    spec = {"数学组": ("math", ["principal", "group_leader"], "group_leader"),
            "语文组": ("chinese", ["vice_principal", "teacher"], "vice_principal"),
            "英语组": ("english", ["middle_manager", "part_time_researcher"], "middle_manager")}
    out = {}
    for name, (code, members, leader) in spec.items():
        g = TeachingGroup.objects.create(school=cast.school_a1, term_key=term_key, kind=GroupKind.SUBJECT, name=name,
                                         leader=p[leader], status=GroupStatus.CONFIRMED)
        g.subjects.set([Subject.objects.get(code=code)])
        for key in members:
            GroupMembership.objects.create(group=g, person=p[key], role=MembershipRole.MAIN)
        out[name] = g
    return out


def activity(cast: Any, group: TeachingGroup, day: dt.date, *, periods: int = 2,
             status: str = ActivityStatus.CLOSED, term: Term | None = None, title: str = "教研组活动") -> Activity:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 30)))
    return Activity.objects.create(organiser=group.school, group=group, form=ActivityForm.GROUP,
                                   term=term or cast.term, title=title, start=start,
                                   end=start + dt.timedelta(minutes=45 * periods), periods=periods, status=status)

"""The research app's contribution to the teacher archive (observe.archive): the activities a
teacher took part in, with their role and attendance, as the viewer may see them
(research.access). For TEACHER.ARCHIVE an activity attended (present or late) in the window counts
as growth."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.access import AnyUser
from core.models import Person
from observe.archive import (
    ArchiveEntry,
    GrowthMeasure,
    Window,
    register_growth,
    register_source,
    school_year_counts,
)
from research.access import activities_visible_to
from research.models import ActivityStatus, Attendance, Participant

ARCHIVE_LIMIT = 300


def _parts(user: AnyUser, person: Person) -> QuerySet[Participant]:
    return Participant.objects.filter(person=person, activity__in=activities_visible_to(user).not_cancelled())


def activities_of(user: AnyUser, person: Person, window: Window | None = None) -> list[ArchiveEntry]:
    parts = _parts(user, person)
    if window is not None:  # the activity's day in local time, as the entry shows it
        parts = parts.filter(activity__start__date__range=window)
    parts = (parts.select_related("activity", "activity__organiser", "activity__subject")
             .order_by("-activity__start", "-id")[:ARCHIVE_LIMIT])
    out = []
    for p in parts:
        a = p.activity
        lines: list[tuple[str, str]] = [("组织单位", a.organiser.institute_name or a.organiser.name)]
        if a.theme:
            lines.append(("主题", a.theme))
        lines.append(("出勤", p.get_attendance_display() + (f"（{a.periods}课时）" if p.attendance in
                                                          ("present", "late") else "")))
        out.append(ArchiveEntry(
            date=timezone.localtime(a.start).date(), source="research.activities", kind_label="教研活动",
            title=f"{a.get_form_display()}：{a.title}", url=reverse("research:activity_detail", args=[a.pk]),
            lines=tuple(lines), tags=(p.get_role_display(), a.get_level_display()), sort_key=(a.pk,)))
    return out


register_source("research.activities", activities_of,
                years=lambda user, person: school_year_counts(_parts(user, person), "activity__start", "教研活动"))


def _attended(start: dt.date, end: dt.date) -> Exists:
    # Activities start at an aware datetime; the window's days are local days, compared as the
    # instants of their local midnights (a `__date` lookup converts every row's time zone, which
    # PostgreSQL cannot estimate: it read every activity of the province for each county).
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return Exists(Participant.objects.filter(person=OuterRef("pk"), attendance__in=(Attendance.PRESENT, Attendance.LATE),
                                             activity__start__gte=first, activity__start__lt=after)
                  .exclude(activity__status=ActivityStatus.CANCELLED))


register_growth(GrowthMeasure("research.activities", "参加教研活动", _attended))

"""Reads of homeroom meetings for the pages and the API: the classes a user sees with the three
HOMEROOM norms of each, computed by research.homeroom_rules from one query of meeting dates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from core.access import AnyUser
from core.models import Post, Term
from research import access
from research.homeroom_rules import monthly_standing, semester_standing
from research.metrics.homeroom import class_label
from research.models.homeroom import HomeroomMeeting, MeetingKind


@dataclass(frozen=True)
class ClassNorms:
    post: Post
    label: str
    parents: Any
    students: Any
    teachers: Any

    @property
    def all_met(self) -> bool:
        return bool(self.parents.meets and self.students.meets and self.teachers.meets)


def class_norms(posts: list[Post], term: Term, on: dt.date | None = None) -> list[ClassNorms]:
    as_of = on or timezone.localdate()
    dates: dict[tuple[int, str], list[dt.date]] = defaultdict(list)
    for pid, kind, day in HomeroomMeeting.objects.filter(homeroom__in=posts, held_on__gte=term.start,
                                                         held_on__lte=term.end).values_list(
            "homeroom_id", "kind", "held_on"):
        dates[(pid, kind)].append(day)
    out = []
    for p in posts:
        start = max(term.start, p.start) if p.start else term.start
        end = min(term.end, p.end) if p.end else term.end
        out.append(ClassNorms(
            p, class_label(p),
            semester_standing(dates[(p.pk, MeetingKind.PARENTS)], start, end),
            monthly_standing(dates[(p.pk, MeetingKind.STUDENT_FORUM)], start, end, as_of),
            monthly_standing(dates[(p.pk, MeetingKind.TEACHERS_JOINT)], start, end, as_of)))
    return out


def homeroom_classes(user: AnyUser, term: Term, school: str = "") -> list[Post]:
    qs = access.homeroom_posts_visible_to(user).overlapping(term.start, term.end)
    if school:
        qs = qs.filter(org__code=school)
    return list(qs.order_by("org__path", "grade", "person__pinyin")[:400])

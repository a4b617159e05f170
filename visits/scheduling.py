"""Clashes of a proposed visit day, and the weekly pattern (norm WEEK.PATTERN), computed from
plain tuples: no Django, so the rules are read and tested in one place.

A clash is a warning, never a refusal: a researcher may well visit two schools of one town on
the same day, but the organiser should see it before the notice goes out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Weekly-pattern activities (visits.models.WeekActivity values) that leave no room for a visit.
BLOCKING_ACTIVITIES = {"subject_activity": "学科教研活动", "office": "机关办公/学习"}
WEEKDAYS = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


@dataclass(frozen=True)
class Clash:
    """Someone (a member) or somewhere (a school) already taken on `date` by another visit."""

    kind: str  # "member" or "school"
    date: dt.date
    subject_id: int
    subject_name: str
    other_visit_id: int
    other_title: str

    @property
    def message(self) -> str:
        day = f"{self.date.month}月{self.date.day}日"
        if self.kind == "member":
            return f"{self.subject_name}在{day}已参加视导“{self.other_title}”，同一天安排了两项视导"
        return f"{self.subject_name}在{day}已有视导“{self.other_title}”，同一所学校同一天被视导两次"


# (person id, person name, date, visit id, visit title)
MemberDay = tuple[int, str, dt.date, int, str]
# (school id, school name, date, visit id, visit title)
SchoolDay = tuple[int, str, dt.date, int, str]


def clashes(*, date: dt.date, visit_id: int, school_id: int | None, member_ids: Iterable[int],
            member_days: Iterable[MemberDay], school_days: Iterable[SchoolDay]) -> list[Clash]:
    """The clashes of visiting `school_id` on `date` with the team `member_ids`, given the days
    the members and schools are taken by visits (this visit's own days are ignored). Each
    person or school is named once per other visit."""
    team = set(member_ids)
    found: dict[tuple[str, int, int], Clash] = {}
    for person_id, name, day, other_id, title in member_days:
        if day == date and other_id != visit_id and person_id in team:
            found.setdefault(("member", person_id, other_id), Clash("member", day, person_id, name, other_id, title))
    if school_id is not None:
        for sid, name, day, other_id, title in school_days:
            if day == date and other_id != visit_id and sid == school_id:
                found.setdefault(("school", sid, other_id), Clash("school", day, sid, name, other_id, title))
    return sorted(found.values(), key=lambda c: (c.kind, c.subject_name, c.other_visit_id))


def pattern_conflict(date: dt.date, pattern_days: Mapping[str, str]) -> str | None:
    """The activity the weekly pattern gives to `date`'s weekday when it is not a visit day
    (subject activities, office work), else None. `pattern_days` maps "1".."7" to activities."""
    activity = pattern_days.get(str(date.isoweekday()), "")
    return activity if activity in BLOCKING_ACTIVITIES else None


def pattern_message(date: dt.date, activity: str) -> str:
    return (f"{date.month}月{date.day}日是{WEEKDAYS[date.isoweekday()]}，每周工作安排中这一天用于"
            f"{BLOCKING_ACTIVITIES.get(activity, activity)}，不是下校视导日")


def visit_days(pattern_days: Mapping[str, str]) -> list[int]:
    """The weekdays (1..7) the pattern gives to visits."""
    return sorted(int(k) for k, v in pattern_days.items() if v == "visit" and k.isdigit())

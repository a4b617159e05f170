"""The research duty of a teacher by title (004 (二)4), as pure rules without the ORM.

"中学一级以下的教师（小学级别参照中学），每5年必须参与1项校级或以上课题研究；中学一级教师，每5年
必须主持（或参与）1项校级或以上课题研究；中学高级教师，每5年必须主持（或参与）1项县级或以上课题研究."

Titles are held in the unified names of the 2015 reform (core.models.Title), which cover primary
and secondary teachers alike, so "小学级别参照中学" is already the mapping: 一级教师 is 中学一级,
高级教师 中学高级. 正高级 is above 中学高级 and carries its duty; 二级, 三级 and untitled teachers
are "below 中学一级". A project counts when the teacher leads it or is a member, it was approved
(立项) and not withdrawn, and its span — from 立项 to 结题, or to today while it runs — reaches
into the five years ending today (the day five years ago included).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

JUNIOR_CODE = "TEACHER.PROJECT_JUNIOR"
FIRST_CODE = "TEACHER.PROJECT_FIRST"
SENIOR_CODE = "TEACHER.PROJECT_SENIOR"
CODES = (JUNIOR_CODE, FIRST_CODE, SENIOR_CODE)
WINDOW_YEARS = 5

# core.models.Title values.
_SENIOR_TITLES = frozenset({"zhenggao", "gaoji"})
_FIRST_TITLES = frozenset({"yiji"})

# Level rank as core.models.Level values: the lowest level that counts for each duty.
LEVEL_RANK: dict[str, int] = {"school": 1, "county": 2, "city": 3, "province": 4, "national": 5}
MIN_LEVEL: dict[str, str] = {JUNIOR_CODE: "school", FIRST_CODE: "school", SENIOR_CODE: "county"}
MIN_LEVEL_LABEL: dict[str, str] = {"school": "校级", "county": "县级"}


def duty_for_title(title: str) -> str:
    """Which of the three norms binds a teacher of this title."""
    if title in _SENIOR_TITLES:
        return SENIOR_CODE
    if title in _FIRST_TITLES:
        return FIRST_CODE
    return JUNIOR_CODE


def window_start(today: dt.date) -> dt.date:
    """The first day of the five years ending today (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - WINDOW_YEARS)
    except ValueError:
        return today.replace(year=today.year - WINDOW_YEARS, day=28)


@dataclass(frozen=True)
class ProjectSpan:
    """One project a teacher leads or belongs to, reduced to what the duty reads."""

    level: str
    approved_on: dt.date | None
    ended_on: dt.date | None  # 结题 (None while it runs)
    withdrawn: bool = False


def counts_toward(code: str, project: ProjectSpan, today: dt.date) -> bool:
    if project.withdrawn or project.approved_on is None or project.approved_on > today:
        return False
    if LEVEL_RANK.get(project.level, 0) < LEVEL_RANK[MIN_LEVEL[code]]:
        return False
    end = project.ended_on or today
    return end >= window_start(today)


def duty_count(code: str, projects: list[ProjectSpan], today: dt.date) -> int:
    return sum(1 for p in projects if counts_toward(code, p, today))

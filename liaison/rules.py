"""The liaison norms' arithmetic, without Django: the round's calendar (RES.ROUND, 002 七), the
level pairing of institutions and linked units (RES.LINK_LEVEL, 000 §7), working days on site
(RES.ONSITE, 002 三). liaison.metrics fetches plain values and calls these."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

# Org kinds and locales as stored (core.models.OrgKind, Locale), repeated as plain strings so
# this module needs no Django.
PROVINCE, CITY, COUNTY, TOWNSHIP, SCHOOL = "province", "city", "county", "township", "school"
URBAN, TOWN, RURAL = "urban", "town", "rural"
COMPULSORY_STAGES = ("primary", "junior")


def school_year_of(day: dt.date) -> int:
    """The school year a date falls in, by its starting calendar year (Sep to Aug)."""
    return day.year if day.month >= 9 else day.year - 1


def school_years_spanned(start: dt.date, end: dt.date) -> int:
    """How many school years a period touches (Sep 2026 to Jul 2028: 2026—2027 and 2027—2028)."""
    if end < start:
        return 0
    return school_year_of(end) - school_year_of(start) + 1


@dataclass(frozen=True)
class Phases:
    start_year: int
    prep_start: dt.date
    prep_end: dt.date
    impl_start: dt.date
    impl_end: dt.date
    summary_start: dt.date
    summary_end: dt.date


@dataclass
class RoundCheck:
    years: int
    problems: list[str] = field(default_factory=list)

    def meets(self, years_required: float) -> bool:
        return not self.problems and self.years == years_required


def _within(day: dt.date, low: dt.date, high: dt.date) -> bool:
    return low <= day <= high


def default_phases(start_year: int) -> Phases:
    """The calendar of 002 七: preparation Jun–Aug of year 1, implementation Sep of year 1 to Jul
    of year 3, summary Jul–Aug of year 3."""
    y1, y3 = start_year, start_year + 2
    return Phases(start_year, dt.date(y1, 6, 1), dt.date(y1, 8, 31), dt.date(y1, 9, 1), dt.date(y3, 7, 15),
                  dt.date(y3, 7, 16), dt.date(y3, 8, 31))


def round_check(p: Phases) -> RoundCheck:
    """The round's implementation in school years, and every way its phases depart from 002 七:
    preparation within Jun–Aug of year 1, implementation from Sep of year 1 to Jul of year 3,
    summary within Jul–Aug of year 3, the phases in that order."""
    y1, y3 = p.start_year, p.start_year + 2
    check = RoundCheck(school_years_spanned(p.impl_start, p.impl_end))
    if not (_within(p.prep_start, dt.date(y1, 6, 1), dt.date(y1, 8, 31))
            and _within(p.prep_end, dt.date(y1, 6, 1), dt.date(y1, 8, 31))):
        check.problems.append(f"准备阶段应在{y1}年6月至8月")
    if not (p.impl_start.year == y1 and p.impl_start.month == 9):
        check.problems.append(f"落实阶段应从{y1}年9月开始")
    if not (p.impl_end.year == y3 and p.impl_end.month == 7):
        check.problems.append(f"落实阶段应到{y3}年7月结束")
    if not (_within(p.summary_start, dt.date(y3, 7, 1), dt.date(y3, 8, 31))
            and _within(p.summary_end, dt.date(y3, 7, 1), dt.date(y3, 8, 31))):
        check.problems.append(f"总结阶段应在{y3}年7月至8月")
    if not (p.prep_end < p.impl_start and p.summary_start >= p.impl_start and p.summary_end >= p.impl_end):
        check.problems.append("三个阶段的先后顺序不对")
    return check


def current_phase(p: Phases, today: dt.date) -> str:
    """Which phase a date falls in: preparation, implementation, summary, before or after."""
    if today < p.prep_start:
        return "before"
    if today <= p.prep_end:
        return "preparation"
    if today < p.summary_start:
        return "implementation"
    if today <= p.summary_end:
        return "summary"
    return "after"


def level_problem(institution_kind: str, target_kind: str, target_locale: str, is_teaching_point: bool) -> str | None:
    """Why a link breaks the level pairing of 000 §7 (None: it keeps it). 省级教研机构联系县域,
    市级联系乡镇, 县级联系乡村学校和教学点."""
    if institution_kind == PROVINCE:
        return None if target_kind == COUNTY else "省级应联系县（区）"
    if institution_kind == CITY:
        if target_kind == TOWNSHIP or (target_kind == SCHOOL and target_locale in (TOWN, RURAL)):
            return None
        return "市级应联系乡镇学校"
    if institution_kind == COUNTY:
        if target_kind == SCHOOL and (target_locale == RURAL or is_teaching_point):
            return None
        return "县级应联系乡村学校或教学点"
    return "只有省、市、县教研机构组织定点联系"


def working_days(days: Iterable[tuple[dt.date, float]]) -> float:
    """Working days on site from (date, portion) entries: weekends do not count, and one date
    counts at most once however many schools or entries it has (a half day at two schools is
    one day)."""
    per_date: dict[dt.date, float] = defaultdict(float)
    for day, portion in days:
        if day.weekday() < 5:
            per_date[day] += portion
    return sum(min(1.0, v) for v in per_date.values())


def overlaps(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> bool:
    return a_start <= b_end and b_start <= a_end

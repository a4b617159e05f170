"""The growth norms' arithmetic, without Django: training hours in a year, a researcher's rotation
state, a tier duty's shortfall, certificate coverage, a range of base schools.

Tested without a database against hand-computed values (tests/growth/test_rules.py); the metrics
(growth.metrics) fetch plain values and call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# 000 §12: "专职教研员在岗从事教研工作满5年,原则上要到中小学校从事1学年以上教育教学工作".
ROTATION_PERIOD_YEARS = 5
# A researcher nearing the 5 years is named as due this long before they are reached.
ROTATION_DUE_WARNING_DAYS = 365
# A stint in a school this long or longer is a school year of teaching (Sep to early July).
SCHOOL_YEAR_DAYS = 300
# 004 (二)6: schools of this many classes or more should have a county-level or higher studio.
LARGE_SCHOOL_CLASSES = 30


def training_year(term_start: dt.date) -> int:
    """The calendar year a term's training hours are counted in (000 §12 "每人每年"): the year the
    term starts in, so both semesters of 2026 (Feb–Jul and Sep–Jan) count the year 2026."""
    return term_start.year


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def hours_by_person(records: Iterable[tuple[int, Decimal | float]]) -> dict[int, Decimal]:
    """Sum of class hours per person from (person id, hours) pairs."""
    out: dict[int, Decimal] = {}
    for pid, hours in records:
        out[pid] = out.get(pid, Decimal(0)) + Decimal(str(hours))
    return out


@dataclass(frozen=True)
class HoursStanding:
    hours: Decimal
    target: float
    meets: bool
    short_by: Decimal

    @property
    def detail(self) -> str:
        if self.meets:
            return f"已完成{_num(self.hours)}学时"
        return f"已完成{_num(self.hours)}学时，还差{_num(self.short_by)}学时"


def fmt_hours(value: Decimal) -> str:
    """Hours as people write them: 72, 0.5."""
    return f"{value.normalize():f}" if value != value.to_integral() else str(int(value))


_num = fmt_hours


def hours_standing(hours: Decimal, target: float) -> HoursStanding:
    """Whether the hours reach the target (at least `target` class hours)."""
    goal = Decimal(str(target))
    short = max(goal - hours, Decimal(0))
    return HoursStanding(hours, target, hours >= goal, short)


# ---------------------------------------------------------------- rotation


NOT_DUE, DUE, OVERDUE, IN_SCHOOL, NO_START = "not_due", "due", "overdue", "in_school", "no_start"
ROTATION_LABELS = {NOT_DUE: "未到期", DUE: "即将到期", OVERDUE: "已逾期", IN_SCHOOL: "在校任教中", NO_START: "缺少任职日期"}


@dataclass(frozen=True)
class RotationStanding:
    state: str
    years_in_post: float | None  # since the post began or the last school year in a school ended
    reached_on: dt.date | None  # when the 5 years are (or were) reached

    @property
    def meets(self) -> bool:
        return self.state in (NOT_DUE, DUE, IN_SCHOOL)

    @property
    def label(self) -> str:
        return ROTATION_LABELS[self.state]


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def school_years_of(start: dt.date, end: dt.date) -> int:
    """Whole school years of teaching in a stint (300 days or more is one)."""
    return (end - start).days // SCHOOL_YEAR_DAYS


def rotation_standing(post_start: dt.date | None, stints: Iterable[tuple[dt.date, dt.date]], today: dt.date,
                      *, school_years: float = 1, period_years: int = ROTATION_PERIOD_YEARS) -> RotationStanding:
    """A full-time researcher's rotation state on `today` (000 §12).

    The clock starts when the researcher post began, and restarts when a stint of at least
    `school_years` school years in a school ends. A stint under way counts as being in school.
    Five years after the clock started with no such stint, the researcher is overdue (misses); in
    the year before, due (meets, named so a stint can be planned).
    """
    if post_start is None:
        return RotationStanding(NO_START, None, None)
    clock = post_start
    for start, end in sorted(stints):
        if start <= today <= end:
            return RotationStanding(IN_SCHOOL, (today - clock).days / 365.25, None)
        if end < today and end >= post_start and school_years_of(start, end) >= school_years:
            clock = max(clock, end)
    reached = _add_years(clock, period_years)
    years = (today - clock).days / 365.25
    if today >= reached:
        return RotationStanding(OVERDUE, years, reached)
    if (reached - today).days <= ROTATION_DUE_WARNING_DAYS:
        return RotationStanding(DUE, years, reached)
    return RotationStanding(NOT_DUE, years, reached)


# ---------------------------------------------------------------- tier duties


@dataclass(frozen=True)
class DutyStanding:
    required: int
    done: int

    @property
    def short(self) -> int:
        return max(self.required - self.done, 0)

    @property
    def meets(self) -> bool:
        return self.done >= self.required


# ---------------------------------------------------------------- coverage and ranges


def coverage_percent(holders: int, teachers: int) -> float:
    """Share of teachers holding a certificate, in percent (0 for a school with no teachers)."""
    return round(100 * holders / teachers, 1) if teachers else 0.0


def within(value: float, low: float | None, high: float | None) -> bool:
    """A value inside [low, high]; an open end is no limit (BASE.SCHOOLS is 2..3)."""
    return (low is None or value >= low) and (high is None or value <= high)


def range_detail(count: int, low: float | None, high: float | None) -> str:
    if low is not None and count < low:
        return f"{count}所，少于{low:g}所"
    if high is not None and count > high:
        return f"{count}所，多于{high:g}所"
    return f"{count}所"

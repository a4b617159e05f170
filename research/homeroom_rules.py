"""HOMEROOM.* as pure computation (no ORM): per class, the parents' meetings of a semester and
the student forums and subject-teachers' joint meetings of each month of the term.

004 (一)2: "每學期至少召開一次家長會，每月召開一次學生座談會、一次科任教師聯席會".
The months of a term are the calendar months it overlaps, each cut to the term's dates (a term
of 1 Sep to 20 Jan has five: September to January, January running to the 20th) and, for a
class whose homeroom teacher took it over during the term, to the days from the post's start.
A month is due once its last day (within the term) has passed; the current month counts when
it already has its meeting and is otherwise not yet held against the class.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    start: dt.date  # the first day of the month inside the span
    end: dt.date  # the last day inside the span

    @property
    def label(self) -> str:
        return f"{self.month}月"


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def term_months(start: dt.date, end: dt.date) -> list[Month]:
    """The calendar months the span start..end overlaps, each cut to the span."""
    months: list[Month] = []
    y, m = start.year, start.month
    while dt.date(y, m, 1) <= end:
        first = max(start, dt.date(y, m, 1))
        last = min(end, _month_end(y, m))
        months.append(Month(y, m, first, last))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


@dataclass(frozen=True)
class MonthlyStanding:
    due: int
    met: int
    missed: tuple[str, ...]  # labels of due months without enough meetings
    meets: bool

    @property
    def detail(self) -> str:
        if not self.due:
            return "本学期尚无到期月份"
        if not self.missed:
            return f"{self.due}个月均已召开"
        return f"{self.due}个月中{self.met}个月召开；缺{'、'.join(self.missed)}"


def monthly_standing(dates: Iterable[dt.date], start: dt.date, end: dt.date, as_of: dt.date,
                     threshold: float = 1) -> MonthlyStanding:
    """Whether each month of start..end that is due at `as_of` has at least `threshold` meetings."""
    held = sorted(dates)
    due = met = 0
    missed: list[str] = []
    for month in term_months(start, end):
        n = sum(1 for d in held if month.start <= d <= month.end)
        if n >= threshold:
            due += 1
            met += 1
        elif month.end < as_of:
            due += 1
            missed.append(month.label)
    return MonthlyStanding(due, met, tuple(missed), not missed)


@dataclass(frozen=True)
class SemesterStanding:
    held: int
    meets: bool

    @property
    def detail(self) -> str:
        return f"本学期召开{self.held}次" if self.held else "本学期尚未召开家长会"


def semester_standing(dates: Iterable[dt.date], start: dt.date, end: dt.date, threshold: float = 1) -> SemesterStanding:
    held = sum(1 for d in dates if start <= d <= end)
    return SemesterStanding(held, held >= threshold)

"""The rules of subject-group life as pure computation over plain values (no ORM), tested
without a database against hand-computed cases (tests/research/test_group_rules.py).

- GROUP.MEET (003 四(二): 必须保证每两周一次的教科研集中活动时间，每次活动时间一般不少于2课时):
  a term is cut into fortnights counted from its first day; a fortnight is met when the group
  held at least one activity of at least the threshold's periods in it. A trailing stub shorter
  than a week is part of the last full fortnight (a term ending the Monday after its tenth
  fortnight does not ask for an eleventh activity in one day); a stub of a week or more is a
  fortnight of its own.
- GROUP.MEMBERSHIP (003 三(一)): each person must belong to a 教研组 of every subject they teach.
- GROUP.PLAN: a development plan covers the school years start_year … start_year + years − 1.
- GROUP.KEY_SUBJECTS: the key subjects in force in a school year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

FORTNIGHT_DAYS = 14
# A trailing part of the term at least this long counts as a fortnight of its own.
MIN_TAIL_DAYS = 7

MET, MISSED, CURRENT, FUTURE = "met", "missed", "current", "future"
STATE_LABELS = {MET: "已开展", MISSED: "未开展", CURRENT: "进行中", FUTURE: "未到"}


def fortnights(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The fortnights of a term from `start` to `end` (both inclusive), as inclusive day ranges."""
    if end < start:
        return []
    out: list[tuple[dt.date, dt.date]] = []
    day = start
    while day <= end:
        last = min(day + dt.timedelta(days=FORTNIGHT_DAYS - 1), end)
        out.append((day, last))
        day = last + dt.timedelta(days=1)
    if len(out) > 1 and (out[-1][1] - out[-1][0]).days + 1 < MIN_TAIL_DAYS:
        tail = out.pop()
        out[-1] = (out[-1][0], tail[1])
    return out


def fortnight_index(start: dt.date, end: dt.date, day: dt.date) -> int | None:
    """Which fortnight of the term (0-based) a day falls in; None outside the term."""
    if day < start or day > end:
        return None
    n = len(fortnights(start, end))
    return min((day - start).days // FORTNIGHT_DAYS, n - 1)


@dataclass(frozen=True)
class Fortnight:
    number: int  # 1-based, as people count them
    start: dt.date
    end: dt.date
    state: str
    activities: int  # activities counted (of enough periods)
    periods: int  # their periods in total

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def title(self) -> str:
        """The cell's tooltip: 第3个两周 9/29—10/12：已开展（1次，2课时）."""
        text = f"第{self.number}个两周 {self.start.month}/{self.start.day}—{self.end.month}/{self.end.day}：{self.label}"
        if self.activities:
            text += f"（{self.activities}次，{self.periods}课时）"
        return text


@dataclass(frozen=True)
class Strip:
    fortnights: tuple[Fortnight, ...]

    @property
    def met(self) -> int:
        return sum(1 for f in self.fortnights if f.state == MET)

    @property
    def missed(self) -> int:
        return sum(1 for f in self.fortnights if f.state == MISSED)

    @property
    def elapsed(self) -> int:
        """Fortnights that are over, and the current one if it is already met."""
        return self.met + self.missed

    @property
    def meets(self) -> bool:
        return self.missed == 0

    @property
    def missed_numbers(self) -> list[int]:
        return [f.number for f in self.fortnights if f.state == MISSED]


def meet_strip(start: dt.date, end: dt.date, today: dt.date, activities: Iterable[tuple[dt.date, int]],
               min_periods: float) -> Strip:
    """A group's strip for a term: `activities` are (day, periods) of its activities that were not
    cancelled; one of at least `min_periods` periods in a fortnight meets it. A fortnight not yet
    over is "current" until it is met, and "future" before it begins."""
    spans = fortnights(start, end)
    counted = [0] * len(spans)
    periods = [0] * len(spans)
    for day, n in activities:
        # fortnight_index, with the term's fortnights computed once for the whole strip.
        if day < start or day > end or n < min_periods:
            continue
        i = min((day - start).days // FORTNIGHT_DAYS, len(spans) - 1)
        counted[i] += 1
        periods[i] += n
    cells = []
    for i, (a, b) in enumerate(spans):
        if counted[i]:
            state = MET
        elif b < today:
            state = MISSED
        elif a <= today:
            state = CURRENT
        else:
            state = FUTURE
        cells.append(Fortnight(i + 1, a, b, state, counted[i], periods[i]))
    return Strip(tuple(cells))


def membership_gaps(taught: Mapping[int, set[int]], groups: Iterable[tuple[set[int], set[int]]]) -> dict[int, set[int]]:
    """For each person (id → subject ids taught), the subjects taught for which the person is in
    no group of that subject. `groups` are (subject ids, member person ids) of the 教研组."""
    covered: dict[int, set[int]] = {}
    for subjects, members in groups:
        for pid in members:
            covered.setdefault(pid, set()).update(subjects)
    gaps: dict[int, set[int]] = {}
    for pid, subjects in taught.items():
        missing = subjects - covered.get(pid, set())
        if missing:
            gaps[pid] = missing
    return gaps


def development_covers(start_year: int, years: int, school_year: int) -> bool:
    """A development plan of `years` school years from `start_year` covers `school_year`."""
    return start_year <= school_year < start_year + years


def key_subjects_in_force(rows: Iterable[tuple[int, int, int | None]], school_year: int) -> set[int]:
    """Subject ids named key subjects in force in `school_year` from (subject, from, until) rows."""
    return {sid for sid, first, last in rows if first <= school_year and (last is None or school_year <= last)}

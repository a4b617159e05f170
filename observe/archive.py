"""The teacher teaching archive (TEACHER.ARCHIVE, 004 (一)4): one time line per teacher.

A small registry lets every app contribute entries without this app knowing them: an app calls
`register_source("visits.findings", fn)` from its AppConfig.ready, where `fn(user, person)`
returns the ArchiveEntry items the *user* may see about the person (each source applies its own
access rules). The page and the Word export merge the sources in time order.

A source with many records a year (lessons, training, activities) registers `years=` as well: a
function counting the viewer's entries per school year and kind label with one grouped query
(`school_year_counts`), and then its `fn(user, person, window)` takes a date window it filters
in the database. The page shows the current school year in full and earlier years as counts,
each loaded on demand (`archive_overview`), so a ten-year archive never builds ten years of
entries for one page view. A source without `years` is small (a few projects, links, findings):
its entries are built whole and counted in Python.

Two more registries serve the norm (observe.archive_metrics) and the "problems and follow-up"
section, again without this app reading other apps' tables:
- `register_growth(GrowthMeasure)`: an `Exists` over the outer Person (`OuterRef("pk")`) saying the
  teacher has a growth record of that kind in a date window (training, an award, a project ...);
- `register_problems(ProblemSource)`: the problems found about teachers (a low-graded lesson, a
  visit's finding, a quality warning) as a queryset annotated with `archive_person` and
  `archive_followed` (the app's own record of what was done), and, for the page, the viewer's
  problems about one teacher as ArchiveProblem items. A follow-up note (observe.ArchiveNote)
  answering a problem by its source key and id counts as followed up too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear

from core.access import AnyUser
from core.models import Person


@dataclass(frozen=True)
class ArchiveEntry:
    date: dt.date
    source: str  # the registry key, e.g. "observe.received"
    kind_label: str  # e.g. "被听课", "听课"
    title: str
    url: str = ""
    lines: tuple[tuple[str, str], ...] = ()  # (label, text) pairs shown under the title
    tags: tuple[str, ...] = ()
    sort_key: tuple[int, ...] = field(default=())


Window = tuple[dt.date, dt.date]  # inclusive
ArchiveSource = Callable[..., list[ArchiveEntry]]  # fn(user, person) or, with years=, fn(user, person, window=None)
YearCounts = Callable[[AnyUser, Person], dict[tuple[int, str], int]]  # (school year, kind label) -> entries


@dataclass(frozen=True)
class _Source:
    fn: ArchiveSource
    years: YearCounts | None


_SOURCES: dict[str, _Source] = {}


def register_source(key: str, fn: ArchiveSource, *, years: YearCounts | None = None) -> None:
    """Add (or replace, on re-import) the source called `key`; with `years`, `fn` takes a window."""
    _SOURCES[key] = _Source(fn, years)


def school_year_of(day: dt.date) -> int:
    """The school year a day falls in, by its first calendar year (1 September to 31 August)."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_window(year: int) -> Window:
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)


def school_year_label(year: int) -> str:
    return f"{year}—{year + 1}学年"


def school_year_counts(qs: QuerySet[Any], field: str, label: str, *, label_field: str = "",
                       labels: Callable[[Any], str] | None = None) -> dict[tuple[int, str], int]:
    """Entries per (school year, kind label) of a source's queryset, grouped in SQL by the year and
    month of `field` (a date, or an aware datetime read in local time). The kind label is `label`,
    or `labels(value of label_field)` when a source's entries differ in kind by a column."""
    extra = (label_field,) if label_field else ()
    rows = (qs.order_by().annotate(_y=ExtractYear(field), _m=ExtractMonth(field)).values("_y", "_m", *extra)
            .annotate(_n=Count("pk", distinct=True)).values_list("_y", "_m", *extra, "_n"))
    out: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        year, month, n = row[0], row[1], row[-1]
        if year is None:
            continue
        kind = labels(row[2]) if label_field and labels is not None else label
        out[(year if month >= 9 else year - 1, kind)] += n
    return dict(out)


def _within(entries: list[ArchiveEntry], window: Window | None) -> list[ArchiveEntry]:
    if window is None:
        return entries
    return [e for e in entries if window[0] <= e.date <= window[1]]


def _newest_first(entries: list[ArchiveEntry]) -> list[ArchiveEntry]:
    entries.sort(key=lambda e: (e.date, e.sort_key), reverse=True)
    return entries


def archive_entries(user: AnyUser, person: Person, *, start: dt.date | None = None,
                    end: dt.date | None = None) -> list[ArchiveEntry]:
    """All entries of all sources, newest first, optionally within [start, end]."""
    window = None if start is None and end is None else (start or dt.date.min, end or dt.date.max)
    out: list[ArchiveEntry] = []
    for src in _SOURCES.values():
        if src.years is not None and window is not None:
            out.extend(src.fn(user, person, window))
        else:
            out.extend(_within(src.fn(user, person), window))
    return _newest_first(out)


def archive_entries_complete(user: AnyUser, person: Person) -> list[ArchiveEntry]:
    """Every entry of every source, newest first, for the Word export: a source stops at its cap
    (decades of a busy leader's lessons), so one returning fewer entries than it counts is read
    again one school year at a time."""
    out: list[ArchiveEntry] = []
    for src in _SOURCES.values():
        got = src.fn(user, person)
        if src.years is not None:
            counted = src.years(user, person)
            if sum(counted.values()) > len(got):
                years = sorted({y for (y, _), n in counted.items() if n})
                got = [e for y in years for e in src.fn(user, person, school_year_window(y))]
        out.extend(got)
    return _newest_first(out)


@dataclass(frozen=True)
class ArchiveOverview:
    """What the archive page shows: counts over every year and the entries of one window."""

    counts: dict[str, int]  # kind label -> entries, every year
    years: dict[int, dict[str, int]]  # school year -> kind label -> entries
    entries: list[ArchiveEntry]  # within the window, newest first


def archive_overview(user: AnyUser, person: Person, window: Window) -> ArchiveOverview:
    """Every source's entries in `window` and its counts per school year and kind: one grouped
    query for a source with `years` and, when it counts entries in the window's school years, one
    windowed query; the whole source otherwise."""
    per_year: dict[tuple[int, str], int] = defaultdict(int)
    entries: list[ArchiveEntry] = []
    first, last = school_year_of(window[0]), school_year_of(window[1])
    for src in _SOURCES.values():
        if src.years is not None:
            counted = src.years(user, person)
            for k, n in counted.items():
                per_year[k] += n
            if any(n and first <= y <= last for (y, _), n in counted.items()):  # else nothing to fetch
                entries.extend(src.fn(user, person, window))
        else:
            every = src.fn(user, person)
            for e in every:
                per_year[(school_year_of(e.date), e.kind_label)] += 1
            entries.extend(_within(every, window))
    counts: dict[str, int] = {}
    years: dict[int, dict[str, int]] = defaultdict(dict)
    for (year, kind), n in per_year.items():
        if n:
            counts[kind] = counts.get(kind, 0) + n
            years[year][kind] = n
    return ArchiveOverview(counts, dict(years), _newest_first(entries))


# ---------------------------------------------------------------- growth and problems


@dataclass(frozen=True)
class GrowthMeasure:
    """One kind of growth record for TEACHER.ARCHIVE: `exists(start, end)` is an Exists (or an
    OR of several) over the outer Person's pk (`OuterRef("pk")`), true when the teacher has such a record in [start, end]."""

    key: str
    label: str  # e.g. "培训", shown in the norm's detail
    exists: Callable[[dt.date, dt.date], Exists | Q]


@dataclass(frozen=True)
class ArchiveProblem:
    """A problem found about a teacher and what was done about it, as the page shows it."""

    source: str  # the ProblemSource key; with `problem_id`, what a follow-up note answers
    problem_id: int
    date: dt.date
    kind_label: str  # e.g. "听课评价偏低"
    title: str
    url: str = ""
    detail: str = ""
    # What the source app itself records as done (a measure and deadline, an action ...).
    actions: tuple[tuple[dt.date | None, str], ...] = ()
    followed: bool = False  # by the source's own records (notes are added by the page)


@dataclass(frozen=True)
class ProblemSource:
    """Problems about teachers from one app. `counted(start, end)` is a queryset of the problems
    found in [start, end], annotated with `archive_person` (the teacher's id) and `archive_followed`
    (a boolean: the app's own record of a follow-up); the metric groups it, never iterating rows.
    `about(user, person)` lists the problems the viewer may see about one teacher."""

    key: str
    label: str
    counted: Callable[[dt.date, dt.date], QuerySet[Any]]
    about: Callable[[AnyUser, Person], list[ArchiveProblem]]


GROWTH: dict[str, GrowthMeasure] = {}
PROBLEMS: dict[str, ProblemSource] = {}


def register_growth(measure: GrowthMeasure) -> None:
    GROWTH[measure.key] = measure


def register_problems(source: ProblemSource) -> None:
    PROBLEMS[source.key] = source


def archive_problems(user: AnyUser, person: Person) -> list[ArchiveProblem]:
    """Every source's problems the viewer may see about the person, newest first."""
    out: list[ArchiveProblem] = []
    for src in PROBLEMS.values():
        out.extend(src.about(user, person))
    out.sort(key=lambda p: (p.date, p.problem_id), reverse=True)
    return out


# Imported last: registers this app's own sources (observations received and given).
from observe import archive_sources  # noqa: E402, F401

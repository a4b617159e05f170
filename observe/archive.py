"""The teacher teaching archive (TEACHER.ARCHIVE, 004 (一)4): one time line per teacher.

A small registry lets every app contribute entries without this app knowing them: an app calls
`register_source("visits.findings", fn)` from its AppConfig.ready, where `fn(user, person)`
returns the ArchiveEntry items the *user* may see about the person (each source applies its own
access rules). The page and the Word export merge the sources in time order.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Q, QuerySet

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


ArchiveSource = Callable[[AnyUser, Person], list[ArchiveEntry]]
_SOURCES: dict[str, ArchiveSource] = {}


def register_source(key: str, fn: ArchiveSource) -> None:
    """Add (or replace, on re-import) the source called `key`."""
    _SOURCES[key] = fn


def archive_entries(user: AnyUser, person: Person, *, start: dt.date | None = None,
                    end: dt.date | None = None) -> list[ArchiveEntry]:
    """All entries of all sources, newest first, optionally within [start, end]."""
    out: list[ArchiveEntry] = []
    for fn in _SOURCES.values():
        out.extend(fn(user, person))
    if start is not None:
        out = [e for e in out if e.date >= start]
    if end is not None:
        out = [e for e in out if e.date <= end]
    out.sort(key=lambda e: (e.date, e.sort_key), reverse=True)
    return out


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

"""The teacher teaching archive (TEACHER.ARCHIVE, 004 (一)4): one time line per teacher.

A small registry lets every app contribute entries without this app knowing them: an app calls
`register_source("visits.findings", fn)` from its AppConfig.ready, where `fn(user, person)`
returns the ArchiveEntry items the *user* may see about the person (each source applies its own
access rules). The page and the Word export merge the sources in time order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

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


# Imported last: registers this app's own sources (observations received and given).
from observe import archive_sources  # noqa: E402, F401

"""The hook later features use to add their own demo records (observations, exams, ...).

An app registers a function that receives the `SeedContext` of a finished core seed:

    # observe/demo.py  (imported automatically: the seed command autodiscovers `<app>.demo`)
    from core.demo.extensions import SeedContext, register

    def observations(ctx: SeedContext) -> None:
        for school_id in ctx.school_ids: ...

    register("observe.observations", observations, order=100)

Extensions run in (order, name) order after the core data is written, inside the same
transaction. Each gets its own random stream derived from the seed and its name (`ctx.rng`), so
adding or changing one extension never changes the records another one generates.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SeedContext:
    """What a seed produced, for extensions to build on. Ids are database ids of the rows written."""

    seed: int
    scale: str
    rng: random.Random
    today: dt.date
    term_key: str  # the current semester, e.g. "2026-1"
    province_id: int
    region_ids: list[int]
    school_ids: list[int]
    # Teachers (person ids) by school id, in generation order.
    teachers_by_school: dict[int, list[int]]
    researcher_ids: list[int]
    # Demo login key (e.g. "teacher") -> user id.
    users: dict[str, int] = field(default_factory=dict)
    # Free-form notes an extension may leave for the ones after it (shared by all of them).
    extra: dict[str, object] = field(default_factory=dict)


class PhaseClock:
    """Each phase's CPU seconds, this process's and (PostgreSQL on this machine, read from /proc)
    its database backend's, into two dicts keyed by phase name. On a shared machine these say what
    a phase costs whatever else runs, where wall seconds do not."""

    def __init__(self, cpu: dict[str, float], db_cpu: dict[str, float]) -> None:
        self.cpu, self.db_cpu = cpu, db_cpu
        self._stat: str | None = None
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                row = cur.fetchone()
            self._stat = f"/proc/{row[0]}/stat" if row else None
        self.mark = self.start = self._now()

    def _db(self) -> float | None:
        if self._stat is None:
            return None
        try:
            with open(self._stat) as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            self._stat = None
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _now(self) -> tuple[float, float | None]:
        return time.process_time(), self._db()

    def restart(self) -> None:
        """Start the next phase now (what ran since the last lap counts nowhere)."""
        self.mark = self._now()

    def lap(self, name: str) -> None:
        """Close the phase `name` (since the previous lap, restart or the clock's start)."""
        now = self._now()
        self.cpu[name] = round(now[0] - self.mark[0], 2)
        if now[1] is not None and self.mark[1] is not None:
            self.db_cpu[name] = round(now[1] - self.mark[1], 2)
        self.mark = now

    def total(self) -> None:
        """The CPU seconds since the clock started, under "total"."""
        self.mark = self.start
        self.lap("total")


SeedExtension = Callable[[SeedContext], None]
_REGISTRY: dict[str, tuple[int, SeedExtension]] = {}


def register(name: str, fn: SeedExtension, *, order: int = 100) -> None:
    """Add (or replace, on re-import) the extension called `name`."""
    _REGISTRY[name] = (order, fn)


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def registered() -> list[tuple[str, SeedExtension]]:
    """The extensions in the order they run."""
    return [(name, fn) for name, (order, fn) in sorted(_REGISTRY.items(), key=lambda kv: (kv[1][0], kv[0]))]


def run_all(base: SeedContext, *, report: Callable[[str], None] | None = None,
            timings: dict[str, float] | None = None, clock: PhaseClock | None = None) -> list[str]:
    """Run every registered extension, each with its own random stream; returns their names.
    With `timings`, each one's seconds go in it under its name; with `clock`, its laps do
    (wall and CPU seconds)."""
    names = []
    for name, fn in registered():
        ctx = SeedContext(**{**base.__dict__, "rng": random.Random(f"{base.seed}:{name}")})
        started = time.perf_counter()
        if clock is not None:
            clock.restart()
        fn(ctx)
        if clock is not None:
            clock.lap(name)
        if timings is not None:
            timings[name] = round(time.perf_counter() - started, 2)
        names.append(name)
        if report:
            report(f"扩展数据已生成：{name}")
    return names

"""A region's quota figures per child (a city's counties, a county's schools), merged from the
per-school and per-leader rows of observe.quotas.QuotaReport. Pure: no ORM."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.progress import BEHIND
from observe.quotas import LeaderQuota, SchoolCoverage


@dataclass
class ChildRollup:
    path: str
    schools: int = 0
    teachers: int = 0
    observed: int = 0
    leaders: int = 0
    behind: int = 0
    met: int = 0
    schools_behind: int = 0  # set from stored rows (observe.quota_stored); the live page counts its own

    @property
    def coverage(self) -> float:
        """Share of the child's teachers observed this term, in percent (one decimal)."""
        return round(100 * self.observed / self.teachers, 1) if self.teachers else 100.0


def child_path(path: str, depth: int) -> str:
    """The path of the ancestor at `depth` (0 = root) of the node with this path."""
    return "/".join(path.split("/")[: depth + 1]) + "/"


def rollup_by_child(schools: Iterable[SchoolCoverage], leaders: Iterable[LeaderQuota],
                    child_depth: int) -> list[ChildRollup]:
    """One row per child node at `child_depth` holding any school or leader, in path order."""
    rows: dict[str, ChildRollup] = {}

    def row(path: str) -> ChildRollup:
        key = child_path(path, child_depth)
        return rows.setdefault(key, ChildRollup(key))

    for c in schools:
        r = row(c.school_path)
        r.teachers += c.teachers
        r.observed += c.observed
        r.schools += 1
    for leader in leaders:
        r = row(leader.school_path)
        r.leaders += 1
        r.behind += leader.status == BEHIND
        r.met += leader.count >= leader.quota
    return [rows[k] for k in sorted(rows)]
